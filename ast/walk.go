package ast

// Inspect traverses the nodes in depth-first source order: it calls
// f(node) for each node; when f returns true it then visits the node's
// children (a section's body). Like go/ast.Inspect.
func Inspect(nodes []Node, f func(Node) bool) {
	for _, n := range nodes {
		if !f(n) {
			continue
		}
		if s, ok := n.(*Section); ok {
			Inspect(s.Body, f)
		}
	}
}

// Walk calls f for every node in depth-first source order, with the chain
// of enclosing sections (outermost first). The slice is reused between
// calls: copy it to keep it. f returns false to skip a section's body.
func Walk(nodes []Node, f func(n Node, parents []*Section) bool) {
	var stack []*Section
	var walk func([]Node)
	walk = func(nodes []Node) {
		for _, n := range nodes {
			if !f(n, stack) {
				continue
			}
			if s, ok := n.(*Section); ok {
				stack = append(stack, s)
				walk(s.Body)
				stack = stack[:len(stack)-1]
			}
		}
	}
	walk(nodes)
}

// Directives returns every directive (not sections) in depth-first order.
func Directives(nodes []Node) []*Directive {
	var out []*Directive
	Inspect(nodes, func(n Node) bool {
		if d, ok := n.(*Directive); ok {
			out = append(out, d)
		}
		return true
	})
	return out
}
