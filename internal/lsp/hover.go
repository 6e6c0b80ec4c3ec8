package lsp

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
)

func (s *server) hover(ctx context.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	d, ok := s.document(p.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	c := s.cursorAt(d, p.Position)
	if c.node == nil {
		return nil, nil
	}
	snap := s.snapshotFor(ctx, d.path)
	var b strings.Builder
	switch n := c.node.(type) {
	case *ast.Directive:
		s.describeDirective(&b, n.Name, snap)
		if wsgiGroupDirective(n) {
			s.describeGroups(&b, snap, c, n)
		}
		s.describeInForce(&b, snap, c, n.Name)
	case *ast.Section:
		s.describeDirective(&b, "<"+n.Name, snap)
		if c.header {
			s.describeSection(&b, snap, c, n)
		}
	default:
		return nil, nil
	}
	r := d.text.nodeRange(c.node)
	if sec, ok := c.node.(*ast.Section); ok {
		start := d.text.lineStart(sec.Pos().Offset)
		r = d.text.rng(sec.Pos().Offset, start+len(trimEOL(sec.Raw)))
	}
	return &protocol.Hover{
		Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: b.String()},
		Range:    &r,
	}, nil
}

// describeDirective writes what the registry knows of a directive.
func (s *server) describeDirective(b *strings.Builder, name string, snap *snapshot) {
	info, ok := directive.Lookup(name)
	if !ok {
		fmt.Fprintf(b, "**%s**: not a directive of httpd %s, its Debian modules or mod_wsgi.", name, httpdVersion())
		if sug := directive.Suggest(name); sug != "" {
			fmt.Fprintf(b, " Did you mean `%s`?", sug)
		}
		b.WriteString("\n")
		return
	}
	fmt.Fprintf(b, "**%s** — module `%s` (`%s`)", strings.TrimPrefix(info.Name, "<"), info.Module, info.ModuleID)
	switch {
	case info.Builtin:
		b.WriteString(", compiled in\n\n")
	case snap == nil || snap.prog == nil || snap.prog.Server == nil:
		b.WriteString("\n\n")
	case directive.Defined(info.Name, snap.prog.Server.Loaded):
		b.WriteString(", loaded\n\n")
	default:
		fmt.Fprintf(b, ", **not loaded** in this configuration: httpd refuses the directive without `LoadModule %s …`\n\n", info.ModuleID)
	}
	if info.Usage != "" {
		fmt.Fprintf(b, "%s\n\n", info.Usage)
	}
	lo, hi := info.MinArgs(), info.MaxArgs()
	switch {
	case info.Section:
		fmt.Fprintf(b, "- Syntax: `<%s …> … </%s>`\n", strings.TrimPrefix(info.Name, "<"), strings.TrimPrefix(info.Name, "<"))
	case hi < 0:
		fmt.Fprintf(b, "- Arguments: %s, at least %d\n", info.Args, lo)
	case lo == hi:
		fmt.Fprintf(b, "- Arguments: %s, exactly %d\n", info.Args, lo)
	default:
		fmt.Fprintf(b, "- Arguments: %s, %d to %d\n", info.Args, lo, hi)
	}
	fmt.Fprintf(b, "- Context: %s\n", contexts(info))
	if o := info.Override & directive.OrAll; o != 0 {
		fmt.Fprintf(b, "- AllowOverride: %s\n", o)
	} else {
		b.WriteString("- AllowOverride: none admits it in .htaccess\n")
	}
	if u := docURL(info); u != "" {
		fmt.Fprintf(b, "- Documentation: %s\n", u)
	}
}

func httpdVersion() string {
	h, _ := directive.Versions()
	return h
}

// contexts names where a directive may appear, as httpd's manual does.
func contexts(info *directive.Info) string {
	var out []string
	if info.InServer() {
		out = append(out, "server config")
		if info.NotIn&directive.NotInVirtualHost == 0 {
			out = append(out, "virtual host")
		}
	}
	if info.InDirectory() {
		out = append(out, "directory")
	}
	if info.InHTAccess() {
		out = append(out, ".htaccess")
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// docURL is the directive's page in httpd's or mod_wsgi's manual.
func docURL(info *directive.Info) string {
	anchor := strings.ToLower(strings.TrimPrefix(info.Name, "<"))
	mod := strings.TrimSuffix(info.Module, ".c")
	switch {
	case mod == "mod_wsgi":
		return "https://modwsgi.readthedocs.io/en/master/configuration-directives/" + strings.TrimPrefix(info.Name, "<") + ".html"
	case mod == "core" || mod == "http_core":
		mod = "core"
	case strings.HasPrefix(info.ModuleID, "mpm_"):
		mod = "mpm_common"
	}
	return "https://httpd.apache.org/docs/2.4/mod/" + mod + ".html#" + anchor
}

// describeInForce writes the merged value of a directive where the
// cursor is: a <Directory>'s path, or the server's DocumentRoot.
func (s *server) describeInForce(b *strings.Builder, snap *snapshot, c *cursor, name string) {
	v, dir, sec := s.placeOf(snap, c)
	if v == nil {
		return
	}
	if sec != nil && dir == "" {
		fmt.Fprintf(b, "\nIn force here: `<%s %s>` is merged per request; ask `apacheconf resolve` with a URL.\n", sec.Name, sec.ArgText())
		return
	}
	where := "directory " + dir
	if isHTAccess(c.doc.path) {
		where += " (with its .htaccess files)"
	}
	if dir == "" {
		dir = documentRoot(v, snap.prog.Server)
		if dir == "" {
			return
		}
		where = "the DocumentRoot " + dir
	}
	r := snap.prog.Server.EffectiveAt(v, dir, s.ws.programFS())
	var lines []string
	for _, e := range r.Effective() {
		if !strings.EqualFold(e.Name, name) {
			continue
		}
		lines = append(lines, s.effectiveLine(e))
	}
	fmt.Fprintf(b, "\nIn force for %s%s:\n", where, serverLabel(v))
	if len(lines) == 0 {
		fmt.Fprintf(b, "- `%s` is not set there (its default applies)\n", name)
	}
	for _, l := range lines {
		b.WriteString(l)
	}
}

func serverLabel(v *scope.VirtualHost) string {
	if v.IsMain() {
		return " (main server)"
	}
	return fmt.Sprintf(" (virtual host %s)", v.ServerName)
}

func (s *server) effectiveLine(e scope.Effective) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- `%s", e.Name)
	if len(e.Values) > 0 {
		fmt.Fprintf(&b, " %s", strings.Join(e.Values, " "))
	}
	b.WriteString("`")
	if e.Key != "" {
		fmt.Fprintf(&b, " for `%s`", e.Key)
	}
	if len(e.By) > 0 {
		var at []string
		for _, d := range e.By {
			at = append(at, s.shortPos(d.Pos()))
		}
		fmt.Fprintf(&b, " — set at %s", strings.Join(at, ", "))
	}
	if e.Rule != "" && e.Rule != scope.RuleInnermost {
		fmt.Fprintf(&b, " (%s)", e.Rule)
	}
	b.WriteString("\n")
	return b.String()
}

// shortPos is file:line, relative to the workspace when inside it.
func (s *server) shortPos(p ast.Position) string {
	name := s.ws.onDisk(p.Filename)
	if s.ws.rootDir != "" {
		if rel, err := filepath.Rel(s.ws.rootDir, name); err == nil && !strings.HasPrefix(rel, "..") {
			name = rel
		}
	}
	return fmt.Sprintf("%s:%d", name, p.Line)
}

// documentRoot is a server's DocumentRoot (its own, else the main
// server's).
func documentRoot(v *scope.VirtualHost, srv *scope.Server) string {
	for _, body := range [][]ast.Node{v.Body, srv.Main.Body} {
		root := ""
		for _, n := range body {
			if d, ok := n.(*ast.Directive); ok && d.Is("DocumentRoot") && len(d.Args) == 1 {
				root = d.Args[0].Value
			}
		}
		if root != "" {
			return root
		}
	}
	return ""
}

// describeSection writes what is in force in a <Directory> or
// <VirtualHost>.
func (s *server) describeSection(b *strings.Builder, snap *snapshot, c *cursor, sec *ast.Section) {
	v := s.vhostOf(snap, c)
	if v == nil {
		return
	}
	var dir, where string
	switch sec.Canonical() {
	case "directory":
		dir, _ = directoryOf(c)
		where = "directory " + dir
	case "virtualhost":
		fmt.Fprintf(b, "\nServer **%s** on %s", v.ServerName, addrs(v))
		if len(v.Aliases)+len(v.WildAliases) > 0 {
			fmt.Fprintf(b, ", aliases %s", strings.Join(append(slices.Clone(v.Aliases), v.WildAliases...), " "))
		}
		b.WriteString("\n")
		dir = documentRoot(v, snap.prog.Server)
		where = "the DocumentRoot " + dir
	default:
		return
	}
	if dir == "" {
		return
	}
	r := snap.prog.Server.EffectiveAt(v, dir, s.ws.programFS())
	eff := r.Effective()
	fmt.Fprintf(b, "\nIn force for %s%s (%d directives):\n", where, serverLabel(v), len(eff))
	const most = 60
	for i, e := range eff {
		if i == most {
			fmt.Fprintf(b, "- … %d more\n", len(eff)-most)
			break
		}
		b.WriteString(s.effectiveLine(e))
	}
}

func addrs(v *scope.VirtualHost) string {
	var out []string
	for _, a := range v.Addrs {
		out = append(out, a.String())
	}
	return strings.Join(out, " ")
}

// wsgiGroupDirective reports whether a directive chooses a daemon group.
func wsgiGroupDirective(d *ast.Directive) bool {
	if d.Is("WSGIProcessGroup") {
		return true
	}
	for _, a := range d.Args {
		if strings.HasPrefix(a.Value, "process-group=") {
			return true
		}
	}
	return false
}

// groupValue is the group a directive names (WSGIProcessGroup's
// argument, process-group=), possibly %{ENV:NAME}.
func groupValue(d *ast.Directive) string {
	if d.Is("WSGIProcessGroup") && len(d.Args) > 0 {
		return d.Args[0].Value
	}
	for _, a := range d.Args {
		if g, ok := strings.CutPrefix(a.Value, "process-group="); ok {
			return g
		}
	}
	return ""
}

// describeGroups writes which daemon groups a request where the
// directive applies can reach, and mod_wsgi's verdict on each.
func (s *server) describeGroups(b *strings.Builder, snap *snapshot, c *cursor, d *ast.Directive) {
	v := s.vhostOf(snap, c)
	if v == nil || snap.prog.Inventory == nil {
		return
	}
	inv := snap.prog.Inventory
	value := groupValue(d)
	fsys := s.ws.programFS()
	_, dir, _ := s.placeOf(snap, c)
	if dir == "" {
		dir = documentRoot(v, snap.prog.Server)
	}
	var r *scope.Result
	if dir != "" {
		r = snap.prog.Server.EffectiveAt(v, dir, fsys)
	}
	b.WriteString("\n**Daemon process groups**")
	if name, ok := envName(value); ok {
		fmt.Fprintf(b, " — chosen by `%%{ENV:%s}` at request time\n\n", name)
		name := s.ws.inConfig(c.doc.path)
		any := false
		for _, e := range inv.Audit(snap.prog.Server, fsys) {
			if e.VHost != v || (e.ProcessGroup != nil && !samePos(e.ProcessGroup, name, d.Pos().Offset) && !inSection(e.Directory, name, c)) {
				continue
			}
			any = true
			fmt.Fprintf(b, "- `%s`: a .htaccess can set %s and reach **%s**", e.Path, e.Variable, strings.Join(e.Reachable, ", "))
			switch {
			case e.Restrict != nil:
				fmt.Fprintf(b, "; WSGIRestrictProcess at %s keeps out %s", s.shortPos(e.Restrict.Pos()), listOr(e.Rejected, "nothing"))
			case len(e.Reachable) > 1:
				b.WriteString("; no WSGIRestrictProcess: **any of them** (AC4006)")
			}
			b.WriteString("\n")
		}
		if r != nil {
			if ev, ok := r.LookupEnv(name); ok {
				fmt.Fprintf(b, "- without .htaccess, in %s: %s=%s", dir, ev.Name, ev.Value)
				if ev.By != nil {
					fmt.Fprintf(b, " (set at %s)", s.shortPos(ev.By.Pos()))
				}
				fmt.Fprintf(b, " → %s\n", s.verdict(inv, v, r, ev.Value))
			} else if !any {
				fmt.Fprintf(b, "- in %s nothing sets %s: mod_wsgi answers 500 (the group name expands to empty)\n", dir, name)
			}
		}
		return
	}
	b.WriteString("\n\n")
	fmt.Fprintf(b, "- `%s` → %s\n", value, s.verdict(inv, v, r, value))
	var names []string
	for _, g := range inv.Selectable(v) {
		names = append(names, g.Name)
	}
	fmt.Fprintf(b, "- selectable from %s: %s\n", v.ServerName, listOr(names, "none"))
}

// inSection reports whether the <Directory> audited is around the cursor.
func inSection(sec *ast.Section, file string, c *cursor) bool {
	for _, p := range c.parents {
		if samePos(sec, file, p.Pos().Offset) {
			return true
		}
	}
	return false
}

func envName(v string) (string, bool) {
	if name, ok := strings.CutPrefix(v, "%{ENV:"); ok && strings.HasSuffix(name, "}") {
		return strings.TrimSuffix(name, "}"), true
	}
	return "", false
}

func listOr(xs []string, none string) string {
	if len(xs) == 0 {
		return none
	}
	return strings.Join(xs, ", ")
}

// verdict is what mod_wsgi's wsgi_execute_remote says of running in
// group name: its checks in its order (restrict set, embedded mode,
// existence, same server).
func (s *server) verdict(inv *resolve.Inventory, v *scope.VirtualHost, r *scope.Result, name string) string {
	if r != nil {
		if rp := r.Directive("WSGIRestrictProcess"); rp != nil {
			allowed := false
			for _, a := range rp.Args {
				if a.Value == name || (a.Value == "%{GLOBAL}" && name == "") {
					allowed = true
				}
			}
			if !allowed {
				return fmt.Sprintf("**restricted**: WSGIRestrictProcess at %s does not list it (mod_wsgi answers 403)", s.shortPos(rp.Pos()))
			}
		}
	}
	if name == "" || name == "%{GLOBAL}" {
		return "embedded mode (the Apache child processes)"
	}
	if strings.HasPrefix(name, "%{") {
		return "chosen per request (" + name + ")"
	}
	g, ok := inv.Lookup(name)
	if !ok {
		return "**no such group**: no WSGIDaemonProcess defines it (mod_wsgi answers 500)"
	}
	if !slices.Contains(inv.Selectable(v), g) {
		return fmt.Sprintf("**other server**: defined at %s for another ServerName (mod_wsgi answers 500)", s.shortPos(g.Directive.Pos()))
	}
	user := "the Apache user"
	for _, o := range g.Options {
		if o.Name == "user" {
			user = o.Value
		}
	}
	return fmt.Sprintf("allowed: runs as %s (WSGIDaemonProcess at %s)", user, s.shortPos(g.Directive.Pos()))
}
