package scope

import (
	"errors"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

// ifWalk is ap_if_walk: the <If>, <ElseIf> and <Else> sections gathered
// so far, in order. <ElseIf> and <Else> are skipped once an earlier branch
// of their chain matched; an expression we cannot decide statically stops
// the chain and is reported (its section is not merged).
func (w *walker) ifWalk(r *Result, env *exprEnv) {
	prev := -1 // -1 none, 0 false, 1 true, 2 undecided
	for i := 0; i < len(w.res.conf.core.ifs); i++ {
		sec := w.res.conf.core.ifs[i]
		kind := sec.Canonical()
		if kind != "if" {
			if prev == 1 {
				continue
			}
			if prev == 2 {
				w.res.steps = append(w.res.steps, Step{Phase: "if", Section: sec, Note: "not evaluated: an earlier branch of its chain is undecided"})
				r.undecided = true
				continue
			}
		}
		if kind == "else" {
			prev = -1
		} else {
			cond := ""
			if len(sec.Args) > 0 {
				cond = sec.Args[0].Value
			}
			ok, err := evalExpr(cond, env)
			var failed *exprFailed
			if errors.As(err, &failed) {
				// ap_if_walk: an evaluation error counts as false (AH00039).
				w.res.steps = append(w.res.steps, Step{Phase: "if", Section: sec, Note: "condition " + strconv.Quote(cond) + " " + err.Error() + ": false"})
				ok, err = false, nil
			}
			if err != nil && env.ifs != nil {
				env.ifs.note(sec, err)
				if v, assumed := env.ifs.assume[sec]; assumed {
					w.res.steps = append(w.res.steps, Step{Phase: "if", Section: sec, Note: "condition " + strconv.Quote(cond) + " " + err.Error() + ": assumed " + strconv.FormatBool(v)})
					ok, err = v, nil
				}
			}
			switch {
			case err != nil:
				prev = 2
				r.undecided = true
				w.res.steps = append(w.res.steps, Step{Phase: "if", Section: sec, Note: "condition " + strconv.Quote(cond) + " " + err.Error()})
				continue
			case !ok:
				prev = 0
				continue
			}
			prev = 1
		}
		w.merge(Step{Phase: "if", Section: sec}, w.s.sectionConf(sec, CtxIf))
	}
}

// newExprEnv describes the request for <If> conditions. At if-walk time
// only server-level SetEnvIf has run, so only its variables are set.
func newExprEnv(v *VirtualHost, req Request, uri, filename string, env []EnvVar, stat func(string) fileType) *exprEnv {
	headers := map[string]string{}
	for k, val := range req.Headers {
		headers[k] = val
	}
	if req.Host != "" {
		headers["Host"] = req.Host
	}
	port := v.Port
	if port == 0 {
		port = req.Port
	}
	vars := map[string]string{
		"REQUEST_URI":      uri,
		"REQUEST_METHOD":   req.MethodOrGET(),
		"REQUEST_SCHEME":   "http",
		"SERVER_NAME":      v.ServerName,
		"SERVER_PORT":      strconv.Itoa(port),
		"SERVER_PROTOCOL":  "HTTP/1.1",
		"QUERY_STRING":     "",
		"THE_REQUEST":      req.MethodOrGET() + " " + req.Path + " HTTP/1.1",
		"REQUEST_FILENAME": filename,
		"SCRIPT_FILENAME":  filename,
		"IS_SUBREQ":        "false",
		"DOCUMENT_URI":     uri,
		"REQUEST_STATUS":   "200",
	}
	t := envTable{entries: env}
	return &exprEnv{vars: vars, headers: headers, remote: req.Remote, stat: stat, env: func(name string) (string, bool) {
		e, ok := t.get(name)
		return e.Value, ok
	}}
}

// exprEnv describes the request as an expression sees it now: r->uri,
// r->filename, r->args, the environment and notes so far, the file
// system and sub-requests. userKnown: r->user is still NULL (before
// authentication).
func (r *request) exprEnv(filename, pathInfo string, userKnown bool) *exprEnv {
	e := newExprEnv(r.v, r.req, r.uri, filename, append([]EnvVar(nil), r.env.entries...), r.w.stat)
	host, port := r.hostPort()
	e.vars["SERVER_NAME"], e.vars["SERVER_PORT"] = host, strconv.Itoa(port)
	e.vars["QUERY_STRING"] = r.args
	e.vars["PATH_INFO"] = pathInfo
	e.vars["DOCUMENT_ROOT"] = r.documentRoot()
	prefix, root := r.contextPrefix, r.contextRoot
	if root == "" {
		root = r.documentRoot()
	}
	e.vars["CONTEXT_PREFIX"], e.vars["CONTEXT_DOCUMENT_ROOT"] = prefix, root
	if r.opts.depth > 0 {
		e.vars["IS_SUBREQ"] = "true"
	}
	if d, ok := r.env.get("DOCUMENT_URI"); ok {
		e.vars["DOCUMENT_URI"] = d.Value
	}
	// r->user is NULL until authentication sets it, and authentication
	// sets it only from credentials the request sends.
	if _, creds := r.attrs.header("Authorization"); userKnown || !creds {
		none := ""
		e.user = &none
		e.vars["AUTH_TYPE"] = ""
	}
	// r->handler as translate_name left it (ScriptAlias, a proxy, …);
	// r->content_type is set by the type checkers, which run later.
	e.vars["HANDLER"], e.vars["CONTENT_TYPE"] = r.res.Mapping.Handler, ""
	e.notes = r.note
	e.fsys = r.opts.FS
	e.ifs = r.opts.ifs
	e.lookupURI = func(uri string) (int, bool) {
		rr := r.subRequest(uri)
		if rr == nil || len(rr.Unmodelled) > 0 {
			return 0, false
		}
		return subRequestStatus(rr)
	}
	return e
}

// preTranslateConf is the configuration walk_location_and_if leaves for
// translate_name (ap_process_request_internal runs the location and if
// walks before translation): the server's defaults with the <Location>
// sections matching r.uri and the <If> sections, evaluated while
// r->filename is still NULL (REQUEST_FILENAME is empty, -f of it false).
// A one-argument Redirect in an <If> or <Location> answers from here
// (mod_alias' translate_alias_redir) even where the <If> is false once
// the file is found. nil: no <Location> or <If> applies.
func (r *request) preTranslateConf() *dirConfig {
	if r.s == nil || r.v == nil || r.res == nil || r.w == nil {
		return nil // translate_name run alone (tests)
	}
	if r.comp == nil || !sectionRedirects(r) {
		return nil // nothing in a <Location> or <If> acts at translate_name
	}
	w := newWalker(r.s, r.v, r.opts.FS, false)
	w.serverConfig()
	base := w.res.conf
	w.locationWalk(r.uri)
	if len(w.res.conf.core.ifs) > 0 {
		saved := r.res.undecided
		w.ifWalk(r.res, r.exprEnv("", "", true))
		if w.res.conf == base {
			r.res.undecided = saved
		}
	}
	if w.res.conf == base {
		return nil
	}
	return w.res.conf
}

// ifDecisions are the <If> conditions of one request (with its
// sub-requests and internal redirects) that could not be decided, and,
// for a re-run, the values assumed for them.
type ifDecisions struct {
	undecided []*ast.Section
	why       map[*ast.Section]string
	assume    map[*ast.Section]bool
}

func (d *ifDecisions) note(sec *ast.Section, err error) {
	if _, seen := d.why[sec]; seen {
		return
	}
	if d.why == nil {
		d.why = map[*ast.Section]string{}
	}
	d.why[sec] = err.Error()
	d.undecided = append(d.undecided, sec)
}

// maxUndecidedIfs bounds the re-runs (2^n) that settle a request whose
// answer might depend on undecided <If> conditions.
const maxUndecidedIfs = 4

// settleIfs decides a request whose <If> conditions could not all be
// evaluated: it runs the request again with each combination of values
// for them. When every run answers alike (status and Location), that is
// the answer whatever the conditions are; otherwise the status is 0 and
// the reason names the <If> sections and what they need.
func (s *Server) settleIfs(req Request, opts RequestOptions, res *Result) *Result {
	d := opts.ifs
	if d == nil || len(d.undecided) == 0 || d.assume != nil {
		return res
	}
	secs := d.undecided
	names := ""
	for i, sec := range secs {
		if i > 0 {
			names += "; "
		}
		names += "<" + sec.Name + "> at " + sec.Pos().String() + " " + d.why[sec]
	}
	same := len(secs) <= maxUndecidedIfs
	for combo := 0; same && combo < 1<<len(secs); combo++ {
		o := opts
		o.ifs = &ifDecisions{assume: map[*ast.Section]bool{}}
		for i, sec := range secs {
			o.ifs.assume[sec] = combo&(1<<i) != 0
		}
		alt := s.Request(req, o)
		if len(o.ifs.undecided) > len(secs) || alt.Status != res.Status || alt.Location != res.Location {
			same = false
		}
	}
	res.Reason = strings.TrimSuffix(res.Reason, " (assuming undecided <If> conditions false)")
	if same {
		res.Reason += " (the same whatever the undecided " + names + ")"
		return res
	}
	res.Status, res.Location = 0, ""
	res.Reason = "depends on " + names + "; assuming them false: " + res.Reason
	return res
}

// sectionRedirects reports whether a <Location> of the request's server
// or an <If> of its base configuration has a Redirect: only those make
// the walk before translate_name matter (mod_alias' try_redirect).
func sectionRedirects(r *request) bool {
	var walk func(body []ast.Node) bool
	walk = func(body []ast.Node) bool {
		for _, n := range body {
			switch n := n.(type) {
			case *ast.Directive:
				if n.Canonical() == "redirect" {
					return true
				}
			case *ast.Section:
				if walk(n.Body) {
					return true
				}
			}
		}
		return false
	}
	for _, sec := range r.comp.locSecs {
		if walk(sec.Body) {
			return true
		}
	}
	if r.comp.base != nil {
		for _, sec := range r.comp.base.core.ifs {
			if walk(sec.Body) {
				return true
			}
		}
	}
	return false
}
