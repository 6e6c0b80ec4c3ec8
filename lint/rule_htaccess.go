package lint

import (
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/scope"
)

// HTAccessNotAllowed reports .htaccess directives the AllowOverride (and
// AllowOverrideList) in force for the directory does not admit, and
// directives httpd does not know: httpd answers 500 for every request
// below that directory ("X not allowed here", "Invalid command 'X' …"),
// unless AllowOverride's Nonfatal= makes it skip them. As httpd, it reads
// the body of an <IfModule> only when the module is loaded (php_value in
// <IfModule mod_php7.c> on a server without PHP is never read), and does
// not judge the bodies of conditions it cannot decide here (<IfDefine>
// …). With the registry generated from apache2 it also runs the
// argument and handler checks. Needs the directive registry.
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
		var ctx directive.Context
		// With the generated registry and a whole server: its modules
		// and httpd's argument checks (a fragment's modules are unknown).
		if _, ok := p.Registry.(generated); ok && p.Server != nil && !p.Fragment {
			ctx = directive.Context{HTAccess: true, Override: directive.Override(h.Override & scope.OrAll), OverrideList: h.List}
		}
		var walk func(nodes []ast.Node, sections []string)
		walk = func(nodes []ast.Node, sections []string) {
			for _, n := range nodes {
				var name string
				var args []string
				sec, isSec := n.(*ast.Section)
				switch n := n.(type) {
				case *ast.Directive:
					name, args = n.Name, n.Values()
				case *ast.Section:
					name, args = "<"+n.Name, n.Values()
				default:
					continue
				}
				if strings.EqualFold(name, "WSGIRestrictProcess") {
					continue // AC4005 says it with the reason
				}
				classes, inHT, known := p.Registry.Classes(name)
				if known && ctx.HTAccess && !directive.Defined(name, p.Server.Loaded) {
					known = false // its module is not loaded: unknown to httpd
				}
				switch {
				case !known:
					if h.Override&scope.NonfatalUnknown == 0 {
						p.Reportf(n, "Invalid command '%s', perhaps misspelled or defined by a module not included in the server configuration: httpd answers 500 for %s", name, h.Dir)
					}
					continue // httpd does not read an unknown section's body
				case list[strings.ToLower(strings.TrimPrefix(name, "<"))]:
				case !inHT:
					p.Reportf(n, "%s not allowed here: it is never allowed in .htaccess; httpd answers 500 for %s", name, h.Dir)
					continue
				case classes&h.Override == 0:
					if h.Override&scope.NonfatalOverride == 0 {
						p.Reportf(n, "%s not allowed here: %s does not admit it; httpd answers 500 for %s (%s)", name, by, h.Dir, overrideNames(classes))
					}
					continue
				default:
					if ctx.HTAccess {
						ctx.Sections = sections
						if d, ok := directive.LookupLoaded(name, p.Server.Loaded); ok {
							err := d.CheckArgs(args)
							if err == nil {
								err = d.CheckArgsContext(args, ctx)
							}
							if err != nil {
								p.Reportf(n, "%s: httpd answers 500 for %s", err.Msg, h.Dir)
								continue
							}
						}
					}
				}
				if !isSec {
					continue
				}
				// httpd reads a conditional section's body only when
				// its condition holds; <IfModule> is decided by the
				// modules loaded, the others are not decided here:
				// their bodies are not judged (never a false error).
				if holds, decided := p.conditionHolds(sec); !decided || !holds {
					continue
				}
				walk(sec.Body, append(sections[:len(sections):len(sections)], sec.Name))
			}
		}
		walk(h.File.Body, nil)
	}
}

// conditionHolds decides a .htaccess section's condition as httpd reads
// it: <IfModule> by the modules the server loads (by identifier or
// source file name, "!" negating); <IfDefine>, <IfVersion>, <IfFile>,
// <IfDirective> and <IfSection> are not decided; other sections hold.
func (p *Program) conditionHolds(sec *ast.Section) (holds, decided bool) {
	switch sec.Canonical() {
	case "ifmodule":
		if p.Server == nil || p.Fragment {
			return false, false
		}
		vals := sec.Values()
		if len(vals) == 0 {
			return false, false
		}
		m, neg := vals[0], false
		if rest, ok := strings.CutPrefix(m, "!"); ok {
			m, neg = rest, true
		}
		return moduleLoaded(p.Server, m) != neg, true
	case "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection":
		return false, false
	}
	return true, true
}

// moduleLoaded tells whether the module <IfModule> names (an identifier,
// "rewrite_module", or a source file, "mod_rewrite.c") is loaded.
func moduleLoaded(s *scope.Server, m string) bool {
	if s.Loaded(m) {
		return true
	}
	if id, ok := directive.ModuleID(m); ok {
		return s.Loaded(id)
	}
	// A module without directives: its identifier from the source name
	// as httpd's modules are named (mod_x.c → x_module, event.c →
	// mpm_event_module).
	if x, ok := strings.CutSuffix(m, ".c"); ok {
		if y, ok := strings.CutPrefix(x, "mod_"); ok {
			return s.Loaded(y + "_module")
		}
		return s.Loaded("mpm_" + x + "_module")
	}
	return false
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
