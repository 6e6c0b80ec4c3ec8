package parser_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// roundTripFiles lists the files whose printed form must equal their bytes.
func roundTripFiles(t *testing.T, root string, match func(path string) bool) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && match(path) {
			out = append(out, path)
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

func assertRoundTrip(t *testing.T, path string, htaccess bool) {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	f, err := parser.Config{HTAccess: htaccess}.ParseFile(path, src)
	require.NoError(t, err, "%s must parse cleanly", path)
	out, err := ast.Format(f)
	require.NoError(t, err)
	assert.Equal(t, string(src), string(out), "%s must print back byte for byte", path)
	if msg := argPositionProblem(src, f); msg != "" {
		t.Errorf("%s: %s", path, msg)
	}
}

// argPositionProblem checks that every argument's position (ArgPos)
// points at its raw text in src and that its line and column agree with
// its offset; it describes the first disagreement.
func argPositionProblem(src []byte, f *ast.File) string {
	var msg string
	check := func(args []ast.Arg, pos []ast.Position) {
		for i, a := range args {
			p := pos[i]
			// A word may run over a continuation: compare logical text.
			if p.Offset < 0 || p.Offset > len(src) || !strings.HasPrefix(ast.JoinContinuations(string(src[p.Offset:])), a.Raw) {
				msg = fmt.Sprintf("argument %d %q placed at %v, where the source does not hold it", i, a.Raw, p)
				return
			}
			line := 1 + strings.Count(string(src[:p.Offset]), "\n")
			col := p.Offset - strings.LastIndexByte(string(src[:p.Offset]), '\n')
			if p.Line != line || p.Column != col {
				msg = fmt.Sprintf("argument %d %q at offset %d is %d:%d, not %v", i, a.Raw, p.Offset, line, col, p)
				return
			}
		}
	}
	ast.Inspect(f.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Directive:
			check(n.Args, n.ArgPositions())
		case *ast.Section:
			check(n.Args, n.ArgPositions())
		}
		return msg == ""
	})
	return msg
}

func TestArgPositions(t *testing.T) {
	cases := map[string]string{
		"plain":        "Listen 80\nServerName a.example\n",
		"indented":     "<VirtualHost *:80 [::1]:81>\n\tServerAlias  b  'c d'  \"e\\\"f\"\n</VirtualHost>\n",
		"continuation": "Options a \\\n   b \\\r\n\tc\nListen 1\n",
		"crlf":         "Listen 80\r\n<Directory \"/x y\">\r\nRequire all granted\r\n</Directory>\r\n",
		"quoted name":  "\"Listen\" 80 81\n",
		"nul":          "Listen 80 \x00 81\nListen 82\n",
		"bad":          "<Directory\nListen 80\n</Directory>\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			f, _ := parser.ParseFile("t.conf", []byte(src))
			require.NotNil(t, f)
			assert.Empty(t, argPositionProblem([]byte(src), f))
		})
	}
	f, err := parser.ParseFile("t.conf", []byte("Options a \\\n   b\n"))
	require.NoError(t, err)
	d := f.Body[0].(*ast.Directive)
	assert.Equal(t, ast.Position{Filename: "t.conf", Offset: 8, Line: 1, Column: 9}, d.ArgPos(0))
	assert.Equal(t, ast.Position{Filename: "t.conf", Offset: 15, Line: 2, Column: 4}, d.ArgPos(1))
	// Past the words, and for nodes built by code: the node's position.
	assert.Equal(t, d.Pos(), d.ArgPos(2))
	built := &ast.Directive{Name: "Listen", Args: ast.NewArgs("80")}
	assert.False(t, built.ArgPos(0).IsValid())
}

func TestRoundTripDebian(t *testing.T) {
	if _, err := os.Stat("/etc/apache2/apache2.conf"); err != nil {
		t.Skip("Debian's /etc/apache2 is absent: apt-get install apache2 libapache2-mod-wsgi-py3 to run this test")
	}
	files := roundTripFiles(t, "/etc/apache2", func(p string) bool { return strings.HasSuffix(p, ".conf") })
	require.NotEmpty(t, files)
	for _, p := range files {
		assertRoundTrip(t, p, false)
	}
	t.Logf("%d Debian files round-trip", len(files))
}

func TestRoundTripOracleCases(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "oracle", "cases")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("%s is absent", root)
	}
	files := roundTripFiles(t, root, func(p string) bool {
		return filepath.Base(p) == "site.conf" || filepath.Base(p) == ".htaccess"
	})
	require.NotEmpty(t, files)
	for _, p := range files {
		assertRoundTrip(t, p, filepath.Base(p) == ".htaccess")
	}
}

// SkipTrivia leaves out comments and blank lines and nothing else: the
// other nodes, their positions and arguments are those of a full parse.
func TestSkipTrivia(t *testing.T) {
	src := "# head\n\nListen 80\n<VirtualHost *:80>\n  # inside\n\n  ServerName a \\\n    b\n</VirtualHost>\n   \n#tail"
	full, err := parser.ParseFile("t.conf", []byte(src))
	require.NoError(t, err)
	lean, err := parser.Config{SkipTrivia: true}.ParseString("t.conf", src)
	require.NoError(t, err)
	var want []ast.Node
	ast.Inspect(full.Body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.Directive, *ast.Section:
			want = append(want, n)
		}
		return true
	})
	var got []ast.Node
	ast.Inspect(lean.Body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.Comment, *ast.Blank:
			t.Errorf("trivia kept: %#v", n)
		}
		got = append(got, n)
		return true
	})
	require.Len(t, got, len(want))
	for i := range want {
		switch w := want[i].(type) {
		case *ast.Directive:
			g := got[i].(*ast.Directive)
			assert.Equal(t, w.Pos(), g.Pos())
			assert.Equal(t, w.Values(), g.Values())
			assert.Equal(t, w.ArgPositions(), g.ArgPositions())
		case *ast.Section:
			g := got[i].(*ast.Section)
			assert.Equal(t, w.Pos(), g.Pos())
			assert.Equal(t, w.CloseAt.Position(), g.CloseAt.Position())
			assert.Len(t, g.Body, 1)
		}
	}
	// KeepComment keeps the comments it accepts, where they were.
	kept, err := parser.Config{SkipTrivia: true, KeepComment: func(text string) bool { return strings.HasPrefix(text, " inside") }}.ParseString("t.conf", src)
	require.NoError(t, err)
	vh := kept.Body[1].(*ast.Section)
	require.Len(t, vh.Body, 2)
	assert.Equal(t, " inside", vh.Body[0].(*ast.Comment).Text)
	assert.Len(t, kept.Body, 2, "the other comments and blank lines are left out")
	// Only trivia: an empty tree, no error.
	f, err := parser.Config{SkipTrivia: true}.ParseString("t.conf", "# a\n\n# b\n")
	require.NoError(t, err)
	assert.Empty(t, f.Body)
}
