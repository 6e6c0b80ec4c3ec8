package parser

import "github.com/alecthomas/participle/v2/lexer"

// The grammar over structural tokens (see lexer.go). It accepts every
// token sequence, so that the parser always returns a tree: a closing line
// closes the innermost open section (a mismatched name is reported by the
// builder), a closing line with nothing open is kept as an ast.Bad, and a
// section still open at the end of the file simply has no Close.
//
//	file    = Lines? entry* .
//	entry   = section | Close .
//	section = Open section* Close? .
type file struct {
	Lines   *lexer.Token `parser:"@Lines?"`
	Entries []*entry     `parser:"@@*"`
}

type entry struct {
	Section *section     `parser:"@@"`
	Stray   *lexer.Token `parser:"| @Close"`
}

type section struct {
	Open     lexer.Token  `parser:"@Open"`
	Children []*section   `parser:"@@*"`
	Close    *lexer.Token `parser:"@Close?"`
}
