package rewrite_test

import (
	"fmt"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/rewrite"
	"github.com/apacheconf/apacheconf/parser"
)

// request answers what the rules read: no headers but Host, no files.
type request struct{ host string }

func (r request) Var(string) (string, bool) { return "", true }
func (r request) Header(name string) (string, bool) {
	if name == "Host" {
		return r.host, true
	}
	return "", true
}
func (r request) Env(string) (string, bool)    { return "", true }
func (r request) Stat(string) rewrite.FileInfo { return rewrite.FileInfo{Known: true} }

func Example() {
	f, _ := parser.ParseFile("site.conf", []byte(`RewriteEngine On
RewriteCond %{HTTP_HOST} !^www\. [NC]
RewriteRule ^/(.*)$ http://www.example.com/$1 [R=301,L]
`))
	server, base := &rewrite.ServerConfig{}, rewrite.NewDirConfig("")
	for _, d := range ast.Directives(f.Body) {
		if err := server.AddServer(d, base, rewrite.MapOptions{}); err != nil {
			fmt.Println(err)
		}
	}
	res := server.Translate(base, &rewrite.Input{
		URI: "/a/b", Query: "q=1", HasQuery: true,
		Scheme: "http", ServerName: "example.com", Port: 80,
		Req: request{host: "example.com"},
	})
	fmt.Println(res.Action, res.Status, res.Location)
	for _, st := range res.Steps {
		fmt.Printf("line %d: %s -> %s\n", st.Rule.Pos().Line, st.From, st.To)
	}
	// Output:
	// redirect 301 http://www.example.com/a/b?q=1
	// line 3: /a/b -> http://www.example.com/a/b?q=1
}
