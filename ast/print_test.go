package ast_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

const sample = `# Main
Listen 80

<VirtualHost *:80>
	ServerName "a.example"
	DocumentRoot /srv/a
	Options +Indexes \
	        -FollowSymLinks
	<Directory /srv/a>
		Require all granted
	</Directory>
</VirtualHost>
`

func parse(t *testing.T, src string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile("t.conf", []byte(src))
	require.NoError(t, err)
	return f
}

func print(t *testing.T, f *ast.File) string {
	t.Helper()
	out, err := ast.Format(f)
	require.NoError(t, err)
	return string(out)
}

func vhost(f *ast.File) *ast.Section { return f.Body[3].(*ast.Section) }

func TestPrintEdits(t *testing.T) {
	tests := []struct {
		name string
		src  string
		edit func(f *ast.File)
		want string
	}{
		{"unchanged", sample, func(*ast.File) {}, sample},
		{"set arg keeps quotes and indent", sample, func(f *ast.File) {
			vhost(f).Body[0].(*ast.Directive).Args[0].Value = "b.example"
		}, strings.Replace(sample, `"a.example"`, `"b.example"`, 1)},
		{"edited value keeps the column it was aligned to", "StartServers\t\t 2\nMinSpareThreads  25\n", func(f *ast.File) {
			f.Body[0].(*ast.Directive).SetArgs("3")
			f.Body[1].(*ast.Directive).SetArgs("10", "x")
		}, "StartServers\t\t 3\nMinSpareThreads  10 x\n"},
		{"arg with space gets quoted", sample, func(f *ast.File) {
			vhost(f).Body[1].(*ast.Directive).Args[0].Value = "/srv/my site"
		}, strings.Replace(sample, "DocumentRoot /srv/a", `DocumentRoot "/srv/my site"`, 1)},
		{"rename directive", sample, func(f *ast.File) {
			f.Body[1].(*ast.Directive).Name = "LISTEN"
		}, strings.Replace(sample, "Listen 80", "LISTEN 80", 1)},
		{"edit continued line joins it", sample, func(f *ast.File) {
			d := vhost(f).Body[2].(*ast.Directive)
			d.Args = append(d.Args, ast.NewArgs("+ExecCGI")...)
		}, strings.Replace(sample, "Options +Indexes \\\n\t        -FollowSymLinks", "Options +Indexes -FollowSymLinks +ExecCGI", 1)},
		{"append directive indents like siblings", sample, func(f *ast.File) {
			v := vhost(f)
			v.Body = append(v.Body, &ast.Directive{Name: "SetEnv", Args: ast.NewArgs("PROCESS_GROUP", "bob:1")})
		}, strings.Replace(sample, "\t</Directory>\n", "\t</Directory>\n\tSetEnv PROCESS_GROUP bob:1\n", 1)},
		{"new section nests with the file's unit", sample, func(f *ast.File) {
			sec := &ast.Section{Name: "Location", Args: ast.NewArgs("/x"), Body: []ast.Node{
				&ast.Directive{Name: "Require", Args: ast.NewArgs("all", "denied")},
			}}
			v := vhost(f)
			v.Body = append(v.Body, sec)
		}, strings.Replace(sample, "\t</Directory>\n", "\t</Directory>\n\t<Location /x>\n\t\tRequire all denied\n\t</Location>\n", 1)},
		{"delete directive", sample, func(f *ast.File) {
			v := vhost(f)
			v.Body = append(v.Body[:1], v.Body[2:]...)
		}, strings.Replace(sample, "\tDocumentRoot /srv/a\n", "", 1)},
		{"rename section renames close tag", sample, func(f *ast.File) {
			d := vhost(f).Body[3].(*ast.Section)
			d.Name = "DirectoryMatch"
			d.Args[0].Value = "^/srv/a$"
		}, strings.Replace(strings.Replace(sample, "<Directory /srv/a>", `<DirectoryMatch ^/srv/a$>`, 1), "</Directory>", "</DirectoryMatch>", 1)},
		{"comment edit", sample, func(f *ast.File) {
			f.Body[0].(*ast.Comment).Text = " Changed"
		}, strings.Replace(sample, "# Main", "# Changed", 1)},
		{"crlf file keeps crlf", "Listen 80\r\n<Directory /x>\r\n  Options None\r\n</Directory>\r\n", func(f *ast.File) {
			s := f.Body[1].(*ast.Section)
			s.Body = append(s.Body, &ast.Directive{Name: "AllowOverride", Args: ast.NewArgs("None")})
		}, "Listen 80\r\n<Directory /x>\r\n  Options None\r\n  AllowOverride None\r\n</Directory>\r\n"},
		{"append after last line without newline", "Listen 80", func(f *ast.File) {
			f.Body = append(f.Body, &ast.Directive{Name: "Listen", Args: ast.NewArgs("443")})
		}, "Listen 80\nListen 443\n"},
		{"edited arg value with quote char switches quotes", "Header set X \"a\"\n", func(f *ast.File) {
			f.Body[0].(*ast.Directive).Args[2] = ast.Arg{Value: `say "hi"`}
		}, "Header set X 'say \"hi\"'\n"},
		{"new top-level section in empty file", "", func(f *ast.File) {
			f.Body = append(f.Body, &ast.Section{Name: "IfModule", Args: ast.NewArgs("mod_wsgi.c"), Body: []ast.Node{
				&ast.Directive{Name: "WSGIRestrictProcess", Args: ast.NewArgs("bob:1", "bob:2")},
				&ast.Blank{},
				&ast.Comment{Text: " note"},
			}})
		}, "<IfModule mod_wsgi.c>\n    WSGIRestrictProcess bob:1 bob:2\n\n    # note\n</IfModule>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parse(t, tt.src)
			tt.edit(f)
			assert.Equal(t, tt.want, print(t, f))
			// The result parses back to the same tree.
			g := parse(t, tt.want)
			assert.Equal(t, tt.want, print(t, g))
		})
	}
}

func TestPrintRejectsUnwritableValues(t *testing.T) {
	f := parse(t, "Define a 1\n")
	f.Body[0].(*ast.Directive).Args[1].Value = "two\nlines"
	_, err := ast.Format(f)
	var pe *ast.PrintError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 1, pe.Pos.Line)
	assert.Contains(t, pe.Msg, "line feed")

	// A node built by code has no position: the message names the
	// directive instead of printing "-".
	v := ast.NewSection("VirtualHost", "*:80")
	ast.Set(v, "ServerAlias", "two\nlines")
	_, err = ast.Format(ast.NewFile("new.conf", v))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, `ServerAlias: argument "two\nlines" holds a line feed or NUL byte, which no config file can hold`, err.Error())
}

func TestReformat(t *testing.T) {
	src := "<VirtualHost *:80>\nServerName a   \n      <Directory /x>   \n  Options None\n \t\n</Directory>\n  # c\n</VirtualHost>\nDefine x \\ \n"
	want := "<VirtualHost *:80>\n    ServerName a\n    <Directory /x>\n        Options None\n\n    </Directory>\n    # c\n</VirtualHost>\nDefine x \\ \n"
	f := parse(t, src)
	ast.Reformat(f, "")
	assert.Equal(t, want, print(t, f))
	// Reformatting is idempotent and keeps the tree.
	g := parse(t, want)
	ast.Reformat(g, "")
	assert.Equal(t, want, print(t, g))
}

func TestEndPositions(t *testing.T) {
	f := parse(t, "Listen 80\n<Directory /x>\n  Options a \\\n   b\n</Directory>\n")
	assert.Equal(t, ast.Position{Filename: "t.conf", Offset: 10, Line: 2, Column: 1}, f.Body[0].End())
	s := f.Body[1].(*ast.Section)
	opt := s.Body[0].(*ast.Directive)
	assert.Equal(t, 5, opt.End().Line)
	assert.Equal(t, 4, opt.ArgPos(1).Line)
	assert.Equal(t, 4, opt.ArgPos(1).Column)
	assert.Equal(t, ast.Position{Filename: "t.conf", Offset: 57, Line: 6, Column: 1}, s.End())
}

// TestJSONRoundTrip: File → JSON → File prints the original bytes and
// keeps positions, on Debian's files and on edge cases.
func TestJSONRoundTrip(t *testing.T) {
	srcs := map[string]string{
		"sample":        sample,
		"crlf":          "Listen 80\r\n<Directory /x>\r\n</Directory>\r\n",
		"unclosed":      "<Directory /x>\nOptions None",
		"stray":         "</Directory>\n",
		"continuations": "Define \\\n  a \"b \\\n c\"\n",
		"nul":           "Define a x\x00y\nDefine b 2\n",
	}
	if files, _ := filepath.Glob("/etc/apache2/*/*.conf"); len(files) > 0 {
		for _, p := range files {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			srcs[p] = string(b)
		}
	}
	for name, src := range srcs {
		f, _ := parser.ParseFile(name, []byte(src))
		data, err := json.Marshal(f)
		require.NoError(t, err, name)
		var g ast.File
		require.NoError(t, json.Unmarshal(data, &g), name)
		assert.Equal(t, src, print(t, &g), name)
		assert.Equal(t, f, &g, "%s: the decoded tree equals the parsed one", name)
	}
}

func TestJSONShape(t *testing.T) {
	f := parse(t, "Listen 80\n")
	data, err := json.Marshal(f)
	require.NoError(t, err)
	assert.JSONEq(t, `{"file":"t.conf","eol":"\n","parsed":[
		{"type":"directive","directive":"Listen","args":["80"],"line":1,"column":1,"offset":0,"raw":"Listen 80\n"}]}`, string(data))
}

func TestWalkAndInspect(t *testing.T) {
	f := parse(t, sample)
	var names []string
	ast.Walk(f.Body, func(n ast.Node, parents []*ast.Section) bool {
		if d, ok := n.(*ast.Directive); ok {
			path := ""
			for _, p := range parents {
				path += p.Name + "/"
			}
			names = append(names, path+d.Canonical())
		}
		return true
	})
	assert.Equal(t, []string{"listen", "VirtualHost/servername", "VirtualHost/documentroot", "VirtualHost/options",
		"VirtualHost/Directory/require"}, names)
	assert.Len(t, ast.Directives(f.Body), 5)
	n := 0
	ast.Inspect(f.Body, func(n2 ast.Node) bool { n++; _, isSec := n2.(*ast.Section); return !isSec })
	assert.Equal(t, 4, n, "returning false skips a section's body")
}
