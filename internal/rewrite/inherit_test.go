package rewrite

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOracleInheritAndOrder follows testdata/oracle/rewrite-inherit-order,
// recorded by httpd 2.4.71.
func TestOracleInheritAndOrder(t *testing.T) {
	main, mainBase := serverConfig(t, "RewriteEngine On\nRewriteOptions InheritDown\nRewriteRule ^/main/(.*)$ /new/$1 [R=301,L]\n")
	vhost := func(text string) (*ServerConfig, *DirConfig) {
		s, base := serverConfig(t, text)
		return MergeServer(main, s), MergeDir(mainBase, base)
	}
	type want struct {
		action   Action
		status   int
		location string
		uri      string
	}
	tests := []struct {
		name, conf, host, target string
		want                     want
	}{
		{"Inherit: the vhost's rule first", "RewriteEngine On\nRewriteOptions Inherit\nRewriteRule ^/main/x$ /new/vhost-first [R=302,L]\n",
			"inherit.example", "/main/x", want{Redirect, 302, "http://inherit.example/new/vhost-first", ""}},
		{"Inherit: then the main server's", "RewriteEngine On\nRewriteOptions Inherit\nRewriteRule ^/main/x$ /new/vhost-first [R=302,L]\n",
			"inherit.example", "/main/y", want{Redirect, 301, "http://inherit.example/new/y", ""}},
		{"InheritDown from the main server", "RewriteEngine On\nRewriteRule ^/own$ /new/own [R=302,L]\n",
			"down.example", "/main/x", want{Redirect, 301, "http://down.example/new/x", ""}},
		{"InheritDown: own rules still run", "RewriteEngine On\nRewriteRule ^/own$ /new/own [R=302,L]\n",
			"down.example", "/own", want{Redirect, 302, "http://down.example/new/own", ""}},
		{"IgnoreInherit", "RewriteEngine On\nRewriteOptions IgnoreInherit\n", "ignore.example", "/main/x", want{Declined, 0, "", ""}},
		// mod_rewrite runs before mod_proxy: its redirect wins over ProxyPass /both/.
		{"rewrite before proxy", "RewriteEngine On\nRewriteOptions IgnoreInherit\nRewriteRule ^/both/(.*)$ /new/$1 [R=302,L]\n",
			"order.example", "/both/x", want{Redirect, 302, "http://order.example/new/x", ""}},
		// [PT]: the new URI goes on to mod_proxy (ProxyPass /pp/ proxied it).
		{"PT hands over to mod_proxy", "RewriteEngine On\nRewriteOptions IgnoreInherit\nRewriteRule ^/rp/(.*)$ /pp/$1 [PT]\n",
			"order.example", "/rp/x", want{Passthrough, 0, "", "/pp/x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, base := vhost(tt.conf)
			res := s.Translate(base, request(tt.target, tt.host, &fakeReq{headers: map[string]string{"Host": tt.host}}))
			require.Equal(t, tt.want.action, res.Action, "%+v", res)
			assert.Equal(t, tt.want.status, res.Status)
			assert.Equal(t, tt.want.location, res.Location)
			assert.Equal(t, tt.want.uri, res.URI)
		})
	}
	// Without [PT] the result is a file name: mod_proxy and mod_alias do
	// not see it; /al does not exist, so core maps it under the
	// DocumentRoot (httpd answered 404).
	s, base := vhost("RewriteEngine On\nRewriteOptions IgnoreInherit\nRewriteRule ^/rw3/(.*)$ /al/$1\n")
	res := s.Translate(base, request("/rw3/x", "order.example", &fakeReq{}))
	assert.Equal(t, Rewritten, res.Action)
	assert.Equal(t, "/al/x", res.Filename)
	assert.True(t, res.TranslateURI)

	// Per-directory Inherit: the child's rules, then the parent's.
	parent := dirConfig(t, "/R/htdocs/d", "RewriteEngine On\nRewriteRule ^parent$ /new/x [R=302,L]\nRewriteRule ^both$ /new/parent [R=302,L]\n")
	child := MergeDir(parent, dirConfig(t, "/R/htdocs/d/sub", "RewriteEngine On\nRewriteOptions Inherit\nRewriteRule ^both$ /new/child [R=302,L]\n"))
	in := func(file string) *Input {
		return &Input{Filename: file, Req: &fakeReq{}, SymLinksAllowed: true, Scheme: "http", ServerName: "order.example", Port: 80, DocumentRoot: "/R/htdocs"}
	}
	assert.Equal(t, "http://order.example/new/child", child.Fixup(in("/R/htdocs/d/sub/both")).Location)
	assert.Equal(t, "http://order.example/new/x", child.Fixup(in("/R/htdocs/d/sub/parent")).Location)
	assert.Equal(t, "http://order.example/new/parent", parent.Fixup(in("/R/htdocs/d/both")).Location)
}
