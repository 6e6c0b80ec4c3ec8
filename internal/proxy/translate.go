package proxy

import (
	"math"
	"net/netip"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/syntax"
	"github.com/apacheconf/apacheconf/internal/urlmap"
)

// Request is what proxy_trans reads.
type Request struct {
	URI string // r->uri: the decoded URL path
	// UnparsedURI is the request target as sent (path and query,
	// percent-encoded): nocanon entries map it instead of URI.
	UnparsedURI string
	Query       string // r->args
	HasQuery    bool
	// NoProxy: the request's environment has no-proxy set (SetEnvIf …
	// no-proxy); mod_proxy then declines.
	NoProxy bool
}

// Step is one ProxyPass entry tried, for the trace.
type Step struct {
	Pass    *ast.Directive
	Matched bool
	Note    string
}

// Match is the outcome of translate_name for mod_proxy.
type Match struct {
	// Pass is the entry that matched (nil: none did, or an exclusion did:
	// see Excluded); the request then goes on to the other translators.
	Pass     *Pass
	Excluded *Pass // the "!" entry that stopped the search
	// Filename is r->filename: "proxy:" and the backend URL as mapped,
	// before the scheme's canonicalisation (Canon).
	Filename string
	NoCanon  bool // proxy-nocanon
	NoQuery  bool // proxy-noquery
	NoEncode bool // proxy-noencode (mapping=encoded)
	// Balancer is the balancer:// the URL names, with its members.
	Balancer *Balancer
	// Member is the balancer's only member, when it has one. With
	// several, PickMember says which serves.
	Member *Member
	// Tried is how many entries were tested, in order (the <Location>'s
	// first); Steps records those that matched or noted something, so a
	// table of hundreds of entries does not build a trace of misses.
	Tried      int
	Steps      []Step
	Unmodelled []string
}

// Translate is proxy_trans at translate_name: the <Location>'s own
// ProxyPass first (dir.Pass), then the server's entries in order; the
// first that matches wins, an exclusion ("!") stops the search.
func Translate(s *ServerConfig, dir *DirConfig, r Request) *Match {
	m := &Match{}
	if r.UnparsedURI == "*" || !strings.HasPrefix(r.URI, "/") || r.NoProxy {
		return m
	}
	if dir != nil && dir.Pass != nil {
		if m.try(dir.Pass, r, s, dir) {
			return m
		}
	}
	if s != nil {
		for _, p := range s.Passes {
			if m.try(p, r, s, dir) {
				return m
			}
		}
	}
	return m
}

// try is ap_proxy_trans_match for one entry; true when it decided
// (matched or excluded).
func (m *Match) try(p *Pass, r Request, s *ServerConfig, dir *DirConfig) bool {
	step := Step{Pass: p.Directive}
	decided := m.match(p, r, s, dir, &step)
	m.Tried++
	if step.Matched || step.Note != "" {
		m.Steps = append(m.Steps, step)
	}
	return decided
}

func (m *Match) match(p *Pass, r Request, s *ServerConfig, dir *DirConfig, step *Step) bool {
	if p.MapServlet {
		step.Note = "mapping=servlet normalisation is not modelled"
		m.Unmodelled = append(m.Unmodelled, "ProxyPass at "+p.Directive.Pos().String()+" uses mapping=servlet (path parameters are stripped before matching), not modelled")
	}
	fake, real := p.Path, p.URL
	if p.Interpolate && dir != nil && dir.InterpolateEnv && (strings.Contains(fake, "${") || strings.Contains(real, "${")) {
		m.Unmodelled = append(m.Unmodelled, "ProxyPass at "+p.Directive.Pos().String()+" interpolates ${…} from the request's environment, not modelled")
	}
	uri := r.URI
	if p.MapEncoded {
		uri = pathOf(r.UnparsedURI)
	}
	nocanon := p.NoCanon
	useURI := uri
	if nocanon {
		useURI = r.UnparsedURI
	}
	var found string
	if p.Regex {
		sm := p.re.FindStringSubmatchIndex(uri)
		if sm == nil {
			return false
		}
		step.Matched = true
		if p.Excludes() {
			m.Excluded = p
			step.Note = "exclusion"
			return true
		}
		src := uri
		if nocanon {
			if raw := p.re.FindStringSubmatchIndex(r.UnparsedURI); raw != nil {
				sm, src = raw, r.UnparsedURI
			} else {
				nocanon, useURI = false, uri
				step.Note = "the unescaped path matched: nocanon ignored (AH01136)"
			}
		}
		found = urlmap.Pregsub(real, src, sm)
		if found == real {
			// No substitution: the URI is appended ("$1 is implied").
			found = real + useURI
		}
	} else {
		n := aliasMatch(uri, fake)
		if n == 0 {
			return false
		}
		step.Matched = true
		if p.Excludes() {
			m.Excluded = p
			step.Note = "exclusion"
			return true
		}
		if nocanon && n != aliasMatch(r.UnparsedURI, fake) {
			nocanon, useURI = false, uri
			step.Note = "the unescaped path matched: nocanon ignored (AH01136)"
		}
		found = real + useURI[n:]
	}
	m.Pass, m.Filename = p, "proxy:"+found
	m.NoCanon, m.NoQuery, m.NoEncode = nocanon, p.NoQuery, p.MapEncoded
	if isBalancer(found) {
		name := balancerName(found)
		if s != nil && s.Balancers != nil {
			m.Balancer = s.Balancers[name]
		}
		if m.Balancer != nil && len(m.Balancer.Members) == 1 {
			// One member serves every request it can (MemberFilename
			// gives its URL); PickMember says what several make of it.
			m.Member = &m.Balancer.Members[0]
		}
	}
	return true
}

func pathOf(target string) string {
	if i := strings.IndexByte(target, '?'); i >= 0 {
		return target[:i]
	}
	return target
}

// aliasMatch is mod_proxy's alias_match: the length of uri that the
// prefix fake matches (any run of '/' in fake matches any non-empty run
// in uri), 0 for no match; the prefix must end at a segment boundary
// unless it ends in '/'.
func aliasMatch(uri, fake string) int {
	a, u := 0, 0
	for a < len(fake) && u < len(uri) {
		if fake[a] == '/' {
			if uri[u] != '/' {
				return 0
			}
			for a < len(fake) && fake[a] == '/' {
				a++
			}
			for u < len(uri) && uri[u] == '/' {
				u++
			}
		} else {
			if uri[u] != fake[a] {
				return 0
			}
			u++
			a++
		}
	}
	if u == len(uri) && a != len(fake) {
		return 0
	}
	if a > 0 && fake[a-1] != '/' && u < len(uri) && uri[u] != '/' {
		return 0
	}
	return u
}

// Canonical is a proxied request after the scheme's canon handler.
type Canonical struct {
	// Filename is r->filename after canonicalisation: "proxy:" and the
	// URL; for FastCGI (FPM, the default backend type) it is also the
	// SCRIPT_FILENAME the backend receives.
	Filename string
	// URL is the URL the backend is asked for: scheme://host[:port]/path
	// with the query string; for FastCGI the QUERY_STRING rides apart and
	// is not in it.
	URL string
	// Path is what an HTTP backend receives as its request target (path
	// and query).
	Path string
	// Socket is the unix: socket connected to, "" for TCP.
	Socket string
	// Target is the backend httpd connects to (ap_proxy_determine_connection):
	// the host as apr_uri_parse gives it back from URL, the port with the
	// scheme's default, or Socket. Empty for a balancer:// URL.
	Target Target
	// ScriptFilename and PathInfo are what mod_proxy_fcgi sends (FastCGI only).
	ScriptFilename string
	PathInfo       string
	// Status is non-zero when httpd answers the request itself (400 for
	// a malformed URL, 403 for a space or control character in a path or
	// query that is passed on unescaped).
	Status int
	Reason string
}

// CanonOptions are the request facts a canon handler reads.
type CanonOptions struct {
	Query    string // r->args
	HasQuery bool
	NoCanon  bool // proxy-nocanon
	// NoQuery is proxy-noquery (ProxyPass noquery). httpd 2.4 sets the
	// note and no canon handler reads it: the query string is passed on
	// all the same (oracle case proxy-mapping, /nq/).
	NoQuery  bool
	NoEncode bool // proxy-noencode
	PathInfo string
	// FCGIGeneric: ProxyFCGIBackendType GENERIC, under which the
	// "proxy:fcgi://host:port" prefix is stripped from SCRIPT_FILENAME.
	FCGIGeneric bool
	// FCGIPathInfo is the proxy-fcgi-pathinfo environment variable.
	FCGIPathInfo string
	// AllowEncodedSlashesNoDecode: AllowEncodedSlashes NoDecode (keeps %2F).
	AllowEncodedSlashesNoDecode bool
	// Forward: a forward-proxy request (ProxyRequests), whose URL is
	// not re-encoded.
	Forward bool
}

// Canon canonicalises a "proxy:URL" r->filename as ap_proxy_canon_url
// and the scheme's canon handler do for a reverse-proxied request.
func Canon(filename string, o CanonOptions) Canonical {
	var c Canonical
	url := strings.TrimPrefix(filename, "proxy:")
	// fixup_uds_filename: the unix: part becomes the socket.
	if len(url) > 5 && syntax.EqualFoldASCII(url[:5], "unix:") {
		if bar := strings.IndexByte(url, '|'); bar >= 0 {
			c.Socket = url[:bar]
			origin := url[bar+1:]
			col := strings.IndexByte(origin, ':')
			if col < 0 || len(c.Socket) <= 5 {
				return Canonical{Status: 400, Reason: "Invalid proxy UDS filename (AH10292)"}
			}
			after := origin[col+1:]
			switch {
			case after == "":
				origin += "//localhost"
			case strings.HasPrefix(after, "/") && (!strings.HasPrefix(after, "//") || strings.HasPrefix(after, "///") || after == "//"):
				rest := after // "scheme:/path"
				if strings.HasPrefix(after, "//") {
					rest = after[2:] // "scheme:///path", "scheme://"
				}
				origin = origin[:col] + "://localhost" + rest
			}
			url = origin
		}
	}
	col := strings.Index(url, "://")
	if col <= 0 {
		return Canonical{Status: 400, Reason: "no URL in " + filename}
	}
	scheme := syntax.ToLowerASCII(url[:col])
	var def int
	switch scheme {
	case "http", "ws":
		def = 80
	case "https", "wss":
		def = 443
	case "fcgi":
		def = 8000
	case "ajp":
		def = 8009
	case "scgi":
		def = 4000
	case "uwsgi":
		def = 3031 // UWSGI_DEFAULT_PORT
	case "h2c":
		def = 80
	case "h2":
		def = 443
	case "balancer":
		def = 0
	default:
		return Canonical{Status: 0, Filename: filename, URL: url, Reason: "no canon handler modelled for " + scheme + "://"}
	}
	host, port, path, err := canonNetloc(url[col+1:])
	if err != "" {
		return Canonical{Status: 400, Reason: "error parsing URL " + url + ": " + err}
	}
	if port == 0 {
		port = def
	}
	rawHost := host
	encoded := path
	if !o.NoCanon && !o.NoEncode && !o.Forward {
		encoded = canonEnc(path, o.AllowEncodedSlashesNoDecode)
	}
	if encoded == path && hasNonVChar(path) {
		return Canonical{Status: 403, Reason: "To be forwarded path contains control characters or spaces (AH10415)"}
	}
	sport := ""
	if port != def && port != 0 {
		sport = ":" + strconv.Itoa(port)
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	base := scheme + "://" + host + sport + "/" + encoded
	search := ""
	hasSearch := false
	if scheme == "balancer" {
		// proxy_balancer_canon keeps the raw path; each member's own
		// canon handler runs once one is chosen (MemberFilename).
		c.Filename = "proxy:balancer://" + host + "/" + path
		c.URL = c.Filename[len("proxy:"):]
		c.Path = "/" + path
		return c
	}
	// uwsgi_canon, like proxy_fcgi_canon, keeps the query out of the URL.
	if scheme != "fcgi" && scheme != "uwsgi" && !o.NoCanon && !o.Forward && o.HasQuery {
		search, hasSearch = o.Query, true
		if hasNonVChar(search) {
			return Canonical{Status: 403, Reason: "To be forwarded query string contains control characters or spaces (AH10408)"}
		}
	}
	c.Filename = "proxy:" + base
	c.Target = Target{Scheme: scheme, Host: rawHost, Port: port, Socket: c.Socket}
	if hasSearch {
		c.Filename += "?" + search
	}
	c.URL = c.Filename[len("proxy:"):]
	// With nocanon the raw target, query included, was mapped into the
	// path already.
	c.Path = "/" + encoded
	if hasSearch {
		c.Path += "?" + search
	}
	if scheme == "fcgi" {
		c.ScriptFilename, c.PathInfo = c.Filename, o.PathInfo
		switch strings.ToLower(o.FCGIPathInfo) {
		case "":
		case "first-dot", "last-dot", "full":
			c.Reason = "proxy-fcgi-pathinfo=" + o.FCGIPathInfo + " splits PATH_INFO differently: not modelled"
		default:
			c.PathInfo = "/" + encoded
			if strings.EqualFold(o.FCGIPathInfo, "unescape") {
				c.PathInfo = unescape(c.PathInfo)
			}
		}
		if o.FCGIGeneric {
			if i := strings.IndexByte(base[len("fcgi://"):], '/'); i >= 0 {
				c.ScriptFilename = base[len("fcgi://")+i:]
			}
		}
		if o.HasQuery {
			c.URL += "?" + o.Query // QUERY_STRING, sent apart
		}
	}
	return c
}

// canonNetloc is ap_proxy_canon_netloc on "//[user[:pass]@]host[:port][/path]":
// the host in lower case, the port (0 when not given) and the path after
// the '/'. The host and port are split as apr_parse_addr_port does.
func canonNetloc(u string) (host string, port int, path, err string) {
	if !strings.HasPrefix(u, "//") {
		return "", 0, "", "Malformed URL"
	}
	hp := u[2:]
	if i := strings.IndexByte(hp, '/'); i >= 0 {
		hp, path = hp[:i], hp[i+1:]
	}
	if at := strings.LastIndexByte(hp, '@'); at >= 0 {
		hp = hp[at+1:]
	}
	host, port, ok := parseAddrPort(hp)
	if !ok || host == "" {
		return "", 0, "", "Invalid host/port"
	}
	return syntax.ToLowerASCII(host), port, path, ""
}

// parseAddrPort is apr_parse_addr_port: trailing digits after a ':' are
// the port (1..65535); whatever else there is, ':' included, is the host
// ("127.0.0.1:80x" is the host "127.0.0.1:80x" with no port), except a
// bracketed IPv6 address, which must be valid and end the host. A string
// of digits alone is a port without a host (host ""); a scope id is
// refused.
func parseAddrPort(s string) (host string, port int, ok bool) {
	ch := len(s) - 1
	for ch >= 0 && s[ch] >= '0' && s[ch] <= '9' {
		ch--
	}
	last := len(s) - 1
	if ch < 0 { // the entire string is the port
		p := atoi(s)
		return "", p, p >= 1 && p <= 65535
	}
	if s[ch] == ':' && ch < last {
		if ch == 0 {
			return "", 0, false
		}
		p := atoi(s[ch+1:])
		if p < 1 || p > 65535 {
			return "", 0, false
		}
		port, last = p, ch-1
	}
	host = s[:last+1]
	if strings.HasPrefix(host, "[") {
		end := strings.IndexByte(host, ']')
		if end != len(host)-1 || strings.IndexByte(host, '%') >= 0 {
			return "", 0, false
		}
		a, err := netip.ParseAddr(host[1:end])
		if err != nil || !a.Is6() {
			return "", 0, false
		}
		host = host[1:end]
	}
	return host, port, true
}

// atoi is C's atoi over a string of digits: strtol's value, saturated at
// LONG_MAX, then truncated to an int as the cast does.
func atoi(s string) int {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		v = math.MaxInt64
	}
	return int(int32(v))
}

// canonEnc is ap_proxy_canonenc_ex(enc_path) for a reverse proxy: '/'
// kept, '%' and bytes outside the allowed set encoded (upper-case hex);
// with AllowEncodedSlashes NoDecode an existing %2F stays as it is.
func canonEnc(s string, keepEncodedSlashes bool) string {
	const allowed = "~$-_.+!*'(),;:@&="
	const hex = "0123456789ABCDEF"
	clean := true
	for i := 0; i < len(s) && clean; i++ {
		c := s[i]
		clean = c == '/' || isAlnum(c) || strings.IndexByte(allowed, c) >= 0
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '/' {
			b.WriteByte(ch)
			continue
		}
		if keepEncodedSlashes && ch == '%' && i+2 < len(s) && s[i+1] == '2' && (s[i+2] == 'F' || s[i+2] == 'f') {
			b.WriteString(s[i : i+3])
			i += 2
			continue
		}
		if isAlnum(ch) || strings.IndexByte(allowed, ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

// MemberFilename is the r->filename a balancer:// request gets once
// member serves it (balancer_fixup: the member's URL in place of
// balancer://name); Canon it with the request's options.
func MemberFilename(balancerFilename string, member Member) string {
	rest := strings.TrimPrefix(balancerFilename, "proxy:")
	rest = rest[min(len(rest), len("balancer://")):]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[i:]
	} else {
		rest = ""
	}
	url, _, _ := deSocketfy(member.URL)
	return "proxy:" + strings.TrimSuffix(url, "/") + rest
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func hasNonVChar(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil && v != '/' {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Handler is the r->filename mod_proxy's handler builds for a
// SetHandler "proxy:…" (proxy_handler: the handler name, then the file
// name the walk found), canonicalised. handler is the SetHandler value,
// filename r->filename.
func Handler(handler, filename string, o CanonOptions) Canonical {
	if !strings.HasPrefix(handler, "proxy:") {
		return Canonical{Reason: "not a proxy handler"}
	}
	return Canon(handler+filename, o)
}
