package parser

// The grammar over structural tokens (see lexer.go). It accepts every
// token sequence the lexer produces, so that the parser always returns a
// tree: a closing line closes the innermost open section (a mismatched
// name is reported by the builder) and a section still open at the end of
// the file simply has no Close. The lexer counts open sections as the
// grammar does, so it turns a closing line with nothing open into a plain
// line (kept as an ast.Bad, reported) and no Close reaches the top level.
//
//	file    = Lines? section* .
//	section = Open section* Close? .
//
// Leaf sections (whole sections with no section inside) are not in the
// token stream, as other grammars elide comments: they cannot change how
// the other sections nest, and each one the grammar saw would cost
// participle a stored token and a branch per alternative tried. The
// builder takes the lines of each token and each leaf from the lexer in
// source order, so the tree records only the structure: which sections
// nest and which close. Every capture costs participle allocations per
// token; Open is matched without one.
type file struct {
	Lines    bool       `parser:"@Lines?"`
	Sections []*section `parser:"@@*"`
}

type section struct {
	Children []*section `parser:"Open @@*"`
	Closed   bool       `parser:"@Close?"`
}
