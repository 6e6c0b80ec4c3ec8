package scope

import (
	"net/netip"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
)

// mod_rewrite in its phases: what each answer leaves on the Result (the
// behaviours are httpd's as recorded in conformance/routing; these pin
// the wiring).
func TestRewriteModule(t *testing.T) {
	fsys := fstest.MapFS{
		"srv/www/index.html":         {Data: []byte("x")},
		"srv/www/app/front.php":      {Data: []byte("x")},
		"srv/www/app/.htaccess":      {Data: []byte("RewriteEngine On\nRewriteCond %{REQUEST_FILENAME} !-f\nRewriteRule ^(.*)$ front.php [E=ROUTE:$1,L]\n")},
		"srv/www/dir/sub/x.txt":      {Data: []byte("x")},
		"srv/www/nofollow/a.txt":     {Data: []byte("x")},
		"srv/www/nofollow/.htaccess": {Data: []byte("RewriteEngine On\n")},
	}
	conf := `LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
DocumentRoot /srv/www
<Directory /srv/www>
  Require all granted
  AllowOverride All
  Options FollowSymLinks
</Directory>
<Directory /srv/www/nofollow>
  Options -FollowSymLinks
</Directory>
ServerName canon.example
RewriteEngine On
RewriteRule ^/old/(.*)$ /new/$1 [R=301,L]
RewriteRule ^/secret - [F]
RewriteRule ^/home$ /index.html [PT]
RewriteRule ^/api/(.*)$ http://127.0.0.1:9000/$1 [P]
RewriteRule ^/clock$ /t-%{TIME_HOUR} [L]
`
	s := moduleServer(t, conf)
	tests := []struct {
		path, host string
		status     int
		location   string
		filename   string
		env        map[string]string
		unmodelled bool
	}{
		{path: "/old/a?x=1", host: "www.example:8080", status: 301, location: "http://www.example:8080/new/a?x=1"},
		{path: "/secret/x", status: 403},
		{path: "/home", status: 200, filename: "/srv/www/index.html"},
		{path: "/api/users?q=2", filename: "proxy:http://127.0.0.1:9000/users"},
		{path: "/clock", unmodelled: true},
		// The front controller: the internal redirect to /app/front.php,
		// the [E=] renamed REDIRECT_ on the new request.
		{path: "/app/some/route", status: 200, filename: "/srv/www/app/front.php",
			env: map[string]string{"REDIRECT_ROUTE": "some/route", "REDIRECT_STATUS": "200"}},
		// mod_dir's slash redirect, fully qualified from the Host header.
		{path: "/dir/sub?y", host: "h.example", status: 301, location: "http://h.example/dir/sub/?y"},
		// RewriteEngine On without FollowSymLinks: 403.
		{path: "/nofollow/a.txt", status: 403},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			host := tt.host
			if host == "" {
				host = "canon.example"
			}
			res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: host, Path: tt.path}, RequestOptions{FS: fsys})
			if tt.unmodelled {
				assert.Equal(t, 0, res.Status, res.Reason)
				assert.NotEmpty(t, res.Unmodelled)
				assert.Contains(t, res.Reason, "not modelled")
				return
			}
			if tt.status != 0 {
				assert.Equal(t, tt.status, res.Status, res.Reason)
			}
			assert.Equal(t, tt.location, res.Location)
			if tt.filename != "" {
				assert.Equal(t, tt.filename, res.Mapping.Filename)
			}
			for k, v := range tt.env {
				e, ok := res.LookupEnv(k)
				assert.True(t, ok, k)
				assert.Equal(t, v, e.Value, k)
			}
			assert.Empty(t, res.Unmodelled)
		})
	}
}

// Rules real applications' .htaccess files depend on (each found by a
// conformance/routing/rw-app-* case recorded by apache2).
func TestRewriteRealApplications(t *testing.T) {
	fsys := fstest.MapFS{
		// Magento 2's pub/static/.htaccess: rules inside <Files>.
		"srv/www/static/.htaccess":  {Data: []byte("RewriteEngine On\n<Files player.swf>\nRewriteCond %{QUERY_STRING} !^$\nRewriteRule ^(.*)$ %{REQUEST_URI}? [R=301,L]\n</Files>\n")},
		"srv/www/static/player.swf": {Data: []byte("x")},
		"srv/www/static/other.swf":  {Data: []byte("x")},
		// Nextcloud: DirectorySlash Off and a front controller.
		"srv/www/nc/.htaccess":       {Data: []byte("RewriteEngine On\nDirectoryIndex index.php index.html\nDirectorySlash Off\nRewriteRule . index.php [PT,E=PATH_INFO:$1]\n")},
		"srv/www/nc/index.php":       {Data: []byte("x")},
		"srv/www/nc/apps/files/a.js": {Data: []byte("x")},
		// WP Super Cache: a cached page tested through a path with "//".
		"srv/www/wpsc/.htaccess":             {Data: []byte("RewriteEngine On\nRewriteCond %{DOCUMENT_ROOT}/wpsc/cache/$1/index.html -f\nRewriteRule ^(.*) /wpsc/cache/$1/index.html [L]\n")},
		"srv/www/wpsc/cache/post/index.html": {Data: []byte("x")},
		"srv/www/wpsc/file.txt":              {Data: []byte("x")},
		// The "remove .php" snippet: THE_REQUEST survives the internal redirect.
		"srv/www/snip/.htaccess": {Data: []byte("RewriteEngine On\nRewriteCond %{THE_REQUEST} \\s/snip/([^.]+)\\.php [NC]\nRewriteRule ^ /snip/%1 [R=301,L]\nRewriteCond %{REQUEST_FILENAME}.php -f\nRewriteRule ^(.+)$ $1.php [L]\n")},
		"srv/www/snip/about.php": {Data: []byte("x")},
		// CodeIgniter's trailing-slash redirect: qualified with r->hostname.
		"srv/www/ci/.htaccess": {Data: []byte("RewriteEngine On\nRewriteRule ^(.*)/$ /ci/$1 [L,R=301]\n")},
	}
	conf := `LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
DocumentRoot /srv/www
<Directory /srv/www>
  Require all granted
  AllowOverride All
  Options FollowSymLinks
</Directory>
ServerName real.example
`
	s := moduleServer(t, conf)
	tests := []struct {
		name, path string
		host       string
		status     int
		location   string
		filename   string
	}{
		{name: "<Files> rules run at fixups", path: "/static/player.swf?u=1", status: 301, location: "http://real.example/static/player.swf"},
		{name: "<Files> rules without their condition", path: "/static/player.swf", status: 200, filename: "/srv/www/static/player.swf"},
		{name: "<Files> rules only for their file", path: "/static/other.swf?u=1", status: 200, filename: "/srv/www/static/other.swf"},
		{name: "DirectorySlash Off leaves the directory to the rewrite", path: "/nc/apps/files", status: 200, filename: "/srv/www/nc/index.php"},
		{name: "-f through a path with //", path: "/wpsc/post/", status: 200, filename: "/srv/www/wpsc/cache/post/index.html"},
		{name: "-f on a file with a trailing slash fails", path: "/wpsc/file.txt", status: 200, filename: "/srv/www/wpsc/file.txt"},
		{name: "THE_REQUEST is the client's line after an internal redirect", path: "/snip/about", status: 200, filename: "/srv/www/snip/about.php"},
		{name: "THE_REQUEST with .php redirects", path: "/snip/about.php", status: 301, location: "http://real.example/snip/about"},
		{name: "a redirect is qualified with the lower-cased host", path: "/ci/news/", host: "WWW.Real.Example.", status: 301, location: "http://www.real.example/ci/news"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := tt.host
			if host == "" {
				host = "real.example"
			}
			res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: host, Path: tt.path}, RequestOptions{FS: fsys})
			assert.Equal(t, tt.status, res.Status, res.Reason)
			if tt.location != "" {
				assert.Equal(t, tt.location, res.Location)
			}
			if tt.filename != "" {
				assert.Equal(t, tt.filename, res.Filename)
			}
		})
	}
}
