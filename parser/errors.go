package parser

import (
	"fmt"
	"sort"

	"github.com/apacheconf/apacheconf/ast"
)

// Error is one problem found in a configuration, with its position, its
// include chain and the error behind it, if any. It is ast.Error, the
// library's one positioned error type (directive.PosError and
// scope.Problem embed it), named here where most errors come from.
type Error = ast.Error

// ErrorList is a list of *Error, like go/scanner.ErrorList. The parser
// returns one (as an error) holding every problem of a file.
type ErrorList []*Error

// Add appends an error at pos.
func (l *ErrorList) Add(pos ast.Position, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Len, Less and Swap sort the list by file, then offset.
func (l ErrorList) Len() int      { return len(l) }
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l ErrorList) Less(i, j int) bool {
	a, b := l[i].Pos, l[j].Pos
	if a.Filename != b.Filename {
		return a.Filename < b.Filename
	}
	return a.Offset < b.Offset
}

// Sort sorts the list in place.
func (l ErrorList) Sort() { sort.Stable(l) }

// Error describes the first error and how many more there are.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Err returns nil for an empty list, else the list itself.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Unwrap gives errors.As and errors.Is access to each *Error.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}
