package scope

import (
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
)

// registryTable is the DirectiveTable of the generated directive
// registry, the default.
type registryTable struct{}

func (registryTable) Classes(name string) (override int, inHTAccess, known bool) {
	d, ok := directive.Lookup(name)
	if !ok {
		return 0, false, false
	}
	return int(d.Override & directive.OrAll), d.InHTAccess(), true
}

// checkHTAccess is what httpd's reading of a .htaccess checks before any
// of it applies (ap_parse_htaccess → ap_build_config → invoke_cmd): each
// directive and section against the AllowOverride and AllowOverrideList
// in force, its arguments, the handler's context checks, and the modules
// loaded. Any problem fails the request with 500, unless AllowOverride
// Nonfatal turns it into a warning.
func (w *walker) checkHTAccess(body []ast.Node, override int, list map[string]bool) []Problem {
	ctx := directive.Context{HTAccess: true, Override: directive.Override(override & OrAll)}
	for n := range list {
		ctx.OverrideList = append(ctx.OverrideList, n)
	}
	var problems []Problem
	var walk func(nodes []ast.Node, sections []string)
	walk = func(nodes []ast.Node, sections []string) {
		for _, n := range nodes {
			var name string
			var args []string
			var sec *ast.Section
			switch n := n.(type) {
			case *ast.Directive:
				name, args = n.Name, n.Values()
			case *ast.Section:
				name, args, sec = "<"+n.Name, n.Values(), n
			default:
				continue
			}
			ctx.Sections = sections
			err := directive.CheckLoaded(name, args, ctx, w.s.Loaded)
			switch {
			case err == nil:
			case err.Kind == directive.Unknown && override&NonfatalUnknown != 0,
				err.Kind == directive.NotAllowed && override&NonfatalOverride != 0:
				continue // logged, skipped
			default:
				problems = append(problems, Problem{ast.Error{Pos: n.Pos(), Msg: err.Msg, Err: err}})
				return // httpd stops reading at the first error
			}
			if sec == nil {
				continue
			}
			if cond, known := w.s.conditionHolds(sec); !known || !cond {
				continue // a body httpd does not read, or one we cannot decide
			}
			walk(sec.Body, append(sections[:len(sections):len(sections)], sec.Name))
			if len(problems) > 0 {
				return
			}
		}
	}
	walk(body, nil)
	return problems
}

// conditionHolds decides a section's condition where .htaccess reading
// would: <IfModule> by the modules loaded; other sections always hold;
// the other conditionals are not decided here (known false).
func (s *Server) conditionHolds(sec *ast.Section) (holds, known bool) {
	switch sec.Canonical() {
	case "ifmodule":
		vals := sec.Values()
		if len(vals) == 0 {
			return false, false
		}
		m, neg := vals[0], false
		if strings.HasPrefix(m, "!") {
			m, neg = m[1:], true
		}
		id, ok := directive.ModuleID(m)
		if !ok {
			// A module without directives: its identifier from the
			// source name as Debian's modules are named (mod_x.c → x_module).
			id = m
			if x, ok := strings.CutPrefix(m, "mod_"); ok && strings.HasSuffix(x, ".c") {
				id = strings.TrimSuffix(x, ".c") + "_module"
			}
		}
		return s.Loaded(id) != neg, true
	case "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection":
		return false, false
	}
	return true, true
}
