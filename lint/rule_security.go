package lint

import (
	"fmt"
	"path"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/scope"
)

// OptionsIndexes reports document roots where Options Indexes is in
// force: with mod_autoindex, a directory without an index file lists its
// contents (backups, .git, uploads).
var OptionsIndexes = register(&Analyzer{
	ID:       "AC5001",
	Name:     "options-indexes",
	Doc:      "Options Indexes is in force on a document root",
	Severity: Warning,
	Run:      runOptionsIndexes,
})

func runOptionsIndexes(p *Pass) {
	if p.Server == nil {
		return
	}
	// Only an Options line of the main server or of the server itself
	// can turn Indexes on at a document root (no .htaccess is read), and
	// a finding needs one: servers without such a line are not walked.
	mainEnables := false
	enables := map[*scope.VirtualHost]bool{}
	p.Directives(func(d *ast.Directive, parents []*ast.Section) {
		if !enablesIndexes(d) {
			return
		}
		if v := p.serverOf(parents); v == p.Server.Main {
			mainEnables = true
		} else {
			enables[v] = true
		}
	}, "Options")
	servers := append([]*scope.VirtualHost{p.Server.Main}, p.Server.VHosts...)
	seen := map[string]bool{}
	for _, v := range servers {
		roots := documentRoots(v)
		if len(roots) == 0 || !mainEnables && !enables[v] {
			continue
		}
		d := roots[len(roots)-1]
		root := path.Clean(d.Args[0].Value)
		// Most roots have no Indexes: the light query says so without
		// building a Result.
		if p.Server.OptionsAt(v, root)&scope.OptIndexes == 0 {
			continue
		}
		r := p.Server.EffectiveAt(v, root, nil)
		if r.Options&scope.OptIndexes == 0 {
			continue
		}
		var by *ast.Directive
		for _, e := range r.Effective() {
			if e.Name == "Options" {
				for _, b := range e.By {
					if strings.Contains(strings.ToLower(strings.Join(b.Values(), " ")), "indexes") || strings.EqualFold(strings.Join(b.Values(), " "), "all") {
						by = b
					}
				}
			}
		}
		if by == nil {
			continue // the default; httpd 2.4's default is FollowSymlinks only
		}
		k := fmt.Sprintf("%p", by)
		if seen[k] {
			continue
		}
		seen[k] = true
		var fixes []SuggestedFix
		if vals := withoutIndexes(by.Values()); vals != nil {
			fixes = append(fixes, ReplaceArgs("drop Indexes", by, vals...))
		}
		p.Report(Diagnostic{Pos: by.Pos(), End: endOfLine(by), Fixes: fixes,
			Message: fmt.Sprintf("Options Indexes is in force on the document root %s of %s (DocumentRoot at %s:%d): directories without an index file are listed", root, serverLabel(v), d.Pos().Filename, d.Pos().Line)})
	}
}

// enablesIndexes reports whether an Options line can turn Indexes on:
// a word Indexes or +Indexes, or All (set_options).
func enablesIndexes(d *ast.Directive) bool {
	for _, a := range d.Args {
		w := strings.TrimPrefix(a.Value, "+")
		if strings.EqualFold(w, "indexes") || strings.EqualFold(w, "all") {
			return true
		}
	}
	return false
}

// withoutIndexes removes Indexes from an Options line; nil when that
// cannot be done by deleting a word.
func withoutIndexes(vals []string) []string {
	var out []string
	removed := false
	for _, v := range vals {
		if strings.EqualFold(v, "Indexes") || strings.EqualFold(v, "+Indexes") {
			removed = true
			continue
		}
		out = append(out, v)
	}
	if !removed {
		return nil
	}
	if len(out) == 0 {
		return []string{"None"}
	}
	return out
}

// RequireAllGrantedRoot reports Require all granted in <Directory />:
// every file of the machine httpd can read becomes servable through any
// Alias, symlink or misconfigured DocumentRoot.
var RequireAllGrantedRoot = register(&Analyzer{
	ID:       "AC5002",
	Name:     "require-all-granted-root",
	Doc:      "<Directory /> grants access to the whole file system",
	Severity: Error,
	Run:      runRequireAllGrantedRoot,
})

func runRequireAllGrantedRoot(p *Pass) {
	p.Walk(func(n ast.Node, parents []*ast.Section) bool {
		s, ok := n.(*ast.Section)
		if !ok || !s.Is("Directory") || len(s.Args) != 1 || path.Clean(s.Args[0].Value) != "/" {
			return true
		}
		for _, c := range s.Body {
			if d, ok := c.(*ast.Directive); ok && d.Is("Require") && len(d.Args) == 2 &&
				strings.EqualFold(d.Args[0].Value, "all") && strings.EqualFold(d.Args[1].Value, "granted") {
				p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d),
					Message: "Require all granted on <Directory /> opens the whole file system; deny there and grant per directory",
					Fixes:   []SuggestedFix{ReplaceArgs("deny by default", d, "all", "denied")}})
			}
		}
		return false
	})
}

// userContent reports whether a directory holds content users write:
// home directories, public_html and UserDir directories.
func userContent(dir string, userDirs []string) bool {
	dir = path.Clean(dir)
	if dir == "/home" || strings.HasPrefix(dir, "/home/") || strings.Contains(dir, "public_html") {
		return true
	}
	for _, u := range userDirs {
		if u != "" && !strings.EqualFold(u, "disabled") && !strings.EqualFold(u, "enabled") && strings.Contains(dir, strings.Trim(u, "/")) {
			return true
		}
	}
	return false
}

// AllowOverrideAllUserContent reports AllowOverride All where users write
// content: their .htaccess may then set Options, handlers (run any file
// as CGI), mod_rewrite rules and, with mod_wsgi, the daemon group.
var AllowOverrideAllUserContent = register(&Analyzer{
	ID:       "AC5003",
	Name:     "allowoverride-all-user-content",
	Doc:      "AllowOverride All on directories users write to",
	Severity: Warning,
	Run:      runAllowOverrideAllUserContent,
})

func runAllowOverrideAllUserContent(p *Pass) {
	var userDirs []string
	p.Directives(func(d *ast.Directive, _ []*ast.Section) {
		for _, a := range d.Args {
			userDirs = append(userDirs, a.Value)
		}
	}, "UserDir")
	p.Walk(func(n ast.Node, parents []*ast.Section) bool {
		s, ok := n.(*ast.Section)
		if !ok || !(s.Is("Directory") || s.Is("DirectoryMatch")) || len(s.Args) == 0 {
			return true
		}
		dir := s.Args[len(s.Args)-1].Value
		if !userContent(dir, userDirs) {
			return true
		}
		for _, c := range s.Body {
			if d, ok := c.(*ast.Directive); ok && d.Is("AllowOverride") && len(d.Args) >= 1 && strings.EqualFold(d.Args[0].Value, "All") {
				p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d),
					Message: fmt.Sprintf("AllowOverride All on %s, where users write content: their .htaccess can change Options, handlers and rewriting; admit only the classes they need (e.g. AuthConfig FileInfo)", dir)})
			}
		}
		return true
	})
}

// serverDirectives reports each directive named name of the main server
// or a virtual host (not in <Directory> and friends) whose first argument
// is one of bad.
func serverSetting(p *Pass, name string, bad []string, fix string, msg string) {
	p.Directives(func(d *ast.Directive, parents []*ast.Section) {
		if len(d.Args) == 0 {
			return
		}
		for _, b := range bad {
			if strings.EqualFold(d.Args[0].Value, b) {
				var fixes []SuggestedFix
				if fix != "" {
					fixes = append(fixes, ReplaceArgs(name+" "+fix, d, fix))
				}
				p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d), Message: fmt.Sprintf(msg, d.Args[0].Value), Fixes: fixes})
				return
			}
		}
	}, name)
}

// ServerTokensFull reports ServerTokens Full (the Server header names the
// OS and every module's version).
var ServerTokensFull = register(&Analyzer{
	ID:       "AC5004",
	Name:     "server-tokens",
	Doc:      "ServerTokens Full advertises module versions",
	Severity: Info,
	Run:      runServerTokensFull,
})

func runServerTokensFull(p *Pass) {
	serverSetting(p, "ServerTokens", []string{"Full"}, "Prod", "ServerTokens %s puts the OS and every module's version in the Server header; use Prod")
}

// ServerSignatureOn reports ServerSignature On/EMail.
var ServerSignatureOn = register(&Analyzer{
	ID:       "AC5005",
	Name:     "server-signature",
	Doc:      "ServerSignature On adds the server version to error pages",
	Severity: Info,
	Run:      runServerSignatureOn,
})

func runServerSignatureOn(p *Pass) {
	serverSetting(p, "ServerSignature", []string{"On", "EMail"}, "Off", "ServerSignature %s adds the server version (and host name) to generated pages; use Off")
}

// TraceEnableOn reports TraceEnable On/extended.
var TraceEnableOn = register(&Analyzer{
	ID:       "AC5006",
	Name:     "trace-enable",
	Doc:      "TraceEnable On answers TRACE requests",
	Severity: Warning,
	Run:      runTraceEnableOn,
})

func runTraceEnableOn(p *Pass) {
	serverSetting(p, "TraceEnable", []string{"On", "extended"}, "Off", "TraceEnable %s echoes requests back (cross-site tracing); use Off")
}

// weakProtocols are protocol names SSLProtocol must not enable.
var weakProtocols = []string{"sslv2", "sslv3", "tlsv1", "tlsv1.1"}

// weakCiphers are cipher-string words that admit broken suites.
var weakCiphers = []string{"null", "enull", "anull", "export", "exp", "des", "3des", "rc4", "md5", "low", "medium", "adh", "aecdh"}

// WeakTLS reports SSLProtocol lines that enable SSL 3.0, TLS 1.0 or 1.1,
// and SSLCipherSuite strings that admit NULL, export, DES/3DES, RC4, MD5
// or anonymous suites.
var WeakTLS = register(&Analyzer{
	ID:       "AC5007",
	Name:     "weak-tls",
	Doc:      "SSLProtocol or SSLCipherSuite admits broken protocols or ciphers",
	Severity: Warning,
	Run:      runWeakTLS,
})

func runWeakTLS(p *Pass) {
	p.Directives(func(d *ast.Directive, _ []*ast.Section) {
		if d.Is("SSLProtocol") || d.Is("SSLProxyProtocol") {
			on := sslProtocols(d)
			var weak []string
			for _, w := range weakProtocols {
				if on[w] {
					weak = append(weak, w)
				}
			}
			if len(weak) > 0 {
				p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d),
					Message: fmt.Sprintf("%s enables %s; allow TLS 1.2 and newer only", d.Name, strings.Join(weak, ", ")),
					Fixes:   []SuggestedFix{ReplaceArgs("TLS 1.2 and newer", d, "-all", "+TLSv1.2", "+TLSv1.3")}})
			}
			return
		}
		// SSLCipherSuite [protocol] cipher-spec
		weak := weakCipherWords(d.Args[len(d.Args)-1].Value)
		if len(weak) > 0 {
			p.Report(Diagnostic{Pos: d.Pos(), End: endOfLine(d),
				Message: fmt.Sprintf("SSLCipherSuite admits weak ciphers (%s); use e.g. HIGH:!aNULL:!MD5:!3DES or Mozilla's intermediate list", strings.Join(weak, ", "))})
		}
	}, "SSLProtocol", "SSLProxyProtocol", "SSLCipherSuite", "SSLProxyCipherSuite")
}

// sslProtocols is the set of protocols an SSLProtocol line enables, as
// ssl_cmd_protocol_parse builds it (lower case names; "all" expanded).
func sslProtocols(d *ast.Directive) map[string]bool {
	on := map[string]bool{}
	for _, a := range d.Args {
		w := strings.ToLower(a.Value)
		sign := byte('+')
		if w != "" && (w[0] == '+' || w[0] == '-') {
			sign, w = w[0], w[1:]
		}
		set := []string{w}
		if w == "all" {
			// "all" is +TLSv1 +TLSv1.1 +TLSv1.2 +TLSv1.3 in 2.4 (SSLv3 only where OpenSSL has it)
			set = []string{"tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3"}
		}
		if a.Value != "" && a.Value[0] != '+' && a.Value[0] != '-' {
			on = map[string]bool{} // a word without a sign replaces the set (ssl_cmd_protocol_parse)
		}
		for _, s := range set {
			on[s] = sign == '+'
		}
	}
	return on
}

// weakCipherWords lists the words of an OpenSSL cipher string that admit
// NULL, export, DES/3DES, RC4, MD5, anonymous or low/medium suites.
func weakCipherWords(spec string) []string {
	var weak []string
	for _, part := range strings.FieldsFunc(spec, func(r rune) bool { return r == ':' || r == ',' || r == ' ' }) {
		if part == "" || part[0] == '!' || part[0] == '-' {
			continue
		}
		for _, w := range strings.Split(strings.TrimPrefix(part, "+"), "+") {
			for _, bad := range weakCiphers {
				lw := strings.ToLower(w)
				if lw == bad || strings.HasPrefix(lw, bad+"-") || strings.Contains(lw, "-"+bad+"-") || strings.HasSuffix(lw, "-"+bad) || (bad == "rc4" && strings.Contains(lw, "rc4")) {
					weak = append(weak, w)
				}
			}
		}
	}
	return weak
}
