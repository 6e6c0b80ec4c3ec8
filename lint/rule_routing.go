package lint

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/proxy"
	"github.com/apacheconf/apacheconf/internal/rewrite"
	csyntax "github.com/apacheconf/apacheconf/internal/syntax"
	"github.com/apacheconf/apacheconf/scope"
)

// The routing rules (AC7xxx) judge mod_proxy, mod_rewrite, mod_alias and
// FastCGI handler configuration on the effective configuration, as httpd
// merges it: the main server's ProxyPass entries before a virtual host's,
// <Location> ProxyPass before the server's, RewriteOptions Inherit, and
// the Options in force where a per-directory rule set sits. Parsing and
// matching are the engines' (internal/proxy, internal/rewrite); each rule
// is shown by a case recorded on the real server (conformance/routing).

// conditionalSection reports a section the loader has already evaluated
// (<IfModule> …): its body belongs to the enclosing context.
func conditionalSection(s *ast.Section) bool {
	switch s.Canonical() {
	case "ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection":
		return true
	}
	return false
}

// contextDirectives calls f for each directive of a context's body
// (a server's, a section's, a .htaccess file's), descending into
// conditional sections only.
func contextDirectives(body []ast.Node, f func(d *ast.Directive)) {
	for _, n := range body {
		switch n := n.(type) {
		case *ast.Directive:
			f(n)
		case *ast.Section:
			if conditionalSection(n) {
				contextDirectives(n.Body, f)
			}
		}
	}
}

// contextSections calls f for each non-conditional section of a body,
// looking through conditional ones.
func contextSections(body []ast.Node, f func(s *ast.Section)) {
	for _, n := range body {
		if s, ok := n.(*ast.Section); ok {
			if conditionalSection(s) {
				contextSections(s.Body, f)
			} else {
				f(s)
			}
		}
	}
}

// lineOf names a node's position for messages: "file:line".
func lineOf(n ast.Node) string {
	p := n.Pos()
	return fmt.Sprintf("%s:%d", p.Filename, p.Line)
}

// directiveText is a directive as written, on one line.
func directiveText(d *ast.Directive) string {
	parts := append([]string{d.Name}, d.Values()...)
	for i, s := range parts {
		if s == "" || strings.ContainsAny(s, " \t") {
			parts[i] = strconv.Quote(s)
		}
	}
	return strings.Join(parts, " ")
}

// ---- mod_proxy --------------------------------------------------------

// ownProxyConfig is mod_proxy's server configuration of one server's own
// body (BalancerMember from its <Proxy balancer://…> sections too).
func ownProxyConfig(v *scope.VirtualHost) *proxy.ServerConfig {
	c := &proxy.ServerConfig{}
	contextDirectives(v.Body, func(d *ast.Directive) { _ = c.Add(d, "") })
	contextSections(v.Body, func(s *ast.Section) {
		if s.Is("Proxy") || s.Is("ProxyMatch") {
			arg := ""
			if vals := s.Values(); len(vals) > 0 {
				arg = vals[0]
			}
			contextDirectives(s.Body, func(d *ast.Directive) {
				if d.Is("BalancerMember") {
					_ = c.Add(d, arg)
				}
			})
		}
	})
	return c
}

// proxyConfig is the merged mod_proxy configuration of v: the main
// server's entries (main, its ownProxyConfig) first (merge_proxy_config).
func proxyConfig(main *proxy.ServerConfig, v *scope.VirtualHost) *proxy.ServerConfig {
	if v.IsMain() {
		return main
	}
	return proxy.MergeServer(main, ownProxyConfig(v))
}

// locationPass is a one-argument ProxyPass of a <Location>.
type locationPass struct {
	section *ast.Section
	pass    *proxy.Pass
}

// locationPasses are the <Location> (not <LocationMatch>) ProxyPass
// entries in force for v: the main server's sections and its own.
func locationPasses(p *Pass, v *scope.VirtualHost) []locationPass {
	var out []locationPass
	bodies := [][]ast.Node{p.Server.Main.Body}
	if !v.IsMain() {
		bodies = append(bodies, v.Body)
	}
	for _, body := range bodies {
		contextSections(body, func(s *ast.Section) {
			vals := s.Values()
			if !s.Is("Location") || len(vals) != 1 {
				return
			}
			loc := &proxy.Location{Path: vals[0]}
			contextDirectives(s.Body, func(d *ast.Directive) {
				if !d.Is("ProxyPass") {
					return
				}
				if pp, err := proxy.ParsePass(d, false, loc); err == nil {
					out = append(out, locationPass{s, pp})
				}
			})
		})
	}
	return out
}

// anchoredPrefix is the literal text every match of a ProxyPassMatch
// pattern starts the URL with ("" when the pattern is not anchored with
// '^', or is not one Go's regexp reads as httpd's PCRE does).
func anchoredPrefix(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return ""
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || (re.Sub[0].Op != syntax.OpBeginText && re.Sub[0].Op != syntax.OpBeginLine) {
		return ""
	}
	var b strings.Builder
	for _, sub := range re.Sub[1:] {
		if sub.Op != syntax.OpLiteral || sub.Flags&syntax.FoldCase != 0 {
			break
		}
		b.WriteString(string(sub.Rune))
	}
	if prefix := b.String(); strings.HasPrefix(prefix, "/") {
		return prefix
	}
	return ""
}

// locationCovers reports whether <Location loc> matches every URL path
// that starts with prefix (ap_location_walk: a literal prefix ending at
// a segment boundary).
func locationCovers(loc, prefix string) bool {
	if !strings.HasPrefix(prefix, loc) {
		return false
	}
	return len(prefix) == len(loc) || strings.HasSuffix(loc, "/") || prefix[len(loc)] == '/'
}

// ProxyPassShadowed reports a ProxyPass entry (an exclusion or a mapping)
// that can never apply because an entry checked before it matches every
// URL it matches: an earlier, broader prefix in the same list, a main
// server entry (merged before the virtual host's own), or a <Location>
// ProxyPass (checked before the server's entries).
var ProxyPassShadowed = register(&Analyzer{
	ID:       "AC7001",
	Name:     "proxypass-shadowed",
	Doc:      "a ProxyPass entry can never apply: an entry checked before it matches every URL it does",
	Severity: Warning,
	Run:      runProxyPassShadowed,
})

func runProxyPassShadowed(p *Pass) {
	if p.Server == nil || !p.Server.Loaded("proxy_module") {
		return
	}
	o := once{}
	main := ownProxyConfig(p.Server.Main)
	for _, v := range servers(p) {
		sc := proxyConfig(main, v)
		locs := locationPasses(p, v)
		mainCount := len(main.Passes)
		if v.IsMain() {
			mainCount = 0
		}
		for i, e := range sc.Passes {
			if e.Interpolate {
				continue
			}
			// The shortest URL the entry matches, and whether every URL
			// it matches starts with it at a path-segment boundary.
			prefix, segment := e.Path, true
			what := "ProxyPass " + e.Path + " " + e.URL
			if e.Regex {
				if prefix = anchoredPrefix(e.Path); prefix == "" {
					continue
				}
				segment = strings.HasSuffix(prefix, "/")
				what = "ProxyPassMatch " + e.Path + " " + e.URL
			}
			if e.Excludes() {
				what = "the exclusion " + strings.TrimSuffix(what, e.URL) + "!"
			}
			if l := coveringLocation(locs, prefix); l != nil && (segment || strings.HasSuffix(l.pass.Path, "/")) {
				label := ""
				if i >= mainCount || ownsSection(v, l.section) {
					label = " for " + serverLabel(v)
				}
				o.report(p, e.Directive, fmt.Sprintf("%s never applies%s: <Location %s> (%s) has its own ProxyPass, which mod_proxy checks before the server's entries, for every URL this one matches",
					what, label, l.section.Values()[0], lineOf(l.section)))
				continue
			}
			earlier := &proxy.ServerConfig{Passes: sc.Passes[:i], Balancers: sc.Balancers}
			m := proxy.Translate(earlier, nil, proxy.Request{URI: prefix, UnparsedURI: prefix})
			w := m.Pass
			if w == nil {
				w = m.Excluded
			}
			// Only a literal prefix that takes the entry's own path is a
			// proof: it then takes every longer URL too (alias_match).
			// For a regex entry, whose URLs may go on in mid-segment,
			// the prefix must end at a '/' of the entry's literal.
			if w == nil || w.Regex || w.Interpolate || w.InLocation {
				continue
			}
			if !segment && !strings.HasSuffix(w.Path, "/") && !(strings.HasPrefix(prefix, w.Path) && len(prefix) > len(w.Path) && prefix[len(w.Path)] == '/') {
				continue
			}
			wi := indexOfPass(sc.Passes, w)
			var msg string
			var fixes []SuggestedFix
			if i >= mainCount && wi < mainCount {
				msg = fmt.Sprintf("%s never applies for %s: the main server's %s (%s) matches every URL it matches, and httpd checks the main server's ProxyPass entries before a virtual host's own",
					what, serverLabel(v), directiveText(w.Directive), lineOf(w.Directive))
			} else {
				msg = fmt.Sprintf("%s never applies: %s (%s), checked first, matches every URL it matches; put it before that line",
					what, directiveText(w.Directive), lineOf(w.Directive))
				body := v.Body
				if i < mainCount {
					body = p.Server.Main.Body
				}
				fixes = append(fixes, moveBefore("move "+directiveText(e.Directive)+" before "+directiveText(w.Directive), e.Directive, w.Directive, body))
			}
			o.report(p, e.Directive, msg, fixes...)
		}
	}
}

func indexOfPass(ps []*proxy.Pass, w *proxy.Pass) int {
	for i, x := range ps {
		if x == w {
			return i
		}
	}
	return -1
}

func coveringLocation(locs []locationPass, prefix string) *locationPass {
	for i := range locs {
		if locationCovers(locs[i].pass.Path, prefix) {
			return &locs[i]
		}
	}
	return nil
}

// moveBefore is a fix moving directive d to just before target, when both
// sit directly in body (a server's, conditionals looked through) in one
// file.
func moveBefore(msg string, d, target *ast.Directive, body []ast.Node) SuggestedFix {
	if d.Pos().Filename != target.Pos().Filename || d.Raw == "" || target.Raw == "" || !sameBody(body, d, target) {
		return SuggestedFix{}
	}
	text, err := ast.FormatNode(d)
	if err != nil {
		return SuggestedFix{}
	}
	ds, de := nodeSpan(d)
	ts, _ := nodeSpan(target)
	line := string(text)
	if ind := target.Indent(); ind != d.Indent() {
		line = ind + strings.TrimLeft(line, " \t")
	}
	return SuggestedFix{Message: msg, Edits: []TextEdit{
		{Filename: target.Pos().Filename, Offset: ts, End: ts, NewText: line},
		{Filename: d.Pos().Filename, Offset: ds, End: de},
	}}
}

// sameBody reports whether a and b are directives of the same body (one
// level of a server's configuration, conditionals looked through).
func sameBody(body []ast.Node, a, b *ast.Directive) bool {
	n := 0
	contextDirectives(body, func(d *ast.Directive) {
		if d == a || d == b {
			n++
		}
	})
	return n == 2
}

// ProxyPassSlash reports a ProxyPass whose path and URL disagree on the
// trailing slash: mod_proxy appends the rest of the request path to the
// URL as it is, so "/api" → ".../v1/" sends "/v1//x", and "/svc/" →
// ".../s" glues "/sx" (a bare host or a balancer:// name makes httpd answer
// 500).
var ProxyPassSlash = register(&Analyzer{
	ID:       "AC7002",
	Name:     "proxypass-slash-mismatch",
	Doc:      "ProxyPass path and URL disagree on the trailing slash",
	Severity: Warning,
	Run:      runProxyPassSlash,
})

// urlPath is the path part of a backend URL ("" for none), and whether
// the URL can be judged (no query, no ${} interpolation).
func urlPath(u string) (string, bool) {
	if strings.ContainsAny(u, "?$") {
		return "", false
	}
	i := strings.Index(u, "://")
	if i < 0 {
		return "", false
	}
	rest := u[i+3:]
	j := strings.IndexByte(rest, '/')
	if j < 0 {
		return "", true
	}
	return rest[j:], true
}

func runProxyPassSlash(p *Pass) {
	if p.Server == nil || !p.Server.Loaded("proxy_module") {
		return
	}
	p.Directives(func(d *ast.Directive, parents []*ast.Section) {
		var loc *proxy.Location
		for i := len(parents) - 1; i >= 0; i-- {
			s := parents[i]
			if s.Is("Location") && len(s.Values()) == 1 {
				loc = &proxy.Location{Path: s.Values()[0]}
				break
			}
			if s.Is("LocationMatch") || (s.Is("Location") && len(s.Values()) > 1) || s.Is("Directory") || s.Is("DirectoryMatch") || s.Is("Files") || s.Is("FilesMatch") {
				return
			}
		}
		e, err := proxy.ParsePass(d, false, loc)
		if err != nil || e.Excludes() || e.Regex || e.Interpolate {
			return
		}
		up, ok := urlPath(e.URL)
		if !ok {
			return
		}
		pathSlash, urlSlash := strings.HasSuffix(e.Path, "/"), strings.HasSuffix(up, "/")
		if pathSlash == urlSlash || (!pathSlash && up == "") {
			return
		}
		vals := d.Values()
		ui := 1
		if loc != nil {
			ui = 0
		}
		if len(vals) <= ui || vals[ui] != e.URL {
			return // a unix: socket URL as written: no mechanical fix
		}
		var msg, fixed string
		if pathSlash {
			fixed = e.URL + "/"
			msg = fmt.Sprintf("ProxyPass path %s ends in '/' but the URL %s does not: mod_proxy appends the rest of the path as it is, so %sx is sent as %sx", e.Path, e.URL, e.Path, e.URL)
			if up == "" {
				msg += " (an invalid URL: httpd answers 500)"
			}
		} else {
			// Trimming "http://h/" leaves a bare host, which maps cleanly
			// (oracle case lint-proxy-slash, /nohost).
			fixed = strings.TrimSuffix(e.URL, "/")
			msg = fmt.Sprintf("ProxyPass path %s has no trailing '/' but the URL %s does: %s/x is sent as %sx, with a double slash", e.Path, e.URL, e.Path, e.URL+"/")
		}
		vals[ui] = fixed
		p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d), Message: msg,
			Fixes: nonEmpty(ReplaceArgs("use "+fixed, d, vals...))})
	}, "ProxyPass")
}

// OpenForwardProxy reports ProxyRequests On where no <Proxy "*"> section
// restricts who may use the forward proxy. <Directory /> does not apply
// to proxied requests (mod_proxy maps them to "proxy:URL", no file), so
// only <Proxy> sections keep strangers out.
var OpenForwardProxy = register(&Analyzer{
	ID:       "AC7007",
	Name:     "open-forward-proxy",
	Doc:      "ProxyRequests On with no <Proxy \"*\"> access restriction: an open proxy",
	Severity: Error,
	Run:      runOpenForwardProxy,
})

// proxyAccess finds the <Proxy "*"> / <ProxyMatch> for every URL of v
// and main, and whether one restricts access (a Require other than
// "all granted", or mod_access_compat's Deny/Allow).
func proxyAccess(p *Pass, v *scope.VirtualHost) (restricting, granting *ast.Section) {
	bodies := [][]ast.Node{p.Server.Main.Body}
	if !v.IsMain() {
		bodies = append(bodies, v.Body)
	}
	for _, body := range bodies {
		contextSections(body, func(s *ast.Section) {
			vals := s.Values()
			if len(vals) != 1 {
				return
			}
			// "*", and "http://*" and the like: every URL of a scheme.
			all := (s.Is("Proxy") && (vals[0] == "*" || strings.HasSuffix(vals[0], "://*"))) || (s.Is("ProxyMatch") && (vals[0] == ".*" || vals[0] == "^.*" || vals[0] == "." || vals[0] == "^"))
			if !all {
				return
			}
			restricts := false
			var walk func(body []ast.Node)
			walk = func(body []ast.Node) {
				for _, n := range body {
					switch n := n.(type) {
					case *ast.Directive:
						vals := n.Values()
						switch {
						case n.Is("Require") && !(len(vals) == 2 && strings.EqualFold(vals[0], "all") && strings.EqualFold(vals[1], "granted")):
							restricts = true
						case n.Is("Deny") || (n.Is("Allow") && !(len(vals) == 2 && strings.EqualFold(vals[1], "all"))):
							restricts = true
						}
					case *ast.Section:
						walk(n.Body)
					}
				}
			}
			walk(s.Body)
			if restricts {
				restricting = s
			} else if granting == nil {
				granting = s
			}
		})
	}
	return restricting, granting
}

func runOpenForwardProxy(p *Pass) {
	if p.Server == nil || !p.Server.Loaded("proxy_module") {
		return
	}
	o := once{}
	vs := servers(p)
	if len(p.Server.VHosts) > 0 {
		vs = append([]*scope.VirtualHost{p.Server.Main}, vs...)
	}
	main := ownProxyConfig(p.Server.Main)
	// One finding per ProxyRequests line and granting section, naming
	// every server it opens.
	type key struct {
		on       *ast.Directive
		granting *ast.Section
	}
	open := map[key][]string{}
	var order []key
	for _, v := range vs {
		on := proxyConfig(main, v).OpenForwardProxy()
		if on == nil {
			continue
		}
		if v.IsMain() && len(p.Server.VHosts) > 0 && ownDirective(p.Server.Main, "ProxyRequests") == nil {
			continue
		}
		restricting, granting := proxyAccess(p, v)
		if restricting != nil {
			continue
		}
		k := key{on, granting}
		if open[k] == nil {
			order = append(order, k)
		}
		open[k] = append(open[k], serverLabel(v))
	}
	for _, k := range order {
		who := open[k][0]
		if n := len(open[k]); n > 1 {
			who = fmt.Sprintf("%s and %d more server(s)", who, n-1)
		}
		if k.granting != nil {
			o.report(p, k.on, fmt.Sprintf("ProxyRequests On (%s) makes %s an open forward proxy: <%s %s> (%s) grants every client; restrict it with Require ip/host",
				lineOf(k.on), who, k.granting.Name, k.granting.Values()[0], lineOf(k.granting)))
			continue
		}
		o.report(p, k.on, fmt.Sprintf("ProxyRequests On makes %s an open forward proxy: no <Proxy \"*\"> section restricts who may use it (<Directory> sections do not apply to proxied requests); add <Proxy \"*\"> with Require ip/host, or use ProxyRequests Off for reverse proxying",
			who))
	}
}

// ---- FastCGI handlers ---------------------------------------------------

// fcgiHandler reports a SetHandler/AddHandler value that hands requests
// to mod_proxy_fcgi.
func fcgiHandler(h string) bool {
	h = strings.ToLower(h)
	return strings.HasPrefix(h, "proxy:") && strings.Contains(h, "fcgi://")
}

// FCGIMissingFiles reports PHP handed to FastCGI for files that do not
// exist: SetHandler "proxy:fcgi://…" in <FilesMatch>/<Files>, or
// AddHandler, with no <If "-f %{REQUEST_FILENAME}"> around it, no
// RewriteCond … !-f guard for the directory (ProxyErrorOverride On is
// none: the request still reaches FastCGI).
// httpd sends SCRIPT_FILENAME for the missing file and PHP-FPM answers
// for it. AddHandler also matches a.php.txt (mod_mime reads every
// extension of the name).
var FCGIMissingFiles = register(&Analyzer{
	ID:       "AC7003",
	Name:     "fcgi-missing-files",
	Doc:      "PHP is handed to FastCGI for files that do not exist (or, with AddHandler, for a.php.txt)",
	Severity: Warning,
	Run:      runFCGIMissingFiles,
})

// ifFileGuard reports an <If> whose expression tests that the request's
// file exists.
func ifFileGuard(s *ast.Section) bool {
	if !s.Is("If") && !s.Is("ElseIf") {
		return false
	}
	e := strings.Join(s.Values(), " ")
	return (strings.Contains(e, "-f") || strings.Contains(e, "-s") || strings.Contains(e, "-F")) &&
		(strings.Contains(e, "REQUEST_FILENAME") || strings.Contains(e, "SCRIPT_FILENAME")) && !strings.Contains(e, "!")
}

// fileGuardCond reports a RewriteCond that sends a missing file
// elsewhere: "%{REQUEST_FILENAME} !-f" (or -s, -F), or a try-files test
// on %{DOCUMENT_ROOT}%{REQUEST_URI}.
func fileGuardCond(c *rewrite.Cond) bool {
	in := strings.ToUpper(c.Input)
	return c.Negate && (c.Kind == rewrite.CondFileExists || c.Kind == rewrite.CondFileSize || c.Kind == rewrite.CondLookupFile) &&
		(strings.Contains(in, "REQUEST_FILENAME") || strings.Contains(in, "SCRIPT_FILENAME") || strings.Contains(in, "DOCUMENT_ROOT"))
}

func rulesGuard(rules []*rewrite.Rule) bool {
	for _, r := range rules {
		for _, c := range r.Conds {
			if fileGuardCond(c) {
				return true
			}
		}
	}
	return false
}

// ancestorOrSelf reports whether dir is d or below it.
func ancestorOrSelf(d, dir string) bool {
	d, dir = path.Clean(d), path.Clean(dir)
	return d == dir || d == "/" || strings.HasPrefix(dir, d+"/")
}

func runFCGIMissingFiles(p *Pass) {
	if p.Server == nil {
		return
	}
	hts := p.rewriteHTAccess()
	p.Directives(func(d *ast.Directive, parents []*ast.Section) {
		vals := d.Values()
		if len(vals) == 0 || !fcgiHandler(vals[0]) {
			return
		}
		var vhost, dirSection *ast.Section
		inFiles, guarded := false, false
		for _, s := range parents {
			switch {
			case s.Is("VirtualHost"):
				vhost = s
			case s.Is("Directory"):
				dirSection = s
			case s.Is("Files") || s.Is("FilesMatch"):
				inFiles = true
			case s.Is("Location") || s.Is("LocationMatch") || s.Is("DirectoryMatch") || s.Is("Proxy") || s.Is("ProxyMatch"):
				return // a whole URL space handed to an application on purpose, or not judged
			case ifFileGuard(s):
				guarded = true
			}
		}
		addHandler := d.Is("AddHandler")
		if (!addHandler && !inFiles) || (addHandler && len(vals) < 2) {
			return // AddHandler without an extension is AC2005's
		}
		var vs []*scope.VirtualHost
		for _, v := range servers(p) {
			if vhost == nil || v.Section == vhost {
				vs = append(vs, v)
			}
		}
		unguarded := false
		var server *scope.VirtualHost
		if !guarded {
			for _, v := range vs {
				dir := ""
				if dirSection != nil && len(dirSection.Values()) == 1 {
					dir = dirSection.Values()[0]
				} else if root, _ := docRoot(p, v); root != "" {
					dir = root
				}
				if !fcgiGuarded(p, v, dir, hts) {
					unguarded, server = true, v
					break
				}
			}
		}
		var why []string
		if unguarded {
			where := ""
			if server != nil && len(p.Server.VHosts) > 0 {
				where = " for " + serverLabel(server)
			}
			why = append(why, "requests for files that do not exist go to FastCGI too"+where+" (httpd sends SCRIPT_FILENAME for the missing file and PHP-FPM answers for it); guard it with <If \"-f %{REQUEST_FILENAME}\">")
		}
		var exts []string
		if addHandler {
			exts = vals[1:]
			why = append(why, fmt.Sprintf("AddHandler matches %s anywhere in a name, so %s is handed to FastCGI too (mod_mime reads every extension); use <FilesMatch> with an anchored pattern and SetHandler", strings.Join(exts, " "), "a"+firstExt(exts)+".txt"))
		}
		if len(why) == 0 {
			return
		}
		msg := directiveText(d) + ": " + strings.Join(why, "; ")
		var fix SuggestedFix
		switch {
		case addHandler && len(exts) > 0:
			fix = replaceWithFilesMatch(d, vals[0], exts, unguarded)
		case unguarded:
			fix = wrapInIf(d)
		}
		p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d), Message: msg, Fixes: nonEmpty(fix)})
	}, "SetHandler", "AddHandler")
}

func firstExt(exts []string) string {
	e := exts[0]
	if !strings.HasPrefix(e, ".") {
		e = "." + e
	}
	return e
}

// fcgiGuarded reports whether missing files under dir of v are kept from
// FastCGI: a mod_rewrite rule set in force for dir (server, <Directory>
// or .htaccess) with a file-existence RewriteCond. ProxyErrorOverride On
// is no guard: the request still reaches FastCGI with the missing file's
// SCRIPT_FILENAME (oracle case lint-fcgi-guards-server).
func fcgiGuarded(p *Pass, v *scope.VirtualHost, dir string, hts []*rewriteHTAccess) bool {
	rs, _ := rewriteServer(p, v)
	if rs.Engine && rulesGuard(rs.Rules) {
		return true
	}
	if dir == "" {
		return false
	}
	for _, s := range p.Server.DirectorySections(v) {
		vals := s.Values()
		if !s.Is("Directory") || len(vals) != 1 || !ancestorOrSelf(vals[0], dir) {
			continue
		}
		if c := dirRewrite(vals[0], s.Body); c.Engine && rulesGuard(c.Rules) {
			return true
		}
	}
	for _, h := range hts {
		if h.server == v && ancestorOrSelf(h.dir, dir) && h.conf.Engine && rulesGuard(h.conf.Rules) {
			return true
		}
	}
	return false
}

// wrapInIf is a fix putting d inside <If "-f %{REQUEST_FILENAME}">.
func wrapInIf(d *ast.Directive) SuggestedFix {
	text, err := ast.FormatNode(d)
	if err != nil || d.Raw == "" {
		return SuggestedFix{}
	}
	ind := d.Indent()
	body := "  " + string(text)
	nl := "\n"
	if strings.HasSuffix(string(text), "\r\n") {
		nl = "\r\n"
	}
	start, end := nodeSpan(d)
	return SuggestedFix{Message: "hand only existing files to FastCGI", Edits: []TextEdit{{Filename: d.Pos().Filename, Offset: start, End: end,
		NewText: ind + "<If \"-f %{REQUEST_FILENAME}\">" + nl + body + ind + "</If>" + nl}}}
}

// replaceWithFilesMatch is a fix turning "AddHandler H .php …" into
// <FilesMatch "\.(php|…)$"> SetHandler H, guarded by <If -f> when wanted.
func replaceWithFilesMatch(d *ast.Directive, handler string, exts []string, guard bool) SuggestedFix {
	if d.Raw == "" {
		return SuggestedFix{}
	}
	var names []string
	for _, e := range exts {
		names = append(names, regexp.QuoteMeta(strings.TrimPrefix(e, ".")))
	}
	pat := `\.` + names[0] + `$`
	if len(names) > 1 {
		pat = `\.(` + strings.Join(names, "|") + `)$`
	}
	ind := d.Indent()
	nl := "\n"
	if strings.HasSuffix(d.Raw, "\r\n") {
		nl = "\r\n"
	}
	set := "SetHandler " + strconv.Quote(handler)
	var b strings.Builder
	b.WriteString(ind + "<FilesMatch " + strconv.Quote(pat) + ">" + nl)
	if guard {
		b.WriteString(ind + "  <If \"-f %{REQUEST_FILENAME}\">" + nl + ind + "    " + set + nl + ind + "  </If>" + nl)
	} else {
		b.WriteString(ind + "  " + set + nl)
	}
	b.WriteString(ind + "</FilesMatch>" + nl)
	start, end := nodeSpan(d)
	return SuggestedFix{Message: "use an anchored <FilesMatch> and SetHandler", Edits: []TextEdit{{Filename: d.Pos().Filename, Offset: start, End: end, NewText: b.String()}}}
}

// ---- mod_rewrite --------------------------------------------------------

// ownRewrite is mod_rewrite's configuration of one server's own body:
// the server context rules and the server's base per-directory record.
func ownRewrite(v *scope.VirtualHost) (*rewrite.ServerConfig, *rewrite.DirConfig) {
	s, b := &rewrite.ServerConfig{}, rewrite.NewDirConfig("")
	contextDirectives(v.Body, func(d *ast.Directive) {
		if isRewrite(d) {
			_ = s.AddServer(d, b, rewrite.MapOptions{})
		}
	})
	return s, b
}

// routingCache is what the routing rules parse once per Program: each
// server's merged mod_rewrite configuration and the .htaccess rule sets.
// The rules run side by side: the map is read and filled under mu.
type routingCache struct {
	mu       sync.Mutex
	rewrite  map[*scope.VirtualHost]rewriteServerConfig
	htOnce   sync.Once
	htaccess []*rewriteHTAccess
	// plain is a virtual host's without mod_rewrite directives.
	plainOnce sync.Once
	plain     rewriteServerConfig
}

type rewriteServerConfig struct {
	server *rewrite.ServerConfig
	base   *rewrite.DirConfig
}

func (p *Program) routingCache() *routingCache {
	p.routingMu.Lock()
	defer p.routingMu.Unlock()
	if p.routing == nil {
		p.routing = &routingCache{rewrite: map[*scope.VirtualHost]rewriteServerConfig{}}
	}
	return p.routing
}

// dropRouting lets the collector have the routing rules' cache once they
// are done; a later run fills it again.
func (p *Program) dropRouting() {
	p.routingMu.Lock()
	p.routing = nil
	p.routingMu.Unlock()
}

// rewriteServer is v's effective server-context configuration
// (config_server_merge over the main server's), with its base
// per-directory record.
func rewriteServer(p *Pass, v *scope.VirtualHost) (*rewrite.ServerConfig, *rewrite.DirConfig) {
	c := p.routingCache()
	main := func() rewriteServerConfig {
		return c.server(p.Server.Main, func() rewriteServerConfig {
			ms, mb := ownRewrite(p.Server.Main)
			return rewriteServerConfig{ms, mb}
		})
	}
	if v.IsMain() {
		r := main()
		return r.server, r.base
	}
	if hasRewrite(v.Body) == nil {
		// No mod_rewrite directive of its own (most virtual hosts): the
		// merge of the main server's with an empty configuration, the
		// same for all of them, made once.
		c.plainOnce.Do(func() {
			m := main()
			vs, vb := &rewrite.ServerConfig{}, rewrite.NewDirConfig("")
			c.plain = rewriteServerConfig{rewrite.MergeServer(m.server, vs), rewrite.MergeDir(m.base, vb)}
		})
		return c.plain.server, c.plain.base
	}
	r := c.server(v, func() rewriteServerConfig {
		m := main()
		vs, vb := ownRewrite(v)
		return rewriteServerConfig{rewrite.MergeServer(m.server, vs), rewrite.MergeDir(m.base, vb)}
	})
	return r.server, r.base
}

// server is v's entry, made by build when there is none: built outside
// the lock, the first stored is kept.
func (c *routingCache) server(v *scope.VirtualHost, build func() rewriteServerConfig) rewriteServerConfig {
	c.mu.Lock()
	r, ok := c.rewrite[v]
	c.mu.Unlock()
	if ok {
		return r
	}
	r = build()
	c.mu.Lock()
	if old, ok := c.rewrite[v]; ok {
		r = old
	} else {
		c.rewrite[v] = r
	}
	c.mu.Unlock()
	return r
}

// dirRewrite is the per-directory record of one context's body.
func dirRewrite(dir string, body []ast.Node) *rewrite.DirConfig {
	c := rewrite.NewDirConfig(dir)
	contextDirectives(body, func(d *ast.Directive) {
		if isRewrite(d) {
			_ = c.Add(d)
		}
	})
	return c
}

// isRewrite reports whether d is a mod_rewrite directive (its name
// starts with "rewrite", any case), without looking its canonical name up.
func isRewrite(d *ast.Directive) bool {
	return len(d.Name) >= len("rewrite") && csyntax.EqualFoldASCII(d.Name[:len("rewrite")], "rewrite")
}

// hasRewrite reports whether a body holds a mod_rewrite directive (httpd
// then makes mod_rewrite a per-directory record for the context).
func hasRewrite(body []ast.Node) *ast.Directive {
	var first *ast.Directive
	contextDirectives(body, func(d *ast.Directive) {
		if first == nil && isRewrite(d) {
			first = d
		}
	})
	return first
}

// rewriteHTAccess is a .htaccess file with mod_rewrite directives that
// httpd reads (AllowOverride FileInfo in force for its directory).
type rewriteHTAccess struct {
	server *scope.VirtualHost
	dir    string
	file   *ast.File
	conf   *rewrite.DirConfig
}

// maxHTAccessWalk bounds the directories searched for .htaccess files.
const maxHTAccessWalk = 20000

// readsRewriteHTAccess are the rules that call rewriteHTAccess.
var readsRewriteHTAccess = map[*Analyzer]bool{FCGIMissingFiles: true, RewriteSymlinksOff: true, RewriteAfterCatchAll: true, RedirectLoop: true}

// rewriteHTAccess finds the .htaccess files below each server's
// DocumentRoot and <Directory> paths (subdirectories too, unlike
// HTAccessFiles) that hold mod_rewrite directives httpd reads.
func (p *Program) rewriteHTAccess() []*rewriteHTAccess {
	if p.FS == nil || p.Server == nil {
		return nil
	}
	c := p.routingCache()
	c.htOnce.Do(func() { c.htaccess = p.findRewriteHTAccess() })
	return c.htaccess
}

func (p *Program) findRewriteHTAccess() []*rewriteHTAccess {
	name := ".htaccess"
	if d := ownDirective(p.Server.Main, "AccessFileName"); d != nil && len(d.Args) > 0 {
		name = d.Args[0].Value
	}
	var out []*rewriteHTAccess
	// A file is looked at once per server (servers at one position, as
	// an Include read twice makes, count as one). For a plain name the
	// directory names the file.
	vs := append([]*scope.VirtualHost{p.Server.Main}, p.Server.VHosts...)
	first := samePosition(vs)
	// What each server has looked at: one map, emptied for the next
	// server, but for servers at one position, which share theirs.
	own := map[string]bool{}
	var shared map[int32]map[string]bool
	plainName := !strings.Contains(name, "/") && name != "." && name != ".."
	budget := maxHTAccessWalk
	c, done := p.sharedDirs()
	defer done()
	if c == nil {
		c = newFSCache(p.FS, serverDirs(p.Server))
	}
	w := &htWalk{c: c, name: name, files: make(map[string]*walkFile, len(vs))}
	var roots []string // reused: the walks keep no reference to it
	for vi, v := range vs {
		roots = roots[:0]
		if root, _ := docRootOf(p, v); root != "" {
			roots = append(roots, root)
		}
		// The sections in any order: the roots are sorted.
		for _, s := range p.Server.DirectorySectionsUnsorted(v) {
			if s.Is("Directory") && len(s.Args) == 1 {
				if val := s.Args[0].Value; path.IsAbs(val) && !strings.ContainsAny(val, "*?[") && val != "/" {
					roots = append(roots, path.Clean(val))
				}
			}
		}
		if len(roots) == 0 {
			continue
		}
		sort.Strings(roots)
		seen := own
		if i := first[vi]; i >= 0 {
			if shared[i] == nil {
				if shared == nil {
					shared = map[int32]map[string]bool{}
				}
				shared[i] = map[string]bool{}
			}
			seen = shared[i]
		} else {
			clear(own)
		}
		for _, root := range roots {
			w.walk(scope.FSPath(root), func(fp string, isDir bool, err error) error {
				if err != nil {
					return nil
				}
				if budget--; budget < 0 {
					return fs.SkipAll
				}
				if !isDir {
					return nil
				}
				key := fp
				if !plainName {
					key = path.Join(absPath(fp), name)
				}
				if seen[key] {
					return nil
				}
				seen[key] = true
				f := w.accessFile(fp)
				if f == nil || !f.rewrite {
					return nil
				}
				dir := absPath(fp)
				if or, _, _ := p.Server.AllowOverrideAt(v, dir); or&scope.OrFileInfo == 0 {
					return nil
				}
				out = append(out, &rewriteHTAccess{server: v, dir: dir, file: f.file, conf: dirRewrite(dir, f.file.Body)})
				return nil
			})
		}
	}
	return out
}

// samePosition is, for each server, the index of the first server at
// its position when other servers are there too (an Include read
// twice), else -1: the servers sorted by position rather than a map of
// thousands of positions.
func samePosition(vs []*scope.VirtualHost) []int32 {
	order := make([]int32, len(vs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		pa, pb := vs[a].Pos(), vs[b].Pos()
		return cmp.Or(strings.Compare(pa.Filename, pb.Filename), cmp.Compare(pa.Offset, pb.Offset),
			cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Column, pb.Column), cmp.Compare(a, b))
	})
	first := make([]int32, len(vs))
	for i := 0; i < len(order); {
		j := i + 1
		for j < len(order) && vs[order[j]].Pos() == vs[order[i]].Pos() {
			j++
		}
		for _, k := range order[i:j] {
			first[k] = -1
			if j-i > 1 {
				first[k] = order[i]
			}
		}
		i = j
	}
	return first
}

// absPath is the absolute path of an io/fs path (scope.FSPath's inverse).
func absPath(fp string) string {
	if fp == "." {
		return "/"
	}
	return "/" + strings.TrimPrefix(fp, "/")
}

// htWalk walks directories for the access files with mod_rewrite
// directives, from the Program's fsCache.
type htWalk struct {
	c     *fsCache
	name  string // the access file's name
	files map[string]*walkFile
}

// walkFile is an access file read: its tree, and whether it has a
// mod_rewrite directive.
type walkFile struct {
	file    *ast.File
	rewrite bool
}

// walk is fs.WalkDir(fsys, root, fn) from the cache: the same calls to
// fn in the same order, for a callback that returns nil or fs.SkipAll.
func (w *htWalk) walk(root string, fn func(fp string, isDir bool, err error) error) {
	exists, isDir := w.c.stat(root)
	if !exists {
		_ = fn(root, false, fs.ErrNotExist)
		return
	}
	_ = w.walkDir(root, isDir, fn)
}

func (w *htWalk) walkDir(fp string, isDir bool, fn func(fp string, isDir bool, err error) error) error {
	if err := fn(fp, isDir, nil); err != nil || !isDir {
		if err == fs.SkipDir && isDir {
			err = nil
		}
		return err
	}
	d := w.c.readDir(fp)
	entries := d.entries
	if d.err != nil {
		if err := fn(fp, isDir, d.err); err != nil {
			if err == fs.SkipDir {
				err = nil
			}
			return err
		}
	}
	for _, e := range entries {
		if err := w.walkDir(path.Join(fp, e.name), e.isDir, fn); err != nil {
			if err == fs.SkipDir {
				break
			}
			return err
		}
	}
	return nil
}

// accessFile is the access file of the directory fp (an io/fs path),
// or nil when there is none.
func (w *htWalk) accessFile(fp string) *walkFile {
	if f, ok := w.files[fp]; ok {
		return f
	}
	var f *walkFile
	if file, src, err := w.c.accessFile(fp, "", w.name); err == nil {
		if t, _ := w.c.parseHTAccess(file, src); t != nil {
			f = &walkFile{file: t, rewrite: hasRewrite(t.Body) != nil}
		}
	}
	w.files[fp] = f
	return f
}

// docRootOf is docRoot for a Program (the main server's when v has none).
func docRootOf(p *Program, v *scope.VirtualHost) (string, *ast.Directive) {
	return docRoot(&Pass{Program: p}, v)
}

// RewriteSymlinksOff reports a per-directory mod_rewrite context whose
// engine is on where neither FollowSymLinks nor SymLinksIfOwnerMatch is
// in force: mod_rewrite's fixup answers 403 (AH00670) for every request
// into the directory, whether a rule matches or not.
var RewriteSymlinksOff = register(&Analyzer{
	ID:       "AC7004",
	Name:     "rewrite-symlinks-off",
	Doc:      "per-directory RewriteEngine On without FollowSymLinks or SymLinksIfOwnerMatch: 403 for the whole directory",
	Severity: Error,
	Run:      runRewriteSymlinksOff,
})

// rewriteContext is one per-directory context with mod_rewrite
// directives: a <Directory> section or a .htaccess file.
type rewriteContext struct {
	dir     string
	depth   int
	section *ast.Section // nil for .htaccess
	body    []ast.Node
	seq     int
	owner   *scope.VirtualHost // the virtual host whose own configuration it is; nil: the main server's, shared
}

func runRewriteSymlinksOff(p *Pass) {
	if p.Server == nil {
		return
	}
	hts := p.rewriteHTAccess()
	o := once{}
	for _, v := range servers(p) {
		// Only the contexts with mod_rewrite directives count (as the
		// context judged and as the ones merged into it); the others
		// are left out before the sort, which keeps the order of the rest.
		var ctxs []rewriteContext
		for i, s := range p.Server.DirectorySections(v) {
			if !s.Is("Directory") || len(s.Args) != 1 || strings.ContainsAny(s.Args[0].Value, "*?[") || s.Args[0].Value == "~" || hasRewrite(s.Body) == nil {
				continue
			}
			dir := path.Clean(s.Args[0].Value)
			var owner *scope.VirtualHost
			if !v.IsMain() && ownsSection(v, s) {
				owner = v
			}
			ctxs = append(ctxs, rewriteContext{dir: dir, depth: depthOf(dir), section: s, body: s.Body, seq: i, owner: owner})
		}
		for i, h := range hts {
			if h.server == v || (h.server.IsMain() && !v.IsMain()) {
				var owner *scope.VirtualHost
				if !h.server.IsMain() && len(p.Server.VHosts) > 1 {
					owner = h.server
				}
				ctxs = append(ctxs, rewriteContext{dir: h.dir, depth: depthOf(h.dir), body: h.file.Body, seq: 100000 + i, owner: owner})
			}
		}
		if len(ctxs) == 0 {
			continue
		}
		// The directory walk: shorter paths first; at one depth the
		// <Directory> sections, then the .htaccess file.
		sort.SliceStable(ctxs, func(i, j int) bool {
			if ctxs[i].depth != ctxs[j].depth {
				return ctxs[i].depth < ctxs[j].depth
			}
			return ctxs[i].seq < ctxs[j].seq
		})
		_, base := rewriteServer(p, v)
		for _, c := range ctxs {
			own := hasRewrite(c.body)
			if own == nil {
				continue
			}
			conf := base
			var engineAt *ast.Directive
			for _, a := range ctxs {
				if !ancestorOrSelf(a.dir, c.dir) || hasRewrite(a.body) == nil {
					continue
				}
				if a.depth > c.depth || (a.depth == c.depth && a.seq > c.seq) {
					continue
				}
				conf = rewrite.MergeDir(conf, dirRewrite(a.dir, a.body))
				contextDirectives(a.body, func(d *ast.Directive) {
					if d.Is("RewriteEngine") {
						engineAt = d
					}
				})
			}
			if !conf.HasRules() {
				continue
			}
			r := p.Server.EffectiveAt(v, c.dir, p.FS)
			if r.Options&(scope.OptFollowSymlink|scope.OptSymOwner) != 0 {
				continue
			}
			at := own
			contextDirectives(c.body, func(d *ast.Directive) {
				if d.Is("RewriteEngine") {
					at = d
				}
			})
			engine := "RewriteEngine On"
			if engineAt != nil && engineAt != at {
				engine += " (" + lineOf(engineAt) + ")"
			} else if engineAt == nil {
				engine += " (inherited from the server)"
			}
			opts := "the default"
			if by := optionsBy(r); len(by) > 0 {
				opts = directiveText(by[len(by)-1]) + " (" + lineOf(by[len(by)-1]) + ")"
			}
			where := c.dir + "/.htaccess"
			if c.section != nil {
				where = "<Directory " + c.section.Values()[0] + ">"
			}
			of := ""
			if c.owner != nil {
				of = " of " + serverLabel(c.owner)
			}
			msg := fmt.Sprintf("%s in %s, but neither FollowSymLinks nor SymLinksIfOwnerMatch is in force there (Options: %s): httpd answers 403 (AH00670) for every request into %s%s, whether a rule matches or not; add Options +SymLinksIfOwnerMatch or turn the engine off",
				engine, where, opts, c.dir, of)
			var fixes []SuggestedFix
			if c.section != nil {
				fixes = append(fixes, addOptionsFix(c.section, at))
			}
			o.report(p, at, msg, fixes...)
		}
	}
}

// ownsSection reports whether s is written inside v's own <VirtualHost>.
func ownsSection(v *scope.VirtualHost, s *ast.Section) bool {
	found := false
	ast.Inspect(v.Body, func(n ast.Node) bool {
		if n == ast.Node(s) {
			found = true
		}
		return !found
	})
	return found
}

func depthOf(dir string) int {
	if dir == "/" {
		return 0
	}
	return strings.Count(path.Clean(dir), "/")
}

// addOptionsFix inserts "Options +SymLinksIfOwnerMatch" into a
// <Directory>: after its last Options line, else before the rewrite
// directive at.
func addOptionsFix(s *ast.Section, at *ast.Directive) SuggestedFix {
	var last *ast.Directive
	contextDirectives(s.Body, func(d *ast.Directive) {
		if d.Is("Options") {
			last = d
		}
	})
	ind := at.Indent()
	nl := "\n"
	if strings.HasSuffix(at.Raw, "\r\n") {
		nl = "\r\n"
	}
	line := ind + "Options +SymLinksIfOwnerMatch" + nl
	if last != nil {
		if last.Raw == "" {
			return SuggestedFix{}
		}
		_, end := nodeSpan(last)
		return SuggestedFix{Message: "add Options +SymLinksIfOwnerMatch", Edits: []TextEdit{{Filename: last.Pos().Filename, Offset: end, End: end, NewText: last.Indent() + "Options +SymLinksIfOwnerMatch" + nl}}}
	}
	if at.Raw == "" {
		return SuggestedFix{}
	}
	start, _ := nodeSpan(at)
	return SuggestedFix{Message: "add Options +SymLinksIfOwnerMatch", Edits: []TextEdit{{Filename: at.Pos().Filename, Offset: start, End: start, NewText: line}}}
}

// RewriteAfterCatchAll reports RewriteRules that never run: an earlier
// rule of the same rule set matches every request, has no RewriteCond and
// ends the rule set ([L], [END], [PT] in server context, [P], [F], [G],
// R=4xx). With RewriteOptions Inherit the main server's rules come after
// the virtual host's, so a vhost's catch-all hides them too.
var RewriteAfterCatchAll = register(&Analyzer{
	ID:       "AC7005",
	Name:     "rewrite-after-catch-all",
	Doc:      "RewriteRules after an unconditional catch-all that ends the rule set never run",
	Severity: Warning,
	Run:      runRewriteAfterCatchAll,
})

// catchAllPattern reports whether a RewriteRule pattern matches every
// URL path the context gives it: server context paths start with '/' and
// are never empty; per-directory paths have the prefix stripped and may
// be empty.
func catchAllPattern(pat string, server bool) bool {
	if pat == "^$" {
		return false // only the empty path (CakePHP's and DokuWiki's "^$ … [L]")
	}
	s := strings.TrimPrefix(pat, "^")
	s = strings.TrimSuffix(s, "$")
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") && strings.Count(s, "(") == 1 {
		s = s[1 : len(s)-1]
	}
	switch s {
	case "", ".*", "(.*)":
		return true
	case ".", ".+", "/", "/.*", "/(.*)", "/?(.*)", "/?.*", "(/.*)", "(.+)":
		return server
	}
	return false
}

// terminal reports whether a matching rule ends the rule set.
func terminal(r *rewrite.Rule, server bool) bool {
	switch {
	case r.Has(rewrite.FlagChain) || r.Has(rewrite.FlagNewRound) || r.Skip > 0 || r.Has(rewrite.FlagIgnoreOnSubreq):
		return false
	case r.Has(rewrite.FlagLast) || r.Has(rewrite.FlagEnd) || r.Has(rewrite.FlagProxy) || r.Has(rewrite.FlagStatus):
		return true
	case server && r.Has(rewrite.FlagPassThrough):
		return true
	}
	return false
}

// catchAll is the first rule of a list that matches everything,
// unconditionally, and ends the list; -1 for none.
func catchAll(rules []*rewrite.Rule, server bool) int {
	reach := -1 // the furthest rule an earlier [S=n] can land on
	for i, r := range rules {
		skipped := reach > i
		if r.Skip > 0 {
			reach = max(reach, i+r.Skip+1)
		}
		if skipped || len(r.Conds) > 0 || r.Has(rewrite.FlagNotMatch) || (i > 0 && rules[i-1].Has(rewrite.FlagChain)) {
			continue
		}
		if catchAllPattern(r.Pattern, server) && terminal(r, server) {
			return i
		}
	}
	return -1
}

func runRewriteAfterCatchAll(p *Pass) {
	if p.Server == nil {
		return
	}
	o := once{}
	report := func(rules []*rewrite.Rule, server bool, v *scope.VirtualHost) {
		i := catchAll(rules, server)
		if i < 0 || i == len(rules)-1 {
			return
		}
		ca := rules[i].Directive
		var mainRules map[*ast.Directive]bool
		if v != nil && !v.IsMain() {
			mainRules = map[*ast.Directive]bool{}
			for _, r := range ownRewriteRules(p.Server.Main) {
				mainRules[r.Directive] = true
			}
		}
		for _, r := range rules[i+1:] {
			if r.Directive == ca {
				continue
			}
			label := ""
			if mainRules[r.Directive] != mainRules[ca] {
				label = " for " + serverLabel(v) + " (RewriteOptions merges the main server's rules with its own)"
			}
			o.report(p, r.Directive, fmt.Sprintf("%s never runs%s: %s (%s) before it matches every request, has no RewriteCond and ends the rule set",
				directiveText(r.Directive), label, directiveText(ca), lineOf(ca)))
		}
	}
	vs := servers(p)
	if len(p.Server.VHosts) > 0 {
		vs = append([]*scope.VirtualHost{p.Server.Main}, vs...)
	}
	for _, v := range vs {
		rs, _ := rewriteServer(p, v)
		if !rs.Engine || (rs.Shared && !v.IsMain()) {
			continue
		}
		report(rs.Rules, true, v)
	}
	for _, v := range servers(p) {
		for _, s := range p.Server.DirectorySections(v) {
			if len(s.Args) == 0 || hasRewrite(s.Body) == nil {
				continue
			}
			report(dirRewrite(s.Args[len(s.Args)-1].Value, s.Body).Rules, false, nil)
		}
	}
	for _, h := range p.rewriteHTAccess() {
		report(h.conf.Rules, false, nil)
	}
}

func ownRewriteRules(v *scope.VirtualHost) []*rewrite.Rule {
	s, _ := ownRewrite(v)
	return s.Rules
}

// ---- redirects ----------------------------------------------------------

// RedirectLoop reports a redirect whose target, on the same host, is
// redirected again by the same directive: Redirect /old /old/new,
// RedirectMatch ^/(.*)$ /new/$1, RewriteRule ^/shop/(.*)$ /shop/en/$1
// [R] — every answer sends the client to a URL that answers with another
// redirect.
var RedirectLoop = register(&Analyzer{
	ID:       "AC7006",
	Name:     "redirect-loop",
	Doc:      "a redirect's target is redirected again by the same directive: the client loops",
	Severity: Warning,
	Run:      runRedirectLoop,
})

// loopHops is how many redirects in a row by one directive make a loop.
const loopHops = 3

// sameServerTarget turns a redirect target into a URL path of the same
// server (relative, or http:// naming one of v's names), "" otherwise.
func sameServerTarget(v *scope.VirtualHost, target string) string {
	if strings.HasPrefix(target, "/") {
		return target
	}
	if len(target) < 7 || !strings.EqualFold(target[:7], "http://") || serverTLS(v) {
		return ""
	}
	hostport := target[7:]
	pth := "/"
	if i := strings.IndexByte(hostport, '/'); i >= 0 {
		hostport, pth = hostport[:i], hostport[i:]
	}
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
	}
	if port != "" && port != strconv.Itoa(v.Port) && !(port == "80" && v.Port == 0) {
		return ""
	}
	for _, n := range vhostNames(nil, v) {
		if strings.EqualFold(n.name, host) {
			return pth
		}
	}
	if strings.EqualFold(v.ServerName, host) {
		return pth
	}
	return ""
}

// serverTLS reports SSLEngine On in a server's own body.
func serverTLS(v *scope.VirtualHost) bool {
	on := false
	contextDirectives(v.Body, func(d *ast.Directive) {
		if d.Is("SSLEngine") {
			on = argOf(d, "off") == "on"
		}
	})
	return on
}

// aliasPrefix is mod_alias's alias_matches: the length of uri the prefix
// matches (runs of '/' match runs of '/'), 0 for none.
func aliasPrefix(uri, prefix string) int {
	a, u := 0, 0
	for a < len(prefix) {
		if prefix[a] == '/' {
			if u >= len(uri) || uri[u] != '/' {
				return 0
			}
			for a < len(prefix) && prefix[a] == '/' {
				a++
			}
			for u < len(uri) && uri[u] == '/' {
				u++
			}
			continue
		}
		if u >= len(uri) || uri[u] != prefix[a] {
			return 0
		}
		a++
		u++
	}
	if prefix[len(prefix)-1] != '/' && u < len(uri) && uri[u] != '/' {
		return 0
	}
	return u
}

var backref = regexp.MustCompile(`\$([0-9])`)

func runRedirectLoop(p *Pass) {
	if p.Server == nil {
		return
	}
	o := once{}
	hts := p.rewriteHTAccess()
	for _, v := range servers(p) {
		rs, base := rewriteServer(p, v)
		rewriting := rs.Engine && !rs.Shared && len(rs.Rules) > 0
		// mod_alias: the server's own redirects, then the main server's.
		bodies := [][]ast.Node{v.Body}
		if !v.IsMain() {
			bodies = append(bodies, p.Server.Main.Body)
		}
		for _, body := range bodies {
			contextDirectives(body, func(d *ast.Directive) {
				if msg := aliasLoop(p, v, d, rs, base, rewriting); msg != "" {
					o.report(p, d, msg)
				}
			})
		}
		dirLoops(p, v, base, hts, o)
		if !rewriting {
			continue
		}
		for _, r := range rs.Rules {
			if !r.Has(rewrite.FlagForceRedirect) || r.Has(rewrite.FlagStatus) {
				continue
			}
			if msg := rewriteLoop(p, v, r, rs, base); msg != "" {
				o.report(p, r.Directive, msg)
			}
		}
	}
}

// aliasLoop follows a Redirect/RedirectMatch from its own target.
func aliasLoop(p *Pass, v *scope.VirtualHost, d *ast.Directive, rs *rewrite.ServerConfig, base *rewrite.DirConfig, rewriting bool) string {
	regex := false
	switch {
	case d.Is("Redirect") || d.Is("RedirectPermanent") || d.Is("RedirectTemp"):
	case d.Is("RedirectMatch"):
		regex = true
	default:
		return ""
	}
	vals := d.Values()
	if len(vals) == 3 {
		st := strings.ToLower(vals[0])
		code, err := strconv.Atoi(st)
		if st == "gone" || (err == nil && (code < 300 || code > 399)) {
			return ""
		}
		vals = vals[1:]
	}
	if len(vals) != 2 {
		return ""
	}
	pat, target := vals[0], vals[1]
	var re *regexp.Regexp
	if regex {
		var err error
		if re, err = regexp.Compile(pat); err != nil {
			return ""
		}
	} else if !strings.HasPrefix(pat, "/") {
		return ""
	}
	// The first hop: the target with each back-reference as "x".
	next := backref.ReplaceAllString(target, "x")
	var hops []string
	for range loopHops {
		uri := sameServerTarget(v, next)
		if uri == "" {
			return ""
		}
		if i := strings.IndexAny(uri, "?#"); i >= 0 {
			uri = uri[:i]
		}
		if rewriting && !declinedByRewrite(v, rs, base, uri) {
			return "" // mod_rewrite runs first and may take the URL
		}
		hops = append(hops, uri)
		if regex {
			m := re.FindStringSubmatchIndex(uri)
			if m == nil {
				return ""
			}
			// mod_alias's $N is Go's ${N} ("$1x" would name group "1x").
			next = string(re.ExpandString(nil, backref.ReplaceAllString(strings.ReplaceAll(target, "${", "$${"), "$${$1}"), uri, m))
		} else {
			n := aliasPrefix(uri, pat)
			if n == 0 {
				return ""
			}
			next = target + uri[n:]
		}
	}
	return fmt.Sprintf("%s redirects to a URL it redirects again on the same host: %s → %s …, a loop the client follows until it gives up",
		directiveText(d), strings.Join(hops, " → "), next)
}

// declinedByRewrite reports whether the server-context rules leave uri
// alone (so mod_alias sees it).
func declinedByRewrite(v *scope.VirtualHost, rs *rewrite.ServerConfig, base *rewrite.DirConfig, uri string) bool {
	res := rs.Translate(base, rewriteInput(v, uri, rs))
	return res.Action == rewrite.Declined
}

func rewriteInput(v *scope.VirtualHost, uri string, rs *rewrite.ServerConfig) *rewrite.Input {
	host := v.ServerName
	port := v.Port
	if port == 0 {
		port = 80
	}
	namePort := 0
	if d := v.NameDirective; d != nil && len(d.Args) > 0 {
		if i := strings.LastIndexByte(d.Args[0].Value, ':'); i >= 0 {
			namePort, _ = strconv.Atoi(d.Args[0].Value[i+1:])
		}
	}
	return &rewrite.Input{URI: uri, Scheme: "http", ServerName: host, Port: 80, NamePort: namePort,
		Maps: rs.Maps, Req: plainRequest{host: host, port: port}, LimitRequestLine: 8190, ProxyAvailable: true}
}

// plainRequest is a plain GET from a browser-less client to host: what a
// static reading knows; everything else is unknown, so conditions on it
// leave the outcome Undecided rather than guessed.
type plainRequest struct {
	host string
	port int
}

func (r plainRequest) Var(name string) (string, bool) {
	switch name {
	case "HTTPS":
		return "off", true
	case "REQUEST_METHOD":
		return "GET", true
	case "REQUEST_SCHEME":
		return "http", true
	case "SERVER_NAME":
		return r.host, true
	case "SERVER_PORT":
		return "80", true
	}
	return "", false
}

func (r plainRequest) Header(name string) (string, bool) {
	if strings.EqualFold(name, "Host") {
		return r.host, true
	}
	return "", false
}

func (plainRequest) Env(string) (string, bool)             { return "", false }
func (plainRequest) Stat(string) rewrite.FileInfo          { return rewrite.FileInfo{} }
func (plainRequest) LookupURI(string) (int, bool)          { return 0, false }
func (plainRequest) LookupFile(string) (int, string, bool) { return 0, "", false }

// rewriteLoop follows a server-context [R] rule from its own target
// through the whole rule set, as the client's next request would go.
func rewriteLoop(p *Pass, v *scope.VirtualHost, r *rewrite.Rule, rs *rewrite.ServerConfig, base *rewrite.DirConfig) string {
	sub := r.Substitution
	if sub == "-" || strings.Contains(sub, "%{") || strings.Contains(sub, "${") {
		return ""
	}
	next := backref.ReplaceAllString(regexp.MustCompile(`%([0-9])`).ReplaceAllString(sub, "x"), "x")
	var hops []string
	for range loopHops {
		uri := sameServerTarget(v, next)
		if uri == "" {
			return ""
		}
		if i := strings.IndexAny(uri, "?#"); i >= 0 {
			uri = uri[:i]
		}
		hops = append(hops, uri)
		res := rs.Translate(base, rewriteInput(v, uri, rs))
		if res.Action != rewrite.Redirect || !redirectedBy(res, r.Directive) {
			return ""
		}
		next = res.Location
	}
	loc := next
	if u := sameServerTarget(v, next); u != "" {
		loc = u
	}
	return fmt.Sprintf("%s redirects to a URL it redirects again on the same host: %s → %s …, a loop the client follows until it gives up",
		directiveText(r.Directive), strings.Join(hops, " → "), loc)
}

// redirectedBy reports whether rule d made the redirect of res.
func redirectedBy(res *rewrite.Result, d *ast.Directive) bool {
	for i := len(res.Steps) - 1; i >= 0; i-- {
		if res.Steps[i].Matched {
			return res.Steps[i].Rule == d
		}
	}
	return false
}

// dirLoops reports per-directory rule sets under v's DocumentRoot whose
// substitution the same rule rewrites again: each per-directory rewrite
// is an internal redirect, after which the rules run again on the new
// file, until LimitInternalRecursion answers 500 (a per-directory [L]
// ends only the pass; [END] or a RewriteCond excluding the target stops
// it).
func dirLoops(p *Pass, v *scope.VirtualHost, base *rewrite.DirConfig, hts []*rewriteHTAccess, o once) {
	docroot, _ := docRoot(p, v)
	type context struct {
		dir  string
		body []ast.Node
		name string
	}
	var ctxs []context
	for _, s := range p.Server.DirectorySections(v) {
		if s.Is("Directory") && len(s.Args) == 1 && !strings.ContainsAny(s.Args[0].Value, "*?[~") && hasRewrite(s.Body) != nil {
			val := s.Args[0].Value
			ctxs = append(ctxs, context{path.Clean(val), s.Body, "<Directory " + val + ">"})
		}
	}
	for _, h := range hts {
		if h.server == v || h.server.IsMain() {
			ctxs = append(ctxs, context{h.dir, h.file.Body, h.dir + "/.htaccess"})
		}
	}
	if len(ctxs) == 0 {
		return // no per-directory rule set: the URL roots are not needed
	}
	roots := urlRoots(p, v)
	if len(roots) == 0 {
		return
	}
	for _, c := range ctxs {
		ur, ok := urlRootOf(roots, c.dir)
		if !ok {
			continue
		}
		conf := rewrite.MergeDir(base, dirRewrite(c.dir, c.body))
		if !conf.HasRules() {
			continue
		}
		// Another rule set deeper down replaces this one there.
		inside := func(file string) bool {
			if !strings.HasPrefix(file, strings.TrimSuffix(c.dir, "/")+"/") {
				return false
			}
			for _, d := range ctxs {
				if d.dir != c.dir && ancestorOrSelf(c.dir, d.dir) && ancestorOrSelf(d.dir, path.Dir(file)) {
					return false
				}
			}
			return true
		}
		file := strings.TrimSuffix(c.dir, "/") + "/lintx"
		uri := ur.prefix + strings.TrimPrefix(file, ur.root)
		var rule *ast.Directive
		hops := []string{uri}
		end := false
		for range loopHops + 1 {
			in := &rewrite.Input{URI: uri, Filename: file, DocumentRoot: docroot, ContextDocumentRoot: ur.root, ContextPrefix: ur.prefix, SymLinksAllowed: true, EndSeen: end,
				Scheme: "http", ServerName: v.ServerName, Port: 80, ProxyAvailable: true, LimitRequestLine: 8190, Req: plainRequest{host: v.ServerName}}
			res := conf.Fixup(in)
			if res.Action != rewrite.InternalRedirect || !strings.HasPrefix(res.URI, "/") {
				rule = nil
				break
			}
			var by *ast.Directive
			for i := len(res.Steps) - 1; i >= 0 && by == nil; i-- {
				if res.Steps[i].Matched {
					by = res.Steps[i].Rule
				}
			}
			if by == nil || (rule != nil && by != rule) {
				rule = nil
				break
			}
			rule, end = by, res.End
			uri = res.URI
			if !strings.HasPrefix(uri, ur.prefix+"/") {
				rule = nil
				break
			}
			file = ur.root + strings.TrimPrefix(uri, ur.prefix)
			hops = append(hops, uri)
			if !inside(file) {
				rule = nil
				break
			}
		}
		if rule == nil {
			continue
		}
		o.report(p, rule, fmt.Sprintf("%s in %s rewrites its own result again: a per-directory rewrite is an internal redirect after which the rules run again (%s …), so every request it matches ends in a 500 at LimitInternalRecursion; use [END], or a RewriteCond that excludes the target",
			directiveText(rule), c.name, strings.Join(hops[:4], " → ")))
	}
}

// urlRoot is a URL prefix and the directory it maps to (the DocumentRoot
// for "", an Alias, a UserDir tree), both without a trailing '/': what
// httpd's context_prefix and context_document_root say.
type urlRoot struct{ prefix, root string }

// urlRoots are v's DocumentRoot, literal Alias lines and UserDir
// patterns ("/home/*/www"); a UserDir root is a pattern until
// urlRootOf fills in the user.
func urlRoots(p *Pass, v *scope.VirtualHost) []urlRoot {
	var out []urlRoot
	bodies := [][]ast.Node{v.Body}
	if !v.IsMain() {
		bodies = append(bodies, p.Server.Main.Body)
	}
	for _, body := range bodies {
		contextDirectives(body, func(d *ast.Directive) {
			vals := d.Values()
			switch {
			case d.Is("Alias") && len(vals) == 2 && path.IsAbs(vals[1]):
				out = append(out, urlRoot{strings.TrimSuffix(vals[0], "/"), strings.TrimSuffix(path.Clean(vals[1]), "/")})
			case d.Is("UserDir"):
				for _, u := range vals {
					if path.IsAbs(u) && strings.Count(u, "*") == 1 {
						out = append(out, urlRoot{"/~*", path.Clean(u)})
					}
				}
			}
		})
	}
	if root, _ := docRoot(p, v); root != "" {
		out = append(out, urlRoot{"", strings.TrimSuffix(root, "/")})
	}
	return out
}

// urlRootOf is the first root (Alias and UserDir before the
// DocumentRoot, as mod_alias and mod_userdir translate first) holding
// dir.
func urlRootOf(roots []urlRoot, dir string) (urlRoot, bool) {
	for _, r := range roots {
		if before, after, ok := strings.Cut(r.root, "*"); ok {
			rest, ok := strings.CutPrefix(dir, before)
			user, _, _ := strings.Cut(rest, "/")
			tail := rest[len(user):] // "" or "/…"
			if !ok || user == "" || !(tail == after || strings.HasPrefix(tail, after+"/")) {
				continue
			}
			return urlRoot{"/~" + user, before + user + after}, true
		}
		if r.root == "" || dir == r.root || strings.HasPrefix(dir, r.root+"/") {
			return r, true
		}
	}
	return urlRoot{}, false
}
