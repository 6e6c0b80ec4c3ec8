package scope

import (
	"io/fs"
	"net/netip"
	"path"
	"strconv"
	"strings"

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
	// Problems are configuration errors met on the way (.htaccess).
	Problems []Problem

	conf      *dirConfig
	undecided bool // an <If> could not be evaluated
}

// Directive returns the directive of that name in force for the request
// (innermost wins), for directives without special merge rules.
func (r *Result) Directive(name string) *ast.Directive {
	if r.conf == nil {
		return nil
	}
	return r.conf.last.get(ast.Canonical(name))
}

// authorize combines mod_access_compat (Order/Allow/Deny, Satisfy) and
// mod_authz_core as ap_process_request_internal does: with Satisfy All
// (the default) both must allow; with Satisfy Any an Allow suffices.
// Both read the environment as it stands at the access phases: what
// SetEnvIf and server-level RewriteRule set (SetEnv comes later).
func (s *Server) authorize(c *dirConfig, req Request, env []EnvVar) AuthzResult {
	early := envTable{}
	for _, e := range env {
		if e.By == nil || !e.By.Is("SetEnv") {
			early.entries = append(early.entries, e)
		}
	}
	lookup := func(name string) (string, bool) {
		e, ok := early.get(name)
		return e.Value, ok
	}
	if a := c.access; a != nil {
		allowed, decided := a.check(req.Remote, lookup)
		switch {
		case !decided:
			return AuthzUnknown
		case a.satisfy == "any" && allowed:
			return AuthzGranted
		case a.satisfy != "any" && !allowed:
			return AuthzDenied
		}
	}
	if c.authz == nil || c.authz.root == nil {
		return AuthzGranted // "authorization result: granted (no directives)"
	}
	return c.authz.root.eval(&authzRequest{remote: req.Remote, local: req.Addr, method: "GET", env: lookup}, logicAnd)
}

// LookupEnv finds a variable as apr_table_get does: first entry, any case.
func (r *Result) LookupEnv(name string) (EnvVar, bool) {
	t := envTable{entries: r.Env}
	return t.get(name)
}

// requestEnv builds r->subprocess_env in httpd's order: server-level
// SetEnvIf (post_read_request), server-level RewriteRule [E=]
// (translate_name), per-directory SetEnvIf (header_parser), per-directory
// RewriteRule [E=] (fixups, first), then mod_env's fixup overlays the
// SetEnv variables. w, when set, gives the walked file for per-directory
// rewriting; without it only the post_read_request part is built.
func requestEnv(s *Server, v *VirtualHost, c *dirConfig, req Request, uri string, w *walker) (env0 []EnvVar, undecided0 []*ast.Directive, notModelled0, forbidden string) {
	headers := map[string]string{}
	for k, val := range req.Headers {
		headers[k] = val
	}
	if req.Host != "" {
		headers["Host"] = req.Host
	}
	er := &envRequest{uri: req.Path, remote: req.Remote.String(), local: req.Addr.String(), method: "GET", headers: headers}
	env := &envTable{}
	comp := s.compiledFor(v)
	undecided := runSetEnvIf(comp.setEnvIf, er, env)
	if w == nil {
		return env.entries, undecided, "", ""
	}
	if comp.rewrite == nil && c.rewrite == nil {
		er.uri = uri // header_parser sees the normalised URI
		undecided = append(undecided, runSetEnvIf(c.setEnvIf, er, env)...)
		env.entries = append(env.entries, c.envList()...)
		return env.entries, undecided, "", ""
	}
	rc := &rewriteCtx{env: env, header: func(name string) string { h, _ := er.header(name); return h },
		stat: w.stat, vars: map[string]string{
			"HTTP_HOST": req.Host, "REQUEST_URI": uri, "REQUEST_METHOD": "GET", "SERVER_NAME": v.ServerName,
			"SERVER_PORT": strconv.Itoa(req.Port), "REMOTE_ADDR": req.Remote.String(), "SERVER_ADDR": req.Addr.String(),
			"QUERY_STRING": "", "THE_REQUEST": "GET " + req.Path + " HTTP/1.1", "REQUEST_SCHEME": "http", "HTTPS": "off",
			"REQUEST_FILENAME": w.res.filename, "SCRIPT_FILENAME": w.res.filename, "DOCUMENT_ROOT": "",
		}}
	notModelled := runRewrite(comp.rewrite, uri, rc)
	er.uri = uri
	undecided = append(undecided, runSetEnvIf(c.setEnvIf, er, env)...)
	if rs := c.rewrite; rs != nil && rs.engine != nil && *rs.engine && rs.directory != "" &&
		w.res.filename+"/" != rs.directory && c.opts&(OptFollowSymlink|OptSymOwner) == 0 {
		forbidden = "Options FollowSymLinks and SymLinksIfOwnerMatch are both off, so the RewriteRule directive is also forbidden due to its similar ability to circumvent directory restrictions : " + w.res.filename
	} else if c.rewrite != nil && notModelled == "" {
		rel := w.res.filename
		if dir := c.rewrite.directory; dir != "" && strings.HasPrefix(rel+"/", dir) {
			rel = strings.TrimPrefix(rel, strings.TrimSuffix(dir, "/"))
			rel = strings.TrimPrefix(rel, "/")
		}
		notModelled = runRewrite(c.rewrite, rel, rc)
	}
	env.entries = append(env.entries, c.envList()...)
	return env.entries, undecided, notModelled, forbidden
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

	depth int // sub-request nesting (DirectoryIndex)
}

// Request computes the Result for req.
func (s *Server) Request(req Request, opts RequestOptions) *Result {
	if !req.Remote.IsValid() {
		req.Remote = netip.MustParseAddr("127.0.0.1")
	}
	if !req.Addr.IsValid() {
		req.Addr = netip.MustParseAddr("127.0.0.1")
	}
	sel := s.SelectVHost(req.Addr, req.Port, req.Host)
	r := &Result{Request: req, Server: sel.Server, How: sel.How}
	w := &walker{s: s, v: sel.Server, fsys: opts.FS, table: opts.Table, res: &walkResult{},
		accessName: ".htaccess", method: "GET"}
	if opts.Map != nil {
		r.Mapping = opts.Map(s, sel.Server, req.Path)
	} else {
		r.Mapping = s.translate(sel.Server, req.Path, w.stat)
	}
	if r.Mapping.Status != 0 { // rejected before or while mapping
		r.Status, r.Reason = r.Mapping.Status, r.Mapping.Reason
		return r
	}
	uri := r.Mapping.URI
	r.URI = uri
	if rd := r.Mapping.Redirect; rd != nil {
		r.Status, r.Reason = rd.Status, "redirected by "+describe(r.Mapping.Directive)
		return r
	}
	w.serverConfig()
	if d := w.res.conf.last.get("accessfilename"); d != nil && len(d.Args) > 0 {
		w.accessName = d.Args[0].Value
	}
	w.directoryWalk(r.Mapping.Filename)
	r.Filename, r.PathInfo = w.res.filename, w.res.pathInfo
	r.Exists, r.IsDir = w.res.fileType != noFile, w.res.fileType == dirFile
	if len(w.res.problems) > 0 {
		r.Steps, r.Problems, r.conf = w.res.steps, w.res.problems, w.res.conf
		r.Status, r.Reason = 500, w.res.htaccess+": "+w.res.problems[0].Msg
		return r
	}
	w.fileWalk()
	w.locationWalk(uri)
	if len(w.res.conf.ifs) > 0 {
		// <If> sees the variables server-level SetEnvIf set (post_read_request).
		preEnv, _, _, _ := requestEnv(s, sel.Server, newSectionDirConfig(), req, uri, nil)
		w.ifWalk(r, newExprEnv(s, sel.Server, req, uri, w.res.filename, preEnv))
	}
	c := w.res.conf
	r.Steps, r.conf = w.res.steps, c
	r.Options = c.opts &^ optUnset
	var forbidden string
	r.Env, r.Undecided, r.NotModelled, forbidden = requestEnv(s, sel.Server, c, req, uri, w)
	r.Handler, r.HandlerBy = handlerFor(c, r.Mapping, r.Filename)
	if r.Handler != "" && !r.IsWSGI() {
		r.HandlerScript = c.wsgiHandlers[r.Handler]
	}
	r.Authz = s.authorize(c, req, r.Env)
	r.Status, r.Reason = outcome(r)
	if r.IsDir && r.Handler == "" && r.Status == 0 {
		var index *Result
		r.Status, r.Reason, index = s.directoryOutcome(r, req, opts, c)
		if index != nil {
			// ap_internal_fast_redirect: the index's request becomes
			// the request.
			index.Steps = append(append([]Step(nil), r.Steps...), append([]Step{{Phase: "directoryindex",
				Note: "internal redirect to " + index.URI + " (DirectoryIndex)"}}, index.Steps...)...)
			index.Request = req
			return index
		}
	}
	// mod_alias's fixup_redir runs after authorization, before the handler.
	if r.Authz == AuthzGranted {
		if mp, ok := perDirRedirect(c, uri); ok {
			r.Status, r.Reason = mp.Redirect.Status, "redirected by "+describe(mp.Directive)
			r.Mapping.Redirect = mp.Redirect
		}
	}
	if forbidden != "" && (r.Status == 200 || r.Status == 404 || r.Status == 0) {
		r.Status, r.Reason = 403, forbidden // mod_rewrite's fixup, after authorization
	}
	if r.undecided && r.Status != 0 {
		r.Reason += " (assuming undecided <If> conditions false)"
	}
	if r.NotModelled != "" {
		r.Reason += " (not modelled: " + r.NotModelled + ")"
	}
	return r
}

// perDirRedirect is fixup_redir: the one-argument <Location> form, then
// the per-directory Redirect list.
func perDirRedirect(c *dirConfig, uri string) (Mapping, bool) {
	if d := c.redirectAll; d != nil {
		status, rest := redirectStatus(d)
		loc := ""
		if len(rest) > 0 {
			loc = rest[0]
		}
		return Mapping{Kind: "redirect", Directive: d, Redirect: &Redirect{Status: status, Location: loc}}, true
	}
	for _, d := range c.redirects {
		if mp, ok := tryRedirect(d, uri); ok {
			return mp, true
		}
	}
	return Mapping{}, false
}

// directoryOutcome is mod_dir's fixup_dir and mod_autoindex for a
// request that maps to a directory.
func (s *Server) directoryOutcome(r *Result, req Request, opts RequestOptions, c *dirConfig) (int, string, *Result) {
	if !s.Loaded("dir_module") {
		return 404, "Attempt to serve directory: " + r.Filename + " (mod_dir is not loaded)", nil
	}
	if !strings.HasSuffix(r.URI, "/") {
		if c.dirSlashOff != nil && *c.dirSlashOff {
			return 404, "Attempt to serve directory: " + r.Filename + " (DirectorySlash Off)", nil
		}
		return 301, "mod_dir: DirectorySlash redirect to " + r.URI + "/", nil
	}
	names := c.dirIndex
	if names == nil {
		names = []string{"index.html"}
	}
	// Each name is a sub-request: it runs the access phases, not the
	// handler. The first that finds a regular file and passes them
	// becomes the request; a redirect (or, for a single name, a 401)
	// is answered at once; another error is remembered.
	remembered, rememberedWhy := 0, ""
	if opts.depth < 4 {
		for _, name := range names {
			sub := req
			if strings.HasPrefix(name, "/") {
				sub.Path = name
			} else {
				sub.Path = r.URI + name
			}
			o := opts
			o.depth++
			rr := s.Request(sub, o)
			accessStatus := 200
			switch {
			case len(rr.Problems) > 0:
				accessStatus = 500
			case rr.Status >= 300 && rr.Status < 400 && rr.Mapping.Redirect != nil:
				accessStatus = rr.Status
			case rr.Authz == AuthzDeniedNoUser:
				accessStatus = 401
			case rr.Authz != AuthzGranted:
				accessStatus = 403
			}
			switch {
			case accessStatus == 200 && rr.Exists && !rr.IsDir:
				return rr.Status, rr.Reason, rr
			case accessStatus >= 300 && accessStatus < 400, accessStatus == 401 && len(names) == 1:
				return accessStatus, "DirectoryIndex " + name + ": " + rr.Reason, nil
			case accessStatus != 200 && accessStatus != 404:
				remembered, rememberedWhy = accessStatus, "DirectoryIndex "+name+": "+rr.Reason
			}
		}
	}
	if remembered != 0 {
		return remembered, rememberedWhy, nil
	}
	if !s.Loaded("autoindex_module") {
		return 404, "Attempt to serve directory: " + r.Filename + " (no DirectoryIndex file, mod_autoindex not loaded)", nil
	}
	if r.Options&OptIndexes != 0 {
		return 200, "mod_autoindex lists the directory (Options Indexes)", nil
	}
	return 403, "Cannot serve directory " + r.Filename + "/: No matching DirectoryIndex (" + strings.Join(names, ",") +
		") found, and server-generated directory index forbidden by Options directive", nil
}

// handlerFor picks the handler: SetHandler, else the handler the mapping
// forces (ScriptAlias, WSGIScriptAlias), else AddHandler by extension
// (mod_mime: every extension of the name is looked at, the last match
// wins).
func handlerFor(c *dirConfig, m Mapping, filename string) (string, *ast.Directive) {
	if c.handler != nil && c.handler.Value != "" {
		return c.handler.Value, c.handler.By
	}
	// SetHandler None cancels a forced handler; mod_mime's AddHandler
	// still applies.
	if m.Handler != "" {
		return m.Handler, m.Directive
	}
	base := path.Base(filename)
	parts := strings.Split(base, ".")
	h, ct := Setting{}, Setting{}
	for _, ext := range parts[1:] {
		if s, ok := c.extHandler[strings.ToLower(ext)]; ok && s.Value != "" {
			h = s
		}
		if s, ok := c.extType[strings.ToLower(ext)]; ok && s.Value != "" {
			ct = s
		}
	}
	if h.Value != "" {
		return h.Value, h.By
	}
	// No handler: ap_invoke_handler dispatches on the content type
	// (ForceType, else AddType), e.g. application/x-httpd-wsgi.
	if c.forceType != nil && c.forceType.Value != "" && !strings.EqualFold(c.forceType.Value, "none") {
		ct = *c.forceType
	}
	if t := strings.ToLower(strings.TrimSpace(strings.Split(ct.Value, ";")[0])); t == wsgiContentType {
		return t, ct.By
	}
	return "", nil
}

// wsgiContentType is the content type mod_wsgi handles like wsgi-script.
const wsgiContentType = "application/x-httpd-wsgi"

// IsWSGI reports whether mod_wsgi's handler takes the request.
func (r *Result) IsWSGI() bool {
	return r.Handler == "wsgi-script" || r.Handler == wsgiContentType || r.HandlerScript != nil
}

// outcome is the status of a plain GET once configuration is merged.
func outcome(r *Result) (int, string) {
	switch r.Authz {
	case AuthzUnknown:
		return 0, "authorization depends on what cannot be decided statically"
	case AuthzDeniedNoUser:
		return 401, "authentication required"
	case AuthzDenied, AuthzNeutral:
		return 403, "client denied by server configuration"
	}
	switch r.Handler {
	case "wsgi-script", wsgiContentType:
		if !r.Exists {
			return 404, "Target WSGI script not found or unable to stat"
		}
		// mod_wsgi's handler requires ExecCGI unless WSGIScriptAlias
		// mapped the request (wsgi_is_script_aliased).
		if r.Options&OptExecCGI == 0 && !strings.HasPrefix(r.Mapping.Kind, "wsgiscriptalias") {
			return 403, "Options ExecCGI is off in this directory"
		}
		return 200, "served by mod_wsgi (see resolve for the daemon group)"
	}
	if r.HandlerScript != nil {
		// wsgi_hook_handler's handler-script branch: no file, directory
		// or ExecCGI checks; the script's handle_request answers.
		return 200, "served by mod_wsgi's handler script " + r.HandlerScript.Values()[1] + " (WSGIHandlerScript at " + r.HandlerScript.Pos().String() + ")"
	}
	if !r.Exists {
		return 404, "File does not exist"
	}
	if r.IsDir && r.Handler == "" {
		return 0, "" // see directoryOutcome
	}
	if r.PathInfo != "" {
		return 404, "path info is not accepted by the default handler"
	}
	return 200, "file served by the default handler"
}

func describe(d *ast.Directive) string {
	if d == nil {
		return "configuration"
	}
	return d.Name + " at " + d.Pos().String()
}
