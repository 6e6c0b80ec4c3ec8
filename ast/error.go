package ast

// Error is one problem found in a configuration, with its position: the
// one positioned error type of the library. parser.Error is this type;
// directive.PosError and scope.Problem embed it, so errors.As with a
// *parser.Error (or *ast.Error) finds any of them.
type Error struct {
	Pos Position
	Msg string
	// Chain lists, innermost first, where the file holding Pos was
	// included from (for errors found by the loader).
	Chain []Position
	// Err is the underlying error, when there is one: the fs.PathError
	// of a file that could not be read (errors.Is(err, fs.ErrNotExist)
	// sees through it), a context's error, a directive's *directive.Error.
	Err error
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// Error formats the error as "file:line:col: message", compiler style
// (just the message when there is no position, as for a main file that
// could not be read).
func (e *Error) Error() string {
	s := e.Msg
	if e.Pos != (Position{}) {
		s = e.Pos.String() + ": " + s
	}
	for _, p := range e.Chain {
		s += "\n\tincluded from " + p.String()
	}
	return s
}
