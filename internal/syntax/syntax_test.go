package syntax

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNextWord(t *testing.T) {
	tests := []struct {
		line  string
		words []string
		quote []byte
	}{
		{"a b", []string{"a", "b"}, []byte{0, 0}},
		{`"a b"c`, []string{"a b", "c"}, []byte{'"', 0}},
		{`'a\'b'`, []string{"a'b"}, []byte{'\''}},
		{`"a\'b"`, []string{`a\'b`}, []byte{'"'}},
		{`x\\y`, []string{`x\y`}, []byte{0}},
		{`x\y`, []string{`x\y`}, []byte{0}},
		{`"unterminated`, []string{"unterminated"}, []byte{'"'}},
		{`""`, []string{""}, []byte{'"'}},
		{"a\r\vb\fc", []string{"a", "b", "c"}, []byte{0, 0, 0}},
		{`"a\\"`, []string{`a\`}, []byte{'"'}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			ws := Words(nil, tt.line)
			require.Len(t, ws, len(tt.words))
			for i, w := range ws {
				assert.Equal(t, tt.words[i], w.Value)
				assert.Equal(t, tt.quote[i], w.Quote)
			}
		})
	}
}

func TestQuoteReadsBack(t *testing.T) {
	values := []string{"", "a", "a b", `a"b`, `a'b`, `a"b'c`, `\`, `a\`, `\\`, `a\\b`, `a\b`, `\\\`, "#x", `"x`, `'x`, "tab\there",
		`C:\Program Files\`, "x>y", `%{ENV:X}`, "ünïcödé"}
	for _, v := range values {
		for _, prefer := range []byte{0, '"', '\''} {
			q := Quote(v, prefer)
			w, next, ok := NextWord(q, 0)
			require.True(t, ok, "%q quoted as %q reads no word", v, q)
			assert.Equal(t, len(q), next, "%q quoted as %q is more than one word", v, q)
			assert.Equal(t, v, w.Value, "%q quoted as %q", v, q)
			assert.NotEqual(t, byte('\\'), q[len(q)-1], "%q quoted as %q would continue the line", v, q)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		line      string
		kind      Kind
		name      string
		missingGT bool
	}{
		{"", Blank, "", false},
		{"# x", Comment, "", false},
		{"Listen 80", Directive, "Listen", false},
		{"Listen> 80", Directive, "Listen", false},
		{"<Directory /x>", Open, "Directory", false},
		{"<Directory>", Open, "Directory", false},
		{"<Directory", Open, "Directory", false},
		{"<Directory /x", Open, "Directory", true},
		{"</Directory>", Close, "Directory", false},
		{"</Directory", Close, "Directory", true},
		{"</Directory >", Close, "Directory", true},
		{`"<If" "-n x">`, Open, "If", false},
	}
	for _, tt := range tests {
		h := Classify(tt.line)
		assert.Equal(t, tt.kind, h.Kind, tt.line)
		assert.Equal(t, tt.name, h.Name, tt.line)
		assert.Equal(t, tt.missingGT, h.MissingGT, tt.line)
	}
}
