package apacheconf_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"testing/fstest"

	"github.com/apacheconf/apacheconf"
	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/scope"
)

var siteFS = fstest.MapFS{
	"etc/apache2/apache2.conf":   {Data: []byte("ServerName main.example\nListen 80\nServerSignature On\nIncludeOptional sites/*.conf\n")},
	"etc/apache2/sites/www.conf": {Data: []byte("<VirtualHost *:80>\n    ServerName www.example.org\n    DocumentRoot /srv/www\n</VirtualHost>\n")},
	"srv/www/index.html":         {Data: []byte("hello\n")},
}

func ExampleLoad() {
	ctx := context.Background()
	cfg, err := apacheconf.Load(ctx, siteFS, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	if err != nil {
		panic(err)
	}
	for _, v := range cfg.VirtualHosts() {
		fmt.Println(v.ServerName, v.Pos())
	}
	r, err := cfg.Explain(ctx, apacheconf.Request("www.example.org", "/index.html"))
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Filename, r.Status)

	// A mistyped path is an error that says so.
	_, err = apacheconf.Load(ctx, siteFS, "apache.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output:
	// www.example.org /etc/apache2/sites/www.conf:1:1
	// /srv/www/index.html 200
	// true
}

func ExampleConfig_Lint() {
	ctx := context.Background()
	// lint judges a whole server: the site's configuration with its MPM.
	serverFS := fstest.MapFS{}
	for name, f := range siteFS {
		serverFS[name] = f
	}
	serverFS["etc/apache2/apache2.conf"] = &fstest.MapFile{Data: append([]byte(string(siteFS["etc/apache2/apache2.conf"].Data)),
		"LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\nErrorLog /dev/null\n"...)}
	cfg, err := apacheconf.Load(ctx, serverFS, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	if err != nil {
		panic(err)
	}
	lc := lint.Config{FailOn: lint.Info, Severity: map[string]lint.Severity{"options-indexes": lint.Off}}
	findings, err := cfg.Lint(ctx, lc)
	if err != nil {
		panic(err)
	}
	for _, d := range findings {
		fmt.Println(d.Pos, d.Rule, d.Name)
	}
	fmt.Println("fails:", lc.Fails(findings))
	// Output:
	// /etc/apache2/apache2.conf:3:1 AC5005 server-signature
	// fails: true
}

// Edit the file a loaded node came from, and print the diff.
func ExampleConfig_Edit() {
	cfg, err := apacheconf.Load(context.Background(), siteFS, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	if err != nil {
		panic(err)
	}
	ed := cfg.Edit()
	if _, err := ed.Set(nil, "ServerSignature", "Off"); err != nil { // the main server, wherever it is set
		panic(err)
	}
	v, err := ed.Section(cfg.VirtualHosts()[0].Section) // the <VirtualHost> in sites/www.conf
	if err != nil {
		panic(err)
	}
	ast.Set(v, "ServerAlias", "example.org")
	ast.Set(v, "SetEnv", "APP_ENV", "production")
	diff, err := ed.Diff()
	if err != nil {
		panic(err)
	}
	fmt.Print(diff)
	// Output:
	// --- a/etc/apache2/apache2.conf
	// +++ b/etc/apache2/apache2.conf
	// @@ -1,4 +1,4 @@
	//  ServerName main.example
	//  Listen 80
	// -ServerSignature On
	// +ServerSignature Off
	//  IncludeOptional sites/*.conf
	// --- a/etc/apache2/sites/www.conf
	// +++ b/etc/apache2/sites/www.conf
	// @@ -1,4 +1,6 @@
	//  <VirtualHost *:80>
	//      ServerName www.example.org
	//      DocumentRoot /srv/www
	// +    ServerAlias example.org
	// +    SetEnv APP_ENV production
	//  </VirtualHost>
}

func ExampleReadEnvvars() {
	env, err := apacheconf.ReadEnvvars(os.DirFS("examples/debian"), "/etc/apache2/envvars", func(string) (string, bool) { return "", false })
	if err != nil {
		panic(err)
	}
	fmt.Println(env["APACHE_LOG_DIR"], env["APACHE_RUN_USER"])
	// Output:
	// /var/log/apache2 www-data
}

// What the request carries decides: the method and the client's address
// against <LimitExcept>, a header read by SetEnvIf.
func ExampleWithMethod() {
	ctx := context.Background()
	files := fstest.MapFS{
		"etc/apache2/apache2.conf": {Data: []byte(`LoadModule authz_core_module mod_authz_core.so
LoadModule authz_host_module mod_authz_host.so
LoadModule setenvif_module mod_setenvif.so
Listen 80
<VirtualHost *:80>
  ServerName api.example
  DocumentRoot /srv/api
  SetEnvIf X-Tenant ^(\w+)$ TENANT=$1
  <Location />
    <LimitExcept GET>
      Require ip 10.0.0.0/8
    </LimitExcept>
  </Location>
</VirtualHost>
`)},
		"srv/api/index.html": {Data: []byte("hi\n")},
	}
	cfg, err := apacheconf.Load(ctx, files, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	if err != nil {
		panic(err)
	}
	for _, req := range []scope.Request{
		apacheconf.Request("api.example", "/index.html"),
		apacheconf.Request("api.example", "/index.html", apacheconf.WithMethod("POST")),
		apacheconf.Request("api.example", "/index.html", apacheconf.WithMethod("POST"),
			apacheconf.WithRemote(netip.MustParseAddr("10.1.2.3")), apacheconf.WithHeader("X-Tenant", "acme")),
	} {
		r, err := cfg.Explain(ctx, req)
		if err != nil {
			panic(err)
		}
		tenant, _ := r.LookupEnv("TENANT")
		fmt.Println(req.MethodOrGET(), r.Status, "TENANT="+tenant.Value)
	}
	// Output:
	// GET 200 TENANT=
	// POST 403 TENANT=
	// POST 200 TENANT=acme
}

// Whether a backend answers is not in the configuration: without
// WithBackends the status of a proxied request is the backend's (0, and
// Unmodelled says so); declared, httpd's own answers follow.
func ExampleWithBackends() {
	ctx := context.Background()
	files := fstest.MapFS{
		"etc/apache2/apache2.conf": {Data: []byte(`LoadModule proxy_module mod_proxy.so
LoadModule proxy_http_module mod_proxy_http.so
Listen 80
<VirtualHost *:80>
  ServerName app.example
  DocumentRoot /srv/app
  ProxyPass /api/ http://127.0.0.1:9000/
  ProxyPass /old/ http://legacy.internal:8080/
</VirtualHost>
`)},
	}
	cfg, err := apacheconf.Load(ctx, files, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	if err != nil {
		panic(err)
	}
	world := apacheconf.WithBackends(scope.Backends{Up: []string{"127.0.0.1:9000"}, Closed: true})
	for _, req := range []scope.Request{
		apacheconf.Request("app.example", "/api/users"),
		apacheconf.Request("app.example", "/api/users", world),
		apacheconf.Request("app.example", "/old/x", world),
	} {
		r, err := cfg.Explain(ctx, req)
		if err != nil {
			panic(err)
		}
		fmt.Println(r.Proxy.URL, r.Status, r.Proxy.BackendState)
	}
	// Output:
	// http://127.0.0.1:9000/users 0 unknown
	// http://127.0.0.1:9000/users 200 up
	// http://legacy.internal:8080/x 500 unresolved
}
