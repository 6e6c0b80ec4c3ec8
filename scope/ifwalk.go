package scope

import (
	"errors"
	"strconv"
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
	if userKnown {
		none := ""
		e.user = &none
		e.vars["AUTH_TYPE"] = ""
	}
	e.notes = r.note
	e.fsys = r.opts.FS
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
