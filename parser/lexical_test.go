package parser_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

var recordHTTPD = flag.Bool("record-httpd", false, "re-record testdata/lexical_httpd.json with the real apache2")

// lexCase is one lexical edge case. tree is our parse, summarised (see
// summarize); errs our error messages. The httpd outcome for src lives in
// testdata/lexical_httpd.json, written by apache2 itself (-record-httpd),
// and is re-checked against the binary whenever apache2 is installed.
type lexCase struct {
	name string
	src  string
	tree string
	errs []string
	// semantic marks cases httpd rejects for a reason beyond syntax
	// (unknown directive, argument count): our parser accepts them, the
	// registry's checks report them.
	semantic bool
}

var lexCases = []lexCase{
	{name: "simple", src: "Define a 1\n", tree: "Define a|1"},
	{name: "tabs-between-words", src: "Define\ta\t\t1\n", tree: "Define a|1"},
	{name: "leading-whitespace", src: "   \tDefine a 1\n", tree: "Define a|1"},
	{name: "trailing-whitespace", src: "Define a 1 \t \n", tree: "Define a|1"},
	{name: "crlf", src: "Define a 1\r\nDefine b 2\r\n", tree: "Define a|1; Define b|2"},
	{name: "no-final-newline", src: "Define a 1\nDefine b 2", tree: "Define a|1; Define b|2"},
	{name: "continuation-between-args", src: "Define a \\\n1\n", tree: "Define a|1"},
	{name: "continuation-inside-name", src: "Def\\\nine a 1\n", tree: "Define a|1"},
	{name: "continuation-inside-value", src: "Define a x\\\ny\n", tree: "Define a|xy"},
	{name: "continuation-crlf", src: "Define a x\\\r\ny\r\n", tree: "Define a|xy"},
	{name: "continuation-three-lines", src: "Define \\\na \\\n  1\n", tree: "Define a|1"},
	{name: "continuation-indented-next", src: "Define a\\\n    1\n", tree: "Define a|1"},
	{name: "continuation-at-eof", src: "Define a 1\\\n", tree: "Define a|1"},
	{name: "backslash-at-eof-no-newline", src: "Define a 1\\", tree: "Define a|1\\"},
	{name: "backslash-then-space-is-not-continuation", src: "Define a b\\ \nDefine c d\n", tree: "Define a|b\\; Define c|d"},
	{name: "comment-continues", src: "# comment \\\nDefine a 1\nDefine b 2\n", tree: "#; Define b|2"},
	{name: "only-backslash-line", src: "\\\nDefine a 1\n", tree: "Define a|1"},
	{name: "double-backslash-unquoted", src: "Define a x\\\\y\n", tree: "Define a|x\\y"},
	{name: "four-backslashes-unquoted", src: "Define a \\\\\\\\x\n", tree: "Define a|\\\\x"},
	{name: "single-backslash-unquoted", src: "Define a x\\y\n", tree: "Define a|x\\y"},
	{name: "double-backslash-at-eol-continues", src: "Define a x\\\\\nDefine b 2\n", tree: "Define a|x\\Define|b|2", semantic: true},
	{name: "double-quoted", src: "Define a \"x y\"\n", tree: "Define a|x y"},
	{name: "single-quoted", src: "Define a 'x y'\n", tree: "Define a|x y"},
	{name: "escaped-double-quote", src: "Define a \"x\\\"y\"\n", tree: "Define a|x\"y"},
	{name: "escaped-single-quote", src: "Define a 'x\\'y'\n", tree: "Define a|x'y"},
	{name: "escaped-backslash-in-quotes", src: "Define a \"x\\\\y\"\n", tree: "Define a|x\\y"},
	{name: "other-escape-in-quotes-is-literal", src: "Define a \"x\\ny\"\n", tree: "Define a|x\\ny"},
	{name: "other-quote-inside", src: "Define a \"it's\"\n", tree: "Define a|it's"},
	{name: "empty-quoted-value", src: "Define a \"\"\n", tree: "Define a|"},
	{name: "empty-single-quoted-value", src: "Define a ''\n", tree: "Define a|"},
	{name: "quote-ends-word", src: "Define \"a\"b\n", tree: "Define a|b"},
	{name: "quote-mid-word-is-literal", src: "Define a b\"c\n", tree: "Define a|b\"c"},
	{name: "quote-mid-word-with-space", src: "Define a b\"c d\"\n", tree: "Define a|b\"c|d\"", semantic: true},
	{name: "unterminated-double-quote", src: "Define a \"xyz\n", tree: "Define a|xyz"},
	{name: "unterminated-single-quote-with-space", src: "Define a 'x y\n", tree: "Define a|x y"},
	{name: "hash-mid-line-is-argument", src: "Define a #1\n", tree: "Define a|#1"},
	{name: "trailing-comment-is-arguments", src: "Define a 1 # note\n", tree: "Define a|1|#|note", semantic: true},
	{name: "indented-comment", src: "  \t# indented comment\nDefine a 1\n", tree: "#; Define a|1"},
	{name: "blank-and-whitespace-lines", src: "\n   \n\t\nDefine a 1\n\n", tree: "_; _; _; Define a|1; _"},
	{name: "empty-file", src: "", tree: ""},
	{name: "only-comments", src: "# a\n# b\n", tree: "#; #"},
	{name: "quoted-directive-name", src: "\"Define\" a 1\n", tree: "Define a|1"},
	{name: "name-with-trailing-gt", src: "Define> a 1\n", tree: "Define a|1"},
	{name: "name-lower-case", src: "define a 1\n", tree: "define a|1"},
	{name: "name-upper-case", src: "DEFINE a 1\n", tree: "DEFINE a|1"},
	{name: "carriage-return-mid-line-is-space", src: "Define a\r1\n", tree: "Define a|1"},
	{name: "vertical-tab-and-form-feed-are-space", src: "Define\va\f1\n", tree: "Define a|1"},
	{name: "tab-inside-quotes-kept", src: "Define a \"x\ty\"\n", tree: "Define a|x\ty"},
	{name: "utf8-value", src: "Define a café\n", tree: "Define a|café"},
	{name: "many-spaces", src: "Define     a      1\n", tree: "Define a|1"},
	{name: "section", src: "Define a\n<IfDefine a>\nDefine b 1\n</IfDefine>\n", tree: "Define a; <IfDefine a>{Define b|1}"},
	{name: "section-close-case-insensitive", src: "<Directory /x>\n</DIRECTORY>\n", tree: "<Directory /x>{}"},
	{name: "section-negated-arg", src: "<IfDefine !zz>\nDefine b 1\n</IfDefine>\n", tree: "<IfDefine !zz>{Define b|1}"},
	{name: "sections-nested", src: "<IfDefine !x>\n<IfDefine !y>\n<Directory /a>\n</Directory>\nDefine c 3\n</IfDefine>\n</IfDefine>\n",
		tree: "<IfDefine !x>{<IfDefine !y>{<Directory /a>{}; Define c|3}}"},
	{name: "section-quoted-arg", src: "<Directory \"/a b\">\n</Directory>\n", tree: "<Directory /a b>{}"},
	{name: "section-header-continued", src: "<Directory \\\n  /x>\n</Directory>\n", tree: "<Directory /x>{}"},
	{name: "section-close-continued", src: "<Directory /x>\n</Direc\\\ntory>\n", tree: "<Directory /x>{}"},
	{name: "section-text-after-gt-ignored", src: "<Directory /x> junk\n</Directory>\n", tree: "<Directory /x>{}"},
	{name: "section-close-text-after-ignored", src: "<Directory /x>\n</Directory> junk\n", tree: "<Directory /x>{}"},
	{name: "section-quoted-name", src: "\"<Directory\" /x>\n</Directory>\n", tree: "<Directory /x>{}"},
	{name: "section-indented-crlf", src: "<Directory /x>\r\n    Options None\r\n</Directory>\r\n", tree: "<Directory /x>{Options None}"},
	{name: "section-no-args", src: "<Directory>\n</Directory>\n", tree: "<Directory>{}", semantic: true},
	{name: "section-name-only-no-gt", src: "<Directory\n</Directory>\n", tree: "<Directory>{}", semantic: true},
	{name: "section-missing-gt", src: "<Directory /x\n</Directory>\n", tree: "<Directory /x>{}",
		errs: []string{"1: <Directory> directive missing closing '>'"}},
	{name: "section-unclosed", src: "<Directory /x>\nOptions None\n", tree: "<Directory /x>{Options None}",
		errs: []string{"1: <Directory> was not closed."}},
	{name: "section-stray-close", src: "Define a 1\n</Directory>\n", tree: "Define a|1; !</Directory>",
		errs: []string{"2: </Directory> without matching <Directory> section"}},
	{name: "section-mismatched-close", src: "<Directory /x>\n</Location>\n", tree: "<Directory /x>{}",
		errs: []string{"2: Expected </Directory> but saw </Location>"}},
	{name: "section-close-missing-gt", src: "<Directory /x>\n</Directory\n", tree: "<Directory /x>{}",
		errs: []string{"2: </Directory> directive missing closing '>'"}},
	{name: "section-close-space-before-gt", src: "<Directory /x>\n</Directory >\n", tree: "<Directory /x>{}",
		errs: []string{"2: </Directory> directive missing closing '>'"}},
	{name: "utf8-bom", src: "\xEF\xBB\xBFDefine a 1\n", tree: "\ufeffDefine a|1",
		errs: []string{"1: file starts with a UTF-8 byte order mark"}},
	{name: "nul-truncates-line", src: "Define a x\x00yz\nDefine b 2\n", tree: "Define a|x; Define b|2"},
	{name: "nul-cancels-continuation", src: "Define a x\x00yz\\\nDefine b 2\n", tree: "Define a|x; Define b|2"},
	{name: "long-line", src: "Define a " + strings.Repeat("x", 20000) + "\n", tree: "Define a|" + strings.Repeat("x", 20000)},
	{name: "unknown-directive", src: "NoSuchDirective x\n", tree: "NoSuchDirective x", semantic: true},
}

// summarize renders a tree compactly: "Name a|b" per directive,
// "<Name args>{...}" per section, "#" comment, "_" blank, "!text" bad.
func summarize(nodes []ast.Node) string {
	parts := make([]string, 0, len(nodes))
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Directive:
			s := n.Name
			if len(n.Args) > 0 {
				s += " " + strings.Join(n.Values(), "|")
			}
			parts = append(parts, s)
		case *ast.Section:
			s := "<" + n.Name
			if len(n.Args) > 0 {
				s += " " + strings.Join(n.Values(), "|")
			}
			parts = append(parts, s+">{"+summarize(n.Body)+"}")
		case *ast.Comment:
			parts = append(parts, "#")
		case *ast.Blank:
			parts = append(parts, "_")
		case *ast.Bad:
			parts = append(parts, "!"+n.Text)
		}
	}
	return strings.Join(parts, "; ")
}

// ourDefines is what our tree says `apache2 -D DUMP_RUN_CFG` prints for
// the snippet's Define directives (ignoring sections, which the cases use
// only where their condition holds).
func ourDefines(nodes []ast.Node) []string {
	var out []string
	ast.Inspect(nodes, func(n ast.Node) bool {
		if d, ok := n.(*ast.Directive); ok && d.Is("Define") && len(d.Args) > 0 {
			s := d.Args[0].Value
			if len(d.Args) > 1 && d.Args[1].Value != "" {
				s += "=" + d.Args[1].Value
			}
			out = append(out, s)
		}
		return true
	})
	sort.Strings(out)
	return out
}

// httpdOutcome is what apache2 made of a snippet.
type httpdOutcome struct {
	OK      bool     `json:"ok"`
	Defines []string `json:"defines,omitempty"` // sorted "name=value" from DUMP_RUN_CFG
	Line    int      `json:"line,omitempty"`    // error line within the snippet
	Error   string   `json:"error,omitempty"`   // httpd's message, without the "Syntax error on line" prefix
}

const lexBase = "ServerRoot /etc/apache2\n" +
	"LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n" +
	"LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so\n" +
	"ErrorLog /dev/null\n" +
	"PidFile /tmp/apacheconf-lexical.pid\n"

var fileLineRe = regexp.MustCompile(`^\S+:\d+: `)

var syntaxErrRe = regexp.MustCompile(`(?s)Syntax error on line (\d+) of [^:]+:\s*(.*)$`)

// runHTTPD runs apache2 -t on the snippet and summarises its answer.
func runHTTPD(t *testing.T, src string) httpdOutcome {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "t.conf")
	require.NoError(t, os.WriteFile(conf, []byte(lexBase+src), 0o644))
	out, err := exec.Command("apache2", "-t", "-D", "DUMP_RUN_CFG", "-f", conf).CombinedOutput()
	o := httpdOutcome{OK: err == nil}
	baseLines := strings.Count(lexBase, "\n")
	for _, line := range strings.Split(string(out), "\n") {
		if d, ok := strings.CutPrefix(line, "Define: "); ok && d != "DUMP_RUN_CFG" {
			o.Defines = append(o.Defines, d)
		}
	}
	sort.Strings(o.Defines)
	if !o.OK {
		if m := syntaxErrRe.FindStringSubmatch(strings.TrimSpace(string(out))); m != nil {
			fmt.Sscan(m[1], &o.Line)
			o.Line -= baseLines
			// "<X> was not closed." comes as "FILE:LINE: <X> was not closed."
			o.Error = fileLineRe.ReplaceAllString(strings.TrimSpace(m[2]), "")
		} else {
			o.Error = strings.TrimSpace(string(out))
		}
	}
	return o
}

func haveApache() bool {
	_, err := exec.LookPath("apache2")
	return err == nil
}

func TestLexicalCases(t *testing.T) {
	require.GreaterOrEqual(t, len(lexCases), 60)
	goldenPath := filepath.Join("testdata", "lexical_httpd.json")
	golden := map[string]httpdOutcome{}
	if data, err := os.ReadFile(goldenPath); err == nil {
		require.NoError(t, json.Unmarshal(data, &golden))
	}
	live := haveApache()
	if *recordHTTPD {
		require.True(t, live, "-record-httpd needs apache2")
		golden = map[string]httpdOutcome{}
	}
	if !live {
		t.Log("apache2 not installed: checking against the recorded httpd outcomes only")
	}
	agree := 0
	for _, c := range lexCases {
		t.Run(c.name, func(t *testing.T) {
			f, err := parser.ParseFile("t.conf", []byte(c.src))
			assert.Equal(t, c.tree, summarize(f.Body), "tree")
			var got []string
			if err != nil {
				list := err.(parser.ErrorList)
				for _, e := range list {
					got = append(got, fmt.Sprintf("%d: %s", e.Pos.Line, e.Msg))
				}
			}
			if len(c.errs) == 0 {
				assert.Empty(t, got, "errors")
			} else {
				require.Len(t, got, len(c.errs))
				for i := range c.errs {
					assert.True(t, strings.HasPrefix(got[i], c.errs[i]), "error %q should start with %q", got[i], c.errs[i])
				}
			}
			out, err2 := ast.Format(f)
			require.NoError(t, err2)
			assert.Equal(t, c.src, string(out), "lossless print")

			want, recorded := golden[c.name]
			if live {
				h := runHTTPD(t, c.src)
				if *recordHTTPD {
					golden[c.name] = h
					want, recorded = h, true
				} else {
					require.True(t, recorded, "no recorded httpd outcome: run go test ./parser -run TestLexicalCases -record-httpd")
					assert.Equal(t, want, h, "recorded httpd outcome differs from the live apache2")
				}
			}
			require.True(t, recorded, "no recorded httpd outcome for %s", c.name)
			// Agreement: our verdict is httpd's.
			switch {
			case want.OK:
				assert.Empty(t, got, "httpd accepts this")
				assert.Equal(t, want.Defines, ourDefines(f.Body), "Define values as httpd split them")
			case c.semantic:
				assert.Empty(t, got, "httpd rejects this for a non-syntax reason: %s", want.Error)
			default:
				require.NotEmpty(t, got, "httpd rejects this: line %d: %s", want.Line, want.Error)
				if !strings.Contains(got[0], "byte order mark") {
					assert.Equal(t, fmt.Sprintf("%d: %s", want.Line, want.Error), got[0], "same first error as httpd")
				}
			}
			if !t.Failed() {
				agree++
			}
		})
	}
	t.Logf("agreement with httpd: %d/%d cases", agree, len(lexCases))
	if *recordHTTPD {
		data, err := json.MarshalIndent(golden, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(goldenPath, append(data, '\n'), 0o644))
	}
}
