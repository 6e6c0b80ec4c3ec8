package scope

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

// Access control: mod_authz_core (Require, <RequireAll>, <RequireAny>,
// <RequireNone>, AuthMerging), mod_authz_host's and mod_authz_user's
// providers, and mod_access_compat (Order, Allow, Deny, Satisfy),
// combined as ap_process_request_internal does: with Satisfy All (the
// default) both must allow; with Satisfy Any an Allow suffices. Both read
// the environment as it stands at the access phases: what SetEnvIf and
// server-level RewriteRule set (SetEnv comes later, at fixups).

var authzModule = &module{name: "mod_authz_core"}

func init() {
	authzModule.define(module{
		cmds: map[string]cmdFunc{
			"require": func(a *applier, c *dirConfig, d *ast.Directive, vals []string) {
				if a.checking() {
					// requireCheck judges the line; the tree is for
					// requests (a node or two per Require line, ~1/5 of
					// CheckHandlers' garbage at 10k virtual hosts).
					return
				}
				z := dirOf[authzDir](c, authzModule).conf()
				if z.root == nil {
					z.root = &authzNode{op: logicOr}
				}
				z.root.children = append(z.root.children, requireNode(d, vals, a.limit))
			},
			"authmerging": func(_ *applier, c *dirConfig, d *ast.Directive, vals []string) {
				z := dirOf[authzDir](c, authzModule).conf()
				switch strings.ToLower(strings.Join(vals, "")) {
				case "and":
					z.op = logicAnd
				case "or":
					z.op = logicOr
				default:
					z.op = logicOff
				}
				z.by = d
			},
			"order":   accessCmd,
			"allow":   accessCmd,
			"deny":    accessCmd,
			"satisfy": accessCmd,
		},
		checks: map[string]cmdFunc{"require": requireCheck},
		sections: map[string]sectionFunc{
			"requireall":  requireSection,
			"requireany":  requireSection,
			"requirenone": requireSection,
		},
		mergeDir: func(base, add any) any {
			b, a := base.(*authzDir), add.(*authzDir)
			c := &authzDir{authz: mergeAuthz(b.authz, a.authz), access: b.access}
			if a.access != nil {
				c.access = a.access // mod_access_compat has no merge function
			}
			return c
		},
		effective: func(conf any, out []Effective) []Effective {
			z := conf.(*authzDir).authz
			if z == nil || z.root == nil {
				return out
			}
			var by []*ast.Directive
			var walk func(n *authzNode)
			walk = func(n *authzNode) {
				if n.by != nil {
					by = append(by, n.by)
				}
				for _, ch := range n.children {
					walk(ch)
				}
			}
			walk(z.root)
			return append(out, Effective{Name: "Require", Rule: RuleAuthz, By: by})
		},
		access: authorize,
	})
}

// authzDir is the per-directory configuration of the access modules.
type authzDir struct {
	authz  *authzConfig
	access *accessCompat
}

func (z *authzDir) conf() *authzConfig {
	if z.authz == nil {
		z.authz = &authzConfig{}
	}
	return z.authz
}

// requireSection adds a <RequireAll>, <RequireAny> or <RequireNone> to
// the section's implicit <RequireAny>.
func requireSection(a *applier, c *dirConfig, s *ast.Section) {
	if a.checking() {
		return // as the require handler
	}
	z := dirOf[authzDir](c, authzModule).conf()
	if z.root == nil {
		z.root = &authzNode{op: logicOr}
	}
	z.root.children = append(z.root.children, authzContainer(s, a.limit))
}

// authorize is the access phases' answer for the request.
func authorize(r *request) AuthzResult {
	lookup := func(name string) (string, bool) {
		e, ok := r.env.get(name)
		return e.Value, ok
	}
	z := peekDir[authzDir](r.conf, authzModule)
	if z == nil {
		return AuthzGranted
	}
	method := r.req.MethodOrGET()
	if a := z.access; a != nil {
		allowed, decided := a.check(method, r.req.Remote, lookup, r.req.Backends)
		switch {
		case !decided:
			return AuthzUnknown
		case a.satisfies(method) == "any" && allowed:
			return AuthzGranted
		case a.satisfies(method) != "any" && !allowed:
			return AuthzDenied
		}
	}
	if z.authz == nil || z.authz.root == nil {
		return AuthzGranted // "authorization result: granted (no directives)"
	}
	expr := func(n *authzNode) AuthzResult { return evalRequireExpr(r, n) }
	undecided := func(n *authzNode, why string) {
		r.undecided = append(r.undecided, n.by)
		r.addStep(Step{Phase: "access", Note: "Require " + n.provider + " at " + n.by.Pos().String() + " " + why})
	}
	return z.authz.root.eval(&authzRequest{remote: r.req.Remote, local: r.req.Addr, method: method, env: lookup, expr: expr,
		world: r.req.Backends, undecided: undecided}, logicAnd)
}

func requireNode(d *ast.Directive, vals []string, limit *methodLimit) *authzNode {
	n := &authzNode{by: d, limit: limit}
	if len(vals) > 0 && strings.EqualFold(vals[0], "not") {
		n.negate, vals = true, vals[1:]
	}
	if len(vals) > 0 {
		n.provider, n.args = vals[0], slices.Clone(vals[1:])
	}
	if strings.EqualFold(n.provider, "expr") {
		n.expr = parseRequireExpr(d, n.negate)
	}
	return n
}

// requireExpr is mod_authz_core's expr provider's parsed line
// (require_expr_info).
type requireExpr struct {
	src      string
	node     *exprNode
	err      error // httpd refuses the line ("Cannot parse expression in require line")
	wantUser bool  // the expression reads REMOTE_USER: false is AUTHZ_DENIED_NO_USER
}

// parseRequireExpr is expr_parse_config: Require takes its arguments raw
// (RAW_ARGS), so the expression is the rest of the line as written, the
// surrounding double quotes removed.
func parseRequireExpr(d *ast.Directive, negated bool) *requireExpr {
	skip := 1 // the provider name
	if negated {
		skip = 2
	}
	var words []string
	for i, a := range d.Args {
		if i < skip {
			continue
		}
		w := a.Raw
		if w == "" || strings.Contains(w, "${") {
			w = a.Value // built, or with a Define the loader expanded
		}
		words = append(words, w)
	}
	src := strings.Join(words, " ")
	if len(src) >= 2 && src[0] == '"' && src[len(src)-1] == '"' {
		src = src[1 : len(src)-1]
	}
	x := &requireExpr{src: src, wantUser: strings.Contains(strings.ToUpper(src), "%{REMOTE_USER}")}
	x.node, x.err = exprParse(src)
	return x
}

// requireExprSource is the expression of a Require [not] expr line.
func requireExprSource(d *ast.Directive) (string, bool) {
	if d.Canonical() != "require" {
		return "", false
	}
	vals := d.Values()
	negated := len(vals) > 0 && strings.EqualFold(vals[0], "not")
	if negated {
		vals = vals[1:]
	}
	if len(vals) == 0 || !strings.EqualFold(vals[0], "expr") {
		return "", false
	}
	return parseRequireExpr(d, negated).src, true
}

// evalRequireExpr is expr_check_authorization for the request.
func evalRequireExpr(r *request, n *authzNode) AuthzResult {
	x := n.expr
	err := x.err
	ok := false
	if err == nil {
		ok, err = x.node.eval(&exprState{e: r.exprEnv(r.filename, r.res.PathInfo, false)})
	}
	if err != nil {
		// An undecided part, or an evaluation error (httpd: AH02320 and
		// AUTHZ_GENERAL_ERROR, a 500), which is not modelled either.
		r.undecided = append(r.undecided, n.by)
		r.addStep(Step{Phase: "access", Note: "Require expr " + strconv.Quote(x.src) + " at " + n.by.Pos().String() + " " + err.Error()})
		return AuthzUnknown
	}
	switch {
	case ok:
		return AuthzGranted
	case x.wantUser:
		return AuthzDeniedNoUser
	}
	return AuthzDenied
}

// authzContainer builds <RequireAll>, <RequireAny>, <RequireNone>.
func authzContainer(s *ast.Section, limit *methodLimit) *authzNode {
	n := &authzNode{sec: s, op: logicOr}
	switch s.Canonical() {
	case "requireall":
		n.op = logicAnd
	case "requirenone":
		n.op, n.negate = logicOr, true
	}
	for _, c := range s.Body {
		switch c := c.(type) {
		case *ast.Directive:
			if c.Canonical() == "require" {
				n.children = append(n.children, requireNode(c, c.Values(), limit))
			}
		case *ast.Section:
			switch c.Canonical() {
			case "requireall", "requireany", "requirenone":
				n.children = append(n.children, authzContainer(c, limit))
			}
		}
	}
	return n
}

// authzLogic is AuthMerging / the container's operator.
type authzLogic int

const (
	logicUnset authzLogic = iota
	logicAnd
	logicOr
	logicOff
)

// authzNode is authz_section_conf: a provider line or a container.
type authzNode struct {
	op       authzLogic // for containers: And (RequireAll) or Or (RequireAny)
	negate   bool
	provider string // "" for containers
	args     []string
	by       *ast.Directive // the Require line
	limit    *methodLimit   // a provider line's <Limit>/<LimitExcept>
	expr     *requireExpr   // Require expr's parsed line
	sec      *ast.Section   // the <RequireAll>/<RequireAny>/<RequireNone>
	children []*authzNode
}

// authzConfig is authz_core_dir_conf: the section tree and AuthMerging.
type authzConfig struct {
	root *authzNode
	op   authzLogic
	by   *ast.Directive // AuthMerging
}

// mergeAuthz is merge_authz_core_dir_config.
func mergeAuthz(base, add *authzConfig) *authzConfig {
	if add == nil {
		return base
	}
	if base == nil {
		base = &authzConfig{}
	}
	if add.op == logicUnset && add.root == nil {
		return base
	}
	c := &authzConfig{}
	if add.root != nil {
		if base.root != nil && (add.op == logicAnd || add.op == logicOr) {
			c.root = &authzNode{op: add.op, children: []*authzNode{base.root, add.root}}
		} else {
			c.root = add.root
		}
		c.op, c.by = add.op, add.by
		return c
	}
	c.root = base.root
	c.op, c.by = base.op, base.by
	if add.op != logicUnset {
		c.op, c.by = add.op, add.by
	}
	return c
}

// authzRequest is what the providers look at.
type authzRequest struct {
	remote netip.Addr
	local  netip.Addr
	method string
	env    func(name string) (string, bool)
	// expr evaluates a Require expr line (nil: undecided).
	expr func(n *authzNode) AuthzResult
	// world answers name lookups (nil: not known).
	world *Backends
	// undecided records a provider line that cannot be decided, and why.
	undecided func(n *authzNode, why string)
}

// note reports an undecided provider line, when someone listens.
func (r *authzRequest) note(n *authzNode, why string) {
	if r.undecided != nil {
		r.undecided(n, why)
	}
}

// remoteHost is ap_get_remote_host(…, REMOTE_DOUBLE_REV): the client's
// name by a reverse lookup, kept only when the name resolves back to the
// address. ok false: no name (httpd: "unable to get the remote host
// name"); decided false: the world does not say.
func remoteHost(w *Backends, remote netip.Addr) (name string, ok, decided bool) {
	if w == nil || !remote.IsValid() {
		return "", false, false
	}
	remote = remote.Unmap()
	name, listed := w.Reverse[remote]
	if !listed {
		closed := w.Closed && len(w.ClosedNets) == 0
		for _, n := range w.ClosedNets {
			closed = closed || (w.Closed && n.Contains(remote))
		}
		return "", false, closed
	}
	for _, a := range w.Hosts[strings.ToLower(name)] {
		if a.Unmap() == remote {
			return name, true, true
		}
	}
	return "", false, true // the double reverse lookup fails
}

// forwardDNS is mod_authz_host's forward-dns: does name resolve to
// remote? decided false where the world does not list the name.
func forwardDNS(w *Backends, name string, remote netip.Addr) (match, decided bool) {
	if w == nil {
		return false, false
	}
	addrs, listed := w.Hosts[strings.ToLower(name)]
	if !listed {
		return false, w.Closed
	}
	for _, a := range addrs {
		if a.Unmap() == remote.Unmap() {
			return true, true
		}
	}
	return false, true
}

// inDomain is mod_authz_host's and mod_access_compat's in_domain: what
// ends with domain as a whole name or subdomain, without ASCII case.
func inDomain(domain, what string) bool {
	dl, wl := len(domain), len(what)
	if wl < dl || !strings.EqualFold(domain, what[wl-dl:]) {
		return false
	}
	return wl == dl || domain[0] == '.' || what[wl-dl-1] == '.'
}

// eval is apply_authz_sections.
func (n *authzNode) eval(r *authzRequest, parent authzLogic) AuthzResult {
	if !n.covers(r.method) {
		// "directive limited to other methods"
		if parent == logicAnd {
			return AuthzGranted
		}
		return AuthzNeutral
	}
	var res AuthzResult
	if n.provider != "" {
		res = n.check(r)
	} else {
		res = AuthzNeutral
		// An undecidable child leaves the container undecided unless a
		// later child decides it whatever that child is: a grant in a
		// <RequireAny>, a denial in a <RequireAll>.
		unknown := false
		for _, c := range n.children {
			cr := c.eval(r, n.op)
			if cr == AuthzUnknown {
				unknown = true
				continue
			}
			if cr == AuthzNeutral {
				continue
			}
			if n.op == logicAnd {
				if cr == AuthzDenied {
					res = cr
					break
				}
				if (cr == AuthzDeniedNoUser && res != AuthzDenied) || res == AuthzNeutral {
					res = cr
				}
			} else {
				if cr == AuthzGranted {
					res = cr
					break
				}
				if (cr == AuthzDeniedNoUser && res == AuthzDenied) || res == AuthzNeutral {
					res = cr
				}
			}
		}
		decisive := n.op == logicAnd && res == AuthzDenied || n.op != logicAnd && res == AuthzGranted
		if unknown && !decisive {
			return AuthzUnknown
		}
	}
	if n.negate {
		switch res {
		case AuthzGranted:
			res = AuthzDenied
		case AuthzDenied, AuthzDeniedNoUser:
			res = AuthzNeutral
		}
	}
	return res
}

// check runs one provider (mod_authz_host, mod_authz_core, mod_authz_user).
func (n *authzNode) check(r *authzRequest) AuthzResult {
	switch strings.ToLower(n.provider) {
	case "all":
		if len(n.args) == 1 && strings.EqualFold(n.args[0], "granted") {
			return AuthzGranted
		}
		return AuthzDenied
	case "ip":
		for _, a := range n.args {
			if ipMatches(a, r.remote) {
				return AuthzGranted
			}
		}
		return AuthzDenied
	case "local":
		if r.remote.IsLoopback() || (r.local.IsValid() && r.remote == r.local) {
			return AuthzGranted
		}
		return AuthzDenied
	case "method":
		for _, m := range n.args {
			if methodNumber(m) == methodNumber(r.method) {
				return AuthzGranted
			}
		}
		return AuthzDenied
	case "env":
		for _, v := range n.args {
			if _, ok := r.env(v); ok {
				return AuthzGranted
			}
		}
		return AuthzDenied
	case "expr":
		if n.expr != nil && r.expr != nil {
			return r.expr(n)
		}
	case "user", "group", "valid-user", "file-owner", "file-group":
		return AuthzDeniedNoUser // no authenticated user on a plain GET
	case "host":
		name, ok, decided := remoteHost(r.world, r.remote)
		if !decided {
			r.note(n, "needs the client's host name, a reverse DNS lookup no configuration tells (declare it: --backends-closed, --backend-resolve NAME=IP)")
			return AuthzUnknown
		}
		if ok {
			for _, d := range n.args {
				if inDomain(d, name) {
					return AuthzGranted
				}
			}
		}
		return AuthzDenied
	case "forward-dns":
		for _, h := range n.args {
			match, decided := forwardDNS(r.world, h, r.remote)
			if !decided {
				r.note(n, "needs a DNS lookup of "+h+" no configuration tells (declare it: --backend-resolve NAME=IP)")
				return AuthzUnknown
			}
			if match {
				return AuthzGranted
			}
		}
		return AuthzDenied
	}
	return AuthzUnknown
}

// ipMatches reports whether a Require ip argument (address, prefix of
// dotted octets, CIDR or address/netmask) covers ip.
func ipMatches(arg string, ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	if p, err := netip.ParsePrefix(arg); err == nil {
		return p.Contains(ip)
	}
	if a, err := netip.ParseAddr(arg); err == nil {
		return a.Unmap() == ip.Unmap()
	}
	if i := strings.IndexByte(arg, '/'); i > 0 { // a.b.c.d/255.255.0.0
		a, err1 := netip.ParseAddr(arg[:i])
		m, err2 := netip.ParseAddr(arg[i+1:])
		if err1 == nil && err2 == nil && a.Is4() && m.Is4() && ip.Unmap().Is4() {
			ab, mb, ib := a.As4(), m.As4(), ip.Unmap().As4()
			for k := 0; k < 4; k++ {
				if ab[k]&mb[k] != ib[k]&mb[k] {
					return false
				}
			}
			return true
		}
		return false
	}
	// A prefix of octets: "10.1" covers 10.1.0.0/16.
	parts := strings.Split(strings.TrimSuffix(arg, "."), ".")
	if len(parts) < 4 && ip.Unmap().Is4() {
		b := ip.Unmap().As4()
		for k, p := range parts {
			v, ok := octet(p)
			if !ok || b[k] != v {
				return false
			}
		}
		return true
	}
	return false
}

func octet(s string) (byte, bool) {
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return byte(n), n <= 255
}

// accessCompat is mod_access_compat's per-directory configuration (Order,
// Allow, Deny, Satisfy). The module has no merge function, so the
// innermost section that has one of its directives replaces it whole.
type accessCompat struct {
	// orders and satisfies are Order ("deny,allow" by default,
	// "allow,deny", "mutual-failure") and Satisfy ("", "all", "any") as
	// set, each for the methods its <Limit> covers: httpd keeps one per
	// method, the last line covering it wins.
	orders       []limitedWord
	allows       []accessEntry
	denys        []accessEntry
	satisfyWords []limitedWord
	by           []*ast.Directive
}

type limitedWord struct {
	word  string
	limit *methodLimit
}

type accessEntry struct {
	kind  string // all, env, nenv, ip, host
	value string
	limit *methodLimit
}

// order is the Order in force for method.
func (a *accessCompat) order(method string) string {
	return lastCovering(a.orders, method, "deny,allow")
}

// satisfies is the Satisfy in force for method.
func (a *accessCompat) satisfies(method string) string {
	return lastCovering(a.satisfyWords, method, "")
}

func lastCovering(ws []limitedWord, method, def string) string {
	for i := len(ws) - 1; i >= 0; i-- {
		if ws[i].limit.covers(method) {
			return ws[i].word
		}
	}
	return def
}

func accessCmd(ap *applier, c *dirConfig, d *ast.Directive, _ []string) {
	z := dirOf[authzDir](c, authzModule)
	if z.access == nil {
		z.access = &accessCompat{}
	}
	a := z.access
	a.by = append(a.by, d)
	vals := d.Values()
	switch d.Canonical() {
	case "order":
		if len(vals) > 0 {
			a.orders = append(a.orders, limitedWord{strings.ToLower(vals[0]), ap.limit})
		}
	case "satisfy":
		if len(vals) > 0 {
			a.satisfyWords = append(a.satisfyWords, limitedWord{strings.ToLower(vals[0]), ap.limit})
		}
	case "allow", "deny":
		if len(vals) > 0 && strings.EqualFold(vals[0], "from") {
			vals = vals[1:]
		}
		var entries []accessEntry
		for _, v := range vals {
			e := accessEntry{kind: "host", value: v, limit: ap.limit}
			switch lv := strings.ToLower(v); {
			case lv == "all":
				e.kind = "all"
			case strings.HasPrefix(lv, "env=!"):
				e.kind, e.value = "nenv", v[5:]
			case strings.HasPrefix(lv, "env="):
				e.kind, e.value = "env", v[4:]
			case looksLikeIP(v):
				e.kind = "ip"
			}
			entries = append(entries, e)
		}
		if d.Canonical() == "allow" {
			a.allows = append(a.allows, entries...)
		} else {
			a.denys = append(a.denys, entries...)
		}
	}
}

func looksLikeIP(v string) bool {
	if _, err := netip.ParsePrefix(v); err == nil {
		return true
	}
	if _, err := netip.ParseAddr(v); err == nil {
		return true
	}
	head := v
	if i := strings.IndexByte(v, '/'); i > 0 {
		head = v[:i]
	}
	return strings.Trim(head, "0123456789.") == ""
}

// find is find_allowdeny; ok is false when a host name would need DNS.
func (a *accessCompat) find(entries []accessEntry, method string, remote netip.Addr, env func(string) (string, bool), world *Backends) (match, ok bool) {
	for _, e := range entries {
		if !e.limit.covers(method) {
			continue
		}
		switch e.kind {
		case "all":
			return true, true
		case "env":
			if _, set := env(e.value); set {
				return true, true
			}
		case "nenv":
			if _, set := env(e.value); !set {
				return true, true
			}
		case "ip":
			if ipMatches(e.value, remote) {
				return true, true
			}
		case "host":
			name, found, decided := remoteHost(world, remote)
			if !decided {
				return false, false
			}
			if found && inDomain(e.value, name) {
				return true, true
			}
		}
	}
	return false, true
}

// check is check_dir_access: OK (true), Forbidden (false), or undecided.
func (a *accessCompat) check(method string, remote netip.Addr, env func(string) (string, bool), world *Backends) (allowed, decided bool) {
	allow, ok1 := a.find(a.allows, method, remote, env, world)
	deny, ok2 := a.find(a.denys, method, remote, env, world)
	if !ok1 || !ok2 {
		return false, false
	}
	switch a.order(method) {
	case "allow,deny":
		return allow && !deny, true
	case "mutual-failure":
		return allow && !deny, true
	}
	// deny,allow: allowed unless denied and not allowed again
	return !deny || allow, true
}

// methodLimit is cmd->limited as <Limit> and <LimitExcept> leave it:
// the methods the access directives in their body apply to. Sections
// nest (cmd->limited &= limited), hence outer. nil covers every method.
type methodLimit struct {
	methods []string // as written: httpd's method names are case-sensitive
	except  bool     // <LimitExcept>
	outer   *methodLimit
}

// methodNumber is the method as httpd numbers it for access control:
// HEAD is M_GET (ap_method_number_of).
func methodNumber(m string) string {
	if m == "HEAD" {
		return "GET"
	}
	return m
}

// covers reports whether the access directive limited by l applies to
// method (section->limited & AP_METHOD_BIT << r->method_number). A
// method no <Limit> names and httpd does not know (M_INVALID) is
// covered by every <LimitExcept>.
func (l *methodLimit) covers(method string) bool {
	method = methodNumber(method)
	for ; l != nil; l = l.outer {
		listed := false
		for _, m := range l.methods {
			if methodNumber(m) == method {
				listed = true
				break
			}
		}
		if listed == l.except {
			return false
		}
	}
	return true
}

// covers is section->limited for a node: a provider line's own limit; a
// container's (and a merged section's) is the union of its children's.
func (n *authzNode) covers(method string) bool {
	if n.provider != "" {
		return n.limit.covers(method)
	}
	for _, c := range n.children {
		if c.covers(method) {
			return true
		}
	}
	return false
}

// authzProviders are the authorization providers (Require's first word)
// each module registers (ap_register_auth_provider, AUTHZ_PROVIDER_GROUP);
// provider names are case-sensitive.
var authzProviders = map[string][]string{
	"authz_core_module":      {"env", "all", "method", "expr"},
	"authz_host_module":      {"ip", "host", "forward-dns", "local"},
	"authz_user_module":      {"user", "valid-user"},
	"authz_groupfile_module": {"group", "file-group"},
	"authz_owner_module":     {"file-owner"},
	"authz_dbm_module":       {"dbm-group", "dbm-file-group"},
	"authz_dbd_module":       {"dbd-group", "dbd-login", "dbd-logout"},
	"authnz_ldap_module":     {"ldap-user", "ldap-group", "ldap-dn", "ldap-attribute", "ldap-filter", "ldap-search"},
	"ssl_module":             {"ssl", "ssl-verify-client"},
	"wsgi_module":            {"wsgi-group"},
}

// authzProviderModules are the modules registering each provider
// (authzProviders turned round): one lookup for each Require line.
var authzProviderModules = func() map[string][]string {
	m := map[string][]string{}
	for id, names := range authzProviders {
		for _, n := range names {
			m[n] = append(m[n], id)
		}
	}
	return m
}()

// requireCheck is add_authz_provider's refusals: a provider no loaded
// module registers (nor an <AuthzProviderAlias> names), a negated line
// where it has no effect, and the 'all' provider's argument. Where a
// loaded module may register providers we do not know (mod_lua,
// mod_authnz_fcgi, a module outside httpd's and Debian's), the
// provider is not judged.
func requireCheck(a *applier, _ *dirConfig, d *ast.Directive, vals []string) {
	if len(vals) == 0 || a.server == nil {
		return
	}
	provider, negate := vals[0], false
	if strings.EqualFold(provider, "not") {
		negate = true
		if len(vals) < 2 {
			return
		}
		provider = vals[1]
	}
	rest := vals[1:]
	if negate {
		rest = vals[2:]
	}
	run := a.server.run
	known := run.authzAliases[provider]
	if !known {
		for _, id := range authzProviderModules[provider] {
			known = known || run.loaded(id)
		}
	}
	if !known {
		if !run.closedModules() {
			return
		}
		a.fail(d.Pos(), "Unknown Authz provider: %s", provider)
		return
	}
	if provider == "all" && !run.authzAliases[provider] {
		quoted := false
		for _, arg := range d.Args {
			quoted = quoted || strings.ContainsAny(arg.Raw, "\"'")
		}
		if !quoted && !(len(rest) == 1 && (strings.EqualFold(rest[0], "granted") || strings.EqualFold(rest[0], "denied"))) {
			a.fail(d.Pos(), "Argument for 'Require all' must be 'granted' or 'denied'")
			return
		}
	}
	if negate {
		// The section the line joins: the innermost <RequireAll>,
		// <RequireAny> or <RequireNone>, else the default one, which is
		// <RequireAny>'s.
		for i := len(a.sections) - 1; i >= 0; i-- {
			switch strings.ToLower(a.sections[i]) {
			case "requireall", "requirenone":
				return
			case "limit", "limitexcept":
				continue
			}
			break
		}
		a.fail(d.Pos(), "negative Require directive has no effect in <RequireAny> directive")
	}
}
