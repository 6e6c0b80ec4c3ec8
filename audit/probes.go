package audit

import (
	"path"
	"slices"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/scope"
	"github.com/apacheconf/apacheconf/whatif"
)

// Probe is one request of the catalogue.
type Probe struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	// Path is requested under each root (relative, "" for the root
	// itself) or, for Kind "server", from the server's root URL.
	Path string `json:"path"`
	// Assume are files (relative to the root) assumed to exist: the
	// probed file, or for a listing a file in the listed directory.
	Assume []string `json:"assume,omitempty"`
	// Kind: "file" (a file that must not be handed out), "listing" (a
	// directory without index file), "source" (a script served as text
	// when no handler runs it), "handler" (a built-in handler such as
	// server-status), "method" (TRACE, WebDAV, forward proxy: judged
	// from the configuration, the engine answers GET).
	Kind     string `json:"kind"`
	Method   string `json:"method"`
	Severity string `json:"severity"` // of an exposure: error, warning, info
	Fix      string `json:"fix"`
	// Why the exposure matters, for the report.
	Why string `json:"why"`
}

const (
	vcsFix     = `<DirectoryMatch "/\.(git|svn|hg|bzr)(/|$)"> Require all denied </DirectoryMatch> and <FilesMatch "^\.(git|svn|hg|bzr)"> Require all denied </FilesMatch> in the main server (every virtual host inherits them)`
	htFix      = `<FilesMatch "^\.ht"> Require all denied </FilesMatch> in the main server`
	envFix     = `<FilesMatch "^\.env"> Require all denied </FilesMatch> in the main server (anchored at the start only: .env.local and .env.production too)`
	backupFix  = `<FilesMatch "(~|\.(bak|old|orig|swp|sql|sql\.gz|tar|tgz|zip))$"> Require all denied </FilesMatch> in the main server`
	depFix     = `<FilesMatch "^(composer\.(json|lock)|package(-lock)?\.json|yarn\.lock|Gemfile(\.lock)?|requirements\.txt|Pipfile(\.lock)?)$"> Require all denied </FilesMatch>, or keep them outside the document root`
	dsFix      = `<Files ".DS_Store"> Require all denied </Files> in the main server`
	listFix    = `Options -Indexes on the directory (or a2dismod autoindex)`
	sourceFix  = `configure the handler that runs it (e.g. SetHandler "proxy:unix:/run/php/php-fpm.sock|fcgi://localhost" in <FilesMatch "\.php$">), or deny the extension where none runs`
	statusFix  = `restrict the <Location> to operators (Require local, or Require ip ADMIN-NET), or remove it and unload the module`
	traceFix   = `TraceEnable Off at server level`
	davFix     = `Dav Off (or remove Dav On) for this directory, and a2dismod dav dav_fs unless WebDAV is wanted`
	proxyFix   = `ProxyRequests Off (ProxyPass serves reverse proxying); a forward proxy needs <Proxy "*"> Require ip CLIENT-NET`
	severityHi = "error"
	severityMd = "warning"
	severityLo = "info"
)

// Catalogue is the list of probes Run asks, in report order.
func Catalogue() []Probe {
	f := func(id, cat, p, sev, fix, why string) Probe {
		return Probe{ID: id, Category: cat, Path: p, Assume: []string{p}, Kind: "file", Method: "GET", Severity: sev, Fix: fix, Why: why}
	}
	return []Probe{
		f("git-head", "VCS metadata", ".git/HEAD", severityHi, vcsFix, "the repository, history and secrets in it can be downloaded object by object"),
		f("git-config", "VCS metadata", ".git/config", severityHi, vcsFix, "names the remote, often with credentials"),
		f("svn-entries", "VCS metadata", ".svn/entries", severityHi, vcsFix, "the working copy's files and their source can be fetched"),
		f("svn-wcdb", "VCS metadata", ".svn/wc.db", severityHi, vcsFix, "Subversion 1.7+ keeps every file's name and checksum here"),
		f("hg-store", "VCS metadata", ".hg/store/00manifest.i", severityHi, vcsFix, "the Mercurial store holds the whole history"),
		f("hg-hgrc", "VCS metadata", ".hg/hgrc", severityHi, vcsFix, "names the remote, often with credentials"),
		f("bzr-branch", "VCS metadata", ".bzr/branch/branch.conf", severityHi, vcsFix, "the Bazaar branch and its history"),
		f("htaccess", "Access files", ".htaccess", severityLo, htFix, "reveals rewrite rules, paths and protections"),
		f("htpasswd", "Access files", ".htpasswd", severityHi, htFix, "password hashes, crackable offline"),
		f("env", "Environment", ".env", severityHi, envFix, "database passwords, API keys, application secrets"),
		f("env-local", "Environment", ".env.local", severityHi, envFix, "local overrides of the secrets"),
		f("editor-tilde", "Editor and backup copies", "index.php~", severityHi, backupFix, "an editor's copy of a script is served as source"),
		f("editor-swp", "Editor and backup copies", ".index.php.swp", severityHi, backupFix, "vim's swap file holds the script's source"),
		f("backup-bak", "Editor and backup copies", "config.php.bak", severityHi, backupFix, "the configuration's source with its passwords"),
		f("backup-orig", "Editor and backup copies", "index.php.orig", severityHi, backupFix, "a patch's original, served as source"),
		f("backup-sql", "Editor and backup copies", "backup.sql", severityHi, backupFix, "a database dump"),
		f("composer", "Dependency manifests", "composer.lock", severityLo, depFix, "exact library versions: which known vulnerabilities apply"),
		f("npm", "Dependency manifests", "package-lock.json", severityLo, depFix, "exact library versions: which known vulnerabilities apply"),
		f("gemfile", "Dependency manifests", "Gemfile.lock", severityLo, depFix, "exact library versions: which known vulnerabilities apply"),
		f("ds-store", "OS metadata", ".DS_Store", severityLo, dsFix, "lists the directory's files, hidden ones included"),
		{ID: "listing", Category: "Directory listing", Path: "uploads/", Assume: []string{"uploads/report.pdf"}, Kind: "listing", Method: "GET",
			Severity: severityMd, Fix: listFix, Why: "a directory without an index file lists every file in it"},
		{ID: "php-source", Category: "Script source", Path: "config.php", Assume: []string{"config.php"}, Kind: "source", Method: "GET",
			Severity: severityHi, Fix: sourceFix, Why: "without a PHP handler the script's source, passwords included, is sent as text"},
		{ID: "cgi-source", Category: "Script source", Path: "run.cgi", Assume: []string{"run.cgi"}, Kind: "source", Method: "GET",
			Severity: severityMd, Fix: sourceFix, Why: "without a CGI handler the script's source is sent as text"},
		{ID: "server-status", Category: "Server internals", Path: "/server-status", Kind: "handler", Method: "GET",
			Severity: severityMd, Fix: statusFix, Why: "every request in flight, client addresses and URLs"},
		{ID: "server-info", Category: "Server internals", Path: "/server-info", Kind: "handler", Method: "GET",
			Severity: severityHi, Fix: statusFix, Why: "the whole configuration with file names"},
		{ID: "balancer-manager", Category: "Server internals", Path: "/balancer-manager", Kind: "handler", Method: "GET",
			Severity: severityHi, Fix: statusFix, Why: "lets anyone change the load balancer's members"},
		{ID: "trace", Category: "Methods", Path: "/", Kind: "method", Method: "TRACE",
			Severity: severityMd, Fix: traceFix, Why: "echoes the request, cookies and credentials included (cross-site tracing)"},
		{ID: "webdav", Category: "Methods", Path: "", Kind: "method", Method: "PROPFIND",
			Severity: severityHi, Fix: davFix, Why: "clients can list, write and delete files"},
		{ID: "forward-proxy", Category: "Methods", Path: "http://example.com/", Kind: "method", Method: "GET",
			Severity: severityHi, Fix: proxyFix, Why: "anyone can relay traffic through the server"},
	}
}

// builtinHandlers are the handlers the "handler" probes ask for, and
// the module whose handler it is (the engine answers them; the audit
// tells the handler's answer from a file of that name served).
var builtinHandlers = map[string]string{
	"server-status":    "status_module",
	"server-info":      "info_module",
	"balancer-manager": "proxy_balancer_module",
}

// probe asks one probe of a target: under each root for file-like
// probes, once for server-wide ones.
func probe(s *scope.Server, opts Options, ti int, t *Target, p Probe) []Answer {
	switch p.Kind {
	case "handler":
		var out []Answer
		for _, uri := range handlerPaths(s, t, p) {
			out = append(out, handlerAnswer(s, opts, ti, t, p, uri))
		}
		return out
	case "method":
		return []Answer{methodAnswer(s, opts, ti, t, p)}
	}
	var out []Answer
	for _, r := range t.Roots {
		uri := r.URL + p.Path
		var files []string
		for _, a := range p.Assume {
			files = append(files, path.Join(r.Dir, a))
		}
		res := s.Request(scope.Request{Addr: t.addr, Port: t.port, Host: t.Host, Path: uri, Remote: opts.Remote},
			scope.RequestOptions{FS: whatif.FS(opts.FS, files...)})
		a := fromResult(ti, p, r.URL, res)
		switch p.Kind {
		case "listing":
			a.Exposed = a.Status == 200 && res.IsDir && res.Handler == ""
		case "source":
			a.Exposed = a.Status == 200 && res.Handler == "" && !res.IsDir
		default:
			a.Exposed = a.Status == 200 && res.Handler == "" && !res.IsDir
		}
		finish(&a, p, t, res)
		out = append(out, a)
	}
	return out
}

// fromResult turns the engine's answer into an Answer with its trace.
func fromResult(ti int, p Probe, root string, res *scope.Result) Answer {
	a := Answer{Target: ti, Probe: p.ID, Root: root, Method: p.Method, URL: res.Request.Path, Status: res.Status,
		Handler: res.Handler, File: res.Filename, Reason: res.Reason, Trace: trace(res)}
	switch {
	case res.Handler == "" && res.Status == 200 && !res.IsDir:
		a.Handler = "default-handler"
	case res.Handler == "" && res.Status == 200 && res.IsDir:
		a.Handler = "autoindex"
	}
	return a
}

// finish sets severity, fix and where the fix goes.
func finish(a *Answer, p Probe, t *Target, res *scope.Result) {
	if !a.Exposed {
		return
	}
	a.Severity, a.Fix = p.Severity, p.Fix
	if t.v != nil {
		a.FixAt = t.v.Pos()
	}
	if !a.FixAt.IsValid() && res != nil && res.Mapping.Directive != nil {
		a.FixAt = res.Mapping.Directive.Pos()
	}
}

// trace lists what decided the answer: the server, the mapping, each
// section merged, the handler, the Require lines, a redirect.
func trace(res *scope.Result) []Step {
	var out []Step
	at := func(n ast.Node) string {
		if n == nil {
			return ""
		}
		if p := n.Pos(); p.IsValid() {
			return p.String()
		}
		return ""
	}
	server := "main server"
	if res.Server != nil && !res.Server.IsMain() {
		server = "<VirtualHost> " + res.Server.ServerName
	}
	st := Step{What: "server: " + server + " (chosen by " + res.How + ")"}
	if res.Server != nil && res.Server.Section != nil {
		st.At = at(res.Server.Section)
	}
	out = append(out, st)
	if m := res.Mapping; m.Kind != "" {
		st := Step{What: "mapping: " + m.Kind + " -> " + m.Filename}
		if m.Directive != nil {
			st.What = "mapping: " + m.Directive.Name + " " + strings.Join(m.Directive.Values(), " ") + " -> " + m.Filename
			st.At = at(m.Directive)
		}
		out = append(out, st)
	}
	for _, s := range res.Steps {
		switch {
		case s.Section != nil:
			w := s.Phase + ": <" + s.Section.Name + " " + s.Section.ArgText() + ">"
			if s.Note != "" {
				w += " — " + s.Note
			}
			out = append(out, Step{What: w, At: at(s.Section)})
		case s.File != "":
			out = append(out, Step{What: s.Phase + ": " + s.File})
		case s.Note != "":
			out = append(out, Step{What: s.Phase + ": " + s.Note})
		}
	}
	if res.HandlerBy != nil {
		out = append(out, Step{What: "handler: " + res.Handler + " (" + res.HandlerBy.Name + ")", At: at(res.HandlerBy)})
	}
	for _, e := range res.Effective() {
		if e.Name != "Require" && e.Name != "RewriteRule" {
			continue
		}
		for _, d := range e.By {
			out = append(out, Step{What: d.Name + " " + strings.Join(d.Values(), " "), At: at(d)})
		}
	}
	if rd := res.Mapping.Redirect; rd != nil && res.Mapping.Directive != nil {
		out = append(out, Step{What: "redirect: " + res.Mapping.Directive.Name + " " + strings.Join(res.Mapping.Directive.Values(), " "), At: at(res.Mapping.Directive)})
	}
	out = append(out, Step{What: "authorization: " + res.Authz.String()})
	return out
}

// handlerAnswer probes a built-in handler URL. The engine answers 404
// for it when no file of that name exists (it models the default
// handler's file check for every handler); mod_status, mod_info and the
// balancer manager need no file, so a granted request with that handler
// in force is answered by the module.
func handlerAnswer(s *scope.Server, opts Options, ti int, t *Target, p Probe, uri string) Answer {
	res := s.Request(scope.Request{Addr: t.addr, Port: t.port, Host: t.Host, Path: uri, Remote: opts.Remote},
		scope.RequestOptions{FS: whatif.FS(opts.FS)})
	a := fromResult(ti, p, "", res)
	// The engine answers the handler (scope's mod_status, mod_info,
	// balancer manager): loaded, it needs no file; not loaded, the name
	// falls to the default handler (the file, or 404).
	a.Exposed = a.Status == 200 && res.Handler == p.ID && s.Loaded(builtinHandlers[p.ID])
	finish(&a, p, t, res)
	return a
}

// handlerPaths are the URLs to probe for a built-in handler: its usual
// one and every <Location> that sets it, in the target's server or the
// main server.
func handlerPaths(s *scope.Server, t *Target, p Probe) []string {
	out := []string{p.Path}
	for _, v := range []*scope.VirtualHost{t.v, s.Main} {
		for _, n := range v.Body {
			sec, ok := n.(*ast.Section)
			if !ok || !sec.Is("Location") || len(sec.Args) != 1 {
				continue
			}
			for _, c := range sec.Body {
				if d, ok := c.(*ast.Directive); ok && d.Is("SetHandler") && len(d.Args) == 1 && strings.EqualFold(d.Args[0].Value, p.ID) {
					if u := sec.Args[0].Value; !slices.Contains(out, u) {
						out = append(out, u)
					}
				}
			}
		}
	}
	return out
}

// methodAnswer judges TRACE, WebDAV and forward proxying from the
// configuration in force for the target.
func methodAnswer(s *scope.Server, opts Options, ti int, t *Target, p Probe) Answer {
	a := Answer{Target: ti, Probe: p.ID, Method: p.Method, URL: p.Path}
	dirOwn := func(name string) *ast.Directive {
		for _, v := range []*scope.VirtualHost{t.v, s.Main} {
			var last *ast.Directive
			for _, n := range v.Body {
				if d, ok := n.(*ast.Directive); ok && d.Is(name) {
					last = d
				}
			}
			if last != nil {
				return last
			}
		}
		return nil
	}
	server := Step{What: "server: " + t.Server + " (chosen by " + t.How + ")", At: t.ServerAt}
	a.Trace = []Step{server}
	switch p.ID {
	case "trace":
		d := dirOwn("TraceEnable")
		if rule := refusesMethod(t.v, "TRACE"); rule != nil && (d == nil || !strings.EqualFold(argText(d), "off")) {
			a.Status, a.Reason = 403, "a RewriteRule with [F] refuses TRACE (RewriteCond %{REQUEST_METHOD})"
			a.Trace = append(a.Trace, Step{What: "RewriteRule " + strings.Join(rule.Values(), " "), At: rule.Pos().String()})
			break
		}
		if d == nil || len(d.Args) == 0 || !strings.EqualFold(d.Args[0].Value, "off") {
			a.Status, a.Handler, a.Exposed = 200, "core (TRACE)", true
			a.Reason = "TraceEnable is On (httpd's default) for this server: the request is echoed back"
			if d != nil {
				a.Reason = "TraceEnable " + d.Args[0].Value + " is in force for this server: the request is echoed back"
				a.Trace = append(a.Trace, Step{What: "TraceEnable " + strings.Join(d.Values(), " "), At: d.Pos().String()})
			} else {
				a.Trace = append(a.Trace, Step{What: "TraceEnable not set: httpd's default is On"})
			}
		} else {
			a.Status, a.Reason = 405, "TraceEnable Off: core answers 405"
			a.Trace = append(a.Trace, Step{What: "TraceEnable " + strings.Join(d.Values(), " "), At: d.Pos().String()})
		}
	case "webdav":
		a.Status, a.Reason = 405, "no Dav On is in force on any root of this server: no WebDAV provider answers"
		if !s.Loaded("dav_module") {
			a.Reason = "mod_dav is not loaded: no WebDAV provider answers"
			break
		}
		for _, r := range t.Roots {
			res := s.EffectiveAt(t.v, r.Dir, nil)
			d := res.Directive("Dav")
			if d == nil || len(d.Args) == 0 || strings.EqualFold(d.Args[0].Value, "off") {
				continue
			}
			a.URL = r.URL
			a.Trace = append(a.Trace, Step{What: "Dav " + strings.Join(d.Values(), " ") + " on " + r.Dir, At: d.Pos().String()})
			// Access is decided per method; the engine answers GET, so
			// the GET answer stands for PROPFIND here.
			get := s.Request(scope.Request{Addr: t.addr, Port: t.port, Host: t.Host, Path: r.URL, Remote: opts.Remote},
				scope.RequestOptions{FS: whatif.FS(opts.FS, path.Join(r.Dir, "x"))})
			a.Trace = append(a.Trace, trace(get)[1:]...)
			switch get.Authz {
			case scope.AuthzGranted:
				a.Status, a.Handler, a.Exposed = 207, "dav", true
				a.Reason = "Dav " + d.Args[0].Value + " is in force on " + r.Dir + " and a GET there is granted (a <Limit> on other methods is not modelled)"
			case scope.AuthzDeniedNoUser:
				a.Status, a.Reason = 401, "Dav is on and authentication is required"
			default:
				a.Status, a.Reason = 403, "Dav is on but access is denied"
			}
			break
		}
	case "forward-proxy":
		d := dirOwn("ProxyRequests")
		a.Status, a.Reason = 400, "ProxyRequests is Off (the default): a request for another host is not relayed"
		if d != nil {
			a.Trace = append(a.Trace, Step{What: "ProxyRequests " + strings.Join(d.Values(), " "), At: d.Pos().String()})
		}
		if d == nil || len(d.Args) == 0 || !strings.EqualFold(d.Args[0].Value, "on") || !s.Loaded("proxy_module") {
			break
		}
		if !s.Loaded("proxy_http_module") {
			a.Status, a.Reason = 500, "ProxyRequests On but mod_proxy_http is not loaded: no scheme handler for http://"
			break
		}
		restricted := proxySection(t.v, s.Main)
		if restricted != nil {
			a.Status, a.Reason = 403, "ProxyRequests On, limited by a <Proxy> section's Require"
			a.Trace = append(a.Trace, Step{What: "<Proxy " + restricted.ArgText() + ">", At: restricted.Pos().String()})
			break
		}
		a.Status, a.Handler, a.Exposed = 200, "proxy-server", true
		a.Reason = "ProxyRequests On and no <Proxy> section limits who may use it: an open forward proxy"
	}
	a.Trace = append(a.Trace, Step{What: "judged from the configuration: the engine answers GET requests; " + p.Method + " is not run through it"})
	finish(&a, p, t, nil)
	return a
}

// proxySection is a <Proxy>/<ProxyMatch> section with a Require line
// other than "all granted", in the vhost or the main server.
func proxySection(vs ...*scope.VirtualHost) *ast.Section {
	for _, v := range vs {
		for _, n := range v.Body {
			sec, ok := n.(*ast.Section)
			if !ok || !(sec.Is("Proxy") || sec.Is("ProxyMatch")) {
				continue
			}
			for _, c := range sec.Body {
				if d, ok := c.(*ast.Directive); ok && d.Is("Require") && !strings.EqualFold(strings.Join(d.Values(), " "), "all granted") {
					return sec
				}
			}
		}
	}
	return nil
}

func argText(d *ast.Directive) string { return strings.Join(d.Values(), " ") }

// refusesMethod finds, in a server's own configuration, a RewriteRule
// with [F] behind a RewriteCond %{REQUEST_METHOD} whose pattern names
// method (mod_rewrite runs for every method, TRACE included, before
// the core answers it).
func refusesMethod(v *scope.VirtualHost, method string) *ast.Directive {
	engine, cond := false, false
	for _, n := range v.Body {
		d, ok := n.(*ast.Directive)
		if !ok {
			continue
		}
		vals := d.Values()
		switch {
		case d.Is("RewriteEngine"):
			engine = len(vals) == 1 && strings.EqualFold(vals[0], "on")
		case d.Is("RewriteCond") && len(vals) >= 2:
			cond = strings.Contains(vals[0], "REQUEST_METHOD") && !strings.HasPrefix(vals[1], "!") &&
				strings.Contains(strings.ToUpper(vals[1]), method)
		case d.Is("RewriteRule"):
			if engine && cond && len(vals) >= 3 && strings.Contains(strings.ToUpper(vals[2]), "F") {
				return d
			}
			cond = false
		}
	}
	return nil
}
