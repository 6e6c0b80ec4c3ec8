// Package urlmap implements httpd's translate_name phase: how a URL path
// becomes a file name (DocumentRoot, Alias, ScriptAlias, UserDir,
// WSGIScriptAlias, Redirect …). The scope package uses it.
//
// Map first normalises the request path as ap_process_request_internal
// (server/request.c) does before translate_name — ap_normalize_path with
// AP_NORMALIZE_NOT_ABOVE_ROOT | AP_NORMALIZE_DECODE_UNRESERVED (and
// MERGE_SLASHES unless MergeSlashes Off), then ap_unescape_url_ex
// (AllowEncodedSlashes) — and then runs the translate_name hooks of
// Debian's modules in the order httpd sorts them:
//
//  1. mod_rewrite hook_uri2file (APR_HOOK_FIRST) — not modelled: see
//     Options.Rewrite;
//  2. mod_alias translate_alias_redir (APR_HOOK_MIDDLE, successors
//     mod_userdir, mod_vhost_alias): every Redirect/RedirectMatch/
//     RedirectPermanent/RedirectTemp first, then every Alias/AliasMatch/
//     ScriptAlias/ScriptAliasMatch, each list in configuration order;
//  3. mod_wsgi wsgi_hook_intercept (MIDDLE, predecessor mod_alias,
//     successors mod_userdir, mod_vhost_alias): WSGIScriptAlias and
//     WSGIScriptAliasMatch in configuration order;
//  4. mod_userdir translate_userdir (MIDDLE, predecessor mod_alias);
//  5. core ap_core_translate (APR_HOOK_REALLY_LAST): DocumentRoot + URI.
//
// The first hook that answers wins.
package urlmap

import "github.com/apacheconf/apacheconf/ast"

// Mapping is the result of httpd's translate_name phase: how the URL
// became a file name (or a redirect).
type Mapping struct {
	// Kind is "docroot", "alias", "aliasmatch", "scriptalias",
	// "scriptaliasmatch", "userdir", "wsgiscriptalias",
	// "wsgiscriptaliasmatch", "redirect" or "none".
	Kind string
	// Directive is the directive that mapped the URL (nil for none).
	Directive *ast.Directive
	// Filename is the file system path the URL maps to, before the
	// directory walk splits off path info.
	Filename string
	// Handler is the handler the mapping forces: "cgi-script" for
	// ScriptAlias, "wsgi-script" for WSGIScriptAlias; "" otherwise.
	Handler string
	// Options holds WSGIScriptAlias options (process-group=,
	// application-group=, …) by name.
	Options map[string]string
	// ScriptName is the part of the URL the mapping consumed (for
	// WSGIScriptAlias: SCRIPT_NAME, used by %{RESOURCE}).
	ScriptName string
	// Redirect is set for Kind "redirect".
	Redirect *Redirect

	// URI is the request path Map mapped: normalised (dot segments
	// removed, slashes merged unless MergeSlashes Off) and %-decoded,
	// as r->uri is when translate_name runs. The query string is not
	// part of it (see Args).
	URI string
	// Args is the query string of the request (after '?'), as sent.
	Args string
	// Status is the HTTP status httpd answers before or while mapping
	// when the request cannot be mapped: 400 for a path that is not
	// absolute, climbs above the root or has a bad %-escape; 404 for an
	// encoded '/' (AllowEncodedSlashes Off) or an encoded NUL; 500 for
	// a redirect target that is not a URL. 0 when the request mapped
	// (a redirect's status is in Redirect).
	Status int
	// Reason says why Status was set, in the words of httpd's log.
	Reason string
}

// Redirect is a Redirect/RedirectMatch/RedirectPermanent/RedirectTemp
// answer (reported, not followed).
type Redirect struct {
	Status   int    // 301, 302, 303, 410, …
	Location string // "" for 410 Gone
}
