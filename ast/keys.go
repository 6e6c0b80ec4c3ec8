package ast

import (
	"strings"

	"github.com/apacheconf/apacheconf/internal/syntax"
)

// KeyOf returns the part of a directive's arguments that tells one
// instance of it from another, and whether the directive is keyed at all.
// httpd keeps many instances of SetEnv, AddHandler, Header, Alias, Listen
// … side by side, each for its own variable, extension, header, URL path
// or address: Set replaces the instance with the same key and leaves the
// others. Directives that are not keyed (ServerName, Timeout, Options …)
// hold one value per context, the last one read winning.
//
// The directive registry (package directive) knows each directive's
// argument form but not which argument names the thing it configures;
// this table adds that for the directives a configuration repeats.
// Directives whose order matters (RewriteRule, Require) are not keyed:
// edit those nodes directly.
func KeyOf(name string, values []string) (key string, keyed bool) {
	k, ok := directiveKeys[Canonical(name)]
	if !ok {
		return "", false
	}
	return k(values), true
}

// A keyFunc picks the key out of a directive's argument values.
type keyFunc func(values []string) string

// argKey keys by the i-th argument, compared as httpd does: exactly, or
// without case when fold is set.
func argKey(i int, fold bool) keyFunc {
	return func(v []string) string {
		if i >= len(v) {
			return ""
		}
		if fold {
			return syntax.ToLowerASCII(v[i])
		}
		return v[i]
	}
}

// tailKey keys ITERATE2 directives (AddHandler HANDLER EXT…) by the
// extensions they map, case-insensitively as mod_mime stores them.
func tailKey(v []string) string {
	if len(v) < 2 {
		return ""
	}
	exts := make([]string, len(v)-1)
	for i, e := range v[1:] {
		exts[i] = syntax.ToLowerASCII(strings.TrimPrefix(e, "."))
	}
	return strings.Join(exts, " ")
}

// headerKey keys mod_headers' Header and RequestHeader by their
// condition (always, onsuccess) and the header's name: "Header set X a"
// replaces "Header unset X" but not "Header always set X a".
func headerKey(v []string) string {
	i, cond := 0, "onsuccess"
	if len(v) > 0 && (syntax.EqualFoldASCII(v[0], "always") || syntax.EqualFoldASCII(v[0], "onsuccess")) {
		cond, i = syntax.ToLowerASCII(v[0]), 1
	}
	if i+1 >= len(v) {
		return cond
	}
	return cond + " " + syntax.ToLowerASCII(v[i+1]) // after the action
}

// redirectKey keys mod_alias's Redirect by its URL path, after the
// optional status.
func redirectKey(v []string) string {
	if len(v) > 2 || len(v) == 2 && !strings.HasPrefix(v[0], "/") {
		switch s := syntax.ToLowerASCII(v[0]); {
		case s == "permanent" || s == "temp" || s == "seeother" || s == "gone" || s != "" && s[0] >= '0' && s[0] <= '9':
			return v[1]
		}
	}
	if len(v) > 0 {
		return v[0]
	}
	return ""
}

// proxyPassKey keys ProxyPass by its path; inside <Location> it has none
// (one per section).
func proxyPassKey(v []string) string {
	if len(v) > 1 && strings.HasPrefix(v[0], "/") {
		return v[0]
	}
	return ""
}

// logFormatKey keys LogFormat by its nickname (none: the default format).
func logFormatKey(v []string) string {
	if len(v) > 1 {
		return v[1]
	}
	return ""
}

// directiveKeys maps canonical names to their keys. The registry test
// (keys_test.go) checks that each is a directive httpd knows whose form
// takes more than one argument.
var directiveKeys = map[string]keyFunc{
	// mod_env, mod_setenvif: the variable (names fold in apr tables).
	"setenv":         argKey(0, true),
	"setenvif":       func(v []string) string { return strings.Join(v[:min(len(v), 2)], " ") },
	"setenvifnocase": func(v []string) string { return strings.Join(v[:min(len(v), 2)], " ") },
	"browsermatch":   argKey(0, false),
	// mod_mime: by extension.
	"addhandler":            tailKey,
	"addtype":               tailKey,
	"addcharset":            tailKey,
	"addencoding":           tailKey,
	"addlanguage":           tailKey,
	"addinputfilter":        tailKey,
	"addoutputfilter":       tailKey,
	"removehandler":         func(v []string) string { return tailKey(append([]string{""}, v...)) },
	"removetype":            func(v []string) string { return tailKey(append([]string{""}, v...)) },
	"addoutputfilterbytype": tailKey,
	// mod_headers.
	"header":        headerKey,
	"requestheader": headerKey,
	// mod_alias, mod_wsgi, mod_proxy: by URL path.
	"alias":                argKey(0, false),
	"aliasmatch":           argKey(0, false),
	"scriptalias":          argKey(0, false),
	"scriptaliasmatch":     argKey(0, false),
	"wsgiscriptalias":      argKey(0, false),
	"wsgiscriptaliasmatch": argKey(0, false),
	"redirect":             redirectKey,
	"redirectmatch":        redirectKey,
	"redirectpermanent":    argKey(0, false),
	"redirecttemp":         argKey(0, false),
	"proxypass":            proxyPassKey,
	"proxypassmatch":       proxyPassKey,
	"proxypassreverse":     proxyPassKey,
	// core and friends.
	"listen":            argKey(0, true),
	"loadmodule":        argKey(0, false),
	"include":           argKey(0, false),
	"includeoptional":   argKey(0, false),
	"define":            argKey(0, false),
	"errordocument":     argKey(0, false),
	"logformat":         logFormatKey,
	"customlog":         argKey(0, false),
	"expiresbytype":     argKey(0, true),
	"wsgidaemonprocess": argKey(0, false),
}

// KeyedDirectives lists the canonical names KeyOf knows, for tools that
// document or check the table.
func KeyedDirectives() []string {
	out := make([]string, 0, len(directiveKeys))
	for k := range directiveKeys {
		out = append(out, k)
	}
	return out
}
