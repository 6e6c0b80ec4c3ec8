package oracle

import (
	"bufio"
	"bytes"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/scope"
)

// Backends is the world run.py's server meets when it proxies: its two
// HTTP backends and its FastCGI responder answer (at the ports
// --materialize gives them, each in its protocol), nothing else listens
// on the loopback addresses, and host names resolve only as this
// machine's /etc/hosts says (the oracle runs here, without a name server
// that knows other names). Other addresses are not closed: this machine's
// network answers for some of them (10.0.0.1:8080 gave httpd a 404).
func Backends() *scope.Backends {
	b := &scope.Backends{Closed: true, ClosedNets: []netip.Prefix{
		netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"),
	}, Up: []string{
		"http://127.0.0.1:" + strconv.Itoa(BackendPort),
		"http://127.0.0.1:" + strconv.Itoa(Backend2Port),
		"fcgi://127.0.0.1:" + strconv.Itoa(FCGIPort),
	}}
	b.Hosts = map[string][]netip.Addr{"localhost": {netip.MustParseAddr("127.0.0.1")}}
	b.Reverse = map[netip.Addr]string{netip.MustParseAddr("127.0.0.1"): "localhost"}
	if data, err := os.ReadFile("/etc/hosts"); err == nil {
		b.Hosts = ParseHosts(bytes.NewReader(data))
		b.Reverse = ReverseHosts(bytes.NewReader(data))
	}
	return b
}

// ReverseHosts reads an /etc/hosts file as a reverse lookup answers
// from it: each address with the first name a line gives it.
func ReverseHosts(r io.Reader) map[netip.Addr]string {
	names := map[netip.Addr]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		if a, err := netip.ParseAddr(f[0]); err == nil {
			if _, seen := names[a.Unmap()]; !seen {
				names[a.Unmap()] = f[1]
			}
		}
	}
	return names
}

// ParseHosts reads an /etc/hosts file: each name with the addresses
// given for it, in order, names in lower case.
func ParseHosts(r io.Reader) map[string][]netip.Addr {
	hosts := map[string][]netip.Addr{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		a, err := netip.ParseAddr(f[0])
		if err != nil {
			continue
		}
		for _, name := range f[1:] {
			name = strings.ToLower(name)
			hosts[name] = append(hosts[name], a)
		}
	}
	return hosts
}
