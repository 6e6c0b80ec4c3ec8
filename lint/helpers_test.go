package lint

import (
	"fmt"
	"net/netip"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fixedResolver struct{}

func (fixedResolver) LookupHost(h string) ([]netip.Addr, error) {
	if h == "localhost" {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	return nil, fmt.Errorf("no DNS in tests")
}
func (fixedResolver) LookupAddr(netip.Addr) (string, error) { return "", fmt.Errorf("no DNS") }
func (fixedResolver) LocalHost() string                     { return "localhost" }

// ruleCase is one row of a rule's table: a configuration (site.conf),
// files (relative to / for .htaccess and Include), and the findings
// expected, each "LINE: substring of message" (LINE may be FILE:LINE).
type ruleCase struct {
	name  string
	conf  string
	files map[string]string
	want  []string
}

var (
	coverMu  sync.Mutex
	positive = map[string]bool{}
	negative = map[string]bool{}
)

// testLoad parses conf and splices Include/IncludeOptional from files,
// the way the CLI's loader does.
func testLoad(conf string, files map[string]string) ([]ast.Node, fstest.MapFS, error) {
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[strings.TrimPrefix(name, "/")] = &fstest.MapFile{Data: []byte(src)}
	}
	var errs parser.ErrorList
	var read func(name, src string, depth int) []ast.Node
	read = func(name, src string, depth int) []ast.Node {
		f, err := parser.Config{}.ParseString(name, src)
		if l, ok := err.(parser.ErrorList); ok {
			errs = append(errs, l...)
		}
		var splice func([]ast.Node) []ast.Node
		splice = func(nodes []ast.Node) []ast.Node {
			var out []ast.Node
			for _, n := range nodes {
				if d, ok := n.(*ast.Directive); ok && (d.Is("Include") || d.Is("IncludeOptional")) && len(d.Args) == 1 && depth < 8 {
					pat := strings.TrimPrefix(d.Args[0].Value, "/")
					matches, _ := fsGlob(fsys, pat)
					if len(matches) == 0 && d.Is("Include") && !strings.ContainsAny(pat, "*?[") {
						errs.Add(d.Pos(), "Could not open configuration file %s: no such file or directory", d.Args[0].Value)
					}
					for _, m := range matches {
						out = append(out, read("/"+m, string(fsys[m].Data), depth+1)...)
					}
					continue
				}
				if s, ok := n.(*ast.Section); ok {
					s.Body = splice(s.Body)
				}
				out = append(out, n)
			}
			return out
		}
		return splice(f.Body)
	}
	nodes := read("site.conf", conf, 0)
	return nodes, fsys, errs.Err()
}

func fsGlob(fsys fstest.MapFS, pat string) ([]string, error) {
	var out []string
	for name := range fsys {
		if ok, _ := path.Match(pat, name); ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, nil
}

func lintString(a *Analyzer, conf string, files map[string]string) []Diagnostic {
	nodes, fsys, err := testLoad(conf, files)
	prog := NewProgram(nodes, err, ProgramOptions{FS: fsys, Resolver: fixedResolver{}})
	return Run(prog, []*Analyzer{a}, Config{})
}

func runTable(t *testing.T, a *Analyzer, cases []ruleCase) {
	t.Helper()
	runTableWith(t, a, cases, func(tc ruleCase) []Diagnostic { return lintString(a, tc.conf, tc.files) })
}

func runTableWith(t *testing.T, a *Analyzer, cases []ruleCase, lintCase func(ruleCase) []Diagnostic) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := lintCase(tc)
			var got []string
			for _, d := range ds {
				got = append(got, fmt.Sprintf("%s:%d: %s", d.Pos.Filename, d.Pos.Line, d.Message))
			}
			require.Len(t, ds, len(tc.want), "findings:\n%s", strings.Join(got, "\n"))
			for i, w := range tc.want {
				loc, msg, _ := strings.Cut(w, ": ")
				if !strings.Contains(loc, ":") {
					loc = "site.conf:" + loc
				}
				assert.Equal(t, loc, fmt.Sprintf("%s:%d", ds[i].Pos.Filename, ds[i].Pos.Line))
				assert.Contains(t, ds[i].Message, msg)
				assert.Equal(t, a.ID, ds[i].Rule)
			}
			coverMu.Lock()
			if len(tc.want) > 0 {
				positive[a.ID] = true
			} else {
				negative[a.ID] = true
			}
			coverMu.Unlock()
		})
	}
}

// TestMain checks, after the tests ran, that every rule has a doc page
// and a table with a positive and a negative case.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && !testing.Short() && flagRunAll() {
		for _, a := range append(Analyzers(), BenchmarkAnalyzers()...) {
			if _, err := os.Stat("../docs/rules/" + a.ID + ".md"); err != nil {
				fmt.Printf("rule %s (%s) has no doc page: %v\n", a.ID, a.Name, err)
				code = 1
			}
			if !positive[a.ID] || !negative[a.ID] {
				fmt.Printf("rule %s (%s) lacks a positive or a negative table case\n", a.ID, a.Name)
				code = 1
			}
		}
	}
	os.Exit(code)
}

// flagRunAll reports whether the whole suite ran (no -run filter).
func flagRunAll() bool {
	for _, a := range os.Args {
		if strings.HasPrefix(a, "-test.run") {
			return false
		}
	}
	return true
}
