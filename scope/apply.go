package scope

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

// Context says where a body of directives is read: httpd checks what is
// allowed there.
type Context int

// Contexts of a configuration body.
const (
	CtxServer Context = iota
	CtxDirectory
	CtxFiles
	CtxLocation
	CtxHTAccess
	CtxIf
)

// DirectiveTable tells which AllowOverride classes admit a directive in
// .htaccess. The directive registry implements it; Classes returns the
// override bits (Or*) of the directive, whether it may appear in
// .htaccess at all, and whether the directive is known.
type DirectiveTable interface {
	Classes(name string) (override int, inHTAccess, known bool)
}

// Problem is a configuration error found while evaluating a request:
// httpd answers 500 for a problem in .htaccess.
type Problem struct {
	Pos ast.Position
	Msg string
}

func (p Problem) String() string { return p.Pos.String() + ": " + p.Msg }

// applier builds a dirConfig from a body, as ap_walk_config does for one
// section, with httpd's checks for .htaccess.
type applier struct {
	ctx          Context
	override     int             // for .htaccess: the AllowOverride in force
	overrideOpts int             // for .htaccess: AllowOverride Options=…
	overrideList map[string]bool // for .htaccess: AllowOverrideList
	table        DirectiveTable
	method       string
	// cond decides a conditional section in .htaccess (nil: read it).
	cond     func(*ast.Section) (holds, known bool)
	problems []Problem
	vals     []string // directive's buffer
	bodyLen  int      // nodes in the body being built: room for its table
}

func (a *applier) fail(pos ast.Position, format string, args ...any) {
	a.problems = append(a.problems, Problem{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// build returns the configuration the body sets.
func (a *applier) build(body []ast.Node) *dirConfig {
	c := newSectionDirConfig()
	a.bodyLen = len(body)
	a.apply(c, body)
	return c
}

func (a *applier) apply(c *dirConfig, body []ast.Node) {
	for _, n := range body {
		switch n := n.(type) {
		case *ast.Directive:
			if a.ctx == CtxHTAccess && !a.allowed(n) {
				continue
			}
			a.directive(c, n)
		case *ast.Section:
			a.section(c, n)
		}
	}
}

// allowed is invoke_cmd's override check for .htaccess.
func (a *applier) allowed(d *ast.Directive) bool {
	if a.table == nil {
		return true
	}
	classes, inHT, known := a.table.Classes(d.Name)
	if !known {
		if a.override&NonfatalUnknown == 0 {
			a.fail(d.Pos(), "Invalid command '%s', perhaps misspelled or defined by a module not included in the server configuration", d.Name)
		}
		return false
	}
	if a.overrideList[strings.ToLower(d.Name)] {
		return true
	}
	if !inHT || classes&a.override == 0 {
		if a.override&NonfatalOverride == 0 {
			a.fail(d.Pos(), "%s not allowed here", d.Name)
		}
		return false
	}
	return true
}

func (a *applier) directive(c *dirConfig, d *ast.Directive) {
	// Every directive of every section passes here for every request:
	// the values go into a buffer the applier reuses (what keeps them
	// copies them).
	a.vals = a.vals[:0]
	for _, arg := range d.Args {
		a.vals = append(a.vals, arg.Value)
	}
	vals := a.vals
	switch d.Canonical() {
	case "options":
		a.options(c, d, vals)
	case "allowoverride":
		if a.ctx == CtxHTAccess {
			a.fail(d.Pos(), "AllowOverride not allowed here")
			return
		}
		a.allowOverride(c, d, vals)
	case "allowoverridelist":
		c.overrideList = map[string]bool{}
		for _, v := range vals {
			if strings.EqualFold(v, "None") {
				c.overrideList = map[string]bool{}
				break
			}
			c.overrideList[strings.ToLower(v)] = true
		}
	case "sethandler":
		if len(vals) > 0 {
			h := strings.ToLower(vals[0])
			if h == "none" {
				h = ""
			}
			c.handler = &Setting{Value: h, By: d}
		}
	case "forcetype":
		if len(vals) > 0 {
			c.forceType = &Setting{Value: vals[0], By: d}
		}
	case "setenv":
		if len(vals) > 0 {
			v := ""
			if len(vals) > 1 {
				v = vals[1]
			}
			c.env.set(EnvVar{Name: vals[0], Value: v, By: d})
		}
	case "unsetenv":
		for _, name := range vals {
			c.env.unset(name)
			c.envUnset = append(c.envUnset, name)
		}
	case "addhandler", "removehandler":
		if len(vals) == 0 {
			return
		}
		h, exts := "", vals
		if d.Canonical() == "addhandler" {
			h, exts = strings.ToLower(vals[0]), vals[1:]
		}
		if c.extHandler == nil {
			c.extHandler = map[string]Setting{}
		}
		for _, e := range exts {
			c.extHandler[strings.ToLower(strings.TrimPrefix(e, "."))] = Setting{Value: h, By: d}
		}
	case "wsgihandlerscript":
		// wsgi_add_handler_script: name, script, options.
		if len(vals) < 2 || vals[0] == "" || vals[1] == "" {
			return
		}
		if c.wsgiHandlers == nil {
			c.wsgiHandlers = map[string]*ast.Directive{}
		}
		c.wsgiHandlers[vals[0]] = d
	case "addtype", "removetype":
		if len(vals) == 0 {
			return
		}
		t, exts := "", vals
		if d.Canonical() == "addtype" {
			t, exts = strings.ToLower(vals[0]), vals[1:]
		}
		if c.extType == nil {
			c.extType = map[string]Setting{}
		}
		for _, e := range exts {
			c.extType[strings.ToLower(strings.TrimPrefix(e, "."))] = Setting{Value: t, By: d}
		}
	case "require":
		a.require(c, d, vals)
	case "redirect", "redirectmatch", "redirectpermanent", "redirecttemp":
		if a.ctx == CtxServer {
			return // server-level: translate_name handles them
		}
		if _, rest := redirectStatus(d); d.Is("Redirect") && len(rest) == 1 && a.ctx == CtxLocation {
			c.redirectAll = d // <Location> Redirect [status] URL
			return
		}
		c.redirects = append(c.redirects, d)
	case "order", "allow", "deny", "satisfy":
		addAccess(c, d)
	case "header", "requestheader":
		c.headers = append(c.headers, d)
	case "directoryindex":
		// set_index: lines in one section accumulate; "disabled" clears.
		for _, v := range vals {
			if strings.EqualFold(v, "disabled") {
				c.dirIndex = []string{}
				continue
			}
			c.dirIndex = append(c.dirIndex, v)
		}
		if c.dirIndex == nil {
			c.dirIndex = []string{}
		}
		c.dirIndexBy = d
	case "directoryslash":
		off := len(vals) > 0 && strings.EqualFold(vals[0], "off")
		c.dirSlashOff = &off
	case "rewriteengine", "rewriterule", "rewritecond", "rewriteoptions", "rewritebase":
		addRewrite(c, d)
	case "setenvif", "setenvifnocase", "browsermatch", "browsermatchnocase":
		// At server level these run at post_read_request from the server
		// configuration; in sections and .htaccess, at header_parser.
		if a.ctx != CtxServer {
			c.setEnvIf = append(c.setEnvIf, d)
		}
	case "authmerging":
		if c.authz == nil {
			c.authz = &authzConfig{}
		}
		switch strings.ToLower(strings.Join(vals, "")) {
		case "and":
			c.authz.op = logicAnd
		case "or":
			c.authz.op = logicOr
		default:
			c.authz.op = logicOff
		}
		c.authz.by = d
	default:
		if c.last == nil {
			// Sized once: growing it by appends cost twice its size.
			c.last = &lastSet{own: lastTable{entries: make([]lastEntry, 0, max(a.bodyLen, 1))}}
		}
		c.last.set(d.Canonical(), d)
	}
}

// options is set_options (core.c).
func (a *applier) options(c *dirConfig, d *ast.Directive, vals []string) {
	first, mergeMode, allNone := true, false, false
	for _, w := range vals {
		action := byte(0)
		if w != "" && (w[0] == '+' || w[0] == '-') {
			action, w = w[0], w[1:]
			if !mergeMode && !first && !allNone {
				a.fail(d.Pos(), "Either all Options must start with + or -, or no Option may.")
				return
			}
			mergeMode = true
		} else if first {
			c.opts = 0
		} else if mergeMode {
			a.fail(d.Pos(), "Either all Options must start with + or -, or no Option may.")
			return
		}
		var opt int
		switch strings.ToLower(w) {
		case "indexes":
			opt = OptIndexes
		case "includes":
			opt = OptIncludes | OptIncWithExec
		case "includesnoexec":
			opt = OptIncludes
		case "followsymlinks":
			opt = OptFollowSymlink
		case "symlinksifownermatch":
			opt = OptSymOwner
		case "execcgi":
			opt = OptExecCGI
		case "multiviews":
			opt = OptMultiViews
		case "runscripts":
			opt = OptMultiViews | OptExecCGI
		case "none":
			if !first {
				a.fail(d.Pos(), "'Options None' must be the first Option given.")
				return
			}
			opt, allNone = 0, true
		case "all":
			if !first {
				a.fail(d.Pos(), "'Options All' must be the first option given.")
				return
			}
			opt, allNone = OptAll, true
		default:
			a.fail(d.Pos(), "Illegal option %s", w)
			return
		}
		if a.ctx == CtxHTAccess && a.overrideOpts&opt != opt {
			a.fail(d.Pos(), "Option %s not allowed here", w)
			return
		}
		switch action {
		case '-':
			c.optsRemove |= opt
			c.optsAdd &^= opt
			c.opts &^= opt
		case '+':
			c.optsAdd |= opt
			c.optsRemove &^= opt
			c.opts |= opt
		default:
			c.opts |= opt
		}
		first = false
	}
	c.optsBy = append(c.optsBy, d)
}

// allowOverride is set_override (core.c).
func (a *applier) allowOverride(c *dirConfig, d *ast.Directive, vals []string) {
	c.override = 0
	for _, w := range vals {
		k, v, hasV := strings.Cut(w, "=")
		switch strings.ToLower(k) {
		case "limit":
			c.override |= OrLimit
		case "options":
			c.override |= OrOptions
			if hasV {
				c.overrideOpts = allowOpts(v)
			} else {
				c.overrideOpts = OptAll
			}
		case "fileinfo":
			c.override |= OrFileInfo
		case "authconfig":
			c.override |= OrAuthCfg
		case "indexes":
			c.override |= OrIndexes
		case "nonfatal":
			switch strings.ToLower(v) {
			case "override":
				c.override |= NonfatalOverride
			case "unknown":
				c.override |= NonfatalUnknown
			case "all":
				c.override |= NonfatalOverride | NonfatalUnknown
			}
		case "none":
			c.override = 0
		case "all":
			c.override = OrAll
		default:
			a.fail(d.Pos(), "Illegal override option %s", w)
		}
	}
	c.overrideBy = d
}

// allowOpts is set_allow_opts: the Options=… list of AllowOverride.
func allowOpts(list string) int {
	opts := 0
	for _, w := range strings.Split(list, ",") {
		switch strings.ToLower(w) {
		case "indexes":
			opts |= OptIndexes
		case "includes":
			opts |= OptIncludes | OptIncWithExec
		case "includesnoexec":
			opts |= OptIncludes
		case "followsymlinks":
			opts |= OptFollowSymlink
		case "symlinksifownermatch":
			opts |= OptSymOwner
		case "execcgi":
			opts |= OptExecCGI
		case "multiviews":
			opts |= OptMultiViews
		case "runscripts":
			opts |= OptMultiViews | OptExecCGI
		case "all":
			opts |= OptAll
		}
	}
	return opts
}

// require adds a Require line to the section's implicit <RequireAny>.
func (a *applier) require(c *dirConfig, d *ast.Directive, vals []string) {
	if c.authz == nil {
		c.authz = &authzConfig{}
	}
	if c.authz.root == nil {
		c.authz.root = &authzNode{op: logicOr}
	}
	c.authz.root.children = append(c.authz.root.children, requireNode(d, vals))
}

func requireNode(d *ast.Directive, vals []string) *authzNode {
	n := &authzNode{by: d}
	if len(vals) > 0 && strings.EqualFold(vals[0], "not") {
		n.negate, vals = true, vals[1:]
	}
	if len(vals) > 0 {
		n.provider, n.args = vals[0], slices.Clone(vals[1:])
	}
	return n
}

// authzContainer builds <RequireAll>, <RequireAny>, <RequireNone>.
func authzContainer(s *ast.Section) *authzNode {
	n := &authzNode{sec: s, op: logicOr}
	switch s.Canonical() {
	case "requireall":
		n.op = logicAnd
	case "requirenone":
		n.op, n.negate = logicOr, true
	}
	for _, c := range s.Body {
		switch c := c.(type) {
		case *ast.Directive:
			if c.Is("Require") {
				n.children = append(n.children, requireNode(c, c.Values()))
			}
		case *ast.Section:
			switch c.Canonical() {
			case "requireall", "requireany", "requirenone":
				n.children = append(n.children, authzContainer(c))
			}
		}
	}
	return n
}

func (a *applier) section(c *dirConfig, s *ast.Section) {
	switch s.Canonical() {
	case "requireall", "requireany", "requirenone":
		if c.authz == nil {
			c.authz = &authzConfig{}
		}
		if c.authz.root == nil {
			c.authz.root = &authzNode{op: logicOr}
		}
		c.authz.root.children = append(c.authz.root.children, authzContainer(s))
	case "files", "filesmatch":
		c.files = append(c.files, s)
	case "if", "elseif", "else":
		c.ifs = append(c.ifs, s)
	case "limit", "limitexcept":
		// The body applies to the methods listed (or, for LimitExcept,
		// to the others). We evaluate GET requests.
		listed := false
		for _, m := range s.Values() {
			if strings.EqualFold(m, a.method) || (strings.EqualFold(m, "GET") && a.method == "HEAD") {
				listed = true
			}
		}
		if listed == (s.Canonical() == "limit") {
			a.apply(c, s.Body)
		}
	case "ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection":
		// In a loaded tree these are evaluated already; in .htaccess
		// httpd reads the body only when the condition holds.
		if a.cond != nil {
			if holds, known := a.cond(s); known && !holds {
				return
			}
		}
		a.apply(c, s.Body)
	}
}
