package parser_test

import (
	"errors"
	"fmt"
	"io/fs"
	"testing/fstest"

	"github.com/apacheconf/apacheconf/parser"
)

func ExampleParseFile() {
	_, err := parser.ParseFile("bad.conf", []byte("<VirtualHost *:80>\nServerName x\n</Location>\n"))
	var list parser.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Println(e)
		}
	}
	// Output:
	// bad.conf:3:1: Expected </VirtualHost> but saw </Location>
}

func ExampleLoad() {
	fsys := fstest.MapFS{
		"etc/apache2/apache2.conf":   {Data: []byte("Define SITE www\nInclude sites/${SITE}.conf\nInclude sites/missing.conf\n")},
		"etc/apache2/sites/www.conf": {Data: []byte("<VirtualHost *:80>\nServerName www.example.org\n</VirtualHost>\n")},
	}
	loaded, err := parser.Load(fsys, "/etc/apache2/apache2.conf", parser.LoadOptions{})
	for _, f := range loaded.Files {
		fmt.Println(f.Depth, f.Path)
	}
	var e *parser.Error
	if errors.As(err, &e) {
		fmt.Println(e.Pos, e.Msg)
	}
	_ = fs.ErrNotExist
	// Output:
	// 0 /etc/apache2/apache2.conf
	// 1 /etc/apache2/sites/www.conf
	// /etc/apache2/apache2.conf:3:1 Could not open configuration file /etc/apache2/sites/missing.conf: No such file or directory
}
