package scope

import (
	"net/url"
	"os/user"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/pcre"
)

// DefaultDocumentRoot is Debian's compiled-in DocumentRoot
// (DOCUMENT_LOCATION).
const DefaultDocumentRoot = "/var/www/html"

// mapLists are a server's translate_name inputs, in httpd's order: the
// vhost's entries before the main server's (apr_array_append in
// merge_alias_config and mod_wsgi's merge).
type mapLists struct {
	redirects []*ast.Directive // Redirect, RedirectMatch, RedirectPermanent, RedirectTemp
	aliases   []*ast.Directive // Alias, AliasMatch, ScriptAlias, ScriptAliasMatch
	wsgi      []*ast.Directive // WSGIScriptAlias, WSGIScriptAliasMatch
	userDir   []*ast.Directive // the server's UserDir lines (vhost's when it has any)
	docRoot   *ast.Directive
}

func buildMapLists(bodies [][]ast.Node) mapLists {
	var m mapLists
	for _, body := range bodies { // the vhost's body first, then main's
		var ud []*ast.Directive
		var root *ast.Directive
		for _, n := range body {
			d, ok := n.(*ast.Directive)
			if !ok {
				continue
			}
			switch d.Canonical() {
			case "redirect", "redirectmatch", "redirectpermanent", "redirecttemp":
				m.redirects = append(m.redirects, d)
			case "alias", "aliasmatch", "scriptalias", "scriptaliasmatch":
				m.aliases = append(m.aliases, d)
			case "wsgiscriptalias", "wsgiscriptaliasmatch":
				m.wsgi = append(m.wsgi, d)
			case "userdir":
				ud = append(ud, d)
			case "documentroot":
				root = d // the last of a body wins
			}
		}
		// Server-config merges: the vhost's setting when it has one.
		if m.userDir == nil && len(ud) > 0 {
			m.userDir = ud
		}
		if m.docRoot == nil {
			m.docRoot = root
		}
	}
	return m
}

// translate runs the translate_name hooks of Debian's modules in httpd's
// order: mod_alias (every redirect, then every alias), mod_wsgi
// (WSGIScriptAlias, WSGIScriptAliasMatch), mod_userdir, then core's
// DocumentRoot. mod_rewrite runs first in httpd; its substitutions are
// reported as not modelled by the environment pass.
func (s *Server) translate(v *VirtualHost, uri string, stat func(string) fileType) Mapping {
	m := s.compiledFor(v).maps
	for _, d := range m.redirects {
		if mp, ok := tryRedirect(d, uri); ok {
			return mp
		}
	}
	for _, d := range m.aliases {
		if mp, ok := tryAlias(d, uri); ok {
			return mp
		}
	}
	for _, d := range m.wsgi {
		if mp, ok := tryWSGIAlias(d, uri); ok {
			return mp
		}
	}
	if mp, ok := s.tryUserDir(m.userDir, uri, stat); ok {
		return mp
	}
	root := DefaultDocumentRoot
	if m.docRoot != nil && len(m.docRoot.Args) > 0 {
		root = m.docRoot.Args[0].Value
	}
	return Mapping{Kind: "docroot", Directive: m.docRoot, Filename: strings.TrimSuffix(root, "/") + uri}
}

// aliasMatches is mod_alias's alias_matches: runs of '/' match runs of
// '/'; the alias's last component must end at a component boundary of
// the URI. It returns how many bytes of uri matched, 0 for no match.
func aliasMatches(uri, alias string) int {
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
	if alias != "" && alias[len(alias)-1] != '/' && u < len(uri) && uri[u] != '/' {
		return 0
	}
	return u
}

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
	if d.Is("RedirectMatch") {
		re, err := pcre.Compile(args[0], false)
		if err != nil {
			return Mapping{}, false
		}
		m := re.FindStringSubmatchIndex(uri)
		if m == nil {
			return Mapping{}, false
		}
		loc = pregsub(target, uri, m)
	} else {
		l := aliasMatches(uri, args[0])
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

func tryAlias(d *ast.Directive, uri string) (Mapping, bool) {
	vals := d.Values()
	if len(vals) < 2 {
		return Mapping{}, false
	}
	kind := d.Canonical()
	var filename, scriptName string
	if strings.HasSuffix(kind, "match") {
		re, err := pcre.Compile(vals[0], false)
		if err != nil {
			return Mapping{}, false
		}
		m := re.FindStringSubmatchIndex(uri)
		if m == nil {
			return Mapping{}, false
		}
		filename, scriptName = pregsub(vals[1], uri, m), uri[:m[1]]
	} else {
		l := aliasMatches(uri, vals[0])
		if l == 0 {
			return Mapping{}, false
		}
		filename, scriptName = vals[1]+uri[l:], uri[:l]
	}
	mp := Mapping{Kind: kind, Directive: d, Filename: filename, ScriptName: scriptName}
	if strings.HasPrefix(kind, "scriptalias") {
		mp.Handler = "cgi-script"
	}
	return mp, true
}

// tryWSGIAlias is wsgi_hook_intercept.
func tryWSGIAlias(d *ast.Directive, uri string) (Mapping, bool) {
	vals := d.Values()
	if len(vals) < 2 {
		return Mapping{}, false
	}
	kind := d.Canonical()
	var location, app string
	l := 0
	if kind == "wsgiscriptaliasmatch" {
		re, err := pcre.Compile(vals[0], false)
		if err != nil {
			return Mapping{}, false
		}
		m := re.FindStringSubmatchIndex(uri)
		if m == nil {
			return Mapping{}, false
		}
		l = m[1]
		location, app = uri[:l], pregsub(vals[1], uri, m)
	} else {
		l = aliasMatches(uri, vals[0])
		location, app = vals[0], vals[1]
	}
	if l == 0 {
		return Mapping{}, false
	}
	filename := app + uri[l:]
	if location == "/" {
		filename = app + uri // the whole URI becomes path info
	}
	mp := Mapping{Kind: kind, Directive: d, Filename: filename, Handler: "wsgi-script", ScriptName: location,
		Options: map[string]string{}}
	for _, a := range vals[2:] {
		if k, v, ok := strings.Cut(a, "="); ok {
			mp.Options[k] = v
		}
	}
	return mp, true
}

// userDirConfig is mod_userdir's server configuration built from the
// UserDir lines (set_user_dir).
type userDirConfig struct {
	dirs             []string // the last non-keyword UserDir's words
	globallyDisabled bool
	disabled         map[string]bool
	enabled          map[string]bool
}

func parseUserDir(lines []*ast.Directive) userDirConfig {
	c := userDirConfig{disabled: map[string]bool{}, enabled: map[string]bool{}}
	for _, d := range lines {
		vals := d.Values()
		if len(vals) == 0 {
			continue
		}
		switch kw := strings.ToLower(vals[0]); {
		case kw == "disabled" && len(vals) == 1:
			c.globallyDisabled = true
		case kw == "disabled":
			for _, u := range vals[1:] {
				c.disabled[u] = true
			}
		case kw == "enabled" && len(vals) == 1:
			c.globallyDisabled = false
		case kw == "enabled":
			for _, u := range vals[1:] {
				c.enabled[u] = true
			}
		default:
			c.dirs = vals
		}
	}
	return c
}

// tryUserDir is translate_userdir.
func (s *Server) tryUserDir(lines []*ast.Directive, uri string, stat func(string) fileType) (Mapping, bool) {
	if len(lines) == 0 || !strings.HasPrefix(uri, "/~") {
		return Mapping{}, false
	}
	c := parseUserDir(lines)
	if len(c.dirs) == 0 {
		return Mapping{}, false
	}
	name, dname, _ := strings.Cut(uri[2:], "/")
	if strings.Contains(uri[2:], "/") {
		dname = "/" + dname
	}
	if name == "" || name == "." || name == ".." || c.disabled[name] || (c.globallyDisabled && !c.enabled[name]) {
		return Mapping{}, false
	}
	for i, ud := range c.dirs {
		last := i == len(c.dirs)-1
		var filename string
		prefix, rest, star := strings.Cut(ud, "*")
		switch {
		case strings.HasPrefix(ud, "/") || (star && strings.HasPrefix(prefix, "/")):
			if star {
				filename = prefix + name + rest
			} else {
				filename = ud + "/" + name
			}
		case star && strings.Contains(prefix, ":"):
			return Mapping{Kind: "redirect", Directive: lines[len(lines)-1],
				Redirect: &Redirect{Status: 302, Location: prefix + name + rest + dname}}, true
		default:
			home, ok := s.homeDir(name)
			if !ok {
				continue
			}
			filename = home + "/" + ud
		}
		if last || stat(filename) != noFile {
			return Mapping{Kind: "userdir", Directive: lines[len(lines)-1], Filename: filename + dname,
				ScriptName: uri[:len(uri)-len(dname)]}, true
		}
	}
	return Mapping{}, false
}

// homeDir looks a user's home directory up (apr_uid_homepath_get).
func (s *Server) homeDir(name string) (string, bool) {
	if s.homeDirFn != nil {
		return s.homeDirFn(name)
	}
	u, err := user.Lookup(name)
	if err != nil {
		return "", false
	}
	return u.HomeDir, true
}
