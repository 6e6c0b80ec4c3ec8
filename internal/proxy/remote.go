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
	col := strings.Index(v[1], "://")
	if col <= 0 {
		return
	}
	scheme := syntax.ToLowerASCII(v[1][:col])
	host, port, _, err := canonNetloc(v[1][col+1:])
	if err != "" {
		return
	}
	if port == 0 {
		port = defaultPort(scheme)
	}
	r.Via = Target{Scheme: scheme, Host: host, Port: port}
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
