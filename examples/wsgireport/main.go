// Command wsgireport is a security report of a shared-hosting server: for
// each directory whose .htaccess authors choose the mod_wsgi daemon group
// (WSGIProcessGroup %{ENV:…}), which groups they can reach and as which
// users those run — and whether WSGIRestrictProcess limits them.
//
//	go run ./examples/wsgireport [-root examples/hosting]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/apacheconf/apacheconf"
)

func main() {
	root := flag.String("root", "examples/hosting", "directory that stands for / (configuration and content)")
	flag.Parse()
	if err := run(os.Stdout, os.DirFS(*root), "/apache2.conf"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(w io.Writer, fsys fs.FS, conf string) error {
	ctx := context.Background()
	cfg, err := apacheconf.Load(ctx, fsys, conf, apacheconf.Options{ServerRoot: "/"})
	if err != nil {
		return err
	}
	exposures, err := cfg.Audit(ctx)
	if err != nil {
		return err
	}
	for _, e := range exposures {
		fmt.Fprintf(w, "%s %s (%s): .htaccess chooses the group through %%{ENV:%s}\n", e.VHost.ServerName, e.Path, e.Directory.Pos(), e.Variable)
		if e.Restrict == nil {
			fmt.Fprintln(w, "  no WSGIRestrictProcess: every group of the server is reachable")
		} else {
			fmt.Fprintf(w, "  limited by %s to %s\n", e.Restrict.Pos(), strings.Join(e.RestrictGroups, ", "))
		}
		for _, name := range e.Reachable {
			user := "the Apache user" // embedded, or a group without user=
			if g, ok := cfg.Groups.Lookup(name); ok {
				for _, o := range g.Options {
					if o.Name == "user" {
						user = o.Value
					}
				}
			}
			fmt.Fprintf(w, "  reachable %-8s runs as %s\n", name, user)
		}
	}
	return nil
}
