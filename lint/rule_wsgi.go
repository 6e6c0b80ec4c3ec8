package lint

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
)

// serverOf is the server whose configuration holds a directive with
// these enclosing sections.
func (p *Program) serverOf(parents []*ast.Section) *scope.VirtualHost {
	p.bySecOnce.Do(func() {
		p.bySection = make(map[*ast.Section]*scope.VirtualHost, len(p.Server.VHosts))
		for _, v := range p.Server.VHosts {
			p.bySection[v.Section] = v
		}
	})
	for _, s := range parents {
		if v, ok := p.bySection[s]; ok {
			return v
		}
	}
	return p.Server.Main
}

func groupNames(gs []*resolve.Group) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

// WSGIDuplicateGroup reports a WSGIDaemonProcess name defined twice:
// mod_wsgi refuses to start ("Name duplicates previous WSGI daemon
// definition."), whatever virtual hosts the two are in.
var WSGIDuplicateGroup = register(&Analyzer{
	ID:       "AC4001",
	Name:     "wsgi-duplicate-daemon",
	Doc:      "WSGIDaemonProcess defines a group name twice",
	Severity: Error,
	Run:      runWSGIDuplicateGroup,
})

func runWSGIDuplicateGroup(p *Pass) {
	for _, e := range p.GroupErrors {
		if strings.Contains(e.Msg, "duplicates previous") {
			msg := e.Msg
			p.Report(Diagnostic{Pos: e.Pos, End: e.Pos, Message: msg})
		}
	}
}

// WSGIInvalidOption reports a WSGIDaemonProcess option mod_wsgi does not
// know or whose value it rejects; httpd does not start.
var WSGIInvalidOption = register(&Analyzer{
	ID:       "AC4002",
	Name:     "wsgi-invalid-option",
	Doc:      "WSGIDaemonProcess has an option mod_wsgi rejects",
	Severity: Error,
	Run:      runWSGIInvalidOption,
})

func runWSGIInvalidOption(p *Pass) {
	for _, e := range p.GroupErrors {
		if !strings.Contains(e.Msg, "duplicates previous") {
			p.Report(Diagnostic{Pos: e.Pos, End: e.Pos, Message: e.Msg})
		}
	}
}

// processGroupRefs calls f for every literal daemon group name a
// configuration selects: WSGIProcessGroup values and WSGIScriptAlias's
// process-group= option. Expanded forms (%{…}) are skipped.
func (p *Program) processGroupRefs(f func(name string, d *ast.Directive, v *scope.VirtualHost)) {
	p.Directives(func(d *ast.Directive, parents []*ast.Section) {
		v := p.serverOf(parents)
		if d.Is("WSGIProcessGroup") {
			if len(d.Args) == 1 && !strings.Contains(d.Args[0].Value, "%{") {
				f(d.Args[0].Value, d, v)
			}
			return
		}
		for _, a := range d.Args {
			if val, ok := strings.CutPrefix(a.Value, "process-group="); ok && !strings.Contains(val, "%{") {
				f(val, d, v)
			}
		}
	}, "WSGIProcessGroup", "WSGIScriptAlias", "WSGIScriptAliasMatch", "WSGIImportScript")
}

// WSGIUndefinedGroup reports WSGIProcessGroup (or process-group=) naming
// a group that does not exist, or one defined in a virtual host with a
// different ServerName: mod_wsgi answers 500 ("No WSGI daemon process
// called … has been configured" / "… cannot be accessed by this WSGI
// application").
var WSGIUndefinedGroup = register(&Analyzer{
	ID:       "AC4003",
	Name:     "wsgi-undefined-group",
	Doc:      "WSGIProcessGroup names a daemon group that does not exist or belongs to another ServerName",
	Severity: Error,
	Run:      runWSGIUndefinedGroup,
})

func runWSGIUndefinedGroup(p *Pass) {
	if p.Inventory == nil {
		return
	}
	// The groups a server can select, for its references one after
	// another (a server's are together in the tree).
	var last *scope.VirtualHost
	var selectable []*resolve.Group
	p.processGroupRefs(func(name string, d *ast.Directive, v *scope.VirtualHost) {
		if name == "" {
			return
		}
		g, ok := p.Inventory.Lookup(name)
		if !ok {
			p.Reportf(d, "No WSGI daemon process called '%s' has been configured", name)
			return
		}
		if v != last || selectable == nil {
			last, selectable = v, p.Inventory.Selectable(v)
		}
		for _, s := range selectable {
			if s == g {
				return
			}
		}
		p.Reportf(d, "Daemon process called '%s' cannot be accessed by this WSGI application: it is defined in the virtual host %s (%s), not for ServerName %s",
			name, g.Server.ServerName, posOf(g.Server), v.ServerName)
	})
}

// WSGIRestrictUnselectable reports WSGIRestrictProcess entries that name
// groups this server cannot select (undefined, or another ServerName's):
// a typo there makes the restriction reject what it meant to allow.
var WSGIRestrictUnselectable = register(&Analyzer{
	ID:       "AC4004",
	Name:     "wsgi-restrict-unselectable",
	Doc:      "WSGIRestrictProcess lists a group this server cannot select",
	Severity: Warning,
	Run:      runWSGIRestrictUnselectable,
})

func runWSGIRestrictUnselectable(p *Pass) {
	if p.Inventory == nil {
		return
	}
	p.Directives(func(d *ast.Directive, parents []*ast.Section) {
		v := p.serverOf(parents)
		sel := map[string]bool{}
		for _, g := range p.Inventory.Selectable(v) {
			sel[g.Name] = true
		}
		for i, a := range d.Args {
			if a.Value == "%{GLOBAL}" || sel[a.Value] {
				continue
			}
			why := "no such daemon group"
			if g, ok := p.Inventory.Lookup(a.Value); ok {
				why = fmt.Sprintf("it belongs to the virtual host %s (%s)", g.Server.ServerName, posOf(g.Server))
			}
			pos := d.ArgPos(i)
			p.Report(Diagnostic{Pos: pos, End: pos.Advance(a.Raw),
				Message: fmt.Sprintf("WSGIRestrictProcess lists '%s', which %s cannot select: %s", a.Value, serverLabel(v), why)})
		}
	}, "WSGIRestrictProcess")
}

func serverLabel(v *scope.VirtualHost) string {
	if v.IsMain() {
		return "the main server"
	}
	return "the virtual host " + v.ServerName
}

// WSGIRestrictInHTAccess reports WSGIRestrictProcess in a .htaccess file:
// mod_wsgi registers it for server and <Directory> configuration only
// (RSRC_CONF|ACCESS_CONF), so httpd answers 500 for every request below.
// A user cannot restrict themselves there; the provider must.
var WSGIRestrictInHTAccess = register(&Analyzer{
	ID:       "AC4005",
	Name:     "wsgi-restrict-in-htaccess",
	Doc:      "WSGIRestrictProcess is not allowed in .htaccess",
	Severity: Error,
	Run:      runWSGIRestrictInHTAccess,
})

func runWSGIRestrictInHTAccess(p *Pass) {
	for _, h := range p.HTAccessFiles() {
		for _, d := range ast.Directives(h.File.Body) {
			if d.Is("WSGIRestrictProcess") {
				p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d),
					Message: "WSGIRestrictProcess not allowed here: httpd answers 500 for " + h.Dir + "; put it in the <Directory> section of the server configuration",
					Fixes:   []SuggestedFix{RemoveNode("remove WSGIRestrictProcess from .htaccess", d)}})
			}
		}
	}
}

// WSGIEnvGroupSelection is the security rule: a directory whose .htaccess
// authors choose the daemon group through %{ENV:NAME} can run code as
// whichever user those groups run as. It reports such a directory when no
// WSGIRestrictProcess limits the choice and more than one group is
// reachable, or when the groups reachable run as more than one user.
var WSGIEnvGroupSelection = register(&Analyzer{
	ID:       "AC4006",
	Name:     "wsgi-env-group-selection",
	Doc:      ".htaccess can pick a mod_wsgi daemon group of another user through %{ENV:}",
	Severity: Error,
	Run:      runWSGIEnvGroupSelection,
})

func runWSGIEnvGroupSelection(p *Pass) {
	if p.Inventory == nil {
		return
	}
	for _, e := range p.Inventory.Audit(p.Server, p.FS) {
		users := map[string][]string{}
		for _, name := range e.Reachable {
			u := apacheUser
			if g, ok := p.Inventory.Lookup(name); ok {
				for _, o := range g.Options {
					if o.Name == "user" {
						u = o.Value
					}
				}
			}
			users[u] = append(users[u], name)
		}
		var node ast.Node = e.Directory
		if e.Restrict == nil && len(e.Reachable) > 1 {
			msg := fmt.Sprintf("a .htaccess in %s can pick any of %d daemon groups through %%{ENV:%s} and so run code as %s; add WSGIRestrictProcess to this <Directory> listing its owner's groups",
				e.Path, len(e.Reachable), e.Variable, userList(users))
			p.Report(Diagnostic{Pos: node.Pos(), End: endOfLine(node), Message: msg})
		} else if len(users) > 1 {
			node = e.Restrict
			if node == nil {
				node = e.Directory
			}
			msg := fmt.Sprintf("a .htaccess in %s can run code as %s through %%{ENV:%s}; WSGIRestrictProcess should list one user's groups",
				e.Path, userList(users), e.Variable)
			p.Report(Diagnostic{Pos: node.Pos(), End: endOfLine(node), Message: msg})
		}
	}
}

func userList(users map[string][]string) string {
	var keys []string
	for u := range users {
		if u != apacheUser {
			keys = append(keys, u)
		}
	}
	sort.Strings(keys)
	if _, ok := users[apacheUser]; ok {
		keys = append(keys, apacheUser)
	}
	var parts []string
	for _, u := range keys {
		parts = append(parts, fmt.Sprintf("%s (%s)", u, strings.Join(users[u], ", ")))
	}
	if len(parts) > 1 {
		return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
	}
	return strings.Join(parts, "")
}

// apacheUser stands for groups without user=: they run as httpd's User.
const apacheUser = "the Apache user"

// WSGIEmbeddedRestricted reports, when WSGIRestrictEmbedded On forbids
// embedded mode, WSGI applications left without a daemon group: an
// explicit %{GLOBAL}/empty WSGIProcessGroup, or a WSGIScriptAlias in a
// server where no WSGIProcessGroup is in force. mod_wsgi answers 500
// ("Embedded mode of mod_wsgi disabled by runtime configuration").
var WSGIEmbeddedRestricted = register(&Analyzer{
	ID:       "AC4007",
	Name:     "wsgi-embedded-restricted",
	Doc:      "a WSGI application would run embedded while WSGIRestrictEmbedded On forbids it",
	Severity: Error,
	Run:      runWSGIEmbeddedRestricted,
})

func runWSGIEmbeddedRestricted(p *Pass) {
	if p.Server == nil {
		return
	}
	var on *ast.Directive
	for _, n := range p.Server.Main.Body {
		if d, ok := n.(*ast.Directive); ok && d.Is("WSGIRestrictEmbedded") && len(d.Args) == 1 {
			if strings.EqualFold(d.Args[0].Value, "on") {
				on = d
			} else {
				on = nil
			}
		}
	}
	if on == nil {
		return
	}
	// groupAt is the WSGIProcessGroup in force for a directory of a
	// server (Location sections, which need a request, aside).
	groupAt := func(v *scope.VirtualHost, dir string) *ast.Directive {
		return p.Server.EffectiveAt(v, dir, nil).Directive("WSGIProcessGroup")
	}
	where := fmt.Sprintf("%s:%d", on.Pos().Filename, on.Pos().Line)
	p.Directives(func(d *ast.Directive, parents []*ast.Section) {
		v := p.serverOf(parents)
		switch {
		case d.Is("WSGIProcessGroup"):
			if len(d.Args) == 1 && (d.Args[0].Value == "%{GLOBAL}" || d.Args[0].Value == "") {
				p.Reportf(d, "WSGIProcessGroup %s selects embedded mode, which WSGIRestrictEmbedded On (%s) disables", d.Args[0].Raw, where)
			}
		case d.Is("WSGIScriptAlias") || d.Is("WSGIScriptAliasMatch"):
			for _, a := range d.Args {
				if strings.HasPrefix(a.Value, "process-group=") {
					return
				}
			}
			if len(d.Args) < 2 {
				return
			}
			target := d.Args[1].Value
			if !strings.HasSuffix(target, "/") {
				target = path.Dir(target)
			}
			if groupAt(v, path.Clean(target)) == nil {
				p.Reportf(d, "%s runs in embedded mode (no WSGIProcessGroup for %s), which WSGIRestrictEmbedded On (%s) disables; mod_wsgi answers 500", d.Name, target, where)
			}
		default: // AddHandler / SetHandler wsgi-script
			if !hasWSGIHandler(d) {
				return
			}
			dir := "/"
			for i := len(parents) - 1; i >= 0; i-- {
				if parents[i].Is("Directory") && len(parents[i].Args) == 1 {
					dir = parents[i].Args[0].Value
					break
				}
				if parents[i].Is("Location") || parents[i].Is("LocationMatch") || parents[i].Is("Files") || parents[i].Is("FilesMatch") || parents[i].Is("DirectoryMatch") {
					return // needs a request; not decided statically here
				}
			}
			if strings.ContainsAny(dir, "*?[") {
				return
			}
			if groupAt(v, path.Clean(dir)) == nil {
				p.Reportf(d, "WSGI scripts under %s run in embedded mode (no WSGIProcessGroup in force there), which WSGIRestrictEmbedded On (%s) disables; mod_wsgi answers 500", dir, where)
			}
		}
	}, "WSGIProcessGroup", "WSGIScriptAlias", "WSGIScriptAliasMatch", "AddHandler", "SetHandler")
}

func hasWSGIHandler(d *ast.Directive) bool {
	return len(d.Args) > 0 && strings.EqualFold(d.Args[0].Value, "wsgi-script")
}

// WSGIRestrictedGroup reports directories where WSGI scripts run in a
// daemon group (or embedded, %{GLOBAL}) that the WSGIRestrictProcess in
// force there does not list: mod_wsgi rejects every such request with 500
// ("Daemon process called 'X' cannot be accessed by this WSGI
// application" — wsgi_execute_remote checks the restriction first).
// Servers whose <Location>/<Files>/<If> sections set WSGIProcessGroup are
// left out: which group a request gets there depends on its URL.
var WSGIRestrictedGroup = register(&Analyzer{
	ID:       "AC4008",
	Name:     "wsgi-restricted-group",
	Doc:      "the daemon group in force is not in the WSGIRestrictProcess list in force",
	Severity: Error,
	Run:      runWSGIRestrictedGroup,
})

func runWSGIRestrictedGroup(p *Pass) {
	if p.Server == nil {
		return
	}
	any := false
	p.Directives(func(*ast.Directive, []*ast.Section) { any = true }, "WSGIRestrictProcess")
	if !any {
		return
	}
	requestDependent := map[*scope.VirtualHost]bool{}
	p.Directives(func(d *ast.Directive, parents []*ast.Section) {
		for _, s := range parents {
			switch s.Canonical() {
			case "location", "locationmatch", "files", "filesmatch", "if", "elseif", "else":
				v := p.serverOf(parents)
				requestDependent[v] = true
				if v.IsMain() {
					for _, x := range p.Server.VHosts {
						requestDependent[x] = true
					}
				}
			}
		}
	}, "WSGIProcessGroup")
	seen := map[string]bool{}
	servers := append([]*scope.VirtualHost{p.Server.Main}, p.Server.VHosts...)
	for _, v := range servers {
		if requestDependent[v] {
			p.checkLocationGroups(v, seen, func(n ast.Node, msg string) { p.Reportf(n, "%s", msg) })
			continue
		}
		var dirs []string
		for _, s := range p.Server.DirectorySections(v) {
			if s.Is("Directory") && len(s.Args) == 1 && !strings.ContainsAny(s.Args[0].Value, "*?[~") {
				dirs = append(dirs, path.Clean(s.Args[0].Value))
			}
		}
		for _, d := range documentRoots(v) {
			dirs = append(dirs, path.Clean(d.Args[0].Value))
		}
		for _, dir := range dirs {
			r := p.Server.EffectiveAt(v, dir, p.FS)
			rp := r.Directive("WSGIRestrictProcess")
			if rp == nil || !wsgiHandlerInForce(r) {
				continue
			}
			group, label := "", "embedded mode (%{GLOBAL})"
			pg := r.Directive("WSGIProcessGroup")
			if pg != nil && len(pg.Args) == 1 {
				group = pg.Args[0].Value
				if group == "%{GLOBAL}" {
					group = ""
				} else if strings.Contains(group, "%{") {
					continue // chosen per request; see AC4006
				} else {
					label = "daemon group '" + group + "'"
				}
			}
			listed := false
			for _, a := range rp.Values() {
				if a == "%{GLOBAL}" {
					a = ""
				}
				if a == group {
					listed = true
				}
			}
			key := fmt.Sprintf("%p|%s", rp, group)
			if listed || seen[key] {
				continue
			}
			seen[key] = true
			by := "no WSGIProcessGroup"
			if pg != nil {
				by = fmt.Sprintf("WSGIProcessGroup at %s:%d", pg.Pos().Filename, pg.Pos().Line)
			}
			p.Reportf(rp, "WSGI scripts of %s under %s run in %s (%s), which this WSGIRestrictProcess does not list: mod_wsgi answers 500 for every one",
				serverLabel(v), dir, label, by)
		}
	}
}

// wsgiHandlerInForce reports whether mod_wsgi handles some files of the
// directory (AddHandler or SetHandler wsgi-script in force).
func wsgiHandlerInForce(r *scope.Result) bool {
	for _, e := range r.Effective() {
		if e.Name == "AddHandler" || e.Name == "SetHandler" || e.Name == "AddType" || e.Name == "ForceType" {
			for _, v := range e.Values {
				if strings.EqualFold(v, "wsgi-script") || strings.EqualFold(v, "application/x-httpd-wsgi") {
					return true
				}
			}
		}
	}
	return false
}

// serverRestrict is the WSGIRestrictProcess of a server's own body (not
// in sections), else the main server's; nil when none.
func serverRestrict(p *Program, v *scope.VirtualHost) *ast.Directive {
	for _, b := range []*scope.VirtualHost{v, p.Server.Main} {
		var found *ast.Directive
		for _, n := range b.Body {
			if d, ok := n.(*ast.Directive); ok && d.Is("WSGIRestrictProcess") {
				found = d
			}
		}
		if found != nil {
			return found
		}
	}
	return nil
}

// checkLocationGroups handles a server whose <Location> sections set a
// literal WSGIProcessGroup: when its only restriction is server-wide (no
// <Directory> of the server sets one), every request of that location is
// checked against it.
func (p *Program) checkLocationGroups(v *scope.VirtualHost, seen map[string]bool, report func(ast.Node, string)) {
	for _, s := range p.Server.DirectorySections(v) {
		for _, d := range ast.Directives(s.Body) {
			if d.Is("WSGIRestrictProcess") {
				return
			}
		}
	}
	rp := serverRestrict(p, v)
	if rp == nil || v.Section == nil {
		return
	}
	allowed := map[string]bool{}
	for _, a := range rp.Values() {
		if a == "%{GLOBAL}" {
			a = ""
		}
		allowed[a] = true
	}
	ast.Walk(v.Section.Body, func(n ast.Node, parents []*ast.Section) bool {
		d, ok := n.(*ast.Directive)
		if !ok || !d.Is("WSGIProcessGroup") || len(d.Args) != 1 || len(parents) == 0 {
			return true
		}
		loc := parents[len(parents)-1]
		if !loc.Is("Location") || len(parents) != 1 {
			return true
		}
		g := d.Args[0].Value
		if g == "%{GLOBAL}" {
			g = ""
		} else if strings.Contains(g, "%{") {
			return true
		}
		key := fmt.Sprintf("%p|%p", rp, d)
		if allowed[g] || seen[key] {
			return true
		}
		seen[key] = true
		report(d, fmt.Sprintf("WSGIProcessGroup %s for <Location %s> is not in the WSGIRestrictProcess in force (%s:%d): mod_wsgi answers 500 for every WSGI script there",
			d.Args[0].Raw, loc.ArgText(), rp.Pos().Filename, rp.Pos().Line))
		return true
	})
}
