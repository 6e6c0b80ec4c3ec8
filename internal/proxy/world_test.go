package proxy

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// apr_parse_addr_port as ap_proxy_canon_netloc uses it: what the
// conformance case proxy-down-badport shows httpd doing with a path
// glued onto the port.
func TestParseAddrPort(t *testing.T) {
	tests := []struct {
		in   string
		host string
		port int
		ok   bool
	}{
		{"127.0.0.1:8083", "127.0.0.1", 8083, true},
		{"127.0.0.1:8083x", "127.0.0.1:8083x", 0, true}, // no port: the host keeps the ':'
		{"127.0.0.1:", "127.0.0.1:", 0, true},
		{"127.0.0.1:8083123", "", 0, false}, // beyond 65535
		{"127.0.0.1:0", "", 0, false},
		{"127.0.0.1:99999999999999999999", "", 0, false},
		{"localhost", "localhost", 0, true},
		{"8080", "", 8080, true}, // a port alone: canon_netloc refuses the missing host
		{"", "", 0, false},
		{":80", "", 0, false},
		{"[::1]:81", "::1", 81, true},
		{"[::1]", "::1", 0, true},
		{"[::1]x", "", 0, false},
		{"[fe80::1%eth0]:80", "", 0, false},
		{"[127.0.0.1]", "", 0, false},
	}
	for _, tt := range tests {
		host, port, ok := parseAddrPort(tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
		if ok {
			assert.Equal(t, tt.host, host, tt.in)
			assert.Equal(t, tt.port, port, tt.in)
		}
	}
}

func TestCanonTarget(t *testing.T) {
	tests := []struct {
		filename string
		target   Target
		url      string
		status   int
	}{
		{"proxy:http://127.0.0.1:8083x", Target{Scheme: "http", Host: "127.0.0.1:8083x", Port: 80}, "http://[127.0.0.1:8083x]/", 0},
		{"proxy:http://127.0.0.1:8083123", Target{}, "", 400},
		{"proxy:http://127.0.0.15", Target{Scheme: "http", Host: "127.0.0.15", Port: 80}, "http://127.0.0.15/", 0},
		{"proxy:fcgi://Localhost/srv/a.php", Target{Scheme: "fcgi", Host: "localhost", Port: 8000}, "fcgi://localhost/srv/a.php", 0},
		{"proxy:unix:/run/php.sock|fcgi://localhost/a.php", Target{Scheme: "fcgi", Host: "localhost", Port: 8000, Socket: "unix:/run/php.sock"}, "fcgi://localhost/a.php", 0},
		{"proxy:https://[::1]/x", Target{Scheme: "https", Host: "::1", Port: 443}, "https://[::1]/x", 0},
	}
	for _, tt := range tests {
		c := Canon(tt.filename, CanonOptions{})
		assert.Equal(t, tt.status, c.Status, tt.filename)
		assert.Equal(t, tt.target, c.Target, tt.filename)
		assert.Equal(t, tt.url, c.URL, tt.filename)
	}
}

func TestParseIP(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1": "127.0.0.1", "127.1": "127.0.0.1", "0x7f.1": "127.0.0.1", "2130706433": "127.0.0.1",
		"127.01": "127.0.0.1", "10.1.258": "10.1.1.2", "::1": "::1", "::ffff:10.0.0.1": "10.0.0.1",
	} {
		a, ok := ParseIP(in)
		if assert.True(t, ok, in) {
			assert.Equal(t, want, a.String(), in)
		}
	}
	for _, in := range []string{"127.0.0.1x", "localhost", "256.1.1.1", "1.2.3.4.5", "08.1.1.1", "", "1..2", "4294967296"} {
		_, ok := ParseIP(in)
		assert.False(t, ok, in)
	}
}

func TestWorldReach(t *testing.T) {
	closed := &World{Up: []string{"127.0.0.1:8083", "app.internal:9000", "unix:/run/fpm.sock", "[::1]:8443"}, Closed: true,
		Hosts: map[string][]netip.Addr{"localhost": {netip.MustParseAddr("127.0.0.1")}, "db.internal": {netip.MustParseAddr("10.0.0.5")}}}
	open := &World{Up: closed.Up, Hosts: closed.Hosts}
	tcp := func(host string, port int) Target { return Target{Scheme: "http", Host: host, Port: port} }
	tests := []struct {
		w    *World
		t    Target
		want Reach
	}{
		{nil, tcp("127.0.0.1", 8083), ReachUnknown},
		{nil, tcp("127.0.0.1:8083x", 80), ReachUnresolved}, // no name holds a ':'
		{closed, tcp("127.0.0.1", 8083), ReachUp},
		{closed, tcp("localhost", 8083), ReachUp}, // through Hosts
		{closed, tcp("127.1", 8083), ReachUp},     // inet_aton's forms
		{closed, tcp("127.0.0.2", 8083), ReachRefused},
		{closed, tcp("127.0.0.1", 1), ReachRefused},
		{closed, tcp("App.Internal", 9000), ReachUp}, // named in Up
		{closed, tcp("app.internal", 9001), ReachRefused},
		{closed, tcp("db.internal", 5432), ReachRefused},
		{closed, tcp("nosuch.invalid", 80), ReachUnresolved},
		{closed, tcp("::1", 8443), ReachUp},
		{closed, tcp("::1", 1), ReachRefused},
		{closed, Target{Scheme: "fcgi", Host: "localhost", Port: 8000, Socket: "unix:/run/fpm.sock"}, ReachUp},
		{closed, Target{Scheme: "fcgi", Host: "nosuch.invalid", Port: 8000, Socket: "unix:/run/other.sock"}, ReachRefused}, // no DNS for a socket
		{open, tcp("127.0.0.1", 1), ReachUnknown},
		{open, tcp("nosuch.invalid", 80), ReachUnknown},
		{open, tcp("localhost", 8083), ReachUp},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.w.Reach(tt.t), "%v in %+v", tt.t, tt.w)
	}
}

// PickMember on the balancers of conformance/routing/proxy-down-balancer
// (and the history cases httpd showed: a member whose name does not
// resolve is 500 again after force_recovery, a mixed balancer is 500 or
// the live member by the lbmethod's turn).
func TestPickMember(t *testing.T) {
	s, _ := build(t, `<Proxy balancer://onedead>
  BalancerMember http://127.0.0.1:1/m
  BalancerMember http://127.0.0.1:8083/m
</Proxy>
<Proxy balancer://alldead>
  BalancerMember http://127.0.0.1:1/m
  BalancerMember http://127.0.0.1:2/m
</Proxy>
<Proxy balancer://nodns>
  BalancerMember http://nosuch.invalid/m
</Proxy>
<Proxy balancer://mixeddns>
  BalancerMember http://nosuch.invalid/m
  BalancerMember http://127.0.0.1:8083/m
</Proxy>
<Proxy balancer://standby>
  BalancerMember http://127.0.0.1:1/m
  BalancerMember http://127.0.0.1:8083/s status=+H
</Proxy>
<Proxy balancer://disabled>
  BalancerMember http://127.0.0.1:8083/m status=+D
  BalancerMember http://127.0.0.1:1/m
</Proxy>
<Proxy balancer://lbset>
  BalancerMember http://127.0.0.1:1/m lbset=0
  BalancerMember http://127.0.0.1:8084/l lbset=1
</Proxy>
<Proxy balancer://twoup>
  BalancerMember http://127.0.0.1:8083
  BalancerMember http://127.0.0.1:8084
</Proxy>
<Proxy balancer://noretry>
  BalancerMember http://127.0.0.1:1/m
  BalancerMember http://127.0.0.1:8083/m
</Proxy>
<Proxy balancer://spare>
  BalancerMember http://127.0.0.1:8083/m status=+R
</Proxy>
<Proxy balancer://set>
  ProxySet maxattempts=0
  BalancerMember http://127.0.0.1:1/m
  BalancerMember http://127.0.0.1:8083/m
</Proxy>
ProxySet balancer://hb lbmethod=heartbeat
<Proxy balancer://hb>
  BalancerMember http://127.0.0.1:8083/m
</Proxy>
ProxyPass /noretry/ balancer://noretry/ maxattempts=0
`)
	w := &World{Up: []string{"127.0.0.1:8083", "127.0.0.1:8084"}, Closed: true}
	tests := []struct {
		name      string
		w         *World
		status    int
		member    string
		undecided string
	}{
		{"onedead", w, 200, "http://127.0.0.1:8083/m", ""},
		{"alldead", w, 503, "", ""},
		{"nodns", w, 500, "http://nosuch.invalid/m", ""},
		{"mixeddns", w, 0, "", "500 (DNS lookup failure for nosuch.invalid)"},
		{"standby", w, 200, "http://127.0.0.1:8083/s", ""},
		{"disabled", w, 503, "", ""},
		{"lbset", w, 200, "http://127.0.0.1:8084/l", ""},
		{"twoup", w, 200, "", "decided per request"},
		{"noretry", w, 0, "", "503"}, // maxattempts=0: a pick of the dead member is not retried
		{"spare", w, 0, "", "status +R"},
		{"set", w, 0, "", "503"}, // ProxySet maxattempts=0 in the <Proxy> section
		{"hb", w, 0, "", "heartbeat"},
		{"onedead", nil, 0, "", "whether they accept connections is not in the configuration"},
		{"nodns", nil, 0, "http://nosuch.invalid/m", ""}, // one member: its answer, not known
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := s.Balancers["balancer://"+tt.name]
			require.NotNil(t, b)
			p := PickMember(b, tt.w, s.BalancerParams("balancer://"+tt.name))
			assert.Equal(t, tt.status, p.Status, "%+v", p)
			if tt.member == "" {
				assert.Nil(t, p.Member)
			} else if assert.NotNil(t, p.Member) {
				assert.Equal(t, tt.member, p.Member.URL)
			}
			if tt.undecided == "" {
				assert.Empty(t, p.Undecided)
			} else {
				assert.Contains(t, p.Undecided, tt.undecided)
			}
		})
	}
	assert.Equal(t, BalancerParams{MaxAttempts: 0}, s.BalancerParams("balancer://NoRetry"))
}

// ProxyRemote/ProxyRemoteMatch as proxy_handler tries them
// (conformance/routing/proxy-down-remote).
func TestRemoteFor(t *testing.T) {
	s, _ := build(t, `ProxyRemoteMatch ^http://a\.invalid/ http://nosuch-remote.invalid:3128
ProxyRemote http://b.invalid/ http://127.0.0.1:2
ProxyRemote HTTP http://127.0.0.1:8083
ProxyRemote ftp not-a-url
ProxyRemote ftp http://[::1]:3128
`)
	require.Len(t, s.Remotes, 3, "add_proxy refuses a remote without scheme:// and an IPv6 one at start-up: not recorded")
	tests := []struct {
		url string
		via string
	}{
		{"http://a.invalid/x/1", "nosuch-remote.invalid:3128"},
		{"http://B.invalid/y/2", "127.0.0.1:2"},
		{"http://c.invalid/z", "127.0.0.1:8083"},
		{"fcgi://127.0.0.1:9000/a.php", ""},
	}
	for _, tt := range tests {
		r := s.RemoteFor(tt.url)
		if tt.via == "" {
			assert.Nil(t, r, tt.url)
			continue
		}
		if assert.NotNil(t, r, tt.url) {
			assert.Equal(t, tt.via, r.Via.String(), tt.url)
		}
	}
}

// The oracle's world is closed on the loopback addresses only: the
// sandbox's network answers for some others.
func TestWorldClosedNets(t *testing.T) {
	w := &World{Up: []string{"127.0.0.1:8083"}, Closed: true,
		ClosedNets: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
	tcp := func(host string, port int) Target { return Target{Scheme: "http", Host: host, Port: port} }
	assert.Equal(t, ReachRefused, w.Reach(tcp("127.0.0.2", 80)))
	assert.Equal(t, ReachRefused, w.Reach(tcp("::1", 80)))
	assert.Equal(t, ReachUnknown, w.Reach(tcp("10.0.0.1", 8080)))
	assert.Equal(t, ReachUnresolved, w.Reach(tcp("nosuch.invalid", 80)), "names stay closed")
	assert.Equal(t, ReachRefused, w.Reach(tcp("localhost", 1)))
}
