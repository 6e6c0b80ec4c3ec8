package parser_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// Each limit yields a positioned error, keeps the offending bytes (the
// tree still prints back exactly) and lets parsing go on.
func TestLimits(t *testing.T) {
	deep := strings.Repeat("<IfDefine x>\n", 6) + "Define a 1\n" + strings.Repeat("</IfDefine>\n", 6)
	tests := []struct {
		name    string
		cfg     parser.Config
		src     string
		errs    []string
		wantDir int // directives parsed despite the error
	}{
		{"line too long", parser.Config{MaxLineLength: 100}, "Define a " + strings.Repeat("x", 200) + "\nDefine b 2\n",
			[]string{"1:1: line too long (more than 100 bytes)"}, 1},
		{"continued line too long", parser.Config{MaxLineLength: 100}, "Define a \\\n" + strings.Repeat("x\\\n", 120) + "x\nDefine b 2\n",
			[]string{"1:1: line too long (more than 100 bytes)"}, 1},
		{".htaccess line limit is httpd's 8192", parser.Config{HTAccess: true}, "SetEnv A " + strings.Repeat("x", 9000) + "\n",
			[]string{"1:1: line too long (more than 8192 bytes)"}, 0},
		{"config line limit is httpd's 16 MiB", parser.Config{}, "SetEnv A " + strings.Repeat("x", 9000) + "\n", nil, 1},
		{"nesting too deep", parser.Config{MaxDepth: 4}, deep,
			[]string{"5:1: <IfDefine> is nested more than 4 sections deep", "6:1: <IfDefine> is nested more than 4 sections deep",
				"12:1: </IfDefine> without matching <IfDefine> section", "13:1: </IfDefine> without matching <IfDefine> section"}, 1},
		{"file too large", parser.Config{MaxFileSize: 10}, "Define a 1\nDefine b 2\n",
			[]string{"1:1: file too large: 22 bytes (the limit is 10)"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := tt.cfg.ParseFile("t.conf", []byte(tt.src))
			require.NotNil(t, f)
			var got []string
			if err != nil {
				for _, e := range err.(parser.ErrorList) {
					got = append(got, strings.TrimPrefix(e.Error(), "t.conf:"))
				}
			}
			assert.Equal(t, tt.errs, got)
			assert.Len(t, ast.Directives(f.Body), tt.wantDir)
			out, perr := ast.Format(f)
			require.NoError(t, perr)
			assert.Equal(t, tt.src, string(out), "lossless despite the error")
		})
	}
}

// A line the parser did not read is a Bad placed like every node: past
// its indentation, and ending where its source ends.
func TestUnreadLinePosition(t *testing.T) {
	src := "Define a 1\n  \\\n\t" + strings.Repeat("x", 200) + "\nDefine b 2\n"
	f, err := parser.Config{MaxLineLength: 100}.ParseString("t.conf", src)
	require.Error(t, err)
	bad := f.Body[1].(*ast.Bad)
	assert.Equal(t, "  \\\n\t", bad.Indent())
	assert.Equal(t, ast.Position{Filename: "t.conf", Offset: 16, Line: 3, Column: 2}, bad.Pos())
	assert.Equal(t, strings.Index(src, "Define b"), bad.End().Offset)

	// A blank line over the limit keeps its place: its indentation stops
	// at its line end.
	blank := strings.Repeat(" ", 50) + "\nD x\n"
	f, err = parser.Config{MaxLineLength: 40}.ParseString("t.conf", blank)
	require.Error(t, err)
	bad = f.Body[0].(*ast.Bad)
	assert.Equal(t, 1, bad.Pos().Line)
	assert.Equal(t, 51, bad.End().Offset)
	assert.Equal(t, strings.Repeat(" ", 50), bad.Indent())

	// So does a file over the size limit that starts with blank lines,
	// and Reformat leaves its unread text alone but for trailing space.
	big := "\n\n  # c\nFoo bar\n"
	f, err = parser.Config{MaxFileSize: 5}.ParseString("t.conf", big)
	require.Error(t, err)
	bad = f.Body[0].(*ast.Bad)
	assert.Equal(t, ast.Position{Filename: "t.conf", Line: 1, Column: 1}, bad.Pos())
	assert.Equal(t, len(big), bad.End().Offset)
	ast.Reformat(f, "  ")
	out, err := ast.Format(f)
	require.NoError(t, err)
	assert.Equal(t, big, string(out))
}

// A pathological nesting depth is bounded in time and stack.
func TestDeepNestingIsCheap(t *testing.T) {
	src := strings.Repeat("<Directory /x>\n", 100000) + strings.Repeat("</Directory>\n", 100000)
	start := time.Now()
	f, err := parser.ParseFile("deep.conf", []byte(src))
	require.Error(t, err)
	assert.Less(t, time.Since(start), 5*time.Second)
	out, perr := ast.Format(f)
	require.NoError(t, perr)
	assert.Equal(t, src, string(out))
}

// Every problem is reported, in order, not just the first.
func TestReportsEveryError(t *testing.T) {
	src := "<Directory /a\n</Directory>\n</Files>\n<Location /x>\n</LocationMatch>\n<If \"true\">\n"
	_, err := parser.ParseFile("e.conf", []byte(src))
	var list parser.ErrorList
	require.ErrorAs(t, err, &list)
	var msgs []string
	for _, e := range list {
		msgs = append(msgs, e.Error())
	}
	assert.Equal(t, []string{
		"e.conf:1:1: <Directory> directive missing closing '>'",
		"e.conf:3:1: </Files> without matching <Files> section",
		"e.conf:5:1: Expected </Location> but saw </LocationMatch>",
		"e.conf:6:1: <If> was not closed.",
	}, msgs)
	var one *parser.Error
	require.ErrorAs(t, err, &one, "errors.As reaches each positioned error")
	assert.Equal(t, 1, one.Pos.Line)
}
