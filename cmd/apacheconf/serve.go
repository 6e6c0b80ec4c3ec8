package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"os/user"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
	"github.com/apacheconf/apacheconf/whatif"
)

func init() {
	commands["vhosts"] = command{runVHosts, "print the virtual hosts as apache2 -S does"}
	commands["explain"] = command{runExplain, "show how httpd answers a request: vhost, mapping, merge steps, outcome"}
	commands["resolve"] = command{runResolve, "which mod_wsgi daemon group serves each path, and whether it is allowed"}
	commands["dump"] = command{runDump, "the loaded configuration: files read (as apache2 -t -D DUMP_INCLUDES) or the tree as JSON"}
}

func buildServer(cf *configFlags, stderr io.Writer) (*scope.Server, int) {
	nodes, err := cf.load()
	if err != nil {
		fail(stderr, err)
		return nil, 1
	}
	s, err := scope.Build(nodes, scope.Options{})
	if err != nil {
		fail(stderr, err)
		return nil, 1
	}
	return s, 0
}

// runVHosts is apache2 -S: where httpd refuses the configuration, its
// errors (the one apache2 reports first, first) and exit status 1;
// otherwise the virtual hosts (DUMP_VHOSTS) and the run-time settings
// (DUMP_RUN_CFG).
func runVHosts(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("vhosts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf configFlags
	cf.register(fs)
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return 2
	}
	cfg, s, errs, warnings := validateConfig(&cf, true, nil)
	for _, w := range warnings {
		fmt.Fprintf(stderr, "%s: warning: %s\n", w.Pos, w.Msg)
	}
	if len(errs) > 0 || s == nil {
		fail(stderr, errs)
		return 1
	}
	s.DumpVHosts(stdout)
	dumpRunConfig(stdout, cfg, s, cf.defines)
	return 0
}

// Debian's compiled-in defaults (apache2 -V) that DUMP_RUN_CFG shows when
// the configuration sets none.
const (
	defaultDocumentRoot = "/var/www/html"
	defaultErrorLog     = "logs/error_log"
	defaultPidFile      = "/run/apache2.pid"
	defaultRuntimeDir   = "/var/run/apache2/"
)

// dumpRunConfig prints what apache2 -S prints after the virtual hosts
// (DUMP_RUN_CFG): ServerRoot, the main server's DocumentRoot and
// ErrorLog, every mutex the loaded modules register and how it is
// configured, PidFile, the defines (-D's, -S's own, the configuration's)
// and the User and Group. httpd lists the mutexes in hash order, which
// changes from run to run; they come sorted here, "default" first.
func dumpRunConfig(w io.Writer, cfg *parser.Loaded, s *scope.Server, defines []string) {
	root := cfg.ServerRoot
	abs := func(p string) string {
		if path.IsAbs(p) {
			return path.Clean(p)
		}
		return path.Join(root, p)
	}
	last := func(name string) (string, bool) {
		var v string
		found := false
		for _, n := range s.Main.Body {
			if d, ok := n.(*ast.Directive); ok && d.Is(name) && len(d.Args) > 0 {
				v, found = d.Args[0].Value, true
			}
		}
		return v, found
	}
	fmt.Fprintf(w, "ServerRoot: %q\n", root)
	docRoot := defaultDocumentRoot
	if v, ok := last("DocumentRoot"); ok {
		docRoot = abs(v)
	}
	fmt.Fprintf(w, "Main DocumentRoot: %q\n", docRoot)
	errorLog := abs(defaultErrorLog)
	if v, ok := last("ErrorLog"); ok {
		errorLog = v
		if !strings.HasPrefix(v, "|") && !strings.HasPrefix(v, "syslog") {
			errorLog = abs(v)
		}
	}
	fmt.Fprintf(w, "Main ErrorLog: %q\n", errorLog)

	// Mutexes: those registered, configured by Mutex lines.
	// The default mutex's directory is ap_runtime_dir_relative(""): the
	// runtime directory with a slash.
	runtimeDir := defaultRuntimeDir
	if v, ok := last("DefaultRuntimeDir"); ok {
		runtimeDir = strings.TrimSuffix(abs(v), "/") + "/"
	}
	type mutex struct{ dir, mech string }
	configured := map[string]mutex{"default": {runtimeDir, "default"}}
	for _, n := range s.Main.Body {
		d, ok := n.(*ast.Directive)
		if !ok || !d.Is("Mutex") || len(d.Args) == 0 {
			continue
		}
		mech, dir, _ := strings.Cut(d.Args[0].Value, ":")
		m := mutex{dir: dir, mech: mutexMechanism(mech)}
		if dir != "" {
			m.dir = abs(dir)
		}
		names := []string{"default"}
		if len(d.Args) > 1 {
			names = names[:0]
			for _, a := range d.Args[1:] {
				names = append(names, a.Value)
			}
		}
		for _, name := range names {
			configured[strings.ToLower(name)] = m
		}
	}
	registered := map[string]bool{}
	for _, id := range append([]string{"core_module"}, loadedModules(s)...) {
		for _, n := range directive.Mutexes(id) {
			registered[n] = true
		}
	}
	var names []string
	for n := range registered {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range append([]string{"default"}, names...) {
		if m, ok := configured[n]; ok {
			fmt.Fprintf(w, "Mutex %s: dir=%q mechanism=%s \n", n, m.dir, m.mech)
		} else {
			fmt.Fprintf(w, "Mutex %s: using_defaults\n", n)
		}
	}

	pid := defaultPidFile
	if v, ok := last("PidFile"); ok {
		pid = abs(v)
	}
	fmt.Fprintf(w, "PidFile: %q\n", pid)
	shown := map[string]bool{}
	// apache2ctl -S runs apache2 $APACHE_ARGUMENTS -t -D DUMP_VHOSTS -D
	// DUMP_RUN_CFG: the -D names come first.
	for _, d := range append(append(append([]string(nil), defines...), "DUMP_VHOSTS", "DUMP_RUN_CFG"), cfg.DefineOrder...) {
		if shown[d] {
			continue
		}
		shown[d] = true
		if v, ok := cfg.Vars[strings.ToLower(d)]; ok {
			fmt.Fprintf(w, "Define: %s=%s\n", d, v)
		} else {
			fmt.Fprintf(w, "Define: %s\n", d)
		}
	}
	u, _ := last("User")
	g, _ := last("Group")
	fmt.Fprintf(w, "User: %s\n", account(u, func(n string) (string, error) {
		a, err := user.Lookup(n)
		if err != nil {
			return "", err
		}
		return a.Uid, nil
	}))
	fmt.Fprintf(w, "Group: %s\n", account(g, func(n string) (string, error) {
		a, err := user.LookupGroup(n)
		if err != nil {
			return "", err
		}
		return a.Gid, nil
	}))
}

// mutexMechanism is the APR lock mechanism a Mutex argument names, as
// DUMP_RUN_CFG prints it (file: is fcntl on Linux).
func mutexMechanism(m string) string {
	switch strings.ToLower(m) {
	case "default", "yes":
		return "default"
	case "none", "no":
		return "none"
	case "file", "fcntl":
		return "fcntl"
	case "sem":
		return "sysvsem"
	}
	return strings.ToLower(m)
}

// account is DUMP_RUN_CFG's User/Group line: the name as written and its
// id ("#N" is the number N; none set: "#-1", id 4294967295).
func account(name string, lookup func(string) (string, error)) string {
	if name == "" {
		return `name="#-1" id=4294967295`
	}
	if id, ok := strings.CutPrefix(name, "#"); ok {
		return fmt.Sprintf("name=%q id=%s", name, id)
	}
	id, err := lookup(name)
	if err != nil {
		return fmt.Sprintf("name=%q id=?", name)
	}
	return fmt.Sprintf("name=%q id=%s", name, id)
}

// loadedModules are the identifiers the main configuration's LoadModule
// lines load.
func loadedModules(s *scope.Server) []string {
	var out []string
	for _, n := range s.Main.Body {
		if d, ok := n.(*ast.Directive); ok && d.Is("LoadModule") && len(d.Args) == 2 && s.Loaded(d.Args[0].Value) {
			out = append(out, d.Args[0].Value)
		}
	}
	return out
}

// requestFlags are --addr, --host, what the request carries (--method,
// --header, --remote) and the file system the request sees.
type requestFlags struct {
	addr, host, format string
	method, remote     string
	headers            stringList // --header 'Name: value'
	chroot             string
	assume             stringList // --assume-exists
	// The proxy backends' world: --backend-up, --backends-closed,
	// --backend-resolve.
	backendsUp     stringList
	backendsClosed bool
	resolveHosts   stringList
}

func (r *requestFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.addr, "addr", "127.0.0.1:80", "local address and port the request arrives on")
	fs.StringVar(&r.host, "host", "", "Host header")
	fs.StringVar(&r.method, "method", "GET", "request method (case-sensitive, as httpd reads it: HEAD is answered as GET)")
	fs.Var(&r.headers, "header", "a request header 'Name: value' (repeatable): SetEnvIf, <If>, RewriteCond %{HTTP:…} read them")
	fs.StringVar(&r.remote, "remote", "127.0.0.1", "client address (Require ip, SetEnvIf Remote_Addr, %{REMOTE_ADDR})")
	fs.StringVar(&r.format, "format", "text", "output format: text or json")
	fs.StringVar(&r.chroot, "chroot", "/", "directory that absolute paths in the configuration (DocumentRoot, Alias, .htaccess …) are looked up under")
	fs.Var(&r.assume, "assume-exists", "answer as if this regular file (absolute, as the configuration sees it) and its parent directories existed; repeatable; the disk is not touched")
	fs.Var(&r.backendsUp, "backend-up", "a proxy backend that accepts connections and answers 200: HOST:PORT or unix:/path, optionally after the protocol it speaks (fcgi://127.0.0.1:9000) (repeatable); without any backend flag a proxied request's status is the backend's (0, unmodelled)")
	fs.BoolVar(&r.backendsClosed, "backends-closed", false, "no other backend answers: httpd's 503 for a refused connection, 500 for a host name that does not resolve (only localhost, the --backend-up names and --backend-resolve names do)")
	fs.Var(&r.resolveHosts, "backend-resolve", "NAME=IP: a host name that resolves, as /etc/hosts says (repeatable; a name may have several addresses; an address's first name is its reverse lookup, for Require host)")
}

// backends is the world the flags declare, nil when none is given.
func (r *requestFlags) backends() (*scope.Backends, error) {
	if len(r.backendsUp) == 0 && !r.backendsClosed && len(r.resolveHosts) == 0 {
		return nil, nil
	}
	b := &scope.Backends{Closed: r.backendsClosed}
	for _, entry := range r.backendsUp {
		u := entry
		if i := strings.Index(u, "://"); i > 0 {
			u = u[i+3:] // the protocol it speaks
		}
		if !strings.HasPrefix(u, "unix:/") {
			if _, err := netip.ParseAddrPort(u); err != nil {
				host, port, ok := strings.Cut(u, ":")
				if n, perr := strconv.Atoi(port); !ok || host == "" || strings.ContainsAny(host, "[]/") || perr != nil || n < 1 || n > 65535 {
					return nil, fmt.Errorf("--backend-up %q: want [PROTOCOL://]HOST:PORT or unix:/path", entry)
				}
			}
		}
		b.Up = append(b.Up, entry)
	}
	for _, h := range r.resolveHosts {
		name, ip, ok := strings.Cut(h, "=")
		a, err := netip.ParseAddr(strings.TrimSpace(ip))
		if !ok || strings.TrimSpace(name) == "" || err != nil {
			return nil, fmt.Errorf("--backend-resolve %q: want NAME=IP", h)
		}
		if b.Hosts == nil {
			b.Hosts = map[string][]netip.Addr{}
		}
		name = strings.ToLower(strings.TrimSpace(name))
		b.Hosts[name] = append(b.Hosts[name], a)
		// The first name given for an address is what a reverse lookup
		// answers (Require host, Allow from a name).
		if b.Reverse == nil {
			b.Reverse = map[netip.Addr]string{}
		}
		if _, seen := b.Reverse[a.Unmap()]; !seen {
			b.Reverse[a.Unmap()] = name
		}
	}
	return b, nil
}

// fsys is the file system the request walks: the chroot with the
// assumed files laid over it.
func (r *requestFlags) fsys() fs.FS {
	if len(r.assume) == 0 {
		return os.DirFS(r.chroot)
	}
	return whatif.FS(os.DirFS(r.chroot), r.assume...)
}

// checkAssumed refuses an --assume-exists that is not an absolute path.
func (r *requestFlags) checkAssumed() error {
	for _, p := range r.assume {
		if err := whatif.CheckAbsolute(p); err != nil {
			return fmt.Errorf("--assume-exists: %w", err)
		}
	}
	return nil
}

func (r *requestFlags) request(path string) (scope.Request, error) {
	ap, err := netip.ParseAddrPort(r.addr)
	if err != nil {
		// allow "*:80"-less forms like "80"
		if p, perr := strconv.Atoi(r.addr); perr == nil {
			ap = netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(p))
		} else {
			return scope.Request{}, fmt.Errorf("--addr %q: want IP:PORT", r.addr)
		}
	}
	req := scope.Request{Addr: ap.Addr(), Port: int(ap.Port()), Host: r.host, Path: path, Method: r.method}
	if req.Backends, err = r.backends(); err != nil {
		return scope.Request{}, err
	}
	if r.method == "" || strings.ContainsAny(r.method, " \t") {
		return scope.Request{}, fmt.Errorf("--method %q: want a method name such as GET or POST", r.method)
	}
	remote, err := netip.ParseAddr(r.remote)
	if err != nil {
		return scope.Request{}, fmt.Errorf("--remote %q: want an IP address", r.remote)
	}
	req.Remote = remote
	for _, h := range r.headers {
		name, value, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return scope.Request{}, fmt.Errorf("--header %q: want 'Name: value'", h)
		}
		if strings.EqualFold(name, "Host") {
			return scope.Request{}, fmt.Errorf("--header %q: give the Host header with --host", h)
		}
		if req.Headers == nil {
			req.Headers = map[string]string{}
		}
		req.Headers[name] = strings.TrimSpace(value)
	}
	return req, nil
}

func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf configFlags
	var rf requestFlags
	cf.register(fs)
	rf.register(fs)
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: apacheconf explain -f CONF --addr IP:PORT --host HOST [--method M] [--header 'Name: value']... [--remote IP] [--assume-exists FILE]... [--backend-up HOST:PORT]... [--backends-closed] [--format json] PATH")
		return 2
	}
	req, err := rf.request(fs.Arg(0))
	if err == nil {
		err = rf.checkAssumed()
	}
	if err != nil {
		fmt.Fprintln(stderr, "apacheconf:", err)
		return 2
	}
	s, code := buildServer(&cf, stderr)
	if s == nil {
		return code
	}
	r := s.Request(req, scope.RequestOptions{FS: rf.fsys()})
	if rf.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(explainJSON(r)); err != nil {
			return 2
		}
		return 0
	}
	fmt.Fprint(stdout, explainText(r))
	return 0
}

func runResolve(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("resolve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf configFlags
	var rf requestFlags
	cf.register(fs)
	rf.register(fs)
	if err := fs.Parse(args); err != nil || fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: apacheconf resolve -f CONF [-D NAME]... --addr IP:PORT --host HOST [--method M] [--header 'Name: value']... [--remote IP] [--assume-exists FILE]... [--backend-up HOST:PORT]... [--backends-closed] [--format json] PATH...")
		return 2
	}
	if err := rf.checkAssumed(); err != nil {
		fmt.Fprintln(stderr, "apacheconf:", err)
		return 2
	}
	s, code := buildServer(&cf, stderr)
	if s == nil {
		return code
	}
	inv, err := resolve.GroupsWith(s, resolve.GroupOptions{Accounts: resolve.SystemAccounts{}})
	if err != nil {
		fail(stderr, err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, p := range fs.Args() {
		req, err := rf.request(p)
		if err != nil {
			fmt.Fprintln(stderr, "apacheconf:", err)
			return 2
		}
		res := s.Request(req, scope.RequestOptions{FS: rf.fsys()})
		d := inv.Resolve(res, resolve.Options{Getenv: os.LookupEnv})
		if rf.format == "json" {
			out := newDecisionJSON(d)
			out.proxyJSON = newProxyJSON(res.Proxy)
			if err := enc.Encode(out); err != nil {
				return 2
			}
			continue
		}
		group := d.ProcessGroup
		if group == "" {
			group = "(embedded)"
		}
		fmt.Fprintf(stdout, "%s%s: %d %s group=%s app=%q vhost=%s — %s\n", d.Host, d.Path, d.Status, d.Verdict, group, d.ApplicationGroup, newDecisionJSON(d).VHost.ServerName, d.Reason)
	}
	return 0
}

func explainText(r *scope.Result) string {
	var b strings.Builder
	where := "main server"
	if p := r.Server.Pos(); p.IsValid() {
		where = p.String()
	}
	fmt.Fprintf(&b, "vhost:    %s (%s, chosen by %s)\n", r.Server.ServerName, where, r.How)
	fmt.Fprintf(&b, "uri:      %s\n", r.URI)
	m := r.Mapping
	by := ""
	if m.Directive != nil {
		by = " by " + m.Directive.Name + " at " + m.Directive.Pos().String()
	}
	fmt.Fprintf(&b, "mapping:  %s%s -> %s\n", m.Kind, by, m.Filename)
	if r.Filename != "" {
		fmt.Fprintf(&b, "file:     %s (exists=%v dir=%v) path_info=%q\n", r.Filename, r.Exists, r.IsDir, r.PathInfo)
	}
	b.WriteString("merge:\n")
	for i, st := range r.Steps {
		fmt.Fprintf(&b, "  %2d. %s\n", i+1, stepText(st))
	}
	if p := r.Proxy; p != nil {
		fmt.Fprintf(&b, "proxy:    %s", p.URL)
		if p.By != nil {
			fmt.Fprintf(&b, " (%s at %s)", p.By.Name, p.By.Pos())
		}
		b.WriteString("\n")
		if p.ScriptFilename != "" {
			fmt.Fprintf(&b, "fastcgi:  SCRIPT_FILENAME=%s PATH_INFO=%q\n", p.ScriptFilename, p.PathInfo)
		}
		if p.Balancer != "" {
			fmt.Fprintf(&b, "balancer: %s members=%s\n", p.Balancer, strings.Join(p.Members, " "))
		}
		if p.Via != "" {
			fmt.Fprintf(&b, "via:      %s (ProxyRemote)\n", p.Via)
		}
		if p.BackendState != "" {
			fmt.Fprintf(&b, "backend:  %s\n", p.BackendState)
		}
		for _, u := range p.Unmodelled {
			fmt.Fprintf(&b, "unmodelled: %s\n", u)
		}
	}
	if r.Handler != "" {
		fmt.Fprintf(&b, "handler:  %s", r.Handler)
		if r.HandlerBy != nil {
			fmt.Fprintf(&b, " (%s at %s)", r.HandlerBy.Name, r.HandlerBy.Pos())
		}
		b.WriteString("\n")
	}
	for _, e := range r.Env {
		fmt.Fprintf(&b, "env:      %s=%s", e.Name, e.Value)
		if e.By != nil {
			fmt.Fprintf(&b, " (%s)", e.By.Pos())
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "authz:    %s\n", r.Authz)
	b.WriteString("in force:\n")
	for _, e := range r.Effective() {
		fmt.Fprintf(&b, "  %s\n", effectiveText(e))
	}
	fmt.Fprintf(&b, "status:   %d %s\n", r.Status, r.Reason)
	if r.Location != "" {
		fmt.Fprintf(&b, "location: %s\n", r.Location)
	}
	for _, u := range r.Unmodelled {
		fmt.Fprintf(&b, "unmodelled: %s\n", u)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "problem:  %s\n", p)
	}
	return b.String()
}

func stepText(st scope.Step) string {
	switch {
	case st.File != "":
		return st.Phase + " " + st.File
	case st.Section != nil:
		s := fmt.Sprintf("%s <%s %s> at %s", st.Phase, st.Section.Name, st.Section.ArgText(), st.Section.Pos())
		if st.Note != "" {
			s += " — " + st.Note
		}
		return s
	case st.Phase == "rewrite" && st.Note != "":
		return "rewrite " + st.Note
	case st.Note != "":
		return st.Phase + " — " + st.Note
	}
	return st.Phase
}

func effectiveText(e scope.Effective) string {
	s := e.Name
	if e.Key != "" {
		s += " " + e.Key
	}
	if len(e.Values) > 0 {
		s += " = " + strings.Join(e.Values, " ")
	}
	var at []string
	for _, d := range e.By {
		if d != nil {
			at = append(at, d.Pos().String())
		}
	}
	if len(at) > 0 {
		s += "   (" + strings.Join(at, ", ") + ")"
	}
	return s
}

type explainOut struct {
	VHost    string   `json:"vhost"`
	VHostAt  string   `json:"vhost_at,omitempty"`
	How      string   `json:"how"`
	URI      string   `json:"uri"`
	Mapping  string   `json:"mapping"`
	MappedBy string   `json:"mapped_by,omitempty"`
	Filename string   `json:"filename"`
	PathInfo string   `json:"path_info"`
	Exists   bool     `json:"exists"`
	Steps    []string `json:"steps"`
	Handler  string   `json:"handler"`
	Env      []envOut `json:"env"`
	Authz    string   `json:"authz"`
	Status   int      `json:"status"`
	Reason   string   `json:"reason"`
	Problems []string `json:"problems,omitempty"`
	InForce  []effOut `json:"in_force"`
	// Issue 18: present only when there is something to say.
	Location   string        `json:"location,omitempty"`
	Rewrites   []rewriteJSON `json:"rewrites,omitempty"`
	Unmodelled []string      `json:"unmodelled,omitempty"`
	proxyJSON
}

type effOut struct {
	Directive string   `json:"directive"`
	Key       string   `json:"key,omitempty"`
	Values    []string `json:"values,omitempty"`
	Rule      string   `json:"rule"`
	At        []string `json:"at"`
}

type envOut struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	At    string `json:"at,omitempty"`
}

func explainJSON(r *scope.Result) explainOut {
	o := explainOut{VHost: r.Server.ServerName, How: r.How, URI: r.URI, Mapping: r.Mapping.Kind, Filename: r.Filename,
		PathInfo: r.PathInfo, Exists: r.Exists, Handler: r.Handler, Authz: r.Authz.String(), Status: r.Status, Reason: r.Reason,
		Steps: []string{}, Env: []envOut{}, proxyJSON: newProxyJSON(r.Proxy)}
	if p := r.Server.Pos(); p.IsValid() {
		o.VHostAt = p.String()
	}
	if r.Mapping.Directive != nil {
		o.MappedBy = r.Mapping.Directive.Pos().String()
	}
	for _, st := range r.Steps {
		o.Steps = append(o.Steps, stepText(st))
	}
	for _, e := range r.Env {
		eo := envOut{Name: e.Name, Value: e.Value}
		if e.By != nil {
			eo.At = e.By.Pos().String()
		}
		o.Env = append(o.Env, eo)
	}
	for _, p := range r.Problems {
		o.Problems = append(o.Problems, p.String())
	}
	o.Location, o.Rewrites, o.Unmodelled = r.Location, rewritesJSON(r.Rewrites), r.Unmodelled
	o.InForce = []effOut{}
	for _, e := range r.Effective() {
		eo := effOut{Directive: e.Name, Key: e.Key, Values: e.Values, Rule: e.Rule, At: []string{}}
		for _, d := range e.By {
			if d != nil {
				eo.At = append(eo.At, d.Pos().String())
			}
		}
		o.InForce = append(o.InForce, eo)
	}
	return o
}
