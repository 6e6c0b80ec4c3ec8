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
	fsys := fstest.MapFS{"srv/www/build/app.js": {Data: []byte("x")}}
	s := moduleServer(t, `LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
DocumentRoot /srv/www
<Directory /srv/www>
  Require all granted
</Directory>
`)
	for _, tt := range []struct {
		method string
		status int
	}{
		{"GET", 404}, {"HEAD", 404}, {"POST", 404}, {"OPTIONS", 200}, {"PUT", 405}, {"DELETE", 405}, {"BREW", 501},
	} {
		t.Run(tt.method, func(t *testing.T) {
			res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: "x", Path: "/build/", Method: tt.method}, RequestOptions{FS: fsys})
			assert.Equal(t, tt.status, res.Status, res.Reason)
		})
	}
}
