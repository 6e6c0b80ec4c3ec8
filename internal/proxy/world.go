package proxy

import (
	"math"
	"net/netip"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/internal/syntax"
)

// World is what is known about the backends a proxied request may reach:
// which accept connections and which host names resolve. No
// configuration says it, so the caller declares it; the zero World (or a
// nil one) knows nothing, and a proxied request's answer is then the
// backend's, not decided here.
type World struct {
	// Up are the backends that accept connections and answer: "host:port"
	// (an IP address, "[v6]:port", or a host name, which then resolves)
	// or "unix:/path" for a socket, optionally after the protocol they
	// speak ("fcgi://127.0.0.1:9000", "http://…", "https://…", "ajp://…"):
	// asked in another, their answer is not known (ReachOtherProtocol).
	Up []string
	// Closed says nothing else accepts connections (httpd answers 503)
	// and no host name resolves but "localhost", those named in Up and
	// those in Hosts (httpd answers 500).
	Closed bool
	// Hosts are host names and the addresses they resolve to, as
	// /etc/hosts gives them. Without an entry, "localhost" is 127.0.0.1
	// and ::1.
	Hosts map[string][]netip.Addr
	// ClosedNets, when set, narrow Closed to backends at these addresses
	// (and unix: sockets): elsewhere what answers is not known.
	ClosedNets []netip.Prefix
}

// Reach is what httpd meets when it connects to a backend.
type Reach int

// The outcomes of ap_proxy_determine_connection and
// ap_proxy_connect_backend.
const (
	// ReachUnknown: the world does not say; the answer is the backend's.
	ReachUnknown Reach = iota
	// ReachUp: the backend accepts the connection and answers.
	ReachUp
	// ReachRefused: nothing accepts the connection (or the unix: socket
	// does not exist): httpd answers 503 (AH00957/AH02454, then the
	// scheme's "failed to make connection to backend").
	ReachRefused
	// ReachUnresolved: the host name does not resolve: httpd answers 500
	// (AH00898 DNS lookup failure).
	ReachUnresolved
	// ReachOtherProtocol: the backend accepts the connection but speaks
	// another protocol than the URL's scheme (Meet says which).
	ReachOtherProtocol
)

func (r Reach) String() string {
	switch r {
	case ReachUp:
		return "up"
	case ReachRefused:
		return "refused"
	case ReachUnresolved:
		return "unresolved"
	case ReachOtherProtocol:
		return "other-protocol"
	}
	return "unknown"
}

// Target is the backend a canonical URL connects to: the host as
// apr_uri_parse gives it (no brackets), the port (the scheme's default
// filled in), or the unix: socket that replaces both.
type Target struct {
	Scheme string
	Host   string
	Port   int
	Socket string // "unix:/path", "" for TCP
}

func (t Target) String() string {
	if t.Socket != "" {
		return t.Socket
	}
	return joinHostPort(t.Host, t.Port)
}

func joinHostPort(host string, port int) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(port)
}

// Reach says what connecting to t meets in the world w (nil: nothing is
// known). A host name holding a ':' is not an IPv6 address (the canon
// handler bracketed what apr_parse_addr_port left of a malformed
// host:port): no resolver knows it, in any world.
func (w *World) Reach(t Target) Reach {
	r, _ := w.Meet(t)
	return r
}

// Meet is Reach with the protocol the Up entry that answers declares
// ("" for none): ReachOtherProtocol when it is not the one t's scheme
// speaks.
func (w *World) Meet(t Target) (Reach, string) {
	r, proto := w.meet(t)
	if r == ReachUp && proto != "" && ProtocolOf(proto) != ProtocolOf(t.Scheme) {
		return ReachOtherProtocol, proto
	}
	return r, proto
}

// ProtocolOf is the wire protocol a scheme speaks: "http" for http, ws and
// h2c, "tls" for https, wss and h2, the scheme itself otherwise.
func ProtocolOf(scheme string) string {
	switch s := syntax.ToLowerASCII(scheme); s {
	case "http", "ws", "h2c":
		return "http"
	case "https", "wss", "h2":
		return "tls"
	default:
		return s
	}
}

func (w *World) meet(t Target) (Reach, string) {
	if t.Socket != "" {
		if w == nil {
			return ReachUnknown, ""
		}
		if ok, proto := w.up(t.Socket); ok {
			return ReachUp, proto
		}
		if w.Closed {
			return ReachRefused, ""
		}
		return ReachUnknown, ""
	}
	host := syntax.ToLowerASCII(t.Host)
	if strings.Contains(host, ":") {
		if a, err := netip.ParseAddr(host); err != nil || !a.Is6() {
			return ReachUnresolved, ""
		}
	}
	if w == nil {
		return ReachUnknown, ""
	}
	if ok, proto := w.upLiteral(host, t.Port); ok {
		return ReachUp, proto
	}
	if ok, proto := w.up(joinHostPort(host, t.Port)); ok {
		return ReachUp, proto
	}
	addrs, known := w.resolve(host)
	if !known {
		if w.Closed {
			return ReachUnresolved, ""
		}
		return ReachUnknown, ""
	}
	for _, a := range addrs {
		if ok, proto := w.up(joinHostPort(a.String(), t.Port)); ok {
			return ReachUp, proto
		}
	}
	if w.Closed && w.closedAt(addrs) {
		return ReachRefused, ""
	}
	return ReachUnknown, ""
}

// closedAt reports whether the closed world covers every address.
func (w *World) closedAt(addrs []netip.Addr) bool {
	if len(w.ClosedNets) == 0 {
		return true
	}
	if len(addrs) == 0 {
		return false // a name Up gives, at addresses we do not know
	}
	for _, a := range addrs {
		in := false
		for _, n := range w.ClosedNets {
			in = in || n.Contains(a)
		}
		if !in {
			return false
		}
	}
	return true
}

// upLiteral is up's common case without building a key: an entry that
// gives host and port as the URL does.
func (w *World) upLiteral(host string, port int) (bool, string) {
	var buf [8]byte
	ps := strconv.AppendInt(buf[:0], int64(port), 10)
	for _, entry := range w.Up {
		proto, u := splitProto(entry)
		c := strings.LastIndexByte(u, ':')
		if c <= 0 || u[c+1:] != string(ps) {
			continue
		}
		h := u[:c]
		if len(h) > 1 && h[0] == '[' && h[len(h)-1] == ']' {
			h = h[1 : len(h)-1]
		}
		if strings.EqualFold(h, host) {
			return true, proto
		}
	}
	return false, ""
}

// splitProto takes the "scheme://" off an Up entry.
func splitProto(u string) (proto, rest string) {
	if i := strings.Index(u, "://"); i > 0 {
		return syntax.ToLowerASCII(u[:i]), u[i+3:]
	}
	return "", u
}

// up reports whether Up lists key ("host:port", "unix:/path"), and the
// protocol the entry declares: hosts compare without case, IP addresses
// in their canonical form, and an entry naming a host stands for the
// addresses it resolves to too.
func (w *World) up(key string) (bool, string) {
	for _, entry := range w.Up {
		proto, u := splitProto(entry)
		if strings.EqualFold(u, key) || normalizeUp(u) == key {
			return true, proto
		}
		if strings.HasPrefix(u, "unix:") {
			continue
		}
		c := strings.LastIndexByte(u, ':')
		if c <= 0 {
			continue
		}
		host, port := syntax.ToLowerASCII(u[:c]), u[c+1:]
		if _, isIP := ParseIP(strings.Trim(host, "[]")); isIP {
			continue
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			continue
		}
		addrs, _ := w.resolve(host)
		for _, a := range addrs {
			if joinHostPort(a.String(), p) == key {
				return true, proto
			}
		}
	}
	return false, ""
}

// normalizeUp writes a "host:port" of Up with its address in canonical
// form ("[0:0::1]:80" → "[::1]:80", "127.1:80" → "127.0.0.1:80").
func normalizeUp(u string) string {
	if strings.HasPrefix(u, "unix:") {
		return u
	}
	c := strings.LastIndexByte(u, ':')
	if c < 0 {
		return u
	}
	host, port := strings.Trim(u[:c], "[]"), u[c+1:]
	if a, ok := ParseIP(host); ok {
		host = a.String()
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return u
	}
	return joinHostPort(syntax.ToLowerASCII(host), p)
}

// resolve is the world's getaddrinfo: an address literal is itself; a
// name resolves through Hosts, "localhost" by default, and a name that
// Up gives (to no address we know: only Up's own entries match it).
func (w *World) resolve(host string) ([]netip.Addr, bool) {
	if a, ok := ParseIP(host); ok {
		return []netip.Addr{a}, true
	}
	if addrs, ok := w.Hosts[host]; ok {
		return addrs, true
	}
	for name, addrs := range w.Hosts {
		if strings.EqualFold(name, host) {
			return addrs, true
		}
	}
	if host == "localhost" {
		return []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback()}, true
	}
	for _, entry := range w.Up {
		_, u := splitProto(entry)
		if c := strings.LastIndexByte(u, ':'); c > 0 && !strings.HasPrefix(u, "unix:") && strings.EqualFold(u[:c], host) {
			return nil, true
		}
	}
	return nil, false
}

// ParseIP reads an address as getaddrinfo does without a resolver: an
// IPv6 address, or an IPv4 one in any form inet_aton takes ("127.1",
// "0x7f.0.0.1", "2130706433").
func ParseIP(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if s == "" || strings.Contains(s, ":") {
		return netip.Addr{}, false
	}
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var vals []uint64
	for _, p := range parts {
		v, ok := atonPart(p)
		if !ok {
			return netip.Addr{}, false
		}
		vals = append(vals, v)
	}
	// a.b.c.d; a.b.c (c is 16 bits); a.b (b is 24 bits); a (32 bits).
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false
	}
	n := last
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		n |= v << (8 * (3 - i))
	}
	if n > math.MaxUint32 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

// atonPart is one number of inet_aton: decimal, 0-prefixed octal or
// 0x-prefixed hexadecimal.
func atonPart(p string) (uint64, bool) {
	base := 10
	switch {
	case len(p) > 1 && (p[:2] == "0x" || p[:2] == "0X"):
		base, p = 16, p[2:]
		if p == "" {
			return 0, true // inet_aton takes a bare "0x" as 0
		}
	case len(p) > 1 && p[0] == '0':
		base, p = 8, p[1:]
	}
	if p == "" {
		return 0, false
	}
	v, err := strconv.ParseUint(p, base, 64)
	return v, err == nil
}
