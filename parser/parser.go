// Package parser reads Apache httpd configuration files into the ast
// package's tree, applying httpd's lexical rules exactly (ap_cfg_getline,
// ap_getword_conf and ap_build_config_sub in httpd's server/ directory):
//
//   - a line ending in a backslash continues on the next line (the
//     backslash and the line break are removed, nothing is inserted);
//   - leading and trailing whitespace of a logical line is removed;
//   - '#' starts a comment only as the first byte of a logical line;
//     elsewhere it is an ordinary argument byte;
//   - words are split on whitespace; a word starting with " or ' runs to
//     the matching quote (\" and \\ escape inside it) and ends there;
//   - a line whose first word starts with '<' opens a section, "</" closes
//     one; the closing name is matched case-insensitively;
//   - a NUL byte ends the logical line; the rest of its physical line is
//     ignored, as httpd's C strings do;
//   - a UTF-8 byte order mark is not special on Unix: httpd reads it as
//     part of the first word, which the parser reports.
//
// The parser recovers from errors: it reports every problem in a file as
// an ErrorList and still returns the tree of all it read. Nothing written
// is dropped; ast.Fprint prints an unmodified tree back byte for byte.
//
// The grammar is a participle grammar over a custom lexer that emits one
// token per logical line; see grammar.go.
package parser

import (
	"math"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Limits applied when a Config leaves them zero.
const (
	// DefaultMaxLineLength is httpd's own limit for a logical line of a
	// config file (VARBUF_MAX_LEN in server/config.c).
	DefaultMaxLineLength = 16 << 20
	// HTAccessMaxLineLength is httpd's limit for .htaccess lines
	// (HUGE_STRING_LEN).
	HTAccessMaxLineLength = 8192
	// DefaultMaxDepth bounds section nesting; httpd has no limit, but no
	// real configuration comes near it.
	DefaultMaxDepth = 256
	// DefaultMaxFileSize bounds the size of one file.
	DefaultMaxFileSize = 256 << 20
)

// Config controls parsing. The zero Config parses a server config file
// with the default limits.
type Config struct {
	// HTAccess selects .htaccess limits (8192-byte lines, as httpd).
	HTAccess bool
	// MaxLineLength, MaxDepth and MaxFileSize override the limits above;
	// MaxFileSize is at most 2 GiB - 1, as node positions are 32-bit.
	MaxLineLength int
	MaxDepth      int
	MaxFileSize   int
	// SkipTrivia leaves comments and blank lines out of the tree, as
	// go/parser does without ParseComments: a smaller tree for tools that
	// only evaluate it, which no longer prints back byte for byte. Blank
	// lines inside <Macro> stay: mod_macro counts them.
	SkipTrivia bool
	// KeepComment, with SkipTrivia, keeps the comments it accepts (given
	// the text after '#'), such as a linter's suppression comments.
	KeepComment func(text string) bool

	// noLeaf makes the lexer hand every section to the grammar as Open
	// and Close tokens: the reference leaf sections are tested against.
	noLeaf bool
}

func (c Config) withDefaults() Config {
	if c.MaxLineLength <= 0 {
		c.MaxLineLength = DefaultMaxLineLength
		if c.HTAccess {
			c.MaxLineLength = HTAccessMaxLineLength
		}
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = DefaultMaxDepth
	}
	if c.MaxFileSize <= 0 {
		c.MaxFileSize = DefaultMaxFileSize
	}
	// Node positions are 32-bit (ast.Pos).
	c.MaxFileSize = min(c.MaxFileSize, math.MaxInt32)
	return c
}

// ParseFile parses one configuration file with the default Config.
// It returns the tree of everything it could read and, if there were
// problems, an ErrorList describing each of them.
func ParseFile(filename string, src []byte) (*ast.File, error) {
	return Config{}.ParseFile(filename, src)
}

// ParseFile parses one configuration file; see the package function.
func (c Config) ParseFile(filename string, src []byte) (*ast.File, error) {
	return c.ParseString(filename, string(src))
}

// ParseString is ParseFile for a string, which it does not copy: the
// tree's strings share its memory.
func (c Config) ParseString(filename, src string) (*ast.File, error) {
	c = c.withDefaults()
	f := &ast.File{Name: filename, EOL: detectEOL(src)}
	var errs ErrorList
	if len(src) > c.MaxFileSize {
		start := ast.Position{Filename: filename, Line: 1, Column: 1}
		errs.Add(start, "file too large: %d bytes (the limit is %d)", len(src), c.MaxFileSize)
		f.Body = []ast.Node{unreadLine(ast.NewPosBase(filename), start, src)} // kept, unread
		return f, errs
	}
	if strings.HasPrefix(src, "\xEF\xBB\xBF") {
		errs.Add(ast.Position{Filename: filename, Offset: 0, Line: 1, Column: 1},
			"file starts with a UTF-8 byte order mark: httpd on Unix reads it as part of the first line; remove it")
	}
	lx := newLineLexer(filename, src, c, &errs)
	peek, err := lexer.Upgrade(lx)
	if err != nil { // our lexer never fails
		errs.Add(ast.Position{Filename: filename, Line: 1, Column: 1}, "%v", err)
		return f, errs
	}
	tree, err := grammar.ParseFromLexer(peek)
	if err != nil { // the grammar accepts every token sequence
		errs.Add(ast.Position{Filename: filename, Line: 1, Column: 1}, "internal parser error: %v", err)
		return f, errs
	}
	b := builder{lx: lx, errs: &errs}
	f.Body = b.file(tree)
	lx.release()
	errs.Sort()
	return f, errs.Err()
}

// ParseHTAccess parses a .htaccess file (httpd's shorter line limit).
func ParseHTAccess(filename string, src []byte) (*ast.File, error) {
	return Config{HTAccess: true}.ParseFile(filename, src)
}

func detectEOL(src string) string {
	if nl := strings.IndexByte(src, '\n'); nl > 0 && src[nl-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// builder nests the scanned nodes as the grammar matched them. Tokens
// arrive in source order, so the k-th token is the k-th span.
type builder struct {
	lx   *lineLexer
	next int
	errs *ErrorList
}

func (b *builder) span() span {
	s := b.lx.spans[b.next]
	b.next++
	return s
}

// leafNext reports whether the next span is a leaf section's.
func (b *builder) leafNext() bool {
	return b.next < len(b.lx.spans) && b.lx.spans[b.next].close > 0
}

// file assembles the top level.
func (b *builder) file(f *file) []ast.Node {
	var out []ast.Node
	if f.Lines {
		out = b.plain(out, b.span(), 0, -1)
	}
	return b.children(out, f.Sections)
}

// children appends the sections of a body in source order: the leaf
// sections, which the grammar does not see, and the nested sections it
// matched.
func (b *builder) children(out []ast.Node, nested []*section) []ast.Node {
	for {
		for b.leafNext() {
			out = b.leaf(out, b.span())
		}
		if len(nested) == 0 {
			return out
		}
		out = b.section(out, nested[0])
		nested = nested[1:]
	}
}

// plain appends the nodes of a token's span from its skip-th line up to
// (not including) its end-th, or to its end when end < 0.
func (b *builder) plain(out []ast.Node, sp span, skip, end int) []ast.Node {
	if end < 0 {
		end = sp.n
	}
	return append(out, b.lx.items[sp.first+skip:sp.first+end]...)
}

// open returns the section of an opening span.
func (b *builder) open(sp span) *ast.Section {
	return b.lx.items[sp.first].(*ast.Section)
}

// leaf appends a section with no section inside, then the plain lines
// after its closing line.
func (b *builder) leaf(out []ast.Node, sp span) []ast.Node {
	sec := b.open(sp)
	sec.Body = b.plain(make([]ast.Node, 0, sp.close-1), sp, 1, sp.close)
	out = append(out, sec)
	b.close(sec, b.lx.items[sp.first+sp.close].(closeLine))
	return b.plain(out, sp, sp.close+1, -1)
}

// section appends s, then the plain lines after its closing line (they
// belong to the enclosing body).
func (b *builder) section(out []ast.Node, s *section) []ast.Node {
	sp := b.span()
	sec := b.open(sp)
	sec.Body = b.plain(make([]ast.Node, 0, sp.n-1+len(s.Children)), sp, 1, -1)
	sec.Body = b.children(sec.Body, s.Children)
	out = append(out, sec)
	if !s.Closed {
		sec.Unclosed = true
		b.errs.Add(sec.Pos(), "<%s> was not closed.", sec.Name)
		return out
	}
	csp := b.span()
	b.close(sec, b.lx.items[csp.first].(closeLine))
	return b.plain(out, csp, 1, -1)
}

// close records sec's closing line and reports a mismatched name (the
// lexer reported a missing '>', which httpd reports instead).
func (b *builder) close(sec *ast.Section, cl closeLine) {
	sec.CloseRaw, sec.CloseAt = cl.Raw, cl.At
	h := syntax.Classify(cl.Text)
	if !h.MissingGT && !strings.EqualFold(h.Name, sec.Name) {
		b.errs.Add(cl.Pos(), "Expected </%s> but saw </%s>", sec.Name, h.Name)
	}
}

// grammar is built once; participle grammars are safe for concurrent use.
var grammar = participle.MustBuild[file](
	participle.Lexer(lineDefinition{}),
	participle.UseLookahead(1),
)
