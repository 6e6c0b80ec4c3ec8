package lint

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/scope"
)

// The benchmark rules (AC6xxx) check controls of the CIS Apache HTTP
// Server 2.4 Benchmark and DISA's Apache 2.4 UNIX server and site STIGs
// on the configuration httpd would run with: the modules actually loaded
// (after <IfModule>, <IfDefine>, Include), each virtual host's own
// settings or those it inherits from the main server, httpd's defaults
// where nothing is written, and the per-directory configuration merged
// at each document root (scope's EffectiveAt). They run only in a
// profile (Profile).

// servers are the servers requests reach: the virtual hosts, or the
// main server when there are none. (With virtual hosts, the main server
// answers only on addresses no <VirtualHost> names, and its settings
// reach the virtual hosts through inheritance, where they are judged.)
func servers(p *Pass) []*scope.VirtualHost {
	switch {
	case p.Server == nil:
		return nil
	case len(p.Server.VHosts) == 0:
		return []*scope.VirtualHost{p.Server.Main}
	}
	return p.Server.VHosts
}

// ownDirective is the last directive named name among a server's own
// top-level directives (a virtual host's section body; the main
// server's directives outside any <VirtualHost>).
func ownDirective(v *scope.VirtualHost, name string) *ast.Directive {
	var last *ast.Directive
	for _, n := range v.Body {
		if d, ok := n.(*ast.Directive); ok && d.Is(name) {
			last = d
		}
	}
	return last
}

// serverDirective is the per-server directive in force for v: its own,
// else the main server's (httpd merges server configs that way).
func serverDirective(p *Pass, v *scope.VirtualHost, name string) *ast.Directive {
	if d := ownDirective(v, name); d != nil || v.IsMain() {
		return d
	}
	return ownDirective(p.Server.Main, name)
}

// anchor is where a finding about v goes when no directive is to blame:
// the <VirtualHost> line, or for the main server the first node read.
func anchor(p *Pass, v *scope.VirtualHost) ast.Node {
	if !v.IsMain() {
		return v.Section
	}
	if len(p.Nodes) > 0 {
		return p.Nodes[0]
	}
	return nil
}

// once reports each (position, message) pair once: settings the main
// server passes to every virtual host are one finding, not one a host.
type once map[string]bool

func (o once) report(p *Pass, n ast.Node, msg string, fixes ...SuggestedFix) {
	if n == nil {
		return
	}
	key := n.Pos().String() + "\x00" + msg
	if o[key] {
		return
	}
	o[key] = true
	var fs []SuggestedFix
	for _, f := range fixes {
		if len(f.Edits) > 0 {
			fs = append(fs, f)
		}
	}
	p.Report(Diagnostic{Pos: n.Pos(), End: endOfLine(n), Message: msg, Fixes: fs})
}

// docRoot is the document root of v (its own DocumentRoot, else the main
// server's) and the directive that set it; "" when none is written.
func docRoot(p *Pass, v *scope.VirtualHost) (string, *ast.Directive) {
	d := serverDirective(p, v, "DocumentRoot")
	if d == nil || len(d.Args) != 1 {
		return "", nil
	}
	return path.Clean(d.Args[0].Value), d
}

// where names a server and, when set, a directory for messages.
func where(v *scope.VirtualHost, dir string) string {
	if dir == "" {
		return serverLabel(v)
	}
	return dir + " of " + serverLabel(v)
}

// argOf returns d's first argument lower-cased, or def for a nil d.
func argOf(d *ast.Directive, def string) string {
	if d == nil || len(d.Args) == 0 {
		return def
	}
	return strings.ToLower(d.Args[0].Value)
}

// moduleRule reports a module the controls want off that is loaded.
func moduleRule(id, name, doc string, sev Severity, modules []string, why string, cs ...Control) *Analyzer {
	return registerBenchmark(&Analyzer{ID: id, Name: name, Doc: doc, Severity: sev, Run: func(p *Pass) {
		if p.Server == nil {
			return
		}
		want := map[string]bool{}
		for _, m := range modules {
			want[m] = true
		}
		seen := map[string]bool{}
		p.Directives(func(d *ast.Directive, _ []*ast.Section) {
			if len(d.Args) != 2 {
				return
			}
			mod := d.Args[0].Value
			if !want[mod] || seen[mod] || !p.Server.Loaded(mod) {
				return
			}
			seen[mod] = true
			p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d), Fixes: nonEmpty(RemoveNode("unload "+mod, d)),
				Message: fmt.Sprintf("%s is loaded: %s; unload it (a2dismod) unless the site needs it", mod, why)})
		}, "LoadModule")
	}}, cs...)
}

func nonEmpty(fs ...SuggestedFix) []SuggestedFix {
	var out []SuggestedFix
	for _, f := range fs {
		if len(f.Edits) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// Modules the benchmarks want off (CIS section 2, STIG AS24-U1-000330).
var (
	WebDAVModules = moduleRule("AC6001", "webdav-modules", "mod_dav is loaded", Warning,
		[]string{"dav_module", "dav_fs_module", "dav_lock_module"}, "WebDAV lets clients write, move and delete files where Dav On is set",
		cis("2.3", 1), stig("AS24-U1-000330", "V-214245"))
	StatusModule = moduleRule("AC6002", "status-module", "mod_status is loaded", Warning,
		[]string{"status_module"}, "server-status shows every request in flight, client addresses and URLs included",
		cis("2.4", 1))
	AutoindexModule = moduleRule("AC6003", "autoindex-module", "mod_autoindex is loaded", Warning,
		[]string{"autoindex_module"}, "a directory without an index file is listed wherever Options Indexes is in force",
		cis("2.5", 1))
	ProxyModules = moduleRule("AC6004", "proxy-modules", "mod_proxy modules are loaded", Warning,
		[]string{"proxy_module", "proxy_http_module", "proxy_ftp_module", "proxy_connect_module", "proxy_ajp_module",
			"proxy_balancer_module", "proxy_fcgi_module", "proxy_scgi_module", "proxy_uwsgi_module", "proxy_wstunnel_module",
			"proxy_http2_module", "proxy_express_module", "proxy_fdpass_module", "proxy_hcheck_module"},
		"a proxy module makes the server a gateway to other hosts; a server that is not a reverse proxy does not need it",
		cis("2.6", 1))
	UserDirModule = moduleRule("AC6005", "userdir-module", "mod_userdir is loaded", Warning,
		[]string{"userdir_module"}, "/~user/ URLs reveal account names and serve content from home directories",
		cis("2.7", 1))
	InfoModule = moduleRule("AC6006", "info-module", "mod_info is loaded", Warning,
		[]string{"info_module"}, "server-info shows the whole configuration, file names and line numbers included",
		cis("2.8", 1))
	BasicDigestModules = moduleRule("AC6007", "basic-digest-auth-modules", "mod_auth_basic or mod_auth_digest is loaded", Warning,
		[]string{"auth_basic_module", "auth_digest_module"}, "Basic sends passwords in the clear on every request and Digest stores weak hashes",
		cis("2.9", 2))
)

// LogConfigModule reports a server without mod_log_config: no access log
// can be written.
var LogConfigModule = registerBenchmark(&Analyzer{
	ID: "AC6008", Name: "log-config-module", Doc: "mod_log_config is not loaded", Severity: Warning,
	Run: runLogConfigModule,
}, cis("2.2", 1), stig("AS24-U1-000070", "V-214232"), stig("AS24-U2-000090", "V-214279"))

func runLogConfigModule(p *Pass) {
	if p.Server == nil || p.Server.Loaded("log_config_module") {
		return
	}
	once{}.report(p, anchor(p, p.Server.Main), "mod_log_config is neither compiled in nor loaded: no access log (CustomLog, LogFormat) can be written")
}

// requireLines are the Require lines in force in r.
func requireLines(r *scope.Result) []*ast.Directive {
	for _, e := range r.Effective() {
		if e.Name == "Require" {
			return e.By
		}
	}
	return nil
}

// denied reports whether every Require line is "Require all denied".
func denied(reqs []*ast.Directive) bool {
	if len(reqs) == 0 {
		return false
	}
	for _, d := range reqs {
		v := strings.ToLower(strings.Join(d.Values(), " "))
		if v != "all denied" {
			return false
		}
	}
	return true
}

// accessCompat lists the Order/Allow/Deny lines in force in r.
func accessCompat(r *scope.Result) []*ast.Directive {
	var out []*ast.Directive
	for _, name := range []string{"Order", "Allow", "Deny"} {
		if d := r.Directive(name); d != nil {
			out = append(out, d)
		}
	}
	return out
}

// RootAccess reports a server where the OS root directory is not denied
// by a lone Require all denied.
var RootAccess = registerBenchmark(&Analyzer{
	ID: "AC6010", Name: "os-root-access", Doc: "access to the OS root directory is not denied", Severity: Warning,
	Run: runRootAccess,
}, cis("4.1", 1), stig("AS24-U2-000350", "V-214284"))

func runRootAccess(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		r := p.Server.EffectiveAt(v, "/", nil)
		reqs := requireLines(r)
		switch {
		case len(reqs) == 0:
			o.report(p, anchor(p, v), "no Require is in force on / for "+serverLabel(v)+": mod_authz_core grants what nothing denies; add <Directory /> Require all denied </Directory>")
		case !denied(reqs):
			o.report(p, reqs[len(reqs)-1], fmt.Sprintf("the OS root / is not denied for %s (%s in force); deny with a single Require all denied", serverLabel(v), strings.Join(reqs[len(reqs)-1].Values(), " ")))
		}
		for _, d := range accessCompat(r) {
			o.report(p, d, d.Name+" is in force on / for "+serverLabel(v)+": mod_access_compat's Order/Allow/Deny mixed with Require is easy to get wrong; use Require only")
		}
	}
}

// RootOverride reports AllowOverride other than None on the OS root.
var RootOverride = registerBenchmark(&Analyzer{
	ID: "AC6011", Name: "os-root-override", Doc: "AllowOverride is not None on the OS root directory", Severity: Warning,
	Run: runRootOverride,
}, cis("4.3", 1))

func runRootOverride(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		r := p.Server.EffectiveAt(v, "/", nil)
		ov, by := r.AllowOverride()
		if ov == 0 && len(r.AllowOverrideList()) == 0 {
			continue
		}
		n := ast.Node(by)
		if by == nil {
			n = anchor(p, v)
		}
		o.report(p, n, "AllowOverride admits .htaccess files on / for "+serverLabel(v)+": httpd looks for them in every directory and lets them change the configuration; set AllowOverride None in <Directory />",
			fixFor(by, "AllowOverride", "None"))
	}
}

// fixFor replaces d's arguments when d is the named directive.
func fixFor(d *ast.Directive, name string, values ...string) SuggestedFix {
	if d == nil || !d.Is(name) {
		return SuggestedFix{}
	}
	return ReplaceArgs(name+" "+strings.Join(values, " "), d, values...)
}

// OverrideEverywhere reports <Directory> sections where .htaccess files
// are admitted.
var OverrideEverywhere = registerBenchmark(&Analyzer{
	ID: "AC6012", Name: "allowoverride-enabled", Doc: "AllowOverride admits .htaccess files in a directory", Severity: Warning,
	Run: runOverrideEverywhere,
}, cis("4.4", 1))

func runOverrideEverywhere(p *Pass) {
	o := once{}
	reported := map[*ast.Directive]bool{}
	for _, v := range servers(p) {
		for _, sec := range p.Server.DirectorySections(v) {
			if !sec.Is("Directory") || len(sec.Args) != 1 || sec.Args[0].Value == "~" {
				continue
			}
			dir := sec.Args[0].Value
			r := p.Server.EffectiveAt(v, dir, nil)
			ov, by := r.AllowOverride()
			if ov == 0 && len(r.AllowOverrideList()) == 0 {
				continue
			}
			n := ast.Node(by)
			if by == nil {
				n = sec
			} else if reported[by] {
				continue // a subdirectory inheriting the same line
			}
			reported[by] = true
			o.report(p, n, fmt.Sprintf("AllowOverride admits .htaccess files in %s: whoever writes there changes the configuration; set AllowOverride None and move what they need into the server configuration", where(v, path.Clean(dir))),
				fixFor(by, "AllowOverride", "None"))
		}
	}
}

// optionsBy is the Options lines in force in r.
func optionsBy(r *scope.Result) []*ast.Directive {
	for _, e := range r.Effective() {
		if e.Name == "Options" {
			return e.By
		}
	}
	return nil
}

// optionsText names the options set in bits.
func optionsText(bits int) string {
	var out []string
	for _, o := range []struct {
		bit  int
		name string
	}{{scope.OptIndexes, "Indexes"}, {scope.OptIncludes, "Includes"}, {scope.OptFollowSymlink, "FollowSymLinks"},
		{scope.OptExecCGI, "ExecCGI"}, {scope.OptSymOwner, "SymLinksIfOwnerMatch"}, {scope.OptMultiViews, "MultiViews"}} {
		if bits&o.bit != 0 {
			out = append(out, o.name)
		}
	}
	if len(out) == 0 {
		return "None"
	}
	return strings.Join(out, " ")
}

// optionsFinding reports options beyond allowed in force at dir.
func optionsFinding(p *Pass, o once, v *scope.VirtualHost, dir string, allowed int, want string) {
	r := p.Server.EffectiveAt(v, dir, nil)
	extra := r.Options &^ allowed
	if extra == 0 {
		return
	}
	by := optionsBy(r)
	var n ast.Node
	var last *ast.Directive
	if len(by) > 0 {
		last = by[len(by)-1]
		n = last
	} else {
		n = anchor(p, v)
	}
	msg := fmt.Sprintf("Options %s in force on %s", optionsText(r.Options), where(v, dir))
	if len(by) == 0 {
		msg += " (httpd's default: nothing sets Options)"
	}
	o.report(p, n, msg+"; want "+want, fixFor(last, "Options", strings.Fields(want)[0]))
}

// RootOptions reports Options other than None on the OS root.
var RootOptions = registerBenchmark(&Analyzer{
	ID: "AC6013", Name: "os-root-options", Doc: "Options is not None on the OS root directory", Severity: Warning,
	Run: runRootOptions,
}, cis("5.1", 1))

func runRootOptions(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		optionsFinding(p, o, v, "/", 0, "None")
	}
}

// WebRootOptions reports Options beyond MultiViews on document roots.
var WebRootOptions = registerBenchmark(&Analyzer{
	ID: "AC6014", Name: "web-root-options", Doc: "Options beyond None or MultiViews on a document root", Severity: Warning,
	Run: runWebRootOptions,
}, cis("5.2", 1))

func runWebRootOptions(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		if root, _ := docRoot(p, v); root != "" {
			optionsFinding(p, o, v, root, scope.OptMultiViews, "None (or MultiViews)")
		}
	}
}

// IncludesOptions reports Options Includes (server-side includes with
// exec) in any <Directory>.
var IncludesOptions = registerBenchmark(&Analyzer{
	ID: "AC6015", Name: "options-includes", Doc: "Options Includes is in force in a directory", Severity: Warning,
	Run: runIncludesOptions,
}, cis("5.3", 1))

func runIncludesOptions(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		for _, sec := range p.Server.DirectorySections(v) {
			if !sec.Is("Directory") || len(sec.Args) != 1 || sec.Args[0].Value == "~" {
				continue
			}
			dir := path.Clean(sec.Args[0].Value)
			r := p.Server.EffectiveAt(v, dir, nil)
			if r.Options&scope.OptIncludes == 0 || r.Options&scope.OptIncWithExec == 0 {
				continue
			}
			by := optionsBy(r)
			n := ast.Node(sec)
			if len(by) > 0 {
				n = by[len(by)-1]
			}
			o.report(p, n, "Options Includes (with #exec) is in force in "+where(v, dir)+": server-side includes run commands; use IncludesNOEXEC or drop it")
		}
	}
}

// limitExcept reports whether body holds a <LimitExcept> that denies
// every method but GET/HEAD/POST/OPTIONS.
func limitExcept(body []ast.Node) bool {
	for _, n := range body {
		sec, ok := n.(*ast.Section)
		if !ok {
			continue
		}
		if sec.Is("LimitExcept") {
			okMethods := true
			for _, m := range sec.Values() {
				switch strings.ToUpper(m) {
				case "GET", "HEAD", "POST", "OPTIONS":
				default:
					okMethods = false
				}
			}
			var reqs []*ast.Directive
			for _, c := range sec.Body {
				if d, ok := c.(*ast.Directive); ok && d.Is("Require") {
					reqs = append(reqs, d)
				}
			}
			if okMethods && denied(reqs) {
				return true
			}
		}
	}
	return false
}

// HTTPMethods reports document roots where methods beyond GET, HEAD,
// POST and OPTIONS are not refused by a <LimitExcept>.
var HTTPMethods = registerBenchmark(&Analyzer{
	ID: "AC6016", Name: "http-methods", Doc: "HTTP methods are not restricted on a document root", Severity: Warning,
	Run: runHTTPMethods,
}, cis("5.7", 1))

func runHTTPMethods(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		root, rootBy := docRoot(p, v)
		if root == "" {
			continue
		}
		r := p.Server.EffectiveAt(v, root, nil)
		found := false
		for _, st := range r.Steps {
			if st.Section != nil && limitExcept(st.Section.Body) {
				found = true
			}
		}
		if !found {
			o.report(p, rootBy, "methods other than GET, HEAD, POST and OPTIONS are not refused on "+where(v, root)+
				": add <LimitExcept GET POST OPTIONS> Require all denied </LimitExcept> to its <Directory>")
		}
	}
}

// TraceEnabled reports servers where TraceEnable is not Off (httpd's
// default is On).
var TraceEnabled = registerBenchmark(&Analyzer{
	ID: "AC6017", Name: "trace-enabled", Doc: "TraceEnable is not Off (the default is On)", Severity: Warning,
	Run: runTraceEnabled,
}, cis("5.8", 1), stig("AS24-U1-000630", "V-214257"), stig("AS24-U2-000640", "V-214294"))

func runTraceEnabled(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		d := serverDirective(p, v, "TraceEnable")
		if argOf(d, "on") == "off" {
			continue
		}
		if d == nil {
			o.report(p, anchor(p, v), "TraceEnable is not set for "+serverLabel(v)+", and httpd's default is On: TRACE echoes requests back (cookies and auth headers included); add TraceEnable Off at server level")
			continue
		}
		o.report(p, d, fmt.Sprintf("TraceEnable %s is in force for %s; use Off", d.Args[0].Value, serverLabel(v)), fixFor(d, "TraceEnable", "Off"))
	}
}

// oldProtocolsRefused reports whether a server's own rewrite rules
// forbid requests whose request line is not HTTP/1.1 (the benchmark's
// RewriteCond %{THE_REQUEST} !HTTP/1\.1$ + RewriteRule .* - [F]).
func oldProtocolsRefused(v *scope.VirtualHost) bool {
	engine := false
	cond := false
	for _, n := range v.Body {
		d, ok := n.(*ast.Directive)
		if !ok {
			continue
		}
		switch {
		case d.Is("RewriteEngine"):
			engine = argOf(d, "off") == "on"
		case d.Is("RewriteCond") && len(d.Args) >= 2:
			cond = strings.Contains(d.Args[0].Value, "THE_REQUEST") && strings.HasPrefix(d.Args[1].Value, "!") &&
				strings.Contains(d.Args[1].Value, `HTTP/1\.1`)
		case d.Is("RewriteRule"):
			if cond && engine && len(d.Args) >= 3 && d.Args[1].Value == "-" && strings.Contains(strings.ToUpper(d.Args[2].Value), "F") {
				return true
			}
			cond = false
		}
	}
	return false
}

// OldProtocols reports servers that answer HTTP/1.0 (and 0.9) requests.
var OldProtocols = registerBenchmark(&Analyzer{
	ID: "AC6018", Name: "old-http-protocols", Doc: "HTTP/1.0 requests are not refused", Severity: Warning,
	Run: runOldProtocols,
}, cis("5.9", 1))

func runOldProtocols(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		if oldProtocolsRefused(v) {
			continue
		}
		if !v.IsMain() && oldProtocolsRefused(p.Server.Main) && inheritsRewrite(v) {
			continue
		}
		o.report(p, anchor(p, v), serverLabel(v)+" answers HTTP/1.0 requests: refuse them with RewriteEngine On, RewriteCond %{THE_REQUEST} !HTTP/1\\.1$ and RewriteRule .* - [F] in the server's own configuration (a virtual host does not inherit the main server's rules without RewriteOptions Inherit)")
	}
}

// inheritsRewrite reports whether v has RewriteOptions Inherit.
func inheritsRewrite(v *scope.VirtualHost) bool {
	d := ownDirective(v, "RewriteOptions")
	return d != nil && strings.Contains(strings.ToLower(strings.Join(d.Values(), " ")), "inherit")
}

// ListenAddress reports Listen lines without a specific address.
var ListenAddress = registerBenchmark(&Analyzer{
	ID: "AC6023", Name: "listen-address", Doc: "Listen without a specific IP address", Severity: Warning,
	Run: runListenAddress,
}, cis("5.15", 1), stig("AS24-U1-000360", "V-214246"))

func runListenAddress(p *Pass) {
	p.Directives(func(d *ast.Directive, _ []*ast.Section) {
		if len(d.Args) == 0 {
			return
		}
		a := d.Args[0].Value
		host := ""
		if i := strings.LastIndexByte(a, ':'); i >= 0 {
			host = strings.Trim(a[:i], "[]")
		}
		switch host {
		case "", "0.0.0.0", "::", "::ffff:0.0.0.0", "*":
			p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d),
				Message: fmt.Sprintf("Listen %s accepts connections on every address of the machine, management interfaces included; name the address (Listen 192.0.2.10:%s)", a, lastPort(a))})
		}
	}, "Listen")
}

func lastPort(a string) string {
	if i := strings.LastIndexByte(a, ':'); i >= 0 {
		return a[i+1:]
	}
	return a
}

// headerSet reports whether a Header line in force at v's document root
// sets name (set, append, merge or add; "always" or not) to a value
// accepted by ok, and returns that line.
func headerSet(p *Pass, v *scope.VirtualHost, name string, ok func(value string) bool) (bool, bool) {
	root, _ := docRoot(p, v)
	if root == "" {
		root = "/"
	}
	r := p.Server.EffectiveAt(v, root, nil)
	any := false
	for _, e := range r.Effective() {
		if e.Name != "Header" {
			continue
		}
		for _, d := range e.By {
			args := d.Values()
			if len(args) > 0 && (strings.EqualFold(args[0], "always") || strings.EqualFold(args[0], "onsuccess")) {
				args = args[1:]
			}
			if len(args) < 3 || !strings.EqualFold(args[1], name) {
				continue
			}
			switch strings.ToLower(args[0]) {
			case "set", "append", "merge", "add", "setifempty":
				any = true
				if ok(args[2]) {
					return true, true
				}
			}
		}
	}
	return false, any
}

// headerRule reports servers that do not send a header with an
// acceptable value.
func headerRule(id, name, doc string, cs []Control, check func(p *Pass, v *scope.VirtualHost) (good bool, msg string)) *Analyzer {
	return registerBenchmark(&Analyzer{ID: id, Name: name, Doc: doc, Severity: Warning, Run: func(p *Pass) {
		o := once{}
		for _, v := range servers(p) {
			if good, msg := check(p, v); !good {
				o.report(p, anchor(p, v), msg)
			}
		}
	}}, cs...)
}

var (
	FramingHeader = headerRule("AC6024", "frame-options", "responses do not restrict framing", []Control{cis("5.16", 1)},
		func(p *Pass, v *scope.VirtualHost) (bool, string) {
			xfo, _ := headerSet(p, v, "X-Frame-Options", func(s string) bool {
				s = strings.ToUpper(strings.TrimSpace(s))
				return s == "SAMEORIGIN" || s == "DENY"
			})
			csp, _ := headerSet(p, v, "Content-Security-Policy", func(s string) bool { return strings.Contains(strings.ToLower(s), "frame-ancestors") })
			return xfo || csp, serverLabel(v) + " sends neither X-Frame-Options DENY/SAMEORIGIN nor a Content-Security-Policy with frame-ancestors: its pages can be framed (clickjacking); add Header always append X-Frame-Options SAMEORIGIN"
		})
	ReferrerPolicy = headerRule("AC6025", "referrer-policy", "responses carry no Referrer-Policy", []Control{cis("5.17", 1)},
		func(p *Pass, v *scope.VirtualHost) (bool, string) {
			ok, _ := headerSet(p, v, "Referrer-Policy", func(s string) bool {
				s = strings.ToLower(strings.Trim(s, `"' `))
				return s != "unsafe-url" && s != "no-referrer-when-downgrade" && s != ""
			})
			return ok, serverLabel(v) + " sends no Referrer-Policy (or an unsafe one): URLs, tokens in them included, leak to other sites; add Header always set Referrer-Policy strict-origin-when-cross-origin"
		})
	PermissionsPolicy = headerRule("AC6026", "permissions-policy", "responses carry no Permissions-Policy", []Control{cis("5.18", 1)},
		func(p *Pass, v *scope.VirtualHost) (bool, string) {
			ok, _ := headerSet(p, v, "Permissions-Policy", func(s string) bool { return strings.TrimSpace(s) != "" })
			return ok, serverLabel(v) + " sends no Permissions-Policy: embedded content may use camera, microphone, geolocation; add e.g. Header always set Permissions-Policy \"geolocation=(), camera=(), microphone=()\""
		})
)

// ServerTokensEffective reports ServerTokens other than Prod, counting
// httpd's default (Full) when nothing sets it.
var ServerTokensEffective = registerBenchmark(&Analyzer{
	ID: "AC6027", Name: "server-tokens-effective", Doc: "ServerTokens in force is not Prod (the default is Full)", Severity: Warning,
	Run: runServerTokensEffective,
}, cis("8.1", 1))

func runServerTokensEffective(p *Pass) {
	if p.Server == nil {
		return
	}
	// ServerTokens is global: the last line read wins.
	var last *ast.Directive
	p.Directives(func(d *ast.Directive, _ []*ast.Section) { last = d }, "ServerTokens")
	switch v := argOf(last, "full"); {
	case v == "prod" || v == "productonly":
	case last == nil:
		once{}.report(p, anchor(p, p.Server.Main), "ServerTokens is not set and httpd's default is Full: the Server header names the OS and every module's version; add ServerTokens Prod")
	default:
		once{}.report(p, last, fmt.Sprintf("ServerTokens %s is in force: the Server header says more than \"Apache\"; use Prod", last.Args[0].Value), fixFor(last, "ServerTokens", "Prod"))
	}
}

// ServerSignatureEffective reports ServerSignature On/EMail in force on
// a document root.
var ServerSignatureEffective = registerBenchmark(&Analyzer{
	ID: "AC6028", Name: "server-signature-effective", Doc: "ServerSignature in force on a document root is not Off", Severity: Warning,
	Run: runServerSignatureEffective,
}, cis("8.2", 1))

func runServerSignatureEffective(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		root, _ := docRoot(p, v)
		if root == "" {
			root = "/"
		}
		d := p.Server.EffectiveAt(v, root, nil).Directive("ServerSignature")
		if argOf(d, "off") == "off" {
			continue
		}
		o.report(p, d, fmt.Sprintf("ServerSignature %s is in force on %s: error pages and listings name the server version and host; use Off", d.Args[0].Value, where(v, root)), fixFor(d, "ServerSignature", "Off"))
	}
}

// FileETagInode reports FileETag with INode (or All) in force.
var FileETagInode = registerBenchmark(&Analyzer{
	ID: "AC6029", Name: "fileetag-inode", Doc: "FileETag includes the inode", Severity: Warning,
	Run: runFileETagInode,
}, cis("8.4", 2))

func runFileETagInode(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		root, _ := docRoot(p, v)
		if root == "" {
			root = "/"
		}
		d := p.Server.EffectiveAt(v, root, nil).Directive("FileETag")
		if d == nil {
			continue // 2.4's default is MTime Size
		}
		for _, a := range d.Values() {
			w := strings.ToLower(strings.TrimPrefix(a, "+"))
			if w == "inode" || w == "all" {
				o.report(p, d, "FileETag "+strings.Join(d.Values(), " ")+" puts inode numbers in ETags on "+where(v, root)+"; use MTime Size (or None)", fixFor(d, "FileETag", "MTime", "Size"))
				break
			}
		}
	}
}

// DefaultContent reports the handlers and aliases of default content
// the benchmark wants removed: server-status, server-info, the manual.
var DefaultContent = registerBenchmark(&Analyzer{
	ID: "AC6030", Name: "default-content", Doc: "default content (server-status, server-info, the manual) is configured", Severity: Warning,
	Run: runDefaultContent,
}, cis("5.4", 1))

func runDefaultContent(p *Pass) {
	p.Directives(func(d *ast.Directive, parents []*ast.Section) {
		switch {
		case d.Is("SetHandler") && len(d.Args) == 1:
			switch strings.ToLower(d.Args[0].Value) {
			case "server-status", "server-info", "perl-status", "balancer-manager":
				p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d),
					Message: "SetHandler " + d.Args[0].Value + " publishes the server's internals; remove the section (and the module) unless it is needed and limited to the operators"})
			}
		case (d.Is("Alias") || d.Is("AliasMatch")) && len(d.Args) == 2 && strings.Contains(d.Args[1].Value, "/usr/share/doc/apache2"):
			p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d), Message: "the Apache manual is published (" + d.Args[0].Value + "); remove the alias"})
		}
	}, "SetHandler", "Alias", "AliasMatch")
}

// IconsAlias reports Alias /icons/ (default content, CIS 8.3).
var IconsAlias = registerBenchmark(&Analyzer{
	ID: "AC6031", Name: "icons-alias", Doc: "the default /icons/ alias is configured", Severity: Warning,
	Run: runIconsAlias,
}, cis("8.3", 2))

func runIconsAlias(p *Pass) {
	p.Directives(func(d *ast.Directive, _ []*ast.Section) {
		if len(d.Args) == 2 && strings.TrimSuffix(d.Args[0].Value, "/") == "/icons" {
			p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d), Message: "Alias /icons/ publishes Apache's default icons, which identify the server; remove it", Fixes: nonEmpty(RemoveNode("remove the alias", d))})
		}
	}, "Alias")
}

// intSetting reports per-server numeric settings out of bounds.
func intSetting(p *Pass, o once, v *scope.VirtualHost, name string, def int, bad func(int) bool, msg string) {
	d := serverDirective(p, v, name)
	val := def
	if d != nil && len(d.Args) > 0 {
		n, err := strconv.Atoi(d.Args[0].Value)
		if err != nil {
			return // AC2005 reports a bad number
		}
		val = n
	}
	if !bad(val) {
		return
	}
	n := ast.Node(d)
	set := fmt.Sprintf("%s %d", name, val)
	if d == nil {
		n = anchor(p, v)
		set += " (httpd's default)"
	}
	o.report(p, n, set+" for "+serverLabel(v)+": "+msg)
}

// Timeout reports a Timeout above 10 seconds (CIS 9.1).
var Timeout = registerBenchmark(&Analyzer{
	ID: "AC6032", Name: "timeout", Doc: "Timeout is above 10 seconds", Severity: Warning,
	Run: runTimeout,
}, cis("9.1", 1))

func runTimeout(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		intSetting(p, o, v, "Timeout", 60, func(n int) bool { return n > 10 }, "slow clients hold workers that long (slowloris); use Timeout 10")
	}
}

// TimeoutSTIG reports a Timeout above 60 seconds (the STIG's bound).
var TimeoutSTIG = registerBenchmark(&Analyzer{
	ID: "AC6033", Name: "timeout-stig", Doc: "Timeout is above 60 seconds", Severity: Warning,
	Run: runTimeoutSTIG,
}, stig("AS24-U1-000590", "V-214255"), stig("AS24-U2-000590", "V-214291"))

func runTimeoutSTIG(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		intSetting(p, o, v, "Timeout", 60, func(n int) bool { return n > 60 }, "the STIG wants 60 seconds or less")
	}
}

// KeepAlive reports KeepAlive Off, MaxKeepAliveRequests below 100 (0 is
// unlimited and fine) or KeepAliveTimeout above 15.
var KeepAlive = registerBenchmark(&Analyzer{
	ID: "AC6034", Name: "keepalive", Doc: "KeepAlive settings outside the benchmark's bounds", Severity: Warning,
	Run: runKeepAlive,
}, cis("9.2", 1), cis("9.3", 1), cis("9.4", 1), stig("AS24-U1-000010", "V-214228"))

func runKeepAlive(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		if d := serverDirective(p, v, "KeepAlive"); argOf(d, "on") != "on" {
			o.report(p, d, "KeepAlive Off for "+serverLabel(v)+": every request opens a new connection; use KeepAlive On", fixFor(d, "KeepAlive", "On"))
		}
		intSetting(p, o, v, "MaxKeepAliveRequests", 100, func(n int) bool { return n != 0 && n < 100 }, "use 100 or more")
		intSetting(p, o, v, "KeepAliveTimeout", 5, func(n int) bool { return n > 15 }, "idle connections hold workers; use 15 or less")
	}
}

// RequestReadTimeout reports servers without mod_reqtimeout, or whose
// RequestReadTimeout allows more than 40 s for headers or 20 s for the
// body.
var RequestReadTimeout = registerBenchmark(&Analyzer{
	ID: "AC6035", Name: "request-read-timeout", Doc: "request header/body read timeouts are missing or too long", Severity: Warning,
	Run: runRequestReadTimeout,
}, cis("9.5", 1), cis("9.6", 1), stig("AS24-U1-000650", "V-214258"), stig("AS24-U2-000660", "V-214296"))

func runRequestReadTimeout(p *Pass) {
	if p.Server == nil {
		return
	}
	o := once{}
	if !p.Server.Loaded("reqtimeout_module") {
		o.report(p, anchor(p, p.Server.Main), "mod_reqtimeout is not loaded: a client may take as long as Timeout for every read of its headers and body (slowloris); a2enmod reqtimeout")
		return
	}
	for _, v := range servers(p) {
		d := serverDirective(p, v, "RequestReadTimeout")
		if d == nil {
			continue // the module's defaults: header=20-40,MinRate=500 body=20,MinRate=500
		}
		for _, a := range d.Values() {
			k, val, ok := strings.Cut(a, "=")
			if !ok {
				continue
			}
			limit := map[string]int{"header": 40, "body": 20}[strings.ToLower(k)]
			if limit == 0 {
				continue
			}
			spec, _, _ := strings.Cut(val, ",")
			lo, hi, ranged := strings.Cut(spec, "-")
			if !ranged {
				hi = lo
			}
			if n, err := strconv.Atoi(hi); err == nil && (n == 0 || n > limit) {
				o.report(p, d, fmt.Sprintf("RequestReadTimeout %s for %s allows more than %d seconds (0 disables the limit)", a, serverLabel(v), limit))
			}
		}
	}
}

// RequestLimits reports LimitRequestLine/Fields/FieldSize/Body above the
// benchmark's bounds (httpd's defaults are all above them).
var RequestLimits = registerBenchmark(&Analyzer{
	ID: "AC6036", Name: "request-limits", Doc: "LimitRequest* are above the benchmark's bounds", Severity: Warning,
	Run: runRequestLimits,
}, cis("10.1", 2), cis("10.2", 2), cis("10.3", 2), cis("10.4", 2))

func runRequestLimits(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		intSetting(p, o, v, "LimitRequestLine", 8190, func(n int) bool { return n > 512 }, "use 512 or less")
		intSetting(p, o, v, "LimitRequestFields", 100, func(n int) bool { return n > 100 }, "use 100 or less")
		intSetting(p, o, v, "LimitRequestFieldSize", 8190, func(n int) bool { return n > 1024 }, "use 1024 or less")
		root, _ := docRoot(p, v)
		if root == "" {
			root = "/"
		}
		d := p.Server.EffectiveAt(v, root, nil).Directive("LimitRequestBody")
		n := 1 << 30 // 2.4.54 and later: 1 GiB
		if d != nil && len(d.Args) == 1 {
			if x, err := strconv.Atoi(d.Args[0].Value); err == nil {
				n = x
			}
		}
		if n == 0 || n > 102400 {
			node, set := ast.Node(d), fmt.Sprintf("LimitRequestBody %d", n)
			if d == nil {
				node, set = anchor(p, v), set+" (httpd's default since 2.4.54)"
			}
			o.report(p, node, set+" on "+where(v, root)+": use 102400 or less where uploads are not needed")
		}
	}
}

// logLevelOK reports whether a LogLevel line logs at notice or more
// verbosely, with core at info or more.
func logLevelOK(d *ast.Directive) bool {
	rank := map[string]int{"emerg": 0, "alert": 1, "crit": 2, "error": 3, "warn": 4, "notice": 5, "info": 6, "debug": 7}
	level, core := "warn", ""
	for _, a := range d.Values() {
		mod, lv, per := strings.Cut(strings.ToLower(a), ":")
		switch {
		case !per:
			level = mod
		case mod == "core":
			core = lv
		}
	}
	if core == "" {
		core = level
	}
	r := func(s string) int {
		if strings.HasPrefix(s, "trace") {
			return 8
		}
		if n, ok := rank[s]; ok {
			return n
		}
		return -1
	}
	return r(level) >= 5 && r(core) >= 6
}

// ErrorLogging reports servers without an error log or with a LogLevel
// that drops notices.
var ErrorLogging = registerBenchmark(&Analyzer{
	ID: "AC6037", Name: "error-log", Doc: "error log or LogLevel not as the benchmark wants", Severity: Warning,
	Run: runErrorLogging,
}, cis("6.1", 1))

func runErrorLogging(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		if d := serverDirective(p, v, "LogLevel"); d == nil {
			o.report(p, anchor(p, v), "LogLevel is not set for "+serverLabel(v)+" (httpd's default: warn): notices and access-control messages are not logged; use LogLevel notice core:info")
		} else if !logLevelOK(d) {
			o.report(p, d, "LogLevel "+strings.Join(d.Values(), " ")+" for "+serverLabel(v)+" drops notices (or core's info messages); use LogLevel notice core:info")
		}
	}
	if p.Server != nil && ownDirective(p.Server.Main, "ErrorLog") == nil {
		o.report(p, anchor(p, p.Server.Main), "no ErrorLog is set: errors go to httpd's compiled-in default; name the file")
	}
}

// logFormats maps LogFormat nicknames to their format.
func logFormats(p *Pass) map[string]string {
	out := map[string]string{}
	p.Directives(func(d *ast.Directive, _ []*ast.Section) {
		if len(d.Args) == 2 {
			out[d.Args[1].Value] = d.Args[0].Value
		}
	}, "LogFormat")
	return out
}

// accessLogs are the CustomLog/TransferLog lines in force for v: its
// own, else the main server's (a virtual host with none of its own logs
// to the main server's).
func accessLogs(p *Pass, v *scope.VirtualHost) []*ast.Directive {
	var own []*ast.Directive
	collect := func(s *scope.VirtualHost) []*ast.Directive {
		var out []*ast.Directive
		for _, n := range s.Body {
			if d, ok := n.(*ast.Directive); ok && (d.Is("CustomLog") || d.Is("TransferLog")) {
				out = append(out, d)
			}
		}
		return out
	}
	own = collect(v)
	if len(own) == 0 && !v.IsMain() {
		return collect(p.Server.Main)
	}
	return own
}

// sameLogField lists format codes that log the same thing for the
// benchmarks' purpose: bytes with or without headers, the final or the
// original status.
var sameLogField = map[string][]string{
	"%b":  {"%b", "%B", "%O"},
	"%s":  {"%s", "%>s", "%<s"},
	"%>s": {"%>s", "%s"},
}

// hasLogField reports whether a LogFormat logs field (header names in
// %{...}i compare without case, as HTTP's do).
func hasLogField(format, field string) bool {
	alts := sameLogField[field]
	if alts == nil {
		alts = []string{field}
	}
	for _, a := range alts {
		if strings.Contains(format, a) || strings.HasPrefix(a, "%{") && strings.Contains(strings.ToLower(format), strings.ToLower(a)) {
			return true
		}
	}
	return false
}

// accessLogRule reports servers whose access log is missing or lacks
// fields.
func accessLogRule(id, name, doc string, fields []string, cs ...Control) *Analyzer {
	return registerBenchmark(&Analyzer{ID: id, Name: name, Doc: doc, Severity: Warning, Run: func(p *Pass) {
		if p.Server == nil {
			return
		}
		o := once{}
		formats := logFormats(p)
		for _, v := range servers(p) {
			logs := accessLogs(p, v)
			if len(logs) == 0 {
				o.report(p, anchor(p, v), serverLabel(v)+" writes no access log: add CustomLog with a format holding "+strings.Join(fields, " "))
				continue
			}
			d := logs[0]
			format := "%h %l %u %t \"%r\" %>s %b" // TransferLog's default (Common Log Format)
			if d.Is("CustomLog") && len(d.Args) >= 2 {
				format = d.Args[1].Value
				if f, ok := formats[format]; ok {
					format = f
				} else if !strings.Contains(format, "%") {
					o.report(p, d, "CustomLog names the format "+format+", which no LogFormat defines")
					continue
				}
			}
			var missing []string
			for _, f := range fields {
				if !hasLogField(format, f) {
					missing = append(missing, f)
				}
			}
			if len(missing) > 0 {
				o.report(p, d, fmt.Sprintf("the access log of %s lacks %s; log at least %s", serverLabel(v), strings.Join(missing, " "), strings.Join(fields, " ")))
			}
		}
	}}, cs...)
}

var (
	AccessLog = accessLogRule("AC6038", "access-log", "access log missing or without the benchmark's fields",
		[]string{"%h", "%l", "%u", "%t", "%r", "%>s", "%b", "%{Referer}i", "%{User-agent}i"}, cis("6.3", 1))
	AccessLogSTIG = accessLogRule("AC6039", "access-log-stig", "access log missing or without the STIG's fields",
		[]string{"%a", "%A", "%h", "%H", "%l", "%m", "%s", "%t", "%u", "%U", "%{Referer}i"},
		stig("AS24-U1-000065", "V-214231"), stig("AS24-U1-000070", "V-214232"), stig("AS24-U2-000090", "V-214279"))
)

// SyslogErrorLog reports an ErrorLog that is not syslog (CIS 6.2, L2).
var SyslogErrorLog = registerBenchmark(&Analyzer{
	ID: "AC6040", Name: "error-log-syslog", Doc: "ErrorLog does not go to syslog", Severity: Warning,
	Run: runSyslogErrorLog,
}, cis("6.2", 2))

func runSyslogErrorLog(p *Pass) {
	if p.Server == nil {
		return
	}
	d := ownDirective(p.Server.Main, "ErrorLog")
	if d != nil && len(d.Args) > 0 && strings.HasPrefix(strings.ToLower(d.Args[0].Value), "syslog") {
		return
	}
	n := ast.Node(d)
	if d == nil {
		n = anchor(p, p.Server.Main)
	}
	once{}.report(p, n, "the error log does not go to syslog, so a central log server does not see it; ErrorLog syslog:local1")
}

// ModSecurity reports a server without mod_security2 (CIS 6.6, L2).
var ModSecurity = registerBenchmark(&Analyzer{
	ID: "AC6041", Name: "modsecurity", Doc: "ModSecurity is not loaded", Severity: Warning,
	Run: runModSecurity,
}, cis("6.6", 2))

func runModSecurity(p *Pass) {
	if p.Server == nil || p.Server.Loaded("security2_module") || p.Server.Loaded("security3_module") {
		return
	}
	once{}.report(p, anchor(p, p.Server.Main), "mod_security2 is not loaded: no web application firewall inspects requests")
}

// tlsServers are the servers with SSLEngine on in force.
func tlsServers(p *Pass) []*scope.VirtualHost {
	var out []*scope.VirtualHost
	for _, v := range servers(p) {
		if argOf(serverDirective(p, v, "SSLEngine"), "off") == "on" {
			out = append(out, v)
		}
	}
	return out
}

// SSLModule reports a server without mod_ssl or any TLS virtual host.
var SSLModule = registerBenchmark(&Analyzer{
	ID: "AC6042", Name: "tls-missing", Doc: "no virtual host serves TLS", Severity: Warning,
	Run: runSSLModule,
}, cis("7.1", 1), stig("AS24-U1-000030", "V-214230"))

func runSSLModule(p *Pass) {
	if p.Server == nil {
		return
	}
	switch {
	case !p.Server.Loaded("ssl_module"):
		once{}.report(p, anchor(p, p.Server.Main), "mod_ssl is not loaded: nothing is served over HTTPS")
	case len(tlsServers(p)) == 0:
		once{}.report(p, anchor(p, p.Server.Main), "mod_ssl is loaded but no server has SSLEngine on: nothing is served over HTTPS")
	}
}

// TLSProtocols reports TLS servers whose SSLProtocol in force (their
// own, the main server's, or mod_ssl's default "all -SSLv3") enables
// TLS 1.0 or 1.1.
var TLSProtocols = registerBenchmark(&Analyzer{
	ID: "AC6043", Name: "tls-protocols", Doc: "a TLS virtual host allows TLS 1.0 or 1.1", Severity: Warning,
	Run: runTLSProtocols,
}, cis("7.4", 1), stig("AS24-U1-000030", "V-214230"), stig("AS24-U2-000030", "V-214278"))

func runTLSProtocols(p *Pass) {
	o := once{}
	for _, v := range tlsServers(p) {
		d := serverDirective(p, v, "SSLProtocol")
		on := map[string]bool{"tlsv1": true, "tlsv1.1": true, "tlsv1.2": true, "tlsv1.3": true}
		if d != nil {
			on = sslProtocols(d)
		}
		var weak []string
		for _, w := range weakProtocols {
			if on[w] {
				weak = append(weak, w)
			}
		}
		if len(weak) == 0 {
			continue
		}
		n, how := ast.Node(d), "SSLProtocol"
		if d == nil {
			n, how = anchor(p, v), "mod_ssl's default SSLProtocol (all -SSLv3)"
		}
		o.report(p, n, fmt.Sprintf("%s enables %s for %s (OpenSSL's security level may still refuse them; the configuration does not); use SSLProtocol -all +TLSv1.2 +TLSv1.3", how, strings.Join(weak, ", "), serverLabel(v)),
			fixFor(d, "SSLProtocol", "-all", "+TLSv1.2", "+TLSv1.3"))
	}
}

// TLSCiphers reports TLS servers whose SSLCipherSuite in force admits
// weak ciphers or, for the STIG, does not exclude export suites.
var TLSCiphers = registerBenchmark(&Analyzer{
	ID: "AC6044", Name: "tls-ciphers", Doc: "a TLS virtual host admits weak ciphers", Severity: Warning,
	Run: runTLSCiphers,
}, cis("7.5", 1), cis("7.8", 2), stig("AS24-U1-000900", "V-214269"))

func runTLSCiphers(p *Pass) {
	o := once{}
	for _, v := range tlsServers(p) {
		d := serverDirective(p, v, "SSLCipherSuite")
		if d == nil {
			o.report(p, anchor(p, v), "no SSLCipherSuite is set for "+serverLabel(v)+": OpenSSL's default list applies, which the configuration does not show; set one that excludes NULL, EXPORT, DES, 3DES, RC4, MD5 and anonymous suites")
			continue
		}
		spec := d.Args[len(d.Args)-1].Value
		if weak := weakCipherWords(spec); len(weak) > 0 {
			o.report(p, d, fmt.Sprintf("SSLCipherSuite for %s admits weak ciphers (%s)", serverLabel(v), strings.Join(weak, ", ")))
		}
		// The STIG wants export suites killed explicitly (!EXPORT or
		// !EXP); CIS wants NULL (eNULL covers it) and anonymous ones.
		low := strings.ToLower(spec)
		removed := func(words ...string) bool {
			for _, w := range words {
				if strings.Contains(low, "!"+w) || strings.Contains(low, "-"+w) {
					return true
				}
			}
			return false
		}
		for _, k := range []struct {
			name, hint string
			words      []string
		}{
			{"NULL", "!eNULL", []string{"null", "enull"}}, {"export", "!EXP", []string{"exp"}}, {"anonymous", "!aNULL", []string{"anull"}},
		} {
			if !removed(k.words...) {
				o.report(p, d, fmt.Sprintf("SSLCipherSuite for %s does not remove %s suites explicitly (add %s)", serverLabel(v), k.name, k.hint))
			}
		}
	}
}

// tlsFlagRule reports a TLS flag in force with a bad value.
func tlsFlagRule(id, name, doc, directive, def, bad, msg string, cs ...Control) *Analyzer {
	return registerBenchmark(&Analyzer{ID: id, Name: name, Doc: doc, Severity: Warning, Run: func(p *Pass) {
		o := once{}
		for _, v := range tlsServers(p) {
			d := serverDirective(p, v, directive)
			if argOf(d, def) != bad {
				continue
			}
			n, set := ast.Node(d), directive+" "+bad
			if d == nil {
				n, set = anchor(p, v), set+" (the default)"
			}
			want := "off"
			if bad == "off" {
				want = "on"
			}
			o.report(p, n, set+" for "+serverLabel(v)+": "+msg, fixFor(d, directive, want))
		}
	}}, cs...)
}

var (
	TLSRenegotiation = tlsFlagRule("AC6045", "tls-insecure-renegotiation", "SSLInsecureRenegotiation is on",
		"SSLInsecureRenegotiation", "off", "on", "clients without RFC 5746 may renegotiate (prefix injection); use off", cis("7.6", 1))
	TLSCompression = tlsFlagRule("AC6046", "tls-compression", "SSLCompression is on",
		"SSLCompression", "off", "on", "TLS compression leaks secrets (CRIME); use off", cis("7.7", 1), stig("AS24-U2-000870", "V-214301"))
	OCSPStapling = tlsFlagRule("AC6047", "ocsp-stapling", "OCSP stapling is off",
		"SSLUseStapling", "off", "off", "clients must ask the CA whether the certificate is revoked; SSLUseStapling on (with SSLStaplingCache)", cis("7.10", 2))
)

// HSTS reports TLS servers that send no Strict-Transport-Security of at
// least 480 seconds.
var HSTS = registerBenchmark(&Analyzer{
	ID: "AC6048", Name: "hsts", Doc: "a TLS virtual host sends no Strict-Transport-Security", Severity: Warning,
	Run: runHSTS,
}, cis("7.11", 2))

func runHSTS(p *Pass) {
	o := once{}
	for _, v := range tlsServers(p) {
		ok, _ := headerSet(p, v, "Strict-Transport-Security", func(s string) bool {
			for _, part := range strings.Split(strings.ToLower(s), ";") {
				if k, val, ok := strings.Cut(strings.TrimSpace(part), "="); ok && k == "max-age" {
					n, err := strconv.Atoi(strings.Trim(val, `"`))
					return err == nil && n >= 480
				}
			}
			return false
		})
		if !ok {
			o.report(p, anchor(p, v), serverLabel(v)+" sends no Strict-Transport-Security with max-age of 480 seconds or more; add Header always set Strict-Transport-Security \"max-age=31536000\"")
		}
	}
}

// HTTPSRedirect reports plain-HTTP servers that serve content instead of
// redirecting to HTTPS.
var HTTPSRedirect = registerBenchmark(&Analyzer{
	ID: "AC6049", Name: "https-only", Doc: "a plain-HTTP virtual host serves content instead of redirecting to HTTPS", Severity: Warning,
	Run: runHTTPSRedirect,
}, cis("7.9", 1))

func runHTTPSRedirect(p *Pass) {
	if p.Server == nil {
		return
	}
	o := once{}
	for _, v := range p.Server.VHosts {
		if argOf(serverDirective(p, v, "SSLEngine"), "off") == "on" {
			continue
		}
		redirects := false
		for _, n := range v.Body {
			d, ok := n.(*ast.Directive)
			if !ok {
				continue
			}
			vals := d.Values()
			if (d.Is("Redirect") || d.Is("RedirectPermanent") || d.Is("RedirectMatch")) && len(vals) >= 2 &&
				strings.HasPrefix(strings.ToLower(vals[len(vals)-1]), "https://") {
				if d.Is("RedirectMatch") || vals[len(vals)-2] == "/" || strings.HasSuffix(vals[len(vals)-2], "(.*)") {
					redirects = true
				}
			}
			if d.Is("RewriteRule") && len(vals) >= 2 && strings.HasPrefix(strings.ToLower(vals[1]), "https://") {
				redirects = true
			}
		}
		if !redirects {
			o.report(p, v.Section, serverLabel(v)+" serves content over plain HTTP; redirect everything to HTTPS (Redirect permanent / https://"+v.ServerName+"/)")
		}
	}
}

// ForwardProxy reports ProxyRequests On: an open forward proxy.
var ForwardProxy = registerBenchmark(&Analyzer{
	ID: "AC6050", Name: "forward-proxy", Doc: "ProxyRequests On makes a forward proxy", Severity: Error,
	Run: runForwardProxy,
}, stig("AS24-U1-000260", "V-214241"))

func runForwardProxy(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		d := serverDirective(p, v, "ProxyRequests")
		if argOf(d, "off") != "on" || p.Server == nil || !p.Server.Loaded("proxy_module") {
			continue
		}
		o.report(p, d, "ProxyRequests On for "+serverLabel(v)+": the server relays requests to any host for anyone its <Proxy *> access control admits; use Off (ProxyPass serves reverse proxying)", fixFor(d, "ProxyRequests", "Off"))
	}
}

// ShellHandlers reports handlers or types that make executables and
// shell scripts run or download as documents.
var ShellHandlers = registerBenchmark(&Analyzer{
	ID: "AC6051", Name: "shell-handlers", Doc: "Action/AddHandler maps shell or executable extensions", Severity: Warning,
	Run: runShellHandlers,
}, stig("AS24-U1-000300", "V-214243"), stig("AS24-U2-000300", "V-214281"), stig("AS24-U2-000320", "V-214283"))

func runShellHandlers(p *Pass) {
	bad := map[string]bool{"exe": true, "dll": true, "com": true, "bat": true, "csh": true, "sh": true, "ksh": true, "bash": true, "cmd": true}
	p.Directives(func(d *ast.Directive, _ []*ast.Section) {
		vals := d.Values()
		if len(vals) < 2 {
			return
		}
		if d.Is("Action") {
			if s := strings.ToLower(vals[1]); strings.HasSuffix(s, "/sh") || strings.HasSuffix(s, "bash") || strings.HasSuffix(s, "csh") {
				p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d), Message: "Action runs a shell (" + vals[1] + ") as a handler"})
			}
			return
		}
		for _, ext := range vals[1:] {
			if bad[strings.ToLower(strings.TrimPrefix(ext, "."))] {
				p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d), Message: fmt.Sprintf("%s maps %s to %s: executables and shell scripts must not be run or handed out as documents", d.Name, ext, vals[0])})
				return
			}
		}
	}, "AddHandler", "Action")
}

// ErrorDocuments reports servers without custom 4xx/5xx pages.
var ErrorDocuments = registerBenchmark(&Analyzer{
	ID: "AC6052", Name: "error-documents", Doc: "no ErrorDocument for 4xx/5xx answers", Severity: Warning,
	Run: runErrorDocuments,
}, stig("AS24-U1-000620", "V-214256"), stig("AS24-U2-000630", "V-214293"))

func runErrorDocuments(p *Pass) {
	o := once{}
	for _, v := range servers(p) {
		found := false
		for _, sv := range []*scope.VirtualHost{v, p.Server.Main} {
			for _, n := range sv.Body {
				if d, ok := n.(*ast.Directive); ok && d.Is("ErrorDocument") {
					found = true
				}
			}
		}
		if !found {
			o.report(p, anchor(p, v), serverLabel(v)+" answers errors with httpd's built-in pages, which name the server; set ErrorDocument for 403, 404 and 500")
		}
	}
}
