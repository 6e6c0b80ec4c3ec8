package ast

import (
	"slices"
	"strings"

	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Editing. A configuration-management tool changes a tree through these
// functions and prints it with Fprint: untouched lines keep their bytes,
// so the diff is the edit. Every function is idempotent: applying the
// same edit twice changes nothing the second time.

// Container is anything with a body of nodes: *File and *Section.
type Container interface {
	Nodes() *[]Node
}

// Nodes returns the file's top-level body, for editing.
func (f *File) Nodes() *[]Node { return &f.Body }

// Nodes returns the section's body, for editing. A nil section panics
// with a message saying so (typically a FindSection that found nothing).
func (s *Section) Nodes() *[]Node {
	if s == nil {
		panic("ast: editing a nil *Section (did FindSection find nothing?)")
	}
	return &s.Body
}

// Find returns the directives named name (any case) in c's body, not
// descending into sections.
func Find(c Container, name string) []*Directive {
	var out []*Directive
	for _, n := range *c.Nodes() {
		if d, ok := n.(*Directive); ok && d.Is(name) {
			out = append(out, d)
		}
	}
	return out
}

// FindSection returns the first section named name (any case) in c's
// body whose arguments equal args (all of them, when args is non-empty),
// not descending into sections; nil when there is none.
func FindSection(c Container, name string, args ...string) *Section {
	for _, n := range *c.Nodes() {
		s, ok := n.(*Section)
		if !ok || !s.Is(name) {
			continue
		}
		if len(args) == 0 || slices.Equal(s.Values(), args) {
			return s
		}
	}
	return nil
}

// FindAll returns every section named name (any case) anywhere below c,
// depth first.
func FindAll(c Container, name string) []*Section {
	var out []*Section
	Inspect(*c.Nodes(), func(n Node) bool {
		if s, ok := n.(*Section); ok && s.Is(name) {
			out = append(out, s)
		}
		return true
	})
	return out
}

// SetArgs sets a directive's argument values, keeping each argument's
// quote character where the position still exists, so an edit of one
// value changes only that value in the printed line.
func (d *Directive) SetArgs(values ...string) {
	if slices.Equal(d.Values(), values) {
		return
	}
	args := make([]Arg, len(values))
	for i, v := range values {
		args[i].Value = v
		if i < len(d.Args) {
			if d.Args[i].Value == v {
				args[i] = d.Args[i]
			} else if q := d.Args[i].Quote(); q != 0 {
				// The quote is kept in the text it will be printed as.
				args[i].Raw = syntax.Quote(v, q)
			}
		}
	}
	d.Args = args
}

// Set makes c hold one directive named name with these values, and
// returns it.
//
// For a keyed directive (see KeyOf: SetEnv by variable, AddHandler by
// extension, Header by header name, Alias by URL path, Listen by address
// …) only the instances with the same key as values are concerned:
// Set(v, "SetEnv", "A", "3") updates SetEnv A and keeps SetEnv B. For
// others, every instance is.
//
// The first instance found is updated — in c's body or in a
// configuration-time conditional section inside it (<IfModule>,
// <IfDefine>, <IfVersion>, <IfFile>, <IfDirective>, <IfSection>), where
// Set edits it in place rather than adding a second one outside — and
// later instances in the same body are removed. Instances in other
// conditional sections are updated too (each branch keeps its own
// line). With none, a new directive is appended to c's body (before the
// blank lines that end it).
func Set(c Container, name string, values ...string) *Directive {
	key, keyed := KeyOf(name, values)
	matches := func(d *Directive) bool {
		if !d.Is(name) {
			return false
		}
		if !keyed {
			return true
		}
		k, _ := KeyOf(d.Name, d.Values())
		return k == key
	}
	first := setIn(c.Nodes(), matches, values)
	if first != nil {
		return first
	}
	d := NewDirective(name, values...)
	Append(c, d)
	return d
}

// setIn updates the directives that match in body and in the
// conditional sections below it, removing the second and later ones of
// each body; it returns the first it updated.
func setIn(body *[]Node, matches func(*Directive) bool, values []string) *Directive {
	var first, here *Directive
	out := (*body)[:0:0]
	removed := false
	for _, n := range *body {
		switch n := n.(type) {
		case *Directive:
			if matches(n) {
				if here != nil {
					removed = true
					continue
				}
				here = n
				n.SetArgs(values...)
				if first == nil {
					first = n
				}
			}
		case *Section:
			if IsConditional(n) {
				if d := setIn(&n.Body, matches, values); first == nil {
					first = d
				}
			}
		}
		out = append(out, n)
	}
	if removed {
		*body = out
	}
	return first
}

// IsConditional reports whether s is a section httpd evaluates once, when
// it reads the configuration (<IfModule>, <IfDefine>, <IfVersion>,
// <IfFile>, <IfDirective>, <IfSection>): what it holds belongs to the
// enclosing context. <If> and <Else> are evaluated per request and are
// contexts of their own.
func IsConditional(s *Section) bool {
	switch s.Canonical() {
	case "ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection":
		return true
	}
	return false
}

// Lookup returns the directives named name in c's body and in the
// conditional sections inside it (see IsConditional), in source order:
// the instances that apply to c's context when their conditions hold.
func Lookup(c Container, name string) []*Directive {
	var out []*Directive
	lookup(*c.Nodes(), func(n Node) {
		if d, ok := n.(*Directive); ok && d.Is(name) {
			out = append(out, d)
		}
	})
	return out
}

// LookupSections is Lookup for sections named name.
func LookupSections(c Container, name string) []*Section {
	var out []*Section
	lookup(*c.Nodes(), func(n Node) {
		if s, ok := n.(*Section); ok && s.Is(name) {
			out = append(out, s)
		}
	})
	return out
}

// lookup calls f for the nodes of body and of the conditional sections
// inside it.
func lookup(body []Node, f func(Node)) {
	for _, n := range body {
		f(n)
		if s, ok := n.(*Section); ok && IsConditional(s) {
			lookup(s.Body, f)
		}
	}
}

// Ensure adds a directive named name with these values unless one with
// exactly these values is already there. It returns that directive.
func Ensure(c Container, name string, values ...string) *Directive {
	for _, d := range Find(c, name) {
		if slices.Equal(d.Values(), values) {
			return d
		}
	}
	d := NewDirective(name, values...)
	Append(c, d)
	return d
}

// EnsureSection returns the section named name with these arguments in
// c's body, appending an empty one when there is none.
func EnsureSection(c Container, name string, args ...string) *Section {
	if s := FindSection(c, name, args...); s != nil {
		return s
	}
	s := NewSection(name, args...)
	Append(c, s)
	return s
}

// Append adds n at the end of c's body, before the blank lines and
// comments that trail it (they usually belong to what follows).
func Append(c Container, n Node) {
	body := c.Nodes()
	i := len(*body)
	for i > 0 {
		switch (*body)[i-1].(type) {
		case *Blank:
			i--
			continue
		}
		break
	}
	insertAt(body, i, n)
}

// InsertBefore inserts n before mark in c's body; it appends when mark is
// not there. InsertAfter likewise.
func InsertBefore(c Container, mark, n Node) { insertRelative(c, mark, n, 0) }

// InsertAfter inserts n after mark in c's body; see InsertBefore.
func InsertAfter(c Container, mark, n Node) { insertRelative(c, mark, n, 1) }

func insertRelative(c Container, mark, n Node, offset int) {
	body := c.Nodes()
	for i, x := range *body {
		if x == n {
			return // already there: idempotent
		}
		if x == mark {
			insertAt(body, i+offset, n)
			return
		}
	}
	Append(c, n)
}

func insertAt(body *[]Node, i int, n Node) {
	*body = append(*body, nil)
	copy((*body)[i+1:], (*body)[i:])
	(*body)[i] = n
}

// Remove deletes node n from c's body (at any depth below c) and reports
// whether it was found. The node's line (its Raw, with its comments
// elsewhere untouched) disappears from the printed file.
func Remove(c Container, n Node) bool {
	body := c.Nodes()
	for i, x := range *body {
		if x == n {
			*body = append((*body)[:i], (*body)[i+1:]...)
			return true
		}
		if s, ok := x.(*Section); ok && Remove(s, n) {
			return true
		}
	}
	return false
}

// RemoveAll deletes the directives named name from c's body (not below)
// and returns how many there were.
func RemoveAll(c Container, name string) int {
	body := c.Nodes()
	out := (*body)[:0:0]
	removed := 0
	for _, n := range *body {
		if d, ok := n.(*Directive); ok && d.Is(name) {
			removed++
			continue
		}
		out = append(out, n)
	}
	if removed > 0 {
		*body = out
	}
	return removed
}

// EnsureComment puts a comment with text right before mark in c's body,
// unless the node before mark already is that comment. It returns the
// comment.
func EnsureComment(c Container, mark Node, text string) *Comment {
	want := NewComment(text)
	body := *c.Nodes()
	for i, n := range body {
		if n != mark {
			continue
		}
		if i > 0 {
			if prev, ok := body[i-1].(*Comment); ok && strings.TrimSpace(prev.Text) == strings.TrimSpace(want.Text) {
				return prev
			}
		}
		InsertBefore(c, mark, want)
		return want
	}
	Append(c, want)
	return want
}

// NewComment makes a comment node for insertion (text after "#").
func NewComment(text string) *Comment {
	if !strings.HasPrefix(text, " ") && text != "" {
		text = " " + text
	}
	return &Comment{Text: text}
}
