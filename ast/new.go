package ast

import "strings"

// Constructors for nodes built by code. A new node has no position and no
// source text: the printer writes it canonically, indented like its
// siblings, with the file's line terminator.

// NewDirective returns a directive named name with these argument values
// (quoted by the printer where httpd needs it).
func NewDirective(name string, values ...string) *Directive {
	return &Directive{Name: name, Args: NewArgs(values...)}
}

// NewSection returns an empty section <name args…>; fill its Body, or
// use Append and Set on it.
func NewSection(name string, args ...string) *Section {
	return &Section{Name: strings.TrimPrefix(name, "<"), Args: NewArgs(args...)}
}

// NewBlank returns an empty line.
func NewBlank() *Blank { return &Blank{} }

// NewFile returns a file named name holding body, its lines ending in
// "\n".
func NewFile(name string, body ...Node) *File {
	return &File{Name: name, Body: body, EOL: "\n"}
}
