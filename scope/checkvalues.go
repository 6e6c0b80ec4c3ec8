package scope

import (
	"errors"
	"io/fs"
	"regexp/syntax"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/internal/pcre"
	"github.com/apacheconf/apacheconf/internal/rewrite"
)

// CheckOptions say what CheckHandlers may look at beyond the tree.
type CheckOptions struct {
	// Loaded tells which modules are loaded (nil: every module). A
	// directive of a module that is not loaded is unknown to httpd (the
	// directive registry reports it); its handler never runs.
	Loaded directive.Modules
	// FS is the file system, rooted at "/", for the handlers that look
	// at a file (RewriteMap's map file); nil skips those looks.
	FS fs.FS
	// ServerRoot is what relative paths are taken from.
	ServerRoot string
}

// CheckValues reports the errors httpd's directive handlers find at
// start-up in a loaded tree, every module loaded and no file looked at:
// CheckHandlers with zero options.
func CheckValues(body []ast.Node) []Problem {
	return CheckHandlers(body, CheckOptions{})
}

// CheckHandlers runs the directive handlers of every module the engine
// models over a whole loaded tree, as ap_process_config_tree does at
// start-up: each directive in the context its handler sees (the server
// or a <VirtualHost>'s body, <Directory>, <Location>, <Files>, <If>,
// <Proxy>), reporting the values they refuse with httpd's message and
// the directive's position (Options' words, a Redirect without its URL,
// a RewriteRule flag httpd does not know, a ProxyPass key …). A request
// meets these errors only for the sections it passes through, or never
// (a server-level line the engine reads without its handler); a
// configuration check wants them all. httpd stops at the first error;
// CheckHandlers reports every one, in tree order.
//
// Names, contexts and argument counts are the directive registry's job
// (directive.CheckTree): a directive or section the registry refuses is
// skipped here, as httpd never calls its handler (and never reads the
// body of a section it refuses).
func CheckHandlers(body []ast.Node, opts CheckOptions) []Problem {
	k := &handlerCheck{opts: opts, authzAliases: map[string]bool{},
		names: map[string]*handlerName{}}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Directive:
			if n.Is("LoadModule") && len(n.Args) > 0 {
				k.loadModules = append(k.loadModules, n.Args[0].Value)
			}
		case *ast.Section:
			// <AuthzProviderAlias provider alias> registers alias.
			if n.Is("AuthzProviderAlias") && len(n.Args) > 1 {
				k.authzAliases[n.Args[1].Value] = true
			}
		}
		return true
	})
	k.server(body, &enclosing{})
	return k.problems
}

type handlerCheck struct {
	opts     CheckOptions
	srv      *serverCheck // the server whose body is being checked
	problems []Problem
	args     []string // the directive's values (a buffer)
	// names are what each name as written finds (a configuration
	// spells a few hundred names over and over: one lookup where
	// lowering the name, the module tables and the registry cost
	// several for each line).
	names map[string]*handlerName
	// loadModules are the module identifiers of the tree's LoadModule
	// lines; authzAliases the providers <AuthzProviderAlias> defines.
	loadModules  []string
	authzAliases map[string]bool
	mods         map[*module]any // what handlers remember across servers
	// confs and appliers are reused by nesting depth (one body at a time
	// is checked at each depth): a fresh configuration per section
	// doubled check's allocations at 10k virtual hosts.
	confs    []*dirConfig
	appliers []*applier
}

// scratch returns the reset configuration and applier for a body at
// depth (len of its sections).
func (k *handlerCheck) scratch(depth int, ctx Context, sec *ast.Section, dir string) (*applier, *dirConfig) {
	for len(k.confs) <= depth {
		k.confs = append(k.confs, nil)
		k.appliers = append(k.appliers, nil)
	}
	c := k.confs[depth]
	if c == nil {
		c = newSectionDirConfig()
		k.confs[depth] = c
	} else {
		mods := c.mods[:0]
		*c = sectionDirConfig()
		c.mods = mods
	}
	a := k.appliers[depth]
	if a == nil {
		a = &applier{}
		k.appliers[depth] = a
	}
	vals, problems := a.vals[:0], a.problems[:0]
	*a = applier{ctx: ctx, sec: sec, dir: dir, server: k.srv, vals: vals, problems: problems,
		maps: rewrite.MapOptions{FS: k.opts.FS, ServerRoot: k.opts.ServerRoot}}
	return a, c
}

// loaded reports whether the module (by identifier) is loaded.
func (k *handlerCheck) loaded(id string) bool {
	return k.opts.Loaded == nil || k.opts.Loaded(id)
}

// closedModules reports whether every module the tree loads is one whose
// registrations we know: httpd's and Debian's (the directive registry's,
// and those without directives), none that defines providers from the
// configuration (mod_lua, mod_authnz_fcgi). Without the loaded modules
// (a fragment of a configuration) it cannot be told: false.
func (k *handlerCheck) closedModules() bool {
	if k.opts.Loaded == nil {
		return false
	}
	for _, id := range k.loadModules {
		if id == "lua_module" || id == "authnz_fcgi_module" {
			return false
		}
		if _, ok := directive.ModuleID(id); !ok && !directivelessModules[id] {
			return false
		}
	}
	return true
}

// directivelessModules are the modules Debian's apache2 ships that have
// no directive (so the directive registry does not name them).
var directivelessModules = map[string]bool{
	"asis_module": true, "authz_host_module": true, "authz_owner_module": true, "authz_user_module": true,
	"bucketeer_module": true, "case_filter_module": true, "case_filter_in_module": true, "data_module": true,
	"lbmethod_bybusyness_module": true, "lbmethod_byrequests_module": true, "lbmethod_bytraffic_module": true,
	"proxy_ajp_module": true, "proxy_balancer_module": true, "proxy_fdpass_module": true, "proxy_http_module": true,
	"proxy_http2_module": true, "proxy_uwsgi_module": true, "ratelimit_module": true, "slotmem_plain_module": true,
	"slotmem_shm_module": true, "socache_dbm_module": true, "socache_shmcb_module": true, "status_module": true,
	"unique_id_module": true,
}

// server checks a server's body (the main server's, or a
// <VirtualHost>'s): a configuration of its own, as httpd's handlers
// see it (cmd->path NULL).
func (k *handlerCheck) server(body []ast.Node, p *enclosing) {
	outer := k.srv
	k.srv = &serverCheck{run: k}
	a, c := k.scratch(len(p.ctx.Sections), CtxServer, nil, "")
	k.body(a, c, body, p)
	k.srv = outer
}

// serverCheck is what the handlers of one server's configuration
// remember across its lines, by module (httpd's per-server
// configuration while it is read).
type serverCheck struct {
	run  *handlerCheck
	mods map[*module]any
}

// runCheckOf returns m's state for the whole check (every server's),
// created the first time; a must be CheckHandlers' (a.server set).
func runCheckOf[T any](a *applier, m *module) *T {
	k := a.server.run
	if k.mods == nil {
		k.mods = map[*module]any{}
	}
	t, ok := k.mods[m].(*T)
	if !ok {
		t = new(T)
		k.mods[m] = t
	}
	return t
}

// serverCheckOf returns m's state for the server a is checking, created
// the first time (nil outside CheckHandlers).
func serverCheckOf[T any](a *applier, m *module) *T {
	if a.server == nil {
		return nil
	}
	if a.server.mods == nil {
		a.server.mods = map[*module]any{}
	}
	t, ok := a.server.mods[m].(*T)
	if !ok {
		t = new(T)
		a.server.mods[m] = t
	}
	return t
}

// body runs the handlers of one configuration body: its directives into
// c (a body's directives share one configuration, as a section's do in
// httpd: a RewriteCond waits for its RewriteRule), its sections each in
// their own context. p is the sections enclosing the body.
func (k *handlerCheck) body(a *applier, c *dirConfig, nodes []ast.Node, p *enclosing) {
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Directive:
			// A directive no module claims is only stored (the
			// innermost wins) and refuses nothing: its registry check
			// and storing are skipped.
			h := k.name(n.Name)
			if h.cmd.fn == nil && h.check == nil || p.refuses(h.row, k.values(n.Args)) {
				continue
			}
			a.sections = p.ctx.Sections
			a.dispatch(c, n, h.canon, h.cmd.fn, k.args)
			a.checkWith(c, n, h.check, k.args)
			for _, p := range a.problems {
				if !unprovenRegexRefusal(p.Msg) {
					k.problems = append(k.problems, p)
				}
			}
			a.problems = a.problems[:0]
		case *ast.Section:
			// httpd does not call the handler of a section the
			// registry refuses.
			h := k.name(n.Name)
			if n.Is("Macro") || p.refuses(h.sectionRow, k.values(n.Args)) {
				continue // a macro's body is text until Use expands it
			}
			k.section(a, c, n, h.canon, p.in(n.Name))
		}
	}
}

// handlerName is what CheckHandlers reads of a directive or section
// name as written: its canonical form, the module handler and check of
// that name, and the directive registry's rows of the directive and of
// the section (nil: unknown to httpd).
type handlerName struct {
	canon string
	handler
	row, sectionRow *directive.Info
}

// name returns what name, as written, finds.
func (k *handlerCheck) name(name string) *handlerName {
	h, ok := k.names[name]
	if !ok {
		h = &handlerName{}
		h.canon = ast.Canonical(name)
		h.handler = handlers()[h.canon]
		h.row = registryRow(name, k.opts.Loaded)
		h.sectionRow = registryRow("<"+name, k.opts.Loaded)
		k.names[name] = h
	}
	return h
}

// registryRow is the row directive.CheckLoaded judges name by (a section
// by "<Name"), nil when it answers that httpd does not know the name:
// whether it does depends on the name alone.
func registryRow(name string, loaded directive.Modules) *directive.Info {
	if err := directive.CheckLoaded(name, nil, directive.Context{}, loaded); err != nil && err.Kind == directive.Unknown {
		return nil
	}
	row, _ := directive.LookupLoaded(name, loaded)
	return row
}

// enclosing is one list of enclosing sections (by name as written,
// outermost first) and what the directive registry's checks of the
// context said of the rows met in it: the same in every body the list
// encloses, so the thousands of <VirtualHost> and <Directory> bodies of
// a large configuration share one.
type enclosing struct {
	ctx      directive.Context // Sections is the list
	refusals map[*directive.Info]bool
	inner    map[string]*enclosing
}

// in returns the path of a body inside section (by name as written).
func (p *enclosing) in(section string) *enclosing {
	q := p.inner[section]
	if q == nil {
		n := len(p.ctx.Sections)
		q = &enclosing{ctx: directive.Context{Sections: append(p.ctx.Sections[:n:n], section)}}
		if p.inner == nil {
			p.inner = map[string]*enclosing{}
		}
		p.inner[section] = q
	}
	return q
}

// refuses reports whether the directive registry refuses, with these
// values here, the directive or section whose row is row (nil: unknown):
// directive.CheckLoaded's verdict, httpd not calling the handler. The
// row's Check is its checks of the context, of the values, and of the
// values in the context; only the last looks at the values and the
// context together, and only for a row with argument shapes (else it
// is CheckHandlerContext): what looks at the context alone is
// remembered.
func (p *enclosing) refuses(row *directive.Info, args []string) bool {
	if row == nil {
		return true
	}
	bad, ok := p.refusals[row]
	if !ok {
		bad = row.CheckContext(p.ctx) != nil || len(row.Shapes) == 0 && row.CheckHandlerContext(p.ctx) != nil
		if p.refusals == nil {
			p.refusals = map[*directive.Info]bool{}
		}
		p.refusals[row] = bad
	}
	return bad || row.CheckArgs(args) != nil || len(row.Shapes) > 0 && row.CheckArgsContext(args, p.ctx) != nil
}

// values collects args' values into k.args.
func (k *handlerCheck) values(args []ast.Arg) []string {
	k.args = k.args[:0]
	for _, a := range args {
		k.args = append(k.args, a.Value)
	}
	return k.args
}

// check runs the module check of d (after its handler, a.directive)
// unless the handler refused it already: a handler returns one error.
func (a *applier) check(c *dirConfig, d *ast.Directive) {
	if chk := handlers()[d.Canonical()].check; chk != nil {
		a.checkWith(c, d, chk, d.Values())
	}
}

// checkWith is check with d's check chk (nil: none) and values vals.
func (a *applier) checkWith(c *dirConfig, d *ast.Directive, chk cmdFunc, vals []string) {
	if chk == nil || len(a.problems) > 0 && a.problems[len(a.problems)-1].Pos == d.Pos() {
		return
	}
	chk(a, c, d, vals)
}

// checkOf returns the check a module makes of the directive name: the
// module whose cmds handle it, else the one whose checks name it (a
// server-level directive the module reads in newServer).
func checkOf(name string, m *module) cmdFunc {
	if m != nil {
		return m.checks[name]
	}
	for _, m := range modules {
		if chk, ok := m.checks[name]; ok {
			return chk
		}
	}
	return nil
}

// section checks a section's body in the context its handler gives it.
// canon is s's canonical name, p its body's enclosing sections (s the
// innermost).
func (k *handlerCheck) section(a *applier, c *dirConfig, s *ast.Section, canon string, p *enclosing) {
	arg := func(i int) string {
		if i < len(s.Args) {
			return s.Args[i].Value
		}
		return ""
	}
	switch canon {
	case "virtualhost":
		k.server(s.Body, p)
	case "directory", "directorymatch":
		dir := arg(0)
		if dir == "~" {
			dir = arg(1)
		}
		sa, sc := k.scratch(len(p.ctx.Sections), CtxDirectory, s, dir)
		k.body(sa, sc, s.Body, p)
	case "location", "locationmatch":
		sa, sc := k.scratch(len(p.ctx.Sections), CtxLocation, s, "")
		k.body(sa, sc, s.Body, p)
	case "files", "filesmatch":
		sa, sc := k.scratch(len(p.ctx.Sections), CtxFiles, s, a.dir)
		k.body(sa, sc, s.Body, p)
	case "if", "elseif", "else":
		sa, sc := k.scratch(len(p.ctx.Sections), CtxIf, s, a.dir)
		k.body(sa, sc, s.Body, p)
	case "proxy", "proxymatch":
		// proxysection: a per-directory configuration of its own
		// (cmd->path "proxy:…"), not a <Location>.
		sa, sc := k.scratch(len(p.ctx.Sections), CtxDirectory, s, "")
		k.body(sa, sc, s.Body, p)
	case "limit", "limitexcept":
		outer := a.limit
		a.limit = &methodLimit{methods: s.Values(), except: canon == "limitexcept", outer: outer}
		k.body(a, c, s.Body, p)
		a.limit = outer
	default:
		// <RequireAll> and its like, and the conditional sections a
		// loaded tree keeps: their bodies are the enclosing
		// configuration's.
		k.body(a, c, s.Body, p)
	}
}

// pcreRefuses reports whether httpd's PCRE2 refuses pattern. Our engine
// (internal/pcre, regexp2) refuses patterns PCRE2 takes (possessive
// quantifiers, \K, \h, (*UTF8) …): a refusal is reported only where
// Go's RE2 parser refuses it too for a reason PCRE2 shares — a missing
// or unexpected parenthesis or bracket, a quantifier with nothing to
// repeat, a trailing backslash, a reversed range — and no PCRE2 verb
// "(*" is in it. Anything else is taken as compiled: never a false
// error.
func pcreRefuses(pattern string, icase bool) bool {
	if _, err := pcre.Compile(pattern, icase); err == nil || strings.Contains(pattern, "(*") {
		return false
	}
	_, err := syntax.Parse(pattern, syntax.Perl)
	var se *syntax.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code {
	case syntax.ErrMissingParen, syntax.ErrUnexpectedParen, syntax.ErrMissingBracket,
		syntax.ErrMissingRepeatArgument, syntax.ErrTrailingBackslash, syntax.ErrInvalidCharRange:
		return true
	}
	return false
}

// unprovenRegexRefusal reports whether msg is mod_rewrite's refusal of a
// regular expression ("RewriteRule: cannot compile regular expression
// '…'") that pcreRefuses does not confirm.
func unprovenRegexRefusal(msg string) bool {
	const mark = ": cannot compile regular expression '"
	i := strings.Index(msg, mark)
	if i < 0 || !strings.HasSuffix(msg, "'") {
		return false
	}
	return !pcreRefuses(msg[i+len(mark):len(msg)-1], false)
}
