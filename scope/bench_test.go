package scope_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apacheconf/apacheconf/internal/gen/bigconf"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

func buildBig(b *testing.B, n int) *scope.Server {
	f, err := parser.ParseFile("big.conf", bigconf.VHosts(n))
	if err != nil {
		b.Fatal(err)
	}
	s, err := scope.Build(f.Body, scope.Options{Resolver: fixedResolver{}})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkSelectVHost: name-based selection among n vhosts on one
// address; should not grow with n.
func BenchmarkSelectVHost(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		s := buildBig(b, n)
		ip := netip.MustParseAddr("127.0.0.1")
		hosts := []string{fmt.Sprintf("site%d.example.com", n/2), fmt.Sprintf("www.site%d.example.com", n-1), "unknown.example"}
		b.Run(fmt.Sprintf("vhosts=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				s.SelectVHost(ip, 80, hosts[i%len(hosts)])
			}
		})
	}
}

// BenchmarkRequest: a full request (selection, mapping, directory walk
// over an in-memory file system, merges, outcome).
func BenchmarkRequest(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		s := buildBig(b, n)
		site := n / 2
		fsys := fstest.MapFS{
			fmt.Sprintf("srv/www/site%d/public_html/index.html", site): {Data: []byte("x")},
		}
		req := scope.Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80,
			Host: fmt.Sprintf("site%d.example.com", site), Path: "/index.html"}
		benchCPU(b, fmt.Sprintf("vhosts=%d", n), func(b *testing.B) {
			if r := s.Request(req, scope.RequestOptions{FS: fsys}); r.Status != 200 {
				b.Fatalf("status %d: %s", r.Status, r.Reason)
			}
		})
	}
}

type fixedResolver struct{}

func (fixedResolver) LookupHost(string) ([]netip.Addr, error) {
	return nil, fmt.Errorf("no DNS in benchmarks")
}
func (fixedResolver) LookupAddr(netip.Addr) (string, error) {
	return "", fmt.Errorf("no DNS in benchmarks")
}
func (fixedResolver) LocalHost() string { return "localhost" }

// BenchmarkBuild: scope.Build over n vhosts (addresses, names, the
// selection index).
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		f, err := parser.ParseFile("big.conf", bigconf.VHosts(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("vhosts=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := scope.Build(f.Body, scope.Options{Resolver: fixedResolver{}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// tenRules is a ten-rule server rule set of the usual kinds (canonical
// host, moved paths, dotfiles, a proxy, an [E=], a front controller, a
// gone, static paths); /home is answered by the last one.
const tenRules = `<VirtualHost *:80>
  ServerName rw.example.com
  DocumentRoot /srv/www/rw
  RewriteEngine On
  RewriteCond %{HTTP_HOST} ^www\. [NC]
  RewriteRule ^ http://rw.example.com%{REQUEST_URI} [R=301,L]
  RewriteRule ^/old/(.*)$ /new/$1 [R=301,L]
  RewriteRule "(^|/)\." - [F]
  RewriteRule ^/api/(.*)$ http://127.0.0.1:9000/$1 [P]
  RewriteCond %{QUERY_STRING} debug
  RewriteRule ^ - [E=DEBUG:1]
  RewriteRule ^/blog/([0-9]+)/(.*)$ /blog.php?id=$1&slug=$2 [L,QSA]
  RewriteRule \.bak$ - [G]
  RewriteRule ^/img/(.*)$ /static/img/$1 [L]
  RewriteRule ^/feed$ /feed.xml [L]
  RewriteRule ^/home$ /index.html [PT,L]
</VirtualHost>
`

// BenchmarkRequestRewrite: a full request through a ten-rule server rule
// set ([PT] by the last rule, then the walk) among n other vhosts.
func BenchmarkRequestRewrite(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		var conf bytes.Buffer
		conf.Write(bigconf.VHosts(n))
		conf.WriteString(tenRules)
		f, err := parser.ParseFile("big.conf", conf.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		s, err := scope.Build(f.Body, scope.Options{Resolver: fixedResolver{}})
		if err != nil {
			b.Fatal(err)
		}
		fsys := fstest.MapFS{"srv/www/rw/index.html": {Data: []byte("x")}}
		req := scope.Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: "rw.example.com", Path: "/home"}
		if r := s.Request(req, scope.RequestOptions{FS: fsys}); r.Status != 200 || len(r.Rewrites) != 1 {
			b.Fatalf("status %d (%s), %d rewrites", r.Status, r.Reason, len(r.Rewrites))
		}
		benchCPU(b, fmt.Sprintf("vhosts=%d", n), func(*testing.B) {
			s.Request(req, scope.RequestOptions{FS: fsys})
		})
	}
}

// BenchmarkProxyPassTable: a request at 10k virtual hosts matched
// against a 100-entry ProxyPass table of the main server (every virtual
// host inherits it, the main server's entries first), the last entry
// being the one that maps it: the translate_name walk of the whole
// table, the proxy handler's canonicalisation, after the first request
// has built the virtual host's merged configuration.
func BenchmarkProxyPassTable(b *testing.B) {
	const n = 10000
	f, err := parser.ParseFile("big.conf", append([]byte(proxyPassTable()), bigconf.VHosts(n)...))
	if err != nil {
		b.Fatal(err)
	}
	s, err := scope.Build(f.Body, scope.Options{Resolver: fixedResolver{}})
	if err != nil {
		b.Fatal(err)
	}
	site := n / 2
	req := scope.Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80,
		Host: fmt.Sprintf("site%d.example.com", site), Path: "/svc99/users?id=7",
		Backends: &scope.Backends{Up: []string{"10.0.0.100:8080"}}} // its answer: 200, not left to it
	opts := scope.RequestOptions{FS: fstest.MapFS{}}
	if r := s.Request(req, opts); r.Proxy == nil || r.Proxy.URL != "http://10.0.0.100:8080/api/users?id=7" {
		b.Fatalf("not proxied as expected: %d %s", r.Status, r.Reason)
	}
	benchProxied(b, fmt.Sprintf("vhosts=%d/entries=100", n), s, req, opts)
}

// BenchmarkRequestRewriteProxyTable is issue 18's figure: one request
// at 10k virtual hosts through a ten-rule server rule set (none of which
// maps it) and then a 100-entry ProxyPass table whose last entry proxies
// it — the whole translate_name of both modules, the walk, the handler's
// canonicalisation.
func BenchmarkRequestRewriteProxyTable(b *testing.B) {
	const n = 10000
	var conf strings.Builder
	conf.WriteString(proxyPassTable())
	conf.Write(bigconf.VHosts(n))
	conf.WriteString(tenRules)
	f, err := parser.ParseFile("big.conf", []byte(conf.String()))
	if err != nil {
		b.Fatal(err)
	}
	s, err := scope.Build(f.Body, scope.Options{Resolver: fixedResolver{}})
	if err != nil {
		b.Fatal(err)
	}
	req := scope.Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: "rw.example.com", Path: "/svc99/users?id=7",
		Backends: &scope.Backends{Up: []string{"10.0.0.100:8080"}}} // its answer: 200, not left to it
	opts := scope.RequestOptions{FS: fstest.MapFS{}}
	if r := s.Request(req, opts); r.Proxy == nil || r.Proxy.URL != "http://10.0.0.100:8080/api/users?id=7" || len(r.Rewrites) != 0 {
		b.Fatalf("not proxied as expected: %d %s (%d rewrites)", r.Status, r.Reason, len(r.Rewrites))
	}
	benchProxied(b, fmt.Sprintf("vhosts=%d/rules=10/entries=100", n), s, req, opts)
}

// proxyPassTable is a 100-entry main-server ProxyPass table, /svc99/ the
// last entry, with the modules it needs.
func proxyPassTable() string {
	var table strings.Builder
	table.WriteString("LoadModule proxy_module mod_proxy.so\nLoadModule proxy_http_module mod_proxy_http.so\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&table, "ProxyPass /svc%d/ http://10.0.%d.%d:8080/api/\n", i, i/250, i%250+1)
	}
	return table.String()
}

// benchProxied times req, which must be answered 200, in CPU per request.
func benchProxied(b *testing.B, name string, s *scope.Server, req scope.Request, opts scope.RequestOptions) {
	benchCPU(b, name, func(b *testing.B) {
		if r := s.Request(req, opts); r.Status != 200 {
			b.Fatalf("status %d: %s", r.Status, r.Reason)
		}
	})
}

// benchCPU runs op b.N times as the sub-benchmark name, on one OS thread,
// and reports its CPU time per op (cpu-ns/op) beside the wall time, which
// other processes on the machine inflate.
func benchCPU(b *testing.B, name string, op func(b *testing.B)) {
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		cpu := startCPU()
		defer cpu.report(b)
		for i := 0; i < b.N; i++ {
			op(b)
		}
	})
}

// BenchmarkCheckHandlers: every modelled directive handler over a
// 10k-vhost configuration with Debian's modules loaded, as `apacheconf
// check` runs it (scope.CheckHandlers is the longest of its checks).
func BenchmarkCheckHandlers(b *testing.B) {
	const n = 10000
	f, err := parser.ParseFile("big.conf", append([]byte(bigconf.DebianModules), bigconf.VHosts(n)...))
	if err != nil {
		b.Fatal(err)
	}
	s, err := scope.Build(f.Body, scope.Options{Resolver: fixedResolver{}})
	if err != nil {
		b.Fatal(err)
	}
	opts := scope.CheckOptions{Loaded: s.Loaded}
	if ps := scope.CheckHandlers(f.Body, opts); len(ps) > 0 {
		b.Fatal(ps[0])
	}
	benchCPU(b, fmt.Sprintf("vhosts=%d", n), func(*testing.B) {
		scope.CheckHandlers(f.Body, opts)
	})
}
