package ast

import (
	"fmt"
	"strings"

	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Position is a place in a source file, as go/token.Position.
// Line and Column are 1-based; Column counts bytes. Offset is the 0-based
// byte offset from the start of the file.
type Position struct {
	Filename string
	Offset   int
	Line     int
	Column   int
}

// Pos is the position a node keeps: a Position in 24 bytes instead of
// 40, its file name shared by all the positions made from one PosBase.
// A configuration has hundreds of thousands of nodes. The zero Pos is no
// position; Position() expands it.
type Pos struct {
	base                 *PosBase
	offset, line, column int32
}

// PosBase is what the positions of one file share: its name.
type PosBase struct {
	Filename string
}

// NewPosBase returns the base for positions in the named file.
func NewPosBase(filename string) *PosBase { return &PosBase{Filename: filename} }

// Pos returns the position at that offset, line and column of b's file.
// Each must fit in 32 bits: the parser reads no file of 2 GiB or more
// (Config.MaxFileSize is capped there), and the JSON decoder refuses
// larger positions.
func (b *PosBase) Pos(offset, line, column int) Pos {
	return Pos{base: b, offset: int32(offset), line: int32(line), column: int32(column)}
}

// CompactPos returns p as a Pos with a base of its own; positions of one
// file made in bulk should share a PosBase instead.
func CompactPos(p Position) Pos {
	if p == (Position{}) {
		return Pos{}
	}
	return NewPosBase(p.Filename).Pos(p.Offset, p.Line, p.Column)
}

// Position expands p.
func (p Pos) Position() Position {
	q := Position{Offset: int(p.offset), Line: int(p.line), Column: int(p.column)}
	if p.base != nil {
		q.Filename = p.base.Filename
	}
	return q
}

// IsValid reports whether p refers to a source location.
func (p Pos) IsValid() bool { return p.line > 0 }

// Line is p's line (0 for no position), without expanding it.
func (p Pos) Line() int { return int(p.line) }

// IsValid reports whether the position refers to a source location.
// Nodes built by code rather than parsed have no position.
func (p Position) IsValid() bool { return p.Line > 0 }

// String formats the position as file:line:col, file:line:col without a
// file name as line:col, and an invalid position as "-".
func (p Position) String() string {
	s := p.Filename
	if p.IsValid() {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	if s == "" {
		s = "-"
	}
	return s
}

// Advance returns the position just after text, which starts at p (an
// invalid position stays invalid).
func (p Position) Advance(text string) Position {
	if !p.IsValid() {
		return p
	}
	for i := 0; i < len(text); i++ {
		p.Offset++
		if text[i] == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
	}
	return p
}

// sourceLine is a node's raw source split as httpd reads it.
type sourceLine struct {
	indent string
	text   string        // the logical line, trimmed
	from   int           // where the arguments start in text
	words  []syntax.Word // the arguments, relative to text[from:]
	srcOff []int         // byte i of the untrimmed logical line is raw[srcOff[i]]; nil: raw[i]
	start  int           // where text starts in the untrimmed logical line
}

// rawOffset is where byte i of text[from:] is in raw.
func (sl *sourceLine) rawOffset(i int) int {
	i += sl.start + sl.from
	if sl.srcOff == nil {
		return i
	}
	return sl.srcOff[i]
}

// splitSource joins raw's continuation lines, stops at a NUL as
// ap_cfg_getline does, and splits the arguments (of a section header if
// header is set), keeping the map back to raw's bytes. words is filled
// from buf.
func splitSource(raw string, header bool, buf []syntax.Word) sourceLine {
	line := raw
	var srcOff []int
	if strings.IndexByte(raw, 0) >= 0 || strings.Contains(raw, "\\\n") || strings.Contains(raw, "\\\r\n") {
		var logical strings.Builder
		srcOff = make([]int, 0, len(raw))
		for i := 0; i < len(raw); i++ {
			if raw[i] == 0 {
				break
			}
			if raw[i] == '\\' {
				rest := raw[i+1:]
				if strings.HasPrefix(rest, "\n") || strings.HasPrefix(rest, "\r\n") {
					i += 1 + strings.IndexByte(rest, '\n')
					continue
				}
			}
			logical.WriteByte(raw[i])
			srcOff = append(srcOff, i)
		}
		line = logical.String()
	}
	a, e := syntax.TrimSpace(line)
	sl := sourceLine{srcOff: srcOff, start: a}
	switch {
	case srcOff == nil:
		sl.indent = raw[:a]
	case a < len(srcOff):
		sl.indent = raw[:srcOff[a]]
	}
	sl.text = line[a:e]
	h := syntax.Classify(sl.text)
	from, to := h.Rest, len(sl.text)
	if header {
		from, to = syntax.HeaderArgs(sl.text, h)
	}
	sl.from = from
	sl.words = syntax.Words(buf[:0], sl.text[:to][from:])
	return sl
}

// argPositions returns the positions of the first n argument words of
// raw, a node at pos; pos stands in for those it cannot place.
func argPositions(raw string, pos Position, n int, header bool) []Position {
	out := make([]Position, n)
	for i := range out {
		out[i] = pos
	}
	if raw == "" || !pos.IsValid() || n == 0 {
		return out
	}
	var buf [8]syntax.Word
	sl := splitSource(raw, header, buf[:0])
	if len(sl.words) != n {
		// The arguments are not the words written (a ${VAR} of the
		// loader's expanded to several, or an edit): no word to point at.
		return out
	}
	// The raw text starts a line: step back from the node's position.
	p := pos
	p.Offset -= len(sl.indent)
	p.Line -= strings.Count(sl.indent, "\n")
	p.Column = 1
	done := 0
	for i := 0; i < n && i < len(sl.words); i++ {
		off := sl.rawOffset(sl.words[i].Start)
		p = p.Advance(raw[done:off])
		done = off
		out[i] = p
	}
	return out
}

func argPos(raw string, pos Position, i, nargs int, header bool) Position {
	if i < 0 || i >= nargs {
		return pos
	}
	return argPositions(raw, pos, nargs, header)[i]
}

// ArgPositions is ArgPos for every argument, computed in one pass.
func (d *Directive) ArgPositions() []Position {
	return argPositions(d.Raw, d.Pos(), len(d.Args), false)
}

// ArgPositions is Directive.ArgPositions for the section's header.
func (s *Section) ArgPositions() []Position {
	return argPositions(s.Raw, s.Pos(), len(s.Args), true)
}

// ArgPos returns where the i-th argument starts in the source: the
// position of the i-th word of the directive's line as written. The loader
// expands ${VAR} in Args, but positions stay those of the words in the
// file. For a directive built by code, one whose arguments are not the
// words written one for one (a ${VAR} that expanded to several words, an
// edit), or an i past the arguments, it is the directive's own position.
func (d *Directive) ArgPos(i int) Position { return argPos(d.Raw, d.Pos(), i, len(d.Args), false) }

// ArgPos is Directive.ArgPos for the section's header arguments.
func (s *Section) ArgPos(i int) Position { return argPos(s.Raw, s.Pos(), i, len(s.Args), true) }
