package lint

import (
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

// ignoreMarker starts a suppression comment:
//
//	# apacheconf:ignore AC1001[,AC1002 …] reason
const ignoreMarker = "apacheconf:ignore"

// IsSuppression reports whether a comment's text (after '#') is a
// suppression comment: pass it as parser.LoadOptions.KeepComment to load
// a tree without the other comments and blank lines, which no rule reads.
func IsSuppression(text string) bool {
	return strings.HasPrefix(strings.TrimSpace(text), ignoreMarker)
}

type lineKey struct {
	file string
	line int
}

type suppressions map[lineKey][]string

// collectSuppressions finds the ignore comments of the tree and of the
// .htaccess files read; each applies to the lines of the node after it
// (a section: its opening line).
func collectSuppressions(p *Program) suppressions {
	s := suppressions{}
	var body func(nodes []ast.Node)
	body = func(nodes []ast.Node) {
		var pending []string
		for _, n := range nodes {
			switch n := n.(type) {
			case *ast.Comment:
				if ids, ok := parseIgnore(n.Text); ok {
					pending = append(pending, ids...)
				}
				continue
			case *ast.Blank:
				continue
			}
			if len(pending) > 0 {
				first, last := n.Pos().Line, endOfLine(n).Line
				for l := first; l <= last; l++ {
					k := lineKey{n.Pos().Filename, l}
					s[k] = append(s[k], pending...)
				}
				pending = nil
			}
			if sec, ok := n.(*ast.Section); ok {
				body(sec.Body)
			}
		}
	}
	body(p.Nodes)
	for _, h := range p.HTAccessFiles() {
		body(h.File.Body)
	}
	return s
}

// parseIgnore reads "apacheconf:ignore ID[,ID] reason" from comment text.
func parseIgnore(text string) ([]string, bool) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, ignoreMarker) {
		return nil, false
	}
	var ids []string
	for _, w := range strings.Fields(text[len(ignoreMarker):]) {
		for _, id := range strings.Split(w, ",") {
			if id == "" {
				continue
			}
			if a := Lookup(id); a != nil {
				ids = append(ids, a.ID)
			} else if strings.EqualFold(id, "all") {
				ids = append(ids, "all")
			} else {
				return ids, len(ids) > 0
			}
		}
	}
	return ids, len(ids) > 0
}

func (s suppressions) suppressed(pos ast.Position, id string) bool {
	for _, x := range s[lineKey{pos.Filename, pos.Line}] {
		if x == id || x == "all" {
			return true
		}
	}
	return false
}
