// Package resolve answers mod_wsgi's questions for a request: which
// daemon process group runs the script, in which application group, and
// whether WSGIRestrictProcess (or the other checks of mod_wsgi's
// wsgi_execute_remote) rejects the choice — with mod_wsgi's own words.
//
// The rules are mod_wsgi 4.9's (src/server/mod_wsgi.c):
// wsgi_create_req_config takes WSGIProcessGroup, WSGIApplicationGroup and
// WSGIRestrictProcess from the directory configuration, else the server's;
// wsgi_hook_handler lets WSGIScriptAlias's process-group= and
// application-group= override them for script-aliased requests;
// wsgi_process_group and wsgi_application_group expand %{GLOBAL},
// %{SERVER}, %{RESOURCE}, %{HOST} and %{ENV:NAME}; wsgi_execute_remote
// then checks, in this order, the restrict set, embedded mode, that the
// group exists, and that it was defined globally or in a virtual host
// with the same ServerName.
package resolve

import (
	"fmt"
	"os"
	"os/user"
	"sort"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

// Group is one WSGIDaemonProcess definition.
type Group struct {
	Name string
	// Server is where it is defined: the main server (global scope) or a
	// virtual host.
	Server    *scope.VirtualHost
	Directive *ast.Directive
	// Options are its key=value options in order.
	Options []Option
}

// Global reports whether the group is defined at global scope.
func (g *Group) Global() bool { return g.Server.IsMain() }

// Option is one key=value option of WSGIDaemonProcess.
type Option struct {
	Name, Value string
	// Arg is the option's index in the directive's Args:
	// Group.Directive.ArgPos(Arg) is where it is written.
	Arg int
}

// Inventory is every daemon process group of a configuration.
type Inventory struct {
	Groups []*Group // in definition order
	byName map[string]*Group
	main   *scope.VirtualHost
	// global and byServerName index the groups for Selectable.
	global       []*Group
	byServerName map[string][]*Group
	// WSGIRestrictEmbedded (a global setting) and where it was set.
	restrictEmbedded   bool
	restrictEmbeddedBy *ast.Directive
}

// Accounts looks users and groups up, as httpd's ap_uname2id and
// ap_gname2id do when mod_wsgi reads user= and group=.
type Accounts interface {
	UserID(name string) (uid int, ok bool)
	GroupID(name string) (gid int, ok bool)
}

// SystemAccounts asks this machine (os/user).
type SystemAccounts struct{}

// UserID implements Accounts.
func (SystemAccounts) UserID(name string) (int, bool) {
	if strings.HasPrefix(name, "#") {
		n, err := strconv.Atoi(name[1:])
		return n, err == nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(u.Uid)
	return n, err == nil
}

// GroupID implements Accounts.
func (SystemAccounts) GroupID(name string) (int, bool) {
	if strings.HasPrefix(name, "#") {
		n, err := strconv.Atoi(name[1:])
		return n, err == nil
	}
	g, err := user.LookupGroup(name)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(g.Gid)
	return n, err == nil
}

type account struct {
	id int
	ok bool
}

// memoAccounts remembers the answers of Accounts.
type memoAccounts struct {
	Accounts
	users, groups map[string]account
}

func (m *memoAccounts) UserID(name string) (int, bool) {
	return remember(m.users, name, m.Accounts.UserID)
}

func (m *memoAccounts) GroupID(name string) (int, bool) {
	return remember(m.groups, name, m.Accounts.GroupID)
}

// remember answers from cache, asking lookup the first time.
func remember(cache map[string]account, name string, lookup func(string) (int, bool)) (int, bool) {
	a, seen := cache[name]
	if !seen {
		a.id, a.ok = lookup(name)
		cache[name] = a
	}
	return a.id, a.ok
}

// GroupOptions control GroupsWith.
type GroupOptions struct {
	// Accounts, when set, checks user= and group= as httpd does at
	// start-up ("bad user name X" stops it; so does running as root).
	Accounts Accounts
}

// Groups collects the WSGIDaemonProcess definitions of a server. Problems
// mod_wsgi refuses to start with (a duplicate name, an option it does not
// know, a bad number) come back as a parser.ErrorList. Accounts are not
// checked; see GroupsWith.
func Groups(s *scope.Server) (*Inventory, error) { return GroupsWith(s, GroupOptions{}) }

// countDaemons counts the WSGIDaemonProcess lines of a body.
func countDaemons(body []ast.Node) int {
	n := 0
	for _, x := range body {
		if d, ok := x.(*ast.Directive); ok && d.Is("WSGIDaemonProcess") {
			n++
		}
	}
	return n
}

// GroupsWith is Groups with options.
func GroupsWith(s *scope.Server, opts GroupOptions) (*Inventory, error) {
	// Sized once: a hosting configuration has a group per virtual host,
	// and tables grown by doubling leave twice their size behind.
	n := countDaemons(s.Main.Body)
	for _, v := range s.VHosts {
		n += countDaemons(v.Body)
	}
	inv := &Inventory{byName: make(map[string]*Group, n), main: s.Main, byServerName: make(map[string][]*Group, n)}
	if n > 0 {
		inv.Groups = make([]*Group, 0, n)
	}
	var errs parser.ErrorList
	if opts.Accounts != nil {
		// Thousands of groups name the same few accounts.
		opts.Accounts = &memoAccounts{Accounts: opts.Accounts, users: map[string]account{}, groups: map[string]account{}}
	}
	add := func(v *scope.VirtualHost, body []ast.Node) {
		for _, n := range body {
			d, ok := n.(*ast.Directive)
			if !ok || !d.Is("WSGIDaemonProcess") || len(d.Args) == 0 {
				continue
			}
			g := &Group{Name: d.Args[0].Value, Server: v, Directive: d, Options: make([]Option, 0, len(d.Args)-1)}
			for i, a := range d.Args[1:] {
				// Positions are computed from the source, for errors only.
				pos := func() ast.Position { return d.ArgPos(i + 1) }
				k, val, _ := strings.Cut(a.Value, "=")
				g.Options = append(g.Options, Option{Name: k, Value: val, Arg: i + 1})
				if msg := checkOption(k, val, strings.Contains(a.Value, "=")); msg != "" {
					errs.Add(pos(), "%s", msg)
				} else if opts.Accounts != nil && val != "" {
					switch k {
					case "user":
						if uid, ok := opts.Accounts.UserID(val); !ok {
							errs.Add(pos(), "bad user name %s", val)
						} else if uid == 0 {
							errs.Add(pos(), "WSGI process blocked from running as root.")
						}
					case "group":
						if _, ok := opts.Accounts.GroupID(val); !ok {
							errs.Add(pos(), "bad group name %s", val)
						}
					}
				}
			}
			if _, dup := inv.byName[g.Name]; dup {
				errs.Add(d.Pos(), "Name duplicates previous WSGI daemon definition.")
				continue
			}
			inv.byName[g.Name] = g
			inv.Groups = append(inv.Groups, g)
			if g.Global() {
				inv.global = append(inv.global, g)
			} else {
				inv.byServerName[v.ServerName] = append(inv.byServerName[v.ServerName], g)
			}
		}
	}
	inv.restrictEmbedded, inv.restrictEmbeddedBy = s.WSGIRestrictEmbedded()
	add(s.Main, s.Main.Body)
	for _, v := range s.VHosts {
		add(v, v.Body)
	}
	// Reading order; one line's errors in the order mod_wsgi's handler
	// meets them (options before the duplicate name).
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i].Pos, errs[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Line < b.Line
	})
	return inv, errs.Err()
}

// Lookup finds a group by its exact name (mod_wsgi's daemon index is a
// case-sensitive hash).
func (inv *Inventory) Lookup(name string) (*Group, bool) {
	g, ok := inv.byName[name]
	return g, ok
}

// Selectable returns the groups a request served by v may run in: those
// defined at global scope or in any virtual host whose ServerName equals
// v's (compared exactly, as mod_wsgi's strcmp does), sorted by name.
func (inv *Inventory) Selectable(v *scope.VirtualHost) []*Group {
	out := append([]*Group(nil), inv.global...)
	out = append(out, inv.byServerName[v.ServerName]...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (inv *Inventory) selectable(g *Group, v *scope.VirtualHost) bool {
	return g.Server == v || g.Server == inv.main || g.Server.ServerName == v.ServerName
}

// Decision is the resolver's answer for one request.
type Decision struct {
	Host, Path string
	// VHost is the server that answered (the main server or a virtual
	// host), as in Exposure.
	VHost *scope.VirtualHost
	// Filename is the file the request maps to; Handler the handler
	// that runs it.
	Filename string
	Handler  string
	// Status is what httpd answers to a GET.
	Status int
	// ProcessGroup is the expanded group ("" for embedded mode);
	// ApplicationGroup the expanded application group.
	ProcessGroup     string
	ApplicationGroup string
	SelectableGroups []string
	// Restrict is the WSGIRestrictProcess in force (nil when none) and
	// RestrictGroups the groups it names, "%{GLOBAL}" listed as "" — as
	// in Exposure.
	Restrict       *ast.Directive
	RestrictGroups []string
	// Verdict is mod_wsgi's decision; Reason says why, in mod_wsgi's
	// words where it has some.
	Verdict Verdict
	Reason  string
	// Trace lists the directives that decided, in the order they acted.
	Trace []Trace
	// Location is the Location header of a 3xx answer (scope.Result).
	Location string
	// Rewrites are the RewriteRules that acted on the request, across its
	// internal redirects: the group above is the final request's.
	Rewrites []scope.RewriteStep
	// Unmodelled says what could not be decided statically (Status is 0).
	Unmodelled []string
}

// Verdict is what mod_wsgi does with a request. Its values are the
// words the CLI prints.
type Verdict string

// Verdicts, in the order wsgi_execute_remote checks them.
const (
	// Allowed: the script runs (in the group, or embedded).
	Allowed Verdict = "allowed"
	// Restricted: WSGIRestrictProcess does not list the group.
	Restricted Verdict = "restricted"
	// EmbeddedForbidden: WSGIRestrictEmbedded On and no group.
	EmbeddedForbidden Verdict = "embedded-forbidden"
	// NoSuchGroup: no WSGIDaemonProcess has that name.
	NoSuchGroup Verdict = "no-such-group"
	// OtherServer: the group belongs to a virtual host with another
	// ServerName.
	OtherServer Verdict = "other-server"
	// NotWSGI: mod_wsgi does not handle the request.
	NotWSGI Verdict = "not-wsgi"
	// Rejected: the request never reaches mod_wsgi's daemon dispatch
	// (403/404/500 earlier, see Reason).
	Rejected Verdict = "rejected"
)

// Trace is a directive that decided the answer.
type Trace struct {
	Directive *ast.Directive
	// Text is the directive as written (continuation lines joined), Pos
	// where.
	Text string
	Pos  ast.Position
}

func traceOf(d *ast.Directive) Trace {
	return Trace{Directive: d, Text: strings.TrimSpace(ast.JoinContinuations(strings.TrimPrefix(d.Raw, d.Indent()))), Pos: d.Pos()}
}

// restrictGroups lists the groups a WSGIRestrictProcess names, with
// %{GLOBAL} as "".
func restrictGroups(rp *ast.Directive) []string {
	out := []string{}
	for _, a := range rp.Values() {
		if a == "%{GLOBAL}" {
			a = ""
		}
		out = append(out, a)
	}
	return out
}

// Options control Resolve.
type Options struct {
	// Getenv is the Apache process environment, which %{ENV:NAME} falls
	// back to. Nil is the empty environment, not os.LookupEnv: apache2's
	// environment is not ours (Debian's comes from envvars, see
	// apacheconf.ReadEnvvars).
	Getenv func(string) (string, bool)
}

// Resolve decides the mod_wsgi side of a request that scope evaluated.
// When mod_wsgi refuses to run the script (its handler answers 500), the
// request is answered as httpd's ap_die does: the ErrorDocument for 500
// in force, whose answer is decided in turn (scope.Result.HandlerFailed).
func (inv *Inventory) Resolve(r *scope.Result, opts Options) Decision {
	d := inv.resolve(r, opts)
	switch d.Verdict {
	case Restricted, EmbeddedForbidden, NoSuchGroup, OtherServer:
		if nr, ok := r.HandlerFailed(d.Status, d.Reason); ok {
			return inv.Resolve(nr, opts)
		}
	}
	return d
}

func (inv *Inventory) resolve(r *scope.Result, opts Options) Decision {
	d := Decision{Host: r.Request.Host, Path: r.Request.Path, Filename: r.Filename, Handler: r.Handler, Status: r.Status, VHost: r.Server,
		Location: r.Location, Rewrites: r.Rewrites, Unmodelled: r.Unmodelled}
	if r.Server != nil {
		for _, g := range inv.Selectable(r.Server) {
			d.SelectableGroups = append(d.SelectableGroups, g.Name)
		}
	}
	if d.SelectableGroups == nil {
		d.SelectableGroups = []string{}
	}
	if !r.IsWSGI() {
		d.Verdict, d.Reason = NotWSGI, r.Reason
		return d
	}
	if r.Status != 200 {
		d.Verdict, d.Reason = Rejected, r.Reason
		return d
	}
	ex := expander{r: r, getenv: opts.Getenv}
	// wsgi_create_req_config: directory configuration, else server's
	// (scope's innermost-wins merge gives exactly that).
	ws := r.WSGI()
	pg, ag, rp := ws.ProcessGroup, ws.ApplicationGroup, ws.RestrictProcess
	var pgVal, agVal *string
	if pg != nil && len(pg.Args) > 0 {
		v := pg.Args[0].Value
		pgVal = &v
		d.Trace = append(d.Trace, traceOf(pg))
	}
	if ag != nil && len(ag.Args) > 0 {
		v := ag.Args[0].Value
		agVal = &v
		d.Trace = append(d.Trace, traceOf(ag))
	}
	// WSGIScriptAlias options override for script-aliased requests.
	if r.WSGIScriptAliased() {
		if v, ok := r.Mapping.Options["process-group"]; ok {
			pgVal = &v
			d.Trace = append(d.Trace, traceOf(r.Mapping.Directive))
		}
		if v, ok := r.Mapping.Options["application-group"]; ok {
			agVal = &v
			if r.Mapping.Directive != nil && (len(d.Trace) == 0 || d.Trace[len(d.Trace)-1].Pos.Line != r.Mapping.Directive.Pos().Line) {
				d.Trace = append(d.Trace, traceOf(r.Mapping.Directive))
			}
		}
	}
	// WSGIHandlerScript options override for its handler's requests.
	if hs := r.HandlerScript; hs != nil {
		for _, opt := range hs.Values()[2:] {
			k, v, _ := strings.Cut(opt, "=")
			switch k {
			case "process-group":
				pgVal = &v
			case "application-group":
				agVal = &v
			default:
				continue
			}
			if len(d.Trace) == 0 || d.Trace[len(d.Trace)-1].Pos.Line != hs.Pos().Line {
				d.Trace = append(d.Trace, traceOf(hs))
			}
		}
	}
	d.ProcessGroup = ex.processGroup(pgVal)
	d.ApplicationGroup = ex.applicationGroup(agVal)
	if ex.envBy != nil {
		d.Trace = append(d.Trace, traceOf(ex.envBy))
	}
	// wsgi_execute_remote, in order.
	if rp != nil {
		d.Restrict, d.RestrictGroups = rp, restrictGroups(rp)
		d.Trace = append(d.Trace, traceOf(rp))
		member := false
		for _, a := range d.RestrictGroups {
			if strings.EqualFold(a, d.ProcessGroup) { // an apr table: no case
				member = true
			}
		}
		if !member {
			return d.fail(Restricted, fmt.Sprintf("Daemon process called '%s' cannot be accessed by this WSGI application as not a member of allowed groups: %s", d.ProcessGroup, r.Filename))
		}
	}
	if d.ProcessGroup == "" {
		if inv.restrictEmbedded {
			d.Trace = append(d.Trace, traceOf(inv.restrictEmbeddedBy))
			return d.fail(EmbeddedForbidden, "Embedded mode of mod_wsgi disabled by runtime configuration: "+r.Filename)
		}
		d.Verdict, d.Reason = Allowed, "runs in embedded mode (inside the Apache child process)"
		return d
	}
	g, ok := inv.Lookup(d.ProcessGroup)
	if !ok {
		return d.fail(NoSuchGroup, fmt.Sprintf("No WSGI daemon process called '%s' has been configured: %s", d.ProcessGroup, r.Filename))
	}
	d.Trace = append(d.Trace, traceOf(g.Directive))
	if !inv.selectable(g, r.Server) {
		return d.fail(OtherServer, fmt.Sprintf("Daemon process called '%s' cannot be accessed by this WSGI application: %s", d.ProcessGroup, r.Filename))
	}
	d.Verdict = Allowed
	d.Reason = fmt.Sprintf("runs in daemon process group '%s' defined at %s", g.Name, g.Directive.Pos())
	return d
}

func (d Decision) fail(verdict Verdict, reason string) Decision {
	d.Verdict, d.Reason, d.Status = verdict, reason, 500
	return d
}

// expander is wsgi_process_group / wsgi_application_group.
type expander struct {
	r      *scope.Result
	getenv func(string) (string, bool)
	envBy  *ast.Directive // the SetEnv an %{ENV:} lookup used
}

// port is ap_get_server_port: with UseCanonicalName Off (the default)
// the Host header's port, else the server's port, else 80; with On the
// server's port, else 80.
func (e *expander) port() int {
	canonical := false
	if d := e.r.Directive("UseCanonicalName"); d != nil && len(d.Args) > 0 && strings.EqualFold(d.Args[0].Value, "On") {
		canonical = true
	}
	if h := e.r.Request.Host; !canonical && h != "" && !strings.HasSuffix(h, "]") {
		if i := strings.LastIndexByte(h, ':'); i >= 0 {
			if p, err := strconv.Atoi(h[i+1:]); err == nil {
				return p
			}
		}
	}
	if e.r.Server != nil && e.r.Server.Port != 0 {
		return e.r.Server.Port
	}
	return 80
}

func (e *expander) withPort(h string) string {
	if p := e.port(); p != 80 && p != 443 {
		return h + ":" + strconv.Itoa(p)
	}
	return h
}

func (e *expander) serverName() string {
	if e.r.Server == nil {
		return ""
	}
	return e.r.Server.ServerName
}

// scriptName is wsgi_script_name: the URI without its path info, lower
// case, leading repeated slashes removed.
func (e *expander) scriptName() string {
	uri, pi := e.r.URI, e.r.PathInfo
	sn := uri
	if pi != "" {
		sn = uri[:findPathInfo(uri, pi)]
	}
	for len(sn) > 1 && sn[1] == '/' {
		sn = sn[1:]
	}
	for strings.Contains(sn, "//") {
		sn = strings.ReplaceAll(sn, "//", "/")
	}
	return strings.ToLower(sn)
}

// findPathInfo is wsgi_find_path_info.
func findPathInfo(uri, pathInfo string) int {
	lu, lp := len(uri), len(pathInfo)
	for {
		lu--
		lp--
		if lu < 0 || lp < 0 || uri[lu] != pathInfo[lp] {
			break
		}
		if pathInfo[lp] == '/' {
			for lu > 0 && uri[lu-1] == '/' {
				lu--
			}
		}
	}
	if lu < 0 {
		lu = 0
	}
	for lu < len(uri) && uri[lu] != '/' {
		lu++
	}
	return lu
}

func (e *expander) host() string {
	h := e.r.Request.Host
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.HasSuffix(h, "]") {
		h = h[:i]
	}
	if h == "" {
		h = e.serverName()
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// env looks NAME up as mod_wsgi does: request notes (none are set by
// configuration we model), the request environment, the process
// environment.
func (e *expander) env(name string) (string, bool) {
	if v, ok := e.r.LookupEnv(name); ok {
		e.envBy = v.By
		return v.Value, true
	}
	if e.getenv != nil {
		return e.getenv(name)
	}
	return "", false
}

func (e *expander) processGroup(s *string) string {
	if s == nil {
		return ""
	}
	return e.expand(*s, false)
}

func (e *expander) applicationGroup(s *string) string {
	if s == nil {
		return e.withPort(e.serverName()) + "|" + e.scriptName()
	}
	return e.expand(*s, true)
}

func (e *expander) expand(s string, app bool) string {
	if !strings.HasPrefix(s, "%") {
		return s
	}
	switch name := s[1:]; {
	case name == "{GLOBAL}":
		return ""
	case name == "{RESOURCE}":
		return e.withPort(e.serverName()) + "|" + e.scriptName()
	case name == "{SERVER}":
		return e.withPort(e.serverName())
	case name == "{HOST}":
		return e.withPort(e.host())
	case strings.HasPrefix(name, "{ENV:") && strings.HasSuffix(name, "}") && len(name) > 6:
		if v, ok := e.env(name[5 : len(name)-1]); ok {
			if strings.HasPrefix(v, "%") && !strings.HasPrefix(v, "%{ENV:") {
				return e.expand(v, app)
			}
			return v
		}
	}
	return s
}

// ProcessEnv returns a Getenv over the current process environment.
func ProcessEnv() func(string) (string, bool) { return os.LookupEnv }
