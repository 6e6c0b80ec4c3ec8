package proxy_test

import (
	"fmt"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/proxy"
	"github.com/apacheconf/apacheconf/parser"
)

func Example() {
	f, _ := parser.ParseFile("site.conf", []byte(`ProxyPass /api/private !
ProxyPass /api/ http://127.0.0.1:9000/v1/
`))
	server := &proxy.ServerConfig{}
	for _, d := range ast.Directives(f.Body) {
		if err := server.Add(d, ""); err != nil {
			fmt.Println(err)
		}
	}
	m := proxy.Translate(server, nil, proxy.Request{URI: "/api/users", UnparsedURI: "/api/users?x=1", Query: "x=1", HasQuery: true})
	c := proxy.Canon(m.Filename, proxy.CanonOptions{Query: "x=1", HasQuery: true, NoCanon: m.NoCanon})
	fmt.Println(m.Pass.Directive.Pos().Line, c.URL, c.Path)

	m = proxy.Translate(server, nil, proxy.Request{URI: "/api/private/x", UnparsedURI: "/api/private/x"})
	fmt.Println(m.Pass == nil, m.Excluded.Directive.Pos().Line)

	// PHP-FPM: SetHandler "proxy:fcgi://127.0.0.1:9000" on /srv/www/index.php/a/b.
	c = proxy.Handler("proxy:fcgi://127.0.0.1:9000", "/srv/www/index.php", proxy.CanonOptions{PathInfo: "/a/b"})
	fmt.Println(c.ScriptFilename, c.PathInfo)
	// Output:
	// 2 http://127.0.0.1:9000/v1/users?x=1 /v1/users?x=1
	// true 1
	// proxy:fcgi://127.0.0.1:9000/srv/www/index.php /a/b
}
