package proxy

import (
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/pcre"
	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Remote is a ProxyRemote or ProxyRemoteMatch: requests whose URL it
// matches go through another proxy (struct proxy_remote).
type Remote struct {
	Directive *ast.Directive
	// Match is "*", a scheme, or a partial URL; the regex of
	// ProxyRemoteMatch.
	Match string
	re    *pcre.Fast
	// Via is the remote proxy connected to instead of the URL's host.
	Via Target
}

// addRemote is add_proxy: "ProxyRemote MATCH http://host[:port]"; a line
// httpd refuses at start-up is not recorded (the directive checks report
// it).
func (s *ServerConfig) addRemote(d *ast.Directive, regex bool) {
	v := d.Values()
	if len(v) != 2 {
		return
	}
	r := Remote{Directive: d, Match: v[0]}
	// add_proxy: the host runs from "://" to the first ':' (so an IPv6
	// remote is refused), the port is the digits after it.
	col := strings.Index(v[1], "://")
	if col <= 0 || col+3 == len(v[1]) || strings.IndexByte(v[1][:col], ':') >= 0 {
		return
	}
	scheme, rest := syntax.ToLowerASCII(v[1][:col]), v[1][col+3:]
	host, port := rest, defaultPort(scheme)
	if c := strings.IndexByte(rest, ':'); c >= 0 {
		digits := rest[c+1:]
		n := 0
		for n < len(digits) && digits[n] >= '0' && digits[n] <= '9' {
			n++
		}
		p := atoi(digits[:n])
		if n == 0 || p < 0 || p > 65535 {
			return
		}
		host, port = rest[:c], p
	}
	r.Via = Target{Scheme: scheme, Host: syntax.ToLowerASCII(host), Port: port}
	if regex {
		re, err := pcre.CompileFast(v[0], false)
		if err != nil {
			return
		}
		r.re = re
	} else if !strings.Contains(v[0], ":") {
		r.Match = syntax.ToLowerASCII(v[0])
	}
	s.Remotes = append(s.Remotes, r)
}

// RemoteFor is the first ProxyRemote/ProxyRemoteMatch that url (the
// canonical URL the scheme handler gets) matches, as proxy_handler tries
// them: "*", the regex, the scheme, or a partial URL prefix; nil for none.
func (s *ServerConfig) RemoteFor(url string) *Remote {
	if s == nil {
		return nil
	}
	scheme, _, _ := strings.Cut(url, ":")
	for i := range s.Remotes {
		r := &s.Remotes[i]
		switch {
		case r.re != nil:
			if r.re.MatchString(url) {
				return r
			}
		case r.Match == "*":
			return r
		case strings.Contains(r.Match, ":"):
			if len(url) >= len(r.Match) && syntax.EqualFoldASCII(url[:len(r.Match)], r.Match) {
				return r
			}
		case syntax.EqualFoldASCII(scheme, r.Match):
			return r
		}
	}
	return nil
}
