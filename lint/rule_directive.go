package lint

import (
	"fmt"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
)

// dirCtxSections are the sections whose bodies httpd reads as per-directory
// configuration (cmd->override = ACCESS_CONF|OR_ALL).
var dirCtxSections = map[string]bool{
	"directory": true, "directorymatch": true, "location": true, "locationmatch": true,
	"files": true, "filesmatch": true, "if": true, "elseif": true, "else": true,
	"proxy": true, "proxymatch": true, "limit": true, "limitexcept": true,
	"requireall": true, "requireany": true, "requirenone": true, "authnprovideralias": true, "authzprovideralias": true,
}

// transparent sections are evaluated by the loader or hold server
// configuration of their own.
//
// Checked on apache2 2.4: "Require not allowed here" at top level,
// "WSGIDaemonProcess not allowed in <Directory> context" in a section.
func contextOverride(parents []*ast.Section) (override int, where string) {
	for i := len(parents) - 1; i >= 0; i-- {
		c := parents[i].Canonical()
		if dirCtxSections[c] {
			return reqACCESS | reqOrAll, "<" + parents[i].Name + ">"
		}
		if c == "virtualhost" {
			return (reqRSRC | reqOrAll) &^ (reqOrAuthCfg | reqOrLimit), "<VirtualHost>"
		}
	}
	return (reqRSRC | reqOrAll) &^ (reqOrAuthCfg | reqOrLimit), "the server configuration"
}

const reqOrAll = reqOrLimit | reqOrOptions | reqOrFileInfo | reqOrAuthCfg | reqOrIndexes

// directiveNodes calls f for every directive and section of the tree
// (sections by "<Name"), with their enclosing sections and what the
// registry says of the name (looked up once per spelling, shared by the
// rules).
func (p *Program) directiveNodes(f func(n ast.Node, name *nodeName, parents []*ast.Section)) {
	p.indexOnce.Do(p.indexNodes)
	var stack []*ast.Section
	var walk func(body []ast.Node)
	walk = func(body []ast.Node) {
		for _, n := range body {
			switch n := n.(type) {
			case *ast.Directive:
				f(n, p.dirNames[n.Name], stack)
			case *ast.Section:
				f(n, p.secNames[n.Name], stack)
				stack = append(stack, n)
				walk(n.Body)
				stack = stack[:len(stack)-1]
			}
		}
	}
	walk(p.Nodes)
}

// appendValues appends the arguments' values to vals: Values without
// allocating for each directive, for a check that keeps no reference.
func appendValues(vals []string, args []ast.Arg) []string {
	for _, a := range args {
		vals = append(vals, a.Value)
	}
	return vals
}

// UnknownDirective reports directives no module of httpd defines: httpd
// refuses to start ("Invalid command 'X', perhaps misspelled or defined
// by a module not included in the server configuration"). The nearest
// known name is suggested, and offered as a fix.
var UnknownDirective = register(&Analyzer{
	ID:       "AC2001",
	Name:     "unknown-directive",
	Doc:      "no module defines this directive (did-you-mean)",
	Severity: Error,
	Run:      runUnknownDirective,
})

func runUnknownDirective(p *Pass) { runNodeVisitor(p, unknownDirective) }

// nodeVisitor is a directive rule's look at each node of the tree, made
// for its pass (nil: the rule has nothing to look at). RunContext walks
// the tree once for all of them (directiveNodes).
type nodeVisitor func(p *Pass) func(n ast.Node, name *nodeName, parents []*ast.Section)

// nodeVisitors are the directive rules that look at every node.
var nodeVisitors = map[*Analyzer]nodeVisitor{
	UnknownDirective: unknownDirective,
	ModuleNotLoaded:  moduleNotLoaded,
	WrongContext:     wrongContext,
	BadArguments:     badArguments,
}

// runNodeVisitor is a directive rule's Run: its own walk of the tree.
func runNodeVisitor(p *Pass, v nodeVisitor) {
	if f := v(p); f != nil {
		p.directiveNodes(f)
	}
}

// visitNodes walks the tree once for the passes of several directive
// rules, each finding what its own walk would, in the same order.
func visitNodes(prog *Program, passes []*Pass) {
	var fs []func(ast.Node, *nodeName, []*ast.Section)
	for _, p := range passes {
		if f := nodeVisitors[p.Analyzer](p); f != nil {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return
	}
	prog.directiveNodes(func(n ast.Node, nn *nodeName, parents []*ast.Section) {
		for _, f := range fs {
			f(n, nn, parents)
		}
	})
}

func unknownDirective(p *Pass) func(ast.Node, *nodeName, []*ast.Section) {
	if p.Specs == nil {
		return nil
	}
	return func(n ast.Node, nn *nodeName, _ []*ast.Section) {
		if nn.known {
			return
		}
		name := nn.name
		msg := fmt.Sprintf("Invalid command '%s', perhaps misspelled or defined by a module not included in the server configuration", name)
		var fixes []SuggestedFix
		if s := suggest(p.Specs, name); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
			if d, ok := n.(*ast.Directive); ok && !strings.HasPrefix(s, "<") {
				fixes = append(fixes, Rename("rename to "+s, d, s))
			}
		}
		p.Report(Diagnostic{Pos: n.Pos(), End: endOfLine(n), Message: msg, Fixes: fixes})
	}
}

// ModuleNotLoaded reports directives of a module the configuration does
// not load: httpd does not start, with the same message as for a typo.
// An MPM's directive is judged by the MPM loaded (a prefork server has
// MinSpareServers, not ThreadsPerChild). Quiet for a fragment
// (ProgramOptions.Fragment), whose modules are unknown.
var ModuleNotLoaded = register(&Analyzer{
	ID:       "AC2004",
	Name:     "module-not-loaded",
	Doc:      "the directive's module is not loaded (LoadModule missing)",
	Severity: Error,
	Run:      runModuleNotLoaded,
})

func runModuleNotLoaded(p *Pass) { runNodeVisitor(p, moduleNotLoaded) }

func moduleNotLoaded(p *Pass) func(ast.Node, *nodeName, []*ast.Section) {
	if p.Specs == nil || p.Server == nil || p.Fragment {
		return nil
	}
	return func(n ast.Node, nn *nodeName, _ []*ast.Section) {
		name, s := nn.name, nn.spec
		if !nn.known || s.Module == "" || s.Module == "core" || p.Server.Loaded(s.Module) || directive.Defined(name, p.Server.Loaded) {
			return // Defined: another module defining the name is loaded
		}
		var ids []string
		for _, d := range directive.Definers(name) {
			ids = append(ids, d.ModuleID)
		}
		if len(ids) == 0 {
			ids = []string{s.Module}
		}
		var enable []string
		for _, id := range ids {
			enable = append(enable, "a2enmod "+strings.TrimSuffix(id, "_module"))
		}
		by := strings.Join(ids, " or ")
		advice := strings.Join(enable, " or ")
		if strings.HasPrefix(ids[0], "mpm_") {
			if mpm := loadedMPM(p); mpm != "" {
				advice = "this server's MPM is " + mpm + "; remove it or switch MPM"
			}
		}
		p.Reportf(n, "Invalid command '%s', perhaps misspelled or defined by a module not included in the server configuration: %s is defined by %s, which no LoadModule loads (%s)",
			name, strings.TrimPrefix(name, "<"), by, advice)
	}
}

// loadedMPM is the MPM module the server loads, or "".
func loadedMPM(p *Pass) string {
	for _, id := range []string{"mpm_event_module", "mpm_worker_module", "mpm_prefork_module"} {
		if p.Server.Loaded(id) {
			return id
		}
	}
	return ""
}

// info is the registry row httpd judges a directive by: with the
// registry generated from apache2 and a server, the row of the module the
// server loads (each MPM defines StartServers), else the Spec's.
func (p *Program) info(name string, s Spec) *directive.Info {
	if _, ok := p.Specs.(generated); ok && p.Server != nil {
		if d, ok := directive.LookupLoaded(name, p.Server.Loaded); ok && d.Section == strings.HasPrefix(name, "<") {
			return d
		}
	}
	return s.info()
}

// moduleLoaded reports whether the module defining the row is loaded
// (always, for a fragment or without a server).
func (p *Program) moduleLoaded(d *directive.Info, s Spec) bool {
	if p.Server == nil || p.Fragment {
		return true
	}
	if d.ModuleID != "" {
		return d.Builtin || p.Server.Loaded(d.ModuleID)
	}
	return s.Module == "" || s.Module == "core" || p.Server.Loaded(s.Module)
}

// WrongContext reports directives where httpd does not accept them: a
// server-only directive in <Directory>, Require at server level …
// ("X not allowed here", "X cannot occur within <VirtualHost> section"),
// and the handlers' checks of their arguments in their context ("Alias
// must have two arguments when used globally", "ServerAlias only used in
// <VirtualHost>", "ProxyPass|ProxyPassMatch can not have a path when
// defined in a location.").
var WrongContext = register(&Analyzer{
	ID:       "AC2002",
	Name:     "wrong-context",
	Doc:      "the directive is not allowed in this context",
	Severity: Error,
	Run:      runWrongContext,
})

func runWrongContext(p *Pass) { runNodeVisitor(p, wrongContext) }

func wrongContext(p *Pass) func(ast.Node, *nodeName, []*ast.Section) {
	if p.Specs == nil {
		return nil
	}
	// The enclosing sections' contexts, made when the walk enters a
	// section (not for each node: the checks take a Context's Sections
	// on to the heap, as it caches what it read of them), their names
	// in one buffer: stack[i] is for parents[:i+1].
	type level struct {
		sec *ast.Section
		ctx directive.Context
	}
	var (
		stack []level
		names []string // the sections' names along stack: each level's Sections is a prefix
	)
	return func(n ast.Node, nn *nodeName, parents []*ast.Section) {
		if !nn.known {
			return
		}
		info, s := nn.info, nn.spec
		if !p.moduleLoaded(info, s) {
			return // AC2004
		}
		k := 0 // the levels still in parents
		for k < len(stack) && k < len(parents) && stack[k].sec == parents[k] {
			k++
		}
		stack = stack[:k]
		for ; k < len(parents); k++ {
			// Only the levels popped wrote past k; a level's Context
			// (and what it caches of its Sections) is made with it.
			names = append(names[:k], parents[k].Name)
			stack = append(stack, level{parents[k], directive.Context{Sections: names[: k+1 : k+1]}})
		}
		var ctx directive.Context
		if len(stack) > 0 {
			ctx = stack[len(stack)-1].ctx
		}
		// On the stack: the checks keep no reference to the arguments.
		var argBuf [8]string
		args := argBuf[:0]
		err := info.CheckContext(ctx)
		if err == nil {
			switch n := n.(type) {
			case *ast.Directive:
				if args = appendValues(args, n.Args); info.CheckArgs(args) == nil {
					err = info.CheckArgsContext(args, ctx)
				} else {
					err = info.CheckHandlerContext(ctx) // the count is AC2005's
				}
			case *ast.Section:
				err = info.CheckArgsContext(appendValues(args, n.Args), ctx)
			}
		}
		if err != nil {
			p.Reportf(n, "%s", err.Msg)
		}
	}
}

// ap_check_cmd_context bits (http_config.h).
const (
	notInVirtualHost = 0x01
)

var arityWords = map[string]string{
	"NO_ARGS":  "takes no arguments",
	"TAKE1":    "takes one argument",
	"TAKE2":    "takes two arguments",
	"TAKE3":    "takes three arguments",
	"TAKE12":   "takes one or two arguments",
	"TAKE13":   "takes one or three arguments",
	"TAKE23":   "takes two or three arguments",
	"TAKE123":  "takes one, two or three arguments",
	"ITERATE":  "requires at least one argument",
	"ITERATE2": "requires at least two arguments",
	"FLAG":     "must be On or Off",
}

// BadArguments reports a wrong number of arguments, and FLAG directives
// with a value other than On or Off, in httpd's words (invoke_cmd).
var BadArguments = register(&Analyzer{
	ID:       "AC2005",
	Name:     "bad-arguments",
	Doc:      "wrong argument count, or a FLAG directive not On/Off",
	Severity: Error,
	Run:      runBadArguments,
})

func runBadArguments(p *Pass) { runNodeVisitor(p, badArguments) }

func badArguments(p *Pass) func(ast.Node, *nodeName, []*ast.Section) {
	if p.Specs == nil {
		return nil
	}
	return func(n ast.Node, nn *nodeName, _ []*ast.Section) {
		d, ok := n.(*ast.Directive)
		if !ok || !nn.known {
			return
		}
		s := nn.spec
		var buf [8]string // on the stack: the check keeps no reference
		args := appendValues(buf[:0], d.Args)
		err := nn.info.CheckArgs(args)
		if err == nil {
			return
		}
		nargs := len(d.Args)
		msg := err.Msg
		var fixes []SuggestedFix
		if s.ArgsHow == "FLAG" && nargs == 1 {
			switch strings.ToLower(d.Args[0].Value) {
			case "yes", "true", "1", "enable", "enabled":
				fixes = append(fixes, ReplaceArgs(s.Name+" On", d, "On"))
			case "no", "false", "0", "disable", "disabled":
				fixes = append(fixes, ReplaceArgs(s.Name+" Off", d, "Off"))
			}
		}
		p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d), Message: msg, Fixes: fixes})
	}
}
