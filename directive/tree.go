package directive

import (
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

// PosError is a directive httpd refuses, where it is.
type PosError struct {
	Pos ast.Position
	Err *Error
}

func (e *PosError) Error() string { return e.Pos.String() + ": " + e.Err.Msg }

// Unwrap gives the Error, for errors.As.
func (e *PosError) Unwrap() error { return e.Err }

// Modules tells whether a module, by identifier ("env_module"), is loaded.
type Modules func(moduleID string) bool

// Defined reports whether one of the modules defining name is loaded
// (several define HeartbeatStorage and ScriptLog); nil loaded means all.
func Defined(name string, loaded Modules) bool {
	rows := byNameAll[fold(name)]
	if len(rows) == 0 {
		return false
	}
	if loaded == nil {
		return true
	}
	for _, r := range rows {
		if r.Builtin || loaded(r.ModuleID) {
			return true
		}
	}
	return false
}

var byNameAll = func() map[string][]*Info {
	m := make(map[string][]*Info, len(table))
	for i := range table {
		k := strings.ToLower(table[i].Name)
		m[k] = append(m[k], &table[i])
	}
	return m
}()

// CheckTree checks every directive and section of a loaded configuration
// (Include, Define and the conditional sections already evaluated, as
// parser.Load leaves it) as httpd's config reader does at startup: a
// directive of a module that is not loaded is unknown to httpd, then
// Check. httpd stops at the first error; CheckTree reports them all, in
// order.
func CheckTree(body []ast.Node, loaded Modules) []*PosError {
	var out []*PosError
	var args []string // reused: the checks keep no reference to it
	values := func(as []ast.Arg) []string {
		args = args[:0]
		for _, a := range as {
			args = append(args, a.Value)
		}
		return args
	}
	var walk func(nodes []ast.Node, sections []string)
	walk = func(nodes []ast.Node, sections []string) {
		for _, n := range nodes {
			var name string
			var args []string
			var pos ast.Position
			var sec *ast.Section
			switch n := n.(type) {
			case *ast.Directive:
				name, args, pos = n.Name, values(n.Args), n.Pos()
			case *ast.Section:
				name, args, pos, sec = "<"+n.Name, values(n.Args), n.Pos(), n
			default:
				continue
			}
			err := CheckLoaded(name, args, Context{Sections: sections}, loaded)
			if err != nil {
				out = append(out, &PosError{Pos: pos, Err: err})
			}
			// A macro's body is text until Use expands it (the loader
			// did); an unknown section's body is not read.
			if sec != nil && err == nil && !sec.Is("Macro") {
				walk(sec.Body, append(sections[:len(sections):len(sections)], sec.Name))
			}
		}
	}
	walk(body, nil)
	return out
}

// CheckLoaded is Check for a server whose loaded modules are known: a
// directive defined only by modules that are not loaded is unknown to
// httpd.
func CheckLoaded(name string, args []string, ctx Context, loaded Modules) *Error {
	err := Check(name, args, ctx)
	if err == nil && !Defined(name, loaded) {
		err = unknown(name)
	}
	return err
}

func unknown(name string) *Error {
	return &Error{Kind: Unknown, Directive: name, Msg: "Invalid command '" + name +
		"', perhaps misspelled or defined by a module not included in the server configuration"}
}
