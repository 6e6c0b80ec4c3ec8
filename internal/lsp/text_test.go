package lsp

import (
	"testing"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

func TestTextPositions(t *testing.T) {
	src := "ServerName a\n# é 𝄞 x\r\nLast"
	tx := newText(src)
	tests := []struct {
		off  int
		want protocol.Position
	}{
		{0, protocol.Position{Line: 0, Character: 0}},
		{13, protocol.Position{Line: 1, Character: 0}},
		{15, protocol.Position{Line: 1, Character: 2}}, // before é
		{18, protocol.Position{Line: 1, Character: 4}}, // before 𝄞 (é is one unit)
		{23, protocol.Position{Line: 1, Character: 7}}, // after 𝄞 (two units) and a space
		{len(src), protocol.Position{Line: 2, Character: 4}},
	}
	for _, tt := range tests {
		if got := tx.position(tt.off); got != tt.want {
			t.Errorf("position(%d) = %+v, want %+v", tt.off, got, tt.want)
		}
		if got := tx.offset(tt.want); got != tt.off {
			t.Errorf("offset(%+v) = %d, want %d", tt.want, got, tt.off)
		}
	}
	// Past the end of a line: the line's end; past the file: its end.
	if got := tx.offset(protocol.Position{Line: 0, Character: 99}); got != 12 {
		t.Errorf("past the line: %d", got)
	}
	if got := tx.offset(protocol.Position{Line: 9}); got != len(src) {
		t.Errorf("past the file: %d", got)
	}
}

// FuzzTextPositions: converting an offset to a position and back gives
// the offset, for every rune boundary of any text.
func FuzzTextPositions(f *testing.F) {
	f.Add("ServerName a\n<Directory />\r\n\tRequire all denied\n</Directory>")
	f.Add("é𝄞\n\n\xff\xfe")
	f.Fuzz(func(t *testing.T, src string) {
		tx := newText(src)
		for off := 0; off <= len(src); off++ {
			if off < len(src) && !utf8.RuneStart(src[off]) {
				continue
			}
			p := tx.position(off)
			if back := tx.offset(p); back != off {
				t.Fatalf("offset(position(%d) = %+v) = %d", off, p, back)
			}
		}
	})
}
