package whatif_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/apacheconf/apacheconf"
	"github.com/apacheconf/apacheconf/whatif"
)

// The library answers a what-if request when the overlay is the
// configuration's file system: would httpd hand out a .git/config if a
// deployment left one in the document root?
func Example() {
	files := fstest.MapFS{
		"etc/apache2/apache2.conf": {Data: []byte(`LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
Listen 80
DocumentRoot /srv/www
<Directory /srv/www>
  Require all granted
</Directory>
<FilesMatch "^\.env">
  Require all denied
</FilesMatch>
`)},
		"usr/lib/apache2/modules/mod_authz_core.so": {},
		"usr/lib/apache2/modules/mod_dir.so":        {},
		"srv/www/index.html":                        {Data: []byte("hello")},
	}
	ctx := context.Background()
	cfg, err := apacheconf.Load(ctx, files, "/etc/apache2/apache2.conf", apacheconf.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	assumed := whatif.FS(files, "/srv/www/.git/config", "/srv/www/.env")
	for _, p := range []string{"/.git/config", "/.env"} {
		before, _ := cfg.Explain(ctx, apacheconf.Request("localhost", p))
		// Content is where the configuration's paths are looked up.
		cfg.Content = assumed
		after, _ := cfg.Explain(ctx, apacheconf.Request("localhost", p))
		cfg.Content = files
		fmt.Printf("%s: %d now, %d if it existed\n", p, before.Status, after.Status)
	}
	// Output:
	// /.git/config: 404 now, 200 if it existed
	// /.env: 403 now, 403 if it existed
}
