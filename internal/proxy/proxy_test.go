package proxy

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

func directives(t testing.TB, text string) []*ast.Directive {
	t.Helper()
	f, err := parser.ParseFile("test.conf", []byte(text))
	require.NoError(t, err)
	return ast.Directives(f.Body)
}

// build reads server-level ProxyPass lines and <Location> sections.
func build(t testing.TB, text string) (*ServerConfig, map[string]*DirConfig) {
	t.Helper()
	f, err := parser.ParseFile("test.conf", []byte(text))
	require.NoError(t, err)
	s := &ServerConfig{}
	locs := map[string]*DirConfig{}
	for _, n := range f.Body {
		switch n := n.(type) {
		case *ast.Directive:
			require.NoError(t, s.Add(n, ""))
		case *ast.Section:
			arg := n.Args[0].Value
			if strings.EqualFold(n.Name, "Proxy") {
				for _, d := range ast.Directives(n.Body) {
					require.NoError(t, s.Add(d, arg))
				}
				continue
			}
			loc := &Location{Path: arg, Match: strings.EqualFold(n.Name, "LocationMatch")}
			c := &DirConfig{}
			for _, d := range ast.Directives(n.Body) {
				require.NoError(t, c.Add(d, loc))
			}
			locs[arg] = c
		}
	}
	return s, locs
}

// proxyOrder is the vhost of routing/routing-proxy-order (@BACKEND@ is
// 8083, @BACKEND2@ 8084).
const proxyOrder = `ProxyPass /api/ http://127.0.0.1:8083/v1/
ProxyPass /api/private !
ProxyPass /shop/static !
ProxyPass /shop http://127.0.0.1:8084/store
ProxyPassMatch ^/img/(.+)\.(png|jpg)$ http://127.0.0.1:8084/pics/$2/$1
<Location /legacy/>
  ProxyPass http://127.0.0.1:8083/old/
</Location>
<Location /blocked/>
  ProxyPass http://127.0.0.1:8083/
</Location>
`

// answer maps target through the entries and the canon handler: the
// backend's port and the request target it receives, "" when not proxied.
func answer(s *ServerConfig, dir *DirConfig, target string) (port, path string, m *Match) {
	u, _ := url.Parse(target)
	m = Translate(s, dir, Request{URI: u.Path, UnparsedURI: target, Query: u.RawQuery, HasQuery: strings.Contains(target, "?")})
	if m.Pass == nil {
		return "", "", m
	}
	c := Canon(m.Filename, CanonOptions{Query: u.RawQuery, HasQuery: strings.Contains(target, "?"), NoCanon: m.NoCanon, NoQuery: m.NoQuery})
	hostport := strings.TrimPrefix(c.URL, "http://")
	hostport = hostport[:strings.IndexByte(hostport, '/')]
	_, port, _ = strings.Cut(hostport, ":")
	return port, c.Path, m
}

func TestRoutingProxyOrder(t *testing.T) {
	s, locs := build(t, proxyOrder)
	tests := []struct {
		target, loc, port, path string
	}{
		// Recorded by httpd in routing-proxy-order.
		{"/api/users?id=7", "", "8083", "/v1/users?id=7"},
		// The exclusion after the broader rule never applies.
		{"/api/private/a.txt", "", "8083", "/v1/private/a.txt"},
		// "/api/" does not match "/api": mod_dir redirects instead.
		{"/api", "", "", ""},
		{"/shop/static/s.css", "", "", ""},
		{"/shop/static/none.css", "", "", ""},
		{"/shop/cart/1", "", "8084", "/store/cart/1"},
		// "/shop" ends inside "/shopping"'s segment: no match.
		{"/shopping", "", "", ""},
		{"/img/cat.png", "", "8084", "/pics/png/cat"},
		{"/img/a/b.jpg", "", "8084", "/pics/jpg/a/b"},
		{"/img/c.gif", "", "", ""},
		{"/legacy/x/y", "/legacy/", "8083", "/old/x/y"},
		// Proxied by the Location's entry (Require all denied answers 403 later).
		{"/blocked/x", "/blocked/", "8083", "/x"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			port, path, m := answer(s, locs[tt.loc], tt.target)
			assert.Equal(t, tt.port, port, "%+v", m)
			assert.Equal(t, tt.path, path)
		})
	}
	_, _, m := answer(s, nil, "/api/private/x")
	assert.Nil(t, m.Excluded)
	_, _, m = answer(s, nil, "/shop/static/s.css")
	require.NotNil(t, m.Excluded)
	assert.Equal(t, 3, m.Excluded.Directive.Pos().Line)
	assert.Equal(t, 3, m.Tried)
	require.Len(t, m.Steps, 1)
	assert.True(t, m.Steps[0].Matched)
	assert.Equal(t, "exclusion", m.Steps[0].Note)
}

func TestAliasMatch(t *testing.T) {
	tests := []struct {
		uri, fake string
		want      int
	}{
		{"/api/x", "/api/", 5},
		{"/api", "/api/", 0},
		{"/api//x", "/api/", 6},
		{"//api/x", "/api", 5},
		{"/apix", "/api", 0},
		{"/api", "/api", 4},
		{"/api/x", "/api", 4},
		{"/", "/", 1},
		{"/x", "/", 1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, aliasMatch(tt.uri, tt.fake), "%s %s", tt.uri, tt.fake)
	}
}

func TestFastCGI(t *testing.T) {
	const root = "/R/htdocs"
	// routing-php-fpm: SetHandler "proxy:fcgi://127.0.0.1:@FCGI@" in
	// <FilesMatch \.php$>; the responder recorded SCRIPT_FILENAME.
	tests := []struct {
		filename, pathInfo, want, wantPathInfo string
	}{
		{root + "/plain/a.php", "", "proxy:fcgi://127.0.0.1:8085" + root + "/plain/a.php", ""},
		{root + "/plain/missing.php", "", "proxy:fcgi://127.0.0.1:8085" + root + "/plain/missing.php", ""},
		{root + "/plain/a.php", "/extra/info", "proxy:fcgi://127.0.0.1:8085" + root + "/plain/a.php", "/extra/info"},
		// A space in the file name is escaped by proxy_fcgi_canon.
		{root + "/a b.php", "", "proxy:fcgi://127.0.0.1:8085" + root + "/a%20b.php", ""},
	}
	for _, tt := range tests {
		c := Handler("proxy:fcgi://127.0.0.1:8085", tt.filename, CanonOptions{PathInfo: tt.pathInfo, Query: "x=1", HasQuery: true})
		assert.Equal(t, tt.want, c.ScriptFilename)
		assert.Equal(t, tt.wantPathInfo, c.PathInfo)
		assert.Equal(t, tt.want[len("proxy:"):]+"?x=1", c.URL)
		assert.Zero(t, c.Status)
	}
	// ProxyPassMatch ^/fpm/(.*\.php)$ fcgi://127.0.0.1:@FCGI@@ROOT@/htdocs/plain/$1
	s, _ := build(t, `ProxyPassMatch ^/fpm/(.*\.php)$ fcgi://127.0.0.1:8085`+root+`/plain/$1`)
	m := Translate(s, nil, Request{URI: "/fpm/nope.php", UnparsedURI: "/fpm/nope.php"})
	require.NotNil(t, m.Pass)
	c := Canon(m.Filename, CanonOptions{})
	assert.Equal(t, "proxy:fcgi://127.0.0.1:8085"+root+"/plain/nope.php", c.ScriptFilename)
	// ProxyFCGIBackendType GENERIC strips the prefix.
	c = Canon(m.Filename, CanonOptions{FCGIGeneric: true})
	assert.Equal(t, root+"/plain/nope.php", c.ScriptFilename)
	// A unix socket: the URL after '|' with localhost.
	c = Handler("proxy:unix:/run/php/fpm.sock|fcgi://localhost", root+"/a.php", CanonOptions{})
	assert.Equal(t, "proxy:fcgi://localhost"+root+"/a.php", c.ScriptFilename)
	assert.Equal(t, "unix:/run/php/fpm.sock", c.Socket)
	c = Handler("proxy:unix:/run/php/fpm.sock|fcgi:", root+"/a.php", CanonOptions{})
	assert.Equal(t, "proxy:fcgi://localhost"+root+"/a.php", c.ScriptFilename)
}

func TestCanonHTTP(t *testing.T) {
	tests := []struct {
		filename string
		o        CanonOptions
		url      string
		status   int
	}{
		{"proxy:http://127.0.0.1:80/a b", CanonOptions{}, "http://127.0.0.1/a%20b", 0},
		{"proxy:HTTP://Back.Example:8080/x", CanonOptions{Query: "q=1", HasQuery: true}, "http://back.example:8080/x?q=1", 0},
		// noquery has no effect in 2.4 (oracle case proxy-mapping, /nq/).
		{"proxy:http://h/x", CanonOptions{Query: "q=1", HasQuery: true, NoQuery: true}, "http://h/x?q=1", 0},
		{"proxy:https://h:443", CanonOptions{}, "https://h/", 0},
		{"proxy:http://h/100%", CanonOptions{}, "http://h/100%25", 0},
		// nocanon: passed as it is; a space is refused.
		{"proxy:http://h/a%20b?q=1", CanonOptions{NoCanon: true, Query: "q=1", HasQuery: true}, "http://h/a%20b?q=1", 0},
		{"proxy:http://h/a b", CanonOptions{NoCanon: true}, "", 403},
		{"proxy:http://h:99999/", CanonOptions{}, "", 400},
		{"proxy:http://[::1]:81/x", CanonOptions{}, "http://[::1]:81/x", 0},
		// The balancer keeps the raw path; the member's handler adds the query.
		{"proxy:balancer://Pool/x", CanonOptions{Query: "a=1", HasQuery: true}, "balancer://pool/x", 0},
	}
	for _, tt := range tests {
		c := Canon(tt.filename, tt.o)
		assert.Equal(t, tt.status, c.Status, tt.filename)
		assert.Equal(t, tt.url, c.URL, tt.filename)
	}
}

func TestNoCanonUsesTheRawTarget(t *testing.T) {
	s, _ := build(t, "ProxyPass /r/ http://h/ nocanon\n")
	m := Translate(s, nil, Request{URI: "/r/a b", UnparsedURI: "/r/a%20b?q=1", Query: "q=1", HasQuery: true})
	require.NotNil(t, m.Pass)
	assert.True(t, m.NoCanon)
	assert.Equal(t, "proxy:http://h/a%20b?q=1", m.Filename)
	// A decoded "//" that the raw target does not have: nocanon is ignored.
	m = Translate(s, nil, Request{URI: "/r/x", UnparsedURI: "/%72/x"})
	assert.False(t, m.NoCanon)
	assert.Equal(t, "proxy:http://h/x", m.Filename)
}

func TestBalancer(t *testing.T) {
	s, _ := build(t, `<Proxy balancer://Pool>
  BalancerMember http://10.0.0.1:8080
  BalancerMember http://10.0.0.2:8080 loadfactor=2
</Proxy>
ProxyPass /app/ balancer://pool/ lbmethod=byrequests
ProxyPass /none/ balancer://empty/
`)
	m := Translate(s, nil, Request{URI: "/app/x", UnparsedURI: "/app/x"})
	require.NotNil(t, m.Balancer)
	assert.Len(t, m.Balancer.Members, 2)
	assert.Equal(t, "proxy:balancer://pool/x", m.Filename)
	assert.Empty(t, m.Unmodelled)
	assert.Nil(t, m.Member)
	m = Translate(s, nil, Request{URI: "/none/x", UnparsedURI: "/none/x"})
	require.NotNil(t, m.Balancer)
	assert.Empty(t, m.Balancer.Members, "balancer://empty has no BalancerMember")
	assert.Equal(t, 503, PickMember(m.Balancer, nil, BalancerParams{MaxAttempts: -1}).Status)
	// One member: it serves every request (conformance/routing proxy-balancer).
	one, _ := build(t, `<Proxy balancer://one>
  BalancerMember http://10.0.0.9:81/m
</Proxy>
ProxyPass /o/ balancer://one/b/
`)
	m = Translate(one, nil, Request{URI: "/o/x", UnparsedURI: "/o/x?q=1", Query: "q=1", HasQuery: true})
	require.NotNil(t, m.Member)
	assert.Empty(t, m.Unmodelled)
	c := Canon(MemberFilename(m.Filename, *m.Member), CanonOptions{Query: "q=1", HasQuery: true})
	assert.Equal(t, "/m/b/x?q=1", c.Path)
}

func TestMergeOrder(t *testing.T) {
	main, _ := build(t, "ProxyPass /a http://main/\nProxyRequests On\n")
	vhost, _ := build(t, "ProxyPass /a http://vhost/\n")
	m := MergeServer(main, vhost)
	// The main server's entries come first: they win.
	got := Translate(m, nil, Request{URI: "/a/x", UnparsedURI: "/a/x"})
	assert.Equal(t, "proxy:http://main//x", got.Filename)
	assert.NotNil(t, m.OpenForwardProxy())
	// The <Location> entry is tried before the server's.
	loc := &DirConfig{}
	require.NoError(t, loc.Add(directives(t, "ProxyPass http://loc/")[0], &Location{Path: "/a"}))
	got = Translate(m, MergeDir(&DirConfig{}, loc), Request{URI: "/a/x", UnparsedURI: "/a/x"})
	assert.Equal(t, "proxy:http://loc//x", got.Filename)
}

func TestLocationMatchPaths(t *testing.T) {
	// <LocationMatch> with a wildcard is a regex; without one, a prefix
	// (add_pass tests the path with apr_fnmatch_test).
	c := &DirConfig{}
	require.NoError(t, c.Add(directives(t, "ProxyPass http://h/")[0], &Location{Path: "^/re/.*$", Match: true}))
	assert.True(t, c.Pass.Regex)
	m := Translate(nil, c, Request{URI: "/re/x", UnparsedURI: "/re/x"})
	assert.Equal(t, "proxy:http://h//re/x", m.Filename)
	c = &DirConfig{}
	require.NoError(t, c.Add(directives(t, "ProxyPass http://h/")[0], &Location{Path: "^/re/x$", Match: true}))
	assert.False(t, c.Pass.Regex)
}

// TestParseErrors: each message is what apache2 -t (httpd 2.4.71) printed.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		line string
		loc  *Location
		want string
	}{
		{"ProxyPass /x foo", nil, "ProxyPass URL must be absolute!: foo"},
		{"ProxyPass /x http://h/ retry", nil, "Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'."},
		{"ProxyPass /x", nil, "ProxyPass|ProxyPassMatch needs a path when not defined in a location"},
		{"ProxyPassMatch ~ /x http://h/", nil, "ProxyPassMatch invalid syntax ('~' usage)."},
		{"ProxyPass /x unix:/run/a.sock", nil, "ProxyPass URL must be absolute!: unix:/run/a.sock"},
		{"ProxyPass /x http://h/ mapping=x", nil, "unknown mapping"},
		{"ProxyPass /b http://h/", &Location{Path: "/a"}, "ProxyPass|ProxyPassMatch can not have a path when defined in a location."},
		{"ProxyPass http://h/ x", &Location{Path: "/a"}, "Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'."},
		{"ProxyPassMatch ^/(a http://h/", nil, "Regular expression could not be compiled."},
		{"ProxyPass /x http:/h", nil, "ProxyPass URL must be absolute!: http:/h"},
		{"ProxyPass /x http://", nil, "ProxyPass URL must be absolute!: http://"},
		{"BalancerMember http://h/", nil, "BalancerMember must define remote proxy server"},
		{"BalancerMember balancer://b http://h/ bogus=1", nil, "BalancerMember unknown Worker parameter"},
		{"ProxyRequests maybe", nil, "ProxyRequests must be On or Off"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			d := directives(t, tt.line)[0]
			var err error
			if tt.loc != nil {
				err = (&DirConfig{}).Add(d, tt.loc)
			} else {
				err = (&ServerConfig{}).Add(d, "")
			}
			var pe *Error
			require.True(t, errors.As(err, &pe), "%v", err)
			assert.Equal(t, tt.want, pe.Msg)
			assert.Equal(t, 1, pe.Pos.Line)
		})
	}
	// An unknown key does not drop a ProxyPass line: an earlier line may
	// have defined the worker, whose sharing ignores the parameters
	// (AH01146); whether it is a start-up error is scope's check.
	for _, line := range []string{"ProxyPass /x http://h/ bogus=1", "ProxyPass /x balancer://b/ bogus=1"} {
		var sc ServerConfig
		require.NoError(t, sc.Add(directives(t, line)[0], ""), line)
		assert.Len(t, sc.Passes, 1, line)
	}
	// In a <Proxy balancer://…> section a second word is refused.
	err := (&ServerConfig{}).Add(directives(t, "BalancerMember http://h/ x")[0], "balancer://b")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "BalancerMember can not have a balancer name when defined in a location")
	for _, ok := range []string{"ProxyPass /x balancer://b/ lbmethod=byrequests", "ProxyPass /x http://h/ retry=0 timeout=5 nocanon noquery interpolate",
		"ProxyPass /x unix:/run/a.sock|http://localhost/", "BalancerMember http://a/ http://h/", "ProxyPass /x !"} {
		assert.NoError(t, (&ServerConfig{}).Add(directives(t, ok)[0], ""), ok)
	}
}
