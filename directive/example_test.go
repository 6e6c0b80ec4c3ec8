package directive_test

import (
	"fmt"

	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/parser"
)

// Lookup finds a directive in any case, with its module and where it may
// appear.
func ExampleLookup() {
	info, ok := directive.Lookup("documentroot")
	fmt.Println(ok, info.Name, info.Module, info.ModuleID)
	fmt.Println("in .htaccess:", info.InHTAccess(), "in <Directory>:", info.InDirectory())
	_, ok = directive.Lookup("ServerNmae")
	fmt.Println(ok)
	// Output:
	// true DocumentRoot core.c core_module
	// in .htaccess: false in <Directory>: false
	// false
}

// Check judges one directive with its arguments in a context, with
// httpd's message; nil means httpd's generic checks pass.
func ExampleCheck() {
	inDirectory := directive.Context{Sections: []string{"Directory"}}
	fmt.Println(directive.Check("SetEnv", []string{"A", "b"}, inDirectory))
	fmt.Println(directive.Check("Listen", []string{"80"}, inDirectory))
	fmt.Println(directive.Check("SetEnv", nil, directive.Context{}))
	err := directive.Check("Options", []string{"+Indexes"}, directive.Context{HTAccess: true, Override: directive.OrFileInfo})
	fmt.Println(err, err.Kind == directive.NotAllowed)
	// Output:
	// <nil>
	// Listen not allowed in <Directory> context
	// SetEnv takes 1-2 arguments, an environment variable name and optional value to pass to CGI.
	// Options not allowed here true
}

// CheckTree checks a whole configuration as httpd reads it, reporting
// every error (httpd stops at the first) with its position.
func ExampleCheckTree() {
	src := "ServerNmae www.example.com\n<Directory /srv/www /srv/other>\n  Options -Indexes\n</Directory>\n"
	f, err := parser.ParseFile("site.conf", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	loaded := func(id string) bool { return false } // no LoadModule: the built-in modules only
	for _, e := range directive.CheckTree(f.Body, loaded) {
		fmt.Println(e)
	}
	// Output:
	// site.conf:1:1: Invalid command 'ServerNmae', perhaps misspelled or defined by a module not included in the server configuration
	// site.conf:2:1: Multiple <Directory> arguments not (yet) supported.
}
