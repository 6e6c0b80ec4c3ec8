package scope

import (
	"io/fs"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/urlmap"
)

// Request is what the scope engine needs to know about a request.
type Request struct {
	// Addr and Port are the local address and port the connection
	// arrived on (they select the virtual host's address set).
	Addr netip.Addr
	Port int
	// Host is the Host header ("" for none).
	Host string
	// Path is the request target as sent (percent-encoded): the URL
	// path with its query, or an absolute URI ("http://host/path"), as a
	// client of a forward proxy sends it; its host then chooses the
	// virtual host, as httpd takes it over the Host header.
	Path string
	// Remote is the client's address, for Require ip. Default 127.0.0.1.
	Remote netip.Addr
	// Headers are request headers other than Host (for SetEnvIf,
	// BrowserMatch). A plain client sends none that matter.
	Headers map[string]string
	// Method is the request method as sent ("" is GET). httpd's method
	// names are case-sensitive; HEAD is answered as GET without a body.
	Method string
	// Backends says which proxy backends answer (nil: nothing is known,
	// and a proxied request's status is left to its backend).
	Backends *Backends
}

// MethodOrGET is the request's method, GET when none is set.
func (req Request) MethodOrGET() string {
	if req.Method == "" {
		return "GET"
	}
	return req.Method
}

// Mapping is the result of httpd's translate_name phase; see urlmap.
type Mapping = urlmap.Mapping

// Redirect is a redirect answer found while mapping; see urlmap.
type Redirect = urlmap.Redirect

// Env is a read-only file system view used for the parts of the walk
// that look at files: existence, directories, .htaccess. Paths are
// absolute paths without the leading slash, as io/fs wants them (see
// FSPath).
type Env struct {
	FS fs.FS
}

// FSPath converts an absolute path to the io/fs form ("/srv/www" →
// "srv/www", "/" → ".").
func FSPath(abs string) string {
	for len(abs) > 0 && abs[0] == '/' {
		abs = abs[1:]
	}
	for len(abs) > 0 && abs[len(abs)-1] == '/' {
		abs = abs[:len(abs)-1]
	}
	if abs == "" {
		return "."
	}
	return abs
}

// RequestOptions control Server.Request.
type RequestOptions struct {
	// FS is the file system that paths in the configuration refer to
	// (absolute paths, see FSPath). nil: no file is found.
	FS fs.FS
	// Table admits directives in .htaccess. Nil: the generated directive
	// registry, which also checks arguments, sections and modules as httpd
	// does (package directive).
	Table DirectiveTable
	// Map, when set, replaces the built-in URL mapping.
	Map func(s *Server, v *VirtualHost, uri string) Mapping

	depth     int // sub-request nesting
	redirects int // internal redirects before this request (r->prev chain)
	// prevEnv is the environment the previous request of an internal
	// redirect chain left, already renamed REDIRECT_* (rename_original_env).
	prevEnv []EnvVar
	// parentEnv is a sub-request's copy of its main request's
	// environment.
	parentEnv []EnvVar
	// mainSections is, in a sub-request, the sections its main request's
	// configuration was merged from (sectionChain).
	mainSections []Step
	// prevSections is, after an internal redirect (mod_rewrite's), the
	// sections the previous request's configuration was merged from.
	prevSections []Step
	// rewriteEnd: a RewriteRule [END] ran earlier in the chain (httpd
	// keeps that in the request pool, which the chain shares).
	rewriteEnd bool
	// ifs are the chain's undecided <If> conditions (ifwalk.go).
	ifs *ifDecisions
	// errorStatus is, in the request an ErrorDocument started and the
	// internal redirects it makes, the status of the request that failed
	// (their r->status); 0 elsewhere.
	errorStatus int
	// theRequest is the request line the client sent, set once an
	// internal redirect or sub-request replaces the path: r->the_request
	// is copied unchanged down the chain (%{THE_REQUEST}).
	theRequest string
}

// request is request_rec: what the phases read and write. The core
// creates it, runs the phases over it, and reports it as a Result.
type request struct {
	s    *Server
	v    *VirtualHost
	comp *compiled   // the server's configuration (sections, merged base)
	srv  serverConfs // every module's server configuration
	req  Request
	opts RequestOptions
	res  *Result
	w    *walker

	// path is the request target's path and query (an absolute URI's
	// without its scheme and host: absolute says it had them).
	path     string
	absolute bool
	// uri is r->uri once translation normalised it; filename r->filename
	// after the directory walk.
	uri      string
	args     string // the query string
	filename string
	// conf is r->per_dir_config.
	conf *dirConfig
	// attrs are the request's attributes SetEnvIf and conditions read.
	attrs *envRequest
	// env is r->subprocess_env.
	env envTable
	// handler and contentType are r->handler and r->content_type, with
	// the directives that set them.
	handler     string
	handlerBy   *ast.Directive
	contentType Setting
	// notModelled is the first part of httpd's behaviour for this
	// request we do not model; undecided the directives we could not
	// evaluate.
	notModelled string
	undecided   []*ast.Directive
	// topts are translate_name's inputs that do not come from the
	// configuration.
	topts translateOptions
	// modState is request_config: each module's state for this request
	// (reqState).
	modState []any
	// contextPrefix and contextRoot are ap_set_context_info's: the URL
	// prefix a translator consumed and the directory it maps to.
	contextPrefix, contextRoot string
	// docRoot caches documentRoot.
	docRoot string
	// notes is r->notes: what modules tell each other about the request.
	notes map[string]string
	// early are trace steps modules added before the walks.
	early []Step
	// mayAnswer is true while a fixup may still answer the request: the
	// access phases granted it and no earlier fixup answered. A fixup
	// that only completes the request's configuration runs regardless.
	mayAnswer bool
}

// translateOptions are what translation reads besides the configuration.
type translateOptions struct {
	mergeSlashesOff     bool   // MergeSlashes Off
	allowEncodedSlashes string // AllowEncodedSlashes: Off (default), On, NoDecode
	// baseURL is what ap_construct_url puts before a redirect target that
	// is a local path ("" leaves it relative).
	baseURL string
	// homeDir finds a user's home directory (UserDir's relative form).
	homeDir func(user string) (string, bool)
	// exists is apr_stat, for UserDir lists of several directories.
	exists func(path string) bool
}

// reqState returns m's state for the request (request_config), created
// (zero) at the first call.
func reqState[T any](r *request, m *module) *T {
	if r.modState == nil {
		r.modState = make([]any, len(modules))
	}
	if r.modState[m.index] == nil {
		r.modState[m.index] = new(T)
	}
	return r.modState[m.index].(*T)
}

// setContextInfo is ap_set_context_info (mod_alias, mod_userdir).
func (r *request) setContextInfo(prefix, root string) {
	r.contextPrefix, r.contextRoot = prefix, root
}

// setNote and note are r->notes (apr_table_set, apr_table_get).
func (r *request) setNote(name, value string) {
	if r.notes == nil {
		r.notes = map[string]string{}
	}
	r.notes[name] = value
}

func (r *request) note(name string) (string, bool) {
	v, ok := r.notes[name]
	return v, ok
}

// addStep adds a step to the request's trace (Result.Steps): a hook's
// decision, with the directive that made it (Step.Note says what).
// Steps added before the walks come first.
func (r *request) addStep(st Step) {
	if r.conf == nil {
		r.early = append(r.early, st)
		return
	}
	r.res.Steps = append(r.res.Steps, st)
}

// noteNotModelled records the first thing we do not model.
func (r *request) noteNotModelled(why string) {
	if why != "" && r.notModelled == "" {
		r.notModelled = why
	}
}

// subRequest runs a sub-request for uri (ap_sub_req_lookup_uri), or
// returns nil when sub-requests nest too deep.
func (r *request) subRequest(uri string) *Result {
	if r.opts.depth >= 4 {
		return nil
	}
	sub := r.req
	sub.Path = uri
	// ap_sub_req_lookup_uri is ap_sub_req_method_uri("GET", …): a POST's
	// DirectoryIndex lookups are GETs (Require method, <Limit> see GET).
	sub.Method = "GET"
	o := r.opts
	o.depth++
	// A sub-request has a pool of its own: the [END] note a RewriteRule
	// left in the main request's pool is not seen there.
	o.rewriteEnd = false
	// ap_set_sub_req_protocol copies r->subprocess_env into the
	// sub-request, duplicate names and all (apr_table_copy).
	o.prevEnv, o.parentEnv = nil, append([]EnvVar(nil), r.env.entries...)
	o.theRequest = r.theRequest()
	o.mainSections = sectionChain(r.res.Steps)
	return r.s.Request(sub, o)
}

// Request computes the Result for req: the core runs httpd's request
// phases (see README.md) and the modules' hooks in each.
func (s *Server) Request(req Request, opts RequestOptions) *Result {
	if !req.Remote.IsValid() {
		req.Remote = netip.MustParseAddr("127.0.0.1")
	}
	if !req.Addr.IsValid() {
		req.Addr = netip.MustParseAddr("127.0.0.1")
	}
	host, path, absolute := req.Host, req.Path, false
	if h, p, ok := splitAbsoluteURI(req.Path); ok {
		host, path, absolute = h, p, true
	}
	sel := s.SelectVHost(req.Addr, req.Port, host)
	comp := s.compiledFor(sel.Server)
	r := &request{s: s, v: sel.Server, comp: comp, srv: comp.servers(s), req: req, opts: opts,
		res: &Result{Request: req, Server: sel.Server, How: sel.How}}
	r.w = newWalker(s, sel.Server, opts.FS, false)
	r.w.table = opts.Table
	r.topts = translateOptions{homeDir: s.homeDirFn, exists: func(p string) bool { return r.w.stat(p) != noFile }}
	// AllowEncodedSlashes and MergeSlashes are the server's (core's
	// server config), read before translation.
	if d := comp.base.core.last.get("allowencodedslashes"); d != nil && len(d.Args) > 0 {
		r.topts.allowEncodedSlashes = d.Args[0].Value
	}
	if d := comp.base.core.last.get("mergeslashes"); d != nil && len(d.Args) > 0 {
		r.topts.mergeSlashesOff = strings.EqualFold(d.Args[0].Value, "off")
	}
	r.attrs = newEnvRequest(req)
	for _, e := range opts.prevEnv {
		r.env.set(e)
	}
	r.env.entries = append(r.env.entries, opts.parentEnv...)
	r.path, r.absolute = path, absolute
	if opts.ifs == nil {
		r.opts.ifs = &ifDecisions{}
		return s.settleIfs(req, r.opts, r.runAndDie())
	}
	return r.runAndDie()
}

// runAndDie runs the phases; a request that runs (not a sub-request,
// which only looks up) ends in ap_die: its ErrorDocument.
func (r *request) runAndDie() *Result {
	res := r.run()
	if r.opts.depth == 0 && !res.died {
		res = r.die(res)
	}
	return res
}

func newEnvRequest(req Request) *envRequest {
	headers := make(map[string]string, len(req.Headers)+1)
	for k, val := range req.Headers {
		headers[k] = val
	}
	if req.Host != "" {
		headers["Host"] = req.Host
	}
	return &envRequest{uri: req.Path, remote: req.Remote.String(), local: req.Addr.String(), method: req.MethodOrGET(), headers: headers}
}

// run is ap_process_request_internal and ap_invoke_handler.
func (r *request) run() *Result {
	res := r.res
	// post_read_request
	for _, m := range modules {
		if m.postReadRequest != nil {
			m.postReadRequest(r)
		}
	}
	// translate_name
	if r.opts.Map != nil {
		res.Mapping = r.opts.Map(r.s, r.v, r.path)
	} else {
		res.Mapping = r.translate(r.path)
	}
	if res.Mapping.Status != 0 { // rejected before or while mapping
		res.Status, res.Reason = res.Mapping.Status, res.Mapping.Reason
		res.failConf = r.translateConf()
		return r.finish()
	}
	r.uri = res.Mapping.URI
	res.URI = r.uri
	if rd := res.Mapping.Redirect; rd != nil {
		res.Status, res.Reason = rd.Status, "redirected by "+describe(res.Mapping.Directive)
		res.Location = rd.Location
		res.failConf = r.translateConf()
		return r.finish()
	}
	// map_to_storage: a module may take the request off the file system
	// (mod_proxy's proxy_map_location: no directory walk); else the
	// core's directory walk, with .htaccess.
	w := r.w
	w.serverConfig()
	w.accessName = accessFileName(w.res.conf)
	// What fails in map_to_storage has the server's configuration
	// (r->per_dir_config is lookup_defaults until the walk ends).
	res.failConf = w.res.conf
	onDisk := true
	for _, m := range modules {
		if m.mapToStorage != nil && m.mapToStorage(r) {
			onDisk = false
			break
		}
	}
	if onDisk && r.req.Method == "TRACE" {
		// ap_send_http_trace (map_to_storage, before the walks and the
		// access phases) echoes the request unless TraceEnable Off.
		if d := w.res.conf.core.last.get("traceenable"); d != nil && len(d.Args) > 0 && strings.EqualFold(d.Args[0].Value, "off") {
			res.Status, res.Reason = 405, "TRACE denied by server configuration (TraceEnable at "+d.Pos().String()+")"
			return res
		}
		res.Status, res.Reason = 200, "TRACE echoed by the core (TraceEnable is not Off)"
		return res
	}
	if onDisk {
		w.directoryWalk(res.Mapping.Filename)
	} else {
		w.res.filename = res.Mapping.Filename
	}
	res.Filename, res.PathInfo = w.res.filename, w.res.pathInfo
	res.Exists, res.IsDir = w.res.fileType != noFile, w.res.fileType == dirFile
	r.filename = w.res.filename
	if len(w.res.problems) > 0 {
		res.Steps, res.Problems, res.conf = w.res.steps, w.res.problems, w.res.conf
		res.Status, res.Reason = 500, w.res.htaccess+": "+w.res.problems[0].Msg
		return res
	}
	// The file walk, the location walk, the if walk (which sees the
	// variables post_read_request set).
	if onDisk {
		w.fileWalk()
	}
	w.locationWalk(r.uri)
	if len(w.res.conf.core.ifs) > 0 {
		w.ifWalk(res, r.exprEnv(w.res.filename, w.res.pathInfo, true))
	}
	r.conf = w.res.conf
	res.Steps, res.conf, res.failConf = w.res.steps, r.conf, nil
	if len(r.early) > 0 {
		res.Steps = append(r.early, res.Steps...)
	}
	res.Options = r.conf.core.opts &^ optUnset
	// header_parser
	for _, m := range modules {
		if m.headerParser != nil {
			m.headerParser(r)
		}
	}
	// access_checker, check_user_id, auth_checker
	res.Authz = AuthzGranted
	if r.opts.mainSections != nil && res.Exists && !res.IsDir && sameSections(sectionChain(res.Steps), r.opts.mainSections) {
		// ap_process_request_internal skips authn/authz for a sub-request
		// whose per_dir_config is its main request's: here, a file that
		// exists, merged from the same sections (recorded: a missing
		// index file's sub-request is checked again).
		r.addStep(Step{Phase: "access", Note: "not checked: the same configuration as the main request, which passed"})
		goto typeChecker
	}
	if r.opts.prevSections != nil && sameSections(sectionChain(res.Steps), r.opts.prevSections) {
		// The same for an internal redirect (r->prev): a rewrite to
		// another file of the same sections is not checked again
		// (recorded: conformance/routing/rwdir-redirect-access-skip).
		r.addStep(Step{Phase: "access", Note: "not checked: the same configuration as the request before the internal redirect, which passed"})
		goto typeChecker
	}
	for _, m := range modules {
		if m.accessChecker != nil {
			if status, reason := m.accessChecker(r); status != 0 {
				// httpd stops here: no authorization, no fixups.
				res.Authz, res.Status, res.Reason = AuthzDenied, status, reason
				return r.finish()
			}
		}
	}
	for _, m := range modules {
		if m.access != nil {
			if a := m.access(r); a != AuthzGranted {
				res.Authz = a
				break
			}
		}
	}
	// type_checker (mod_mime), then core's SetHandler/ForceType
	// (core_override_type, the first fixup: APR_HOOK_REALLY_FIRST).
typeChecker:
	r.handler, r.handlerBy = res.Mapping.Handler, res.Mapping.Directive
	for _, m := range modules {
		if m.typeChecker != nil {
			m.typeChecker(r)
		}
	}
	coreTypes(r)
	// The handler reported is the one type checking chose; a fixup's
	// working handler (mod_rewrite's redirect-handler) is not, what the
	// late fixups force is.
	res.Handler, res.HandlerBy = r.reportedHandler()
	// fixups: every module's runs (they complete the environment); the
	// first answer ends the request when the access phases let it on.
	var ans *answer
	r.mayAnswer = res.Authz == AuthzGranted
	for _, m := range modules {
		if m.fixups != nil {
			// RUN_ALL: an internal redirect set up by a fixup (mod_rewrite's
			// redirect-handler) lets the later fixups run and answer; any
			// other answer ends the phase.
			if a := m.fixups(r); a != nil && r.mayAnswer {
				ans = a
				r.mayAnswer = a.internalRedirect != ""
			}
		}
	}
	if ans == nil || ans.become == nil {
		h, ct := r.handler, r.contentType.Value
		r.runLateFixups()
		if r.handler != h || r.contentType.Value != ct {
			res.Handler, res.HandlerBy = r.reportedHandler()
		}
	}
	if ans != nil && ans.viaHandler != "" && r.handler != ans.viaHandler {
		// The internal redirect was left to a handler (mod_rewrite's
		// redirect-handler) that a later fixup replaced ([H=] applied by
		// hook_mimetype): the new handler runs instead.
		// The handler is given hook_fixup's file name, "redirect:URI".
		r.addStep(Step{Phase: "rewrite", Note: "the " + ans.viaHandler + " for " + ans.internalRedirect + " is replaced by the handler " + r.handler + ": no internal redirect"})
		r.filename = "redirect:" + ans.internalRedirect
		res.Filename = r.filename
		ans = nil
	}
	res.handlerSet, res.contentType = Setting{Value: r.handler, By: r.handlerBy}, r.contentType
	res.Env, res.Undecided, res.NotModelled = r.env.entries, r.undecided, r.notModelled
	switch {
	case res.Authz != AuthzGranted:
		res.Status, res.Reason = accessStatus(res.Authz)
		if res.Authz == AuthzUnknown && len(r.undecided) > 0 {
			res.Reason += " (" + describe(r.undecided[len(r.undecided)-1]) + ")"
		}
	case ans != nil && ans.become != nil:
		// ap_internal_fast_redirect: the sub-request becomes the request.
		b := ans.become
		if p := b.pendingRedirect; p != nil {
			// Its handler is mod_rewrite's redirect-handler: the
			// internal redirect the sub-request set up runs now.
			b.pendingRedirect = nil
			nr := *r
			nr.res, nr.env = b, envTable{entries: b.Env}
			b.Steps = append(append([]Step(nil), res.Steps...), append([]Step{{Phase: ans.phase, Note: ans.note}}, b.Steps...)...)
			b.Rewrites = append(append([]RewriteStep(nil), res.Rewrites...), b.Rewrites...)
			b.Unmodelled = append(append([]string(nil), res.Unmodelled...), b.Unmodelled...)
			return nr.internalRedirect(p)
		}
		b.Steps = append(append([]Step(nil), res.Steps...), append([]Step{{Phase: ans.phase, Note: ans.note}}, b.Steps...)...)
		b.Rewrites = append(append([]RewriteStep(nil), res.Rewrites...), b.Rewrites...)
		b.Unmodelled = append(append([]string(nil), res.Unmodelled...), b.Unmodelled...)
		b.Request = r.req
		r.fastRedirectLateFixups(b)
		return undecidedChain(b, res)
	case ans != nil && ans.internalRedirect != "" && r.opts.depth > 0:
		// A sub-request runs no handler: the internal redirect its
		// fixups set up is left pending (mod_dir's index lookup sees the
		// file the sub-request found; if that becomes the request, the
		// redirect runs then).
		res.Status, res.Reason = 200, "internal redirect to "+ans.internalRedirect+" pending (a sub-request runs no handler)"
		res.pendingRedirect = ans
	case ans != nil && ans.internalRedirect != "":
		return r.internalRedirect(ans)
	case ans != nil:
		res.Status, res.Reason = ans.status, ans.reason
		if ans.redirect != nil {
			res.Mapping.Redirect = ans.redirect
			res.Location = ans.redirect.Location
		}
	default:
		res.beforeHandler = 200
		res.Status, res.Reason = r.invokeHandler()
	}
	if res.undecided && res.Status != 0 {
		res.Reason += " (assuming undecided <If> conditions false)"
	}
	if res.NotModelled != "" {
		res.Reason += " (not modelled: " + res.NotModelled + ")"
	}
	return r.finish()
}

// finish completes the Result however the request ended: a Location only
// with a 3xx, and no status where mod_rewrite could not decide.
func (r *request) finish() *Result {
	res := r.res
	if res.Status < 300 || res.Status > 399 {
		res.Location = ""
	}
	if len(res.Unmodelled) > 0 {
		if res.NotModelled == "" {
			res.NotModelled = r.notModelled
			res.Reason += " (not modelled: " + r.notModelled + ")"
		}
		res.Status, res.Location = 0, ""
	}
	return res
}

// AuthzResult is an authorization provider's answer (authz_status in
// mod_auth.h).
type AuthzResult int

// The results of authorization, as mod_authz_core combines them.
const (
	AuthzNeutral AuthzResult = iota
	AuthzGranted
	AuthzDenied
	AuthzDeniedNoUser // a user might be granted: httpd answers 401
	AuthzUnknown      // we cannot decide statically (Require expr, host, …)
)

func (r AuthzResult) String() string {
	return [...]string{"neutral", "granted", "denied", "denied (no user)", "undecidable"}[r]
}

// serverURL is what ap_construct_url puts before a local path:
// scheme://name[:port], the name and port as ap_get_server_name_for_url
// and ap_get_server_port give them (UseCanonicalName Off, the default:
// the Host header's, 80 when it names no port; On: ServerName and its
// port, else 80; DNS: the connection's local address and port).
func (r *request) serverURL() string {
	host, port := r.serverNamePort()
	if port == 80 || port == 0 {
		return "http://" + host
	}
	return "http://" + host + ":" + strconv.Itoa(port)
}

// serverNamePort is ap_get_server_name and ap_get_server_port: the name
// and port mod_rewrite qualifies a redirect with and %{SERVER_NAME},
// %{SERVER_PORT} read, as UseCanonicalName says.
func (r *request) serverNamePort() (string, int) {
	host, port := r.hostPort()
	mode := "off"
	if sc := r.comp.base; sc != nil {
		if d := sc.core.last.get("usecanonicalname"); d != nil && len(d.Args) > 0 {
			mode = strings.ToLower(d.Args[0].Value)
		}
	}
	switch mode {
	case "on":
		host, port = r.v.ServerName, 80
		if r.v.NameDirective != nil && len(r.v.NameDirective.Args) > 0 {
			if _, p, ok := strings.Cut(r.v.NameDirective.Args[0].Value, ":"); ok {
				if n, err := strconv.Atoi(p); err == nil {
					port = n
				}
			}
		}
	case "dns":
		host, port = r.req.Addr.String(), r.req.Port
	}
	if host == "" {
		host = r.req.Addr.String()
	}
	return host, port
}

// accessStatus is what the access phases answer when they do not grant.
func accessStatus(a AuthzResult) (int, string) {
	switch a {
	case AuthzUnknown:
		return 0, "authorization depends on what cannot be decided statically"
	case AuthzDeniedNoUser:
		return 401, "authentication required"
	}
	return 403, "client denied by server configuration"
}

// runLateFixups runs the fixups that come after all others (mod_rewrite's
// hook_mimetype, mod_wsgi's handler-script report).
func (r *request) runLateFixups() {
	for _, m := range modules {
		if m.lateFixups != nil {
			m.lateFixups(r)
		}
	}
}

// fastRedirectLateFixups runs the late fixups for a request that a
// sub-request's result b became (ap_internal_fast_redirect copies the
// sub-request's file, handler, type and configuration into the request,
// whose remaining fixups then run): a handler or type they force is
// what the handler phase sees (a server-level [H=] on a directory's URL
// applies to its index file).
func (r *request) fastRedirectLateFixups(b *Result) {
	nr := *r
	nr.res, nr.conf, nr.filename, nr.uri = b, b.conf, b.Filename, b.URI
	nr.handler, nr.handlerBy, nr.contentType = b.handlerSet.Value, b.handlerSet.By, b.contentType
	nr.runLateFixups()
	if nr.handler == b.handlerSet.Value && nr.contentType.Value == b.contentType.Value {
		return
	}
	b.Handler, b.HandlerBy = nr.reportedHandler()
	b.handlerSet, b.contentType = Setting{Value: nr.handler, By: nr.handlerBy}, nr.contentType
	if b.beforeHandler != 0 && b.Authz == AuthzGranted {
		b.Status, b.Reason = nr.invokeHandler()
	}
}

// mediaType is a content type as a handler name: without its
// parameters (ap_invoke_handler), lower case (as every directive that
// sets one stores it).
func mediaType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(strings.TrimSpace(ct))
}

// reportedHandler is the handler Result reports: r->handler, or, when
// none is set, the content type when a module's handler takes it by that
// name (ap_invoke_handler makes the content type the handler then).
func (r *request) reportedHandler() (string, *ast.Directive) {
	if r.handler != "" {
		return r.handler, r.handlerBy
	}
	if ct := mediaType(r.contentType.Value); ct != "" {
		for _, m := range modules {
			if slices.Contains(m.handlerNames, ct) {
				return ct, r.contentType.By
			}
		}
	}
	return "", nil
}

// invokeHandler is ap_invoke_handler: with no handler set, the content
// type is the handler's name; the module whose handler takes the request
// answers, else core's default handler (a file, or 404).
func (r *request) invokeHandler() (int, string) {
	set := r.handler
	if set == "" {
		r.handler = mediaType(r.contentType.Value)
		defer func() { r.handler = set }()
	}
	for _, m := range modules {
		if m.handler != nil {
			if status, reason, ok := m.handler(r); ok {
				if set == "" && r.handler != "" {
					r.res.Handler, r.res.HandlerBy = r.handler, r.contentType.By
				}
				r.res.ownStatus = m.ownStatus
				return status, reason
			}
		}
	}
	res := r.res
	res.byDefaultHandler = true
	if status, reason, done := defaultHandlerMethod(r.req.MethodOrGET()); done {
		return status, reason
	}
	switch {
	case !res.Exists:
		return 404, "File does not exist"
	case res.IsDir:
		// A handler no module takes on a directory (mod_dir found no
		// index; mod_autoindex declines a handler not its own).
		return 404, "Attempt to serve directory: " + res.Filename + " (handler " + r.handler + " not found)"
	case res.PathInfo != "" && !r.acceptsPathInfo():
		return 404, "path info is not accepted by the default handler"
	case strings.HasPrefix(r.filename, "redirect:"):
		why := "the default handler is given mod_rewrite's file name " + r.filename + " (a [H=] replaced its redirect-handler)"
		res.Unmodelled = append(res.Unmodelled, why)
		r.noteNotModelled(why)
		return 0, why
	}
	return 200, "file served by the default handler"
}

// acceptsPathInfo is AcceptPathInfo On in force: core's fixup sets
// r->used_path_info from it and the default handler then serves the file
// with path info (Off and Default refuse it there).
func (r *request) acceptsPathInfo() bool {
	d := r.conf.core.last.get("acceptpathinfo")
	return d != nil && len(d.Args) > 0 && strings.EqualFold(d.Args[0].Value, "on")
}

// internalRedirect is ap_internal_redirect: the request runs again for a
// new URI (a new translation and walk). httpd refuses the redirect that
// would make LimitInternalRecursion requests in the chain
// (ap_is_recursion_limit_exceeded) and answers 500.
func (r *request) internalRedirect(a *answer) *Result {
	limit := recursionLimit(r.conf)
	res := r.res
	// The limit-th internal redirect is still made, the next one is
	// refused (conformance/routing/rwdir-recursion-limit: limit 3 allows
	// three).
	if r.opts.redirects+1 > limit {
		res.Location = ""
		res.Status, res.Reason = 500, "Request exceeded the limit of "+strconv.Itoa(limit)+" internal redirects due to probable configuration error. Use 'LimitInternalRecursion' to increase the limit if necessary."
		return res
	}
	sub := r.req
	sub.Path = a.internalRedirect
	o := r.opts
	o.redirects++
	o.theRequest = r.theRequest()
	o.mainSections, o.prevSections = nil, sectionChain(r.res.Steps)
	// internal_internal_redirect: the new request's environment is the
	// old one's with every name prefixed REDIRECT_, and REDIRECT_STATUS.
	o.prevEnv, o.parentEnv = make([]EnvVar, 0, len(r.env.entries)+1), nil
	for _, e := range r.env.entries {
		o.prevEnv = append(o.prevEnv, EnvVar{Name: "REDIRECT_" + e.Name, Value: e.Value, By: e.By})
	}
	// REDIRECT_STATUS is r->status: 200, or in an ErrorDocument's
	// request the error's.
	o.prevEnv = append(o.prevEnv, EnvVar{Name: "REDIRECT_STATUS", Value: strconv.Itoa(max(r.opts.errorStatus, 200))})
	next := r.s.Request(sub, o)
	next.Steps = append(append([]Step(nil), res.Steps...), append([]Step{{Phase: a.phase, Note: a.note}}, next.Steps...)...)
	next.Rewrites = append(append([]RewriteStep(nil), res.Rewrites...), next.Rewrites...)
	next.Unmodelled = append(append([]string(nil), res.Unmodelled...), next.Unmodelled...)
	next.Request = r.req
	return undecidedChain(next, res)
}

// undecidedChain is finish for a request that became another one (an
// internal redirect, a DirectoryIndex sub-request): what the first could
// not decide (a prg: map in its rewrite conditions) leaves the final
// answer undecided too (conformance/routing/rw-app-prg-map "/").
func undecidedChain(next, first *Result) *Result {
	if len(first.Unmodelled) > 0 && next.Status != 0 {
		if next.NotModelled == "" {
			next.NotModelled = first.NotModelled
		}
		next.Reason += " (not modelled: " + first.Unmodelled[0] + ")"
		next.Status, next.Location = 0, ""
	}
	return next
}

// translateConf is the configuration a request has while translate_name
// runs (and what fails there answers with): the server's merged with
// the <Location> sections that match, walked before translation.
func (r *request) translateConf() *dirConfig {
	w := newWalker(r.s, r.v, r.opts.FS, false)
	w.table = r.opts.Table
	w.serverConfig()
	if r.uri != "" {
		w.locationWalk(r.uri)
	}
	return w.res.conf
}

// die is ap_die for a request that ended with res: an error or redirect
// status is answered with the ErrorDocument in force where the request
// failed — a text, a 302 to a full URL, or an internal redirect to a
// local one. In an ErrorDocument's own request nothing is retried
// (ap_die_r's recursive error): errorRedirect gives the original status.
func (r *request) die(res *Result) *Result {
	res.died = true
	status := res.Status
	if r.opts.errorStatus != 0 {
		return res
	}
	if status < 300 {
		if status != 0 && res.conf != nil && len(res.conf.core.errorDocs) > 0 {
			res.onHandlerFailure = func(status int, reason string) (*Result, bool) {
				c := *res
				c.Status, c.Reason, c.Location, c.died, c.onHandlerFailure = status, reason, "", false, nil
				c.Steps = append([]Step(nil), res.Steps...)
				out := r.die(&c)
				return out, out != &c || out.Status != status
			}
		}
		return res
	}
	conf := res.failConf
	if conf == nil {
		conf = res.conf
	}
	if conf == nil {
		return res
	}
	d := conf.core.errorDocument(status)
	if d == nil {
		return res
	}
	env := res.Env
	if res == r.res {
		env = r.env.entries
	}
	target := d.Args[1].Value
	// The kind is set_error_document's, read from the argument as
	// written; a URL or path is an ap_expr string evaluated now.
	kind := errorDocumentKind(target)
	if kind == errorDocText {
		res.Reason += "; the body is the text of " + describe(d)
		res.Steps = append(res.Steps, Step{Phase: phaseErrorDocument, Note: describe(d) + ": the answer's body is its text"})
		return res
	}
	if strings.Contains(target, "%{") {
		e := newExprEnv(r.v, r.req, res.URI, res.Filename, env, r.w.stat)
		e.vars["QUERY_STRING"] = r.args
		v, err := exprString(target, e)
		if err != nil {
			why := describe(d) + " is an expression the engine cannot evaluate"
			res.Unmodelled = append(res.Unmodelled, why)
			res.Reason += " (not modelled: " + why + ")"
			res.Status, res.Location = 0, ""
			return res
		}
		target = v
		switch {
		case isURL(target):
			kind = errorDocRemote
		case strings.HasPrefix(target, "/"):
			kind = errorDocLocal
		default:
			// ap_die_r: "Invalid error redirection directive"; the
			// error's own answer goes out.
			res.Reason += " (ErrorDocument target " + strconv.Quote(target) + " from " + describe(d) + " is neither a URL nor a path)"
			res.Steps = append(res.Steps, Step{Phase: phaseErrorDocument, Note: describe(d) + ": invalid target " + strconv.Quote(target)})
			return res
		}
	}
	switch kind {
	case errorDocRemote:
		// The client sees a 302, whatever the error was.
		res.Steps = append(res.Steps, Step{Phase: phaseErrorDocument, Note: describe(d) + ": redirect to " + target})
		res.Reason = "redirected to " + target + " by " + describe(d) + " (the request failed with " + strconv.Itoa(status) + ": " + res.Reason + ")"
		res.Status, res.Location = 302, target
		return res
	}
	return r.errorRedirect(res, d, target)
}

// errorRedirect is ap_die_r's internal redirect to a local ErrorDocument:
// a GET of target, with the failed request's environment renamed
// REDIRECT_* (REQUEST_METHOD among it), REDIRECT_STATUS the error's,
// counted against LimitInternalRecursion. Served, it answers with the
// error's status unless its handler sets its own (an application, a
// backend); failing, the original status stands.
func (r *request) errorRedirect(res *Result, d *ast.Directive, target string) *Result {
	status := res.Status
	step := Step{Phase: phaseErrorDocument, Note: describe(d) + ": internal redirect to " + target + " (a GET)"}
	conf := res.failConf
	if conf == nil {
		conf = res.conf
	}
	limit := recursionLimit(conf)
	if r.opts.redirects+1 > limit {
		// internal_internal_redirect refuses it: ap_die(500) for the
		// request, whose status is now the error's own.
		res.Steps = append(res.Steps, step)
		res.Status, res.Location = 500, ""
		res.Reason = "Request exceeded the limit of " + strconv.Itoa(limit) + " internal redirects (the ErrorDocument's internal redirect for " + strconv.Itoa(status) + ": " + res.Reason + ")"
		return res
	}
	env := res.Env
	if res == r.res {
		env = r.env.entries
	}
	o := r.opts
	o.redirects++
	o.errorStatus = status
	o.mainSections, o.prevSections = nil, nil
	o.prevEnv = make([]EnvVar, 0, len(env)+2)
	method := EnvVar{Name: "REQUEST_METHOD", Value: r.req.MethodOrGET(), By: d}
	seen := false
	for _, e := range env {
		if strings.EqualFold(e.Name, method.Name) {
			e, seen = method, true
		}
		o.prevEnv = append(o.prevEnv, EnvVar{Name: "REDIRECT_" + e.Name, Value: e.Value, By: e.By})
	}
	if !seen {
		o.prevEnv = append(o.prevEnv, EnvVar{Name: "REDIRECT_" + method.Name, Value: method.Value, By: d})
	}
	o.prevEnv = append(o.prevEnv, EnvVar{Name: "REDIRECT_STATUS", Value: strconv.Itoa(status)})
	sub := r.req
	sub.Path, sub.Method = target, "GET"
	next := r.s.Request(sub, o)
	switch {
	case next.Status == 0, next.Status >= 200 && next.Status < 300:
		next.Steps = append(append(append([]Step(nil), res.Steps...), step), next.Steps...)
		next.Rewrites = append(append([]RewriteStep(nil), res.Rewrites...), next.Rewrites...)
		next.Unmodelled = append(append([]string(nil), res.Unmodelled...), next.Unmodelled...)
		next.Request = r.req
		if next.Status != 0 && !next.ownStatus {
			// The default handler (a static page) keeps r->status.
			next.Reason = target + " (" + describe(d) + ") answered with the status of the failed request, " + strconv.Itoa(status) + ": " + res.Reason
			next.Status = status
			if status >= 300 && status < 400 {
				next.Location = res.Location
			}
		} else if next.Status != 0 {
			next.Reason = target + " (" + describe(d) + ") answered: " + next.Reason + " (the request failed with " + strconv.Itoa(status) + ": " + res.Reason + ")"
		}
		next.died = true
		if next.Status != 0 {
			// Its handler failing (a refusal decided outside this
			// package) is a recursive error too: the original answer.
			next.onHandlerFailure = func(failed int, why string) (*Result, bool) {
				o := *res
				o.Steps = append(append([]Step(nil), res.Steps...), step, Step{Phase: phaseErrorDocument, Note: target + " failed too (" + strconv.Itoa(failed) + ": " + why + "): the original status stands"})
				o.Reason += " (the ErrorDocument " + target + " failed too: " + strconv.Itoa(failed) + " " + why + ")"
				o.onHandlerFailure = nil
				return &o, true
			}
		}
		return next
	}
	if rewriteRedirected(next) {
		// mod_rewrite puts r->status back to HTTP_OK before it returns
		// its redirect ("make Apache kernel happy"), so ap_die does not
		// take it for a recursive error: the redirect is the answer (a
		// maintenance rule in .htaccess sends the 404 page's request to
		// maintenance.html: conformance/routing/rw-app-htaccess-snippets).
		next.Steps = append(append(append([]Step(nil), res.Steps...), step), next.Steps...)
		next.Rewrites = append(append([]RewriteStep(nil), res.Rewrites...), next.Rewrites...)
		next.Unmodelled = append(append([]string(nil), res.Unmodelled...), next.Unmodelled...)
		next.Request = r.req
		next.Reason = target + " (" + describe(d) + ") was " + next.Reason + " (the request failed with " + strconv.Itoa(status) + ": " + res.Reason + ")"
		next.died = true
		return next
	}
	// The ErrorDocument failed too: httpd sends the original error.
	res.Steps = append(res.Steps, step, Step{Phase: phaseErrorDocument, Note: target + " failed too (" + strconv.Itoa(next.Status) + ": " + next.Reason + "): the original status stands"})
	res.Reason += " (the ErrorDocument " + target + " failed too: " + strconv.Itoa(next.Status) + " " + next.Reason + ")"
	return res
}

// recursionLimit is LimitInternalRecursion in force (default 10,
// AP_DEFAULT_MAX_INTERNAL_REDIRECTS).
func recursionLimit(c *dirConfig) int {
	if c != nil {
		if d := c.core.last.get("limitinternalrecursion"); d != nil && len(d.Args) > 0 {
			if n := atoi(d.Args[0].Value); n > 0 {
				return n
			}
		}
	}
	return 10
}

// translate is the translate_name phase: the path normalised as
// ap_process_request_internal does, then each module's hook in table
// order, the first that answers winning; core's DocumentRoot mapping
// when all decline.
func (r *request) translate(path string) Mapping {
	n := urlmap.Normalize(path, r.topts.mergeSlashesOff, r.topts.allowEncodedSlashes)
	if n.Status != 0 {
		return Mapping{Kind: "none", Status: n.Status, Reason: n.Reason, URI: n.URI, Args: n.Args}
	}
	if r.topts.homeDir == nil {
		r.topts.homeDir = urlmap.LookupHome
	}
	if r.topts.exists == nil {
		r.topts.exists = func(p string) bool { _, err := os.Stat(p); return err == nil }
	}
	r.uri, r.args = n.URI, n.Args
	mp, done := Mapping{}, false
	for _, m := range modules {
		if m.translateName != nil {
			if mp, done = m.translateName(r); done {
				break
			}
		}
	}
	if !done {
		mp = coreTranslate(r)
	}
	// r->uri and r->args as the translators left them ([PT] changes them).
	mp.URI, mp.Args = r.uri, r.args
	return mp
}

// envRequest is what the request carries that conditions read
// (SetEnvIf attributes, RewriteCond variables): its URI, addresses,
// method and headers.
type envRequest struct {
	uri     string
	remote  string
	local   string
	method  string
	headers map[string]string // canonical header names → value
}

func (r *envRequest) header(name string) (string, bool) {
	for k, v := range r.headers {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// splitAbsoluteURI splits an absolute request target (ap_parse_uri's
// scheme://host[:port]/path form) into its host[:port] and the path with
// its query; ok false for a path.
func splitAbsoluteURI(target string) (host, path string, ok bool) {
	i := strings.Index(target, "://")
	if i <= 0 || strings.ContainsAny(target[:i], "/?#") {
		return "", "", false
	}
	rest := target[i+3:]
	j := strings.IndexAny(rest, "/?")
	if j < 0 {
		return rest, "/", true
	}
	path = rest[j:]
	if path[0] == '?' {
		path = "/" + path
	}
	return rest[:j], path, true
}

// sectionChain is the sections a request's configuration was merged
// from, in order (the walk's merge steps).
func sectionChain(steps []Step) []Step {
	var out []Step
	for _, st := range steps {
		switch st.Phase {
		case "server", "vhost", "directory", "directory-regex", "htaccess", "files", "location", "if":
			if st.Note == "" {
				out = append(out, Step{Phase: st.Phase, Section: st.Section, File: st.File})
			}
		}
	}
	return out
}

func sameSections(a, b []Step) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Phase != b[i].Phase || a[i].Section != b[i].Section || a[i].File != b[i].File {
			return false
		}
	}
	return true
}
