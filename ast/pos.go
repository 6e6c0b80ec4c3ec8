package ast

import "fmt"

// Position is a place in a source file, as go/token.Position.
// Line and Column are 1-based; Column counts bytes. Offset is the 0-based
// byte offset from the start of the file.
type Position struct {
	Filename string `json:"file,omitempty"`
	Offset   int    `json:"offset"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

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

// advance returns the position just after text, which starts at p.
func (p Position) advance(text string) Position {
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
