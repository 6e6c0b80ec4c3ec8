package scope

import (
	"sort"
	"sync"

	"github.com/apacheconf/apacheconf/ast"
)

// A module is one of httpd's modules as the engine models it, shaped like
// httpd's `module` struct: a per-directory configuration with its create
// and merge functions, a per-server configuration, a command table, and
// the request hooks it takes part in. The core (core.go, walk.go,
// request.go) runs the phases and calls the hooks of the modules in
// the table below; it knows no module's directives.
//
// Every field may be left nil: a module without a per-directory
// configuration has no mergeDir, one that takes no part in translate_name
// no translateName, and so on. A module's per-directory configuration is
// created (zero) for a body that has one of its directives
// (create_dir_config); a body without any has none, and merging passes
// the parent's on unchanged.
//
// A module file declares its module as `var xModule = &module{name: …}`
// and fills the rest in its init function with define: the hooks refer
// to the module (dirOf, serverOf), which a variable's initializer may
// not do in Go.
type module struct {
	name  string
	index int // position in modules (register sets it)

	// cmds are the directives the module reads in a per-directory body
	// (a section, .htaccess, or a server's own body as lookup_defaults
	// sees it), by canonical (lower-case) name.
	cmds map[string]cmdFunc
	// sections are the sections the module reads in such a body.
	sections map[string]sectionFunc
	// checks are the refusals of the module's directive handlers that
	// building a request's configuration does not make (a server-level
	// line read by newServer, a value only met when a request matches
	// it), by canonical name: CheckHandlers runs them over the whole
	// tree, in the context httpd's handler sees, after cmds. A check
	// reports httpd's message with a.fail.
	checks map[string]cmdFunc
	// mergeDir is merge_dir_config; base and add are never nil, and base
	// must not be changed (merged configurations share their parts).
	// nil: the child's configuration replaces the parent's, as httpd
	// does for a module without a merge function.
	mergeDir func(base, add any) any
	// innermost returns the directive of that canonical name in force
	// in conf, for Result.Directive (nil: the module keeps none).
	innermost func(conf any, name string) *ast.Directive
	// effective adds the module's entries to Result.Effective.
	effective func(conf any, out []Effective) []Effective

	// newServer is the module's server configuration for a server's own
	// body (the main server's, or a virtual host's); built is what the
	// body sets as a per-directory configuration. nil result: the body
	// configures nothing of the module's.
	newServer func(body []ast.Node, built *dirConfig) any
	// mergeServer is merge_server_config (vhost may be nil: the virtual
	// host configures nothing of the module's). nil: the virtual host's
	// configuration, else the main server's.
	mergeServer func(main, vhost any) any

	// Request hooks, in the order the core runs the phases (see
	// README.md). A hook sees and changes the request record.

	// postReadRequest runs before translation (e.g. server-level SetEnvIf).
	postReadRequest func(r *request)
	// translateName maps the URI: it returns the mapping (a file name,
	// a redirect, a refusal: Mapping.Status) and true, or false to
	// decline and let the next module try. The core's DocumentRoot
	// mapping runs when every module declines.
	translateName func(r *request) (Mapping, bool)
	// mapToStorage takes the request off the file system when it returns
	// true: the core then skips the directory and file walks (the
	// location and if walks still run), as mod_proxy's map_to_storage
	// does for a proxied request.
	mapToStorage func(r *request) bool
	// headerParser runs after the walks, before access control.
	headerParser func(r *request)
	// accessChecker runs first in the access phases
	// (APR_HOOK_REALLY_FIRST, as mod_allowmethods): a status other than 0
	// ends the request before authorization.
	accessChecker func(r *request) (status int, reason string)
	// access is the access-control phases (access_checker, check_authn,
	// check_authz) as one answer.
	access func(r *request) AuthzResult
	// typeChecker picks content type and handler.
	typeChecker func(r *request)
	// fixups runs last before the handler; it may answer the request
	// (a status, a redirect, an internal redirect): nil lets it go on.
	// Fixups that only add to the request (environment, notes) run
	// whatever the access phases answered; their answer is then ignored.
	fixups func(r *request) *answer
	// lateFixups runs after every module's fixups: a fixup registered
	// at APR_HOOK_LAST by a module loaded after mod_dir (mod_rewrite's
	// hook_mimetype), which sees the request as the other fixups left
	// it and cannot answer.
	lateFixups func(r *request)
	// handler answers the request when the module's handler is the one
	// selected (ok true), as ap_invoke_handler offers it to each module:
	// r.handler is then the handler name, or the content type when no
	// handler is set.
	handler func(r *request) (status int, reason string, ok bool)
	// handlerNames are the names the module's handler takes (what its
	// handler hook compares r->handler with); a content type among them
	// is reported as the handler when no handler is set.
	handlerNames []string
	// ownStatus: the handler's answer carries its own status (an
	// application's or a backend's), where another handler's keeps
	// r->status (the default handler serving an ErrorDocument keeps
	// the error's status).
	ownStatus bool
	// setsEnv are the module's directives that set a request environment
	// variable (see EnvSetters).
	setsEnv []string
}

// define fills m with the definition d (its name and index stay).
func (m *module) define(d module) {
	d.name, d.index = m.name, m.index
	*m = d
}

// cmdFunc reads one directive into the configuration being built.
type cmdFunc func(a *applier, c *dirConfig, d *ast.Directive, vals []string)

// sectionFunc reads one section into the configuration being built.
type sectionFunc func(a *applier, c *dirConfig, s *ast.Section)

// answer is what a fixup hook answers instead of letting the request go
// on to its handler.
type answer struct {
	status int
	reason string
	// redirect is the Location of an external redirect (with status).
	redirect *Redirect
	// internalRedirect is a new URI the core runs the request again for
	// (ap_internal_redirect: a new translation and walk), bounded by
	// LimitInternalRecursion.
	internalRedirect string
	// phase and note are the trace step recording the internal
	// redirect (Step.Phase, Step.Note).
	phase, note string
	// viaHandler is the handler that performs the internal redirect
	// (mod_rewrite's redirect-handler): a later fixup that sets another
	// handler cancels it.
	viaHandler string
	// become is a sub-request's result that becomes the request
	// (ap_internal_fast_redirect, as mod_dir does for an index file).
	become *Result
}

// modules is the module table, in httpd's hook order (Debian's
// LoadModule order, which decides among modules of the same hook
// priority; priorities are noted where they decide). Adding a module is
// its file and one line here.
var modules = register(
	coreModule,         // core.c (its DocumentRoot translation runs last: APR_HOOK_REALLY_LAST)
	negotiationModule,  // type_checker (FIRST), modelled as the first fixup: MultiViews
	rewriteModule,      // translate_name and fixups: APR_HOOK_FIRST (server rules before mod_proxy and mod_alias)
	setenvifModule,     // post_read_request, header_parser
	proxyModule,        // translate_name (FIRST, after mod_rewrite), map_to_storage (FIRST), handler (FIRST)
	aliasModule,        // translate_name (MIDDLE), fixups (fixup_redir)
	wsgiModule,         // translate_name (MIDDLE, after mod_alias), handler
	userdirModule,      // translate_name (MIDDLE, after mod_alias)
	authzModule,        // access: mod_access_compat, mod_authz_core, mod_authz_host
	mimeModule,         // type_checker
	envModule,          // fixups (MIDDLE)
	headersModule,      // configuration only: responses are not modelled
	dirModule,          // fixups (APR_HOOK_LAST)
	spelingModule,      // fixups (APR_HOOK_LAST, loaded after mod_dir)
	cgiModule,          // handler: cgi-script (mod_cgi or mod_cgid)
	allowMethodsModule, // access_checker (REALLY_FIRST): AllowMethods
	statusModule,       // handler: server-status
	infoModule,         // handler: server-info
	balancerModule,     // handler: balancer-manager
)

func register(ms ...*module) []*module {
	for i, m := range ms {
		m.index = i
	}
	return ms
}

type moduleCmd struct {
	m  *module
	fn cmdFunc
}

type moduleSection struct {
	m  *module
	fn sectionFunc
}

// commandTables indexes every module's directives and sections, once
// (after the modules' init functions have defined them).
var commandTables = sync.OnceValues(func() (map[string]moduleCmd, map[string]moduleSection) {
	cmds, secs := map[string]moduleCmd{}, map[string]moduleSection{}
	for _, m := range modules {
		for name, fn := range m.cmds {
			if _, dup := cmds[name]; dup {
				panic("scope: two modules handle " + name)
			}
			cmds[name] = moduleCmd{m, fn}
		}
		for name, fn := range m.sections {
			if _, dup := secs[name]; dup {
				panic("scope: two modules handle <" + name + ">")
			}
			secs[name] = moduleSection{m, fn}
		}
	}
	return cmds, secs
})

// handler is what a directive's canonical name finds in the modules:
// the handler of the module that claims it (cmd.fn nil: none does) and
// the check CheckHandlers runs after it (checkOf's; nil: none).
type handler struct {
	cmd   moduleCmd
	check cmdFunc
}

// handlers indexes, once, every directive a module handles or checks by
// canonical name: one lookup where commandTables and checkOf's walk of
// every module's checks cost several for each line of a large tree.
var handlers = sync.OnceValue(func() map[string]handler {
	cmds, _ := commandTables()
	out := make(map[string]handler, len(cmds))
	for name, cmd := range cmds {
		out[name] = handler{cmd, checkOf(name, cmd.m)}
	}
	for _, m := range modules {
		for name := range m.checks {
			if _, ok := out[name]; !ok {
				out[name] = handler{check: checkOf(name, nil)}
			}
		}
	}
	return out
})

// EnvSetters lists the directives (lower case, sorted) that can set a
// request environment variable: SetEnv, SetEnvIf and friends,
// RewriteRule's [E=].
func EnvSetters() []string {
	var out []string
	for _, m := range modules {
		out = append(out, m.setsEnv...)
	}
	sort.Strings(out)
	return out
}

// dirConfig is one per-directory configuration (r->per_dir_config): the
// core's own part and the configurations of the modules that have one
// here, sorted by module index. Most bodies set directives of one or two
// modules: a sparse list costs a few words where a slot per module would
// cost a dozen, for every section and every virtual host.
type dirConfig struct {
	core coreDir
	mods []modConf
}

type modConf struct {
	index int
	conf  any
}

// modConf returns m's configuration in c, or nil.
func (c *dirConfig) modConf(m *module) any {
	for _, mc := range c.mods {
		if mc.index == m.index {
			return mc.conf
		}
		if mc.index > m.index {
			break
		}
	}
	return nil
}

// dirOf returns m's configuration in c, creating it (only a body being
// built calls it).
func dirOf[T any](c *dirConfig, m *module) *T {
	i := 0
	for ; i < len(c.mods) && c.mods[i].index <= m.index; i++ {
		if c.mods[i].index == m.index {
			return c.mods[i].conf.(*T)
		}
	}
	t := new(T)
	c.mods = append(c.mods, modConf{})
	copy(c.mods[i+1:], c.mods[i:])
	c.mods[i] = modConf{m.index, t}
	return t
}

// peekDir returns m's configuration in c, or nil.
func peekDir[T any](c *dirConfig, m *module) *T {
	v, _ := c.modConf(m).(*T)
	return v
}

// merge returns base merged with add, as ap_merge_per_dir_configs runs
// every module's merge function. Neither is changed.
func merge(base, add *dirConfig) *dirConfig {
	c := &dirConfig{core: mergeCore(&base.core, &add.core)}
	if len(add.mods) == 0 {
		c.mods = base.mods
		return c
	}
	if len(base.mods) == 0 {
		c.mods = add.mods
		return c
	}
	c.mods = make([]modConf, 0, len(base.mods)+len(add.mods))
	b, a := base.mods, add.mods
	for len(b) > 0 || len(a) > 0 {
		switch {
		case len(a) == 0 || len(b) > 0 && b[0].index < a[0].index:
			c.mods, b = append(c.mods, b[0]), b[1:]
		case len(b) == 0 || a[0].index < b[0].index:
			c.mods, a = append(c.mods, a[0]), a[1:]
		default:
			m := modules[a[0].index]
			conf := a[0].conf
			if m.mergeDir != nil {
				conf = m.mergeDir(b[0].conf, a[0].conf)
			}
			c.mods = append(c.mods, modConf{a[0].index, conf})
			a, b = a[1:], b[1:]
		}
	}
	return c
}

// serverConfs are every module's server configurations for one server.
type serverConfs []any

// newServerConfs builds the modules' server configurations of a body.
func newServerConfs(body []ast.Node, built *dirConfig) serverConfs {
	out := make(serverConfs, len(modules))
	for i, m := range modules {
		if m.newServer != nil {
			out[i] = m.newServer(body, built)
		}
	}
	return out
}

// mergeServerConfs is merge_server_configs: the virtual host's over the
// main server's, shared where the virtual host configures nothing.
func mergeServerConfs(main, vhost serverConfs) serverConfs {
	out := make(serverConfs, len(modules))
	for i, m := range modules {
		switch {
		case m.mergeServer != nil:
			out[i] = m.mergeServer(main[i], vhost[i])
		case vhost[i] != nil:
			out[i] = vhost[i]
		default:
			out[i] = main[i]
		}
	}
	return out
}

// serverOf returns m's server configuration for the request's server.
func serverOf[T any](r *request, m *module) *T {
	v, _ := r.srv[m.index].(*T)
	return v
}
