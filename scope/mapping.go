package scope

import (
	"net/url"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/pcre"
	"github.com/apacheconf/apacheconf/internal/urlmap"
)

// translate is httpd's translate_name phase (urlmap.Map): mod_alias,
// mod_wsgi, mod_userdir, DocumentRoot, over the server's own directives
// and then the main server's. path is the request path as sent.
func (s *Server) translate(v *VirtualHost, path string, stat func(string) fileType) Mapping {
	mp, err := urlmap.Map(s.compiledFor(v).mapBodies, path, urlmap.Options{HomeDir: s.homeDirFn,
		Exists: func(p string) bool { return stat(p) != noFile }})
	if err != nil {
		return Mapping{Kind: "none", Status: 500, Reason: err.Error()}
	}
	return mp
}

// The per-directory Redirect lines (mod_alias's fixup_redir) match as
// the server-level ones do in translate_name.

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
