package scope

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/urlmap"
	"github.com/apacheconf/apacheconf/parser"
)

func sectionBodies(t *testing.T, src string) [][]ast.Node {
	f, err := parser.ParseFile("t.conf", []byte(src))
	require.NoError(t, err)
	var out [][]ast.Node
	for _, n := range f.Body {
		if s, ok := n.(*ast.Section); ok {
			out = append(out, s.Body)
		}
	}
	return out
}

// mergeAll merges the bodies of the <X> sections in src, in order, on top
// of the server default, as a directory walk would.
func mergeAll(t *testing.T, src string) (*dirConfig, []Problem) {
	c := newServerDirConfig()
	var problems []Problem
	for _, body := range sectionBodies(t, src) {
		a := &applier{ctx: CtxDirectory}
		c = merge(c, a.build(body))
		problems = append(problems, a.problems...)
	}
	return c, problems
}

func TestOptionsMerge(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want int
		err  string
	}{
		{"default is FollowSymLinks", "", OptFollowSymlink, ""},
		{"absolute replaces", "<X>\nOptions Indexes\n</X>", OptIndexes, ""},
		{"relative adds", "<X>\nOptions +ExecCGI\n</X>", OptFollowSymlink | OptExecCGI, ""},
		{"relative removes", "<X>\nOptions -FollowSymLinks +Indexes\n</X>", OptIndexes, ""},
		{"child absolute overrides parent's +", "<X>\nOptions +ExecCGI\n</X>\n<X>\nOptions Indexes\n</X>", OptIndexes, ""},
		{"child relative on parent absolute", "<X>\nOptions Indexes ExecCGI\n</X>\n<X>\nOptions -Indexes\n</X>", OptExecCGI, ""},
		{"None then +", "<X>\nOptions None\n</X>\n<X>\nOptions +ExecCGI\n</X>", OptExecCGI, ""},
		{"All", "<X>\nOptions All\n</X>", OptAll, ""},
		{"mixing is an error", "<X>\nOptions Indexes +ExecCGI\n</X>", OptFollowSymlink, "Either all Options must start with + or -, or no Option may."},
		{"None must be first", "<X>\nOptions Indexes None\n</X>", OptFollowSymlink, "'Options None' must be the first Option given."},
		{"unknown option", "<X>\nOptions Frobnicate\n</X>", OptFollowSymlink, "Illegal option Frobnicate"},
		{"Includes then IncludesNOEXEC drops exec", "<X>\nOptions Includes\n</X>\n<X>\nOptions +IncludesNOEXEC\n</X>", OptIncludes, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, problems := mergeAll(t, tt.src)
			if tt.err != "" {
				require.NotEmpty(t, problems)
				assert.Equal(t, tt.err, problems[0].Msg)
				return
			}
			assert.Empty(t, problems)
			assert.Equal(t, tt.want, c.core.opts&^optUnset)
		})
	}
}

func TestEnvAndHandlerMerge(t *testing.T) {
	c, _ := mergeAll(t, `<X>
SetEnv A 1
SetEnv B 2
AddHandler wsgi-script .wsgi .py
</X>
<X>
UnsetEnv b
setenv a one
RemoveHandler .py
AddHandler cgi-script .CGI
</X>`)
	env := envList(c)
	require.Len(t, env, 1, "UnsetEnv b removes B: names are case-insensitive")
	assert.Equal(t, "a", env[0].Name)
	assert.Equal(t, "one", env[0].Value)
	assert.Equal(t, "wsgi-script", peekDir[mimeDir](c, mimeModule).handler["wsgi"].Value)
	_, py := peekDir[mimeDir](c, mimeModule).handler["py"]
	assert.False(t, py, "RemoveHandler .py")
	assert.Equal(t, "cgi-script", peekDir[mimeDir](c, mimeModule).handler["cgi"].Value, "extensions are lower-cased")
}

func TestAuthz(t *testing.T) {
	local := netip.MustParseAddr("127.0.0.1")
	other := netip.MustParseAddr("192.0.2.7")
	tests := []struct {
		name   string
		src    string
		remote netip.Addr
		want   AuthzResult
	}{
		{"granted", "<X>\nRequire all granted\n</X>", local, AuthzGranted},
		{"denied", "<X>\nRequire all denied\n</X>", local, AuthzDenied},
		{"child replaces parent (AuthMerging Off)", "<X>\nRequire all denied\n</X>\n<X>\nRequire all granted\n</X>", local, AuthzGranted},
		{"AuthMerging And keeps the parent's denial", "<X>\nRequire all denied\n</X>\n<X>\nAuthMerging And\nRequire all granted\n</X>", local, AuthzDenied},
		{"AuthMerging Or", "<X>\nRequire ip 10.0.0.0/8\n</X>\n<X>\nAuthMerging Or\nRequire ip 127.0.0.1\n</X>", local, AuthzGranted},
		{"section without Require inherits", "<X>\nRequire all denied\n</X>\n<X>\nSetEnv A 1\n</X>", local, AuthzDenied},
		{"ip matches", "<X>\nRequire ip 127.0.0.1 ::1\n</X>", local, AuthzGranted},
		{"ip does not match: denied", "<X>\nRequire ip 127.0.0.1\n</X>", other, AuthzDenied},
		{"ip prefix of octets", "<X>\nRequire ip 192.0\n</X>", other, AuthzGranted},
		{"ip netmask", "<X>\nRequire ip 192.0.2.0/255.255.255.0\n</X>", other, AuthzGranted},
		{"implicit RequireAny", "<X>\nRequire ip 10.1.1.1\nRequire all granted\n</X>", other, AuthzGranted},
		{"RequireAll with a negation", "<X>\n<RequireAll>\nRequire all granted\nRequire not ip 192.0.2.0/24\n</RequireAll>\n</X>", other, AuthzDenied},
		{"RequireAll passes", "<X>\n<RequireAll>\nRequire all granted\nRequire not ip 192.0.2.0/24\n</RequireAll>\n</X>", local, AuthzGranted},
		{"user needs authentication", "<X>\nRequire valid-user\n</X>", local, AuthzDeniedNoUser},
		{"host cannot be decided", "<X>\nRequire host example.org\n</X>", local, AuthzUnknown},
		{"method", "<X>\nRequire method GET HEAD\n</X>", local, AuthzGranted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, problems := mergeAll(t, tt.src)
			require.Empty(t, problems)
			z := peekDir[authzDir](c, authzModule)
			require.NotNil(t, z)
			got := z.authz.root.eval(&authzRequest{remote: tt.remote, method: "GET", env: func(string) (string, bool) { return "", false }}, logicAnd)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestWildMatchAndHost(t *testing.T) {
	assert.True(t, wildMatch("x.y.wild.example", "*.wild.example"))
	assert.True(t, wildMatch("b1.q.example", "b?.q.example"))
	assert.False(t, wildMatch("b12.q.example", "b?.q.example"))
	assert.True(t, wildMatch("anything", "*"))
	assert.False(t, wildMatch("wild.example", "*.wild.example"))
	for in, want := range map[string]string{"WWW.Example.COM": "www.example.com", "a.example.:8080": "a.example", "[::1]:80": "::1", "": ""} {
		got, ok := normalizeHost(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	_, ok := normalizeHost("a..example")
	assert.False(t, ok)
}

func TestExpr(t *testing.T) {
	env := &exprEnv{vars: map[string]string{"HTTP_HOST": "b.example", "REQUEST_URI": "/d/x.wsgi", "SERVER_PORT": "8080"},
		headers: map[string]string{"Host": "b.example", "User-Agent": "curl/8"}, remote: netip.MustParseAddr("127.0.0.1"),
		env: func(n string) (string, bool) {
			if n == "SITE" {
				return "blue", true
			}
			return "", false
		}}
	tests := []struct {
		expr string
		want bool
		err  bool
	}{
		{"true", true, false},
		{"!false", true, false},
		{"%{HTTP_HOST} == 'b.example'", true, false},
		{"%{HTTP_HOST} != 'b.example'", false, false},
		{"%{REQUEST_URI} =~ m#^/d/#", true, false},
		{"%{REQUEST_URI} !~ /\\.php$/", true, false},
		{"%{HTTP_HOST} -in {'a.example', 'b.example'}", true, false},
		{"%{SERVER_PORT} -eq 8080 && -n %{HTTP_HOST}", true, false},
		{"-z %{HTTP_REFERER}", true, false},
		{"req('user-agent') =~ /curl/i", true, false},
		{"env('SITE') == 'blue' || false", true, false},
		{"%{ENV:SITE} == 'red'", false, false},
		{"'x%{HTTP_HOST}' == 'xb.example'", true, false},
		{"-R '127.0.0.0/8'", true, false},
		{"(%{HTTP_HOST} == 'a' || %{HTTP_HOST} == 'b.example') && true", true, false},
		{"-f %{REQUEST_FILENAME}", false, true},
		{"%{TIME_HOUR} -lt 12", false, true},
	}
	for _, tt := range tests {
		got, err := evalExpr(tt.expr, env)
		if tt.err {
			assert.Error(t, err, tt.expr)
			continue
		}
		require.NoError(t, err, tt.expr)
		assert.Equal(t, tt.want, got, tt.expr)
	}
}

func TestPregsub(t *testing.T) {
	m := []int{0, 9, 0, 4, 5, 9}
	assert.Equal(t, "user=bob-site", urlmap.Pregsub("user=$1-$2", "bob/site", []int{0, 8, 0, 3, 4, 8}))
	assert.Equal(t, "$1 literal", urlmap.Pregsub("\\$1 literal", "abcd/efgh", m))
	assert.Equal(t, "&!", urlmap.Pregsub("&!", "abcd/efgh", m)) // no & in 2.4's regsub_core
	assert.Equal(t, "a.b", urlmap.Pregsub("a\\.b", "abcd/efgh", m))
}

func TestAliasMatches(t *testing.T) {
	tests := []struct {
		uri, alias string
		want       int
	}{
		{"/icons/a.png", "/icons/", 7},
		{"/icons", "/icons/", 0},
		{"/icons", "/icons", 6},
		{"/icons/a", "/icons", 6},
		{"/iconsx", "/icons", 0},
		{"//icons//a", "/icons/", 9},
		{"/anything", "/", 1},
		{"/a/b", "/a//b", 4},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, urlmap.AliasMatches(tt.uri, tt.alias), "%s ~ %s", tt.uri, tt.alias)
	}
}

func TestTranslate(t *testing.T) {
	src := `DocumentRoot /srv/main
Alias /shared/ /srv/shared/
<VirtualHost *:80>
  ServerName m.example
  DocumentRoot /srv/m
  Redirect permanent /old http://new.example/
  Redirect gone /dead
  RedirectMatch 303 ^/see/(.*)$ http://x.example/$1
  Alias /img /srv/images
  ScriptAlias /cgi-bin/ /usr/lib/cgi-bin/
  AliasMatch ^/docs/([a-z]+)/(.*)$ /srv/docs/$1/$2
  WSGIScriptAlias /api /srv/api.wsgi process-group=api
  WSGIScriptAliasMatch ^/m/([^/]+) /srv/m/$1.wsgi
  WSGIScriptAlias / /srv/root.wsgi
  UserDir disabled
  UserDir enabled bob
  UserDir /home/*/www
</VirtualHost>
`
	f, err := parser.ParseFile("t.conf", []byte(src))
	require.NoError(t, err)
	s, err := Build(f.Body, Options{Resolver: stubResolver{}})
	require.NoError(t, err)
	v := s.VHosts[0]
	none := func(string) fileType { return noFile }
	tests := []struct {
		uri, kind, file, handler string
		status                   int
		location                 string
	}{
		// mod_alias appends the escaped remainder to the target as is: the
		// target's trailing slash and the remainder's leading one both stay.
		{"/old/a b", "redirect", "", "", 301, "http://new.example//a%20b"},
		{"/dead/x", "redirect", "", "", 410, ""},
		{"/see/it", "redirect", "", "", 303, "http://x.example/it"},
		{"/img/a.png", "alias", "/srv/images/a.png", "", 0, ""},
		{"/imgx", "wsgiscriptalias", "/srv/root.wsgi/imgx", "wsgi-script", 0, ""},
		{"/cgi-bin/x", "scriptalias", "/usr/lib/cgi-bin/x", "cgi-script", 0, ""},
		{"/docs/go/a.html", "aliasmatch", "/srv/docs/go/a.html", "", 0, ""},
		{"/api/v1", "wsgiscriptalias", "/srv/api.wsgi/v1", "wsgi-script", 0, ""},
		{"/m/one/extra", "wsgiscriptaliasmatch", "/srv/m/one.wsgi/extra", "wsgi-script", 0, ""},
		{"/shared/x", "alias", "/srv/shared/x", "", 0, ""},
		{"/~bob/p", "wsgiscriptalias", "/srv/root.wsgi/~bob/p", "wsgi-script", 0, ""},
	}
	for _, tt := range tests {
		m := s.translate(v, tt.uri, none)
		assert.Equal(t, tt.kind, m.Kind, tt.uri)
		if tt.status != 0 {
			require.NotNil(t, m.Redirect, tt.uri)
			assert.Equal(t, tt.status, m.Redirect.Status, tt.uri)
			assert.Equal(t, tt.location, m.Redirect.Location, tt.uri)
			continue
		}
		assert.Equal(t, tt.file, m.Filename, tt.uri)
		assert.Equal(t, tt.handler, m.Handler, tt.uri)
	}
	assert.Equal(t, "api", s.translate(v, "/api", none).Options["process-group"])
	// UserDir comes after mod_alias and mod_wsgi: without the catch-all
	// WSGIScriptAlias, ~bob maps and ~joe (not enabled) falls through.
	v.Body = v.Body[:len(v.Body)-0]
	src2 := "<VirtualHost *:80>\nServerName u\nDocumentRoot /srv/u\nUserDir disabled\nUserDir enabled bob\nUserDir /home/*/www\n</VirtualHost>\n"
	f2, err := parser.ParseFile("u.conf", []byte(src2))
	require.NoError(t, err)
	s2, err := Build(f2.Body, Options{Resolver: stubResolver{}})
	require.NoError(t, err)
	m := s2.translate(s2.VHosts[0], "/~bob/p/x", none)
	assert.Equal(t, "userdir", m.Kind)
	assert.Equal(t, "/home/bob/www/p/x", m.Filename)
	assert.Equal(t, "docroot", s2.translate(s2.VHosts[0], "/~joe/p", none).Kind)
}

type stubResolver struct{}

func (stubResolver) LookupHost(string) ([]netip.Addr, error) { return nil, errUndecided }
func (stubResolver) LookupAddr(netip.Addr) (string, error)   { return "", errUndecided }
func (stubResolver) LocalHost() string                       { return "localhost" }

// A merged environment is a new table: the parent's is left as it was,
// whatever the child unsets or sets.
func TestEnvMergeLeavesParent(t *testing.T) {
	base := newSectionDirConfig()
	be := dirOf[envDir](base, envModule)
	be.env.set(EnvVar{Name: "A", Value: "1"})
	be.env.set(EnvVar{Name: "B", Value: "2"})
	be.env.set(EnvVar{Name: "C", Value: "3"})
	add := newSectionDirConfig()
	ae := dirOf[envDir](add, envModule)
	ae.env.unset("a")
	ae.unset = append(ae.unset, "a")
	ae.env.set(EnvVar{Name: "c", Value: "three"})
	ae.env.set(EnvVar{Name: "D", Value: "4"})
	merged := merge(base, add)
	names := func(c *dirConfig) (out []string) {
		for _, v := range envList(c) {
			out = append(out, v.Name+"="+v.Value)
		}
		return out
	}
	assert.Equal(t, []string{"B=2", "D=4", "c=three"}, names(merged))
	assert.Equal(t, []string{"A=1", "B=2", "C=3"}, names(base))
}

// Variable names compare as apr tables do (strcasecmp in the C locale):
// ASCII letters without case, nothing else. "ſ" is not "s" to httpd.
func TestEnvNamesFoldOnlyASCII(t *testing.T) {
	c, _ := mergeAll(t, `<X>
SetEnv S 1
SetEnv ſ 2
SetEnv Σ 3
SetEnv ς 4
SetEnv site_id 5
SetEnv SITE_ID 6
</X>
<X>
UnsetEnv σ
</X>`)
	var got []string
	for _, v := range envList(c) {
		got = append(got, v.Name+"="+v.Value)
	}
	assert.Equal(t, []string{"S=1", "SITE_ID=6", "ſ=2", "Σ=3", "ς=4"}, got) // sorted by bytes
}
