package lint

import (
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/scope"
)

// HTAccessNotAllowed reports .htaccess directives the AllowOverride (and
// AllowOverrideList) in force for the directory does not admit, and
// directives httpd does not know: httpd answers 500 for every request
// below that directory ("X not allowed here", "Invalid command 'X' …"),
// unless AllowOverride's Nonfatal= makes it skip them. Needs the
// directive registry.
var HTAccessNotAllowed = register(&Analyzer{
	ID:       "AC2003",
	Name:     "htaccess-not-allowed",
	Doc:      "a .htaccess directive is not admitted by the AllowOverride in force",
	Severity: Error,
	Run:      runHTAccessNotAllowed,
})

func runHTAccessNotAllowed(p *Pass) {
	if p.Registry == nil {
		return
	}
	for _, h := range p.HTAccessFiles() {
		list := map[string]bool{}
		for _, n := range h.List {
			list[strings.ToLower(n)] = true
		}
		by := "AllowOverride None (the default)"
		if h.OverrideBy != nil {
			by = "AllowOverride " + strings.Join(h.OverrideBy.Values(), " ") + " at " + posString(h.OverrideBy.Pos())
		}
		ast.Inspect(h.File.Body, func(n ast.Node) bool {
			var name string
			switch n := n.(type) {
			case *ast.Directive:
				name = n.Name
			case *ast.Section:
				name = "<" + n.Name
			default:
				return true
			}
			if strings.EqualFold(name, "WSGIRestrictProcess") {
				return true // AC4005 says it with the reason
			}
			classes, inHT, known := p.Registry.Classes(name)
			switch {
			case !known:
				if h.Override&scope.NonfatalUnknown == 0 {
					p.Reportf(n, "Invalid command '%s', perhaps misspelled or defined by a module not included in the server configuration: httpd answers 500 for %s", name, h.Dir)
				}
			case list[strings.ToLower(strings.TrimPrefix(name, "<"))]:
			case !inHT:
				p.Reportf(n, "%s not allowed here: it is never allowed in .htaccess; httpd answers 500 for %s", name, h.Dir)
			case classes&h.Override == 0:
				if h.Override&scope.NonfatalOverride == 0 {
					p.Reportf(n, "%s not allowed here: %s does not admit it; httpd answers 500 for %s (%s)", name, by, h.Dir, overrideNames(classes))
				}
			}
			return true
		})
	}
}

func posString(p ast.Position) string { return p.String() }

// overrideNames names the AllowOverride classes that admit a directive.
func overrideNames(classes int) string {
	var out []string
	for _, c := range []struct {
		bit  int
		name string
	}{{scope.OrAuthCfg, "AuthConfig"}, {scope.OrFileInfo, "FileInfo"}, {scope.OrIndexes, "Indexes"}, {scope.OrLimit, "Limit"}, {scope.OrOptions, "Options"}} {
		if classes&c.bit != 0 {
			out = append(out, c.name)
		}
	}
	if len(out) == 0 {
		return "no AllowOverride class admits it"
	}
	return "needs AllowOverride " + strings.Join(out, " or ")
}
