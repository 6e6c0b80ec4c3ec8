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
