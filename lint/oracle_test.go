package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apacheconf/apacheconf/parser"
)

// oracleCase lints one conformance case (recorded by the real Apache +
// mod_wsgi, see ../conformance/cases): site.conf with @ROOT@ as "/" and
// its files/ tree as the file system.
func oracleCase(t *testing.T, dir string) ([]Diagnostic, string, bool) {
	src, err := os.ReadFile(filepath.Join(dir, "site.conf"))
	if err != nil {
		return nil, "", false
	}
	expected, _ := os.ReadFile(filepath.Join(dir, "expected.txt"))
	subst := strings.NewReplacer("@ROOT@", "", "@PORT@", "8081", "@PORT2@", "8082")
	conf := subst.Replace(string(src))
	fsys := fstest.MapFS{"site.conf": {Data: []byte("Listen 8081\nListen 8082\nServerName localhost\n" + conf)}}
	root := filepath.Join(dir, "files")
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: []byte(subst.Replace(string(b)))}
		}
		return nil
	})
	l, lerr := parser.Load(fsys, "/site.conf", parser.LoadOptions{ServerRoot: "/"})
	if l == nil {
		t.Fatalf("%s: %v", dir, lerr)
	}
	// A case is the site part: run.py adds the LoadModule lines.
	prog := NewProgram(l.Body, lerr, ProgramOptions{FS: fsys, Resolver: fixedResolver{}, Fragment: true})
	return Run(prog, Analyzers(), Config{}), string(expected), true
}

// TestOracleCases checks the error-level findings against what the real
// server did: a case httpd refused to start with must give an error
// finding; a case it started and served without a 500 must give none,
// except the security rules (httpd serves those configurations happily;
// that is the problem they report).
func TestOracleCases(t *testing.T) {
	dirs, _ := filepath.Glob("../conformance/cases/*")
	if len(dirs) == 0 {
		t.Skip("no conformance cases")
	}
	security := map[string]bool{"AC4006": true, "AC5002": true}
	var missed, falseErr, quiet500 []string
	flagged500 := 0
	agree := 0
	for _, dir := range dirs {
		ds, expected, ok := oracleCase(t, dir)
		if !ok {
			continue
		}
		var errs []string
		for _, d := range ds {
			// AC7004's finding is a directory httpd answers 403 for, rule
			// or no rule: the case must show the 403 (htaccess-rewrite).
			if d.Rule == "AC7004" && strings.Contains(expected, "-> 403") {
				continue
			}
			if d.Severity == Error && !security[d.Rule] {
				errs = append(errs, fmt.Sprintf("%s:%d %s [%s]", d.Pos.Filename, d.Pos.Line, d.Message, d.Rule))
			}
		}
		name := filepath.Base(dir)
		switch {
		case strings.HasPrefix(expected, "CONFIG-ERROR"):
			if len(errs) == 0 {
				missed = append(missed, name+": "+strings.TrimSpace(expected))
				continue
			}
		case strings.Contains(expected, "-> 500"):
			if len(errs) > 0 {
				flagged500++
			} else {
				quiet500 = append(quiet500, name)
			}
		default:
			if len(errs) > 0 {
				falseErr = append(falseErr, name+": "+strings.Join(errs, "; "))
				continue
			}
		}
		agree++
	}
	sort.Strings(missed)
	t.Logf("%d/%d cases agree with the real server", agree, len(dirs))
	for _, m := range missed {
		t.Errorf("start-up error not found: %s", m)
	}
	t.Logf("cases with a 500 answer: %d have an error finding; no finding (request-dependent): %s", flagged500, strings.Join(quiet500, " "))
	for _, f := range falseErr {
		t.Errorf("error finding on a configuration httpd served: %s", f)
	}
}
