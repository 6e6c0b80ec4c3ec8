package lsp

import (
	"sort"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/apacheconf/apacheconf/ast"
)

// text is a file's content with its line starts, for converting between
// the parser's byte offsets and LSP positions (lines from 0, characters
// in UTF-16 code units, the protocol's default encoding).
type text struct {
	src   string
	lines []int // byte offset of each line's start
}

func newText(src string) *text {
	t := &text{src: src, lines: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			t.lines = append(t.lines, i+1)
		}
	}
	return t
}

// position converts a byte offset.
func (t *text) position(off int) protocol.Position {
	off = min(max(off, 0), len(t.src))
	line := sort.Search(len(t.lines), func(i int) bool { return t.lines[i] > off }) - 1
	return protocol.Position{Line: uint32(line), Character: uint32(utf16Len(t.src[t.lines[line]:off]))}
}

// offset converts an LSP position; a character past the line's end is
// the line's end, a line past the file its end.
func (t *text) offset(p protocol.Position) int {
	if int(p.Line) >= len(t.lines) {
		return len(t.src)
	}
	start := t.lines[p.Line]
	end := len(t.src)
	if int(p.Line)+1 < len(t.lines) {
		end = t.lines[p.Line+1] - 1
	}
	units := int(p.Character)
	i := start
	for i < end && units > 0 {
		r, size := utf8.DecodeRuneInString(t.src[i:])
		if r >= 0x10000 {
			units -= 2
		} else {
			units--
		}
		i += size
	}
	return i
}

// rng is the range of bytes [from, to).
func (t *text) rng(from, to int) protocol.Range {
	return protocol.Range{Start: t.position(from), End: t.position(to)}
}

// lineAt returns the line holding off and where it starts.
func (t *text) lineAt(off int) (string, int) {
	p := t.position(off)
	start := t.lines[p.Line]
	end := len(t.src)
	if int(p.Line)+1 < len(t.lines) {
		end = t.lines[p.Line+1]
	}
	return t.src[start:end], start
}

// nodeRange is a node's range, its line end excluded.
func (t *text) nodeRange(n ast.Node) protocol.Range {
	from, to := n.Pos().Offset, n.End().Offset
	for to > from && to <= len(t.src) && (t.src[to-1] == '\n' || t.src[to-1] == '\r') {
		to--
	}
	return t.rng(from, to)
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}
