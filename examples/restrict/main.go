// Command restrict is apacheconf embedded in configuration management: it
// makes sure every user directory whose .htaccess may choose the mod_wsgi
// daemon group (WSGIProcessGroup %{ENV:…} with AllowOverride FileInfo)
// has a WSGIRestrictProcess listing only that user's groups — the groups
// whose WSGIDaemonProcess says user=<owner>, the owner being the <user>
// of /home/<user>/…. It prints a unified diff (dry run) or, with -w,
// rewrites the files; a second run changes nothing.
//
//	go run ./examples/restrict [-root DIR] [-w]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/apacheconf/apacheconf"
	"github.com/apacheconf/apacheconf/ast"
)

func main() {
	root := flag.String("root", "examples/hosting", "directory that stands for / (configuration and content)")
	write := flag.Bool("w", false, "write the changes instead of printing a diff")
	flag.Parse()
	if err := run(os.Stdout, *root, *write); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(w io.Writer, root string, write bool) error {
	ctx := context.Background()
	cfg, err := apacheconf.Load(ctx, os.DirFS(root), "/apache2.conf", apacheconf.Options{ServerRoot: "/"})
	if err != nil {
		return err
	}
	ed, err := plan(ctx, w, cfg)
	if err != nil {
		return err
	}
	if write {
		written, err := ed.Write(apacheconf.Dir(root))
		for _, c := range written {
			fmt.Fprintf(w, "wrote %s\n", c.Path)
		}
		return err
	}
	diff, err := ed.Diff()
	fmt.Fprint(w, diff)
	return err
}

// plan makes the edits in a session (nothing is written) and says what
// it did.
func plan(ctx context.Context, w io.Writer, cfg *apacheconf.Config) (*apacheconf.Edit, error) {
	ed := cfg.Edit()
	exposures, err := cfg.Audit(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range exposures {
		if e.Restrict != nil {
			continue
		}
		var groups []string
		for _, g := range cfg.Groups.Selectable(e.VHost) {
			for _, o := range g.Options {
				if o.Name == "user" && o.Value == ownerOf(e.Path) {
					groups = append(groups, g.Name)
				}
			}
		}
		if len(groups) == 0 {
			fmt.Fprintf(w, "# %s: no daemon group runs as its owner; left alone\n", e.Path)
			continue
		}
		dir, err := ed.Section(e.Directory) // the <Directory> in its file, to edit
		if err != nil {
			return nil, err
		}
		ast.Set(dir, "WSGIRestrictProcess", groups...)
		fmt.Fprintf(w, "# %s: %%{ENV:%s} limited to %s\n", e.Path, e.Variable, strings.Join(groups, " "))
	}
	return ed, nil
}

// ownerOf is <user> in /home/<user>/….
func ownerOf(dir string) string {
	parts := strings.Split(path.Clean(dir), "/")
	if len(parts) > 2 && parts[1] == "home" {
		return parts[2]
	}
	return ""
}
