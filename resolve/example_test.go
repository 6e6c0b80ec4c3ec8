package resolve_test

import (
	"fmt"
	"net/netip"
	"testing/fstest"

	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
)

func ExampleInventory_Resolve() {
	fsys := fstest.MapFS{
		"etc/apache2/apache2.conf": {Data: []byte(`ServerName main.example
<VirtualHost *:80>
    ServerName www.example.org
    WSGIDaemonProcess app user=www-data
    WSGIScriptAlias / /srv/app/app.wsgi process-group=app
    WSGIRestrictProcess other
</VirtualHost>
`)},
		"srv/app/app.wsgi": {Data: []byte("def application(e, s): pass\n")},
	}
	loaded, err := parser.Load(fsys, "/etc/apache2/apache2.conf", parser.LoadOptions{})
	if err != nil {
		panic(err)
	}
	s, err := scope.Build(loaded.Body, scope.Options{})
	if err != nil {
		panic(err)
	}
	inv, err := resolve.Groups(s)
	if err != nil {
		panic(err)
	}
	req := scope.Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: "www.example.org", Path: "/"}
	d := inv.Resolve(s.Request(req, scope.RequestOptions{FS: fsys}), resolve.Options{})
	fmt.Println(d.Verdict, d.ProcessGroup, d.RestrictGroups, d.Restrict.Pos())
	for _, t := range d.Trace {
		fmt.Println(" ", t.Pos, t.Text)
	}
	// Output:
	// restricted app [other] /etc/apache2/apache2.conf:6:5
	//   /etc/apache2/apache2.conf:5:5 WSGIScriptAlias / /srv/app/app.wsgi process-group=app
	//   /etc/apache2/apache2.conf:6:5 WSGIRestrictProcess other
}
