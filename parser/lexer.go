package parser

import (
	"io"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Token types. participle's cost is per token, and the only structure in
// an httpd config is section nesting, so the token stream is structural:
// one token per opening or closing line, each standing also for the plain
// lines (directives, comments, blank lines) that follow it up to the next
// opening or closing line; only the plain lines at the start of a file
// form a token of their own. A section with no section inside (most of
// them: <Directory>, <Location>, <Files>) reaches participle as no token
// at all: from its opening line to the plain lines after its closing
// line it is a leaf span, a regular language the lexer matches itself
// (see grammar.go). The line scanner reads lines exactly as httpd's
// ap_cfg_getline does and builds each line's ast node as it goes; the
// grammar then nests them.
const (
	tokLines lexer.TokenType = -(iota + 2) // plain lines at the start of the file
	tokOpen                                // "<Name ...>" and the plain lines after it
	tokClose                               // "</Name>" and the plain lines after it
)

var symbols = map[string]lexer.TokenType{
	"EOF":   lexer.EOF,
	"Lines": tokLines,
	"Open":  tokOpen,
	"Close": tokClose,
}

// lineDefinition is the participle lexer.Definition. The parser makes its
// own lineLexer per file (it keeps the nodes the tokens stand for), so
// the Lex method exists for participle's interface and tooling.
type lineDefinition struct{}

func (lineDefinition) Symbols() map[string]lexer.TokenType { return symbols }

func (lineDefinition) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return newLineLexer(filename, string(b), Config{}.withDefaults(), &ErrorList{}), nil
}

// span is the range of items a token, or a leaf section, stands for.
// For a leaf, close is the closing line's index within the span (never
// the first); it is 0 for a token.
type span struct{ first, n, close int }

// lineLexer reads logical lines and turns each into an ast node.
type lineLexer struct {
	filename string
	base     *ast.PosBase // shared by the positions of the file's nodes
	src      string
	cfg      Config
	errs     *ErrorList
	at       int // next byte to read
	line     int // line number at `at`
	lines    int // lines in src
	depth    int // open sections, to cap nesting
	// macroDepth counts the sections open inside a <Macro> (itself
	// included): SkipTrivia keeps blank lines there.
	macroDepth int

	// items holds one node per logical line, in order: a bare interface
	// value, as there is one per line of a file. Opening lines are
	// *ast.Section (body not yet filled), closing lines closeLine until
	// the builder pairs them with their section; a line's token type
	// follows from its node (tokenOf).
	// scratch.items holds one node per logical line, in order; scratch.spans
	// one span per token handed out or leaf section matched, in order.
	scratch
	next int // first item not yet handed out

	cur     curLine // the line being read; reused
	words   []syntax.Word
	dirs    []ast.Directive // slabs: one allocation for many nodes
	blank   []ast.Blank
	comms   []ast.Comment
	secs    []ast.Section
	joinBuf []byte // read's buffer for continued lines, reused
	bads    []ast.Bad
	argSlab []ast.Arg
}

// closeLine is a closing line the lexer counted as closing a section.
// It never reaches the tree: the builder copies its Raw and At to the
// section it closes. (A closing line with nothing open is a plain *ast.Bad.)
// Its Bad is in the lexer's scratch.
type closeLine struct{ *ast.Bad }

// tokenOf is the token type of a line's node.
func tokenOf(n ast.Node) lexer.TokenType {
	switch n.(type) {
	case *ast.Section:
		return tokOpen
	case closeLine:
		return tokClose
	}
	return tokLines
}

// piece maps one physical line's share of a logical line to the source.
type piece struct {
	logical int // offset in the joined logical line where this piece starts
	src     int // source offset of that byte
	line    int
}

// curLine is the logical line being built.
type curLine struct {
	raw    string
	start  int
	text   string // trimmed logical line
	offset int    // offset of text within the joined line
	first  piece
	more   []piece
}

func newLineLexer(filename, src string, cfg Config, errs *ErrorList) *lineLexer {
	lines := strings.Count(src, "\n") + 1
	lx := &lineLexer{filename: filename, base: ast.NewPosBase(filename), src: src, cfg: cfg, errs: errs, line: 1, lines: lines}
	if sc, _ := scratchPool.Get().(*scratch); sc != nil {
		lx.scratch = *sc
	}
	if cap(lx.items) < lines {
		lx.items = make([]ast.Node, 0, lines)
	}
	return lx
}

// scratch is what a lexer uses only while its file is parsed, kept for
// the next file (a loader parses hundreds): a line's item for each line
// (the builder copies the nodes out) and the closing lines (the builder
// copies what it keeps of them into their sections). Made anew for each
// file, they were ~1/3 of what loading a configuration leaves to the
// collector.
type scratch struct {
	items  []ast.Node
	spans  []span
	closes []ast.Bad
}

var scratchPool sync.Pool

// release gives the lexer's scratch to the next one; lx is not used
// after.
func (lx *lineLexer) release() {
	clear(lx.items) // the pool keeps no node alive
	clear(lx.closes)
	scratchPool.Put(&scratch{items: lx.items[:0], spans: lx.spans[:0], closes: lx.closes[:0]})
	lx.scratch = scratch{}
}

// Next implements lexer.Lexer. A whole section with no section inside
// is not handed to participle (see grammar.go): its span is recorded for
// the builder and the next token is read.
func (lx *lineLexer) Next() (lexer.Token, error) {
	for {
		first := lx.next
		if !lx.fill() {
			return lexer.EOFToken(lexer.Position{Filename: lx.filename, Offset: lx.at, Line: lx.line, Column: 1}), nil
		}
		typ := tokenOf(lx.items[first]) // tokLines only at the start of the file
		lx.next++
		lx.skipLines()
		// A closing line closes the innermost open section, so an
		// opening line whose plain lines end at a closing line is a
		// whole section.
		if typ == tokOpen && !lx.cfg.noLeaf && lx.fill() && tokenOf(lx.items[lx.next]) == tokClose {
			closeAt := lx.next - first
			lx.next++
			lx.skipLines()
			lx.spans = append(lx.spans, span{first, lx.next - first, closeAt})
			continue
		}
		return lx.token(typ, span{first, lx.next - first, 0}), nil
	}
}

// skipLines moves next past the plain lines at it.
func (lx *lineLexer) skipLines() {
	for lx.fill() && tokenOf(lx.items[lx.next]) == tokLines {
		lx.next++
	}
}

// fill makes sure items[next] exists, scanning a line if needed; it
// reports false at the end of the input.
func (lx *lineLexer) fill() bool {
	for lx.next == len(lx.items) { // a skipped line adds no item
		if lx.at >= len(lx.src) {
			return false
		}
		lx.scan()
	}
	return true
}

func (lx *lineLexer) token(t lexer.TokenType, sp span) lexer.Token {
	lx.spans = append(lx.spans, sp)
	p := lx.items[sp.first].Pos()
	return lexer.Token{Type: t, Pos: lexer.Position{Filename: p.Filename, Offset: p.Offset, Line: p.Line, Column: p.Column}}
}

// scan reads one logical line and appends its item.
func (lx *lineLexer) scan() {
	l := &lx.cur
	if !lx.read() {
		lx.items = append(lx.items, unreadLine(lx.base, lx.startPos(), l.raw))
		return
	}
	h := syntax.Classify(l.text)
	switch h.Kind {
	case syntax.Blank:
		// mod_macro keeps a body's blank lines: they count in the
		// expansion's line numbers.
		if lx.cfg.SkipTrivia && lx.macroDepth == 0 {
			return
		}
		if len(lx.blank) == cap(lx.blank) {
			lx.blank = make([]ast.Blank, 0, lx.slab(64))
		}
		// A blank line has no text to point at: its position is its start.
		lx.blank = append(lx.blank, ast.Blank{Raw: l.raw, At: lx.compact(lx.startPos())})
		lx.items = append(lx.items, &lx.blank[len(lx.blank)-1])
	case syntax.Comment:
		if lx.cfg.SkipTrivia && (lx.cfg.KeepComment == nil || !lx.cfg.KeepComment(l.text[1:])) {
			return
		}
		if len(lx.comms) == cap(lx.comms) {
			lx.comms = make([]ast.Comment, 0, lx.slab(64))
		}
		at := lx.here()
		lx.comms = append(lx.comms, ast.Comment{Text: l.text[1:], At: at, Raw: l.raw})
		lx.items = append(lx.items, &lx.comms[len(lx.comms)-1])
	case syntax.Directive:
		if len(lx.dirs) == cap(lx.dirs) {
			lx.dirs = make([]ast.Directive, 0, lx.slab(256))
		}
		at := lx.here()
		lx.dirs = append(lx.dirs, ast.Directive{Name: h.Name, At: at, Raw: l.raw})
		d := &lx.dirs[len(lx.dirs)-1]
		d.Args = lx.args(h.Rest, len(l.text))
		lx.items = append(lx.items, d)
	case syntax.Open:
		if lx.depth >= lx.cfg.MaxDepth {
			lx.errs.Add(lx.pos(0), "<%s> is nested more than %d sections deep", h.Name, lx.cfg.MaxDepth)
			lx.items = append(lx.items, lx.bad())
			return
		}
		lx.depth++
		if lx.macroDepth > 0 || strings.EqualFold(h.Name, "Macro") {
			lx.macroDepth++
		}
		if len(lx.secs) == cap(lx.secs) {
			lx.secs = make([]ast.Section, 0, lx.slab(32))
		}
		at := lx.here()
		lx.secs = append(lx.secs, ast.Section{Name: h.Name, At: at, Raw: l.raw})
		s := &lx.secs[len(lx.secs)-1]
		a, e := syntax.HeaderArgs(l.text, h)
		s.Args = lx.args(a, e)
		if h.MissingGT {
			lx.errs.Add(s.Pos(), "<%s> directive missing closing '>'", s.Name)
		}
		lx.items = append(lx.items, s)
	case syntax.Close:
		if lx.depth == 0 {
			// Nothing is open (the grammar would agree: every Open it
			// sees is counted here): a plain line, kept as Bad.
			lx.errs.Add(lx.pos(0), "</%s> without matching <%s> section", h.Name, h.Name)
			lx.items = append(lx.items, lx.bad())
			return
		}
		lx.depth--
		if lx.macroDepth > 0 {
			lx.macroDepth--
		}
		if len(lx.closes) == cap(lx.closes) {
			// A new slab: items point into the old one.
			lx.closes = make([]ast.Bad, 0, max(64, 2*cap(lx.closes)))
		}
		lx.closes = append(lx.closes, ast.Bad{Text: lx.cur.text, At: lx.here(), Raw: lx.cur.raw})
		cl := closeLine{&lx.closes[len(lx.closes)-1]}
		if h.MissingGT {
			lx.errs.Add(cl.Pos(), "</%s> directive missing closing '>'", h.Name)
		}
		lx.items = append(lx.items, cl)
	}
}

// bad returns a Bad for the current line. Closing lines are Bad until
// the grammar pairs them (then they are dropped), so they come from a slab
// too.
func (lx *lineLexer) bad() *ast.Bad {
	if len(lx.bads) == cap(lx.bads) {
		lx.bads = make([]ast.Bad, 0, lx.slab(64))
	}
	at := lx.here()
	lx.bads = append(lx.bads, ast.Bad{Text: lx.cur.text, At: at, Raw: lx.cur.raw})
	return &lx.bads[len(lx.bads)-1]
}

// slab is the capacity for a new slab of nodes: def, or fewer when fewer
// lines are left (a small .htaccess must not cost a 256-node slab).
func (lx *lineLexer) slab(def int) int {
	return max(1, min(def, lx.lines-lx.line+1))
}

// read consumes one logical line into lx.cur, applying ap_cfg_getline's
// rules: a physical line whose content (before LF, and before CR when
// CRLF) ends in a backslash continues on the next line with the backslash
// removed; a NUL byte ends the logical line (httpd sees a C string), the
// rest of its physical line being ignored; leading and trailing whitespace
// is trimmed. It returns false for a line over the length limit, which is
// reported and skipped whole.
func (lx *lineLexer) read() bool {
	src := lx.src
	l := &lx.cur
	*l = curLine{start: lx.at, first: piece{src: lx.at, line: lx.line}, more: l.more[:0]}
	joined := lx.joinBuf[:0] // only for continued lines
	var logical string
	n := 0 // logical length so far
	for {
		var content string
		next, hasNL := len(src), false
		if nl := strings.IndexByte(src[lx.at:], '\n'); nl >= 0 {
			content, next, hasNL = src[lx.at:lx.at+nl], lx.at+nl+1, true
		} else {
			content = src[lx.at:]
		}
		cont, stop := false, false
		if z := strings.IndexByte(content, 0); z >= 0 {
			content, stop = content[:z], true
		} else if hasNL {
			c := strings.TrimSuffix(content, "\r")
			if strings.HasSuffix(c, "\\") {
				content, cont = c[:len(c)-1], true
			}
		}
		n += len(content)
		if n > lx.cfg.MaxLineLength {
			lx.errs.Add(lx.startPos(), "line too long (more than %d bytes)", lx.cfg.MaxLineLength)
			lx.at, lx.line = next, lx.line+btoi(hasNL)
			for cont && lx.at < len(src) { // the rest of the logical line
				nl := strings.IndexByte(src[lx.at:], '\n')
				if nl < 0 {
					lx.at = len(src)
					break
				}
				c := strings.TrimSuffix(src[lx.at:lx.at+nl], "\r")
				lx.at, lx.line = lx.at+nl+1, lx.line+1
				cont = strings.HasSuffix(c, "\\")
			}
			l.raw = src[l.start:lx.at]
			return false
		}
		if len(joined) == 0 && !cont {
			logical = content
		} else {
			joined = append(joined, content...)
		}
		lx.at = next
		if hasNL {
			lx.line++
		}
		if !cont || stop || lx.at >= len(src) {
			break
		}
		l.more = append(l.more, piece{logical: n, src: lx.at, line: lx.line})
	}
	if len(joined) > 0 {
		logical = string(joined)
		lx.joinBuf = joined
	}
	l.raw = src[l.start:lx.at]
	a, e := syntax.TrimSpace(logical)
	l.text, l.offset = logical[a:e], a
	return true
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// startPos is the position of the current line's first byte.
func (lx *lineLexer) startPos() ast.Position {
	return ast.Position{Filename: lx.filename, Offset: lx.cur.start, Line: lx.cur.first.line, Column: 1}
}

// pos maps offset i of the current line's text to a source position.
func (lx *lineLexer) pos(i int) ast.Position {
	l := &lx.cur
	at := l.offset + i
	p := l.first
	for _, q := range l.more {
		if q.logical > at {
			break
		}
		p = q
	}
	d := at - p.logical
	// Every piece starts a physical line, so the column is d+1.
	return ast.Position{Filename: lx.filename, Offset: p.src + d, Line: p.line, Column: d + 1}
}

// here is the compact position of the current line's text.
func (lx *lineLexer) here() ast.Pos { return lx.compact(lx.pos(0)) }

// unreadLine is a Bad for source the parser did not read (a line or a
// file over the limits) starting at start. Like every node's, its
// position is past its indentation.
func unreadLine(base *ast.PosBase, start ast.Position, raw string) *ast.Bad {
	b := &ast.Bad{Raw: raw}
	p := start.Advance(b.Indent())
	b.At = base.Pos(p.Offset, p.Line, p.Column)
	return b
}

// compact is p as a node keeps it, sharing the file's PosBase.
func (lx *lineLexer) compact(p ast.Position) ast.Pos {
	return lx.base.Pos(p.Offset, p.Line, p.Column)
}

// args splits text[from:to] of the current line into arguments.
func (lx *lineLexer) args(from, to int) []ast.Arg {
	if from >= to {
		return nil
	}
	text := lx.cur.text[:to]
	lx.words = lx.words[:0]
	for i := from; ; {
		w, next, ok := syntax.NextWord(text, i)
		if !ok {
			break
		}
		lx.words = append(lx.words, w)
		i = next
	}
	n := len(lx.words)
	if len(lx.argSlab)+n > cap(lx.argSlab) {
		lx.argSlab = make([]ast.Arg, 0, max(min(1024, 4*lx.slab(256)), n))
	}
	start := len(lx.argSlab)
	lx.argSlab = lx.argSlab[:start+n]
	// Full slice expression: an append by the caller must not overwrite
	// the next directive's arguments.
	args := lx.argSlab[start : start+n : start+n]
	for i, w := range lx.words {
		args[i] = ast.Arg{Value: w.Value, Raw: text[w.Start:w.End]}
	}
	return args
}
