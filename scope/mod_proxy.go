package scope

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/pcre"
	"github.com/apacheconf/apacheconf/internal/proxy"
)

// mod_proxy with mod_proxy_http and mod_proxy_fcgi, over the pure engine
// of internal/proxy: ProxyPass/ProxyPassMatch at translate_name
// (proxy_trans: APR_HOOK_FIRST after mod_rewrite, so before mod_alias;
// the <Location> one-argument form first, then the server's entries,
// the main server's before the virtual host's), map_to_storage taking a
// "proxy:" request off the file system (proxy_map_location, with the
// <Proxy> sections merged as proxy_walk does), and the handler
// (proxy_handler, APR_HOOK_FIRST): a request whose filename is
// "proxy:URL" — whoever set it: ProxyPass, RewriteRule [P], ProxyRequests
// — and a SetHandler "proxy:…" (the handler name, then the file the walk
// found). Nothing of it runs unless LoadModule loaded proxy_module;
// httpd refuses the directives at start-up without it.

var proxyModule = &module{name: "mod_proxy"}

func init() {
	proxyModule.define(module{
		cmds: map[string]cmdFunc{
			"proxypass":               proxyDirCmd,
			"proxypassmatch":          proxyDirCmd,
			"proxypreservehost":       proxyDirCmd,
			"proxypassinterpolateenv": proxyDirCmd,
		},
		checks: map[string]cmdFunc{
			"proxypass":      proxyPassCheck,
			"proxypassmatch": proxyPassCheck,
			"balancermember": balancerMemberCheck,
		},
		mergeDir: func(base, add any) any {
			return &proxyDir{conf: proxy.MergeDir(base.(*proxyDir).conf, add.(*proxyDir).conf)}
		},
		newServer: newProxyServer,
		mergeServer: func(main, vhost any) any {
			m, _ := main.(*proxyServer)
			v, _ := vhost.(*proxyServer)
			switch {
			case v == nil:
				return main
			case m == nil:
				return vhost
			}
			// merge_proxy_config: the main server's entries and <Proxy>
			// sections first.
			return (&proxyServer{conf: proxy.MergeServer(m.conf, v.conf),
				sections: append(append([]*ast.Section(nil), m.sections...), v.sections...),
				names:    append(append([]map[*ast.Directive]string(nil), m.names...), v.names...)}).index()
		},
		postReadRequest: proxyDetect,
		translateName:   proxyTranslate,
		mapToStorage:    proxyMapToStorage,
		handler:         proxyHandler,
		ownStatus:       true, // the backend's answer
	})
}

// proxyDir is mod_proxy's per-directory configuration: a <Location>'s
// one-argument ProxyPass, ProxyPreserveHost.
type proxyDir struct {
	conf *proxy.DirConfig
}

// proxyServer is mod_proxy's server configuration: the ProxyPass table,
// balancers, ProxyRequests, and the <Proxy>/<ProxyMatch> sections.
type proxyServer struct {
	conf     *proxy.ServerConfig
	sections []*ast.Section
	// names are describe() of the table's entries: the server body's
	// own, and for a merged configuration its two parts'.
	names []map[*ast.Directive]string
	// keys are, for each entry of conf.Passes, the literal first path
	// segment a URI must begin with (after its slashes) for the entry to
	// match; "" when the entry is a regex or maps otherwise (see index).
	keys []string
}

// index computes keys. alias_match compares character by character,
// a '/' of the entry matching a run of them in the URI, so the entry's
// first segment is a necessary prefix; regexes and mapping=encoded or
// servlet entries (which match another form of the URI, or note
// something on every request) are always tried.
func (s *proxyServer) index() *proxyServer {
	s.keys = make([]string, len(s.conf.Passes))
	for i, p := range s.conf.Passes {
		if p.Regex || p.MapEncoded || p.MapServlet || !strings.HasPrefix(p.Path, "/") {
			continue
		}
		seg := strings.TrimLeft(p.Path, "/")
		if j := strings.IndexByte(seg, '/'); j >= 0 {
			seg = seg[:j]
		}
		s.keys[i] = seg
	}
	return s
}

// candidates is the server configuration with only the entries that
// may match uri, in their order: first-match-wins and exclusions decide
// as over the whole table. A short table is tried whole.
func (s *proxyServer) candidates(uri string) *proxy.ServerConfig {
	if len(s.conf.Passes) < 16 {
		return s.conf
	}
	rest := strings.TrimLeft(uri, "/")
	c := *s.conf
	c.Passes = make([]*proxy.Pass, 0, 4)
	for i, p := range s.conf.Passes {
		if k := s.keys[i]; k == "" || strings.HasPrefix(rest, k) {
			c.Passes = append(c.Passes, p)
		}
	}
	return &c
}

// proxyState is what mod_proxy keeps about a request.
type proxyState struct {
	match *proxy.Match
	// forward is the absolute URI of a forward-proxy request
	// (PROXYREQ_PROXY), "" for none.
	forward string
}

// proxyDetect is proxy_detect (post_read_request): with ProxyRequests
// On, an absolute URI that does not name this server (its name and
// port) makes the request a forward-proxy request for that URL.
func proxyDetect(r *request) {
	if !proxyLoaded(r.s) || !r.absolute {
		return
	}
	sc := serverOf[proxyServer](r, proxyModule)
	if sc == nil || !sc.conf.ProxyRequests {
		return
	}
	scheme, _, _ := strings.Cut(r.req.Path, "://")
	host, _, _ := splitAbsoluteURI(r.req.Path)
	port := 80
	if h, p, ok := strings.Cut(host, ":"); ok {
		host = h
		if n := atoi(p); n > 0 {
			port = n
		}
	}
	if host != "" && strings.EqualFold(scheme, "http") && r.v.matches(host) && port == r.req.Port {
		return // "it might be something vhosted"
	}
	reqState[proxyState](r, proxyModule).forward = r.req.Path
}

// Backends is what the caller knows about the backends mod_proxy
// connects to, which no configuration says: whether one accepts
// connections, whether a host name resolves. Without it a proxied
// request's status is the backend's (Result.Status 0, Unmodelled says
// so); with it, a backend that answers gives 200, one that refuses the
// connection 503 (AH00957), a host name that does not resolve 500
// (AH00898), as httpd answers them, and a balancer's member is chosen
// among those that answer as mod_proxy_balancer's retries do.
type Backends struct {
	// Up are the backends that accept connections and answer 200:
	// "host:port" (an IP address, "[v6]:port" or a host name; the port
	// the URL gives or its scheme's default) or "unix:/path" for a
	// socket, optionally after the protocol it speaks
	// ("fcgi://127.0.0.1:9000"): a backend asked in another protocol
	// answers what is not modelled (https:// to a plain "http://" one:
	// httpd's 500, the TLS handshake fails).
	Up []string
	// Closed says nothing else answers: another backend refuses the
	// connection, and a host name resolves only if Hosts lists it, Up
	// names it, or it is "localhost". Without Closed, a backend not in Up
	// is not known.
	Closed bool
	// Hosts are host names and the addresses they resolve to (as
	// /etc/hosts gives them): a backend named by host name answers when
	// Up lists one of its addresses with the port. Without an entry,
	// "localhost" is 127.0.0.1 and ::1.
	Hosts map[string][]netip.Addr
	// ClosedNets, when set, narrow Closed to backends at these addresses
	// (and unix: sockets): elsewhere what answers is not known.
	ClosedNets []netip.Prefix
	// Reverse is what a reverse lookup of an address answers (the first
	// name /etc/hosts gives it), for Require host and Allow from a host
	// name. With Closed (within ClosedNets), an address it does not list
	// has no name; without Closed it is not known.
	Reverse map[netip.Addr]string
}

func (b *Backends) world() *proxy.World {
	if b == nil {
		return nil
	}
	return &proxy.World{Up: b.Up, Closed: b.Closed, Hosts: b.Hosts, ClosedNets: b.ClosedNets}
}

// ProxyOutcome is where mod_proxy sends a request.
type ProxyOutcome struct {
	// By is the directive that proxied it: ProxyPass, ProxyPassMatch,
	// SetHandler/AddHandler "proxy:…", RewriteRule [P].
	By *ast.Directive
	// URL is what the backend is asked for (scheme://host:port/path?query;
	// for FastCGI the query rides apart and is not in it).
	URL string
	// Path is the request target an HTTP backend receives.
	Path string
	// Socket is the unix: socket connected to ("" for TCP).
	Socket string
	// ScriptFilename and PathInfo are what mod_proxy_fcgi sends to a
	// FastCGI backend (FastCGI only).
	ScriptFilename string
	PathInfo       string
	// Via is the remote proxy (ProxyRemote) the request goes through,
	// "host:port"; "" for a direct connection. Path is then the absolute
	// URL the remote proxy is asked for.
	Via string
	// Balancer is the balancer:// the request goes through, and its
	// members' URLs; with more than one, which serves is decided per
	// request (Unmodelled says so).
	Balancer string
	Members  []string
	// BackendState is what connecting to the backend meets in the
	// request's world (Request.Backends): "up" (it answers), "refused"
	// (httpd answers 503), "unresolved" (its host name does not resolve:
	// 500) or "unknown" (the world does not say: the answer is the
	// backend's).
	BackendState string
	// PreserveHost is ProxyPreserveHost in force (PreserveHostBy set it).
	PreserveHost   bool
	PreserveHostBy *ast.Directive
	// Unmodelled lists what decides the answer that no static reading
	// can know.
	Unmodelled []string
}

// describe is describe(d) for a ProxyPass entry of the server's table,
// formatted when the table was read: an entry is named on every request
// it maps, and formatting a position would be a good part of the
// request's time.
func (s *proxyServer) describe(d *ast.Directive) string {
	if s != nil {
		for _, names := range s.names {
			if n, ok := names[d]; ok {
				return n
			}
		}
	}
	return describe(d)
}

func proxyLoaded(s *Server) bool { return s != nil && s.Loaded("proxy_module") }

// proxyDirCmd records a mod_proxy directive of a per-directory body; a
// ProxyPass there is the one-argument form of a <Location>.
func proxyDirCmd(a *applier, c *dirConfig, d *ast.Directive, _ []string) {
	loc := locationOf(a.sec)
	if loc == nil && (d.Is("ProxyPass") || d.Is("ProxyPassMatch")) {
		return // server level: newProxyServer reads it; elsewhere httpd refuses it
	}
	p := dirOf[proxyDir](c, proxyModule)
	if p.conf == nil {
		p.conf = &proxy.DirConfig{}
	}
	_ = p.conf.Add(d, loc) // a malformed line: httpd does not start (directive checks report it)
}

// locationOf is the <Location>/<LocationMatch> sec is, nil for another.
func locationOf(sec *ast.Section) *proxy.Location {
	if sec == nil {
		return nil
	}
	vals := sec.Values()
	if len(vals) == 0 {
		return nil
	}
	switch {
	case sec.Is("LocationMatch"):
		return &proxy.Location{Path: vals[0], Match: true}
	case sec.Is("Location") && vals[0] == "~" && len(vals) > 1:
		return &proxy.Location{Path: vals[1], Match: true}
	case sec.Is("Location"):
		return &proxy.Location{Path: vals[0]}
	}
	return nil
}

// newProxyServer reads a server body's ProxyPass table, balancers and
// ProxyRequests, and its <Proxy> sections.
func newProxyServer(body []ast.Node, _ *dirConfig) any {
	var s *proxyServer
	get := func() *proxyServer {
		if s == nil {
			s = &proxyServer{conf: &proxy.ServerConfig{}}
		}
		return s
	}
	for _, n := range body {
		switch n := n.(type) {
		case *ast.Directive:
			switch n.Canonical() {
			case "proxypass", "proxypassmatch", "balancermember", "proxyrequests", "proxyremote", "proxyremotematch", "noproxy", "proxyset":
				_ = get().conf.Add(n, "")
			}
		case *ast.Section:
			switch n.Canonical() {
			case "proxy", "proxymatch":
				vals := n.Values()
				arg := ""
				if len(vals) > 0 {
					arg = vals[len(vals)-1]
				}
				sv := get()
				sv.sections = append(sv.sections, n)
				for _, d := range ast.Directives(n.Body) {
					_ = sv.conf.Add(d, arg)
				}
			}
		}
	}
	if s == nil {
		return nil
	}
	names := make(map[*ast.Directive]string, len(s.conf.Passes))
	for _, p := range s.conf.Passes {
		names[p.Directive] = describe(p.Directive)
	}
	s.names = []map[*ast.Directive]string{names}
	return s.index()
}

// proxyTranslate is proxy_trans: the request's <Location> ProxyPass,
// then the server's table; the first entry that matches maps the
// request to "proxy:URL" (r->handler "proxy-server"), an exclusion lets
// the other translators have it.
func proxyTranslate(r *request) (Mapping, bool) {
	if !proxyLoaded(r.s) {
		return Mapping{}, false
	}
	sc := serverOf[proxyServer](r, proxyModule)
	if st := reqState[proxyState](r, proxyModule); st.forward != "" {
		// proxy_trans: someone has already set up the proxy.
		return Mapping{Kind: "proxy", Directive: sc.conf.ProxyRequestsAt, Filename: "proxy:" + st.forward, Handler: "proxy-server"}, true
	}
	dc := proxyLocationConf(r)
	if (sc == nil || len(sc.conf.Passes) == 0) && (dc == nil || dc.Pass == nil) {
		return Mapping{}, false
	}
	var conf *proxy.ServerConfig
	if sc != nil {
		conf = sc.candidates(r.uri)
	}
	_, noProxy := r.env.get("no-proxy")
	m := proxy.Translate(conf, dc, proxy.Request{URI: r.uri, UnparsedURI: r.path, Query: r.args,
		HasQuery: strings.Contains(r.path, "?"), NoProxy: noProxy})
	for _, st := range m.Steps {
		note := st.Note
		if note == "" {
			note = "matched"
		}
		r.addStep(Step{Phase: "proxypass", Note: sc.describe(st.Pass) + ": " + note})
	}
	if m.Pass == nil {
		return Mapping{}, false
	}
	st := reqState[proxyState](r, proxyModule)
	st.match = m
	return Mapping{Kind: "proxy", Directive: m.Pass.Directive, Filename: m.Filename, Handler: "proxy-server"}, true
}

// proxyLocationConf is mod_proxy's part of the <Location> sections
// matching the URI, as the location walk before translate_name merges
// them (nil: none has one).
func proxyLocationConf(r *request) *proxy.DirConfig {
	var dc *proxy.DirConfig
	for _, sec := range r.comp.locSecs {
		if !locationMatches(sec, r.uri) {
			continue
		}
		if p := peekDir[proxyDir](r.s.sectionConf(sec, CtxLocation), proxyModule); p != nil && p.conf != nil {
			dc = proxy.MergeDir(dc, p.conf)
		}
	}
	return dc
}

// proxyMapToStorage is proxy_map_location: a proxied request (its
// filename "proxy:URL", whoever mapped it) skips the directory and file
// walks; proxy_walk merges the <Proxy> sections that match its URL.
func proxyMapToStorage(r *request) bool {
	fn := r.res.Mapping.Filename
	if !proxyLoaded(r.s) || !strings.HasPrefix(fn, "proxy:") {
		return false
	}
	if sc := serverOf[proxyServer](r, proxyModule); sc != nil {
		url := fn[len("proxy:"):]
		for _, sec := range sc.sections {
			if proxySectionMatches(sec, url) {
				r.w.merge(Step{Phase: "proxy", Section: sec}, r.s.sectionConf(sec, CtxDirectory))
			}
		}
	}
	return true
}

// proxySectionMatches is proxy_walk's test: a regex for <ProxyMatch> or
// <Proxy ~>, a wildcard match (apr_fnmatch without FNM_PATHNAME) when
// the name has one, else a prefix.
func proxySectionMatches(sec *ast.Section, url string) bool {
	vals := sec.Values()
	if len(vals) == 0 {
		return false
	}
	pat, isRegex := vals[0], sec.Is("ProxyMatch")
	if !isRegex && pat == "~" && len(vals) > 1 {
		pat, isRegex = vals[1], true
	}
	if isRegex {
		re, err := pcre.Compile(pat, false)
		return err == nil && re.MatchString(url)
	}
	if strings.ContainsAny(pat, "*?[") {
		return fnmatchFlags(pat, url, false, false) // apr_fnmatch, no flags
	}
	return strings.HasPrefix(url, pat)
}

// proxySchemeModule is the module whose canon and scheme handlers serve
// a backend URL's scheme.
func proxySchemeModule(url string) (scheme, module string) {
	rest := url
	if len(rest) > 5 && strings.EqualFold(rest[:5], "unix:") {
		if bar := strings.IndexByte(rest, '|'); bar >= 0 {
			rest = rest[bar+1:]
		}
	}
	scheme, _, _ = strings.Cut(rest, ":")
	scheme = strings.ToLower(scheme)
	switch scheme {
	case "http", "https", "ws", "wss":
		return scheme, "proxy_http_module"
	case "fcgi":
		return scheme, "proxy_fcgi_module"
	case "balancer":
		return scheme, "proxy_balancer_module"
	case "ajp":
		return scheme, "proxy_ajp_module"
	case "scgi":
		return scheme, "proxy_scgi_module"
	case "uwsgi":
		return scheme, "proxy_uwsgi_module"
	case "ftp":
		return scheme, "proxy_ftp_module"
	case "h2", "h2c":
		return scheme, "proxy_http2_module"
	}
	return scheme, ""
}

// proxyHandler is proxy_handler (APR_HOOK_FIRST): it serves a proxied
// request, and a request whose handler is "proxy:URL" (SetHandler,
// AddHandler), sending the handler's URL plus the file name the walk
// found.
func proxyHandler(r *request) (int, string, bool) {
	if !proxyLoaded(r.s) || r.filename == "" {
		return 0, "", false
	}
	st := reqState[proxyState](r, proxyModule)
	// r->args: the request's query, or the one a rewrite gave it.
	opts := proxy.CanonOptions{Query: r.args, HasQuery: r.args != "" || strings.Contains(r.path, "?"),
		AllowEncodedSlashesNoDecode: strings.EqualFold(r.topts.allowEncodedSlashes, "nodecode")}
	if e, ok := r.env.get("proxy-fcgi-pathinfo"); ok {
		opts.FCGIPathInfo = e.Value
	}
	if d := r.conf.core.last.get("proxyfcgibackendtype"); d != nil && len(d.Args) > 0 {
		opts.FCGIGeneric = strings.EqualFold(d.Args[0].Value, "GENERIC")
	}
	var c proxy.Canonical
	var by *ast.Directive
	var pick proxy.Pick
	// socket is the unix: socket of the ProxyPass worker that maps the
	// request (ap_proxy_determine_connection takes the worker's uds_path).
	var socket string
	out := &ProxyOutcome{}
	switch {
	case strings.HasPrefix(r.filename, "proxy:"):
		// r->proxyreq with a "proxy:" filename: ProxyPass, ProxyRequests,
		// or mod_rewrite's [P], at translate_name or (per-directory
		// rules) at fixups; [NE] leaves the proxy-nocanon note.
		filename := r.filename
		if m := st.match; m != nil {
			opts.NoCanon, opts.NoQuery, opts.NoEncode = m.NoCanon, m.NoQuery, m.NoEncode
			by, socket = m.Pass.Directive, m.Pass.Socket
		} else if st.forward != "" {
			opts.Forward = true
			by = r.res.Mapping.Directive
		} else {
			by = r.handlerBy
			if r.handler != "proxy-server" || by == nil {
				by = r.res.Mapping.Directive
			}
		}
		if _, ok := r.note("proxy-nocanon"); ok {
			opts.NoCanon = true
		}
		if _, mod := proxySchemeModule(filename[len("proxy:"):]); mod == "" || !r.s.Loaded(mod) {
			return 500, "No protocol handler was valid for the URL " + r.uri + " (" + filename + "): the scheme's proxy module is not loaded", true
		}
		if strings.HasPrefix(strings.ToLower(filename), "proxy:balancer://") {
			var status int
			var reason string
			var ok bool
			out.By = by
			if pick, status, reason, ok = proxyBalancer(r, out, &filename, opts); !ok {
				return status, reason, true
			}
		}
		c = proxy.Canon(filename, opts)
	case strings.HasPrefix(strings.ToLower(r.handler), "proxy:"):
		url := r.handler[len("proxy:"):]
		if _, mod := proxySchemeModule(url); mod == "" || !r.s.Loaded(mod) {
			return 0, "", false // no canon handler takes the URL: the next handler serves the file
		}
		opts.PathInfo = r.res.PathInfo
		filename := r.filename
		if r.res.IsDir && strings.HasSuffix(r.uri, "/") && !strings.HasSuffix(filename, "/") {
			filename += "/" // ap_directory_walk keeps the URI's trailing slash
		}
		c = proxy.Handler(r.handler, filename, opts)
		by = r.handlerBy
	default:
		return 0, "", false
	}
	if c.Status != 0 {
		return c.Status, c.Reason, true
	}
	if pick.Member != nil {
		if t, err := proxy.MemberTarget(*pick.Member); err == nil {
			socket = t.Socket // the member's worker's uds_path
		}
	}
	if socket != "" && c.Socket == "" {
		c.Socket, c.Target.Socket = socket, socket
	}
	out.By, out.URL, out.Path, out.Socket = by, c.URL, c.Path, c.Socket
	out.ScriptFilename, out.PathInfo = c.ScriptFilename, c.PathInfo
	if p := peekDir[proxyDir](r.conf, proxyModule); p != nil && p.conf != nil && p.conf.PreserveHostSet {
		out.PreserveHost, out.PreserveHostBy = p.conf.PreserveHost, p.conf.PreserveHostAt
	}
	if m := st.match; m != nil {
		out.Unmodelled = append(out.Unmodelled, m.Unmodelled...)
	}
	r.res.Proxy = out
	where := c.URL
	if c.ScriptFilename != "" {
		where += " (FastCGI SCRIPT_FILENAME " + c.ScriptFilename + ")"
	}
	proxied := "proxied to " + where + " by " + serverOf[proxyServer](r, proxyModule).describe(by)
	if len(out.Unmodelled) > 0 {
		r.noteNotModelled(out.Unmodelled[0])
	}
	if pick.Undecided != "" && pick.Status == 0 {
		// Which member serves decides the status.
		out.BackendState = proxy.ReachUnknown.String()
		r.res.Unmodelled = append(r.res.Unmodelled, pick.Undecided)
		r.noteNotModelled(pick.Undecided)
		return 200, proxied, true
	}
	reach := proxy.ReachUp
	if c.Target.Host == "" && c.Target.Socket == "" && pick.Status != 200 {
		// A scheme whose canon handler is not modelled: no target.
		why := "the answer is the backend's: " + c.Reason
		out.BackendState = proxy.ReachUnknown.String()
		r.res.Unmodelled = append(r.res.Unmodelled, why)
		r.noteNotModelled(why)
		return 200, proxied, true
	}
	tls := proxy.ProtocolOf(c.Target.Scheme) == "tls"
	if tls && !r.s.Loaded("ssl_module") {
		// proxy_http_handler declines an https:// URL without mod_ssl's
		// outgoing handlers: no scheme handler takes it (AH01144).
		out.BackendState = ""
		return 500, proxied + ": no protocol handler was valid for the URL (AH01144): " + c.Target.Scheme + ":// needs mod_ssl", true
	}
	var proto string
	if rem := serverOf[proxyServer](r, proxyModule).remoteFor(c); rem != nil && pick.Status != 200 {
		return proxyRemote(r, out, rem, c, proxied)
	}
	if pick.Status != 200 {
		// A balancer whose members are all up answers 200 whichever
		// serves; otherwise what connecting to the target meets.
		reach, proto = r.req.Backends.world().Meet(c.Target)
	}
	out.BackendState = reach.String()
	if tls && (reach == proxy.ReachUp || reach == proxy.ReachOtherProtocol) {
		// Connected: mod_ssl now starts TLS on the connection.
		if d := r.conf.core.last.get("sslproxyengine"); d == nil || len(d.Args) == 0 || !strings.EqualFold(d.Args[0].Value, "on") {
			return 500, proxied + ": AH00961: failed to enable ssl support (SSLProxyEngine is not On)", true
		}
		if proxy.ProtocolOf(proto) == "http" {
			return 500, proxied + ": Error during SSL Handshake with remote server (AH00898): " + c.Target.String() + " speaks plain HTTP", true
		}
	}
	switch reach {
	case proxy.ReachUp:
		return 200, proxied + "; the backend answers (declared up)", true
	case proxy.ReachRefused:
		return 503, proxied + ": " + refusedReason(c.Target), true
	case proxy.ReachUnresolved:
		return 500, proxied + ": DNS lookup failure for: " + c.Target.Host + " (AH00898)", true
	case proxy.ReachOtherProtocol:
		why := "the answer is the backend's: " + c.Target.String() + " speaks " + proto + ", not " + c.Target.Scheme + " (what it makes of the request is not modelled)"
		r.res.Unmodelled = append(r.res.Unmodelled, why)
		r.noteNotModelled(why)
		return 200, proxied, true
	}
	why := "the answer is the backend's: whether " + c.Target.String() + " accepts connections is not in the configuration (declare the backends that answer: Request.Backends, --backend-up)"
	r.res.Unmodelled = append(r.res.Unmodelled, why)
	r.noteNotModelled(why)
	return 200, proxied, true
}

// remoteFor is the ProxyRemote/ProxyRemoteMatch the request goes
// through (proxy_handler tries them before connecting directly), nil for
// none or a unix: socket target.
func (s *proxyServer) remoteFor(c proxy.Canonical) *proxy.Remote {
	if s == nil || len(s.conf.Remotes) == 0 || c.Target.Socket != "" {
		return nil
	}
	return s.conf.RemoteFor(c.URL)
}

// proxyRemote answers a request that goes through a remote proxy
// (ProxyRemote): httpd connects to it instead of the URL's host and asks
// it for the absolute URL; a remote that refuses is 503, one whose name
// does not resolve 500.
func proxyRemote(r *request, out *ProxyOutcome, rem *proxy.Remote, c proxy.Canonical, proxied string) (int, string, bool) {
	out.Via, out.Path = rem.Via.String(), c.URL
	via := " through the remote proxy " + rem.Via.String() + " (" + describe(rem.Directive) + ")"
	unmodelled := func(why string) (int, string, bool) {
		out.BackendState = proxy.ReachUnknown.String()
		r.res.Unmodelled = append(r.res.Unmodelled, why)
		r.noteNotModelled(why)
		return 200, proxied + via, true
	}
	if sc := serverOf[proxyServer](r, proxyModule); len(sc.conf.NoProxy) > 0 {
		return unmodelled("whether " + describe(sc.conf.NoProxy[0]) + " exempts " + c.Target.Host + " from " + describe(rem.Directive) + " is not modelled")
	}
	reach, proto := r.req.Backends.world().Meet(rem.Via)
	out.BackendState = reach.String()
	switch reach {
	case proxy.ReachRefused:
		return 503, proxied + via + ": " + refusedReason(proxy.Target{Scheme: c.Target.Scheme, Host: rem.Via.Host, Port: rem.Via.Port}), true
	case proxy.ReachUnresolved:
		return 500, proxied + via + ": DNS lookup failure for: " + rem.Via.Host + " (AH00898)", true
	case proxy.ReachUp:
		if proxy.ProtocolOf(c.Target.Scheme) == "http" && (proto == "" || proxy.ProtocolOf(proto) == "http") {
			return 200, proxied + via + "; the remote proxy answers (declared up)", true
		}
	}
	return unmodelled("the answer is the remote proxy's: whether " + rem.Via.String() + " accepts " + c.Target.Scheme + " requests is not in the configuration (declare it: Request.Backends, --backend-up)")
}

// refusedReason is what httpd logs when nothing accepts the connection
// (ap_proxy_connect_backend, then the scheme handler).
func refusedReason(t proxy.Target) string {
	connect := "AH00957: attempt to connect to " + t.String() + " failed (connection refused)"
	if t.Socket != "" {
		connect = "AH02454: attempt to connect to Unix domain socket " + strings.TrimPrefix(t.Socket, "unix:") + " failed"
	}
	switch t.Scheme {
	case "fcgi":
		return connect + "; AH01079: failed to make connection to backend"
	case "http", "https", "ws", "wss":
		return connect + "; AH01114: HTTP: failed to make connection to backend"
	}
	return connect
}

// proxyBalancer is mod_proxy_balancer's choice of member in the
// request's world (proxy.PickMember): when every way the request can go
// ends at one member, filename becomes that member's URL. ok false:
// httpd answers status itself (no such balancer, no member, every
// member refused, a member's host does not resolve).
func proxyBalancer(r *request, out *ProxyOutcome, filename *string, opts proxy.CanonOptions) (pick proxy.Pick, status int, reason string, ok bool) {
	sc := serverOf[proxyServer](r, proxyModule)
	name := strings.ToLower(*filename)[len("proxy:"):]
	if i := strings.IndexByte(name[len("balancer://"):], '/'); i >= 0 {
		name = name[:len("balancer://")+i]
	}
	var b *proxy.Balancer
	if sc != nil {
		b = sc.conf.Balancers[name]
	}
	out.Balancer = name
	if b == nil {
		return pick, 500, "no balancer " + name + " is defined: no protocol handler takes " + *filename, false
	}
	for _, m := range b.Members {
		out.Members = append(out.Members, m.URL)
	}
	pick = proxy.PickMember(b, r.req.Backends.world(), sc.conf.BalancerParams(name))
	switch {
	case pick.Member != nil:
		*filename = proxy.MemberFilename(proxy.Canon(*filename, opts).Filename, *pick.Member)
	case pick.Status != 0 && pick.Status != 200:
		if len(b.Members) > 0 {
			// The members httpd tried: where the request was to go.
			out.URL = proxy.Canon(*filename, opts).URL
			out.BackendState = proxy.ReachRefused.String()
			if pick.Status == 500 {
				out.BackendState = proxy.ReachUnresolved.String()
			}
			r.res.Proxy = out
		}
		return pick, pick.Status, "proxied to " + name + ": " + pick.Reason, false
	case pick.Status == 200:
		out.Unmodelled = append(out.Unmodelled, pick.Undecided)
	}
	return pick, 0, "", true
}

// proxyPassCheck is add_pass's refusals of a ProxyPass or ProxyPassMatch
// line at server level or in a <Location> (elsewhere httpd's context
// check refuses it, or cmd->path is a name no request has: not judged).
func proxyPassCheck(a *applier, _ *dirConfig, d *ast.Directive, _ []string) {
	var loc *proxy.Location
	switch a.ctx {
	case CtxServer:
	case CtxLocation:
		if loc = locationOf(a.sec); loc == nil {
			return
		}
	default:
		return
	}
	match := d.Is("ProxyPassMatch")
	p, err := proxy.ParsePass(d, match, loc)
	workers := serverCheckOf[proxyWorkers](a, proxyModule)
	real := proxyReal(d, loc)
	msg := ""
	if err != nil {
		msg = err.Error()
		if e, ok := err.(*proxy.Error); ok {
			msg = e.Msg
		}
		if msg == "Regular expression could not be compiled." && !pcreRefuses(proxyFake(d, loc), false) {
			return // our engine's refusal, not PCRE2's (see pcreRefuses)
		}
	}
	// After parsing its words, add_pass looks for a worker serving the
	// URL: an earlier line's is shared, this line's parameters ignored
	// (AH01146); else ap_proxy_define_worker reads the URL, then
	// set_worker_param the parameters.
	if msg == "" || msg == "ProxyPass unknown Balancer parameter" {
		if lr := strings.ToLower(real); strings.HasPrefix(lr, "balancer://") {
			// ap_proxy_define_balancer, then set_balancer_param.
			msg = ""
			if lr == "balancer://" {
				msg = "ProxyPass Bad syntax for a balancer name (" + lr + ")"
			} else if e := balancerParamsError(a, proxyParams(d, loc)); e != "" {
				msg = "ProxyPass " + e
			}
		}
	}
	if msg == "" || msg == "ProxyPass unknown Worker parameter" || strings.HasPrefix(msg, "ProxyPass URL must be absolute!") {
		switch {
		case real == "!" || strings.HasPrefix(strings.ToLower(real), "balancer://"):
		case workers != nil && workers.shared(real):
			msg = ""
		default:
			if e := defineWorkerError(real, match); e != "" {
				msg = "ProxyPass " + e
			} else if e := workerParamsError(a, proxyParams(d, loc)); e != "" {
				msg = "ProxyPass " + e
			} else {
				msg = ""
			}
		}
	}
	if msg != "" {
		a.fail(d.Pos(), "%s", msg)
		return
	}
	if workers != nil && p != nil && !p.Excludes() {
		workers.urls = append(workers.urls, p.URL)
	}
}

// balancerMemberCheck is add_member's refusals at server level and in a
// <Proxy balancer://…> section: its words, the member's URL
// (ap_proxy_define_worker) and parameters (set_worker_param), unless an
// earlier line defined a worker the member shares (its parameters are
// then ignored, AH01150).
func balancerMemberCheck(a *applier, _ *dirConfig, d *ast.Directive, vals []string) {
	path := ""
	switch {
	case a.ctx == CtxServer:
	case a.sec != nil && (a.sec.Is("Proxy") || a.sec.Is("ProxyMatch")):
		if sv := a.sec.Values(); len(sv) > 0 {
			path = sv[len(sv)-1]
		}
	default:
		return
	}
	inSection := path != ""
	var name string
	var params [][2]string
	for _, w := range vals {
		k, v, ok := strings.Cut(w, "=")
		switch {
		case ok:
			found := false
			for i := range params {
				if strings.EqualFold(params[i][0], k) {
					params[i][1], found = v, true
				}
			}
			if !found {
				params = append(params, [2]string{k, v})
			}
		case path == "":
			path = w
		case name == "":
			name = w
		case inSection:
			a.fail(d.Pos(), "BalancerMember can not have a balancer name when defined in a location")
			return
		default:
			a.fail(d.Pos(), "Invalid BalancerMember parameter. Parameter must be in the form 'key=value'")
			return
		}
	}
	if path == "" || name == "" || !strings.HasPrefix(strings.ToLower(path), "balancer://") {
		return // the directive registry's, or a balancer name not judged
	}
	if len(name) >= 5 && strings.EqualFold(name[:5], "unix:") {
		if bar := strings.IndexByte(name, '|'); bar >= 0 && !strings.Contains(name[bar+1:], ":") {
			a.fail(d.Pos(), "BalancerMember uses an invalid \"unix:\" URL")
			return
		}
	}
	workers := serverCheckOf[proxyWorkers](a, proxyModule)
	if workers == nil || workers.shared(name) {
		return
	}
	msg := defineWorkerError(name, false)
	if msg == "" {
		msg = workerParamsError(a, params)
	}
	if msg != "" {
		a.fail(d.Pos(), "BalancerMember %s", msg)
		return
	}
	workers.urls = append(workers.urls, name)
}

// proxyParams are a ProxyPass line's key=value words as add_pass puts
// them in its table (apr_table_setn: a key's first place, its last
// value).
func proxyParams(d *ast.Directive, loc *proxy.Location) [][2]string {
	var out [][2]string
	words := 2
	if loc != nil {
		words = 1
	}
	for _, w := range d.Values() {
		if words > 0 {
			if w != "~" || words != 2 {
				words--
			}
			continue
		}
		switch strings.ToLower(w) {
		case "nocanon", "interpolate", "noquery":
			continue
		}
		k, v, ok := strings.Cut(w, "=")
		if !ok || strings.EqualFold(k, "mapping") {
			continue
		}
		found := false
		for i := range out {
			if strings.EqualFold(out[i][0], k) {
				out[i][1], found = v, true
			}
		}
		if !found {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

// workerParamsError is set_worker_param's first refusal of the
// parameters, in their order: an unknown key, or a value out of range
// for the keys whose check is a number or a word. The keys it reads
// with ap_timeout_parameter_parse, a length or status flags are not
// judged; with mod_proxy_hcheck loaded an unknown key is its to judge
// (not judged here).
func workerParamsError(a *applier, params [][2]string) string {
	for _, kv := range params {
		key, val := strings.ToLower(kv[0]), kv[1]
		onOff := func(name string) string { return onOffRefusal(name, val) }
		msg := ""
		switch key {
		case "loadfactor":
			if f := int(cAtof(val) * 100); f < 100 || f > 10000 {
				msg = "LoadFactor must be a number between 1..100"
			}
		case "retry":
			if cAtoi(val) < 0 {
				msg = "Retry must be a positive value"
			}
		case "ttl":
			if cAtoi(val) < 1 {
				msg = "TTL must be at least one second"
			}
		case "min", "max", "smax":
			if cAtoi(val) < 0 {
				msg = map[string]string{"min": "Min", "max": "Max", "smax": "Smax"}[key] + " must be a positive number"
			}
		case "timeout":
			if cAtoi(val) < 1 {
				msg = "Timeout must be at least one second"
			}
		case "iobuffersize":
			if n := cAtoi(val); n < 512 && n != 0 {
				msg = "IOBufferSize must be >= 512 bytes, or 0 for system default."
			}
		case "receivebuffersize":
			if n := cAtoi(val); n < 512 && n != 0 {
				msg = "ReceiveBufferSize must be >= 512 bytes, or 0 for system default."
			}
		case "keepalive":
			msg = onOff("KeepAlive")
		case "disablereuse":
			msg = onOff("DisableReuse")
		case "enablereuse":
			msg = onOff("EnableReuse")
		case "flushpackets":
			if !strings.EqualFold(val, "on") && !strings.EqualFold(val, "off") && !strings.EqualFold(val, "auto") {
				msg = "flushpackets must be on|off|auto"
			}
		case "flushwait":
			if n := cAtoi(val); n > 1000 || n < 0 {
				msg = "flushwait must be <= 1000, or 0 for system default of 10 millseconds."
			}
		case "lbset":
			if n := cAtoi(val); n < 0 || n > 99 {
				msg = "lbset must be between 0 and 99"
			}
		case "responsefieldsize":
			if cAtoi(val) < 0 {
				msg = "ResponseFieldSize must be greater than 0 bytes, or 0 for system default."
			}
		case "acquire", "addressttl", "route", "redirect", "status", "ping", "connectiontimeout", "flusher", "upgrade", "secret":
		default:
			if a.server == nil || a.server.run.loaded("proxy_hcheck_module") {
				return ""
			}
			msg = "unknown Worker parameter"
		}
		if msg != "" {
			return msg
		}
	}
	return ""
}

// onOffRefusal is the worker and balancer parameters' refusal of a
// value that is not On or Off.
func onOffRefusal(name, val string) string {
	if !strings.EqualFold(val, "on") && !strings.EqualFold(val, "off") {
		return name + " must be On|Off"
	}
	return ""
}

// balancerParamsError is set_balancer_param's first refusal of the
// parameters of a ProxyPass to a balancer, in their order. Without the
// loaded modules known, lbmethod is not judged.
func balancerParamsError(a *applier, params [][2]string) string {
	for _, kv := range params {
		key, val := strings.ToLower(kv[0]), kv[1]
		onOff := func(name string) string { return onOffRefusal(name, val) }
		msg := ""
		switch key {
		case "stickysession", "nonce":
		case "stickysessionsep":
			if len(val) != 1 && !strings.EqualFold(val, "off") {
				msg = "stickysessionsep must be a single character or Off"
			}
		case "nofailover":
			msg = onOff("failover")
		case "timeout":
			if cAtoi(val) < 1 {
				msg = "timeout must be at least one second"
			}
		case "maxattempts":
			if cAtoi(val) < 0 {
				msg = "maximum number of attempts must be a positive number"
			}
		case "lbmethod":
			// The providers of the lbmethod modules (PROXY_LBMETHOD).
			switch val {
			case "byrequests", "bytraffic", "bybusyness", "heartbeat":
				if a.server == nil || a.server.run.opts.Loaded == nil || a.server.run.loaded("lbmethod_"+val+"_module") {
					continue
				}
			}
			if a.server == nil || !a.server.run.closedModules() {
				continue // a module we do not know may provide it
			}
			msg = "unknown lbmethod"
		case "scolonpathdelim":
			msg = onOff("scolonpathdelim")
		case "failonstatus":
			for _, st := range strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == ' ' }) {
				if n := cAtoi(st); n < 100 || n >= 600 {
					msg = "failonstatus must be one or more HTTP response codes"
					break
				}
			}
		case "failontimeout":
			msg = onOff("failontimeout")
		case "growth":
			if n := cAtoi(val); n < 1 || n > 100 {
				msg = "growth must be between 1 and 100"
			}
		case "forcerecovery":
			msg = onOff("forcerecovery")
		default:
			msg = "unknown Balancer parameter"
		}
		if msg != "" {
			return msg
		}
	}
	return ""
}

// cAtoi is C's atoi: blanks, a sign, the digits that follow (0 without).
func cAtoi(s string) int {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9' && n < 1<<40; i++ {
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}

// cAtof is C's atof for the decimal forms: the longest prefix that is a
// number (0 without).
func cAtof(s string) float64 {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	end := 0
	if end < len(s) && (s[end] == '+' || s[end] == '-') {
		end++
	}
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end < len(s) && s[end] == '.' {
		end++
		for end < len(s) && s[end] >= '0' && s[end] <= '9' {
			end++
		}
	}
	f, err := strconv.ParseFloat(strings.TrimRight(s[:end], "."), 64)
	if err != nil {
		if g, err2 := strconv.ParseFloat(s[:end]+"0", 64); err2 == nil {
			return g
		}
		return 0
	}
	return f
}

// defineWorkerError is ap_proxy_define_worker_ex's refusal of a backend
// URL (as written, unix: socket part included): apr_uri_parse must read
// it, with a scheme and a host ("localhost" for a unix: socket). A
// ProxyPassMatch URL with a $N substitution is not judged.
func defineWorkerError(url string, match bool) string {
	ptr, socket := url, false
	if len(url) >= 5 && strings.EqualFold(url[:5], "unix:") {
		if bar := strings.IndexByte(url[5:], '|'); bar >= 0 {
			if _, _, _, ok := aprURIParse(url[:5+bar]); ok {
				ptr, socket = url[5+bar+1:], true
			}
		}
	}
	if match && strings.Contains(ptr, "$") {
		return ""
	}
	scheme, host, _, ok := aprURIParse(ptr)
	switch {
	case !ok:
		return "Unable to parse URL: " + url
	case scheme == "", host == "" && !socket:
		return "URL must be absolute!: " + url
	}
	return ""
}

// aprURIParse is apr_uri_parse's reading of a URI as far as its
// verdict, scheme and host go; ok false where it fails (APR_EGENERAL).
func aprURIParse(uri string) (scheme, host, path string, ok bool) {
	isAlpha := func(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
	isScheme := func(c byte) bool { return isAlpha(c) || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.' }
	rest := uri
	if !strings.HasPrefix(uri, "/") {
		i := 0
		if i < len(uri) && isAlpha(uri[i]) {
			for i++; i < len(uri) && isScheme(uri[i]); i++ {
			}
		}
		if i > 0 && i < len(uri) && uri[i] == ':' {
			scheme, rest = uri[:i], uri[i+1:]
		}
		if !strings.HasPrefix(rest, "//") {
			if scheme == "" {
				// RFC 3986 3.3: no scheme, no authority: no ':' in the
				// first segment.
				first := rest
				if j := strings.IndexByte(rest, '/'); j >= 0 {
					first = rest[:j]
				}
				if strings.Contains(first, ":") {
					return "", "", "", false
				}
			}
			return scheme, "", rest, true
		}
	} else if !strings.HasPrefix(uri, "//") || strings.HasPrefix(uri, "///") {
		return "", "", uri, true
	}
	rest = rest[2:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	hostinfo := rest[:end]
	if at := strings.LastIndexByte(hostinfo, '@'); at >= 0 {
		hostinfo = hostinfo[at+1:]
	}
	var port string
	hasPort := false
	if strings.HasPrefix(hostinfo, "[") {
		rb := strings.IndexByte(hostinfo, ']')
		if rb < 0 {
			return "", "", "", false
		}
		host = hostinfo[1:rb]
		if rb+1 < len(hostinfo) && hostinfo[rb+1] == ':' {
			port, hasPort = hostinfo[rb+2:], true
		}
	} else if c := strings.IndexByte(hostinfo, ':'); c >= 0 {
		host, port, hasPort = hostinfo[:c], hostinfo[c+1:], true
	} else {
		host = hostinfo
	}
	if hasPort && port != "" {
		// strtol: blanks, a sign, digits, and nothing after.
		p := strings.TrimLeft(port, " \t\n\v\f\r")
		if p != "" && (p[0] == '+' || p[0] == '-') {
			p = p[1:]
		}
		digits := len(p) - len(strings.TrimLeft(p, "0123456789"))
		if digits == 0 || digits != len(p) {
			return "", "", "", false
		}
	}
	return scheme, host, rest[end:], true
}

// proxyWorkers are the worker URLs a server's ProxyPass lines defined so
// far (conf->workers while the configuration is read).
type proxyWorkers struct{ urls []string }

// shared reports whether a worker defined earlier may serve url
// (ap_proxy_get_worker_ex: a worker whose name begins the URL), taken
// broadly: a shared worker's parameters are ignored, not refused.
func (w *proxyWorkers) shared(url string) bool {
	for _, u := range w.urls {
		if p := strings.TrimRight(u, "/"); len(url) >= len(p) && strings.EqualFold(url[:len(p)], p) {
			return true
		}
	}
	return false
}

// proxyFake is a ProxyPass line's path (the <Location>'s in one).
func proxyFake(d *ast.Directive, loc *proxy.Location) string {
	if loc != nil {
		return loc.Path
	}
	for _, w := range d.Values() {
		if w != "~" {
			return w
		}
	}
	return ""
}

// proxyReal is a ProxyPass line's backend URL (its second word, the
// first in a <Location>; "~" not counted).
func proxyReal(d *ast.Directive, loc *proxy.Location) string {
	n := 1
	if loc != nil {
		n = 0
	}
	for _, w := range d.Values() {
		if w == "~" && n == 1 {
			continue
		}
		if n == 0 {
			return w
		}
		n--
	}
	return ""
}

// absoluteURL is ap_proxy_define_worker's test: scheme://host.
func absoluteURL(u string) bool {
	c := strings.Index(u, "://")
	return c > 0 && c+3 < len(u)
}
