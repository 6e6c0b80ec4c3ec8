package apacheconf

import (
	"errors"
	"slices"

	"github.com/apacheconf/apacheconf/ast"
)

// Editing in the contexts httpd sees. A directive of the main server may
// be written in any file an Include reads, inside <IfModule> and the like;
// Set, Delete and EnsureSection look for it where the loaded configuration
// has it (Config.Loaded: includes read, true conditionals opened, false
// ones gone) and edit it where it is written. They need a session from
// Config.Edit.
//
// in names the context: nil for the main server, a section of the loaded
// tree (a <VirtualHost> from Config.VirtualHosts, say), or a section this
// session returned (from EnsureSection, Section, File), which is edited
// with the ast package's functions as it is.

var errNoLoaded = errors.New("apacheconf: edit: this session was not made by Config.Edit; edit files with the ast package")

// body returns the loaded body of in, or nil when in is an editable
// section of this session.
func (e *Edit) body(in *ast.Section) ([]ast.Node, bool, error) {
	if e.loaded == nil {
		return nil, false, errNoLoaded
	}
	if in == nil {
		return e.loaded.Body, true, nil
	}
	if !in.Pos().IsValid() {
		return nil, false, nil // built by this session
	}
	if m, err := e.At(in.Pos()); err == nil && m == ast.Node(in) {
		return nil, false, nil // one of this session's nodes
	}
	return in.Body, true, nil
}

// container is where a new node for in goes: the main configuration file
// for the main server, else the editable section.
func (e *Edit) container(in *ast.Section) (ast.Container, error) {
	if in == nil {
		if len(e.loaded.Files) == 0 {
			return nil, errors.New("apacheconf: edit: the configuration read no file")
		}
		f, err := e.File(e.loaded.Files[0].Path)
		if f == nil { // syntax errors do not keep a directive from being added
			return nil, err
		}
		return f, nil
	}
	if _, loaded, _ := e.body(in); !loaded {
		return in, nil
	}
	return e.Section(in)
}

// Set makes name hold values in the context in. The instance httpd
// reads last there (with the same key, for keyed directives: see
// ast.KeyOf), whichever file holds it, gets the values; with none, a new
// directive goes at the end of in (the main configuration file for the
// main server). It returns the editable directive.
func (e *Edit) Set(in *ast.Section, name string, values ...string) (*ast.Directive, error) {
	body, loaded, err := e.body(in)
	if err != nil {
		return nil, err
	}
	if !loaded {
		return ast.Set(in, name, values...), nil
	}
	found := e.matching(append(body[:len(body):len(body)], e.added[in]...), name, values, false)
	if len(found) > 0 {
		if d := found[len(found)-1]; !d.Pos().IsValid() { // added by this session
			d.SetArgs(values...)
			return d, nil
		}
		d, err := e.Directive(found[len(found)-1])
		if err != nil {
			return nil, err
		}
		d.SetArgs(values...)
		return d, nil
	}
	d := ast.NewDirective(name, values...)
	return d, e.Add(in, d)
}

// Add appends n at the end of the context in (for the main server: of
// the main configuration file). Later Set, Sections and EnsureSection
// calls on in see it.
func (e *Edit) Add(in *ast.Section, n ast.Node) error {
	if e.loaded == nil {
		return errNoLoaded
	}
	c, err := e.container(in)
	if err != nil {
		return err
	}
	ast.Append(c, n)
	if _, ok := n.(*ast.Section); ok {
		separate(c, n)
	}
	if _, loaded, _ := e.body(in); loaded {
		if e.added == nil {
			e.added = map[*ast.Section][]ast.Node{}
		}
		e.added[in] = append(e.added[in], n)
	}
	return nil
}

// Delete removes the instances of name in the context in, from the files
// that hold them, and returns how many. With values, only the instances
// with their key (keyed directives) or exactly these values (others).
func (e *Edit) Delete(in *ast.Section, name string, values ...string) (int, error) {
	body, loaded, err := e.body(in)
	if err != nil {
		return 0, err
	}
	if !loaded {
		body = in.Body
	} else {
		body = append(body[:len(body):len(body)], e.added[in]...)
	}
	found := e.matching(body, name, values, true)
	for _, d := range found {
		if !loaded {
			ast.Remove(in, d)
		} else if err := e.Remove(d); err != nil {
			return 0, err
		}
	}
	return len(found), nil
}

// matching returns the directives named name directly in body: for a
// keyed directive, those with values' key; for others, all of them, or
// with exact those whose values equal values (when there are values).
func (e *Edit) matching(body []ast.Node, name string, values []string, exact bool) []*ast.Directive {
	key, keyed := ast.KeyOf(name, values)
	var out []*ast.Directive
	for _, n := range body {
		d, ok := n.(*ast.Directive)
		if !ok || !d.Is(name) {
			continue
		}
		switch {
		case keyed && len(values) > 0:
			if k, _ := ast.KeyOf(name, d.Values()); k != key {
				continue
			}
		case exact && len(values) > 0:
			if !slices.Equal(d.Values(), values) {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// Sections returns the sections named name with these arguments (all
// when none are given) directly in the context in, as loaded.
func (e *Edit) Sections(in *ast.Section, name string, args ...string) ([]*ast.Section, error) {
	body, _, err := e.body(in)
	if err != nil {
		return nil, err
	}
	if body == nil {
		body = in.Body
	} else {
		body = append(body[:len(body):len(body)], e.added[in]...)
	}
	var out []*ast.Section
	for _, n := range body {
		if s, ok := n.(*ast.Section); ok && s.Is(name) && (len(args) == 0 || slices.Equal(s.Values(), args)) {
			out = append(out, s)
		}
	}
	return out, nil
}

// EnsureSection returns the editable section <name args…> in the context
// in: the last one loaded there, or a new one at the end of in (the main
// configuration file for the main server).
func (e *Edit) EnsureSection(in *ast.Section, name string, args ...string) (*ast.Section, error) {
	found, err := e.Sections(in, name, args...)
	if err != nil {
		return nil, err
	}
	if len(found) > 0 {
		s := found[len(found)-1]
		if _, loaded, _ := e.body(s); !loaded || !s.Pos().IsValid() {
			return s, nil
		}
		return e.Section(s)
	}
	s := ast.NewSection(name, args...)
	return s, e.Add(in, s)
}

// separate puts a blank line before a new section that would follow a
// line of something else, as configuration files are written.
func separate(c ast.Container, n ast.Node) {
	body := c.Nodes()
	for i, x := range *body {
		if x != n || i == 0 {
			continue
		}
		if _, blank := (*body)[i-1].(*ast.Blank); !blank {
			ast.InsertBefore(c, n, ast.NewBlank())
		}
		return
	}
}
