// Command editdebian is configuration management of Debian's apache2 tree
// with the library: hide the server's version (ServerTokens,
// ServerSignature — set where Debian's conf-enabled/security.conf sets
// them, through its symbolic link) and add a site, then print the diff or,
// with -w, write the files. A second run changes nothing.
//
//	go run ./examples/editdebian [-root examples/debian] [-w]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/apacheconf/apacheconf"
	"github.com/apacheconf/apacheconf/ast"
)

func main() {
	root := flag.String("root", "examples/debian", "directory that stands for /")
	write := flag.Bool("w", false, "write the files instead of printing a diff")
	flag.Parse()
	if err := run(os.Stdout, *root, *write); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(w io.Writer, root string, write bool) error {
	ed, err := edit(root)
	if err != nil {
		return err
	}
	if write {
		_, err := ed.Write(apacheconf.Dir(root))
		return err
	}
	diff, err := ed.Diff()
	fmt.Fprint(w, diff)
	return err
}

// edit makes the changes in an edit session over the tree under root.
func edit(root string) (*apacheconf.Edit, error) {
	fsys := os.DirFS(root)
	env, err := apacheconf.ReadEnvvars(fsys, "/etc/apache2/envvars", nil)
	if err != nil {
		return nil, err
	}
	cfg, err := apacheconf.Load(context.Background(), fsys, "/etc/apache2/apache2.conf", apacheconf.Options{Env: env.Lookup})
	if err != nil {
		return nil, err
	}
	ed := cfg.Edit()
	if _, err := ed.Set(nil, "ServerTokens", "Prod"); err != nil { // nil: the main server
		return nil, err
	}
	if _, err := ed.Set(nil, "ServerSignature", "Off"); err != nil {
		return nil, err
	}
	site, err := ed.NewFile("/etc/apache2/sites-available/www.example.org.conf")
	if err != nil {
		return nil, err
	}
	v := ast.EnsureSection(site, "VirtualHost", "*:80")
	ast.Set(v, "ServerName", "www.example.org")
	ast.Set(v, "DocumentRoot", "/srv/www/example.org")
	ast.Set(v, "CustomLog", "${APACHE_LOG_DIR}/www.example.org.log", "combined")
	return ed, nil
}
