package urlmap

import (
	"errors"
	"os"
	"os/user"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/pcre"
)

// DefaultDocumentRoot is Debian's compiled-in DocumentRoot
// (DOCUMENT_LOCATION), used when no server sets one.
const DefaultDocumentRoot = "/var/www/html"

// DefaultServerRoot is Debian's compiled-in ServerRoot (HTTPD_ROOT,
// `apache2 -V`).
const DefaultServerRoot = "/etc/apache2"

// Options are the inputs of Map that do not come from the directive
// lists.
type Options struct {
	// DocumentRoot is used when no server body sets DocumentRoot
	// (default DefaultDocumentRoot).
	DocumentRoot string
	// ServerRoot makes relative Alias targets and DocumentRoot absolute
	// (ap_server_root_relative; default DefaultServerRoot).
	ServerRoot string
	// HomeDir looks a user's home directory up for UserDir's relative
	// form (apr_uid_homepath_get). Default: os/user (/etc/passwd).
	HomeDir func(user string) (string, bool)
	// Exists reports whether a file exists (apr_stat), for UserDir lists
	// of several directories: every one but the last must exist to be
	// chosen. Default: os.Stat.
	Exists func(path string) bool
	// MergeSlashes Off keeps runs of '/' in the URI (core's
	// MergeSlashes, server config, default On).
	MergeSlashesOff bool
	// AllowEncodedSlashes is "Off" (default: %2F gives 404), "On"
	// (decoded) or "NoDecode" (accepted, kept encoded). It is a
	// per-directory setting: pass the one <Location> merging gives.
	AllowEncodedSlashes string
	// BaseURL is what ap_construct_url puts before a redirect target
	// that is a local path ("/new" → "http://www.example.com/new"),
	// e.g. "http://www.example.com" or "https://h:8443". Empty leaves
	// such a Location relative.
	BaseURL string
	// Rewrite stands for mod_rewrite's translate_name hook
	// (hook_uri2file, APR_HOOK_FIRST), which runs before every hook Map
	// models. TODO: mod_rewrite is not modelled here; a caller that
	// models it can answer (true) or decline (false) with this hook.
	Rewrite func(uri string) (Mapping, bool)
}

// ErrNoServer is returned when Map is given no server body at all.
var ErrNoServer = errors.New("urlmap: no server configuration")

// lists are a server's translate_name inputs after httpd's server-config
// merges (the selected vhost's body over the main server's).
type lists struct {
	redirects []*ast.Directive // mod_alias redirects: vhost's, then main's
	aliases   []*ast.Directive // mod_alias aliases: vhost's, then main's
	wsgi      []*ast.Directive // mod_wsgi alias_list: vhost's, then main's
	userdir   userdirConfig
	docRoot   *ast.Directive
}

// userdirConfig is mod_userdir's userdir_config after
// merge_userdir_config.
type userdirConfig struct {
	dirs     []string       // the UserDir words (nil: DEFAULT_USER_DIR, none)
	dirsFrom *ast.Directive // the line that set dirs
	global   int            // 0 default, 1 disabled, 2 enabled
	enabled  map[string]bool
	disabled map[string]bool
}

// collect builds the merged lists. Merges, as each module does them:
//   - mod_alias merge_alias_config: aliases and redirects are
//     apr_array_append(overrides, base) — the vhost's entries, then the
//     main server's, each in configuration order;
//   - mod_wsgi wsgi_merge_server_config: alias_list likewise;
//   - mod_userdir merge_userdir_config: the UserDir directory list and
//     the global "disabled"/"enabled" switch are the vhost's when it set
//     them, else the main server's; the per-user "disabled u…"/"enabled
//     u…" tables are not merged: a vhost with any UserDir line has only
//     its own, a vhost with none keeps the main server's (see below);
//   - core merge_core_server_configs: DocumentRoot is the vhost's when it
//     has one, else the main server's (within one body, the last line).
func collect(servers [][]ast.Node) lists {
	var m lists
	uds := make([]*userdirConfig, len(servers))
	for i, body := range servers {
		var root *ast.Directive
		for _, n := range body {
			d, ok := n.(*ast.Directive)
			if !ok {
				continue
			}
			switch strings.ToLower(d.Name) {
			case "redirect", "redirectmatch", "redirectpermanent", "redirecttemp":
				m.redirects = append(m.redirects, d)
			case "alias", "aliasmatch", "scriptalias", "scriptaliasmatch":
				m.aliases = append(m.aliases, d)
			case "wsgiscriptalias", "wsgiscriptaliasmatch":
				m.wsgi = append(m.wsgi, d)
			case "userdir":
				if uds[i] == nil {
					uds[i] = &userdirConfig{enabled: map[string]bool{}, disabled: map[string]bool{}}
				}
				uds[i].set(d)
			case "documentroot":
				if len(d.Args) > 0 {
					root = d
				}
			}
		}
		if m.docRoot == nil {
			m.docRoot = root
		}
	}
	// mod_userdir, folded from the main server (last) to the vhost
	// (first). A server with no UserDir line at all keeps the merged
	// configuration of the one below whole, user tables included: httpd
	// creates a vhost's module config only when one of the module's
	// directives appears in it, and merge_server_configs (config.c)
	// shares the main server's config, unmerged, otherwise —
	// verified on Apache 2.4.71: main "UserDir public_html" + "UserDir
	// disabled alice", a vhost with no UserDir: /~alice/ is refused; a
	// vhost with only "UserDir www" or "UserDir disabled bob": /~alice/
	// maps (the vhost's own, empty, tables).
	cfg := userdirConfig{enabled: map[string]bool{}, disabled: map[string]bool{}}
	for i := len(uds) - 1; i >= 0; i-- {
		o := uds[i]
		if o == nil {
			continue
		}
		merged := userdirConfig{enabled: o.enabled, disabled: o.disabled, dirs: cfg.dirs, dirsFrom: cfg.dirsFrom, global: cfg.global}
		if o.dirs != nil {
			merged.dirs, merged.dirsFrom = o.dirs, o.dirsFrom
		}
		if o.global != 0 {
			merged.global = o.global
		}
		cfg = merged
	}
	m.userdir = cfg
	return m
}

// set is set_user_dir: "disable[d]"/"enable[d]" alone switch globally,
// with names they fill the (case-insensitive, apr_table) user tables;
// anything else replaces the directory list.
func (c *userdirConfig) set(d *ast.Directive) {
	vals := values(d)
	if len(vals) == 0 {
		return
	}
	switch strings.ToLower(vals[0]) {
	case "disable", "disabled":
		if len(vals) == 1 {
			c.global = 1
		}
		for _, u := range vals[1:] {
			c.disabled[strings.ToLower(u)] = true
		}
	case "enable", "enabled":
		if len(vals) == 1 {
			c.global = 2
		}
		for _, u := range vals[1:] {
			c.enabled[strings.ToLower(u)] = true
		}
	default:
		c.dirs, c.dirsFrom = vals, d
	}
}

func values(d *ast.Directive) []string {
	out := make([]string, len(d.Args))
	for i, a := range d.Args {
		out[i] = a.Value
	}
	return out
}

// Map answers what httpd's translate_name phase does with the request
// path uri (as sent: percent-encoded, optionally with "?query").
// servers lists the server-level directive bodies in merge order: the
// selected virtual host's body first, then the main server's (pass just
// the main body for a request the main server answers). Only top-level
// directives of each body are read: sections (<Directory>, <Location>, …)
// hold per-directory configuration, which translate_name does not use
// for these lists; conditionals (<IfModule>, <IfDefine>) must already be
// evaluated by the caller.
//
// A request httpd rejects before or while mapping is reported in
// Mapping.Status (400, 404, 500), not as a Go error. Map returns an error
// only for an empty servers list.
func Map(servers [][]ast.Node, uri string, opts Options) (Mapping, error) {
	if len(servers) == 0 {
		return Mapping{}, ErrNoServer
	}
	if opts.DocumentRoot == "" {
		opts.DocumentRoot = DefaultDocumentRoot
	}
	if opts.ServerRoot == "" {
		opts.ServerRoot = DefaultServerRoot
	}
	if opts.HomeDir == nil {
		opts.HomeDir = lookupHome
	}
	if opts.Exists == nil {
		opts.Exists = func(p string) bool { _, err := os.Stat(p); return err == nil }
	}

	// ap_parse_uri: leading runs of '/' are one '/' whatever
	// MergeSlashes says (verified on 2.4.71: "//x" with MergeSlashes Off
	// is /x); an absolute-form target keeps only its path.
	for strings.HasPrefix(uri, "//") {
		uri = uri[1:]
	}
	if i := strings.Index(uri, "://"); i > 0 && isURL(uri) && !strings.ContainsAny(uri[:i], "/?#") {
		rest := uri[i+3:]
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
			uri = rest[j:]
		} else {
			uri = ""
		}
		if uri == "" || uri[0] != '/' {
			uri = "/" + uri
		}
	}
	path, args, _ := strings.Cut(uri, "?")
	path, _, _ = strings.Cut(path, "#")
	fail := func(status int, reason string, u string) (Mapping, error) {
		if i := strings.IndexByte(u, 0); i >= 0 {
			u = u[:i] // r->uri is a C string
		}
		return Mapping{Kind: "none", Status: status, Reason: reason, URI: u, Args: args}, nil
	}

	// ap_process_request_internal: normalise, then unescape.
	norm, ok := normalizePath(path, !opts.MergeSlashesOff, true)
	if !ok {
		return fail(400, "invalid URI path ("+uri+")", norm)
	}
	aes := strings.ToLower(opts.AllowEncodedSlashes)
	decoded, st := unescapeURL(norm, aes != "on" && aes != "nodecode", aes == "nodecode")
	if st == 404 && aes != "on" && aes != "nodecode" && strings.Contains(strings.ToLower(norm), "%2f") {
		return fail(404, "found %2f (encoded '/') in URI path ("+uri+"), returning 404", decoded)
	}
	if st != 0 {
		return fail(st, "bad %-escape in URI path ("+uri+")", decoded)
	}
	if i := strings.IndexByte(decoded, 0); i >= 0 {
		decoded = decoded[:i] // r->uri is a C string
	}
	if aes == "on" {
		decoded, _ = normalizePath(decoded, !opts.MergeSlashesOff, false)
	}

	m := collect(servers)
	r := request{uri: decoded, args: args, opts: &opts}
	mp, done := r.translate(m)
	if !done {
		mp = Mapping{Kind: "none"}
	}
	mp.URI, mp.Args = decoded, args
	return mp, nil
}

type request struct {
	uri, args string
	opts      *Options
}

// translate runs the hooks in ap_run_translate_name's order.
func (r *request) translate(m lists) (Mapping, bool) {
	if r.opts.Rewrite != nil { // mod_rewrite, APR_HOOK_FIRST
		if mp, ok := r.opts.Rewrite(r.uri); ok {
			return mp, true
		}
	}
	if mp, ok := r.aliasRedir(m); ok { // mod_alias
		return mp, true
	}
	if mp, ok := r.wsgiIntercept(m); ok { // mod_wsgi
		return mp, true
	}
	if mp, ok := r.userdir(m.userdir); ok { // mod_userdir
		return mp, true
	}
	return r.core(m.docRoot), true // core, APR_HOOK_REALLY_LAST
}

// AliasMatches is mod_alias's alias_matches: each run of '/' in the
// alias matches a run of one or more '/' in the URI, other bytes match
// literally (case-sensitively), and an alias not ending in '/' must end
// at a '/' or the end of the URI. It returns the number of URI bytes
// matched, 0 for no match.
func AliasMatches(uri, alias string) int {
	a, u := 0, 0
	for a < len(alias) {
		if alias[a] == '/' {
			if u >= len(uri) || uri[u] != '/' {
				return 0
			}
			for a < len(alias) && alias[a] == '/' {
				a++
			}
			for u < len(uri) && uri[u] == '/' {
				u++
			}
			continue
		}
		if u >= len(uri) || uri[u] != alias[a] {
			return 0
		}
		u++
		a++
	}
	if alias == "" {
		return 0
	}
	if alias[len(alias)-1] != '/' && u < len(uri) && uri[u] != '/' {
		return 0
	}
	return u
}

// Pregsub is ap_pregsub (server/util.c regsub_core): $0–$9 are replaced
// by the groups of match m of src (empty when a group did not take part),
// a backslash takes the next byte literally; "&" is an ordinary byte in
// 2.4. mod_alias, mod_setenvif and others use it.
func Pregsub(tmpl, src string, m []int) string {
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c == '$' && i+1 < len(tmpl) && tmpl[i+1] >= '0' && tmpl[i+1] <= '9' {
			no := int(tmpl[i+1] - '0')
			i++
			if 2*no+1 < len(m) && m[2*no] >= 0 && m[2*no] < m[2*no+1] {
				b.WriteString(src[m[2*no]:m[2*no+1]])
			}
			continue
		}
		if c == '\\' && i+1 < len(tmpl) {
			i++
			c = tmpl[i]
		}
		b.WriteByte(c)
	}
	return b.String()
}

func compile(pattern string) *pcre.Regexp {
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
	vals := values(d)
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
	if e.regex && compile(e.fake) == nil {
		return e, false
	}
	if isRedirectStatus(e.status) {
		if !e.hasURL {
			return e, false // "URL to redirect to is missing"
		}
		if !e.regex && !isURL(e.url) && !strings.HasPrefix(e.url, "/") {
			return e, false // "Redirect to non-URL"
		}
	} else if e.hasURL {
		return e, false // "Redirect URL not valid for this status"
	}
	return e, true
}

func isRedirectStatus(s int) bool { return s >= 300 && s <= 399 }

// atoi is C's atoi on a string starting with a digit.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9' && n < 1e6; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// aliasRedir is translate_alias_redir for the server-level lists.
func (r *request) aliasRedir(m lists) (Mapping, bool) {
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
			loc := compile(e.fake).FindStringSubmatchIndex(r.uri)
			if loc == nil {
				continue
			}
			matched = true
			if e.hasURL {
				found = escapeRedirectTarget(Pregsub(e.url, r.uri, loc))
			}
		} else if l := AliasMatches(r.uri, e.fake); l > 0 {
			matched = true
			if e.hasURL {
				found = e.url + escapePath(r.uri[l:])
			}
		}
		if !matched {
			continue
		}
		red := &Redirect{Status: e.status}
		mp := Mapping{Kind: "redirect", Directive: d, Redirect: red}
		if isRedirectStatus(e.status) {
			if found != "" && found[0] == '/' && r.opts.BaseURL != "" {
				found = strings.TrimSuffix(r.opts.BaseURL, "/") + found // ap_construct_url
			}
			if !isURL(found) && !(found != "" && found[0] == '/' && r.opts.BaseURL == "") {
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
		vals := values(d)
		if len(vals) != 2 {
			continue // one-argument Alias is <Location>-only
		}
		kind := strings.ToLower(d.Name)
		var found, script string
		if strings.HasSuffix(kind, "match") {
			re := compile(vals[0])
			if re == nil {
				continue
			}
			loc := re.FindStringSubmatchIndex(r.uri)
			if loc == nil {
				continue
			}
			found, script = Pregsub(vals[1], r.uri, loc), r.uri[:loc[1]]
		} else {
			l := AliasMatches(r.uri, vals[0])
			if l == 0 {
				continue
			}
			found, script = vals[1]+r.uri[l:], r.uri[:l]
		}
		mp := Mapping{Kind: kind, Directive: d, Filename: mergePath(r.opts.ServerRoot, found), ScriptName: script}
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
	out := escapePath(rest)
	if hasQuery {
		out += "?" + query
	}
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// wsgiEntry is wsgi_add_script_alias's reading of a line.
type wsgiEntry struct {
	location, application string
	options               map[string]string
}

func parseWSGI(d *ast.Directive) (wsgiEntry, bool) {
	vals := values(d)
	if len(vals) < 2 || vals[0] == "" || vals[1] == "" {
		return wsgiEntry{}, false
	}
	e := wsgiEntry{location: vals[0], application: vals[1], options: map[string]string{}}
	for _, a := range vals[2:] {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			return e, false // "Invalid option to WSGI script alias definition."
		}
		switch k {
		case "application-group", "process-group", "callable-object":
			if v == "" {
				return e, false
			}
		case "pass-authorization":
			if !strings.EqualFold(v, "on") && !strings.EqualFold(v, "off") {
				return e, false
			}
		default:
			return e, false
		}
		e.options[k] = v
	}
	return e, true
}

// wsgiIntercept is mod_wsgi's wsgi_hook_intercept. The Options map keeps
// the values as written (a %{GLOBAL} group is stored by mod_wsgi as "").
//
// ScriptName is the URL prefix the entry consumed — uri[:matched] for
// WSGIScriptAlias (slashes as the request had them), the URI up to the
// end of the match for WSGIScriptAliasMatch, and "" for a location of
// exactly "/" (mod_wsgi then appends the whole URI to the script, so
// all of it is path info). This is the SCRIPT_NAME mod_wsgi computes
// (wsgi_script_name: r->uri minus the path info) when the target is the
// script file itself; if the target is a directory, the directory walk
// finds the script deeper and SCRIPT_NAME grows by those segments.
// %{RESOURCE} further lower-cases it and collapses repeated slashes
// (see ResourceName).
func (r *request) wsgiIntercept(m lists) (Mapping, bool) {
	if r.uri != "" && r.uri[0] != '/' {
		return Mapping{}, false
	}
	for _, d := range m.wsgi {
		e, ok := parseWSGI(d)
		if !ok {
			continue
		}
		kind := strings.ToLower(d.Name)
		l := 0
		location, app := e.location, e.application
		if kind == "wsgiscriptaliasmatch" {
			re := compile(e.location)
			if re == nil {
				continue
			}
			loc := re.FindStringSubmatchIndex(r.uri)
			if loc == nil {
				continue
			}
			l = loc[1] // an empty match at 0 does not count (l > 0)
			location, app = r.uri[:l], Pregsub(e.application, r.uri, loc)
		} else {
			l = AliasMatches(r.uri, e.location)
		}
		if l <= 0 {
			continue
		}
		mp := Mapping{Kind: kind, Directive: d, Handler: "wsgi-script", Options: e.options, ScriptName: r.uri[:l]}
		if location == "/" {
			mp.Filename, mp.ScriptName = app+r.uri, ""
		} else {
			mp.Filename = app + r.uri[l:]
		}
		return mp, true
	}
	return Mapping{}, false
}

// ResourceName is the script-name part of mod_wsgi's %{RESOURCE}
// (wsgi_script_name): leading repeated slashes dropped, other runs of
// slashes collapsed (ap_no2slash), lower-cased.
func ResourceName(scriptName string) string {
	s := scriptName
	for len(s) > 1 && s[1] == '/' {
		s = s[1:]
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '/' && i > 0 && s[i-1] == '/' {
			continue
		}
		b.WriteByte(s[i])
	}
	return strings.ToLower(b.String())
}

// userdir is translate_userdir.
func (r *request) userdir(c userdirConfig) (Mapping, bool) {
	if !strings.HasPrefix(r.uri, "/~") || c.dirs == nil {
		return Mapping{}, false
	}
	user, _, hasSlash := strings.Cut(r.uri[2:], "/")
	dname := ""
	if hasSlash {
		dname = r.uri[2+len(user):]
	}
	// No user, ".", "..": declined. (httpd 2.4.63's source tests user[1],
	// which would refuse "a." and accept "."; Apache 2.4.71 as installed
	// maps /~a./x and declines /~./x — verified — so this follows it.)
	if user == "" || user == "." || user == ".." {
		return Mapping{}, false
	}
	key := strings.ToLower(user) // apr_table_get is case-insensitive
	if c.disabled[key] {
		return Mapping{}, false
	}
	if c.global == 1 && !c.enabled[key] {
		return Mapping{}, false
	}
	for i, ud := range c.dirs {
		last := i == len(c.dirs)-1
		abs := strings.HasPrefix(ud, "/")
		prefix, rest, star := strings.Cut(ud, "*")
		if !star {
			rest = ud
		}
		var filename string
		switch {
		case rest == "" || abs:
			if star {
				if strings.Contains(prefix, ":") && !abs {
					return r.userdirRedirect(c, prefix+user+rest+dname), true
				}
				filename = prefix + user + rest
			} else {
				filename = rest + "/" + user
			}
		case star && strings.Contains(prefix, ":"):
			return r.userdirRedirect(c, prefix+user+dname), true
		default:
			home, ok := r.opts.HomeDir(user)
			if ok {
				filename = home + "/" + rest // the words after a '*'
			}
		}
		if filename != "" && (last || r.opts.Exists(filename)) {
			return Mapping{Kind: "userdir", Directive: c.dirsFrom, Filename: filename + dname,
				ScriptName: r.uri[:len(r.uri)-len(dname)]}, true
		}
	}
	return Mapping{}, false
}

func (r *request) userdirRedirect(c userdirConfig, loc string) Mapping {
	return Mapping{Kind: "redirect", Directive: c.dirsFrom, Redirect: &Redirect{Status: 302, Location: loc}}
}

// core is ap_core_translate: DocumentRoot merged with the URI (leading
// slashes skipped; apr_filepath_merge drops empty and "." segments).
func (r *request) core(root *ast.Directive) Mapping {
	if r.uri == "" || r.uri[0] != '/' && r.uri != "*" {
		return Mapping{Kind: "none", Status: 400, Reason: "Invalid URI in request"}
	}
	dr := r.opts.DocumentRoot
	if root != nil {
		dr = root.Args[0].Value
	}
	dr = mergePath(r.opts.ServerRoot, dr)
	return Mapping{Kind: "docroot", Directive: root, Filename: mergePath(dr, strings.TrimLeft(r.uri, "/"))}
}

func lookupHome(name string) (string, bool) {
	u, err := user.Lookup(name)
	if err != nil || u.HomeDir == "" {
		return "", false
	}
	return u.HomeDir, true
}
