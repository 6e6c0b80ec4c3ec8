package oracle

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// LoadTree reads a configuration and splices Include/IncludeOptional in
// place: relative paths against serverRoot, wildcards, directories
// included recursively in lexical order.
//
// Interim: conditionals, Define and Macro are not evaluated. parser.Load
// replaces this function.
func LoadTree(file, serverRoot string) ([]ast.Node, error) {
	if serverRoot == "" {
		serverRoot = "/etc/apache2"
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(serverRoot, file)
	}
	l := &treeLoader{root: serverRoot, open: map[string]bool{}}
	nodes := l.read(file, 0)
	l.errs.Sort()
	return nodes, l.errs.Err()
}

type treeLoader struct {
	root string
	open map[string]bool
	errs parser.ErrorList
}

func (l *treeLoader) read(path string, depth int) []ast.Node {
	if depth > 128 || l.open[path] {
		l.errs.Add(ast.Position{Filename: path, Line: 1, Column: 1}, "Exceeded the maximum include directory nesting level or include cycle")
		return nil
	}
	l.open[path] = true
	defer delete(l.open, path)
	src, err := os.ReadFile(path)
	if err != nil {
		l.errs.Add(ast.Position{Filename: path, Line: 1, Column: 1}, "%v", err)
		return nil
	}
	f, err := parser.ParseFile(path, src)
	if list, ok := err.(parser.ErrorList); ok {
		l.errs = append(l.errs, list...)
	}
	return l.splice(f.Body, depth)
}

func (l *treeLoader) splice(nodes []ast.Node, depth int) []ast.Node {
	var out []ast.Node
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Directive:
			if (n.Is("Include") || n.Is("IncludeOptional")) && len(n.Args) == 1 {
				out = append(out, l.include(n, depth)...)
				continue
			}
		case *ast.Section:
			n.Body = l.splice(n.Body, depth)
		}
		out = append(out, n)
	}
	return out
}

func (l *treeLoader) include(d *ast.Directive, depth int) []ast.Node {
	pat := d.Args[0].Value
	if !filepath.IsAbs(pat) {
		pat = filepath.Join(l.root, pat)
	}
	matches, _ := filepath.Glob(pat)
	if len(matches) == 0 && !strings.ContainsAny(pat, "*?[") {
		if _, err := os.Stat(pat); err != nil {
			if d.Is("Include") {
				l.errs.Add(d.Position, "Include: could not open %s", pat)
			}
			return nil
		}
		matches = []string{pat}
	}
	sort.Strings(matches)
	var out []ast.Node
	for _, m := range matches {
		info, err := os.Stat(m)
		if err != nil {
			continue
		}
		if info.IsDir() {
			var files []string
			_ = filepath.WalkDir(m, func(p string, e os.DirEntry, err error) error {
				if err == nil && !e.IsDir() {
					files = append(files, p)
				}
				return nil
			})
			sort.Strings(files)
			for _, f := range files {
				out = append(out, l.read(f, depth+1)...)
			}
			continue
		}
		out = append(out, l.read(m, depth+1)...)
	}
	return out
}
