package directive

import (
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

// PosError is a directive httpd refuses, where it is: the library's one
// positioned error (ast.Error, which parser.Error is too), with httpd's
// message as Msg and the directive's *Error, for its Kind, as Err.
type PosError = ast.Error

// newPosError is err at pos.
func newPosError(pos ast.Position, err *Error) *PosError {
	return &PosError{Pos: pos, Msg: err.Msg, Err: err}
}

// Modules tells whether a module, by identifier ("env_module"), is loaded.
type Modules func(moduleID string) bool

// Defined reports whether one of the modules defining name is loaded
// (several define HeartbeatStorage and ScriptLog); nil loaded means all.
func Defined(name string, loaded Modules) bool {
	rows := byNameAll[fold(name)]
	if len(rows) == 0 {
		return false
	}
	if loaded == nil {
		return true
	}
	for _, r := range rows {
		if r.Builtin || loaded(r.ModuleID) {
			return true
		}
	}
	return false
}

var byNameAll = func() map[string][]*Info {
	m := make(map[string][]*Info, len(table))
	for i := range table {
		k := strings.ToLower(table[i].Name)
		m[k] = append(m[k], &table[i])
	}
	return m
}()

// CheckTree checks every directive and section of a loaded configuration
// (Include, Define and the conditional sections already evaluated, as
// parser.Load leaves it) as httpd's config reader does at startup: a
// directive of a module that is not loaded is unknown to httpd, then
// Check. httpd stops at the first error; CheckTree reports them all, in
// the order httpd meets them (an <Else>'s own error after its body's).
func CheckTree(body []ast.Node, loaded Modules) []*PosError {
	return checkTree(body, loaded, false)
}

// CheckSections is CheckTree's errors about the sections themselves
// alone — a header the section's handler needs missing or extra
// (SectionArgs), <Else> or <ElseIf> without <If> (ElseWithoutIf) — in
// the same order, without checking each directive (the sections' own
// checks still decide which bodies are read): a linter reports the rest
// rule by rule.
func CheckSections(body []ast.Node, loaded Modules) []*PosError {
	var out []*PosError
	for _, e := range checkTree(body, loaded, true) {
		if de := e.Err.(*Error); de.Kind == SectionArgs || de.Kind == ElseWithoutIf {
			out = append(out, e)
		}
	}
	return out
}

func checkTree(body []ast.Node, loaded Modules, sectionsOnly bool) []*PosError {
	var out []*PosError
	c := newChecker(loaded)
	var args []string // reused: the checks keep no reference to it
	values := func(as []ast.Arg) []string {
		args = args[:0]
		for _, a := range as {
			args = append(args, a.Value)
		}
		return args
	}
	// The enclosing sections of every depth share path: one body at a
	// time is walked at each depth.
	var path []string
	var walk func(nodes []ast.Node, ctx Context)
	walk = func(nodes []ast.Node, ctx Context) {
		// The last <If>, <ElseIf> or <Else> of this scope (ap_add_if_conf
		// keeps them per configuration vector).
		lastIf := ""
		for _, n := range nodes {
			var err *Error
			var pos ast.Position
			var sec *ast.Section
			var canon string // sec's canonical name
			switch n := n.(type) {
			case *ast.Directive:
				if sectionsOnly {
					continue
				}
				err, pos = c.directive(n.Name, values(n.Args), ctx), n.Pos()
			case *ast.Section:
				var row sectionRow
				row, pos, sec = c.section(n.Name), n.Pos(), n
				err, canon = row.check(n.Name, values(n.Args), ctx), row.canon
			default:
				continue
			}
			var after *Error // an <Else>'s scope error, met after its body
			if err == nil && sec != nil {
				err = checkSection(sec, canon, &lastIf)
				if err != nil && err.Kind == ElseWithoutIf {
					after, err = err, nil
				}
				if err == nil && after == nil {
					after = extraSectionArgs(sec, canon)
				}
			}
			if err != nil {
				out = append(out, newPosError(pos, err))
			}
			// A macro's body is text until Use expands it (the loader
			// did); an unknown section's body is not read.
			if sec != nil && err == nil && !sec.Is("Macro") {
				d := len(ctx.Sections)
				path = append(path[:d], sec.Name)
				walk(sec.Body, ctx.in(path[:d+1:d+1]))
			}
			if after != nil {
				out = append(out, newPosError(pos, after))
			}
		}
	}
	walk(body, Context{})
	return out
}

// CheckLoaded is Check for a server whose loaded modules are known: a
// directive defined only by modules that are not loaded is unknown to
// httpd, and a name several modules define (each MPM defines
// StartServers) is judged by the one loaded (LookupLoaded).
func CheckLoaded(name string, args []string, ctx Context, loaded Modules) *Error {
	info := lookupDefined(name, loaded)
	if info == nil {
		return unknown(name)
	}
	return info.Check(args, ctx)
}

// lookupDefined returns the row CheckLoaded judges name by (a section
// by "<Name"), nil when httpd does not know the name with these modules
// loaded (nil: all): CheckLoaded's answer is then the unknown-directive
// error, else the row's Check.
func lookupDefined(name string, loaded Modules) *Info {
	info, ok := LookupLoaded(name, loaded)
	if !ok || strings.HasPrefix(name, "<") != info.Section || !info.loaded(loaded) {
		return nil
	}
	return info
}

// A checker is CheckLoaded for the many directives of one configuration:
// it remembers the row each name, as written, finds (a configuration
// spells a few hundred names over and over).
type checker struct {
	loaded Modules
	// names are the directives' rows (nil: unknown), sections those of
	// the sections by name without '<'.
	names    map[string]*Info
	sections map[string]sectionRow
}

// sectionRow is what a checker remembers of a section's name.
type sectionRow struct {
	info  *Info  // nil: unknown
	canon string // ast.Canonical's
}

// newChecker returns a checker for a server with these modules loaded
// (nil: all).
func newChecker(loaded Modules) *checker {
	return &checker{loaded: loaded, names: map[string]*Info{}, sections: map[string]sectionRow{}}
}

// directive is CheckLoaded(name, args, ctx, loaded) for a directive.
func (c *checker) directive(name string, args []string, ctx Context) *Error {
	info, ok := c.names[name]
	if !ok {
		info = lookupDefined(name, c.loaded)
		c.names[name] = info
	}
	if info == nil {
		return unknown(name)
	}
	return info.Check(args, ctx)
}

// section returns the row of the section name (without '<').
func (c *checker) section(name string) sectionRow {
	row, ok := c.sections[name]
	if !ok {
		row = sectionRow{lookupDefined("<"+name, c.loaded), ast.Canonical(name)}
		c.sections[name] = row
	}
	return row
}

// check is CheckLoaded of the section name (without '<').
func (r sectionRow) check(name string, args []string, ctx Context) *Error {
	if r.info == nil {
		return unknown("<" + name)
	}
	return r.info.Check(args, ctx)
}

// loaded reports whether the directive's module is built in or loaded
// (nil loaded: all are).
func (i *Info) loaded(loaded Modules) bool {
	return loaded == nil || i.Builtin || loaded(i.ModuleID)
}

// LookupLoaded is Lookup for a server whose loaded modules are known: of
// the modules defining name that are loaded (or built in), the last in
// the table, as ap_find_command_in_modules finds it from the top module;
// Lookup's when none is. The three MPMs define StartServers,
// MaxRequestWorkers … each; a prefork server has prefork's.
func LookupLoaded(name string, loaded Modules) (*Info, bool) {
	rows := byNameAll[fold(name)]
	if loaded != nil {
		for i := len(rows) - 1; i >= 0; i-- {
			if rows[i].loaded(loaded) {
				return rows[i], true
			}
		}
	}
	return Lookup(name)
}

func unknown(name string) *Error {
	return &Error{Kind: Unknown, Directive: name, Msg: "Invalid command '" + name +
		"', perhaps misspelled or defined by a module not included in the server configuration"}
}

// sectionsNeedingArgs are the sections whose handler refuses an empty
// header, by canonical name, with its message (missing_container_arg in
// server/core.c and its like in the modules); TestSectionChecksAgreeWithServer
// runs every section of the table with no argument through apache2 -t.
var sectionsNeedingArgs = func() map[string]string {
	m := map[string]string{
		// mod_md names both by the set form.
		"mdomain": "<MDomainSet > section must specify a unique domain name", "mdomainset": "<MDomainSet > section must specify a unique domain name",
	}
	for _, n := range []string{"<Directory", "<DirectoryMatch", "<Location", "<LocationMatch", "<Files", "<FilesMatch",
		"<VirtualHost", "<If", "<ElseIf", "<AuthnProviderAlias", "<AuthzProviderAlias"} {
		m[strings.ToLower(n[1:])] = n + "> directive requires additional arguments"
	}
	return m
}()

// sectionsTakingOnePath are the sections whose handler reads one path or
// pattern from its header and refuses more ("Multiple <Directory>
// arguments not (yet) supported.", in dirsection, urlsection and
// filesection of server/core.c and proxysection of mod_proxy), with
// whether a leading "~" makes the next word a regex (read as well). The
// *Match forms take the "~" as their pattern, except <DirectoryMatch>,
// whose handler looks for "~" first. <Proxy> says other things about its
// extra words (balancer parameters) and is not here.
var sectionsTakingOnePath = map[string]struct {
	name  string
	tilde bool
}{
	"directory": {"<Directory", true}, "directorymatch": {"<DirectoryMatch", true},
	"location": {"<Location", true}, "locationmatch": {"<LocationMatch", false},
	"files": {"<Files", true}, "filesmatch": {"<FilesMatch", false},
	"proxymatch": {"<ProxyMatch", false},
}

// extraSectionArgs is the refusal of words after a section's path. The
// handler says it after reading the body (an error in the body comes
// first), so CheckTree reports it after the body's.
func extraSectionArgs(sec *ast.Section, canon string) *Error {
	s, ok := sectionsTakingOnePath[canon]
	if !ok {
		return nil
	}
	used := 1
	if s.tilde && len(sec.Args) > 0 && sec.Args[0].Value == "~" {
		used = 2
	}
	if len(sec.Args) <= used {
		return nil
	}
	return &Error{Kind: SectionArgs, Directive: "<" + sec.Name, Msg: "Multiple " + s.name + "> arguments not (yet) supported."}
}

// authzSections must hold an authorization directive (mod_authz_core).
var authzSections = map[string]string{"requireall": "<RequireAll", "requireany": "<RequireAny", "requirenone": "<RequireNone"}

// checkSection is what a section's handler checks of its header, body
// and place after the generic checks passed: a header it needs
// (<Directory> with no path), an authorization section with nothing in
// it, and an <Else> or <ElseIf> after neither <If> nor <ElseIf> in its
// scope (ap_add_if_conf). canon is sec's canonical name, lastIf the
// scope's last <If>-family section, canonical.
func checkSection(sec *ast.Section, canon string, lastIf *string) *Error {
	c := canon
	if msg, ok := sectionsNeedingArgs[c]; ok && len(sec.Args) == 0 {
		return &Error{Kind: SectionArgs, Directive: "<" + sec.Name, Msg: msg}
	}
	if name, ok := authzSections[c]; ok && !hasDirective(sec.Body) {
		return &Error{Kind: SectionArgs, Directive: name, Msg: name + "> directive contains no authorization directives"}
	}
	switch c {
	case "if":
		*lastIf = c
	case "elseif", "else":
		prev := *lastIf
		*lastIf = c
		if prev != "if" && prev != "elseif" {
			return &Error{Kind: ElseWithoutIf, Directive: "<" + sec.Name,
				Msg: "<Else> or <ElseIf> section without previous <If> or <ElseIf> section in same scope"}
		}
	}
	return nil
}

// Definers returns every row of the modules that define name, in table
// order (the three MPMs define StartServers).
func Definers(name string) []*Info {
	rows := byNameAll[fold(name)]
	if len(rows) == 0 {
		if i, ok := Lookup(name); ok {
			return []*Info{i}
		}
	}
	return append([]*Info(nil), rows...)
}

// hasDirective reports whether a body holds a directive or section.
func hasDirective(body []ast.Node) bool {
	for _, n := range body {
		switch n.(type) {
		case *ast.Directive, *ast.Section:
			return true
		}
	}
	return false
}
