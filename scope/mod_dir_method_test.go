package scope

import (
	"net/netip"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
)

// A directory without an index file is answered by core's default
// handler, which looks at the method first (recorded in
// conformance/routing/rw-app-laravel).
func TestDirectoryWithoutIndexMethods(t *testing.T) {
	fsys := fstest.MapFS{"srv/www/build/app.js": {Data: []byte("x")}, "srv/www/c/index.html": {Data: []byte("x")}}
	s := moduleServer(t, `LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
DocumentRoot /srv/www
<Directory /srv/www>
  Require all granted
</Directory>
`)
	for _, tt := range []struct {
		path, method string
		status       int
	}{
		{"/build/", "GET", 404}, {"/build/", "HEAD", 404}, {"/build/", "POST", 404}, {"/build/", "OPTIONS", 200},
		{"/build/", "PUT", 405}, {"/build/", "DELETE", 405}, {"/build/", "BREW", 501},
		// A static index becomes the request and meets the method there
		// (conformance/routing/req-dir-methods /c/).
		{"/c/", "GET", 200}, {"/c/", "POST", 200}, {"/c/", "DELETE", 405}, {"/c/", "OPTIONS", 200}, {"/c/", "BREW", 501},
	} {
		t.Run(tt.path+" "+tt.method, func(t *testing.T) {
			res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: "x", Path: tt.path, Method: tt.method}, RequestOptions{FS: fsys})
			assert.Equal(t, tt.status, res.Status, res.Reason)
		})
	}
}
