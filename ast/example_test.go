package ast_test

import (
	"fmt"
	"os"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// Set is right for keyed directives and finds a directive in an
// <IfModule>: untouched lines keep their bytes.
func ExampleSet() {
	f, err := parser.ParseFile("site.conf", []byte(`<VirtualHost *:80>
	SetEnv A 1
	SetEnv B 2
	<IfModule mod_headers.c>
		Header set X-Frame-Options SAMEORIGIN
	</IfModule>
</VirtualHost>
`))
	if err != nil {
		panic(err)
	}
	v := ast.FindSection(f, "VirtualHost")
	ast.Set(v, "SetEnv", "A", "3")                                   // SetEnv B stays
	ast.Set(v, "Header", "set", "X-Frame-Options", "DENY")           // edited inside <IfModule>
	ast.Set(v, "Header", "set", "X-Content-Type-Options", "nosniff") // another header: added
	if err := ast.Fprint(os.Stdout, f); err != nil {
		panic(err)
	}
	// Output:
	// <VirtualHost *:80>
	// 	SetEnv A 3
	// 	SetEnv B 2
	// 	<IfModule mod_headers.c>
	// 		Header set X-Frame-Options DENY
	// 	</IfModule>
	// 	Header set X-Content-Type-Options nosniff
	// </VirtualHost>
}

// Building a file from nothing.
func ExampleNewFile() {
	v := ast.NewSection("VirtualHost", "*:80")
	ast.Set(v, "ServerName", "www.example.org")
	ast.Set(v, "DocumentRoot", "/srv/my site")
	out, err := ast.Format(ast.NewFile("www.conf", v))
	if err != nil {
		panic(err)
	}
	fmt.Print(string(out))
	// Output:
	// <VirtualHost *:80>
	//     ServerName www.example.org
	//     DocumentRoot "/srv/my site"
	// </VirtualHost>
}

func ExampleKeyOf() {
	k, keyed := ast.KeyOf("Header", []string{"always", "set", "X-Frame-Options", "DENY"})
	fmt.Printf("%q %v\n", k, keyed)
	_, keyed = ast.KeyOf("ServerName", []string{"www.example.org"})
	fmt.Println(keyed)
	// Output:
	// "always x-frame-options" true
	// false
}
