package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// configFlags are the flags every command that reads a whole
// configuration shares; they mirror apache2's.
type configFlags struct {
	file       string
	serverRoot string
	defines    stringList
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func (c *configFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.file, "f", "/etc/apache2/apache2.conf", "main configuration file (as apache2 -f)")
	fs.StringVar(&c.serverRoot, "d", "", "ServerRoot (as apache2 -d; default: Debian's /etc/apache2, or the directory of a relative -f)")
	fs.Var(&c.defines, "D", "define a parameter (as apache2 -D); repeatable")
}

// load reads the configuration tree.
//
// Interim: Include and IncludeOptional (with wildcards, relative to
// ServerRoot) are spliced in place; conditionals, Define and Macro are
// not evaluated yet. parser.Load replaces this.
func (c *configFlags) load() ([]ast.Node, error) {
	root := c.serverRoot
	if root == "" {
		root = "/etc/apache2"
	}
	seen := map[string]bool{}
	var errs parser.ErrorList
	var read func(path string, depth int) []ast.Node
	read = func(path string, depth int) []ast.Node {
		if depth > 128 || seen[path] {
			errs.Add(ast.Position{Filename: path, Line: 1, Column: 1}, "include cycle or depth limit")
			return nil
		}
		seen[path] = true
		defer delete(seen, path)
		src, err := os.ReadFile(path)
		if err != nil {
			errs.Add(ast.Position{Filename: path}, "%v", err)
			return nil
		}
		f, err := parser.ParseFile(path, src)
		if list, ok := err.(parser.ErrorList); ok {
			errs = append(errs, list...)
		}
		var splice func(nodes []ast.Node) []ast.Node
		splice = func(nodes []ast.Node) []ast.Node {
			var out []ast.Node
			for _, n := range nodes {
				switch n := n.(type) {
				case *ast.Directive:
					if (n.Is("Include") || n.Is("IncludeOptional")) && len(n.Args) == 1 {
						pat := n.Args[0].Value
						if !filepath.IsAbs(pat) {
							pat = filepath.Join(root, pat)
						}
						matches, _ := filepath.Glob(pat)
						if len(matches) == 0 && !strings.ContainsAny(pat, "*?[") && n.Is("Include") {
							errs.Add(n.Position, "Include: %s does not exist", pat)
						}
						sort.Strings(matches)
						for _, m := range matches {
							if info, err := os.Stat(m); err == nil && !info.IsDir() {
								out = append(out, read(m, depth+1)...)
							}
						}
						continue
					}
				case *ast.Section:
					n.Body = splice(n.Body)
				}
				out = append(out, n)
			}
			return out
		}
		return splice(f.Body)
	}
	file := c.file
	if !filepath.IsAbs(file) {
		file = filepath.Join(root, file)
		if c.serverRoot == "" {
			file = c.file
		}
	}
	nodes := read(file, 0)
	errs.Sort()
	return nodes, errs.Err()
}

// fail prints an error, compiler style for positioned ones.
func fail(stderr interface{ Write([]byte) (int, error) }, err error) {
	if list, ok := err.(parser.ErrorList); ok {
		for _, e := range list {
			fmt.Fprintln(stderr, e.Error())
		}
		return
	}
	fmt.Fprintf(stderr, "apacheconf: %v\n", err)
}
