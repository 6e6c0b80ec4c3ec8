// Package proxy is mod_proxy's request mapping as httpd 2.4 runs it, as
// pure functions over parsed configuration: ProxyPass and ProxyPassMatch
// (server, virtual host and the one-argument form in <Location>), their
// merge (proxy_merge_config: the main server's entries before the virtual
// host's), the translate_name match (proxy_trans, ap_proxy_trans_match,
// alias_match), the canonicalisation of the backend URL by the scheme's
// handler (proxy_http_canon, proxy_fcgi_canon, the unix: socket fix-up),
// SetHandler "proxy:…", the SCRIPT_FILENAME and PATH_INFO mod_proxy_fcgi
// sends, balancer:// member lists, and what happens once the target is
// known: the backend it connects to (Target), what that meets in a
// declared World (answers, connection refused: 503, a host name that does
// not resolve: 500), and mod_proxy_balancer's choice of member with
// proxy_handler's retries (PickMember).
//
// What no static reading can know — whether a backend answers when the
// caller does not say, which of several balancer members serves, a
// ${VAR} interpolated per request — is reported (Unmodelled, Pick's
// Undecided, ReachUnknown), never guessed.
//
// The source this follows is modules/proxy/{mod_proxy.c, proxy_util.c,
// mod_proxy_http.c, mod_proxy_fcgi.c} of httpd 2.4.x.
package proxy

import (
	"fmt"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/pcre"
	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Error is a directive httpd refuses, with httpd's message.
type Error struct {
	Pos ast.Position
	Msg string
	Err error
}

func (e *Error) Error() string {
	if e.Pos.IsValid() {
		return e.Pos.String() + ": " + e.Msg
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

func errorAt(d *ast.Directive, err error, format string, args ...any) *Error {
	e := &Error{Msg: fmt.Sprintf(format, args...), Err: err}
	if d != nil {
		e.Pos = d.Pos()
	}
	return e
}

// Param is one key=value of a ProxyPass or BalancerMember line.
type Param struct{ Key, Value string }

// Pass is one ProxyPass or ProxyPassMatch (struct proxy_alias).
type Pass struct {
	Directive *ast.Directive
	// Path is the local URL-path prefix, or the regex when Regex
	// ("fake"). In a <Location> it is the section's path.
	Path  string
	Regex bool
	// URL is the backend URL ("real") with a unix: socket part removed
	// (ap_proxy_de_socketfy); "!" for an exclusion.
	URL string
	// Socket is the "unix:/path" part of the URL as written, "" for none.
	Socket      string
	NoCanon     bool
	Interpolate bool
	NoQuery     bool // has no effect in httpd 2.4 (see CanonOptions.NoQuery)
	MapEncoded  bool // mapping=encoded
	MapServlet  bool // mapping=servlet
	Params      []Param
	InLocation  bool
	re          *pcre.Fast
}

// Excludes reports whether the entry is an exclusion ("!").
func (p *Pass) Excludes() bool { return p.URL == "!" }

// workerKeys and balancerKeys are the parameters set_worker_param and
// set_balancer_param accept.
var workerKeys = []string{"loadfactor", "retry", "ttl", "min", "max", "smax", "acquire", "timeout",
	"iobuffersize", "receivebuffersize", "keepalive", "disablereuse", "enablereuse", "addressttl",
	"route", "redirect", "status", "flushpackets", "flushwait", "ping", "lbset", "connectiontimeout",
	"flusher", "upgrade", "responsefieldsize", "secret",
	// health-check parameters mod_proxy_hcheck adds when loaded
	"hcmethod", "hcexpr", "hcinterval", "hcpasses", "hcfails", "hcuri"}
var balancerKeys = []string{"stickysession", "stickysessionsep", "nofailover", "timeout", "maxattempts",
	"lbmethod", "scolonpathdelim", "failonstatus", "failontimeout", "nonce", "growth", "forcerecovery"}

func knownKey(keys []string, k string) bool {
	for _, w := range keys {
		if syntax.EqualFoldASCII(w, k) {
			return true
		}
	}
	return false
}

// Location is the <Location> or <LocationMatch> a one-argument ProxyPass
// sits in; nil outside one.
type Location struct {
	Path  string // cmd->path: the section's argument
	Match bool   // <LocationMatch> or <Location ~>
}

// ParsePass parses ProxyPass (match false) or ProxyPassMatch (match
// true) as add_pass does, with its error messages. loc is the enclosing
// <Location>, nil at server or virtual host level.
func ParsePass(d *ast.Directive, match bool, loc *Location) (*Pass, error) {
	p := &Pass{Directive: d, Regex: match}
	var fake, real string
	haveFake := false
	if loc != nil {
		fake, haveFake = loc.Path, true
		p.InLocation = true
	}
	haveReal := false
	for _, w := range d.Values() {
		switch {
		case !haveFake:
			if w == "~" {
				if match {
					return nil, errorAt(d, nil, "ProxyPassMatch invalid syntax ('~' usage).")
				}
				p.Regex = true
				continue
			}
			fake, haveFake = w, true
		case !haveReal:
			real, haveReal = w, true
		case syntax.EqualFoldASCII(w, "nocanon"):
			p.NoCanon = true
		case syntax.EqualFoldASCII(w, "interpolate"):
			p.Interpolate = true
		case syntax.EqualFoldASCII(w, "noquery"):
			p.NoQuery = true
		default:
			k, v, ok := strings.Cut(w, "=")
			if !ok {
				if loc != nil && strings.HasPrefix(real, "/") {
					return nil, errorAt(d, nil, "ProxyPass|ProxyPassMatch can not have a path when defined in a location.")
				}
				return nil, errorAt(d, nil, "Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'.")
			}
			if syntax.EqualFoldASCII(k, "mapping") {
				switch {
				case syntax.EqualFoldASCII(v, "encoded"):
					p.MapEncoded = true
				case syntax.EqualFoldASCII(v, "servlet"):
					p.MapServlet = true
				default:
					return nil, errorAt(d, nil, "unknown mapping")
				}
				continue
			}
			p.Params = append(p.Params, Param{k, v})
		}
	}
	if !haveReal {
		return nil, errorAt(d, nil, "ProxyPass|ProxyPassMatch needs a path when not defined in a location")
	}
	url, sock, ok := deSocketfy(real)
	if !ok {
		return nil, errorAt(d, nil, "ProxyPass|ProxyPassMatch uses an invalid \"unix:\" URL")
	}
	p.Path, p.URL, p.Socket = fake, url, sock
	if loc != nil && fnmatchTest(fake) {
		// add_pass: a <Location> path with wildcards is taken as a regex
		// (apr_fnmatch_test); <LocationMatch ^/x$> without one is a prefix.
		p.Regex = true
	}
	if p.Regex {
		re, err := pcre.CompileFast(fake, false)
		if err != nil {
			return nil, errorAt(d, err, "Regular expression could not be compiled.")
		}
		p.re = re
	}
	if p.Excludes() {
		return p, nil
	}
	// The parameters' keys are not judged here: whether an unknown key is
	// a start-up error depends on whether an earlier line already defined
	// the worker (add_pass shares it and ignores this line's parameters,
	// AH01146) — scope's start-up checks decide that. A line httpd keeps
	// is kept.
	if !isBalancer(real) {
		// ap_proxy_define_worker needs scheme://host.
		if c := strings.Index(url, "://"); c <= 0 || c+3 >= len(url) {
			return nil, errorAt(d, nil, "ProxyPass URL must be absolute!: %s", url)
		}
	}
	return p, nil
}

// fnmatchTest is apr_fnmatch_test: does the pattern hold a wildcard?
func fnmatchTest(s string) bool {
	nesting := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '?', '*':
			return true
		case '\\':
			if i+1 < len(s) {
				i++
			}
		case '[':
			nesting++
		case ']':
			if nesting > 0 {
				return true
			}
		}
	}
	return false
}

func isBalancer(u string) bool {
	return len(u) >= 11 && syntax.EqualFoldASCII(u[:11], "balancer://")
}

// deSocketfy is ap_proxy_de_socketfy: "unix:/path|scheme://host/…" is
// "scheme://host/…" (scheme: or scheme:// alone get localhost).
func deSocketfy(u string) (url, socket string, ok bool) {
	if len(u) < 5 || !syntax.EqualFoldASCII(u[:5], "unix:") {
		return u, "", true
	}
	bar := strings.IndexByte(u[5:], '|')
	if bar < 0 {
		return u, "", true
	}
	socket, rest := u[:5+bar], u[5+bar+1:]
	c := strings.IndexByte(rest, ':')
	switch {
	case c < 0:
		return "", "", false
	case c+1 == len(rest):
		return rest + "//localhost", socket, true
	case strings.HasPrefix(rest[c+1:], "//") && c+3 == len(rest):
		return rest + "localhost", socket, true
	}
	return rest, socket, true
}

// ServerConfig is mod_proxy's per-server configuration as far as request
// mapping goes.
type ServerConfig struct {
	// Passes are the server-level ProxyPass/ProxyPassMatch entries, in
	// order (conf->aliases).
	Passes []*Pass
	// Balancers by name ("balancer://x", lower case).
	Balancers map[string]*Balancer
	// Remotes are ProxyRemote/ProxyRemoteMatch, in order (conf->proxies);
	// NoProxy are the NoProxy lines, which exempt hosts from them.
	Remotes []Remote
	NoProxy []*ast.Directive
	// ProxyRequests On makes the server a forward proxy.
	ProxyRequests    bool
	ProxyRequestsSet bool
	ProxyRequestsAt  *ast.Directive
}

// DirConfig is mod_proxy's per-directory configuration as far as request
// mapping goes.
type DirConfig struct {
	Pass              *Pass // the one-argument ProxyPass of a <Location>
	PreserveHost      bool  // ProxyPreserveHost
	PreserveHostSet   bool
	PreserveHostAt    *ast.Directive
	InterpolateEnv    bool // ProxyPassInterpolateEnv
	InterpolateEnvSet bool
}

// Balancer is a balancer:// with its members.
type Balancer struct {
	Name    string
	Members []Member
	// Params are the balancer parameters ProxySet gives it, in order.
	Params []Param
}

// Member is one BalancerMember.
type Member struct {
	Directive *ast.Directive
	URL       string
	Params    []Param
}

// Add records a mod_proxy directive of the server or virtual host
// context. section is the argument of an enclosing <Proxy> section, ""
// outside one.
func (s *ServerConfig) Add(d *ast.Directive, section string) error {
	switch d.Canonical() {
	case "proxypass", "proxypassmatch":
		p, err := ParsePass(d, d.Canonical() == "proxypassmatch", nil)
		if err != nil {
			return err
		}
		s.Passes = append(s.Passes, p)
		if isBalancer(p.URL) {
			s.balancer(p.URL)
		}
	case "balancermember":
		return s.addMember(d, section)
	case "proxyset":
		s.addProxySet(d, section)
	case "proxyremote", "proxyremotematch":
		s.addRemote(d, d.Canonical() == "proxyremotematch")
	case "noproxy":
		s.NoProxy = append(s.NoProxy, d)
	case "proxyrequests":
		v := d.Values()
		if len(v) != 1 || !(syntax.EqualFoldASCII(v[0], "on") || syntax.EqualFoldASCII(v[0], "off")) {
			return errorAt(d, nil, "ProxyRequests must be On or Off")
		}
		s.ProxyRequests, s.ProxyRequestsSet, s.ProxyRequestsAt = syntax.EqualFoldASCII(v[0], "on"), true, d
	}
	return nil
}

// balancer returns the balancer named by a balancer:// URL (its
// scheme://host part, lower case), making it.
func (s *ServerConfig) balancer(u string) *Balancer {
	name := balancerName(u)
	if s.Balancers == nil {
		s.Balancers = map[string]*Balancer{}
	}
	b := s.Balancers[name]
	if b == nil {
		b = &Balancer{Name: name}
		s.Balancers[name] = b
	}
	return b
}

func (s *ServerConfig) balancerNamed(name string) *Balancer {
	if isBalancer(name) {
		return s.balancer(name)
	}
	if s.Balancers == nil {
		s.Balancers = map[string]*Balancer{}
	}
	name = syntax.ToLowerASCII(name)
	b := s.Balancers[name]
	if b == nil {
		b = &Balancer{Name: name}
		s.Balancers[name] = b
	}
	return b
}

func balancerName(u string) string {
	rest := u[len("balancer://"):]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	return "balancer://" + syntax.ToLowerASCII(rest)
}

func (s *ServerConfig) addMember(d *ast.Directive, section string) error {
	path := section
	var url string
	var params []Param
	for _, w := range d.Values() {
		switch {
		case path == "":
			path = w
		case url == "":
			url = w
		default:
			k, v, ok := strings.Cut(w, "=")
			if !ok {
				if section != "" {
					return errorAt(d, nil, "BalancerMember can not have a balancer name when defined in a location")
				}
				return errorAt(d, nil, "Invalid BalancerMember parameter. Parameter must be in the form 'key=value'")
			}
			if !knownKey(workerKeys, k) {
				return errorAt(d, nil, "BalancerMember unknown Worker parameter")
			}
			params = append(params, Param{k, v})
		}
	}
	if path == "" {
		return errorAt(d, nil, "BalancerMember must define balancer name when outside <Proxy > section")
	}
	if url == "" {
		return errorAt(d, nil, "BalancerMember must define remote proxy server")
	}
	if _, _, ok := deSocketfy(url); !ok {
		return errorAt(d, nil, "BalancerMember uses an invalid \"unix:\" URL")
	}
	// httpd takes any first word as the balancer's name.
	b := s.balancerNamed(path)
	b.Members = append(b.Members, Member{Directive: d, URL: url, Params: params})
	return nil
}

// addProxySet records the key=value parameters of a ProxySet that names
// a balancer (its first word, or the enclosing <Proxy balancer://…>);
// the worker parameters of a ProxySet for a member's URL are not read.
func (s *ServerConfig) addProxySet(d *ast.Directive, section string) {
	v := d.Values()
	name := section
	if len(v) > 0 && !strings.Contains(v[0], "=") {
		name, v = v[0], v[1:]
	}
	if !isBalancer(name) {
		return
	}
	b := s.balancer(name)
	for _, w := range v {
		if k, val, ok := strings.Cut(w, "="); ok {
			b.Params = append(b.Params, Param{k, val})
		}
	}
}

// Add records a mod_proxy directive of a <Location>/<LocationMatch>
// (loc) or other per-directory section (loc nil).
func (c *DirConfig) Add(d *ast.Directive, loc *Location) error {
	switch d.Canonical() {
	case "proxypass", "proxypassmatch":
		if loc == nil {
			// add_pass: NOT_IN_DIRECTORY|NOT_IN_FILES; the registry
			// reports the context error. Nothing to record.
			return nil
		}
		p, err := ParsePass(d, d.Canonical() == "proxypassmatch", loc)
		if err != nil {
			return err
		}
		c.Pass = p
	case "proxypreservehost":
		on, err := flag(d, "ProxyPreserveHost")
		if err != nil {
			return err
		}
		c.PreserveHost, c.PreserveHostSet, c.PreserveHostAt = on, true, d
	case "proxypassinterpolateenv":
		on, err := flag(d, "ProxyPassInterpolateEnv")
		if err != nil {
			return err
		}
		c.InterpolateEnv, c.InterpolateEnvSet = on, true
	}
	return nil
}

func flag(d *ast.Directive, name string) (bool, error) {
	v := d.Values()
	if len(v) == 1 {
		switch {
		case syntax.EqualFoldASCII(v[0], "on"):
			return true, nil
		case syntax.EqualFoldASCII(v[0], "off"):
			return false, nil
		}
	}
	return false, errorAt(d, nil, "%s must be On or Off", name)
}

// MergeServer is merge_proxy_config for the mapping: the main server's
// (base) ProxyPass entries come before the virtual host's (over);
// ProxyRequests is the vhost's when it sets it.
func MergeServer(base, over *ServerConfig) *ServerConfig {
	if base == nil {
		return over
	}
	if over == nil {
		return base
	}
	m := &ServerConfig{ProxyRequests: base.ProxyRequests, ProxyRequestsSet: base.ProxyRequestsSet, ProxyRequestsAt: base.ProxyRequestsAt}
	m.Passes = append(append(make([]*Pass, 0, len(base.Passes)+len(over.Passes)), base.Passes...), over.Passes...)
	m.Remotes = append(append([]Remote(nil), base.Remotes...), over.Remotes...)
	m.NoProxy = append(append([]*ast.Directive(nil), base.NoProxy...), over.NoProxy...)
	if over.ProxyRequestsSet {
		m.ProxyRequests, m.ProxyRequestsSet, m.ProxyRequestsAt = over.ProxyRequests, true, over.ProxyRequestsAt
	}
	m.Balancers = over.Balancers
	if len(base.Balancers) > 0 {
		m.Balancers = map[string]*Balancer{}
		for k, v := range base.Balancers {
			m.Balancers[k] = v
		}
		for k, v := range over.Balancers {
			if b, ok := m.Balancers[k]; ok && len(v.Members) == 0 {
				v = b
			}
			m.Balancers[k] = v
		}
	}
	return m
}

// MergeDir is merge_proxy_dir_config for the mapping.
func MergeDir(base, over *DirConfig) *DirConfig {
	if base == nil {
		return over
	}
	if over == nil {
		return base
	}
	m := *base
	if over.Pass != nil {
		m.Pass = over.Pass
	}
	if over.PreserveHostSet {
		m.PreserveHost, m.PreserveHostSet, m.PreserveHostAt = over.PreserveHost, true, over.PreserveHostAt
	}
	if over.InterpolateEnvSet {
		m.InterpolateEnv, m.InterpolateEnvSet = over.InterpolateEnv, true
	}
	return &m
}

// OpenForwardProxy reports the ProxyRequests On that makes the server a
// forward proxy for any client allowed to use it, nil when off.
func (s *ServerConfig) OpenForwardProxy() *ast.Directive {
	if s != nil && s.ProxyRequests {
		return s.ProxyRequestsAt
	}
	return nil
}
