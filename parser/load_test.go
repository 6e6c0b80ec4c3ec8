package parser

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadCase is one loader case. Files are keyed by path under the server
// root; "{R}" in contents and expectations stands for the root (/t in the
// MapFS, a temporary directory in the live check). The main file is
// main.conf.
type loadCase struct {
	name    string
	files   map[string]string
	defines []string
	env     map[string]string
	tree    []string // flattened "Name args" / "<Name args>" of the result
	incs    []string // files read, relative to the root ("" = don't check)
	err     string   // substring of our error ("" = none)
	httpd   string   // substring of apache2 -t's output ("Syntax OK" when it passes)
}

const macroLoad = "LoadModule macro_module /usr/lib/apache2/modules/mod_macro.so\n"

var loadCases = []loadCase{
	{name: "plain", files: map[string]string{"main.conf": "ServerName a\n"}, tree: []string{"ServerName a"}, incs: []string{"main.conf"}, httpd: "Syntax OK"},
	{name: "include absolute", files: map[string]string{"main.conf": "Include {R}/b.conf\n", "b.conf": "ServerName b\n"}, tree: []string{"ServerName b"}, incs: []string{"main.conf", "b.conf"}, httpd: "Syntax OK"},
	{name: "include relative to root", files: map[string]string{"main.conf": "Include b.conf\n", "b.conf": "ServerName b\n"}, tree: []string{"ServerName b"}, incs: []string{"main.conf", "b.conf"}, httpd: "Syntax OK"},
	{name: "include missing", files: map[string]string{"main.conf": "Include {R}/nope.conf\n"}, err: "Could not open configuration file {R}/nope.conf: No such file or directory", httpd: "Could not open configuration file {R}/nope.conf: No such file or directory"},
	{name: "includeoptional missing", files: map[string]string{"main.conf": "IncludeOptional {R}/nope.conf\nServerName a\n"}, tree: []string{"ServerName a"}, httpd: "Syntax OK"},
	{name: "include wildcard no match", files: map[string]string{"main.conf": "Include {R}/nope*.conf\n"}, err: "No matches for the wildcard 'nope*.conf' in '{R}', failing", httpd: "No matches for the wildcard 'nope*.conf' in '{R}', failing"},
	{name: "includeoptional wildcard no match", files: map[string]string{"main.conf": "IncludeOptional {R}/nope*.conf\nServerName a\n"}, tree: []string{"ServerName a"}, httpd: "Syntax OK"},
	{name: "includeoptional missing dir wildcard", files: map[string]string{"main.conf": "IncludeOptional {R}/nodir/*.conf\nServerName a\n"}, tree: []string{"ServerName a"}, httpd: "Syntax OK"},
	{name: "include missing dir wildcard", files: map[string]string{"main.conf": "Include {R}/nodir/*.conf\n"}, err: "Could not open directory {R}/nodir: No such file or directory", httpd: "Could not open directory {R}/nodir: No such file or directory"},
	{name: "wildcard sorted", files: map[string]string{"main.conf": "Include {R}/c/*.conf\n", "c/b.conf": "ServerName b\n", "c/a.conf": "ServerName a\n", "c/x.txt": "Bogus\n"}, tree: []string{"ServerName a", "ServerName b"}, incs: []string{"main.conf", "c/a.conf", "c/b.conf"}, httpd: "Syntax OK"},
	{name: "wildcard in directory component", files: map[string]string{"main.conf": "Include {R}/*/x.conf\n", "a/x.conf": "ServerName a\n", "b/x.conf": "ServerName b\n", "f": "\n"}, tree: []string{"ServerName a", "ServerName b"}, httpd: "Syntax OK"},
	{name: "wildcard skips dot files", files: map[string]string{"main.conf": "Include {R}/c/*\n", "c/.hidden": "Bogus\n", "c/a": "ServerName a\n"}, tree: []string{"ServerName a"}, httpd: "Syntax OK"},
	{name: "directory included recursively", files: map[string]string{"main.conf": "Include {R}/d\n", "d/b.conf": "ServerName b\n", "d/a/z.conf": "ServerName z\n", "d/.dot": "ServerName dot\n"}, tree: []string{"ServerName dot", "ServerName z", "ServerName b"}, incs: []string{"main.conf", "d/.dot", "d/a/z.conf", "d/b.conf"}, httpd: "Syntax OK"},
	{name: "include recursion", files: map[string]string{"main.conf": "Include {R}/main.conf\n"}, err: "Exceeded maximum include depth of 128", httpd: "Syntax error on line 1 of {R}/main.conf: Syntax error on line 1 of {R}/main.conf:"},
	{name: "self include guarded by define", files: map[string]string{"main.conf": "<IfDefine !ONCE>\nDefine ONCE\nInclude {R}/main.conf\n</IfDefine>\nServerName a\n"}, tree: []string{"ServerName a", "ServerName a"}, incs: []string{"main.conf", "main.conf"}, httpd: "Syntax OK"},
	{name: "include cycle of two", files: map[string]string{"main.conf": "Include {R}/b.conf\n", "b.conf": "Include {R}/main.conf\n"}, err: "Exceeded maximum include depth of 128", httpd: "Syntax error on line 1 of {R}/b.conf: Syntax error on line 1 of {R}/main.conf:"},
	{name: "glob bomb", files: map[string]string{"main.conf": "Include {R}/c/*.conf\n", "c/a.conf": "Include {R}/c/*.conf\n", "c/b.conf": "Include {R}/c/*.conf\n"}, err: "Exceeded maximum include depth of 128", httpd: "Syntax error on line 1 of {R}/c/a.conf: Syntax error on line 1 of {R}/c/a.conf:"},
	{name: "serverroot directive moves relative includes", files: map[string]string{"main.conf": "ServerRoot {R}/sub\nInclude x.conf\n", "sub/x.conf": "ServerName x\n"}, tree: []string{"ServerRoot {R}/sub", "ServerName x"}, httpd: "Syntax OK"},
	{name: "nested include file order", files: map[string]string{"main.conf": "ServerName a\nInclude {R}/b.conf\n", "b.conf": "\nInclude {R}/c.conf\n", "c.conf": "ServerName c\n"}, tree: []string{"ServerName a", "ServerName c"}, incs: []string{"main.conf", "b.conf", "c.conf"}, httpd: "Syntax OK"},
	{name: "include inside section", files: map[string]string{"main.conf": "<Directory />\nInclude {R}/b.conf\n</Directory>\n", "b.conf": "Options None\n"}, tree: []string{"<Directory />", "Options None"}, httpd: "Syntax OK"},
	{name: "ifdefine true", files: map[string]string{"main.conf": "<IfDefine X>\nBogus\n</IfDefine>\n"}, defines: []string{"X"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifdefine false", files: map[string]string{"main.conf": "<IfDefine X>\nBogus\n</IfDefine>\n"}, tree: nil, httpd: "Syntax OK"},
	{name: "ifdefine negated", files: map[string]string{"main.conf": "<IfDefine !X>\nBogus\n</IfDefine>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifdefine extra words ignored", files: map[string]string{"main.conf": "<IfDefine X Y>\nBogus\n</IfDefine>\n"}, defines: []string{"X"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifdefine bang then space", files: map[string]string{"main.conf": "<IfDefine ! X>\nBogus\n</IfDefine>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifdefine quoted bang is a name", files: map[string]string{"main.conf": "<IfDefine \"!X\">\nBogus\n</IfDefine>\n"}, httpd: "Syntax OK"},
	{name: "ifdefine no argument", files: map[string]string{"main.conf": "<IfDefine>\n</IfDefine>\n"}, err: "<IfDefine> directive requires additional arguments", httpd: "<IfDefine> directive requires additional arguments"},
	{name: "ifmodule no argument", files: map[string]string{"main.conf": "<IfModule>\n</IfModule>\n"}, err: "<IfModule> directive requires additional arguments", httpd: "<IfModule> directive requires additional arguments"},
	{name: "ifversion bad version", files: map[string]string{"main.conf": "<IfVersion >= 2.x>\n</IfVersion>\n"}, err: "Version appears to be invalid", httpd: "Version appears to be invalid"},
	{name: "ifversion too many numbers", files: map[string]string{"main.conf": "<IfVersion = 2.4.1.5>\n</IfVersion>\n"}, err: "Version appears to be invalid", httpd: "Version appears to be invalid"},
	{name: "ifversion trailing dot", files: map[string]string{"main.conf": "<IfVersion > 2.>\nBogus\n</IfVersion>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifversion no argument", files: map[string]string{"main.conf": "<IfVersion>\n</IfVersion>\n"}, err: "Version appears to be invalid", httpd: "Version appears to be invalid"},
	{name: "ifversion bad operator", files: map[string]string{"main.conf": "<IfVersion ?? 2>\n</IfVersion>\n"}, err: "unrecognized operator '??'", httpd: "unrecognized operator '??'"},
	{name: "define then ifdefine", files: map[string]string{"main.conf": "Define X\n<IfDefine X>\nBogus\n</IfDefine>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "undefine", files: map[string]string{"main.conf": "Define X\nUnDefine X\n<IfDefine X>\nBogus\n</IfDefine>\n"}, tree: nil, httpd: "Syntax OK"},
	{name: "define in false ifdefine ignored", files: map[string]string{"main.conf": "<IfDefine Y>\nDefine X\n</IfDefine>\n<IfDefine X>\nBogus\n</IfDefine>\n"}, httpd: "Syntax OK"},
	{name: "var substitution", files: map[string]string{"main.conf": "Define N a\nServerName ${N}\n"}, tree: []string{"ServerName a"}, httpd: "Syntax OK"},
	{name: "var resplit whole line", files: map[string]string{"main.conf": "Define N \"a b\"\nServerName ${N}\n"}, tree: []string{"ServerName a b"}, httpd: "ServerName takes one argument"},
	{name: "var lookup ignores case", files: map[string]string{"main.conf": "Define N a\nServerName ${n}\n"}, tree: []string{"ServerName a"}, httpd: "Syntax OK"},
	{name: "define without value is no var", files: map[string]string{"main.conf": "Define N\nInclude {R}/${N}.inc\n", "a.inc": "\n"}, err: "Could not open configuration file {R}/${N}.inc", httpd: "Could not open configuration file {R}/${N}.inc"},
	{name: "define without value keeps earlier value", files: map[string]string{"main.conf": "Define N a\nDefine N\nInclude {R}/${N}.inc\n", "a.inc": "ServerName a\n"}, tree: []string{"ServerName a"}, httpd: "Syntax OK"},
	{name: "ifdefine is case-sensitive", files: map[string]string{"main.conf": "Define N a\n<IfDefine n>\nBogus\n</IfDefine>\n"}, httpd: "Syntax OK"},
	{name: "define name with colon", files: map[string]string{"main.conf": "Define a:b\n"}, err: "Variable name must not contain ':'", httpd: "Variable name must not contain ':'"},
	{name: "var from env", files: map[string]string{"main.conf": "ServerName ${LOADTEST_V}\n"}, env: map[string]string{"LOADTEST_V": "e"}, tree: []string{"ServerName e"}, httpd: "Syntax OK"},
	{name: "var undefined kept", files: map[string]string{"main.conf": "ServerName ${LOADTEST_NONE}\n"}, tree: []string{"ServerName ${LOADTEST_NONE}"}, httpd: "Syntax OK"},
	{name: "var in include path", files: map[string]string{"main.conf": "Define D {R}\nInclude ${D}/b.conf\n", "b.conf": "ServerName b\n"}, tree: []string{"ServerName b"}, httpd: "Syntax OK"},
	{name: "var makes directive name", files: map[string]string{"main.conf": "Define N Bogus\n${N} x\n"}, tree: []string{"Bogus x"}, httpd: "Invalid command 'Bogus'"},
	{name: "var in section args", files: map[string]string{"main.conf": "Define X Y\nDefine Y\n<IfDefine ${X}>\nBogus\n</IfDefine>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifmodule builtin", files: map[string]string{"main.conf": "<IfModule mod_version.c>\nBogus\n</IfModule>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifmodule builtin identifier", files: map[string]string{"main.conf": "<IfModule log_config_module>\nBogus\n</IfModule>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifmodule absent", files: map[string]string{"main.conf": "<IfModule mod_ssl.c>\nBogus\n</IfModule>\n"}, httpd: "Syntax OK"},
	{name: "ifmodule negated", files: map[string]string{"main.conf": "<IfModule !mod_ssl.c>\nBogus\n</IfModule>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifmodule after loadmodule", files: map[string]string{"main.conf": "LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so\n<IfModule alias_module>\nBogus\n</IfModule>\n"}, tree: []string{"LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so", "Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifmodule source name after loadmodule", files: map[string]string{"main.conf": "LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so\n<IfModule mod_alias.c>\nBogus\n</IfModule>\n"}, tree: []string{"LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so", "Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifmodule mpm source name", files: map[string]string{"main.conf": "LoadModule mpm_worker_module /usr/lib/apache2/modules/mod_mpm_worker.so\n<IfModule worker.c>\nBogus\n</IfModule>\n<IfModule mod_mpm_worker.c>\nNope\n</IfModule>\n"}, tree: []string{"LoadModule mpm_worker_module /usr/lib/apache2/modules/mod_mpm_worker.so", "Bogus"}, httpd: ""},
	{name: "ifversion ge true", files: map[string]string{"main.conf": "<IfVersion >= 2.4>\nBogus\n</IfVersion>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifversion lt false", files: map[string]string{"main.conf": "<IfVersion < 2.4>\nBogus\n</IfVersion>\n"}, httpd: "Syntax OK"},
	{name: "ifversion regex", files: map[string]string{"main.conf": "<IfVersion ~ ^2\\.4>\nBogus\n</IfVersion>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifversion slash regex", files: map[string]string{"main.conf": "<IfVersion /^1/>\nBogus\n</IfVersion>\n"}, httpd: "Syntax OK"},
	// The default is the version the directive registry was generated
	// from, which is the installed server's.
	{name: "ifversion default is the registry's", files: map[string]string{"main.conf": "<IfVersion >= 2.4.71>\nBogus\n</IfVersion>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifversion default exact", files: map[string]string{"main.conf": "<IfVersion = 2.4.71>\nBogus\n</IfVersion>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifversion bad regex", files: map[string]string{"main.conf": "<IfVersion ~ [>\nA\n</IfVersion>\n"}, err: "Unable to compile regular expression", httpd: "Unable to compile regular expression"},
	{name: "ifversion negated", files: map[string]string{"main.conf": "<IfVersion !< 2.4>\nBogus\n</IfVersion>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "iffile exists", files: map[string]string{"main.conf": "<IfFile {R}/main.conf>\nBogus\n</IfFile>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "iffile relative", files: map[string]string{"main.conf": "<IfFile main.conf>\nBogus\n</IfFile>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "iffile missing negated", files: map[string]string{"main.conf": "<IfFile !{R}/nope>\nBogus\n</IfFile>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifdirective unknown", files: map[string]string{"main.conf": "<IfDirective NoSuchDirective>\nBogus\n</IfDirective>\n"}, httpd: "Syntax OK"},
	{name: "ifdirective builtin", files: map[string]string{"main.conf": "<IfDirective ServerName>\nBogus\n</IfDirective>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifdirective module not loaded", files: map[string]string{"main.conf": "<IfDirective RewriteEngine>\nBogus\n</IfDirective>\n"}, httpd: "Syntax OK"},
	{name: "ifdirective after loadmodule", files: map[string]string{"main.conf": "LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so\n<IfDirective rewriteengine>\nBogus\n</IfDirective>\n"}, tree: []string{"LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so", "Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "ifsection builtin", files: map[string]string{"main.conf": "<IfSection Directory>\nBogus\n</IfSection>\n<IfSection Proxy>\nNope\n</IfSection>\n"}, tree: []string{"Bogus"}, httpd: "Invalid command 'Bogus'"},
	{name: "else is not an ifdefine branch", files: map[string]string{"main.conf": "<IfDefine X>\nA\n</IfDefine>\n<Else>\nB\n</Else>\n"}, tree: []string{"<Else>", "B"}, httpd: "Invalid command 'B'"},
	{name: "macro without mod_macro", files: map[string]string{"main.conf": "<Macro M>\n</Macro>\n"}, tree: []string{"<Macro M>"}, httpd: "Invalid command '<Macro'"},
	{name: "macro", files: map[string]string{"main.conf": macroLoad + "<Macro M $a>\nServerName $a\n</Macro>\nUse M x\n"}, tree: []string{"LoadModule macro_module /usr/lib/apache2/modules/mod_macro.so", "ServerName x"}, httpd: "Syntax OK"},
	{name: "macro arity", files: map[string]string{"main.conf": macroLoad + "<Macro M $a>\nServerName $a\n</Macro>\nUse M\n"}, err: "macro 'm' (defined on line 2 of \"{R}/main.conf\") used with 0 arguments instead of 1", httpd: "macro 'm' (defined on line 2 of \"{R}/main.conf\") used with 0 arguments instead of 1"},
	{name: "use without macros", files: map[string]string{"main.conf": macroLoad + "Use M x\n"}, err: "no macro defined before Use", httpd: "no macro defined before Use"},
	{name: "macro undefined", files: map[string]string{"main.conf": macroLoad + "<Macro N>\n</Macro>\nUse M x\n"}, err: "macro 'm' undefined", httpd: "macro 'm' undefined"},
	{name: "macro recursion", files: map[string]string{"main.conf": macroLoad + "<Macro M>\nUse M\n</Macro>\nUse M\n"}, err: "recursive use of macro 'm' is invalid", httpd: "recursive use of macro 'm' is invalid"},
	{name: "undefmacro", files: map[string]string{"main.conf": macroLoad + "<Macro M>\nServerName x\n</Macro>\nUndefMacro M\nUse M\n"}, err: "macro 'm' undefined", httpd: "macro 'm' undefined"},
	{name: "macro longest parameter wins", files: map[string]string{"main.conf": macroLoad + "<Macro M $a $ab>\nBogus$ab\n</Macro>\nUse M x y\n"}, tree: []string{"LoadModule macro_module /usr/lib/apache2/modules/mod_macro.so", "Bogusy"}, httpd: "Invalid command 'Bogusy'"},
	{name: "macro @ parameter quoted", files: map[string]string{"main.conf": macroLoad + "<Macro Q @v>\nServerName @v\n</Macro>\nUse Q \"a b\"\n"}, tree: []string{"LoadModule macro_module /usr/lib/apache2/modules/mod_macro.so", "ServerName a b"}, httpd: "Syntax OK"},
	{name: "macro $ parameter not quoted", files: map[string]string{"main.conf": macroLoad + "<Macro Q $v>\nServerName $v\n</Macro>\nUse Q \"a b\"\n"}, tree: []string{"LoadModule macro_module /usr/lib/apache2/modules/mod_macro.so", "ServerName a b"}, httpd: "ServerName takes one argument"},
	{name: "macro with section", files: map[string]string{"main.conf": macroLoad + "<Macro D $p>\n<Directory $p>\nOptions None\n</Directory>\n</Macro>\nUse D /x\n"}, tree: []string{"LoadModule macro_module /usr/lib/apache2/modules/mod_macro.so", "<Directory /x>", "Options None"}, httpd: "Syntax OK"},
}

func flatten(nodes []ast.Node) []string {
	var out []string
	ast.Walk(nodes, func(n ast.Node, _ []*ast.Section) bool {
		switch n := n.(type) {
		case *ast.Directive:
			out = append(out, strings.TrimSpace(n.Name+" "+strings.Join(argVals(n.Args), " ")))
		case *ast.Section:
			out = append(out, "<"+strings.TrimSpace(n.Name+" "+strings.Join(argVals(n.Args), " "))+">")
		}
		return true
	})
	return out
}

func caseFS(c loadCase, root string) fstest.MapFS {
	m := fstest.MapFS{}
	for p, s := range c.files {
		m[strings.TrimPrefix(root, "/")+"/"+p] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(s, "{R}", root))}
	}
	return m
}

func TestLoad(t *testing.T) {
	apache, _ := exec.LookPath("apache2")
	for _, c := range loadCases {
		t.Run(c.name, func(t *testing.T) {
			const root = "/t"
			opts := LoadOptions{ServerRoot: root, Defines: c.defines, Env: func(k string) (string, bool) { v, ok := c.env[k]; return v, ok }}
			cfg, err := Load(caseFS(c, root), "main.conf", opts)
			require.NotNil(t, cfg)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), strings.ReplaceAll(c.err, "{R}", root))
			} else {
				require.NoError(t, err)
				var want []string
				for _, w := range c.tree {
					want = append(want, strings.ReplaceAll(w, "{R}", root))
				}
				assert.Equal(t, want, flatten(cfg.Body))
			}
			if c.incs != nil {
				var got []string
				for _, f := range cfg.Files {
					got = append(got, strings.TrimPrefix(f.Path, root+"/"))
				}
				assert.Equal(t, c.incs, got)
			}
			if apache == "" || c.httpd == "" {
				return
			}
			dir := t.TempDir()
			for p, s := range c.files {
				fp := filepath.Join(dir, p)
				require.NoError(t, os.MkdirAll(filepath.Dir(fp), 0o755))
				require.NoError(t, os.WriteFile(fp, []byte(strings.ReplaceAll(s, "{R}", dir)), 0o644))
			}
			args := []string{"-C", "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so", "-C", "ErrorLog /dev/null", "-d", dir, "-t", "-f", filepath.Join(dir, "main.conf")}
			for _, d := range c.defines {
				args = append(args, "-D", d)
			}
			cmd := exec.Command(apache, args...)
			cmd.Env = os.Environ()
			for k, v := range c.env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			out, _ := cmd.CombinedOutput()
			assert.Contains(t, string(out), strings.ReplaceAll(c.httpd, "{R}", dir), "apache2 %v", args)
		})
	}
}

func TestLoadOrigin(t *testing.T) {
	fsys := fstest.MapFS{
		"t/main.conf": {Data: []byte("# c\nInclude b.conf\n")},
		"t/b.conf":    {Data: []byte("<Macro M $x>\nServerName $x\n</Macro>\nUse M a\n")},
	}
	cfg, err := Load(fsys, "/t/main.conf", LoadOptions{ServerRoot: "/t", Modules: map[string]bool{"macro_module": true}})
	require.NoError(t, err)
	ds := ast.Directives(cfg.Body)
	require.Len(t, ds, 1)
	o := cfg.Origin(ds[0])
	require.Len(t, o, 3)
	assert.Contains(t, o[0].Filename, "macro 'm'")
	assert.Equal(t, 1, o[0].Line)
	assert.Equal(t, "/t/b.conf", o[1].Filename)
	assert.Equal(t, 4, o[1].Line)
	assert.Equal(t, "/t/main.conf", o[2].Filename)
	assert.Equal(t, 2, o[2].Line)
}

// Nodes nested in an included file's sections share the file's chain;
// nodes after an Include, and siblings of an Include inside a section,
// keep their parent's.
func TestLoadOriginNested(t *testing.T) {
	fsys := fstest.MapFS{
		"t/main.conf": {Data: []byte("<VirtualHost *:80>\nServerName a\nInclude b.conf\nServerAlias c\n</VirtualHost>\nListen 80\n")},
		"t/b.conf":    {Data: []byte("<Directory /x>\nRequire all granted\n</Directory>\n")},
	}
	cfg, err := Load(fsys, "/t/main.conf", LoadOptions{ServerRoot: "/t"})
	require.NoError(t, err)
	lines := func(n ast.Node) []string {
		var out []string
		for _, p := range cfg.Origin(n) {
			out = append(out, fmt.Sprintf("%s:%d", p.Filename, p.Line))
		}
		return out
	}
	vh := cfg.Body[0].(*ast.Section)
	require.Len(t, vh.Body, 3)
	dir := vh.Body[1].(*ast.Section)
	assert.Equal(t, []string{"/t/main.conf:1"}, lines(vh))
	assert.Equal(t, []string{"/t/main.conf:2"}, lines(vh.Body[0]))
	assert.Equal(t, []string{"/t/b.conf:1", "/t/main.conf:3"}, lines(dir))
	assert.Equal(t, []string{"/t/b.conf:2", "/t/main.conf:3"}, lines(dir.Body[0]))
	assert.Equal(t, []string{"/t/main.conf:4"}, lines(vh.Body[2]))
	assert.Equal(t, []string{"/t/main.conf:6"}, lines(cfg.Body[1]))
	assert.Nil(t, cfg.Origin(&ast.Directive{Name: "Elsewhere"}))
}

// Every node of a tree with includes at the top, in sections, in true
// conditionals, back to back, nested, and a macro, gets the chain of the
// file it was written in.
func TestLoadOriginEveryNode(t *testing.T) {
	fsys := fstest.MapFS{
		"t/main.conf": {Data: []byte("A 1\n<IfDefine X>\nInclude a.conf\n</IfDefine>\nB 2\nInclude a.conf\nInclude b.conf\n" +
			"<VirtualHost *:80>\nC 3\nInclude b.conf\nD 4\n</VirtualHost>\nUse M z\nE 5\n")},
		"t/a.conf": {Data: []byte("# a\nAA 1\n<Directory /a>\nInclude c.conf\nAB 2\n</Directory>\n")},
		"t/b.conf": {Data: []byte("Include c.conf\nBB 1\n<Macro M $v>\nMM $v\nInclude c.conf\n</Macro>\n")},
		"t/c.conf": {Data: []byte("CC 1\n\nCD 2\n")},
	}
	cfg, err := Load(fsys, "/t/main.conf", LoadOptions{ServerRoot: "/t", Defines: []string{"X"}, Modules: map[string]bool{"macro_module": true}})
	require.NoError(t, err)
	// Where each file was included from, as "file:line", innermost first.
	from := map[string][][]string{
		"/t/main.conf": {nil},
		"/t/a.conf":    {{"/t/main.conf:3"}, {"/t/main.conf:6"}},
		"/t/b.conf":    {{"/t/main.conf:7"}, {"/t/main.conf:10"}},
		"macro":        {{"/t/main.conf:13"}},
		"/t/c.conf": {{"/t/a.conf:4", "/t/main.conf:3"}, {"/t/a.conf:4", "/t/main.conf:6"},
			{"/t/b.conf:1", "/t/main.conf:7"}, {"/t/b.conf:1", "/t/main.conf:10"}, {"macro:2", "/t/main.conf:13"}},
	}
	count := 0
	var walk func([]ast.Node)
	walk = func(body []ast.Node) {
		for _, n := range body {
			count++
			o := cfg.Origin(n)
			require.NotEmpty(t, o)
			assert.Equal(t, n.Pos(), o[0])
			var chain []string
			for _, p := range o[1:] {
				chain = append(chain, fmt.Sprintf("%s:%d", p.Filename, p.Line))
			}
			file := n.Pos().Filename
			if strings.HasPrefix(file, "macro") {
				file = "macro"
			}
			for i := range chain {
				if strings.HasPrefix(chain[i], "macro") {
					chain[i] = "macro:" + chain[i][strings.LastIndexByte(chain[i], ':')+1:]
				}
			}
			ok := false
			for _, c := range from[file] {
				if assert.ObjectsAreEqual(c, chain) {
					ok = true
				}
			}
			assert.True(t, ok, "%s line %d: chain %v, want one of %v", file, n.Pos().Line, chain, from[file])
			if s, ok := n.(*ast.Section); ok {
				walk(s.Body)
			}
		}
	}
	walk(cfg.Body)
	assert.Greater(t, count, 20)
	// The second a.conf include is a separate copy: its nodes name line 6.
	var aa []string
	for _, d := range ast.Directives(cfg.Body) {
		if d.Name == "AA" {
			o := cfg.Origin(d)
			aa = append(aa, fmt.Sprintf("%s:%d", o[1].Filename, o[1].Line))
		}
	}
	assert.Equal(t, []string{"/t/main.conf:3", "/t/main.conf:6"}, aa)
}

// A true conditional after a spliced Include: its nodes have the chain of
// the body they are in, not the Include's (a review found this).
func TestLoadOriginConditionalAfterInclude(t *testing.T) {
	fsys := fstest.MapFS{
		"t/main.conf": {Data: []byte("<VirtualHost *:80>\nInclude a.conf\n<IfDefine X>\nFoo 1\n</IfDefine>\n</VirtualHost>\nInclude a.conf\n<IfDefine X>\nBar 1\n</IfDefine>\n")},
		"t/a.conf":    {Data: []byte("AA 1\n")},
	}
	cfg, err := Load(fsys, "/t/main.conf", LoadOptions{ServerRoot: "/t", Defines: []string{"X"}})
	require.NoError(t, err)
	for _, d := range ast.Directives(cfg.Body) {
		o := cfg.Origin(d)
		if d.Name == "AA" {
			assert.Len(t, o, 2)
			continue
		}
		assert.Equal(t, []ast.Position{d.Pos()}, o, "%s", d.Name)
	}
}

// Positions inside a macro expansion are httpd's and do not depend on
// SkipTrivia (a review found them shifted): mod_macro keeps the body's
// logical lines trimmed, drops comment lines and keeps blank ones.
// apache2 -t reports the Bogus below on line 4 of the macro, and a
// directive after a continued line one line after it.
func TestLoadMacroLinesWithoutTrivia(t *testing.T) {
	fsys := fstest.MapFS{
		"t/main.conf": {Data: []byte("<Macro M $x>\n# note\n\n  <Directory $x>\n\n  # inside\n  Bogus 1\n  </Directory>\n\nOther 2 \\\n  3\nLast 4\n</Macro>\nUse M /a\n")},
	}
	var got [2][]string
	for i, skip := range []bool{false, true} {
		cfg, err := Load(fsys, "/t/main.conf", LoadOptions{ServerRoot: "/t", SkipTrivia: skip, Modules: map[string]bool{"macro_module": true}})
		require.NoError(t, err)
		ast.Inspect(cfg.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Directive:
				got[i] = append(got[i], fmt.Sprintf("%s %d:%d", n.Name, n.Pos().Line, n.Pos().Column))
			case *ast.Section:
				got[i] = append(got[i], fmt.Sprintf("<%s %d:%d close %d", n.Name, n.Pos().Line, n.Pos().Column, n.CloseAt.Line()))
			}
			return true
		})
	}
	assert.Equal(t, []string{"<Directory 2:1 close 5", "Bogus 4:1", "Other 7:1", "Last 8:1"}, got[0])
	assert.Equal(t, got[0], got[1])
}

// After ${VAR} the arguments keep the positions of the words written when
// they correspond one for one; when a value split into several words no
// argument claims a word (a review found b placed on c).
func TestLoadArgPosAfterSubstitution(t *testing.T) {
	fsys := fstest.MapFS{
		"t/main.conf": {Data: []byte("Define V \"a b\"\nDefine D /logs\nFoo ${V} c\nErrorLog  ${D}/e.log\n")},
	}
	cfg, err := Load(fsys, "/t/main.conf", LoadOptions{ServerRoot: "/t"})
	require.NoError(t, err)
	ds := ast.Directives(cfg.Body)
	require.Len(t, ds, 2)
	foo, elog := ds[0], ds[1]
	assert.Equal(t, []string{"a", "b", "c"}, foo.Values())
	for i := range foo.Args {
		assert.Equal(t, foo.Pos(), foo.ArgPos(i), "argument %d", i)
	}
	assert.Equal(t, []string{"/logs/e.log"}, elog.Values())
	assert.Equal(t, 11, elog.ArgPos(0).Column, "the written word ${D}/e.log")
}

func TestLoadSkipTrivia(t *testing.T) {
	fsys := fstest.MapFS{
		"t/main.conf": {Data: []byte("# main\nInclude b.conf\n\nListen 80\n")},
		"t/b.conf":    {Data: []byte("\n# b\n<Macro M $x>\n# in macro\nServerName $x\n</Macro>\nUse M a\n")},
	}
	cfg, err := Load(fsys, "/t/main.conf", LoadOptions{ServerRoot: "/t", SkipTrivia: true, Modules: map[string]bool{"macro_module": true}})
	require.NoError(t, err)
	var names []string
	for _, n := range cfg.Body {
		d, ok := n.(*ast.Directive)
		require.True(t, ok, "%T", n)
		names = append(names, d.Name)
	}
	assert.Equal(t, []string{"ServerName", "Listen"}, names)
	o := cfg.Origin(cfg.Body[0])
	require.Len(t, o, 3)
	assert.Equal(t, "/t/b.conf", o[1].Filename)
	assert.Equal(t, 7, o[1].Line)
	assert.Equal(t, "/t/main.conf", cfg.Origin(cfg.Body[1])[0].Filename)
}

func TestLoadWarningsAndHooks(t *testing.T) {
	fsys := fstest.MapFS{
		"t/main.conf": {Data: []byte("ServerName ${NOPE}\n<IfDirective ServerName>\nA\n</IfDirective>\n<IfSection VirtualHost>\nB\n</IfSection>\n<IfDirective !Nope>\nC\n</IfDirective>\nServerRoot /u\nInclude x.conf\n")},
		"u/x.conf":    {Data: []byte("D\n")},
	}
	known := map[string]bool{"servername": true, "<virtualhost": true}
	cfg, err := Load(fsys, "/t/main.conf", LoadOptions{ServerRoot: "/t", KnownDirective: func(n string) bool { return known[strings.ToLower(n)] }})
	require.NoError(t, err)
	assert.Equal(t, []string{"ServerName ${NOPE}", "A", "B", "C", "ServerRoot /u", "D"}, flatten(cfg.Body))
	require.Len(t, cfg.Warnings, 1)
	assert.Equal(t, "Config variable ${NOPE} is not defined", cfg.Warnings[0].Msg)
}

func TestLoadDropped(t *testing.T) {
	fsys := fstest.MapFS{
		"t/main.conf": {Data: []byte("Include b.conf\n")},
		"t/b.conf":    {Data: []byte("<IfDefine X>\nA\n</IfDefine>\n<IfModule !mod_ssl.c>\nB\n</IfModule>\n")},
	}
	cfg, err := Load(fsys, "/t/main.conf", LoadOptions{ServerRoot: "/t"})
	require.NoError(t, err)
	assert.Equal(t, []string{"B"}, flatten(cfg.Body))
	require.Len(t, cfg.Dropped, 1)
	assert.Equal(t, "IfDefine", cfg.Dropped[0].Section.Name)
	require.Len(t, cfg.Dropped[0].Origin, 2)
	assert.Equal(t, "/t/b.conf", cfg.Dropped[0].Origin[0].Filename)
	assert.Equal(t, "/t/main.conf", cfg.Dropped[0].Origin[1].Filename)
}

func TestLoadErrorChain(t *testing.T) {
	fsys := fstest.MapFS{
		"t/main.conf": {Data: []byte("\nInclude b.conf\n")},
		"t/b.conf":    {Data: []byte("Include nope.conf\n")},
	}
	_, err := Load(fsys, "/t/main.conf", LoadOptions{ServerRoot: "/t"})
	var el ErrorList
	require.ErrorAs(t, err, &el)
	require.Len(t, el, 1)
	assert.Equal(t, "/t/b.conf", el[0].Pos.Filename)
	require.Len(t, el[0].Chain, 1)
	assert.Equal(t, 2, el[0].Chain[0].Line)
}

// TestWriteIncludesQuirk: httpd prints the line of the last Include it
// executed, so b.conf shows line 1 (a.conf's Include), not 3. Recorded
// from apache2 2.4.71 -t -D DUMP_INCLUDES.
func TestWriteIncludesQuirk(t *testing.T) {
	fsys := fstest.MapFS{
		"t/g.conf":   {Data: []byte("\n\nInclude /t/g/*.conf\n")},
		"t/g/a.conf": {Data: []byte("Include /t/x.inc\n")},
		"t/g/b.conf": {Data: []byte("\n")},
		"t/x.inc":    {Data: []byte("\n")},
	}
	cfg, err := Load(fsys, "/t/g.conf", LoadOptions{})
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, WriteIncludes(&b, cfg.Files))
	assert.Equal(t, `Included configuration files:
  (*) /t/g.conf
    (3) /t/g/a.conf
      (1) /t/x.inc
    (1) /t/g/b.conf
`, b.String())
	assert.Equal(t, 3, cfg.Files[3].Line)
}

// TestLoadDebian compares the files we read for Debian's stock
// configuration with apache2 -t -D DUMP_INCLUDES.
func TestLoadDebian(t *testing.T) {
	apache, err := exec.LookPath("apache2")
	if err != nil {
		t.Skip("apache2 not installed")
	}
	if _, err := os.Stat("/etc/apache2/apache2.conf"); err != nil {
		t.Skip("no /etc/apache2")
	}
	out, err := exec.Command("sh", "-c", ". /etc/apache2/envvars && env | grep ^APACHE_ ; "+apache+" -t -D DUMP_INCLUDES 2>/dev/null").Output()
	require.NoError(t, err)
	env := map[string]string{}
	var want []string
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && strings.HasPrefix(line, "APACHE_") {
			env[k] = v
			continue
		}
		if strings.HasPrefix(line, "  ") {
			want = append(want, line)
		}
	}
	cfg, _ := Load(os.DirFS("/"), "/etc/apache2/apache2.conf", LoadOptions{Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	var b strings.Builder
	require.NoError(t, WriteIncludes(&b, cfg.Files))
	got := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")[1:]
	assert.Equal(t, want, got)
	t.Logf("%d files agree", len(got))
}

func FuzzLoad(f *testing.F) {
	for _, c := range loadCases {
		f.Add(c.files["main.conf"], c.files["b.conf"])
	}
	f.Fuzz(func(t *testing.T, main, b string) {
		fsys := fstest.MapFS{
			"t/main.conf": {Data: []byte(main)},
			"t/b.conf":    {Data: []byte(b)},
			"t/c/x.conf":  {Data: []byte(b)},
		}
		for _, skip := range []bool{false, true} {
			cfg, _ := Load(fsys, "main.conf", LoadOptions{ServerRoot: "/t", SkipTrivia: skip, Modules: map[string]bool{"macro_module": true, "version_module": true}})
			if cfg == nil {
				t.Fatal("nil result")
			}
			// Bodies are filtered in place: no hole, no node twice, and
			// every node knows where it came from.
			seen := map[ast.Node]bool{}
			ast.Inspect(cfg.Body, func(n ast.Node) bool {
				if n == nil {
					t.Fatal("nil node in the loaded tree")
				}
				if seen[n] {
					t.Fatalf("%T at %v appears twice", n, n.Pos())
				}
				seen[n] = true
				o := cfg.Origin(n)
				if len(o) == 0 || o[0] != n.Pos() {
					t.Fatalf("Origin(%v) = %v", n.Pos(), o)
				}
				return true
			})
		}
	})
}

// LoadOptions.Version replaces the default for another server.
func TestLoadVersionOption(t *testing.T) {
	fsys := fstest.MapFS{"main.conf": {Data: []byte("<IfVersion < 2.4.50>\nOld\n</IfVersion>\n<IfVersion >= 2.4.50>\nNew\n</IfVersion>\n")}}
	for _, tc := range []struct{ version, want string }{{"", "New"}, {"2.4.41", "Old"}, {"2.4.62", "New"}} {
		l, err := Load(fsys, "/main.conf", LoadOptions{Version: tc.version})
		require.NoError(t, err)
		require.Len(t, l.Body, 1, tc.version)
		assert.Equal(t, tc.want, l.Body[0].(*ast.Directive).Name, tc.version)
	}
	assert.Regexp(t, `^2\.4\.\d+$`, DefaultVersion)
}

// DefineOrder is httpd's order of the defines (what apache2 -S prints):
// -D names, then Define's where first defined, less UnDefine's.
func TestLoadDefineOrder(t *testing.T) {
	fsys := fstest.MapFS{"main.conf": {Data: []byte("Define B 1\nDefine A\nDefine C\nUnDefine A\nDefine B 2\nDefine A\n")}}
	l, err := Load(fsys, "/main.conf", LoadOptions{Defines: []string{"X", "B"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"X", "B", "C", "A"}, l.DefineOrder)
	assert.Equal(t, "2", l.Vars["b"])
}

// A file the loader could not read comes back as an Error that wraps the
// fs error, at the Include's position, with httpd's words; an error with
// no fs cause (no wildcard match) wraps nothing.
func TestLoadUnreadableWrapsFSError(t *testing.T) {
	fsys := fstest.MapFS{
		"t/main.conf":  {Data: []byte("ServerName x\nInclude missing.conf\n")},
		"t/glob.conf":  {Data: []byte("Include nodir/*.conf\n")},
		"t/empty.conf": {Data: []byte("Include empty/*.conf\n")},
		"t/empty/x":    {Data: []byte("")},
	}
	cases := []struct {
		name, main, pos, msg string
		notExist             bool
	}{
		{"main file", "/t/nope.conf", "", "Could not open configuration file /t/nope.conf: No such file or directory", true},
		{"include", "/t/main.conf", "/t/main.conf:2:1", "Could not open configuration file /t/missing.conf: No such file or directory", true},
		{"glob directory", "/t/glob.conf", "/t/glob.conf:1:1", "Include/IncludeOptional: Could not open directory /t/nodir: No such file or directory", true},
		{"no match", "/t/empty.conf", "/t/empty.conf:1:1", "Include/IncludeOptional: No matches for the wildcard '*.conf' in '/t/empty', failing", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(fsys, c.main, LoadOptions{ServerRoot: "/t"})
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, c.msg, e.Msg)
			if c.pos != "" {
				assert.Equal(t, c.pos, e.Pos.String())
			} else {
				assert.Equal(t, ast.Position{}, e.Pos)
			}
			assert.Equal(t, c.notExist, errors.Is(err, fs.ErrNotExist))
			assert.Equal(t, c.notExist, e.Err != nil)
		})
	}
}

func TestModuleSource(t *testing.T) {
	for id, want := range map[string]string{
		"ssl_module":       "mod_ssl.c",
		"mpm_event_module": "event.c",
		"mod_ssl.c":        "mod_ssl.c",
		"wsgi_module":      "mod_wsgi.c",
	} {
		assert.Equal(t, want, ModuleSource(id), id)
	}
}
