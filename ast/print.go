package ast

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Fprint writes f to w. A node whose Name and Args still read back from
// its Raw source is written as that source, byte for byte; so an
// unmodified tree prints exactly the bytes it was parsed from. An edited
// node is written canonically, keeping its original indentation, the
// white space between a one-line directive's name and its first argument
// (the column values are aligned to) and its line terminator; a new node (no Raw) is indented like its siblings, or one
// level (the file's own indentation unit) deeper than its section.
func Fprint(w io.Writer, f *File) error {
	p := printer{eol: f.EOL, unit: IndentUnit(f)}
	if p.unit == "" {
		p.unit = "    "
	}
	if p.eol == "" {
		p.eol = "\n"
	}
	p.nodes(f.Body, "")
	if p.err != nil {
		return p.err
	}
	_, err := w.Write(p.buf.Bytes())
	return err
}

// Format returns f printed as by Fprint.
func Format(f *File) ([]byte, error) {
	var b bytes.Buffer
	if err := Fprint(&b, f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// FormatNode returns one node printed at top level, as by Fprint.
func FormatNode(n Node) ([]byte, error) {
	return Format(&File{Body: []Node{n}})
}

// PrintError reports a value that no config file can hold.
type PrintError struct {
	Pos Position
	Msg string
}

func (e *PrintError) Error() string {
	if !e.Pos.IsValid() { // a node built by code
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

type printer struct {
	buf  bytes.Buffer
	eol  string
	unit string
	err  error
}

// nodes prints a body; fallback is the indentation for new nodes when no
// sibling was parsed from source.
func (p *printer) nodes(nodes []Node, fallback string) {
	indent := siblingIndent(nodes, fallback)
	for _, n := range nodes {
		p.node(n, indent)
	}
}

// startLine makes sure the next node starts on a line of its own: after a
// last line without terminator, or after nodes were moved, it writes one.
func (p *printer) startLine() {
	if b := p.buf.Bytes(); len(b) > 0 && b[len(b)-1] != '\n' {
		p.buf.WriteString(p.eol)
	}
}

func (p *printer) node(n Node, indent string) {
	p.startLine()
	switch n := n.(type) {
	case *Directive:
		if n.Raw != "" && directiveUnchanged(n) {
			p.buf.WriteString(n.Raw)
			return
		}
		p.buf.WriteString(pick(n.Raw, n.Indent(), indent))
		p.name(n.Name, n.Pos())
		p.args(n.Name, n.Args, n.ArgPos, nameGap(n.Raw))
		p.buf.WriteString(p.lineEnd(n.Raw))
	case *Section:
		p.section(n, indent)
	case *Comment:
		if n.Raw != "" && logicalLine(n.Raw) == "#"+n.Text {
			p.buf.WriteString(n.Raw)
			return
		}
		if strings.ContainsAny(n.Text, "\n\x00") {
			p.fail(n.Pos(), "comment text holds a line feed or NUL byte")
			return
		}
		p.buf.WriteString(pick(n.Raw, n.Indent(), indent))
		p.buf.WriteString("#" + n.Text)
		p.buf.WriteString(p.lineEnd(n.Raw))
	case *Blank:
		if n.Raw != "" {
			p.buf.WriteString(n.Raw)
		} else {
			p.buf.WriteString(p.eol)
		}
	case *Bad:
		if n.Raw != "" {
			p.buf.WriteString(n.Raw)
		} else {
			p.buf.WriteString(indent + n.Text + p.eol)
		}
	case nil:
	default:
		p.fail(n.Pos(), fmt.Sprintf("cannot print node of type %T", n))
	}
}

func (p *printer) section(s *Section, indent string) {
	own := pick(s.Raw, s.Indent(), indent)
	if s.Raw != "" && sectionHeaderUnchanged(s) {
		p.buf.WriteString(s.Raw)
	} else {
		p.buf.WriteString(own)
		p.buf.WriteByte('<')
		p.name(s.Name, s.Pos())
		p.args("<"+s.Name+">", s.Args, s.ArgPos, " ")
		p.buf.WriteString(">" + s.trailer())
		p.buf.WriteString(p.lineEnd(s.Raw))
	}
	p.nodes(s.Body, own+p.unit)
	if s.Unclosed {
		return
	}
	p.startLine()
	if s.CloseRaw != "" && (sectionNameUnchanged(s) || strings.EqualFold(closeName(s.CloseRaw), s.Name)) {
		p.buf.WriteString(s.CloseRaw)
		return
	}
	p.buf.WriteString(own + "</" + s.Name + ">")
	p.buf.WriteString(p.lineEnd(s.CloseRaw))
}

func (p *printer) name(name string, pos Position) {
	if !syntax.Representable(name) || name == "" {
		p.fail(pos, fmt.Sprintf("directive name %q cannot be written in a config file", name))
		return
	}
	if strings.HasSuffix(name, ">") || name[0] == '<' {
		// httpd would strip or reinterpret these; quoting does not help.
		p.fail(pos, fmt.Sprintf("directive name %q cannot be written in a config file", name))
		return
	}
	p.buf.WriteString(syntax.Quote(name, 0))
}

// args writes the arguments of the directive or section name, the first
// after gap, the others after a space.
func (p *printer) args(name string, args []Arg, pos func(int) Position, gap string) {
	for i, a := range args {
		if !syntax.Representable(a.Value) {
			p.fail(pos(i), fmt.Sprintf("%s: argument %q holds a line feed or NUL byte, which no config file can hold", name, a.Value))
			return
		}
		if i == 0 {
			p.buf.WriteString(gap)
		} else {
			p.buf.WriteByte(' ')
		}
		p.buf.WriteString(argText(a))
	}
}

// nameGap is the white space between a directive's name and its first
// argument on a one-line source (raw), so that an edited value stays in
// the column it was aligned to (Debian's mpm_*.conf); else one space.
func nameGap(raw string) string {
	line := logicalLine(raw)
	if line == "" || strings.Contains(raw, "\\\n") {
		return " "
	}
	rest := line[syntax.Classify(line).Rest:]
	gap := rest[:len(rest)-len(strings.TrimLeft(rest, " \t"))]
	if gap == "" || gap == rest {
		return " "
	}
	return gap
}

// lineEnd is the terminator an edited node keeps: its own, else the file's.
func (p *printer) lineEnd(raw string) string {
	switch {
	case raw == "":
		return p.eol
	case strings.HasSuffix(raw, "\r\n"):
		return "\r\n"
	case strings.HasSuffix(raw, "\n"):
		return "\n"
	}
	return "" // the file's last line had none
}

func (p *printer) fail(pos Position, msg string) {
	if p.err == nil {
		p.err = &PrintError{Pos: pos, Msg: msg}
	}
}

// pick returns the node's own indentation when it has source, else the
// computed one. Indentation containing a continuation is not reused.
func pick(raw, own, computed string) string {
	if raw != "" && !strings.ContainsAny(own, "\\\n") {
		return own
	}
	return computed
}

// siblingIndent is the indentation for new nodes in a body: that of the
// first sibling parsed from source, else fallback.
func siblingIndent(nodes []Node, fallback string) string {
	for _, n := range nodes {
		var raw, ind string
		switch n := n.(type) {
		case *Directive:
			raw, ind = n.Raw, n.Indent()
		case *Section:
			raw, ind = n.Raw, n.Indent()
		case *Comment:
			raw, ind = n.Raw, n.Indent()
		}
		if raw != "" && !strings.ContainsAny(ind, "\\\n") {
			return ind
		}
	}
	return fallback
}

// IndentUnit returns f's indentation step, which new nodes get per level
// of sections: the extra indentation of the first indented child of a
// top-level section parsed from source, else f.Indent; "" when neither
// tells (the printer then indents by four spaces).
func IndentUnit(f *File) string {
	if u := indentUnit(f.Body); u != "" {
		return u
	}
	return f.Indent
}

// indentUnit finds the indentation step body shows ("" when none does).
func indentUnit(nodes []Node) string {
	for _, n := range nodes {
		s, ok := n.(*Section)
		if !ok || s.Raw == "" {
			continue
		}
		for _, c := range s.Body {
			var ind string
			switch c := c.(type) {
			case *Directive:
				ind = c.Indent()
			case *Section:
				ind = c.Indent()
			default:
				continue
			}
			if len(ind) > len(s.Indent()) && strings.HasPrefix(ind, s.Indent()) && !strings.ContainsAny(ind, "\\\n") {
				return ind[len(s.Indent()):]
			}
		}
	}
	return ""
}

// directiveUnchanged reports whether d's Name and Args are what its Raw
// source reads as.
func directiveUnchanged(d *Directive) bool {
	line := logicalLine(d.Raw)
	h := syntax.Classify(line)
	if h.Kind != syntax.Directive || h.Name != d.Name {
		return false
	}
	return argsMatch(line, h.Rest, len(line), d.Args)
}

func sectionHeaderUnchanged(s *Section) bool {
	line := logicalLine(s.Raw)
	h := syntax.Classify(line)
	if h.Kind != syntax.Open || h.Name != s.Name {
		return false
	}
	a, e := syntax.HeaderArgs(line, h)
	return argsMatch(line[:e], a, e, s.Args)
}

func sectionNameUnchanged(s *Section) bool {
	return s.Raw != "" && syntax.Classify(logicalLine(s.Raw)).Name == s.Name
}

func closeName(raw string) string { return syntax.Classify(logicalLine(raw)).Name }

func argsMatch(line string, from, to int, args []Arg) bool {
	i, k := from, 0
	for {
		w, next, ok := syntax.NextWord(line[:to], i)
		if !ok {
			return k == len(args)
		}
		if k >= len(args) || args[k].Value != w.Value || args[k].Quote() != w.Quote {
			return false
		}
		k++
		i = next
	}
}
