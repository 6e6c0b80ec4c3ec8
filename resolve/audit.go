package resolve

import (
	"io/fs"
	"sort"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/scope"
)

// Exposure is a directory whose .htaccess authors choose the mod_wsgi
// daemon group: WSGIProcessGroup is %{ENV:NAME} there, and AllowOverride
// (FileInfo, or an AllowOverrideList naming SetEnv and friends) lets
// .htaccess set NAME. Reachable are the groups such an author can run
// code in (selectable from this server and admitted by
// WSGIRestrictProcess); Rejected the selectable ones WSGIRestrictProcess
// keeps out. With no WSGIRestrictProcess, every selectable group is
// reachable — including other users' groups.
type Exposure struct {
	VHost     *scope.VirtualHost
	Directory *ast.Section // the <Directory> section audited
	Path      string       // its path (or regex)
	// Variable is NAME of %{ENV:NAME}; ProcessGroup the directive.
	Variable     string
	ProcessGroup *ast.Directive
	// AllowOverride is the directive that opened .htaccess to it (nil
	// when only AllowOverrideList does); Setters the directive names a
	// .htaccess may use to set the variable.
	AllowOverride *ast.Directive
	Setters       []string
	// Restrict is the WSGIRestrictProcess in force (nil: none) and
	// RestrictGroups the groups it names, "%{GLOBAL}" as "" — as in
	// Decision.
	Restrict       *ast.Directive
	RestrictGroups []string
	Reachable      []string
	Rejected       []string
}

// envSetters are the .htaccess directives that can set a request
// environment variable.
var envSetters = scope.EnvSetters()

// Audit reports, for every virtual host (and the main server) and each
// of its <Directory> sections, where .htaccess authors can pick the
// daemon process group, and which groups they can reach. fsys, when not
// nil, lets the audit read .htaccess files along the way.
func (inv *Inventory) Audit(s *scope.Server, fsys fs.FS) []Exposure {
	var out []Exposure
	servers := append([]*scope.VirtualHost{s.Main}, s.VHosts...)
	// Only a WSGIProcessGroup %{ENV:...} exposes anything, and it is not
	// allowed in .htaccess: a server whose configuration (its own or the
	// main server's) has none needs no directory walk.
	mainHas := scope.ProcessGroupFromEnv(s.Main.Body)
	for _, v := range servers {
		if !mainHas && (v == s.Main || !scope.ProcessGroupFromEnv(v.Body)) {
			continue
		}
		for _, sec := range s.DirectorySections(v) {
			if sec.Is("DirectoryMatch") || (len(sec.Args) > 1 && sec.Args[0].Value == "~") {
				continue // a regex names no one directory
			}
			if len(sec.Args) == 0 {
				continue
			}
			path := sec.Args[0].Value
			r := s.EffectiveAt(v, strings.ReplaceAll(path, "*", "x"), fsys)
			if e, ok := inv.exposure(v, sec, path, r); ok {
				out = append(out, e)
			}
		}
	}
	return out
}

func (inv *Inventory) exposure(v *scope.VirtualHost, sec *ast.Section, path string, r *scope.Result) (Exposure, bool) {
	ws := r.WSGI()
	pg := ws.ProcessGroup
	if pg == nil || len(pg.Args) == 0 {
		return Exposure{}, false
	}
	val := pg.Args[0].Value
	if !strings.HasPrefix(val, "%{ENV:") || !strings.HasSuffix(val, "}") {
		return Exposure{}, false
	}
	e := Exposure{VHost: v, Directory: sec, Path: path, Variable: val[6 : len(val)-1], ProcessGroup: pg}
	override, by := r.AllowOverride()
	if override&scope.OrFileInfo != 0 {
		e.AllowOverride = by
		e.Setters = append(e.Setters, envSetters...)
	} else {
		for _, name := range r.AllowOverrideList() {
			for _, s := range envSetters {
				if name == s {
					e.Setters = append(e.Setters, s)
				}
			}
		}
	}
	if len(e.Setters) == 0 {
		return Exposure{}, false
	}
	sort.Strings(e.Setters)
	var allowed map[string]bool
	if rp := ws.RestrictProcess; rp != nil {
		e.Restrict, e.RestrictGroups = rp, restrictGroups(rp)
		allowed = map[string]bool{}
		for _, a := range e.RestrictGroups {
			allowed[strings.ToLower(a)] = true
		}
	}
	for _, g := range inv.Selectable(v) {
		if allowed == nil || allowed[strings.ToLower(g.Name)] {
			e.Reachable = append(e.Reachable, g.Name)
		} else {
			e.Rejected = append(e.Rejected, g.Name)
		}
	}
	return e, true
}
