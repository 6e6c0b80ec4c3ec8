package scope

import (
	"fmt"
	"strings"
	"sync"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/rewrite"
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
// httpd answers 500 for a problem in .htaccess. It embeds the library's
// one positioned error (ast.Error, which parser.Error is): &p.Error is an
// error errors.As finds as a *parser.Error, wrapping the directive's or
// parser's error when there is one.
type Problem struct {
	ast.Error
}

// newProblem is msg at pos.
func newProblem(pos ast.Position, msg string) Problem {
	return Problem{ast.Error{Pos: pos, Msg: msg}}
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
	// limit is cmd->limited: the methods an enclosing <Limit> or
	// <LimitExcept> leaves access directives applying to (nil: all).
	limit *methodLimit
	// sec is the section whose body is being built (nil for a server
	// body or .htaccess): mod_proxy's one-argument ProxyPass reads its
	// <Location>.
	sec *ast.Section
	// cond decides a conditional section in .htaccess (nil: read it).
	cond     func(*ast.Section) (holds, known bool)
	problems []Problem
	vals     []string // directive's buffer
	// dir is the directory a <Directory> section or .htaccess file
	// configures ("" elsewhere): mod_rewrite strips it from the path.
	dir     string
	bodyLen int // directives in the body being built: room for its table
	// maps is what RewriteMap's handler needs to look at its file (a
	// zero MapOptions skips the look: only CheckHandlers sets it).
	maps rewrite.MapOptions
	// server is the state CheckHandlers keeps for the server (main or
	// virtual host) whose configuration is being checked: what a
	// handler remembers across its lines (mod_proxy's workers); nil
	// outside CheckHandlers.
	server *serverCheck
	// sections are the sections enclosing the directive CheckHandlers
	// is running, outermost first.
	sections []string
}

// checking reports that CheckHandlers is running the handler: only the
// lines it refuses count, and the configuration it builds is thrown
// away, so a handler may skip building what no check of its module
// reads.
func (a *applier) checking() bool { return a.server != nil }

func (a *applier) fail(pos ast.Position, format string, args ...any) {
	a.problems = append(a.problems, newProblem(pos, fmt.Sprintf(format, args...)))
}

// build returns the configuration the body sets.
func (a *applier) build(body []ast.Node) *dirConfig {
	c := newSectionDirConfig()
	a.bodyLen = 0
	for _, n := range body {
		if _, ok := n.(*ast.Directive); ok {
			a.bodyLen++
		}
	}
	a.apply(c, body)
	return c
}

// appliers are reused by buildConf: every section and virtual host is
// built once, and an applier with its argument buffer is most of what
// building a small body allocates.
var appliers = sync.Pool{New: func() any { return &applier{vals: make([]string, 0, 8)} }}

// buildConf builds a configuration body whose problems nobody reads (a
// loaded tree's: CheckValues reports them).
func buildConf(ctx Context, sec *ast.Section, dir string, body []ast.Node) *dirConfig {
	a := appliers.Get().(*applier)
	*a = applier{ctx: ctx, sec: sec, dir: dir, vals: a.vals[:0]}
	c := a.build(body)
	*a = applier{vals: a.vals[:0]}
	appliers.Put(a)
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
			if a.ctx == CtxHTAccess {
				// httpd runs the handler when it reads the file: its
				// refusals fail the request (500) as the checks of the
				// configuration's own sections fail start-up.
				a.check(c, n)
			}
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
	name := d.Canonical()
	cmds, _ := commandTables()
	cmd, ok := cmds[name]
	if !ok {
		a.dispatch(c, d, name, nil, nil)
		return
	}
	// The values go into a buffer the applier reuses (what keeps them
	// copies them).
	if a.vals == nil {
		a.vals = make([]string, 0, 8)
	}
	a.vals = a.vals[:0]
	for _, arg := range d.Args {
		a.vals = append(a.vals, arg.Value)
	}
	a.dispatch(c, d, name, cmd.fn, a.vals)
}

// dispatch runs fn, the handler of d (name is d's canonical name), with
// d's values vals (a buffer: what the handler keeps, it copies); with no
// handler (fn nil: no module claims d), the innermost setting of name
// wins.
func (a *applier) dispatch(c *dirConfig, d *ast.Directive, name string, fn cmdFunc, vals []string) {
	if fn != nil {
		fn(a, c, d, vals)
		return
	}
	if c.core.last == nil {
		// Sized once: growing it by appends cost twice its size.
		c.core.last = &lastSet{own: lastTable{entries: make([]lastEntry, 0, max(a.bodyLen, 1))}}
	}
	c.core.last.set(name, d)
}

func (a *applier) section(c *dirConfig, s *ast.Section) {
	_, secs := commandTables()
	if sec, ok := secs[s.Canonical()]; ok {
		sec.fn(a, c, s)
	}
}
