// Package urlmap holds what httpd does to a request path before and
// around translate_name, shared by the engine's modules (package scope):
// the normalisation ap_process_request_internal applies (Normalize), the
// mapping's result type (Mapping), and the helpers several modules use
// (ap_pregsub, mod_alias's alias_matches, apr_filepath_merge,
// ap_escape_uri, ap_is_url).
//
// The translate_name hooks themselves — mod_alias, mod_wsgi,
// mod_userdir and core's DocumentRoot — live with their modules in
// package scope (mod_alias.go, mod_wsgi.go, mod_userdir.go, core.go).
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
