// Package api records the module's exported API, as Go's own api/
// directory does: apacheconf.txt lists every exported declaration of the
// public packages, one per line, and TestAPI fails when the code and the
// file disagree, so that an API change is made on purpose.
package api

import (
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite api/apacheconf.txt from the code")

const module = "github.com/apacheconf/apacheconf"

// packages are the public packages: not internal/, cmd/ or examples/.
var packages = []string{"", "ast", "audit", "directive", "lint", "lint/report", "parser", "resolve", "scope", "whatif"}

func TestAPI(t *testing.T) {
	var lines []string
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "source", nil)
	for _, dir := range packages {
		path := module
		if dir != "" {
			path += "/" + dir
		}
		pkg, err := check(fset, imp, path, filepath.Join("..", dir))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		lines = append(lines, features(pkg)...)
	}
	got := strings.Join(lines, "\n") + "\n"
	if *update {
		if err := os.WriteFile("apacheconf.txt", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("apacheconf.txt")
	if err != nil {
		t.Fatal(err)
	}
	if string(want) == got {
		return
	}
	added, removed := diffLines(strings.Split(string(want), "\n"), strings.Split(got, "\n"))
	var msg strings.Builder
	msg.WriteString("the exported API changed:\n")
	for _, l := range removed {
		fmt.Fprintf(&msg, "  - %s\n", l)
	}
	for _, l := range added {
		fmt.Fprintf(&msg, "  + %s\n", l)
	}
	msg.WriteString("if the change is meant, record it: go test ./api -update (and review the diff of api/apacheconf.txt)")
	t.Error(msg.String())
}

// check type-checks the non-test Go files of dir.
func check(fset *token.FileSet, imp types.Importer, path, dir string) (*types.Package, error) {
	out, err := exec.Command("go", "list", "-f", `{{join .GoFiles "\n"}}`, "./"+filepath.ToSlash(dir)).Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v", err)
	}
	var files []*ast.File
	for _, name := range strings.Fields(string(out)) {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: imp}
	return conf.Check(path, fset, files, nil)
}

// features lists pkg's exported declarations as api/ files do: "pkg P,
// func F(...) ...", "pkg P, type T struct, F int", "pkg P, method (*T) M()".
func features(pkg *types.Package) []string {
	name := strings.TrimPrefix(strings.TrimPrefix(pkg.Path(), module), "/")
	if name == "" {
		name = "apacheconf"
	}
	prefix := "pkg " + name + ", "
	qual := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
	str := func(t types.Type) string { return types.TypeString(t, qual) }
	var out []string
	add := func(s string) { out = append(out, prefix+s) }
	scope := pkg.Scope()
	for _, n := range scope.Names() {
		obj := scope.Lookup(n)
		if !obj.Exported() {
			continue
		}
		switch obj := obj.(type) {
		case *types.Func:
			add("func " + n + sigString(obj.Type().(*types.Signature), str))
		case *types.Var:
			add("var " + n + " " + str(obj.Type()))
		case *types.Const:
			add("const " + n + " " + str(obj.Type()) + " = " + obj.Val().ExactString())
		case *types.TypeName:
			if obj.IsAlias() {
				add("type " + n + " = " + str(types.Unalias(obj.Type()))) // the target, not the alias's own name
				continue
			}
			named := obj.Type().(*types.Named)
			switch u := named.Underlying().(type) {
			case *types.Struct:
				add("type " + n + " struct")
				for i := 0; i < u.NumFields(); i++ {
					f := u.Field(i)
					if !f.Exported() {
						continue
					}
					if f.Embedded() {
						add("type " + n + " struct, embedded " + str(f.Type()))
						continue
					}
					add("type " + n + " struct, " + f.Name() + " " + str(f.Type()))
				}
			case *types.Interface:
				add("type " + n + " interface")
				for i := 0; i < u.NumMethods(); i++ {
					m := u.Method(i)
					if m.Exported() {
						add("type " + n + " interface, " + m.Name() + sigString(m.Type().(*types.Signature), str))
					}
				}
			default:
				add("type " + n + " " + str(u))
			}
			if _, isIface := named.Underlying().(*types.Interface); isIface {
				continue
			}
			for i := 0; i < named.NumMethods(); i++ {
				m := named.Method(i)
				if !m.Exported() {
					continue
				}
				sig := m.Type().(*types.Signature)
				add("method (" + str(sig.Recv().Type()) + ") " + m.Name() + sigString(sig, str))
			}
		}
	}
	sort.Strings(out)
	return dedup(out)
}

func dedup(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// diffLines returns the lines only in b (added) and only in a (removed).
func diffLines(a, b []string) (added, removed []string) {
	in := func(list []string) map[string]bool {
		m := map[string]bool{}
		for _, l := range list {
			if l != "" {
				m[l] = true
			}
		}
		return m
	}
	ma, mb := in(a), in(b)
	for _, l := range b {
		if l != "" && !ma[l] {
			added = append(added, l)
		}
	}
	for _, l := range a {
		if l != "" && !mb[l] {
			removed = append(removed, l)
		}
	}
	return added, removed
}

// sigString prints a signature without parameter names, which are not
// part of the API.
func sigString(sig *types.Signature, str func(types.Type) string) string {
	list := func(t *types.Tuple, variadic bool) string {
		parts := make([]string, t.Len())
		for i := range parts {
			typ := t.At(i).Type()
			if variadic && i == t.Len()-1 {
				parts[i] = "..." + str(typ.(*types.Slice).Elem())
				continue
			}
			parts[i] = str(typ)
		}
		return strings.Join(parts, ", ")
	}
	s := "(" + list(sig.Params(), sig.Variadic()) + ")"
	switch r := sig.Results(); r.Len() {
	case 0:
	case 1:
		s += " " + list(r, false)
	default:
		s += " (" + list(r, false) + ")"
	}
	return s
}

// A program that imports the root package (to load, explain, lint)
// does not carry the SARIF and YAML libraries: those are lint/report's.
func TestRootImportsLight(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", module).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, heavy := range []string{"github.com/owenrumney/go-sarif", "go.yaml.in/yaml", "github.com/santhosh-tekuri/jsonschema", module + "/lint/report"} {
		if strings.Contains(string(out), heavy) {
			t.Errorf("importing %s pulls in %s (go list -deps %s)", module, heavy, module)
		}
	}
}
