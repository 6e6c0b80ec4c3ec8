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
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/apacheconf/apacheconf"
	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

func main() {
	root := flag.String("root", "examples/hosting", "directory that stands for / (configuration and content)")
	write := flag.Bool("w", false, "write the changes instead of printing a diff")
	flag.Parse()
	changes, err := plan(os.DirFS(*root), "/apache2.conf")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := apply(os.Stdout, changes, *root, *write); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// change is one file's new content.
type change struct {
	path     string // in the configuration's terms ("/sites-enabled/x.conf")
	old, new string
	notes    []string
}

// plan computes the edits without writing anything.
func plan(fsys fs.FS, conf string) ([]change, error) {
	cfg, err := apacheconf.Load(context.Background(), fsys, conf, apacheconf.Options{ServerRoot: "/"})
	if err != nil {
		return nil, err
	}
	files := map[string]*ast.File{}
	srcs := map[string]string{}
	var order []string
	notes := map[string][]string{}
	for _, e := range cfg.Audit() {
		if e.Restrict != nil {
			continue
		}
		owner := ownerOf(e.Path)
		var groups []string
		for _, g := range cfg.Groups.Selectable(e.VHost) {
			for _, o := range g.Options {
				if o.Name == "user" && o.Value == owner {
					groups = append(groups, g.Name)
				}
			}
		}
		file := e.Directory.Pos().Filename
		if owner == "" || len(groups) == 0 {
			notes[file] = append(notes[file], fmt.Sprintf("%s: no daemon group runs as its owner; left alone", e.Path))
			continue
		}
		f, ok := files[file]
		if !ok {
			b, err := fs.ReadFile(fsys, strings.TrimPrefix(file, "/"))
			if err != nil {
				return nil, err
			}
			if f, err = parser.ParseFile(file, b); err != nil {
				return nil, err
			}
			files[file], srcs[file] = f, string(b)
			order = append(order, file)
		}
		sec := sectionAt(f, e.Directory.Pos().Offset)
		if sec == nil {
			return nil, fmt.Errorf("%s: section not found in %s", e.Directory.Pos(), file)
		}
		sort.Strings(groups)
		ast.Set(sec, "WSGIRestrictProcess", groups...)
		notes[file] = append(notes[file], fmt.Sprintf("%s: %%{ENV:%s} limited to %s", e.Path, e.Variable, strings.Join(groups, " ")))
	}
	var out []change
	for _, file := range order {
		b, err := ast.Format(files[file])
		if err != nil {
			return nil, err
		}
		if string(b) != srcs[file] {
			out = append(out, change{path: file, old: srcs[file], new: string(b), notes: notes[file]})
		}
	}
	return out, nil
}

// ownerOf is <user> in /home/<user>/….
func ownerOf(dir string) string {
	parts := strings.Split(path.Clean(dir), "/")
	if len(parts) > 2 && parts[1] == "home" {
		return parts[2]
	}
	return ""
}

// sectionAt finds the section that starts at offset in f.
func sectionAt(f *ast.File, offset int) *ast.Section {
	var found *ast.Section
	ast.Inspect(f.Body, func(n ast.Node) bool {
		if s, ok := n.(*ast.Section); ok && s.Pos().Offset == offset {
			found = s
		}
		return found == nil
	})
	return found
}

func apply(w io.Writer, changes []change, root string, write bool) error {
	if len(changes) == 0 {
		fmt.Fprintln(w, "nothing to change")
		return nil
	}
	for _, c := range changes {
		for _, n := range c.notes {
			fmt.Fprintln(w, "# "+n)
		}
		if write {
			dst := filepath.Join(root, filepath.FromSlash(c.path))
			info, err := os.Stat(dst)
			if err != nil {
				return err
			}
			if err := os.WriteFile(dst, []byte(c.new), info.Mode().Perm()); err != nil {
				return err
			}
			fmt.Fprintf(w, "wrote %s\n", c.path)
			continue
		}
		d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: difflib.SplitLines(c.old), B: difflib.SplitLines(c.new),
			FromFile: "a" + c.path, ToFile: "b" + c.path, Context: 2})
		if err != nil {
			return err
		}
		fmt.Fprint(w, d)
	}
	return nil
}
