package scope

import (
	"net/netip"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/parser"
)

// withModule runs f with m registered after the table's modules, as a
// module file and its registration line would add it.
func withModule(t *testing.T, m *module, f func()) {
	saved := modules
	m.index = len(modules)
	modules = append(modules[:len(modules):len(modules)], m)
	defer func() { modules = saved }()
	f()
}

func moduleServer(t *testing.T, conf string) *Server {
	f, err := parser.ParseFile("t.conf", []byte(conf))
	require.NoError(t, err)
	s, err := Build(f.Body, Options{Resolver: stubResolver{}})
	require.NoError(t, err)
	return s
}

// A fixup that answers with an internal redirect makes the core run the
// request again for the new URI (a new translation and walk), the trace
// keeping both; a redirect that never ends stops at
// LimitInternalRecursion with httpd's 500.
func TestFixupInternalRedirect(t *testing.T) {
	fsys := fstest.MapFS{"srv/www/new.html": {Data: []byte("x")}}
	s := moduleServer(t, "DocumentRoot /srv/www\nLimitInternalRecursion 3\n<Directory /srv/www>\nRequire all granted\n</Directory>\n")
	req := Request{Addr: netip.MustParseAddr("127.0.0.1"), Remote: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: "/old.html"}
	redirects := 0
	m := &module{name: "mod_test", fixups: func(r *request) *answer {
		if !r.mayAnswer {
			return nil
		}
		switch {
		case r.uri == "/old.html":
			return &answer{internalRedirect: "/new.html", phase: "test", note: "internal redirect to /new.html"}
		case strings.HasPrefix(r.uri, "/loop"):
			redirects++
			return &answer{internalRedirect: r.uri + "x", phase: "test", note: "again"}
		}
		return nil
	}}
	withModule(t, m, func() {
		res := s.Request(req, RequestOptions{FS: fsys})
		assert.Equal(t, 200, res.Status, res.Reason)
		assert.Equal(t, "/new.html", res.URI)
		assert.Equal(t, "/srv/www/new.html", res.Filename)
		assert.Equal(t, req, res.Request, "the Result answers the request as sent")
		var phases []string
		for _, st := range res.Steps {
			phases = append(phases, st.Phase)
		}
		// The new request's configuration is the old one's: the access
		// phases are not run again (r->prev's per_dir_config), and the
		// trace says so.
		assert.Equal(t, []string{"server", "directory", "test", "server", "directory", "access"}, phases)

		req.Path = "/loop"
		res = s.Request(req, RequestOptions{FS: fsys})
		assert.Equal(t, 500, res.Status)
		assert.Contains(t, res.Reason, "LimitInternalRecursion")
		// LimitInternalRecursion 3 lets three internal redirects happen
		// and refuses the fourth (recorded by httpd:
		// conformance/routing/rwdir-recursion-limit).
		assert.Equal(t, 4, redirects, "fixups asked four times")
	})
}

// translate_name offers the URI to each module in table order; the first
// that answers wins, and the core's DocumentRoot mapping only runs when
// every module declines.
func TestTranslateNameHookOrder(t *testing.T) {
	s := moduleServer(t, "DocumentRoot /srv/www\nAlias /a /srv/alias\n")
	m := &module{name: "mod_test", translateName: func(r *request) (Mapping, bool) {
		if r.uri == "/gone" {
			return Mapping{Kind: "test", Redirect: &Redirect{Status: 410}}, true
		}
		return Mapping{}, false
	}}
	withModule(t, m, func() {
		req := Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80}
		req.Path = "/gone"
		assert.Equal(t, 410, s.Request(req, RequestOptions{}).Status)
		req.Path = "/a/x"
		assert.Equal(t, "alias", s.Request(req, RequestOptions{}).Mapping.Kind, "mod_alias comes first in the table")
		req.Path = "/x"
		assert.Equal(t, "docroot", s.Request(req, RequestOptions{}).Mapping.Kind)
	})
}

// The request's environment is built in httpd's order: server-level
// SetEnvIf (post_read_request), the server's RewriteRule [E=] (httpd:
// translate_name), per-directory SetEnvIf (header_parser, which reads
// what the rewrite set), per-directory RewriteRule [E=] and SetEnv
// (fixups).
func TestEnvironmentOrder(t *testing.T) {
	s := moduleServer(t, `DocumentRoot /srv/www
SetEnvIf Request_URI ^/ FIRST=1
RewriteEngine On
RewriteRule ^/ - [E=SECOND:2]
<Directory /srv/www>
  SetEnvIf SECOND ^2$ THIRD=3
  RewriteEngine On
  RewriteRule ^ - [E=FOURTH:4]
  SetEnv FIFTH 5
</Directory>
`)
	fsys := fstest.MapFS{"srv/www/f.html": {Data: []byte("x")}}
	res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: "/f.html"}, RequestOptions{FS: fsys})
	var got []string
	for _, e := range res.Env {
		got = append(got, e.Name+"="+e.Value)
	}
	assert.Equal(t, []string{"FIRST=1", "SECOND=2", "THIRD=3", "FOURTH=4", "FIFTH=5"}, got)
}

// A hook leaves notes for a later one (r->notes) and adds trace steps:
// one from translate_name comes before the walks' steps.
func TestNotesAndSteps(t *testing.T) {
	s := moduleServer(t, "DocumentRoot /srv/www\n<Directory /srv/www>\nRequire all granted\n</Directory>\n")
	seen := ""
	m := &module{name: "mod_test",
		translateName: func(r *request) (Mapping, bool) {
			r.setNote("test-mapped", r.uri)
			r.addStep(Step{Phase: "test", Note: "looked at " + r.uri})
			return Mapping{}, false
		},
		fixups: func(r *request) *answer {
			seen, _ = r.note("test-mapped")
			r.addStep(Step{Phase: "test", Note: "fixup"})
			return nil
		}}
	withModule(t, m, func() {
		fsys := fstest.MapFS{"srv/www/f.html": {Data: []byte("x")}}
		res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: "/f.html"}, RequestOptions{FS: fsys})
		assert.Equal(t, "/f.html", seen)
		var steps []string
		for _, st := range res.Steps {
			steps = append(steps, st.Phase+":"+st.Note)
		}
		assert.Equal(t, []string{"test:looked at /f.html", "server:", "directory:", "test:fixup"}, steps)
	})
}

// A module that maps the request off the file system at map_to_storage
// (as mod_proxy does) skips the directory and file walks; <Location>
// still applies, and the module's handler answers.
func TestMapToStorageSkipsTheWalk(t *testing.T) {
	s := moduleServer(t, "DocumentRoot /srv/www\n<Directory /srv/www>\nRequire all denied\n</Directory>\n<Location /api>\nRequire all granted\n</Location>\n")
	m := &module{name: "mod_test",
		translateName: func(r *request) (Mapping, bool) {
			if strings.HasPrefix(r.uri, "/api/") {
				return Mapping{Kind: "test-proxy", Filename: "proxy:http://127.0.0.1:9000" + r.uri[4:], Handler: "test-proxy"}, true
			}
			return Mapping{}, false
		},
		mapToStorage: func(r *request) bool { return r.res.Mapping.Kind == "test-proxy" },
		handler: func(r *request) (int, string, bool) {
			if r.handler == "test-proxy" {
				return 200, "proxied to " + r.filename, true
			}
			return 0, "", false
		}}
	withModule(t, m, func() {
		fsys := fstest.MapFS{"srv/www/api/x": {Data: []byte("x")}}
		res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: "/api/users"}, RequestOptions{FS: fsys})
		assert.Equal(t, 200, res.Status, res.Reason)
		assert.Equal(t, "proxied to proxy:http://127.0.0.1:9000/users", res.Reason)
		var phases []string
		for _, st := range res.Steps {
			phases = append(phases, st.Phase)
		}
		assert.Equal(t, []string{"server", "location"}, phases, "no <Directory> merged")
		res = s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: "/other"}, RequestOptions{FS: fsys})
		assert.Equal(t, 403, res.Status, "a request on the file system still walks: %s", res.Reason)
	})
}
