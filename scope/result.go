package scope

import (
	"github.com/apacheconf/apacheconf/ast"
)

// Result is what httpd would do with a request, with the reasons.
type Result struct {
	Request Request
	// Server is the virtual host (or main server) that answers, and How
	// it was chosen (see Selection).
	Server *VirtualHost
	How    string
	// URI is the request path after httpd's normalisation.
	URI     string
	Mapping Mapping
	// Filename is the file the request resolves to after the directory
	// walk; PathInfo the rest of the URL path beyond it.
	Filename string
	PathInfo string
	// Exists and IsDir describe Filename.
	Exists, IsDir bool
	// Steps are the configurations merged, in order.
	Steps []Step
	// Handler is the handler that runs ("" for the default handler).
	Handler   string
	HandlerBy *ast.Directive
	// HandlerScript is the WSGIHandlerScript whose name is the handler:
	// mod_wsgi runs that script's handle_request for the request.
	HandlerScript *ast.Directive
	// Options are the effective Options bits (Opt*).
	Options int
	// Env is the request's environment (r->subprocess_env) as the
	// handler sees it, in table order: SetEnvIf results first, then SetEnv
	// values (mod_env overlays them). A lookup takes the first entry of a
	// name (see LookupEnv), so SetEnvIf wins over SetEnv.
	Env []EnvVar
	// Undecided lists directives whose effect could not be decided
	// statically (e.g. a SetEnvIf whose regex Go cannot compile).
	Undecided []*ast.Directive
	// NotModelled says what part of httpd's behaviour for this request
	// we do not model (e.g. a mod_rewrite substitution); "" when none.
	NotModelled string
	// Authz is the authorization result.
	Authz AuthzResult
	// Status is the HTTP status httpd answers to a plain GET (0 when it
	// cannot be decided statically), and Reason why.
	Status int
	Reason string
	// Proxy is where mod_proxy sends the request (nil: not proxied).
	Proxy *ProxyOutcome
	// Problems are configuration errors met on the way (.htaccess).
	Problems []Problem
	// Location is the Location header of a 3xx answer as httpd writes it
	// (fully qualified: mod_dir's DirectorySlash, mod_alias's Redirect,
	// mod_rewrite's [R]); "" otherwise.
	Location string
	// Rewrites are the RewriteRules that matched, in the order they ran,
	// across the internal redirects of the request.
	Rewrites []RewriteStep
	// Unmodelled says, one entry per decision, what could not be decided
	// statically and which directive asked for it (a RewriteMap prg:, the
	// time, an expr the engine cannot evaluate). Status is then 0.
	Unmodelled []string

	conf *dirConfig
	// pendingRedirect is a sub-request's internal redirect, run if the
	// sub-request becomes the request (mod_dir's index).
	pendingRedirect *answer
	// beforeHandler is 200 when the request reached its handler: the
	// status a sub-request (which runs no handler) ends with then.
	beforeHandler int
	// byDefaultHandler: no module's handler took the request, core's
	// default_handler answered (a DirectoryIndex file that becomes the
	// request meets the request's own method there).
	byDefaultHandler bool
	undecided        bool // an <If> could not be evaluated
	// ownStatus: the handler that answered sets its own status (an
	// application's, a backend's) instead of keeping r->status.
	ownStatus bool
	// failConf is the configuration the request had where it failed, when
	// that is not conf (translate_name's, map_to_storage's): the
	// ErrorDocument in force there answers.
	failConf *dirConfig
	// handlerSet and contentType are r->handler and r->content_type as
	// the fixups left them (what a request this one becomes starts from).
	handlerSet, contentType Setting
	// onHandlerFailure answers the request when its handler fails with a
	// status decided outside this package (see HandlerFailed).
	onHandlerFailure func(status int, reason string) (*Result, bool)
	// died: ap_die ran for the request (its ErrorDocument, if any, is in
	// the Result).
	died bool
}

// Directive returns the directive of that name in force for the request
// (innermost wins), for directives without special merge rules.
func (r *Result) Directive(name string) *ast.Directive {
	if r.conf == nil {
		return nil
	}
	name = ast.Canonical(name)
	for _, mc := range r.conf.mods {
		if m := modules[mc.index]; m.innermost != nil {
			if d := m.innermost(mc.conf, name); d != nil {
				return d
			}
		}
	}
	return r.conf.core.last.get(name)
}

// LookupEnv finds a variable as apr_table_get does: first entry, any case.
func (r *Result) LookupEnv(name string) (EnvVar, bool) {
	t := envTable{entries: r.Env}
	return t.get(name)
}

func describe(d *ast.Directive) string {
	if d == nil {
		return "configuration"
	}
	return d.Name + " at " + d.Pos().String()
}

// HandlerFailed answers the request as httpd's ap_die does when its
// handler fails with status, for a refusal decided outside this package
// (package resolve's mod_wsgi daemon checks: 500): the ErrorDocument in
// force for status (an internal redirect's Result, a 302), or, when r is
// an ErrorDocument's own answer, the original error, which stands when
// the document fails. ok is false when no ErrorDocument changes the
// answer (r is returned).
func (r *Result) HandlerFailed(status int, reason string) (*Result, bool) {
	if r.onHandlerFailure == nil {
		return r, false
	}
	return r.onHandlerFailure(status, reason)
}
