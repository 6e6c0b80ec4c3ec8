package lint

import (
	"fmt"
	"sort"

	"github.com/apacheconf/apacheconf/ast"
)

// nodeSpan is the byte range of a node's lines: from the start of its
// first line (indentation included) past its line terminator.
func nodeSpan(n ast.Node) (start, end int) {
	switch n := n.(type) {
	case *ast.Directive:
		return n.Pos().Offset - len(n.Indent()), n.End().Offset
	case *ast.Section:
		return n.Pos().Offset - len(n.Indent()), n.End().Offset
	}
	return n.Pos().Offset, n.End().Offset
}

// ReplaceArgs is a fix that rewrites a directive's arguments, printed by
// the ast printer (indentation, quoting and line end kept).
func ReplaceArgs(msg string, d *ast.Directive, values ...string) SuggestedFix {
	c := *d
	c.Args = append([]ast.Arg(nil), d.Args...)
	c.SetArgs(values...)
	out, err := ast.FormatNode(&c)
	if err != nil || d.Raw == "" {
		return SuggestedFix{}
	}
	start, end := nodeSpan(d)
	return SuggestedFix{Message: msg, Edits: []TextEdit{{Filename: d.Pos().Filename, Offset: start, End: end, NewText: string(out)}}}
}

// Rename is a fix that changes a directive's name.
func Rename(msg string, d *ast.Directive, name string) SuggestedFix {
	c := *d
	c.Name = name
	out, err := ast.FormatNode(&c)
	if err != nil || d.Raw == "" {
		return SuggestedFix{}
	}
	start, end := nodeSpan(d)
	return SuggestedFix{Message: msg, Edits: []TextEdit{{Filename: d.Pos().Filename, Offset: start, End: end, NewText: string(out)}}}
}

// RemoveNode is a fix that deletes a node's lines.
func RemoveNode(msg string, n ast.Node) SuggestedFix {
	start, end := nodeSpan(n)
	return SuggestedFix{Message: msg, Edits: []TextEdit{{Filename: n.Pos().Filename, Offset: start, End: end}}}
}

// Edits gathers the edits of the first fix of each diagnostic, by file.
func Edits(ds []Diagnostic) map[string][]TextEdit {
	out := map[string][]TextEdit{}
	for _, d := range ds {
		if len(d.Fixes) == 0 {
			continue
		}
		for _, e := range d.Fixes[0].Edits {
			out[e.Filename] = append(out[e.Filename], e)
		}
	}
	return out
}

// ApplyEdits applies edits to src. Overlapping edits after the first
// are skipped (a second run of --fix picks them up); identical ones are
// applied once.
func ApplyEdits(src []byte, edits []TextEdit) ([]byte, error) {
	edits = append([]TextEdit(nil), edits...)
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].Offset < edits[j].Offset })
	var out []byte
	pos := 0
	for i, e := range edits {
		if e.Offset < 0 || e.End > len(src) || e.Offset > e.End {
			return nil, fmt.Errorf("%s: edit [%d,%d) out of range", e.Filename, e.Offset, e.End)
		}
		if i > 0 && e == edits[i-1] {
			continue
		}
		if e.Offset < pos {
			continue
		}
		out = append(out, src[pos:e.Offset]...)
		out = append(out, e.NewText...)
		pos = e.End
	}
	return append(out, src[pos:]...), nil
}
