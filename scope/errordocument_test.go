package scope

import (
	"net/netip"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ErrorDocument as ap_die answers with it (the behaviours are httpd's as
// recorded in conformance/routing/errdoc-*; these pin the wiring).
func TestErrorDocument(t *testing.T) {
	fsys := fstest.MapFS{
		"srv/www/errors/404.html":   {Data: []byte("x")},
		"srv/www/errors/app.wsgi":   {Data: []byte("x")},
		"srv/www/secret/x.txt":      {Data: []byte("x")},
		"srv/www/plain/x.txt":       {Data: []byte("x")},
		"srv/www/ht/.htaccess":      {Data: []byte("ErrorDocument 404 /errors/app.wsgi\n")},
		"srv/www/badcode/.htaccess": {Data: []byte("ErrorDocument 999 /errors/404.html\n")},
	}
	// The directory walk enters only directories that exist.
	for _, d := range []string{"text", "w", "gone", "expr", "envexpr", "auth"} {
		fsys["srv/www/"+d+"/keep"] = &fstest.MapFile{Data: []byte("x")}
	}
	conf := `LoadModule wsgi_module /usr/lib/apache2/modules/mod_wsgi.so
LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
DocumentRoot /srv/www
<Directory /srv/www>
  Require all granted
  AllowOverride FileInfo
</Directory>
<Directory /srv/www/errors>
  Options ExecCGI
  AddHandler wsgi-script .wsgi
</Directory>
<Directory /srv/www/secret>
  Require all denied
  ErrorDocument 403 http://errors.example/denied
</Directory>
<Directory /srv/www/text>
  ErrorDocument 404 "not here"
</Directory>
<Directory /srv/www/w>
  ErrorDocument 404 /errors/app.wsgi
</Directory>
<Directory /srv/www/gone>
  ErrorDocument 404 /errors/none.html
</Directory>
<Directory /srv/www/plain>
  ErrorDocument 404 default
</Directory>
<Directory /srv/www/expr>
  ErrorDocument 404 /errors/%{TIME}
</Directory>
<Directory /srv/www/envexpr>
  SetEnv PAGE app.wsgi
  ErrorDocument 404 /errors/%{ENV:PAGE}
</Directory>
<Directory /srv/www/auth>
  Require user bob
  ErrorDocument 401 http://login.example/
</Directory>
<Location /loc/>
  ErrorDocument 403 /errors/app.wsgi
</Location>
ErrorDocument 404 /errors/404.html
ErrorDocument 401 /errors/app.wsgi
RewriteEngine On
RewriteRule ^/loc/ - [F]
RewriteRule ^/srvdeny/ - [F]
`
	s := moduleServer(t, conf)
	tests := []struct {
		name, path   string
		status       int
		location     string
		filename     string
		unmodelled   bool
		env          map[string]string
		reasonSuffix string
	}{
		// A static page keeps the error's status.
		{name: "static", path: "/none", status: 404, filename: "/srv/www/errors/404.html",
			env: map[string]string{"REDIRECT_STATUS": "404", "REDIRECT_REQUEST_METHOD": "GET"}},
		// mod_wsgi answers with its own status.
		{name: "wsgi", path: "/w/none", status: 200, filename: "/srv/www/errors/app.wsgi"},
		{name: "htaccess", path: "/ht/none", status: 200, filename: "/srv/www/errors/app.wsgi"},
		{name: "url", path: "/secret/x.txt", status: 302, location: "http://errors.example/denied"},
		{name: "text", path: "/text/none", status: 404, filename: "/srv/www/text/none"},
		// The document itself fails: the original status, nothing retried.
		{name: "missing document", path: "/gone/none", status: 404, filename: "/srv/www/gone/none"},
		// "default" resets the server's 404 for this directory only.
		{name: "default", path: "/plain/none", status: 404, filename: "/srv/www/plain/none"},
		// The target is an ap_expr string: what the engine cannot
		// evaluate (the time) is said, not guessed.
		{name: "expression", path: "/expr/none", unmodelled: true},
		{name: "expression with env", path: "/envexpr/none", status: 200, filename: "/srv/www/errors/app.wsgi"},
		// A full URL for 401 is ignored: the server's document stays.
		{name: "401 url ignored", path: "/auth/x", status: 200, filename: "/srv/www/errors/app.wsgi"},
		// translate_name failures see <Location>, not <Directory>.
		{name: "location at translate", path: "/loc/x", status: 200, filename: "/srv/www/errors/app.wsgi"},
		{name: "no directory at translate", path: "/srvdeny/x", status: 403},
		// An ErrorDocument with a code httpd does not know fails the
		// .htaccess.
		{name: "unsupported code", path: "/badcode/x", status: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: "e.example", Path: tt.path}, RequestOptions{FS: fsys})
			if tt.unmodelled {
				assert.Equal(t, 0, res.Status, res.Reason)
				assert.NotEmpty(t, res.Unmodelled)
				return
			}
			assert.Equal(t, tt.status, res.Status, res.Reason)
			assert.Equal(t, tt.location, res.Location)
			if tt.filename != "" {
				assert.Equal(t, tt.filename, res.Filename)
			}
			for k, v := range tt.env {
				e, ok := res.LookupEnv(k)
				if assert.True(t, ok, k) {
					assert.Equal(t, v, e.Value, k)
				}
			}
			assert.Equal(t, tt.path, res.Request.Path, "the Result answers the request that was made")
		})
	}
}

// ErrorDocument merges per status code: a child replaces one code and
// keeps its parent's others; Effective lists one entry per code.
func TestErrorDocumentMerge(t *testing.T) {
	s := moduleServer(t, `DocumentRoot /srv/www
ErrorDocument 404 /e/404.html
ErrorDocument 403 /e/403.html
<Directory /srv/www/d>
  ErrorDocument 403 "forbidden here"
  ErrorDocument 500 default
</Directory>
`)
	res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: "/d/x"}, RequestOptions{FS: fstest.MapFS{"srv/www/d/x": {}}})
	var got []string
	for _, e := range res.Effective() {
		if e.Name == "ErrorDocument" {
			require.Len(t, e.By, 1)
			got = append(got, e.Key+" "+e.Values[0]+" @"+e.By[0].Pos().String())
		}
	}
	assert.Equal(t, []string{"403 forbidden here @t.conf:5:3", "404 /e/404.html @t.conf:2:1", "500 default @t.conf:6:3"}, got)
}

func TestErrorDocumentKind(t *testing.T) {
	for msg, want := range map[string]int{
		"/errors/404.html":     errorDocLocal,
		"http://x.example/":    errorDocRemote,
		"mailto:a@example":     errorDocRemote,
		"not found":            errorDocText,
		"/a b":                 errorDocText, // a space makes it a message
		"oops":                 errorDocText,
		"ht!tp://x.example/":   errorDocText,
		"https://e.example/x?": errorDocRemote,
	} {
		assert.Equal(t, want, errorDocumentKind(msg), msg)
	}
}

// With no handler set the content type names the handler
// (ap_invoke_handler); mod_rewrite's [T=]/[H=] are applied after core's
// ForceType/SetHandler (hook_mimetype, a late fixup).
func TestHandlerByContentType(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, f := range []string{"ad/app.wsgi", "ft/a.py", "sh/b.dh", "t/a.py", "nx/a.py"} {
		fsys["srv/www/"+f] = &fstest.MapFile{Data: []byte("x")}
	}
	s := moduleServer(t, `LoadModule wsgi_module /usr/lib/apache2/modules/mod_wsgi.so
LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
DocumentRoot /srv/www
<Directory /srv/www>
  Require all granted
  Options ExecCGI FollowSymLinks
</Directory>
<Directory /srv/www/ad>
  AddType application/x-httpd-wsgi .wsgi
</Directory>
<Directory /srv/www/ft>
  ForceType text/plain
</Directory>
<Directory /srv/www/sh>
  SetHandler wsgi-script
</Directory>
<Directory /srv/www/nx>
  Options -ExecCGI
</Directory>
RewriteEngine On
RewriteRule ^/ft/ - [T=application/x-httpd-wsgi]
RewriteRule ^/sh/ - [H=default-handler]
RewriteRule ^/(t|nx)/ - [T=WSGI-Script]
`)
	tests := []struct {
		path    string
		status  int
		handler string
	}{
		{"/ad/app.wsgi", 200, "application/x-httpd-wsgi"},
		{"/ft/a.py", 200, "application/x-httpd-wsgi"},
		{"/sh/b.dh", 200, "default-handler"},
		{"/t/a.py", 200, "wsgi-script"},
		{"/nx/a.py", 403, "wsgi-script"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: tt.path}, RequestOptions{FS: fsys})
			assert.Equal(t, tt.status, res.Status, res.Reason)
			assert.Equal(t, tt.handler, res.Handler)
			assert.Equal(t, tt.handler != "default-handler", res.IsWSGI())
			if tt.handler != "application/x-httpd-wsgi" || tt.path != "/ad/app.wsgi" {
				assert.NotNil(t, res.HandlerBy, "the directive that chose the handler")
			}
		})
	}
}
