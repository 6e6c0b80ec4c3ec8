package rewrite

import (
	"strings"
)

// Translate runs the server-context rules at translate_name
// (hook_uri2file). dir is the per-directory configuration in force when
// translate_name runs (the server's base merged with the <Location>
// sections that matched): its engine state and options decide whether
// the rules run at all. in.Filename is normally "".
func (s *ServerConfig) Translate(dir *DirConfig, in *Input) *Result {
	res := &Result{Query: in.Query, HasQuery: in.HasQuery, PathInfo: in.PathInfo}
	if s == nil || dir == nil || !dir.Engine {
		return res
	}
	if s.Shared {
		res.Steps = append(res.Steps, Step{Note: "this virtual host has no mod_rewrite directive: it shares the main server's record and hook_uri2file declines"})
		return res
	}
	if in.EndSeen {
		return res
	}
	if dir.Options&OptAnyURI == 0 && !strings.HasPrefix(in.URI, "/") {
		return res
	}
	e := newEngine(in, "")
	e.res = res
	e.filename = in.Filename
	if e.filename == "" {
		e.filename = in.URI
	}
	status := e.applyList(s.Rules)
	e.finish()
	if status == actionUnknown {
		res.Action = Undecided
		return res
	}
	if status == actionNone {
		return res
	}
	skipAbsolute, _ := absoluteURI(e.filename)
	toProxy := len(e.filename) > 6 && strings.HasPrefix(e.filename, "proxy:")
	willEscape := skipAbsolute > 0 && status != actionNoEscape
	if e.hasArgs && !willEscape && hasNonVChar(e.args) {
		return res.answer(Status, 403, "the rewritten query string holds spaces or control characters (AH10410)")
	}
	switch {
	case status == actionStatus || status == actionStatusSet:
		res.Action, res.Status = Status, e.status
		return res
	case toProxy:
		if !in.ProxyAvailable {
			return res.answer(Status, 403, "[P] without mod_proxy loaded (AH00669)")
		}
		url := e.filename[len("proxy:"):]
		if status == actionNoEscape {
			res.NoCanon = true
		}
		url += e.pathInfo
		if e.hasArgs && res.NoCanon {
			// proxy_http_canon adds r->args otherwise.
			url += "?" + e.args
		}
		res.Action, res.ProxyURL = Proxy, url
		return res
	case skipAbsolute > 0:
		res.Action = Redirect
		res.Location, res.Status = e.redirectTarget(status, skipAbsolute, in)
		return res
	case strings.HasPrefix(e.filename, "passthrough:") && len(e.filename) > 12:
		res.Action, res.URI = Passthrough, e.filename[len("passthrough:"):]
		return res
	}
	// A local path. (~user expansion, expand_tildepaths, is the caller's:
	// it knows the accounts.)
	if !strings.HasPrefix(e.filename, "/") {
		return res.answer(Status, 400, "the substitution is not an absolute path or URL: 400")
	}
	res.Action, res.Filename = Rewritten, e.filename
	prefixOK, why := e.prefixStat(s.Options)
	if why != "" {
		return res.undecided(why)
	}
	res.TranslateURI = !prefixOK || (e.reduced && s.Options&OptLegacyPrefixDocRoot == 0)
	return res
}

// answer sets a final status with a note on the last step.
func (r *Result) answer(a Action, status int, note string) *Result {
	r.Action, r.Status = a, status
	if n := len(r.Steps); n > 0 {
		st := &r.Steps[n-1]
		if st.Note != "" {
			st.Note += "; "
		}
		st.Note += note
	}
	return r
}

// finish copies the engine's request state into the result.
func (e *engine) finish() {
	e.res.Query, e.res.HasQuery, e.res.PathInfo, e.res.End = e.args, e.hasArgs, e.pathInfo, e.end
}

// redirectTarget builds the Location: escaped unless NE, with the query
// string (escaped unless NE or unchanged), and the status (302 unless
// the rule gave a 3xx).
func (e *engine) redirectTarget(status listStatus, skipAbsolute int, in *Input) (string, int) {
	loc := e.filename
	if status != actionNoEscape {
		loc = escapeAbsoluteURI(loc, skipAbsolute)
	}
	if e.hasArgs {
		noEscape := status == actionNoEscape || (in.HasQuery && e.args == in.Query)
		if noEscape {
			loc += "?" + e.args
		} else {
			loc += "?" + escapeURI(e.args)
		}
	}
	code := e.status
	if code < 300 || code > 399 {
		code = 302
	}
	return loc, code
}

// prefixStat is prefix_stat: does the first segment of the local path
// exist (and, unless UnsafePrefixStat, did the last substitution write
// it, or is the path under the DocumentRoot)? If not, core prefixes the
// DocumentRoot.
func (e *engine) prefixStat(opts Options) (bool, string) {
	p := e.filename
	first := p
	if i := strings.IndexByte(p[1:], '/'); i >= 0 {
		first = p[:i+1]
	}
	fi := e.in.Req.Stat(first)
	if !fi.Known {
		return false, "whether " + first + " exists decides if " + p + " is a file path or a URL under the DocumentRoot (prefix_stat), and it is not known"
	}
	if !fi.Exists {
		return false, ""
	}
	last := e.lastsub
	if opts&OptUnsafePrefixStat != 0 {
		last = nil
	}
	if last == nil || last.Has(FlagUnsafePrefixStat) {
		return true, ""
	}
	dr, cdr := e.in.DocumentRoot, e.in.ContextDocumentRoot
	return strings.HasPrefix(last.Substitution, first) ||
		(dr != "" && strings.HasPrefix(p, dr)) ||
		(cdr != "" && cdr != dr && strings.HasPrefix(p, cdr)), ""
}

// Fixup runs a per-directory rule set at fixups (hook_fixup): c is the
// merged per-directory configuration of the request; in.Filename is the
// file the directory walk found and in.PathInfo what follows it.
func (c *DirConfig) Fixup(in *Input) *Result {
	res := &Result{Query: in.Query, HasQuery: in.HasQuery, PathInfo: in.PathInfo}
	if c == nil || !c.Engine || c.Directory == "" {
		return res
	}
	isProxy := strings.HasPrefix(in.Filename, "proxy:")
	if !isProxy && c.Options&OptNoSlash == 0 {
		// /foo where .htaccess is in foo/: mod_dir redirects first.
		if in.Filename == strings.TrimSuffix(c.Directory, "/") {
			return res
		}
	}
	if in.EndSeen {
		return res
	}
	if !in.SymLinksAllowed {
		res.Action, res.Status = Status, 403
		res.Unmodelled = nil
		res.Steps = append(res.Steps, Step{Note: "Options FollowSymLinks and SymLinksIfOwnerMatch are both off, so RewriteRule is forbidden (AH00670): 403"})
		return res
	}
	e := newEngine(in, c.Directory)
	e.res = res
	e.filename = in.Filename
	if e.filename == "" {
		e.filename = in.URI
	}
	status := e.applyList(c.Rules)
	e.finish()
	switch status {
	case actionUnknown:
		res.Action = Undecided
		return res
	case actionNone:
		return res
	}
	skipAbsolute, _ := absoluteURI(e.filename)
	toProxy := len(e.filename) > 6 && strings.HasPrefix(e.filename, "proxy:")
	willEscape := skipAbsolute > 0 && status != actionNoEscape
	if e.hasArgs && !willEscape && hasNonVChar(e.args) {
		return res.answer(Status, 403, "the rewritten query string holds spaces or control characters (AH10411)")
	}
	switch {
	case status == actionStatus || status == actionStatusSet:
		res.Action, res.Status = Status, e.status
		return res
	case toProxy:
		if !in.ProxyAvailable {
			return res.answer(Status, 403, "[P] without mod_proxy loaded (AH10160)")
		}
		url := e.filename[len("proxy:"):]
		res.NoCanon = status == actionNoEscape
		if e.hasArgs && res.NoCanon {
			url += "?" + e.args
		}
		res.Action, res.ProxyURL = Proxy, url
		return res
	case skipAbsolute > 0:
		if c.BaseSet {
			// Replace the directory with RewriteBase after scheme://host/.
			rest := e.filename[skipAbsolute:]
			if slash := strings.IndexByte(rest, '/'); slash >= 0 && slash+1 < len(rest) {
				cut := skipAbsolute + slash + 1
				tail := e.filename[cut:]
				dir := strings.TrimPrefix(c.Directory, "/")
				if r := substPrefixPath(tail, dir, c.Base[1:]); r != tail {
					e.filename = e.filename[:cut] + r
				}
			}
		}
		res.Action = Redirect
		res.Location, res.Status = e.redirectTarget(status, skipAbsolute, in)
		return res
	}
	f := e.filename
	f = strings.TrimPrefix(f, "passthrough:") // PT means nothing per-directory
	if !strings.HasPrefix(f, "/") {
		return res.answer(Status, 400, "the result is not an absolute path or URL: 400")
	}
	orig := in.Filename
	if orig == "" {
		orig = in.URI
	}
	if f == orig {
		// Rewritten to itself: httpd ignores the rewrite (no loop).
		if n := len(res.Steps); n > 0 {
			res.Steps[n-1].Note = "the result equals the original file name: rewrite ignored"
		}
		res.Action = Declined
		return res
	}
	tmp := f
	if c.BaseSet {
		f = substPrefixPath(f, c.Directory, c.Base)
	} else if dr := strings.TrimSuffix(in.DocumentRoot, "/"); in.DocumentRoot != "" && strings.HasPrefix(f, dr) && len(f) > len(dr) && f[len(dr)] == '/' {
		f = f[len(dr):]
	}
	if f == tmp && c.Options&OptIgnoreContextInfo == 0 && in.ContextDocumentRoot != "" && in.ContextPrefix != "" {
		f = substPrefixPath(f, in.ContextDocumentRoot, in.ContextPrefix)
	}
	res.Action, res.URI = InternalRedirect, f
	return res
}
