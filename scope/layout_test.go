package scope

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Each module's directives are handled in one file: a directive's name
// appears, as a string literal, in one non-test Go file only across the
// engine's packages (scope, internal/urlmap, resolve). A name showing up
// in a second file means a module's knowledge leaked out of its home.
func TestDirectivesHaveOneHome(t *testing.T) {
	names := []string{
		// core
		"options", "allowoverride", "allowoverridelist", "sethandler", "forcetype", "documentroot", "accessfilename", "errordocument",
		// mod_alias
		"alias", "aliasmatch", "scriptalias", "scriptaliasmatch", "redirectmatch", "redirectpermanent", "redirecttemp",
		// mod_userdir, mod_dir, mod_mime, mod_env, mod_setenvif, mod_headers
		"userdir", "directoryindex", "directoryslash", "addhandler", "removehandler", "addtype", "removetype",
		"setenv", "unsetenv", "setenvif", "setenvifnocase", "browsermatch", "browsermatchnocase", "header", "requestheader",
		// mod_rewrite
		"rewriterule", "rewritecond", "rewriteengine", "rewriteoptions", "rewritebase",
		// mod_authz_core, mod_access_compat
		"require", "authmerging", "requireall", "requireany", "requirenone", "allow", "deny", "satisfy",
		// mod_wsgi
		"wsgiprocessgroup", "wsgiapplicationgroup", "wsgirestrictprocess", "wsgihandlerscript",
		"wsgiscriptalias", "wsgiscriptaliasmatch", "wsgirestrictembedded",
		// mod_proxy
		"proxypass", "proxypassmatch", "proxypreservehost", "proxypassinterpolateenv", "balancermember", "proxyrequests",
		// mod_allowmethods
		"allowmethods",
		// mod_speling, mod_negotiation
		"checkspelling", "checkcaseonly", "checkbasenamematch",
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	homes := map[string]map[string]bool{}
	fset := token.NewFileSet()
	for _, dir := range []string{".", "../internal/urlmap", "../resolve"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(fset, file, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				if s = strings.ToLower(s); want[s] {
					if homes[s] == nil {
						homes[s] = map[string]bool{}
					}
					homes[s][filepath.ToSlash(file)] = true
				}
				return true
			})
		}
	}
	for _, n := range names {
		var files []string
		for f := range homes[n] {
			files = append(files, f)
		}
		sort.Strings(files)
		if len(files) != 1 {
			t.Errorf("directive %s is handled in %d files, want 1: %v", n, len(files), files)
		}
	}
}
