package proxy

import (
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/oraclecase"
	"github.com/apacheconf/apacheconf/parser"
)

type section struct {
	path  string
	re    *regexp.Regexp // <LocationMatch>
	conf  *DirConfig
	other bool // holds SetHandler/Rewrite…: not ours to judge
}

type vhostProxy struct {
	names   []string
	port    int
	server  *ServerConfig
	locs    []section
	special bool // rewrite [P], SetHandler proxy:, Proxy access sections: answers not from ProxyPass alone
}

// TestRoutingCorpusProxyPass replays the proxy-*, mix-*-proxypass and
// fcgi-proxypassmatch cases of conformance/routing (recorded by httpd):
// wherever ProxyPass decides (an entry maps the request, or an exclusion
// or no entry leaves it local), the backend and the target it received
// must be the server's.
func TestRoutingCorpusProxyPass(t *testing.T) {
	var dirs []string
	for _, g := range []string{"proxy-*", "mix-*proxypass", "fcgi-proxypassmatch"} {
		m, _ := filepath.Glob("../../conformance/routing/" + g)
		dirs = append(dirs, m...)
	}
	if len(dirs) == 0 {
		t.Skip("no conformance/routing cases")
	}
	decided, agreed, skipped := 0, 0, 0
	ports := map[string]string{"8083": "b1", "8084": "b2", "8085": "fcgi"}
	for _, dir := range dirs {
		cases, err := oraclecase.Load(dir)
		require.NoError(t, err)
		if len(cases) == 0 || cases[0].Requests[0].ConfigError != "" {
			continue
		}
		site, err := os.ReadFile(filepath.Join(dir, "site.conf"))
		require.NoError(t, err)
		text := strings.NewReplacer("@ROOT@", "/ROOT", "@PORT2@", "8082", "@PORT@", "8081", "@BACKEND2@", "8084",
			"@BACKEND@", "8083", "@FCGI@", "8085").Replace(string(site))
		f, err := parser.ParseFile("site.conf", []byte(text))
		require.NoError(t, err)
		servers := loadProxyServers(t, f)
		for _, rq := range cases[0].Requests {
			name := filepath.Base(dir) + ": " + rq.Line
			v := pickVhost(servers, rq)
			if v == nil || v.special || strings.HasPrefix(rq.Path, "http") || strings.Contains(strings.ToLower(rq.Path), "%2f") {
				skipped++
				continue
			}
			u, err := url.Parse(rq.Path)
			require.NoError(t, err)
			var dc *DirConfig
			other := false
			for _, l := range v.locs {
				if l.re != nil && l.re.MatchString(u.Path) || l.re == nil && locationMatches(l.path, u.Path) {
					dc = MergeDir(dc, l.conf)
					other = other || l.other
				}
			}
			if other {
				skipped++
				continue
			}
			hasQ := strings.Contains(rq.Path, "?")
			m := Translate(v.server, dc, Request{URI: u.Path, UnparsedURI: rq.Path, Query: u.RawQuery, HasQuery: hasQ})
			if m.Pass == nil {
				if rq.Backend != "" {
					t.Errorf("%s: httpd proxied to %s %s, no ProxyPass of ours matched", name, rq.Backend, rq.BackendPath)
				} else {
					agreed++
				}
				decided++
				continue
			}
			o := CanonOptions{Query: u.RawQuery, HasQuery: hasQ, NoCanon: m.NoCanon}
			status, c := answerIn(oracleWorld, m, o)
			if p := ProtocolOf(c.Target.Scheme); p == "tls" || c.Target.Scheme == "h2c" {
				skipped++ // which modules are loaded (mod_ssl, mod_proxy_http2) decides: scope's
				continue
			}
			decided++
			if status != rq.Status {
				t.Errorf("%s: httpd %d, we %d (%s)", name, rq.Status, status, c.Reason)
				continue
			}
			if status != 200 {
				agreed++
				continue
			}
			backend := ports[portOfURL(c.URL)]
			got := c.Path
			if backend == "fcgi" {
				got = c.ScriptFilename
			} else if strings.HasPrefix(got, "//") {
				got = "/" + strings.TrimLeft(got, "/") // run.py's backend reports "//x" as "/x"
			}
			want := strings.ReplaceAll(strings.ReplaceAll(rq.BackendPath+rq.Script, "@ROOT@", "/ROOT"), "@FCGI@", "8085")
			if backend != rq.Backend || got != want {
				t.Errorf("%s: httpd %s %s, we %s %s", name, rq.Backend, want, backend, got)
				continue
			}
			agreed++
		}
	}
	t.Logf("routing corpus, ProxyPass: %d answers decided by the mapping, %d agree; %d left to other modules", decided, agreed, skipped)
	assert.Equal(t, decided, agreed)
	assert.NotZero(t, decided)
}

// oracleWorld is run.py's: its backends (as the test materialises
// them) answer, nothing else listens, and only localhost resolves.
var oracleWorld = &World{Up: []string{"http://127.0.0.1:8083", "http://127.0.0.1:8084", "fcgi://127.0.0.1:8085"}, Closed: true,
	Hosts:      map[string][]netip.Addr{"localhost": {netip.MustParseAddr("127.0.0.1")}},
	ClosedNets: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}

// answerIn is what httpd answers to a request ProxyPass mapped, in world
// w: the canon handler's refusal, the balancer's pick, or what
// connecting to the backend meets (200: the backend's answer, c says
// what it received).
func answerIn(w *World, m *Match, o CanonOptions) (int, Canonical) {
	filename := m.Filename
	if strings.HasPrefix(filename, "proxy:balancer://") {
		if m.Balancer == nil {
			return 500, Canonical{Reason: "no such balancer"}
		}
		pick := PickMember(m.Balancer, w, BalancerParams{MaxAttempts: -1})
		if pick.Member == nil {
			return pick.Status, Canonical{Reason: pick.Reason + pick.Undecided}
		}
		filename = MemberFilename(Canon(filename, o).Filename, *pick.Member)
	}
	c := Canon(filename, o)
	if c.Status != 0 {
		return c.Status, c
	}
	switch w.Reach(c.Target) {
	case ReachUp:
		return 200, c
	case ReachRefused:
		return 503, c
	case ReachUnresolved:
		return 500, c
	}
	return 0, c
}

// locationMatches is a <Location> prefix test on a segment boundary.
func locationMatches(prefix, uri string) bool {
	if !strings.HasPrefix(uri, prefix) {
		return false
	}
	return strings.HasSuffix(prefix, "/") || len(uri) == len(prefix) || uri[len(prefix)] == '/'
}

func portOfURL(u string) string {
	rest := u[strings.Index(u, "://")+3:]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	_, p, _ := strings.Cut(rest, ":")
	return p
}

func pickVhost(servers []*vhostProxy, rq oraclecase.Request) *vhostProxy {
	host, _, _ := strings.Cut(rq.Host, ":")
	var first *vhostProxy
	for _, s := range servers {
		if s.port != 0 && s.port != rq.Port() {
			continue
		}
		if first == nil {
			first = s
		}
		for _, n := range s.names {
			if strings.EqualFold(n, host) {
				return s
			}
		}
	}
	return first
}

func loadProxyServers(t *testing.T, f *ast.File) []*vhostProxy {
	main := &vhostProxy{server: &ServerConfig{}}
	var vhosts []*vhostProxy
	var read func(v *vhostProxy, nodes []ast.Node)
	read = func(v *vhostProxy, nodes []ast.Node) {
		for _, n := range nodes {
			switch n := n.(type) {
			case *ast.Directive:
				switch n.Canonical() {
				case "servername":
					name, _, _ := strings.Cut(n.Args[0].Value, ":")
					v.names = append(v.names, name)
				case "serveralias":
					v.names = append(v.names, n.Values()...)
				case "sethandler", "addhandler", "rewriterule", "proxyrequests", "proxyremote", "proxyremotematch":
					v.special = true
				}
				require.NoError(t, v.server.Add(n, ""))
			case *ast.Section:
				arg := ""
				if len(n.Args) > 0 {
					arg = n.Args[len(n.Args)-1].Value
				}
				switch strings.ToLower(n.Name) {
				case "virtualhost":
					vh := &vhostProxy{server: &ServerConfig{}}
					if _, p, ok := strings.Cut(n.Args[0].Value, ":"); ok {
						vh.port, _ = strconv.Atoi(p)
					}
					read(vh, n.Body)
					vhosts = append(vhosts, vh)
				case "proxy", "proxymatch":
					for _, d := range ast.Directives(n.Body) {
						require.NoError(t, v.server.Add(d, arg))
						if !d.Is("BalancerMember") {
							v.special = true // access control on the backend URL
						}
					}
				case "location", "locationmatch":
					isMatch := strings.EqualFold(n.Name, "LocationMatch") || (len(n.Args) > 1 && n.Args[0].Value == "~")
					sec := section{path: arg, conf: &DirConfig{}}
					if isMatch {
						sec.re = regexp.MustCompile(arg)
					}
					for _, d := range ast.Directives(n.Body) {
						switch d.Canonical() {
						case "sethandler", "rewriterule", "require", "deny", "redirect":
							sec.other = true
						}
						require.NoError(t, sec.conf.Add(d, &Location{Path: arg, Match: isMatch}))
					}
					v.locs = append(v.locs, sec)
				default:
					for _, d := range ast.Directives(n.Body) {
						switch d.Canonical() {
						case "sethandler", "rewriterule", "addhandler":
							v.special = true
						}
					}
				}
			}
		}
	}
	read(main, f.Body)
	for _, vh := range vhosts {
		vh.server = MergeServer(main.server, vh.server)
		vh.special = vh.special || main.special
	}
	return append(vhosts, main)
}
