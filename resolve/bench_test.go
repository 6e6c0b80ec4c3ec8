package resolve_test

import (
	"fmt"
	"net/netip"
	"testing"
	"testing/fstest"

	"github.com/apacheconf/apacheconf/internal/gen/bigconf"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
)

type noDNS struct{}

func (noDNS) LookupHost(string) ([]netip.Addr, error) { return nil, fmt.Errorf("no DNS") }
func (noDNS) LookupAddr(netip.Addr) (string, error)   { return "", fmt.Errorf("no DNS") }
func (noDNS) LocalHost() string                       { return "localhost" }

// BenchmarkResolve: one request to a WSGIScriptAlias'd application,
// through scope and the resolver, after the indexes are built.
func BenchmarkResolve(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		f, err := parser.ParseFile("big.conf", bigconf.VHosts(n))
		if err != nil {
			b.Fatal(err)
		}
		s, err := scope.Build(f.Body, scope.Options{Resolver: noDNS{}})
		if err != nil {
			b.Fatal(err)
		}
		inv, err := resolve.Groups(s)
		if err != nil {
			b.Fatal(err)
		}
		site := n / 2
		fsys := fstest.MapFS{fmt.Sprintf("srv/www/site%d/app/app.wsgi", site): {Data: []byte("x")}}
		req := scope.Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: fmt.Sprintf("site%d.example.com", site), Path: "/app/x"}
		b.Run(fmt.Sprintf("vhosts=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				d := inv.Resolve(s.Request(req, scope.RequestOptions{FS: fsys}), resolve.Options{})
				if d.Verdict != "allowed" || d.ProcessGroup != fmt.Sprintf("site%d", site) {
					b.Fatalf("%+v", d)
				}
			}
		})
	}
}
