package lint

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

type listen struct {
	ip   netip.Addr // invalid: all addresses
	port int
	d    *ast.Directive
}

// listens reads the Listen directives (outside virtual hosts).
func (p *Program) listens() []listen {
	var out []listen
	p.Directives(func(d *ast.Directive, parents []*ast.Section) {
		if len(d.Args) == 0 {
			return
		}
		a := d.Args[0].Value
		host, port := "", a
		if i := strings.LastIndexByte(a, ':'); i >= 0 {
			host, port = a[:i], a[i+1:]
		}
		n, err := strconv.Atoi(port)
		if err != nil {
			return
		}
		l := listen{port: n, d: d}
		host = strings.Trim(host, "[]")
		if ip, err := netip.ParseAddr(host); err == nil && !ip.IsUnspecified() {
			l.ip = ip
		}
		out = append(out, l)
	}, "Listen")
	return out
}

// ListenWithoutVHost reports a Listen port that no <VirtualHost> covers
// while others do: its requests are answered by the main server, which
// is rarely what a configuration with virtual hosts means.
var ListenWithoutVHost = register(&Analyzer{
	ID:       "AC3003",
	Name:     "listen-without-vhost",
	Doc:      "httpd listens on a port no virtual host is defined for",
	Severity: Info,
	Run:      runListenWithoutVHost,
})

func runListenWithoutVHost(p *Pass) {
	if p.Server == nil || len(p.Server.VHosts) == 0 {
		return
	}
	for _, l := range p.listens() {
		covered := false
		for _, v := range p.Server.VHosts {
			for _, a := range v.Addrs {
				if (a.Port == l.port || a.Port == 0) && (a.Wildcard() || !l.ip.IsValid() || a.IP == l.ip) {
					covered = true
				}
			}
		}
		if !covered {
			p.Reportf(l.d, "no virtual host is defined for port %d: the main server answers its requests", l.port)
		}
	}
}

// VHostNotListening reports a <VirtualHost> address on a port httpd does
// not listen on: no request ever arrives there. httpd starts without a
// word about it.
var VHostNotListening = register(&Analyzer{
	ID:       "AC3004",
	Name:     "vhost-port-not-listening",
	Doc:      "a virtual host is defined for a port no Listen opens",
	Severity: Warning,
	Run:      runVHostNotListening,
})

func runVHostNotListening(p *Pass) {
	if p.Server == nil {
		return
	}
	ls := p.listens()
	if len(ls) == 0 {
		return // Listen may come from elsewhere (-C, or the loader is not done)
	}
	for _, v := range p.Server.VHosts {
		for _, a := range v.Addrs {
			if a.Port == 0 {
				continue
			}
			ok := false
			for _, l := range ls {
				if l.port == a.Port && (!l.ip.IsValid() || a.Wildcard() || l.ip == a.IP) {
					ok = true
				}
			}
			if !ok {
				p.Reportf(v.Section, "virtual host %s is defined for %s, but httpd does not listen there", v.ServerName, a)
			}
		}
	}
}
