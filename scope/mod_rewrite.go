package scope

import (
	"io/fs"
	stdpath "path"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/rewrite"
	"github.com/apacheconf/apacheconf/internal/urlmap"
)

// mod_rewrite, wired to the rule engine of internal/rewrite: this file
// owns the directives (RewriteEngine, RewriteOptions, RewriteBase,
// RewriteCond, RewriteRule, RewriteMap), builds httpd's configurations
// (rewrite_server_conf per server, rewrite_perdir_conf per section and
// .htaccess) and runs the engine in httpd's phases:
//
//   - translate_name (hook_uri2file, APR_HOOK_FIRST, before mod_proxy and
//     mod_alias): the server's rules, with the per-directory
//     configuration httpd has in force then — the server's base merged
//     with the <Location> sections that match (ap_process_request_internal
//     walks the locations before translate_name). A rewritten file name,
//     a redirect, a status or a [P] target ends the phase; [PT] hands the
//     new URI to the later translators.
//   - fixups (hook_fixup, APR_HOOK_FIRST): the per-directory rules of the
//     innermost <Directory>, .htaccess or <Location> that has them; a new
//     URL path is an internal redirect the core runs (request.go), a URL
//     an external redirect. FollowSymLinks off answers 403.
//
// What the engine cannot decide statically (a prg: map, the time, an
// expr it cannot evaluate) is reported: Result.Unmodelled and the reason.

var rewriteModule = &module{name: "mod_rewrite"}

func init() {
	rewriteModule.define(module{
		cmds: map[string]cmdFunc{
			"rewriteengine":  rewriteCmd,
			"rewriterule":    rewriteCmd,
			"rewritecond":    rewriteCmd,
			"rewriteoptions": rewriteCmd,
			"rewritebase":    rewriteCmd,
			"rewritemap":     rewriteCmd,
		},
		mergeDir: func(base, add any) any {
			b, a := base.(*rewriteDir), add.(*rewriteDir)
			return &rewriteDir{conf: rewrite.MergeDir(b.conf, a.conf)}
		},
		effective: func(conf any, out []Effective) []Effective {
			if rd := conf.(*rewriteDir); rd.conf != nil && len(rd.conf.Rules) > 0 {
				by := make([]*ast.Directive, 0, len(rd.conf.Rules))
				for _, ru := range rd.conf.Rules {
					if ru.Directive != nil {
						by = append(by, ru.Directive)
					}
				}
				out = append(out, Effective{Name: "RewriteRule", Rule: RuleRewrite, By: by})
			}
			return out
		},
		// The server's rule set is what its own body sets; a virtual host
		// with a rewrite directive only inside its sections still gets its
		// own record (rewrite.ServerConfig.Declared).
		newServer: func(body []ast.Node, built *dirConfig) any {
			var sc *rewrite.ServerConfig
			if rd := peekDir[rewriteDir](built, rewriteModule); rd != nil && rd.srv != nil {
				sc = rd.srv
			} else {
				sc = &rewrite.ServerConfig{}
			}
			if !sc.Declared {
				for _, n := range body {
					if s, ok := n.(*ast.Section); ok && !s.Is("VirtualHost") && containsRewrite(s.Body) {
						sc.Declared = true
						break
					}
				}
			}
			return sc
		},
		// config_server_merge.
		mergeServer: func(main, vhost any) any {
			m, _ := main.(*rewrite.ServerConfig)
			v, _ := vhost.(*rewrite.ServerConfig)
			if m == nil {
				m = &rewrite.ServerConfig{}
			}
			if v == nil {
				v = &rewrite.ServerConfig{}
			}
			return rewrite.MergeServer(m, v)
		},
		translateName: rewriteTranslate,
		fixups:        rewriteFixup,
		lateFixups:    rewriteTypes,
		setsEnv:       []string{"rewriterule"},
	})
}

// rewriteDir is the module's per-directory configuration: the engine's
// configuration of the section, and for a server's own body the server
// configuration its directives also build (rewrite_server_conf).
type rewriteDir struct {
	conf *rewrite.DirConfig
	srv  *rewrite.ServerConfig
}

// rewriteCmd records a rewrite directive: in a server's body into the
// server configuration (and its base per-directory one), elsewhere into
// the section's or .htaccess file's per-directory configuration.
func rewriteCmd(a *applier, c *dirConfig, d *ast.Directive, _ []string) {
	rd := dirOf[rewriteDir](c, rewriteModule)
	var err error
	if a.ctx == CtxServer {
		if rd.srv == nil {
			rd.srv, rd.conf = &rewrite.ServerConfig{}, rewrite.NewDirConfig("")
		}
		err = rd.srv.AddServer(d, rd.conf, a.maps)
	} else {
		if rd.conf == nil {
			rd.conf = rewrite.NewDirConfig(a.dir)
		}
		err = rd.conf.Add(d)
	}
	if err != nil {
		msg := err.Error()
		if e, ok := err.(*rewrite.Error); ok {
			msg = e.Msg
		}
		a.fail(d.Pos(), "%s", msg)
	}
}

func containsRewrite(nodes []ast.Node) bool {
	for _, d := range ast.Directives(nodes) {
		if strings.HasPrefix(d.Canonical(), "rewrite") {
			return true
		}
	}
	return false
}

// Notes mod_rewrite leaves for its later hooks and for the next request
// of an internal redirect chain.
const (
	rewriteRedirectHandler = "redirect-handler"
	noteForcedType         = "rewrite-forced-mimetype"
	noteForcedHandler      = "rewrite-forced-handler"
)

// rewriteTranslate is hook_uri2file: the server's rules.
func rewriteTranslate(r *request) (Mapping, bool) {
	sc := serverOf[rewrite.ServerConfig](r, rewriteModule)
	if sc == nil || len(sc.Rules) == 0 || sc.Shared {
		return Mapping{}, false
	}
	dir := rewriteLocationConf(r)
	if dir == nil || !dir.Engine {
		return Mapping{}, false
	}
	in := r.rewriteInput()
	in.URI = r.uri
	in.Maps = sc.Maps
	res := sc.Translate(dir, in)
	r.rewriteApply(res, "translate_name", false)
	switch res.Action {
	case rewrite.Passthrough:
		// The later translators see the new URI (and query).
		r.uri, r.args = res.URI, res.Query
		return Mapping{}, false
	case rewrite.Rewritten:
		r.args = res.Query
		f := res.Filename
		if res.TranslateURI {
			f = urlmap.MergePath(r.documentRoot(), strings.TrimLeft(f, "/"))
		}
		return Mapping{Kind: "rewrite", Directive: lastRule(res), Filename: f}, true
	case rewrite.Redirect:
		return Mapping{Kind: "redirect", Directive: lastRule(res), Redirect: &Redirect{Status: res.Status, Location: res.Location}}, true
	case rewrite.Status:
		return Mapping{Kind: "none", Directive: lastRule(res), Status: res.Status, Reason: "answered by " + describe(lastRule(res))}, true
	case rewrite.Proxy:
		r.args = res.Query
		return r.rewriteProxy(res), true
	}
	return Mapping{}, false
}

// rewriteProxy is what mod_rewrite leaves for mod_proxy after a [P] rule:
// r->filename "proxy:URL", r->handler "proxy-server", and the
// proxy-nocanon note for [NE].
func (r *request) rewriteProxy(res *rewrite.Result) Mapping {
	if res.NoCanon {
		r.setNote("proxy-nocanon", "1")
	}
	return Mapping{Kind: "proxy", Directive: lastRule(res), Filename: "proxy:" + res.ProxyURL, Handler: "proxy-server"}
}

// rewriteLocationConf is mod_rewrite's per-directory configuration when
// translate_name runs: the server's base merged with the matching
// <Location> sections.
func rewriteLocationConf(r *request) *rewrite.DirConfig {
	var dir *rewrite.DirConfig
	if rd := peekDir[rewriteDir](r.comp.base, rewriteModule); rd != nil {
		dir = rd.conf
	}
	for _, sec := range r.comp.locSecs {
		if !locationMatches(sec, r.uri) {
			continue
		}
		if rd := peekDir[rewriteDir](r.s.sectionConf(sec, CtxLocation), rewriteModule); rd != nil && rd.conf != nil {
			if dir == nil {
				dir = rd.conf
			} else {
				dir = rewrite.MergeDir(dir, rd.conf)
			}
		}
	}
	return dir
}

// rewriteTypes is hook_mimetype, a fixup at APR_HOOK_LAST (after
// mod_dir's, which Debian loads first): the [T=] and [H=] of the rules
// that ran for this request, server and per-directory, left as notes
// (force_type_handler). It runs after core's ForceType/SetHandler
// (core_override_type, REALLY_FIRST) and so wins over them; a new
// request of an internal redirect starts with empty notes.
func rewriteTypes(r *request) {
	if t, ok := r.note(noteForcedType); ok {
		st := reqState[rewriteState](r, rewriteModule)
		r.contentType = Setting{Value: t, By: st.typeBy}
		r.addStep(Step{Phase: "rewrite", Note: "content type " + t + " forced by " + describe(st.typeBy) + " (mod_rewrite's hook_mimetype)"})
	}
	if h, ok := r.note(noteForcedHandler); ok {
		st := reqState[rewriteState](r, rewriteModule)
		r.handler, r.handlerBy = h, st.handlerBy
		r.addStep(Step{Phase: "rewrite", Note: "handler " + h + " forced by " + describe(st.handlerBy) + " (mod_rewrite's hook_mimetype)"})
	}
}

// rewriteState is mod_rewrite's state for a request: the rules that
// left the forced type and handler notes.
type rewriteState struct {
	typeBy, handlerBy *ast.Directive
}

// rewriteFixup is hook_fixup: the per-directory rules.
func rewriteFixup(r *request) *answer {
	rd := peekDir[rewriteDir](r.conf, rewriteModule)
	if rd == nil || !rd.conf.HasRules() {
		return nil
	}
	in := r.rewriteInput()
	in.URI, in.Filename, in.PathInfo = r.uri, r.filename, r.res.PathInfo
	// ap_directory_walk keeps the URI's trailing slash on a directory's
	// file name ("/" → DocumentRoot + "/"); the walk here drops it.
	if r.res.IsDir && strings.HasSuffix(r.uri, "/") && !strings.HasSuffix(in.Filename, "/") {
		in.Filename += "/"
	}
	if sc := serverOf[rewrite.ServerConfig](r, rewriteModule); sc != nil {
		in.Maps = sc.Maps
	}
	in.SymLinksAllowed = r.conf.core.opts&(OptFollowSymlink|OptSymOwner) != 0
	res := rd.conf.Fixup(in)
	r.rewriteApply(res, "fixups", true)
	switch res.Action {
	case rewrite.InternalRedirect:
		// hook_fixup leaves r->filename "redirect:URI" for its
		// redirect-handler; mod_dir steps aside for it.
		r.handler, r.handlerBy = rewriteRedirectHandler, lastRule(res)
		// splitout_queryargs already set r->args: fixup_dir's slash
		// redirect, which still comes first, carries the new query.
		r.args = res.Query
		uri := res.URI
		if res.HasQuery {
			uri += "?" + res.Query
		}
		return &answer{internalRedirect: uri, viaHandler: rewriteRedirectHandler, phase: "rewrite", note: "internal redirect to " + uri + " by " + describe(lastRule(res))}
	case rewrite.Redirect:
		return &answer{status: res.Status, reason: "redirected by " + describe(lastRule(res)), redirect: &Redirect{Status: res.Status, Location: res.Location}}
	case rewrite.Status:
		reason := "answered by " + describe(lastRule(res))
		if lastRule(res) == nil && len(res.Steps) > 0 {
			reason = res.Steps[len(res.Steps)-1].Note
		}
		return &answer{status: res.Status, reason: reason}
	case rewrite.Proxy:
		mp := r.rewriteProxy(res)
		r.filename, r.res.Filename = mp.Filename, mp.Filename
		r.handler, r.handlerBy = mp.Handler, mp.Directive
		r.res.Handler, r.res.HandlerBy = r.handler, r.handlerBy
	}
	return nil
}

// rewriteApply records what a rule set did to the request whatever its
// disposition: the trace, E=, T=, H=, END, and what is undecided.
func (r *request) rewriteApply(res *rewrite.Result, phase string, perDir bool) {
	for _, st := range res.Steps {
		if !st.Matched && st.Note == "" {
			continue
		}
		rs := RewriteStep{Phase: phase, Rule: st.Rule, Input: st.Input, From: st.From, To: st.To, Note: st.Note}
		r.res.Rewrites = append(r.res.Rewrites, rs)
		r.addStep(Step{Phase: "rewrite", Note: rs.String()})
	}
	for _, e := range res.Env {
		if e.Unset {
			r.env.unset(e.Name)
			continue
		}
		r.env.set(EnvVar{Name: e.Name, Value: e.Value, By: e.Rule})
	}
	if res.End {
		r.setNote("rewrite-end", "1")
		r.opts.rewriteEnd = true
	}
	// force_type_handler leaves [T=]/[H=] (lower-cased) as notes for
	// hook_mimetype, whichever phase the rule ran in.
	if res.Type != "" {
		r.setNote(noteForcedType, strings.ToLower(res.Type))
		reqState[rewriteState](r, rewriteModule).typeBy = forcingRule(res, func(p *rewrite.Rule) bool { return p.Type != "" })
	}
	if res.Handler != "" {
		r.setNote(noteForcedHandler, strings.ToLower(res.Handler))
		reqState[rewriteState](r, rewriteModule).handlerBy = forcingRule(res, func(p *rewrite.Rule) bool { return p.Handler != "" })
	}
	if res.Action == rewrite.Undecided {
		why := strings.Join(res.Unmodelled, "; ")
		if why == "" {
			why = "mod_rewrite cannot decide this request statically"
		}
		r.res.Unmodelled = append(r.res.Unmodelled, why)
		r.noteNotModelled(why)
	}
}

// forcingRule is the last rule that matched and has the flag forces
// tests ([T=] or [H=]): the one whose forced value is in force.
func forcingRule(res *rewrite.Result, forces func(*rewrite.Rule) bool) *ast.Directive {
	for i := len(res.Steps) - 1; i >= 0; i-- {
		st := res.Steps[i]
		if !st.Matched || st.Rule == nil {
			continue
		}
		if p, err := rewrite.ParseRule(st.Rule, nil); err == nil && forces(p) {
			return st.Rule
		}
	}
	return lastRule(res)
}

func lastRule(res *rewrite.Result) *ast.Directive {
	for i := len(res.Steps) - 1; i >= 0; i-- {
		if res.Steps[i].Matched && res.Steps[i].Rule != nil {
			return res.Steps[i].Rule
		}
	}
	return nil
}

// RewriteStep is one RewriteRule that matched (or that the engine noted
// something about) while mod_rewrite ran for the request.
type RewriteStep struct {
	// Phase is "translate_name" (server rules) or "fixups"
	// (per-directory rules).
	Phase string
	// Rule is the RewriteRule.
	Rule *ast.Directive
	// Input is what the rule's pattern was matched against.
	Input string
	// From and To are r->filename before and after the rule ("" when the
	// rule did not rewrite).
	From, To string
	// Note says what happened besides ("forbidden", "skip 2", …).
	Note string
}

// String is the step as the trace shows it.
func (s RewriteStep) String() string {
	var b strings.Builder
	b.WriteString(describe(s.Rule))
	if s.From != "" || s.To != "" {
		b.WriteString(": " + s.From + " → " + s.To)
	} else {
		b.WriteString(": matched " + strconv.Quote(s.Input))
	}
	if s.Note != "" {
		b.WriteString(" (" + s.Note + ")")
	}
	return b.String()
}

// documentRoot is the server's DocumentRoot as core's translate_name
// uses it.
func (r *request) documentRoot() string {
	if r.docRoot != "" {
		return r.docRoot
	}
	dr := urlmap.DefaultDocumentRoot
	if sc := serverOf[coreServer](r, coreModule); sc != nil && sc.docRoot != nil {
		dr = sc.docRoot.Args[0].Value
	}
	r.docRoot = urlmap.MergePath(urlmap.DefaultServerRoot, dr)
	return r.docRoot
}

// hostPort is ap_get_server_name_for_url and ap_get_server_port with
// UseCanonicalName Off: the Host header's name and port (80 when it has
// none), else the server's name.
func (r *request) hostPort() (string, int) {
	host, port := r.req.Host, 80
	if h, p, ok := strings.Cut(host, ":"); ok && !strings.HasPrefix(host, "[") {
		host = h
		if n, err := strconv.Atoi(p); err == nil {
			port = n
		}
	}
	if host == "" {
		host = r.v.ServerName
	}
	// fix_hostname: r->hostname is lower-cased, a trailing dot dropped
	// (CodeIgniter's trailing-slash 301 for Host: WWW.CI.EXAMPLE goes to
	// http://www.ci.example/…).
	return strings.TrimSuffix(strings.ToLower(host), "."), port
}

// rewriteInput is the request as both hooks see it.
func (r *request) rewriteInput() *rewrite.Input {
	host, port := r.serverNamePort()
	namePort := 0
	if r.v.NameDirective != nil && len(r.v.NameDirective.Args) > 0 {
		if _, p, ok := strings.Cut(r.v.NameDirective.Args[0].Value, ":"); ok {
			namePort, _ = strconv.Atoi(strings.TrimSuffix(p, "/"))
		}
	}
	v := r.v
	prefix, root := r.contextInfo()
	return &rewrite.Input{
		Query: r.args, HasQuery: r.hasQuery(),
		Scheme: "http", ServerName: host, Port: port, NamePort: namePort,
		MatchesVhost: func(h string, p int) bool {
			if p != namePort {
				return false
			}
			if strings.EqualFold(h, v.ServerName) {
				return true
			}
			for _, a := range v.Aliases {
				if strings.EqualFold(a, h) {
					return true
				}
			}
			return false
		},
		DocumentRoot:        r.documentRoot(),
		ContextPrefix:       prefix,
		ContextDocumentRoot: root,
		Subrequest:          r.opts.depth > 0,
		EndSeen:             r.opts.rewriteEnd,
		ProxyAvailable:      true,
		LimitRequestLine:    8190,
		FS:                  r.opts.FS,
		Req:                 rewriteReq{r},
	}
}

// contextInfo is ap_context_prefix and ap_context_document_root: what
// translate_name's mod_alias or mod_userdir set (request.setContextInfo),
// "" for both elsewhere (the DocumentRoot is the context).
func (r *request) contextInfo() (prefix, root string) {
	return r.contextPrefix, r.contextRoot
}

// hasQuery is whether r->args is set: the request had a '?', or a rewrite
// gave it a query.
func (r *request) hasQuery() bool {
	return r.args != "" || strings.Contains(r.req.Path, "?")
}

// theRequest is %{THE_REQUEST}: the client's request line, which internal
// redirects and sub-requests keep (the "remove .php" snippet's
// %{THE_REQUEST} test does not see the rewritten /about.php:
// conformance/routing/rw-app-htaccess-snippets).
func (r *request) theRequest() string {
	if r.opts.theRequest != "" {
		return r.opts.theRequest
	}
	return r.attrs.method + " " + r.req.Path + " HTTP/1.1"
}

// rewriteReq is what a rule set reads of the request.
type rewriteReq struct{ r *request }

func (q rewriteReq) Var(name string) (string, bool) {
	r := q.r
	switch name {
	case "REMOTE_ADDR", "CONN_REMOTE_ADDR", "REMOTE_HOST":
		return r.req.Remote.String(), true
	case "REQUEST_METHOD":
		return r.attrs.method, true
	case "THE_REQUEST":
		return r.theRequest(), true
	case "SERVER_NAME":
		h, _ := r.serverNamePort()
		return h, true
	case "SERVER_PORT":
		_, p := r.serverNamePort()
		return strconv.Itoa(p), true
	case "SERVER_ADDR":
		return r.req.Addr.String(), true
	case "HTTPS":
		return "off", true
	case "REQUEST_SCHEME":
		return "http", true
	case "SERVER_PROTOCOL":
		return "HTTP/1.1", true
	case "DOCUMENT_ROOT":
		return r.documentRoot(), true
	case "CONTEXT_DOCUMENT_ROOT":
		if _, root := r.contextInfo(); root != "" {
			return root, true
		}
		return r.documentRoot(), true
	case "CONTEXT_PREFIX":
		p, _ := r.contextInfo()
		return p, true
	case "REMOTE_USER", "REMOTE_IDENT", "AUTH_TYPE":
		return "", true
	case "IPV6":
		if r.req.Remote.Is6() {
			return "on", true
		}
		return "off", true
	}
	return "", false
}

// LookupURI is ap_sub_req_lookup_uri for RewriteCond -U: the status the
// sub-request ends with before any handler (a missing file is still 200).
func (q rewriteReq) LookupURI(uri string) (int, bool) {
	rr := q.r.subRequest(uri)
	if rr == nil || len(rr.Unmodelled) > 0 {
		return 0, false
	}
	return subRequestStatus(rr)
}

// LookupFile is ap_sub_req_lookup_file for RewriteCond -F, modelled for a
// file under the DocumentRoot as the sub-request for its URL (the same
// directory walk and access checks); elsewhere it is not decided.
func (q rewriteReq) LookupFile(path string) (int, string, bool) {
	root := strings.TrimSuffix(q.r.documentRoot(), "/")
	if !strings.HasPrefix(path, root+"/") {
		return 0, "", false
	}
	st, ok := q.LookupURI(path[len(root):])
	return st, path, ok
}

func subRequestStatus(rr *Result) (int, bool) {
	switch {
	case rr.beforeHandler != 0:
		return rr.beforeHandler, true
	case rr.Authz == AuthzUnknown, rr.Status == 0:
		return 0, false
	}
	return rr.Status, true
}

// EvalExpr evaluates a RewriteCond expr with the <If> evaluator.
func (q rewriteReq) EvalExpr(expr string) (bool, bool) {
	r := q.r
	env := newExprEnv(r.v, r.req, r.uri, r.filename, r.env.entries, r.w.stat)
	env.vars["QUERY_STRING"] = r.args
	env.vars["REQUEST_METHOD"] = r.attrs.method
	v, err := evalExpr(expr, env)
	return v, err == nil
}

func (q rewriteReq) Header(name string) (string, bool) {
	v, _ := q.r.attrs.header(name)
	return v, true
}

func (q rewriteReq) Env(name string) (string, bool) {
	if v, ok := q.r.note(name); ok {
		return v, true
	}
	if e, ok := q.r.env.get(name); ok {
		return e.Value, true
	}
	return "", true
}

func (q rewriteReq) Stat(path string) rewrite.FileInfo {
	fsys := q.r.opts.FS
	if fsys == nil {
		return rewrite.FileInfo{Known: true}
	}
	// stat(2) takes "a//b" and "a/./b" as "a/b" (WP Super Cache tests
	// %{DOCUMENT_ROOT}/…/$1/index.html with $1 ending in '/'), and a
	// trailing slash after a file that is not a directory fails
	// (ENOTDIR); fs.FS names allow neither form.
	name := FSPath(stdpath.Clean("/" + path))
	info, err := fs.Stat(fsys, name)
	if err != nil || strings.HasSuffix(path, "/") && !info.IsDir() {
		return rewrite.FileInfo{Known: true}
	}
	fi := rewrite.FileInfo{Known: true, Exists: true, Regular: info.Mode().IsRegular(), Dir: info.IsDir(),
		Size: info.Size(), Exec: info.Mode()&0o111 != 0}
	// -l reads lstat where the file system offers it (os.DirFS does).
	if lfs, ok := fsys.(interface {
		Lstat(string) (fs.FileInfo, error)
	}); ok {
		if l, err := lfs.Lstat(name); err == nil {
			fi.Symlink = l.Mode()&fs.ModeSymlink != 0
		}
	}
	return fi
}

// rewriteRedirected reports an answer that is a RewriteRule's external
// redirect (server context or per-directory).
func rewriteRedirected(res *Result) bool {
	if res.Status < 300 || res.Status > 399 || res.Location == "" || res.Mapping.Redirect == nil {
		return false
	}
	if d := res.Mapping.Directive; d != nil && d.Is("RewriteRule") && res.Mapping.Kind == "redirect" {
		return true
	}
	return strings.HasPrefix(res.Reason, "redirected by RewriteRule")
}
