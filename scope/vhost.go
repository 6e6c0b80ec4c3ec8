package scope

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/apacheconf/apacheconf/ast"
)

// Addr is one address of a <VirtualHost> line, as get_addresses (vhost.c)
// resolves it.
type Addr struct {
	// Text is the host part as written ("*", "_default_", "10.0.0.1",
	// "www.example.com"); httpd falls back to matching it against the
	// Host header (update_server_from_aliases).
	Text string
	// IP is the resolved address; the unspecified address for "*" and
	// "_default_".
	IP netip.Addr
	// Port is the port; 0 means any port ("*:*", or no port given and
	// none inherited).
	Port int
}

// Wildcard reports whether the address is "*", "_default_" or 0.0.0.0/::.
func (a Addr) Wildcard() bool { return a.IP.IsUnspecified() }

// String formats the address the way apache2 -S does: "*:80", "*:*",
// "10.0.0.1:80", "[::1]:443", "10.0.0.1:*".
func (a Addr) String() string {
	var s string
	switch {
	case a.Wildcard():
		s = "*:" + strconv.Itoa(a.Port)
	case a.IP.Is6():
		s = "[" + a.IP.String() + "]:" + strconv.Itoa(a.Port)
	default:
		s = a.IP.String() + ":" + strconv.Itoa(a.Port)
	}
	if a.Port == 0 {
		s = s[:len(s)-1] + "*"
	}
	return s
}

// VirtualHost is a server: the main server or one <VirtualHost>.
type VirtualHost struct {
	// Section is the <VirtualHost> section; nil for the main server.
	Section *ast.Section
	// Addrs are the resolved addresses of the <VirtualHost> line.
	Addrs []Addr
	// ServerName is the name httpd uses: the ServerName directive's host,
	// else the main server's (for a vhost on a wildcard address), else
	// the reverse DNS name of its first address.
	ServerName string
	// NameDirective is the ServerName directive in force, or nil.
	NameDirective *ast.Directive
	// Port is the server's port: from "ServerName host:port", else the
	// first address's port, else inherited from the main server as it
	// stood when the <VirtualHost> was read.
	Port int
	// Aliases and WildAliases are the ServerAlias names, split as httpd
	// does (names with * or ? are matched as wildcards).
	Aliases, WildAliases []string
	// Body is the server's own configuration: the section body, or for
	// the main server the top-level nodes outside any <VirtualHost>.
	Body []ast.Node

	compiled compileOnce
	// dirSections is DirectorySections' list, made once.
	dirSections struct {
		once sync.Once
		secs []*ast.Section
	}
}

// IsMain reports whether this is the main server.
func (v *VirtualHost) IsMain() bool { return v.Section == nil }

// Pos is where the server is defined (the <VirtualHost> line).
func (v *VirtualHost) Pos() ast.Position {
	if v.Section == nil {
		return ast.Position{}
	}
	return v.Section.Pos()
}

// Resolver resolves host names for <VirtualHost> addresses and for
// servers without ServerName, as httpd does at start-up. Tests use a
// fixed one; the default asks the system.
type Resolver interface {
	LookupHost(host string) ([]netip.Addr, error)
	LookupAddr(ip netip.Addr) (string, error)
	// LocalHost is the name httpd's ap_get_local_host would find for
	// this machine.
	LocalHost() string
}

// SystemResolver asks the operating system, like httpd.
type SystemResolver struct{}

// LookupHost implements Resolver.
func (SystemResolver) LookupHost(host string) ([]netip.Addr, error) {
	ips, err := net.DefaultResolver.LookupNetIP(context.Background(), "ip", host)
	for i := range ips {
		ips[i] = ips[i].Unmap()
	}
	return ips, err
}

// LookupAddr implements Resolver.
func (SystemResolver) LookupAddr(ip netip.Addr) (string, error) {
	names, err := net.LookupAddr(ip.String())
	if err != nil || len(names) == 0 {
		return "", fmt.Errorf("no name for %s", ip)
	}
	return strings.TrimSuffix(names[0], "."), nil
}

// LocalHost implements Resolver the way ap_get_local_host does: the
// fully qualified name of this host if there is one, else the host name
// if it has a dot, else its address, else 127.0.0.1.
func (r SystemResolver) LocalHost() string {
	name, err := os.Hostname()
	if err != nil {
		return "127.0.0.1"
	}
	ips, err := r.LookupHost(name)
	if err != nil || len(ips) == 0 {
		return "127.0.0.1"
	}
	if fq, err := r.LookupAddr(ips[0]); err == nil && strings.Contains(fq, ".") {
		return fq
	}
	if strings.Contains(name, ".") {
		return name
	}
	return ips[0].String()
}

// ipChain is httpd's ipaddr_chain: the servers sharing one address. With
// one server it is IP-based; with several it is name-based, the first
// defined being the default.
type ipChain struct {
	addr    Addr
	server  *VirtualHost // the default server
	names   []nameEntry  // in definition order; nil while IP-based
	initial []nameEntry  // collected in reverse definition order while building
	// exact maps a lower-case ServerName/ServerAlias to the positions in
	// names of the servers carrying it; wild lists the positions of
	// servers with wildcard aliases. They give httpd's first match
	// without scanning every name (update_server_from_aliases does).
	// A name almost always belongs to one server: exact holds the first
	// position, more the rest (in order) for the few names shared.
	// They are built on the chain's first selection (lookupOnce): apache2
	// -t and lint select no virtual host, and at 10,000 hosts the tables
	// are megabytes.
	lookupOnce sync.Once
	exact      map[string]int32
	more       map[string][]int32
	wild       []int
	// byAddrText maps the <VirtualHost> address text (lower case) to
	// positions, for httpd's fallback match on it.
	byAddrText map[string][]int
}

type nameEntry struct {
	addr   Addr
	server *VirtualHost
}

// vhostIndex holds the lookup tables of ap_fini_vhost_config.
type vhostIndex struct {
	buckets [256][]*ipChain // specific addresses, by hash_addr bucket
	// defaults are the chains of wildcard addresses, in httpd's order.
	defaults []*ipChain
	// byAddr finds a specific address's chains quickly: key is the IP.
	byAddr map[netip.Addr][]*ipChain
}

// hashAddr is hash_inaddr(last four bytes of the address): the XOR of
// those four octets.
func hashAddr(ip netip.Addr) int {
	b := ip.AsSlice()
	b = b[len(b)-4:]
	return int(b[0] ^ b[1] ^ b[2] ^ b[3])
}

// buildIndex mirrors ap_fini_vhost_config: virtual hosts are visited in
// reverse definition order, so that the first defined ends up as each
// address set's default server and names stay in definition order.
func (s *Server) buildIndex() {
	ix := &vhostIndex{byAddr: map[netip.Addr][]*ipChain{}}
	var defaults []*ipChain // prepended as httpd does
	for i := len(s.VHosts) - 1; i >= 0; i-- {
		v := s.VHosts[i]
		var prev *Addr
		for k := range v.Addrs {
			a := v.Addrs[k]
			if a.Wildcard() {
				ic := findDefault(defaults, a.Port)
				if ic != nil && a.Port == ic.addr.Port {
					if prev == nil || !prev.Wildcard() || prev.Port != a.Port {
						ic.addName(v, a)
					}
				} else {
					ic = &ipChain{addr: a}
					defaults = append([]*ipChain{ic}, defaults...)
					ic.addName(v, a)
				}
			} else {
				ic := ix.findIP(a.IP, a.Port)
				if ic == nil || a.Port != ic.addr.Port {
					ic = &ipChain{addr: a}
					b := hashAddr(a.IP)
					ix.buckets[b] = append([]*ipChain{ic}, ix.buckets[b]...)
					ix.byAddr[a.IP] = append([]*ipChain{ic}, ix.byAddr[a.IP]...)
				}
				ic.addName(v, a)
			}
			prev = &v.Addrs[k]
		}
	}
	ix.defaults = defaults
	for _, b := range ix.buckets {
		for _, ic := range b {
			ic.buildNameIndex()
		}
	}
	for _, ic := range defaults {
		ic.buildNameIndex()
	}
	s.index = ix
}

func (ic *ipChain) buildNameIndex() {
	if len(ic.initial) < 2 {
		return // IP-based: names stay nil
	}
	ic.names = make([]nameEntry, len(ic.initial))
	for i, nc := range ic.initial {
		ic.names[len(ic.initial)-1-i] = nc
	}
	ic.initial = nil
}

// buildLookup builds a name-based chain's tables for selection.
func (ic *ipChain) buildLookup() {
	ic.exact = make(map[string]int32, 3*len(ic.names))
	ic.more = map[string][]int32{}
	ic.byAddrText = map[string][]int{}
	for i, nc := range ic.names {
		v := nc.server
		for j := -1; j < len(v.Aliases); j++ {
			n := v.ServerName
			if j >= 0 {
				n = v.Aliases[j]
			}
			k := strings.ToLower(n)
			first, seen := ic.exact[k]
			switch {
			case !seen:
				ic.exact[k] = int32(i)
			case int(first) == i:
				// a server naming itself twice
			default:
				if m := ic.more[k]; len(m) == 0 || int(m[len(m)-1]) != i {
					ic.more[k] = append(m, int32(i))
				}
			}
		}
		if len(v.WildAliases) > 0 {
			ic.wild = append(ic.wild, i)
		}
		k := strings.ToLower(nc.addr.Text)
		ic.byAddrText[k] = append(ic.byAddrText[k], i)
	}
}

// addName is add_name_vhost_config. httpd prepends to a linked list
// while visiting servers backwards; we append (prepending to a slice is
// quadratic) and reverse once in buildNameIndex. A chain with one server
// is IP-based, with more it is name-based.
func (ic *ipChain) addName(v *VirtualHost, a Addr) {
	ic.server = v // iterating backwards: each becomes the default
	ic.initial = append(ic.initial, nameEntry{addr: a, server: v})
}

// findIP is find_ipaddr: an exact address and port, else a chain where
// one side has the wildcard port.
func (ix *vhostIndex) findIP(ip netip.Addr, port int) *ipChain {
	var wild *ipChain
	for _, ic := range ix.byAddr[ip] {
		if ic.addr.Port == port {
			return ic
		}
		if wild == nil && (ic.addr.Port == 0 || port == 0) {
			wild = ic
		}
	}
	return wild
}

// findDefault is find_default_server.
func findDefault(defaults []*ipChain, port int) *ipChain {
	var wild *ipChain
	for _, ic := range defaults {
		if ic.addr.Port == port {
			return ic
		}
		if wild == nil && ic.addr.Port == 0 {
			wild = ic
		}
	}
	return wild
}

// Selection is the outcome of virtual host selection for a request.
type Selection struct {
	Server *VirtualHost
	// How says why: "name" (ServerName/ServerAlias matched the Host),
	// "vhost-address" (the Host matched the <VirtualHost> address text),
	// "default" (the first server of the address set), "ip" (the only
	// server on that address), "main" (no <VirtualHost> on the address).
	How string
}

// SelectVHost picks the server for a connection to ip:port carrying a
// Host header host ("" for none), as ap_update_vhost_given_ip and
// ap_update_vhost_from_headers do. The names it matches are read from
// the VirtualHosts when an address is first selected: like every part
// of a built Server, they are not to be changed after Build.
func (s *Server) SelectVHost(ip netip.Addr, port int, host string) Selection {
	ip = ip.Unmap()
	ic := s.index.findIP(ip, port)
	if ic == nil {
		ic = findDefault(s.index.defaults, port)
	}
	if ic == nil {
		return Selection{Server: s.Main, How: "main"}
	}
	if ic.names == nil {
		return Selection{Server: ic.server, How: "ip"}
	}
	h, ok := normalizeHost(host)
	if !ok || h == "" {
		return Selection{Server: ic.server, How: "default"}
	}
	ic.lookupOnce.Do(ic.buildLookup)
	// The first entry (in definition order) whose port fits and whose
	// server's names match; then the first whose address text matches.
	portOK := func(i int) bool {
		p := ic.names[i].addr.Port
		return p == 0 || p == port
	}
	best := -1
	if first, ok := ic.exact[h]; ok {
		if portOK(int(first)) {
			best = int(first)
		} else {
			for _, i := range ic.more[h] {
				if portOK(int(i)) {
					best = int(i)
					break
				}
			}
		}
	}
	for _, i := range ic.wild {
		if best >= 0 && i >= best {
			break
		}
		if portOK(i) && ic.names[i].server.matches(h) {
			best = i
			break
		}
	}
	if best >= 0 {
		return Selection{Server: ic.names[best].server, How: "name"}
	}
	for _, i := range ic.byAddrText[h] {
		if portOK(i) {
			return Selection{Server: ic.names[i].server, How: "vhost-address"}
		}
	}
	return Selection{Server: ic.server, How: "default"}
}

// matches is matches_aliases: ServerName, then ServerAlias names, then
// wildcard aliases, all without regard to case.
func (v *VirtualHost) matches(host string) bool {
	if strings.EqualFold(host, v.ServerName) {
		return true
	}
	for _, a := range v.Aliases {
		if strings.EqualFold(host, a) {
			return true
		}
	}
	for _, a := range v.WildAliases {
		if wildMatch(strings.ToLower(host), strings.ToLower(a)) {
			return true
		}
	}
	return false
}

// wildMatch is ap_strcmp_match: '*' matches any run, '?' any one byte.
func wildMatch(s, pattern string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for len(pattern) > 0 && pattern[0] == '*' {
				pattern = pattern[1:]
			}
			if pattern == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if wildMatch(s[i:], pattern) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
		}
		s, pattern = s[1:], pattern[1:]
	}
	return s == ""
}

// normalizeHost applies fix_hostname to a Host header: the port is
// dropped, letters are lower-cased, one trailing dot is removed; ".." or
// a slash makes it invalid (httpd answers 400).
func normalizeHost(h string) (string, bool) {
	if h == "" {
		return "", true
	}
	if strings.HasPrefix(h, "[") { // IPv6 literal
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return "", false
		}
		return strings.ToLower(h[1:end]), true
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	if strings.Contains(h, "..") || strings.ContainsAny(h, "/\\") {
		return "", false
	}
	h = strings.ToLower(h)
	return strings.TrimSuffix(h, "."), true
}

// DumpVHosts writes the "VirtualHost configuration:" block of apache2 -S
// (dump_vhost_config), line for line.
func (s *Server) DumpVHosts(w io.Writer) {
	fmt.Fprintln(w, "VirtualHost configuration:")
	for _, bucket := range s.index.buckets {
		for _, ic := range bucket {
			dumpChain(w, ic)
		}
	}
	for _, ic := range s.index.defaults {
		dumpChain(w, ic)
	}
}

func dumpChain(w io.Writer, ic *ipChain) {
	addr := ic.addr.String()
	if ic.names == nil {
		fmt.Fprintf(w, "%-22s %s (%s)\n", addr, ic.server.ServerName, defn(ic.server))
		return
	}
	fmt.Fprintf(w, "%-22s is a NameVirtualHost\n%8s default server %s (%s)\n", addr, "", ic.server.ServerName, defn(ic.server))
	for _, nc := range ic.names {
		if nc.addr.Port != 0 {
			fmt.Fprintf(w, "%8s port %d ", "", nc.addr.Port)
		} else {
			fmt.Fprintf(w, "%8s port * ", "")
		}
		fmt.Fprintf(w, "namevhost %s (%s)\n", nc.server.ServerName, defn(nc.server))
		for _, a := range nc.server.Aliases {
			fmt.Fprintf(w, "%16s alias %s\n", "", a)
		}
		for _, a := range nc.server.WildAliases {
			fmt.Fprintf(w, "%16s wild alias %s\n", "", a)
		}
	}
}

// defn is "file:line" of the <VirtualHost> line. httpd numbers a line by
// its last physical line, which matters only for a continued header.
func defn(v *VirtualHost) string {
	p := v.Pos()
	line := p.Line
	if v.Section != nil {
		line += strings.Count(strings.TrimSuffix(v.Section.Raw, "\n"), "\n")
	}
	return fmt.Sprintf("%s:%d", p.Filename, line)
}
