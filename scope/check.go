package scope

import "github.com/apacheconf/apacheconf/ast"

// CheckValues reports the argument errors httpd's directive handlers
// find at start-up in the directives this package interprets (Options'
// and AllowOverride's words), anywhere in a loaded tree. Requests find
// them too, but only for the sections they pass through; a configuration
// check wants them all. Names, contexts and argument counts are the
// directive registry's job (directive.CheckTree).
func CheckValues(body []ast.Node) []Problem {
	a := &applier{ctx: CtxServer, method: "GET"}
	scratch := newSectionDirConfig()
	var walk func([]ast.Node)
	walk = func(nodes []ast.Node) {
		for _, n := range nodes {
			switch n := n.(type) {
			case *ast.Directive:
				if n.Is("Options") || n.Is("AllowOverride") {
					a.directive(scratch, n)
				}
			case *ast.Section:
				if !n.Is("Macro") {
					walk(n.Body)
				}
			}
		}
	}
	walk(body)
	return a.problems
}
