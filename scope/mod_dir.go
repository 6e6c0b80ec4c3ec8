package scope

import (
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/urlmap"
)

// mod_dir: DirectoryIndex and DirectorySlash; its fixup (fixup_dir,
// APR_HOOK_LAST) answers a request for a directory: the slash redirect,
// the index file (a sub-request per name, the first that passes becoming
// the request), else mod_autoindex's listing or 403.

var dirModule = &module{name: "mod_dir"}

func init() {
	dirModule.define(module{
		cmds: map[string]cmdFunc{
			"directoryindex": func(_ *applier, c *dirConfig, d *ast.Directive, vals []string) {
				// set_index: lines in one section accumulate; "disabled" clears.
				x := dirOf[dirIndexConf](c, dirModule)
				for _, v := range vals {
					if strings.EqualFold(v, "disabled") {
						x.names = []string{}
						continue
					}
					x.names = append(x.names, v)
				}
				if x.names == nil {
					x.names = []string{}
				}
				x.by = d
			},
			"directoryslash": func(_ *applier, c *dirConfig, d *ast.Directive, vals []string) {
				off := len(vals) > 0 && strings.EqualFold(vals[0], "off")
				dirOf[dirIndexConf](c, dirModule).slashOff = &off
			},
		},
		mergeDir: func(base, add any) any {
			b, a := base.(*dirIndexConf), add.(*dirIndexConf)
			c := *b
			if a.names != nil {
				c.names, c.by = a.names, a.by
			}
			if a.slashOff != nil {
				c.slashOff = a.slashOff
			}
			return &c
		},
		effective: func(conf any, out []Effective) []Effective {
			if c := conf.(*dirIndexConf); c.by != nil {
				out = append(out, Effective{Name: "DirectoryIndex", Values: c.names, Rule: RuleInnermost, By: []*ast.Directive{c.by}})
			}
			return out
		},
		fixups: func(r *request) *answer {
			if !r.mayAnswer || !r.res.IsDir {
				return nil
			}
			// No handler keeps fixup_dir away (it looks at the file type,
			// not the handler): the slash redirect and the index still
			// come first; with no index the handler answers. A proxy
			// handler (SetHandler "proxy:…", or "proxy-server" that a
			// per-directory [P] set before this fixup) also takes the
			// index sub-requests' refusals over.
			proxyHandler := strings.HasPrefix(r.handler, "proxy:") || r.handler == "proxy-server"
			// fixup_dir redirects a slash-less directory before it steps
			// aside for mod_rewrite's pending internal redirect (its
			// redirect-handler): the 301 wins (conformance/routing/
			// rwdir-front-controller-dirindex /nod/sub).
			if r.handler == rewriteRedirectHandler {
				if strings.HasSuffix(r.res.URI, "/") || r.res.PathInfo != "" {
					return nil
				}
			}
			c := peekDir[dirIndexConf](r.conf, dirModule)
			if c == nil {
				c = &dirIndexConf{}
			}
			status, reason, index := directoryOutcome(r, c)
			if index != nil {
				// ap_internal_fast_redirect: the index's handler runs with
				// the request's own method (the lookup was a GET); the
				// default handler refuses a static index to DELETE (405),
				// also one whose handler no module takes (cPanel's
				// AddHandler application/x-httpd-ea-php81), where a
				// PHP-FPM one answers (conformance/routing/req-dir-methods
				// /c/, rw-app-laravel and rw-app-cpanel "/").
				if m := r.req.MethodOrGET(); methodNumber(m) != "GET" && index.byDefaultHandler && index.Status == 200 {
					if st, why, done := defaultHandlerMethod(m); done {
						index.Status, index.Reason = st, why
					}
				}
				return &answer{become: index, phase: "directoryindex", note: "internal redirect to " + index.URI + " (DirectoryIndex)"}
			}
			if proxyHandler && status != 301 {
				return nil
			}
			if status == 0 {
				return nil // declined: the handler answers
			}
			return &answer{status: status, reason: reason}
		},
	})
}

// dirIndexConf is mod_dir's per-directory configuration.
type dirIndexConf struct {
	names    []string // DirectoryIndex (nil: unset; the child's list wins)
	by       *ast.Directive
	slashOff *bool // DirectorySlash
}

// handlerTakesDirectory reports whether a handler other than the
// directory's (mod_autoindex's, the default) is set: the handler phase
// answers the directory, not the listing. mod_rewrite's pending
// internal redirect is such a handler: where fixup_dir declines (a
// slash-less directory with DirectorySlash Off, mod_dir not loaded),
// the redirect runs.
func handlerTakesDirectory(r *request) bool {
	return r.handler != "" && r.handler != "httpd/unix-directory"
}

// directoryOutcome is mod_dir's fixup_dir and mod_autoindex for a
// request that maps to a directory.
func directoryOutcome(rq *request, c *dirIndexConf) (int, string, *Result) {
	s, r := rq.s, rq.res
	if !s.Loaded("dir_module") {
		if handlerTakesDirectory(rq) {
			return 0, "", nil
		}
		st, why := defaultHandlerDirectory(rq, "mod_dir is not loaded")
		return st, why, nil
	}
	if !strings.HasSuffix(r.URI, "/") {
		if c.slashOff != nil && *c.slashOff {
			// fixup_dir declines: no index lookup; the handler answers
			// (mod_autoindex lists the directory without the slash).
			return directoryHandler(rq, nil, "DirectorySlash Off")
		}
		// ap_construct_url of the escaped URI with its slash, and the
		// query string.
		r.Location = rq.serverURL() + urlmap.EscapePath(r.URI) + "/"
		if rq.args != "" {
			r.Location += "?" + rq.args
		}
		return 301, "mod_dir: DirectorySlash redirect to " + r.URI + "/", nil
	}
	// fixup_dir looks the index up whatever the method (the sub-request
	// is a GET); the method meets the index's handler: a PHP-FPM
	// index.php answers PUT, OPTIONS, DELETE and BREW with 200, a
	// static index.html gets the default handler's 405/200/501
	// (conformance/routing/rw-app-laravel "/", req-dir-methods /c/).
	names := c.names
	if names == nil {
		names = []string{"index.html"}
	}
	// Each name is a sub-request: it runs the access phases, not the
	// handler. The first that finds a regular file and passes them
	// becomes the request; a redirect (or, for a single name, a 401)
	// is answered at once; another error is remembered.
	remembered, rememberedWhy := 0, ""
	for _, name := range names {
		sub := r.URI + name
		if strings.HasPrefix(name, "/") {
			sub = name
		}
		rr := rq.subRequest(sub)
		if rr == nil {
			break // nested too deep
		}
		accessStatus := 200
		switch {
		case len(rr.Problems) > 0:
			accessStatus = 500
		case rr.Status >= 300 && rr.Status < 400 && (rr.Mapping.Redirect != nil || rr.Location != ""):
			// A redirect the sub-request's translation or fixups made
			// (mod_alias, mod_rewrite, its own fixup_dir's slash
			// redirect when a rewrite made the index a directory).
			accessStatus = rr.Status
		case rr.Mapping.Status >= 400:
			// translate_name refused the sub-request (an invalid URI, a
			// rewrite's [F]/[G]/[R=4xx]): that is rr->status.
			accessStatus = rr.Mapping.Status
		case rr.Authz == AuthzDeniedNoUser:
			accessStatus = 401
		case rr.Authz != AuthzGranted:
			accessStatus = 403
		}
		switch {
		case accessStatus == 200 && (rr.Exists && !rr.IsDir || rr.Handler == "proxy-server"):
			// A regular file, or a proxied URL (rr->handler "proxy-server").
			return rr.Status, rr.Reason, rr
		case accessStatus >= 300 && accessStatus < 400, accessStatus == 401 && len(names) == 1:
			r.Location = rr.Location // the sub-request's headers_out become the request's
			return accessStatus, "DirectoryIndex " + name + ": " + rr.Reason, nil
		case accessStatus != 200 && accessStatus != 404:
			remembered, rememberedWhy = accessStatus, "DirectoryIndex "+name+": "+rr.Reason
		}
	}
	if remembered != 0 {
		return remembered, rememberedWhy, nil
	}
	return directoryHandler(rq, names, "no DirectoryIndex file")
}

// defaultHandlerDirectory is default_handler on a directory: the method
// first (OPTIONS answered, others not allowed), then GET and POST are
// refused with "Attempt to serve directory".
func defaultHandlerDirectory(rq *request, why string) (int, string) {
	if st, reason, done := defaultHandlerMethod(rq.req.MethodOrGET()); done {
		return st, reason
	}
	return 404, "Attempt to serve directory: " + rq.res.Filename + " (" + why + ")"
}

// directoryHandler is what answers a directory fixup_dir declined: the
// handler set on it (status 0: the core's handler phase runs it; a
// handler no module takes falls to the default handler's 404, as
// mod_autoindex declines any handler but the directory's),
// mod_autoindex's listing or refusal, else the default handler's 404.
// names are the DirectoryIndex names tried (nil: none).
func directoryHandler(rq *request, names []string, why string) (int, string, *Result) {
	s, r := rq.s, rq.res
	if handlerTakesDirectory(rq) {
		return 0, "", nil
	}
	// mod_autoindex answers GET only; it declines other methods to the
	// default handler.
	if !s.Loaded("autoindex_module") || methodNumber(rq.req.MethodOrGET()) != "GET" {
		if !s.Loaded("autoindex_module") {
			why += ", mod_autoindex not loaded"
		}
		st, reason := defaultHandlerDirectory(rq, why)
		return st, reason, nil
	}
	if r.Options&OptIndexes != 0 {
		return 200, "mod_autoindex lists the directory (Options Indexes)", nil
	}
	if names == nil {
		return 403, "Directory index forbidden by Options directive: " + r.Filename + " (" + why + ")", nil
	}
	return 403, "Cannot serve directory " + r.Filename + "/: No matching DirectoryIndex (" + strings.Join(names, ",") +
		") found, and server-generated directory index forbidden by Options directive", nil
}
