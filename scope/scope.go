// Package scope computes what httpd applies to a request: which server
// (main or virtual host) answers, how the URL maps to a file, which
// configuration sections merge and what they set, what access control
// answers and which handler runs, each value traced to the line that set
// it.
//
// The engine is shaped like httpd: a core (Server.Request) runs the
// request phases in httpd's order — post_read_request, translate_name,
// the directory walk with .htaccess, the file, location and if walks,
// header_parser, access, type_checker, fixups (with internal redirects),
// the handler — and calls the hooks of the modules registered in one
// table (module.go). Each modelled module (mod_alias, mod_rewrite,
// mod_wsgi, mod_dir, …) lives in its own file with its per-directory and
// per-server configuration, its directives, its merge and its hooks.
// README.md in this directory shows the phases and the module table and
// how to add a module.
//
// Build expects a loaded tree (parser.Load): Include expanded and
// conditional sections evaluated, as httpd sees the configuration.
//
// Virtual host selection follows httpd's vhost.c exactly:
// ap_fini_vhost_config builds address sets (the first <VirtualHost>
// defined for an address is its default server), ap_update_vhost_given_ip
// picks the set for the connection's address and port (specific addresses
// first, then wildcard ones, else the main server), and
// update_server_from_aliases picks, within a name-based set, the first
// server whose ServerName or ServerAlias matches the Host header.
package scope

import (
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// Server is a configuration as httpd runs it: the main server and its
// virtual hosts, with the lookup tables built.
type Server struct {
	Main   *VirtualHost
	VHosts []*VirtualHost // in definition order
	// Warnings are problems httpd logs and survives, such as an address
	// that does not resolve (httpd ignores it).
	Warnings parser.ErrorList
	index    *vhostIndex
	mainBody []ast.Node  // Main.Body without comments and blank lines
	mainConf compileOnce // what the main server's body sets, built once for all vhosts
	// sections are the sections' built configurations (sectionConf).
	sections struct {
		sync.RWMutex
		built map[*ast.Section]*dirConfig
	}
	modules   map[string]bool
	homeDirFn func(string) (string, bool)
}

// builtinModules are compiled into Debian's apache2 (apache2 -l).
var builtinModules = []string{"core_module", "so_module", "watchdog_module", "http_module",
	"log_config_module", "logio_module", "version_module", "unixd_module"}

// Loaded reports whether a module (by identifier, e.g. "dir_module") is
// loaded: compiled in, or named by a LoadModule line.
func (s *Server) Loaded(module string) bool { return s.modules[module] }

func (s *Server) collectModules() {
	s.modules = map[string]bool{}
	for _, m := range builtinModules {
		s.modules[m] = true
	}
	for _, n := range s.mainBody {
		if d, ok := n.(*ast.Directive); ok && d.Is("LoadModule") && len(d.Args) > 0 {
			s.modules[d.Args[0].Value] = true
		}
	}
}

// Options control Build.
type Options struct {
	// Resolver resolves names in <VirtualHost> lines and finds names for
	// servers without ServerName. Default: SystemResolver.
	Resolver Resolver
	// HomeDir finds a user's home directory for UserDir's relative form
	// (default: the system's account database, as httpd).
	HomeDir func(user string) (string, bool)
}

// Build reads the servers of a loaded configuration. Errors that would
// stop httpd from starting (an invalid <VirtualHost> address, a bad
// ServerName port) are returned as a parser.ErrorList; the Server is
// built from the rest.
func Build(nodes []ast.Node, opts Options) (*Server, error) {
	r := opts.Resolver
	if r == nil {
		r = SystemResolver{}
	}
	s := &Server{Main: &VirtualHost{}, homeDirFn: opts.HomeDir}
	var errs parser.ErrorList
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Section:
			if !n.Is("VirtualHost") {
				s.Main.Body = append(s.Main.Body, n)
				continue
			}
			v := &VirtualHost{Section: n, Body: n.Body, Port: s.Main.Port}
			for i, a := range n.Args {
				addrs, err := parseVHostAddr(a.Value, v.Port, r)
				switch {
				case err != nil:
					errs.Add(n.Pos(), "%s", err)
				case addrs == nil:
					s.Warnings.Add(n.ArgPos(i), "Could not resolve host name %s -- ignoring!", a.Value)
				}
				v.Addrs = append(v.Addrs, addrs...)
			}
			if len(v.Addrs) > 0 && v.Addrs[0].Port != 0 {
				v.Port = v.Addrs[0].Port
			}
			for _, c := range n.Body {
				if d, ok := c.(*ast.Directive); ok {
					applyServerDirective(v, d, &errs)
				}
			}
			s.VHosts = append(s.VHosts, v)
		case *ast.Directive:
			s.Main.Body = append(s.Main.Body, n)
			applyServerDirective(s.Main, n, &errs)
		default:
			s.Main.Body = append(s.Main.Body, n)
		}
	}
	if s.Main.ServerName == "" {
		s.Main.ServerName = r.LocalHost()
	}
	for _, v := range s.VHosts {
		if v.NameDirective != nil {
			continue
		}
		switch {
		case hasWildcard(v.Addrs):
			v.ServerName = s.Main.ServerName
		case len(v.Addrs) == 0:
			v.ServerName = "bogus_host_without_forward_dns"
		default:
			name, err := r.LookupAddr(v.Addrs[0].IP)
			if err != nil {
				name = "bogus_host_without_reverse_dns"
			}
			v.ServerName = name
		}
	}
	s.mainBody = directivesAndSections(s.Main.Body)
	s.collectModules()
	s.buildIndex()
	errs.Sort()
	return s, errs.Err()
}

func hasWildcard(addrs []Addr) bool {
	for _, a := range addrs {
		if a.Wildcard() {
			return true
		}
	}
	return false
}

// applyServerDirective records ServerName and ServerAlias
// (server_hostname_port and set_server_alias in core.c).
func applyServerDirective(v *VirtualHost, d *ast.Directive, errs *parser.ErrorList) {
	switch {
	case d.Is("ServerName") && len(d.Args) == 1:
		arg := d.Args[0].Value
		if strings.ContainsAny(arg, "*?[") {
			errs.Add(d.Pos(), "Invalid ServerName \"%s\" use ServerAlias to set multiple server names.", arg)
			return
		}
		part := arg
		if i := strings.Index(part, "://"); i >= 0 {
			part = part[i+3:]
		}
		port := 0
		if i := strings.IndexByte(part, ':'); i >= 0 {
			port = atoi(part[i+1:])
			if port <= 0 || port >= 65536 {
				errs.Add(d.Pos(), "The port number \"%s\" is outside the appropriate range (i.e., 1..65535).", arg)
				return
			}
			part = part[:i]
		}
		v.ServerName, v.Port, v.NameDirective = part, port, d
	case d.Is("ServerAlias") && v.Section != nil:
		for _, a := range d.Args {
			if a.Value == "" {
				break // ap_getword_conf stops at an empty word
			}
			if strings.ContainsAny(a.Value, "*?") {
				v.WildAliases = append(v.WildAliases, a.Value)
			} else {
				v.Aliases = append(v.Aliases, a.Value)
			}
		}
	}
}

// atoi is C's atoi: leading digits, else 0.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
		if n > 1<<20 {
			return n
		}
	}
	return n
}

// parseVHostAddr is get_addresses: one word of a <VirtualHost> line. It
// returns nil addresses (and no error) for a name that does not resolve,
// which httpd ignores with a warning.
func parseVHostAddr(w string, defaultPort int, r Resolver) ([]Addr, error) {
	if w == "" {
		return nil, nil
	}
	wildPort := false
	if strings.HasSuffix(w, "*") {
		if len(w) < 2 {
			wildPort = true
		} else if w[len(w)-2] == ':' {
			w, wildPort = w[:len(w)-2], true
		}
	}
	host, port, err := parseAddrPort(w)
	if err != nil {
		return nil, err
	}
	if host == "" {
		return nil, errString("Missing address for VirtualHost")
	}
	if port == 0 && !wildPort {
		port = defaultPort
	}
	if host == "*" || strings.EqualFold(host, "_default_") {
		return []Addr{{Text: host, IP: netip.IPv4Unspecified(), Port: port}}, nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return []Addr{{Text: host, IP: ip.Unmap(), Port: port}}, nil
	}
	ips, err := r.LookupHost(host)
	if err != nil || len(ips) == 0 {
		return nil, nil
	}
	out := make([]Addr, len(ips))
	for i, ip := range ips {
		out[i] = Addr{Text: host, IP: ip.Unmap(), Port: port}
	}
	return out, nil
}

type errString string

func (e errString) Error() string { return string(e) }

// parseAddrPort is apr_parse_addr_port: "host", "host:port", "[v6]",
// "[v6]:port" or a bare port.
func parseAddrPort(w string) (host string, port int, err error) {
	invalid := errString("The address or port is invalid")
	portOf := func(s string) (int, error) {
		p, err := strconv.Atoi(s)
		if err != nil || p < 1 || p > 65535 || strings.HasPrefix(s, "+") {
			return 0, invalid
		}
		return p, nil
	}
	if strings.HasPrefix(w, "[") {
		end := strings.IndexByte(w, ']')
		if end < 0 {
			return "", 0, invalid
		}
		host, rest := w[1:end], w[end+1:]
		if ip, err := netip.ParseAddr(host); err != nil || !ip.Is6() {
			return "", 0, invalid
		}
		if rest == "" {
			return host, 0, nil
		}
		if !strings.HasPrefix(rest, ":") {
			return "", 0, invalid
		}
		p, err := portOf(rest[1:])
		return host, p, err
	}
	if strings.Trim(w, "0123456789") == "" {
		p, err := portOf(w)
		return "", p, err
	}
	switch strings.Count(w, ":") {
	case 0:
		return w, 0, nil
	case 1:
		i := strings.IndexByte(w, ':')
		if i == 0 {
			return "", 0, invalid
		}
		p, err := portOf(w[i+1:])
		return w[:i], p, err
	}
	// Several colons without brackets: an IPv6 address without a port.
	if _, err := netip.ParseAddr(w); err != nil {
		return "", 0, invalid
	}
	return w, 0, nil
}
