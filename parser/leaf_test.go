package parser

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// leafCases are nestings where a leaf section could go wrong: sections
// unclosed at the end, mismatched and stray closing lines, a closing line
// missing its '>', sections side by side and inside each other.
var leafCases = []string{
	"<A>\n</A>\n",
	"<A>\nx 1\n</A>\ny 2\n<B>\n</B>\n",
	"<A>\n<B>\nx\n</B>\n</A>\n",
	"<A>\n<B>\n</B>\n<C>\n</C>\nz\n</A>\nw\n",
	"<A>\n<B>\nx\n",
	"<A>\n</B>\n</A>\n",
	"<A>\n</A\n",
	"</A>\n<B>\n</B>\n</C>\n",
	"<A>\n<B>\n</B>\n",
	"# c\n\n<A x>\n  # c\n</A>\n\n<B y>\n<C>\n</C>\n</B>\n",
	"<A>\\\n</A>\n</A>\n",
	"<Macro M>\n<A>\n\n</A>\n</Macro>\n",
}

// FuzzLeafTokens: with leaf sections matched by the lexer the parser builds exactly the tree,
// and reports exactly the errors, that it builds from Open and Close
// tokens alone.
func FuzzLeafTokens(f *testing.F) {
	for _, c := range leafCases {
		f.Add([]byte(c), false)
	}
	files, _ := filepath.Glob("/etc/apache2/*/*.conf")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, true)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, skipTrivia bool) {
		cfg := Config{MaxLineLength: 1024, MaxDepth: 16, SkipTrivia: skipTrivia}
		ref := cfg
		ref.noLeaf = true
		got, gotErr := cfg.ParseString("f.conf", string(src))
		want, wantErr := ref.ParseString("f.conf", string(src))
		// Every field of every node: positions, raw text, closing lines.
		require.Equal(t, want, got)
		require.Equal(t, wantErr, gotErr)
	})
}
