package proxy

import (
	"strings"
	"testing"

	"github.com/apacheconf/apacheconf/ast"
)

// FuzzProxyPassArgs: any ProxyPass/ProxyPassMatch argument list parses or
// is refused with an Error; a parsed entry maps a request and its URL
// canonicalises without panicking.
func FuzzProxyPassArgs(f *testing.F) {
	for _, s := range []string{"/api/ http://127.0.0.1:9000/ retry=0", "/x !", "~ ^/a(.*) http://h$1", "/x balancer://b/ lbmethod=byrequests",
		"/x unix:/run/a.sock|fcgi://localhost/", "/x http://h/ nocanon interpolate noquery mapping=encoded", "/x http://h/ retry",
		"/x foo", "/x", "/x http://[::1]:81/", "/x unix:/s|http:"} {
		f.Add(s, false, "")
		f.Add(s, true, "")
	}
	f.Add("http://h/", false, "/loc")
	f.Add("http://h/ x", true, "^/l.*$")
	f.Fuzz(func(t *testing.T, args string, match bool, loc string) {
		name := "ProxyPass"
		if match {
			name = "ProxyPassMatch"
		}
		d := &ast.Directive{Name: name, Args: ast.NewArgs(strings.Fields(args)...)}
		var l *Location
		if loc != "" {
			l = &Location{Path: loc}
		}
		p, err := ParsePass(d, match, l)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("not an *Error: %v", err)
			}
			return
		}
		s := &ServerConfig{Passes: []*Pass{p}}
		for _, target := range []string{"/x/y?q=1", "/", "/a b"} {
			m := Translate(s, nil, Request{URI: target, UnparsedURI: target})
			if m.Pass != nil {
				if !strings.HasPrefix(m.Filename, "proxy:") {
					t.Fatalf("filename %q", m.Filename)
				}
				Canon(m.Filename, CanonOptions{Query: "q=1", HasQuery: true, NoCanon: m.NoCanon})
			}
		}
	})
}

// FuzzReach: any backend URL canonicalises, and its target meets the
// world, without panicking; a canonical URL whose host holds a ':' is
// bracketed, and that host resolves in no world unless it is IPv6.
func FuzzReach(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:8083x", "http://127.1:80/", "fcgi://[::1]:9000/a", "http://h:99999/",
		"unix:/run/a.sock|fcgi://localhost/x", "http://0x7f.1/", "http://[::1]x/", "http://:80/"} {
		f.Add(s)
	}
	w := &World{Up: []string{"127.0.0.1:80", "localhost:9000", "unix:/run/a.sock"}, Closed: true}
	f.Fuzz(func(t *testing.T, url string) {
		c := Canon("proxy:"+url, CanonOptions{})
		if c.Status != 0 || c.Target.Host == "" {
			return
		}
		r := w.Reach(c.Target)
		if c.Target.Socket == "" && strings.Contains(c.Target.Host, ":") {
			if _, ok := ParseIP(c.Target.Host); !ok && r != ReachUnresolved {
				t.Fatalf("%q: host %q reaches %v", url, c.Target.Host, r)
			}
		}
	})
}
