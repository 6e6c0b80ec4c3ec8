// Package urlmap implements httpd's translate_name phase: how a URL path
// becomes a file name (DocumentRoot, Alias, ScriptAlias, UserDir,
// WSGIScriptAlias, Redirect …). The scope package uses it.
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
}

// Redirect is a Redirect/RedirectMatch/RedirectPermanent/RedirectTemp
// answer (reported, not followed).
type Redirect struct {
	Status   int    // 301, 302, 303, 410, …
	Location string // "" for 410 Gone
}
