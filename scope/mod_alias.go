package scope

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/pcre"
	"github.com/apacheconf/apacheconf/internal/urlmap"
)

// mod_alias: Alias, AliasMatch, ScriptAlias, ScriptAliasMatch and the
// server-level Redirect family at translate_name
// (translate_alias_redir: every redirect first, then every alias, each
// list in configuration order, the virtual host's before the main
// server's — merge_alias_config appends the base to the overrides); the
// per-directory Redirect lines at fixups (fixup_redir).

var aliasModule = &module{name: "mod_alias"}

func init() {
	aliasModule.define(module{
		cmds: map[string]cmdFunc{
			"redirect":          redirectCmd,
			"redirectmatch":     redirectCmd,
			"redirectpermanent": redirectCmd,
			"redirecttemp":      redirectCmd,
		},
		checks: map[string]cmdFunc{
			"redirect":          redirectCheck,
			"redirectmatch":     redirectCheck,
			"redirectpermanent": redirectCheck,
			"redirecttemp":      redirectCheck,
			"aliasmatch":        aliasMatchCheck,
			"scriptaliasmatch":  aliasMatchCheck,
		},
		mergeDir: func(base, add any) any {
			b, a := base.(*aliasDir), add.(*aliasDir)
			c := *b
			if len(a.redirects) > 0 {
				c.redirects = append(append([]*ast.Directive(nil), a.redirects...), b.redirects...)
			}
			if a.redirectAll != nil {
				c.redirectAll = a.redirectAll
			}
			return &c
		},
		newServer: func(body []ast.Node, _ *dirConfig) any {
			var s aliasServer
			for _, n := range body {
				d, ok := n.(*ast.Directive)
				if !ok {
					continue
				}
				switch d.Canonical() {
				case "redirect", "redirectmatch", "redirectpermanent", "redirecttemp":
					s.redirects = append(s.redirects, d)
				case "alias", "aliasmatch", "scriptalias", "scriptaliasmatch":
					s.aliases = append(s.aliases, d)
				}
			}
			if s.redirects == nil && s.aliases == nil {
				return nil
			}
			return &s
		},
		mergeServer: func(main, vhost any) any {
			m, _ := main.(*aliasServer)
			v, _ := vhost.(*aliasServer)
			switch {
			case v == nil:
				return main
			case m == nil:
				return vhost
			}
			return &aliasServer{redirects: append(append([]*ast.Directive(nil), v.redirects...), m.redirects...),
				aliases: append(append([]*ast.Directive(nil), v.aliases...), m.aliases...)}
		},
		translateName: func(r *request) (Mapping, bool) {
			// try_redirect: the one-argument Redirect of the <Location>
			// and <If> sections walked before translation.
			if pc := r.preTranslateConf(); pc != nil {
				if c := peekDir[aliasDir](pc, aliasModule); c != nil && c.redirectAll != nil {
					if mp, ok := perDirRedirect(&aliasDir{redirectAll: c.redirectAll}, r.uri); ok {
						if red := *mp.Redirect; isRedirectStatus(red.Status) {
							if strings.HasPrefix(red.Location, "/") {
								red.Location = r.serverURL() + red.Location
							}
							if r.args != "" && !strings.Contains(red.Location, "?") {
								red.Location += "?" + r.args
							}
							mp.Redirect = &red
						} else {
							mp.Status, mp.Reason, mp.Redirect = red.Status, "Redirect "+strconv.Itoa(red.Status)+" by "+describe(mp.Directive), nil
						}
						return mp, true
					}
				}
			}
			if s := serverOf[aliasServer](r, aliasModule); s != nil {
				return aliasRedir(r, s)
			}
			return Mapping{}, false
		},
		fixups: func(r *request) *answer {
			c := peekDir[aliasDir](r.conf, aliasModule)
			if c == nil {
				return nil
			}
			if mp, ok := perDirRedirect(c, r.uri); ok {
				red := *mp.Redirect
				// fixup_redir: a local path is made a URL
				// (ap_construct_url) and the request's query is appended
				// unless the target has its own.
				if isRedirectStatus(red.Status) {
					if strings.HasPrefix(red.Location, "/") {
						red.Location = r.serverURL() + red.Location
					}
					if r.args != "" && !strings.Contains(red.Location, "?") {
						red.Location += "?" + r.args
					}
				}
				return &answer{status: red.Status, reason: "redirected by " + describe(mp.Directive), redirect: &red}
			}
			return nil
		},
	})
}

// aliasServer is mod_alias's server configuration.
type aliasServer struct {
	redirects []*ast.Directive
	aliases   []*ast.Directive
}

// aliasDir is mod_alias's per-directory configuration: the Redirect
// lines (the child's, then the parent's), and the one-argument
// <Location> form.
type aliasDir struct {
	redirects   []*ast.Directive
	redirectAll *ast.Directive
}

func redirectCmd(a *applier, c *dirConfig, d *ast.Directive, _ []string) {
	if a.ctx == CtxServer {
		return // server-level: translate_name handles them
	}
	ad := dirOf[aliasDir](c, aliasModule)
	// The one-argument form in any section (cmd->path set: <Location>,
	// <Directory>, <Files>, <If>, .htaccess): a URL, or a status without
	// one ("Redirect gone" answers 410).
	// A non-redirect status with a path ("Redirect gone /x") is the
	// list form.
	if status, rest := redirectStatus(d); d.Canonical() == "redirect" &&
		(len(rest) == 1 && isRedirectStatus(status) || len(rest) == 0 && !isRedirectStatus(status)) {
		ad.redirectAll = d // <Location> Redirect [status] URL
		return
	}
	ad.redirects = append(ad.redirects, d)
}

// redirectCheck is add_redirect_internal's refusals, in its order;
// cmd->path is set in every context but a server's body. A per-directory
// line whose target is an expression (ap_expr) is not judged.
func redirectCheck(a *applier, _ *dirConfig, d *ast.Directive, vals []string) {
	if len(vals) == 0 {
		return // the directive registry's
	}
	status := 302
	if d.Canonical() == "redirectpermanent" {
		status = 301
	}
	arg1 := vals[0]
	hasArg2, hasArg3 := len(vals) > 1, len(vals) > 2
	grok := 1
	switch {
	case strings.EqualFold(arg1, "permanent"):
		status = 301
	case strings.EqualFold(arg1, "temp"):
		status = 302
	case strings.EqualFold(arg1, "seeother"):
		status = 303
	case strings.EqualFold(arg1, "gone"):
		status, grok = 410, -1
	case arg1 != "" && arg1[0] >= '0' && arg1[0] <= '9':
		if status = atoi(arg1); !isRedirectStatus(status) {
			grok = -1
		}
	default:
		grok = 0
	}
	if hasArg3 && grok == 0 {
		a.fail(d.Pos(), "Redirect: invalid first argument (of three)")
		return
	}
	if a.ctx != CtxServer && (grok > 0 && hasArg2 && !hasArg3 || grok == 0 && !hasArg2 || grok < 0 && !hasArg2) {
		return // the whole-section form: [status] expression
	}
	fake, url, hasURL := "", "", hasArg3
	if hasArg2 {
		fake = vals[1]
	}
	if hasArg3 {
		url = vals[2]
	}
	if !hasArg3 && grok == 0 {
		fake, url, hasURL = arg1, "", hasArg2
		if hasArg2 {
			url = vals[1]
		}
	}
	regex := d.Canonical() == "redirectmatch"
	if regex && pcreRefuses(fake, false) {
		a.fail(d.Pos(), "Regular expression could not be compiled.")
		return
	}
	switch {
	case isRedirectStatus(status) && !hasURL:
		a.fail(d.Pos(), "URL to redirect to is missing")
	case isRedirectStatus(status) && !regex && !urlmap.IsURL(url) && !strings.HasPrefix(url, "/"):
		a.fail(d.Pos(), "Redirect to non-URL")
	case !isRedirectStatus(status) && hasURL:
		a.fail(d.Pos(), "Redirect URL not valid for this status")
	}
}

// aliasMatchCheck is add_alias_regex's refusal of its pattern.
func aliasMatchCheck(a *applier, _ *dirConfig, d *ast.Directive, vals []string) {
	if len(vals) == 2 && pcreRefuses(vals[0], false) {
		a.fail(d.Pos(), "Regular expression could not be compiled.")
	}
}

func compileOrNil(pattern string) *pcre.Regexp {
	re, err := pcre.Compile(pattern, false)
	if err != nil {
		return nil
	}
	return re
}

// redirectEntry is add_redirect_internal's reading of a server-level
// Redirect* line. ok is false for lines httpd refuses at start-up.
type redirectEntry struct {
	status int
	fake   string
	url    string
	hasURL bool
	regex  bool
}

func parseRedirect(d *ast.Directive) (e redirectEntry, ok bool) {
	vals := d.Values()
	name := strings.ToLower(d.Name)
	e.status = 302
	switch name {
	case "redirectpermanent":
		e.status = 301
		if len(vals) != 2 {
			return e, false
		}
	case "redirecttemp":
		if len(vals) != 2 {
			return e, false
		}
	default: // Redirect, RedirectMatch: TAKE123
		if len(vals) < 1 || len(vals) > 3 {
			return e, false
		}
	}
	e.regex = name == "redirectmatch"
	arg1 := vals[0]
	var arg2, arg3 *string
	if len(vals) > 1 {
		arg2 = &vals[1]
	}
	if len(vals) > 2 {
		arg3 = &vals[2]
	}
	grok := 1
	switch {
	case strings.EqualFold(arg1, "permanent"):
		e.status = 301
	case strings.EqualFold(arg1, "temp"):
		e.status = 302
	case strings.EqualFold(arg1, "seeother"):
		e.status = 303
	case strings.EqualFold(arg1, "gone"):
		e.status, grok = 410, -1
	case arg1 != "" && arg1[0] >= '0' && arg1[0] <= '9':
		e.status = atoi(arg1)
		if !isRedirectStatus(e.status) {
			grok = -1
		}
	default:
		grok = 0
	}
	if arg3 != nil && grok == 0 {
		return e, false // "invalid first argument (of three)"
	}
	// server context (cmd->path NULL): fake=arg2, url=arg3, unless the
	// first argument was not a status.
	if arg2 == nil {
		return e, false // a one-argument form is <Location>-only
	}
	e.fake = *arg2
	if arg3 != nil {
		e.url, e.hasURL = *arg3, true
	}
	if arg3 == nil && grok == 0 {
		e.fake, e.url, e.hasURL = arg1, *arg2, true
	}
	if e.regex && compileOrNil(e.fake) == nil {
		return e, false
	}
	if isRedirectStatus(e.status) {
		if !e.hasURL {
			return e, false // "URL to redirect to is missing"
		}
		if !e.regex && !urlmap.IsURL(e.url) && !strings.HasPrefix(e.url, "/") {
			return e, false // "Redirect to non-URL"
		}
	} else if e.hasURL {
		return e, false // "Redirect URL not valid for this status"
	}
	return e, true
}

func isRedirectStatus(s int) bool { return s >= 300 && s <= 399 }

// aliasRedir is translate_alias_redir for the server-level lists.
func aliasRedir(r *request, m *aliasServer) (Mapping, bool) {
	if r.uri != "" && r.uri[0] != '/' {
		return Mapping{}, false
	}
	for _, d := range m.redirects {
		e, ok := parseRedirect(d)
		if !ok {
			continue
		}
		found, matched := "", false
		if e.regex {
			loc := compileOrNil(e.fake).FindStringSubmatchIndex(r.uri)
			if loc == nil {
				continue
			}
			matched = true
			if e.hasURL {
				found = escapeRedirectTarget(urlmap.Pregsub(e.url, r.uri, loc))
			}
		} else if l := urlmap.AliasMatches(r.uri, e.fake); l > 0 {
			matched = true
			if e.hasURL {
				found = e.url + urlmap.EscapePath(r.uri[l:])
			}
		}
		if !matched {
			continue
		}
		red := &Redirect{Status: e.status}
		mp := Mapping{Kind: "redirect", Directive: d, Redirect: red}
		if isRedirectStatus(e.status) {
			base := r.topts.baseURL
			if base == "" && r.res != nil {
				base = r.serverURL()
			}
			if found != "" && found[0] == '/' && base != "" {
				found = strings.TrimSuffix(base, "/") + found // ap_construct_url
			}
			if !urlmap.IsURL(found) && !(found != "" && found[0] == '/' && base == "") {
				mp.Status = 500
				mp.Reason = "cannot redirect '" + r.uri + "' to '" + found + "'; target is not a valid absoluteURI or abs_path"
				mp.Redirect = nil
				return mp, true
			}
			if r.args != "" && !strings.Contains(found, "?") {
				found += "?" + r.args
			}
			red.Location = found
		}
		return mp, true
	}
	for _, d := range m.aliases {
		vals := d.Values()
		if len(vals) != 2 {
			continue // one-argument Alias is <Location>-only
		}
		kind := strings.ToLower(d.Name)
		var found, script string
		if strings.HasSuffix(kind, "match") {
			re := compileOrNil(vals[0])
			if re == nil {
				continue
			}
			loc := re.FindStringSubmatchIndex(r.uri)
			if loc == nil {
				continue
			}
			found, script = urlmap.Pregsub(vals[1], r.uri, loc), r.uri[:loc[1]]
			if rest := r.uri[loc[1]:]; strings.HasSuffix(found, rest) {
				r.setContextInfo(script, found[:len(found)-len(rest)])
			}
		} else {
			l := urlmap.AliasMatches(r.uri, vals[0])
			if l == 0 {
				continue
			}
			found, script = vals[1]+r.uri[l:], r.uri[:l]
			r.setContextInfo(vals[0], vals[1])
		}
		mp := Mapping{Kind: kind, Directive: d, Filename: urlmap.MergePath(urlmap.DefaultServerRoot, found), ScriptName: script}
		if strings.HasPrefix(kind, "script") {
			mp.Handler = "cgi-script"
		}
		return mp, true
	}
	return Mapping{}, false
}

// escapeRedirectTarget is what try_alias_list does to a RedirectMatch
// result: apr_uri_unparse(…, APR_URI_UNP_OMITQUERY), ap_escape_uri, then
// the query and fragment put back unescaped.
func escapeRedirectTarget(found string) string {
	rest, frag, hasFrag := strings.Cut(found, "#")
	rest, query, hasQuery := strings.Cut(rest, "?")
	out := urlmap.EscapePath(rest)
	if hasQuery {
		out += "?" + query
	}
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// perDirRedirect is fixup_redir: the one-argument <Location> form, then
// the per-directory Redirect list.
func perDirRedirect(c *aliasDir, uri string) (Mapping, bool) {
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

// The per-directory Redirect lines (fixup_redir) match as the
// server-level ones do in translate_name.

// redirectStatus reads Redirect's optional first argument (add_redirect_internal).
func redirectStatus(d *ast.Directive) (status int, rest []string) {
	vals := d.Values()
	switch d.Canonical() {
	case "redirectpermanent":
		return 301, vals
	case "redirecttemp":
		return 302, vals
	}
	if len(vals) == 0 {
		return 302, vals
	}
	switch a := strings.ToLower(vals[0]); {
	case a == "permanent":
		return 301, vals[1:]
	case a == "temp":
		return 302, vals[1:]
	case a == "seeother":
		return 303, vals[1:]
	case a == "gone":
		return 410, vals[1:]
	case a != "" && a[0] >= '0' && a[0] <= '9':
		return atoi(a), vals[1:]
	}
	return 302, vals
}

func tryRedirect(d *ast.Directive, uri string) (Mapping, bool) {
	status, args := redirectStatus(d)
	if len(args) == 0 {
		return Mapping{}, false
	}
	target := ""
	if len(args) > 1 {
		target = args[1]
	}
	var loc string
	if d.Canonical() == "redirectmatch" {
		re, err := pcre.Compile(args[0], false)
		if err != nil {
			return Mapping{}, false
		}
		m := re.FindStringSubmatchIndex(uri)
		if m == nil {
			return Mapping{}, false
		}
		loc = urlmap.Pregsub(target, uri, m)
	} else {
		l := urlmap.AliasMatches(uri, args[0])
		if l == 0 {
			return Mapping{}, false
		}
		if target != "" {
			loc = target + (&url.URL{Path: uri[l:]}).EscapedPath()
		}
	}
	if status < 300 || status > 399 {
		loc = "" // 410 and other non-redirects carry no Location
	}
	return Mapping{Kind: "redirect", Directive: d, Redirect: &Redirect{Status: status, Location: loc}}, true
}
