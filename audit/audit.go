// Package audit answers what every virtual host would hand out: for each
// way a request reaches a server (each address, each name, each
// address's default server) and each directory a URL reaches (the
// document root, Alias and ScriptAlias targets, UserDir homes), it asks
// the request engine a catalogue of probe requests — VCS metadata,
// .htaccess/.htpasswd, .env, editor and backup copies, dependency
// manifests, .DS_Store, server-status/server-info/balancer-manager,
// directory listings, script source without its handler — with the
// probed file assumed to exist (package whatif), and judges the methods a
// GET cannot show (TRACE, WebDAV, forward proxying) from the
// configuration in force. Each answer carries the status, handler, file,
// the directives that decided it and, when something is exposed, a fix.
//
//	rep, err := audit.Run(ctx, server, audit.Options{FS: os.DirFS("/")})
//	rep.WriteHTML(w) // or WriteText, WriteJSON, WriteSARIF
package audit

import (
	"context"
	"fmt"
	"io/fs"
	"net/netip"
	"path"
	"sort"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/scope"
	"github.com/apacheconf/apacheconf/whatif"
)

// Options control Run.
type Options struct {
	// FS is the file system the configuration's absolute paths refer to
	// (rooted at "/"); the probed files are laid over it. nil: only the
	// probed files exist.
	FS fs.FS
	// Remote is the client the probes come from. Default 203.0.113.7 (a
	// documentation address): a visitor from the Internet, so that
	// "Require local" and "Require ip 10.0.0.0/8" count as protection.
	Remote netip.Addr
	// Users are account names whose UserDir homes are probed (/~name/).
	// Default: the names the configuration mentions in UserDir enabled
	// lines and in <Directory /home/NAME…> sections.
	Users []string
	// Lint, when set, are the lint diagnostics (a profile's) to carry in
	// the report beside the probe findings.
	Lint []lint.Diagnostic
	// Servers, when set, keeps only the targets answered by a server of
	// one of these names (ServerName or ServerAlias, any case): one
	// customer's report on a shared server.
	Servers []string
}

// Target is one way a request reaches a server.
type Target struct {
	// Label names it for people: "www.example.com on *:80", or
	// "default server of *:80".
	Label string `json:"label"`
	// Server is the ServerName of the server the engine selected, and
	// ServerAt where it is defined ("" for the main server).
	Server   string `json:"server"`
	ServerAt string `json:"server_at,omitempty"`
	Address  string `json:"address"`
	Host     string `json:"host"`
	// How the server was selected (scope.Selection.How).
	How   string `json:"how"`
	Roots []Root `json:"roots"`

	addr netip.Addr
	port int
	v    *scope.VirtualHost
}

// Root is a directory a URL prefix reaches.
type Root struct {
	URL string `json:"url"` // "/", "/static/", "/~alice/"
	Dir string `json:"dir"`
	By  string `json:"by"` // the directive that maps it, with position
}

// Answer is what httpd would do with one probe request.
type Answer struct {
	Target   int    `json:"target"` // index in Report.Targets
	Probe    string `json:"probe"`  // Probe.ID
	Root     string `json:"root"`   // Root.URL the probe was made under ("" for server-wide probes)
	Method   string `json:"method"`
	URL      string `json:"url"`
	Status   int    `json:"status"` // 0: cannot be decided statically
	Handler  string `json:"handler,omitempty"`
	File     string `json:"file,omitempty"`
	Reason   string `json:"reason"`
	Exposed  bool   `json:"exposed"`
	Severity string `json:"severity,omitempty"` // for exposed answers: error, warning, info
	Trace    []Step `json:"trace"`
	Fix      string `json:"fix,omitempty"`
	// FixAt is where the fix goes (the server's definition or the
	// directive to change).
	FixAt ast.Position `json:"-"`
}

// Step is one directive or section that took part in the answer.
type Step struct {
	What string `json:"what"`
	At   string `json:"at,omitempty"`
}

// Report is the audit of one configuration.
type Report struct {
	Targets []Target          `json:"targets"`
	Probes  []Probe           `json:"probes"`
	Answers []Answer          `json:"answers"`
	Lint    []lint.Diagnostic `json:"-"`
}

// Exposures are the answers that hand something out.
func (r *Report) Exposures() []Answer {
	var out []Answer
	for _, a := range r.Answers {
		if a.Exposed {
			out = append(out, a)
		}
	}
	return out
}

// Max is the highest severity among exposures and lint findings.
func (r *Report) Max() lint.Severity {
	m := lint.Max(r.Lint)
	for _, a := range r.Exposures() {
		if s, err := lint.ParseSeverity(a.Severity); err == nil && s > m {
			m = s
		}
	}
	return m
}

// Run audits the server built from a configuration.
func Run(ctx context.Context, s *scope.Server, opts Options) (*Report, error) {
	if s == nil {
		return nil, fmt.Errorf("audit: no server")
	}
	if !opts.Remote.IsValid() {
		opts.Remote = netip.MustParseAddr("203.0.113.7")
	}
	if opts.Users == nil {
		opts.Users = configuredUsers(s)
	}
	rep := &Report{Probes: Catalogue(), Lint: opts.Lint}
	rep.Targets = targets(s, opts)
	for ti := range rep.Targets {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t := &rep.Targets[ti]
		for _, p := range rep.Probes {
			rep.Answers = append(rep.Answers, probe(s, opts, ti, t, p)...)
		}
	}
	return rep, nil
}

// targets lists each address × name of every virtual host, then each
// address's default server (the main server when there is none).
func targets(s *scope.Server, opts Options) []Target {
	var out []Target
	seen := map[string]bool{}
	add := func(addr netip.Addr, port int, addrText, host, label string) {
		key := fmt.Sprintf("%s|%d|%s", addr, port, strings.ToLower(host))
		if seen[key] {
			return
		}
		seen[key] = true
		sel := s.SelectVHost(addr, port, host)
		if !wanted(sel.Server, opts.Servers) {
			return
		}
		t := Target{Label: label, Server: sel.Server.ServerName, Address: addrText, Host: host, How: sel.How,
			addr: addr, port: port, v: sel.Server}
		if p := sel.Server.Pos(); p.IsValid() {
			t.ServerAt = p.String()
		}
		t.Roots = roots(s, &t, opts)
		out = append(out, t)
	}
	type addrKey struct {
		ip   netip.Addr
		port int
		text string
	}
	var addrs []addrKey
	seenAddr := map[string]bool{}
	for _, v := range s.VHosts {
		for _, a := range v.Addrs {
			ip, port := a.IP, a.Port
			if !ip.IsValid() || ip.IsUnspecified() {
				ip = netip.MustParseAddr("127.0.0.1")
			}
			if port == 0 {
				port = 80
			}
			text := fmt.Sprintf("%s:%d", a.Text, port)
			if !seenAddr[text] {
				seenAddr[text] = true
				addrs = append(addrs, addrKey{ip, port, text})
			}
			names := append([]string{v.ServerName}, v.Aliases...)
			for _, n := range names {
				if n != "" {
					add(ip, port, text, n, n+" on "+text)
				}
			}
		}
	}
	for _, a := range addrs {
		// A name no server holds: the address's first virtual host answers.
		add(a.ip, a.port, a.text, "unknown.invalid", "default server of "+a.text)
	}
	if len(s.VHosts) == 0 {
		add(netip.MustParseAddr("127.0.0.1"), 80, "*:80", "localhost", "main server")
	}
	return out
}

// wanted reports whether v is one of the servers named (all when none).
func wanted(v *scope.VirtualHost, names []string) bool {
	if len(names) == 0 {
		return true
	}
	for _, n := range names {
		if strings.EqualFold(n, v.ServerName) {
			return true
		}
		for _, a := range v.Aliases {
			if strings.EqualFold(n, a) {
				return true
			}
		}
	}
	return false
}

// roots are the directories URLs of t reach: the document root, every
// Alias/ScriptAlias target, the UserDir homes of opts.Users. Each is
// asked of the engine (translate_name), so overlapping aliases and
// UserDir rules resolve as httpd resolves them.
func roots(s *scope.Server, t *Target, opts Options) []Root {
	var out []Root
	seen := map[string]bool{}
	add := func(prefix string) {
		if seen[prefix] {
			return
		}
		seen[prefix] = true
		// A name under the prefix, not the prefix itself: a directory's
		// request becomes its DirectoryIndex file's.
		const probeName = "apacheconf-audit-probe"
		res := s.Request(scope.Request{Addr: t.addr, Port: t.port, Host: t.Host, Path: prefix + probeName, Remote: opts.Remote},
			scope.RequestOptions{FS: whatif.FS(opts.FS)})
		m := res.Mapping
		if m.Redirect != nil || m.Status != 0 || !strings.HasSuffix(m.Filename, "/"+probeName) {
			return
		}
		dir := strings.TrimSuffix(m.Filename, probeName)
		by := "DocumentRoot"
		if m.Directive != nil {
			by = m.Directive.Name + " at " + m.Directive.Pos().String()
		}
		out = append(out, Root{URL: prefix, Dir: path.Clean(dir) + "/", By: by})
	}
	add("/")
	for _, v := range []*scope.VirtualHost{t.v, s.Main} {
		for _, n := range v.Body {
			d, ok := n.(*ast.Directive)
			if !ok || len(d.Args) != 2 || !(d.Is("Alias") || d.Is("ScriptAlias")) {
				continue
			}
			p := d.Args[0].Value
			if !strings.HasSuffix(p, "/") {
				p += "/"
			}
			add(p)
		}
	}
	if s.Loaded("userdir_module") {
		for _, u := range opts.Users {
			add("/~" + u + "/")
		}
	}
	return out
}

// configuredUsers are account names the configuration mentions: UserDir
// enabled lists and <Directory /home/NAME...> sections.
func configuredUsers(s *scope.Server) []string {
	seen := map[string]bool{}
	var out []string
	add := func(u string) {
		if u != "" && !strings.ContainsAny(u, "*?[") && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	for _, v := range append([]*scope.VirtualHost{s.Main}, s.VHosts...) {
		for _, n := range v.Body {
			switch n := n.(type) {
			case *ast.Directive:
				if vals := n.Values(); n.Is("UserDir") && len(vals) > 1 && strings.EqualFold(vals[0], "enabled") {
					for _, u := range vals[1:] {
						add(u)
					}
				}
			case *ast.Section:
				if n.Is("Directory") && len(n.Args) == 1 && strings.HasPrefix(n.Args[0].Value, "/home/") {
					add(strings.Split(strings.TrimPrefix(n.Args[0].Value, "/home/"), "/")[0])
				}
			}
		}
	}
	sort.Strings(out)
	return out
}
