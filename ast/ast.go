package ast

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Node is any element of a configuration file.
type Node interface {
	// Pos is the position of the node's first significant byte: the
	// directive name, the '<' of a section, the '#' of a comment.
	Pos() Position
	// End is the position just past the node's last byte in the source,
	// line terminator included (for a section: past its closing tag).
	End() Position
	node()
}

// File is one parsed configuration file.
type File struct {
	Name string // the file name as given to the parser
	Body []Node // top-level nodes in source order
	// EOL is the line terminator used when printing new or edited nodes:
	// "\r\n" when the file's first line ends that way, else "\n".
	EOL string
	// Indent is the indentation step for new nodes when no section of
	// Body shows the file's own ("": four spaces): an edit session sets
	// it on a file it creates to its tree's step (see IndentUnit).
	Indent string
}

// Arg is one argument word.
//
// An Arg holds no position of its own and no quote character apart from
// its Raw text: a config has several arguments per line, each costing
// its size again. Ask its node for the position (Directive.ArgPos,
// Section.ArgPos) and the Arg for the quote (Quote).
type Arg struct {
	// Value is the word as httpd reads it: quotes removed, \\ and \"
	// escapes applied. ${VAR} references are not expanded here; the
	// loader does that.
	Value string
	// Raw is the word exactly as written, quotes included; for a value
	// set by Directive.SetArgs, as it will be written. It is empty for
	// arguments built by NewArgs.
	Raw string
}

// Quote is the quote character the word is written with, a double or a
// single quote, or 0: httpd reads a word that starts with a quote as
// quoted. A printer writing an edited argument keeps it.
func (a Arg) Quote() byte {
	if a.Raw != "" && (a.Raw[0] == '"' || a.Raw[0] == '\'') {
		return a.Raw[0]
	}
	return 0
}

// Directive is a simple directive: a name and its arguments on one
// logical line (physical lines joined by a trailing backslash).
type Directive struct {
	Name string // as written; httpd matches names case-insensitively, see Canonical
	Args []Arg
	// At is the position of the name; Pos() expands it.
	At Pos
	// Raw is the node's exact source: indentation, continuations, line
	// terminator. The printer reproduces it while Name and Args still
	// read back from it; an edited directive is printed canonically.
	// Indent() is its indentation.
	Raw string
}

// Section is a container: <Name args> … </Name>.
type Section struct {
	Name string // without '<', as written, e.g. "VirtualHost"
	// Args are the words between the name and the last '>' of the line,
	// where httpd's section handlers look for them.
	Args []Arg
	Body []Node
	// At is the position of the '<'; Pos() expands it.
	At Pos
	// Raw is the opening line's exact source; Indent() its indentation.
	Raw string
	// CloseRaw is the closing line's exact source; CloseAt the position
	// of its '<'. Both are zero when the section was not closed in the
	// source (a syntax error), or is new.
	CloseRaw string
	CloseAt  Pos
	// Unclosed records that the source ended (or a mismatched closing tag
	// came) before this section's closing tag; the printer then writes no
	// closing tag, so that printing stays lossless.
	Unclosed bool
}

// Comment is a line whose first non-blank byte is '#'. A comment line that
// ends in a backslash continues on the next line, as in httpd.
type Comment struct {
	Text string // the logical line after '#', trailing whitespace removed
	At   Pos    // the position of the '#'
	Raw  string
}

// Blank is an empty (or whitespace-only) line.
type Blank struct {
	At  Pos // the line's start
	Raw string
}

// Bad is a line that could not be placed in the tree, such as a closing
// tag with no open section. It is kept so that nothing written is lost.
type Bad struct {
	Text string // the logical line, trimmed
	At   Pos    // the position of its first byte after the indentation
	Raw  string
}

func (*Directive) node() {}
func (*Section) node()   {}
func (*Comment) node()   {}
func (*Blank) node()     {}
func (*Bad) node()       {}

// Pos implements Node.
func (d *Directive) Pos() Position { return d.At.Position() }

// End implements Node.
func (d *Directive) End() Position { return d.Pos().Advance(afterIndent(d.Raw)) }

// Pos implements Node.
func (s *Section) Pos() Position { return s.At.Position() }

// End implements Node.
func (s *Section) End() Position {
	if s.CloseRaw != "" && s.CloseAt.IsValid() {
		return s.CloseAt.Position().Advance(s.CloseRaw[leadingTrivia(s.CloseRaw):])
	}
	if n := len(s.Body); n > 0 {
		return s.Body[n-1].End()
	}
	return s.Pos().Advance(afterIndent(s.Raw))
}

// Pos implements Node.
func (c *Comment) Pos() Position { return c.At.Position() }

// End implements Node.
func (c *Comment) End() Position { return c.Pos().Advance(afterIndent(c.Raw)) }

// Pos implements Node.
func (b *Blank) Pos() Position { return b.At.Position() }

// End implements Node.
func (b *Blank) End() Position { return b.Pos().Advance(b.Raw) }

// Pos implements Node.
func (b *Bad) Pos() Position { return b.At.Position() }

// End implements Node.
func (b *Bad) End() Position { return b.Pos().Advance(afterIndent(b.Raw)) }

// leadingTrivia is the length of what precedes a line's first word in
// raw: httpd whitespace and backslash-newline continuations. It stops at
// a line terminator: the indentation of a line with no word (a Bad for
// an over-long blank line, a file over the size limit) stays on its line.
func leadingTrivia(raw string) int {
	i := 0
	for i < len(raw) {
		switch {
		case raw[i] == '\n' || raw[i] == '\r' && strings.HasPrefix(raw[i+1:], "\n"):
			return i
		case syntax.IsSpace(raw[i]):
			i++
		case raw[i] == '\\' && strings.HasPrefix(raw[i+1:], "\n"):
			i += 2
		case raw[i] == '\\' && strings.HasPrefix(raw[i+1:], "\r\n"):
			i += 3
		default:
			return i
		}
	}
	return i
}

// Indent is the source before the directive's name on its line:
// whitespace, and continuation lines holding only that. It is a prefix of
// Raw ("" for a node built by code); a node keeps no copy of it.
func (d *Directive) Indent() string { return d.Raw[:leadingTrivia(d.Raw)] }

// Indent is the source before the section's '<'; see Directive.Indent.
func (s *Section) Indent() string { return s.Raw[:leadingTrivia(s.Raw)] }

// Indent is the source before the comment's '#'; see Directive.Indent.
func (c *Comment) Indent() string { return c.Raw[:leadingTrivia(c.Raw)] }

// Indent is the source before the line's first byte; see Directive.Indent.
func (b *Bad) Indent() string { return b.Raw[:leadingTrivia(b.Raw)] }

// afterIndent is raw from the node's position on.
func afterIndent(raw string) string { return raw[leadingTrivia(raw):] }

// Canonical returns the name in the form httpd looks it up: ASCII letters
// in lower case (httpd compares names with strcasecmp in the C locale).
func Canonical(name string) string {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c >= 'A' && c <= 'Z' {
			return lowered.of(name)
		}
	}
	return name
}

// lowered remembers the lower case of the names met: a configuration
// spells a few hundred names over and over, and scope and lint ask for
// each directive's canonical name many times, from several goroutines
// (lowering allocates every time). Readers take the published map with
// one atomic load and no lock, which the rules running side by side
// would contend for; a new name publishes a copy. Names come from the
// input, so it is bounded: names longer than any of httpd's are not
// kept, nor more than maxLoweredNames (the copies cost O(n²) in all:
// ~0.5M map insertions at most, for the life of the process).
var lowered loweredNames

const (
	maxLoweredNames = 1024 // httpd has ~800 directives
	maxLoweredLen   = 64   // httpd's longest directive name has 35 bytes
)

type loweredNames struct {
	published atomic.Pointer[map[string]string]
	mu        sync.Mutex // serializes publications
}

func (l *loweredNames) of(name string) string {
	if m := l.published.Load(); m != nil {
		if low, ok := (*m)[name]; ok {
			return low
		}
	}
	low := syntax.ToLowerASCII(name)
	if len(name) > maxLoweredLen {
		return low
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	old := l.published.Load()
	if old == nil {
		old = &map[string]string{}
	}
	if _, ok := (*old)[name]; ok || len(*old) >= maxLoweredNames {
		return low
	}
	m := make(map[string]string, len(*old)+1)
	for k, v := range *old {
		m[k] = v
	}
	m[strings.Clone(name)] = low // not a piece of someone's input
	l.published.Store(&m)
	return low
}

// Canonical returns the directive name in lower case.
func (d *Directive) Canonical() string { return Canonical(d.Name) }

// Canonical returns the section name in lower case, without '<'.
func (s *Section) Canonical() string { return Canonical(s.Name) }

// Is reports whether the directive's name is name, ignoring case.
func (d *Directive) Is(name string) bool { return syntax.EqualFoldASCII(d.Name, name) }

// Is reports whether the section's name is name, ignoring case.
func (s *Section) Is(name string) bool { return syntax.EqualFoldASCII(s.Name, name) }

// Values returns the argument values.
func (d *Directive) Values() []string { return values(d.Args) }

// Values returns the argument values.
func (s *Section) Values() []string { return values(s.Args) }

func values(args []Arg) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

// NewArgs builds arguments from values, for directives made by code.
func NewArgs(values ...string) []Arg {
	args := make([]Arg, len(values))
	for i, v := range values {
		args[i].Value = v
	}
	return args
}

// ArgText returns the header text httpd hands to the section's handler:
// everything after the name up to (not including) the last '>', trimmed.
// Sections such as <If> read it as one expression rather than as words.
func (s *Section) ArgText() string {
	if s.Raw == "" {
		parts := make([]string, len(s.Args))
		for i, a := range s.Args {
			parts[i] = argText(a)
		}
		return strings.Join(parts, " ")
	}
	line := logicalLine(s.Raw)
	a, e := syntax.HeaderArgs(line, syntax.Classify(line))
	return line[a:e]
}

// trailer returns what follows the header's last '>' (ignored by httpd,
// kept when an edited header is printed).
func (s *Section) trailer() string {
	if s.Raw == "" {
		return ""
	}
	line := logicalLine(s.Raw)
	h := syntax.Classify(line)
	if gt := strings.LastIndexByte(line[h.Rest:], '>'); gt >= 0 {
		return line[h.Rest+gt+1:]
	}
	return ""
}

// logicalLine joins a raw line's continuations and trims it, as
// ap_cfg_getline does.
func logicalLine(raw string) string {
	s := JoinContinuations(raw)
	a, e := syntax.TrimSpace(s)
	return s[a:e]
}

// JoinContinuations returns raw with every backslash-newline (and
// backslash-CR-LF) continuation removed, and with any text after a NUL
// byte on its physical line dropped, the way httpd's line reader sees it.
func JoinContinuations(raw string) string {
	if strings.IndexByte(raw, '\\') < 0 && strings.IndexByte(raw, 0) < 0 {
		return raw
	}
	var b strings.Builder
	for len(raw) > 0 {
		nl := strings.IndexByte(raw, '\n')
		phys := raw
		if nl >= 0 {
			phys, raw = raw[:nl], raw[nl+1:]
		} else {
			raw = ""
		}
		if z := strings.IndexByte(phys, 0); z >= 0 {
			b.WriteString(phys[:z])
			break
		}
		content := strings.TrimSuffix(phys, "\r")
		if nl >= 0 && strings.HasSuffix(content, "\\") {
			b.WriteString(content[:len(content)-1])
			continue
		}
		b.WriteString(phys)
		break
	}
	return b.String()
}

func argText(a Arg) string {
	if a.Raw != "" && rawMatches(a) {
		return a.Raw
	}
	return syntax.Quote(a.Value, a.Quote())
}

// rawMatches reports whether an argument's Raw still reads back as its
// Value, also with more words after it: a quoted word written without
// its closing quote (the end of its line closed it) does not.
func rawMatches(a Arg) bool {
	w, _, ok := syntax.NextWord(a.Raw+" x", 0)
	return ok && w.End == len(a.Raw) && w.Value == a.Value
}
