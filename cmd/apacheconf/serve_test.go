package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/internal/oracle"
)

// The seed scenario through the CLI: vhosts, explain and resolve, with
// the case's temporary root replaced by @ROOT@ in the golden files.
func TestServeCommandsOnSeed(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is needed to materialize the oracle case")
	}
	root := t.TempDir()
	conf, err := oracle.Materialize("../../../shared/oracle/run.py", "../../../shared/oracle/cases/seed-restrict", root)
	if err != nil {
		t.Skipf("oracle case not available: %v", err)
	}
	norm := func(s string) string { return strings.ReplaceAll(s, root, "@ROOT@") }
	tests := []struct {
		name   string
		args   []string
		golden string
	}{
		{"vhosts", []string{"vhosts", "-f", conf}, "seed-vhosts.golden"},
		{"resolve text", []string{"resolve", "-f", conf, "--addr", "127.0.0.1:8081", "--host", "www.site.com",
			"/~bob/blog.wsgi", "/~bob/wiki.wsgi", "/~bob/other.wsgi", "/~bob/evil.wsgi", "/~bob/global.wsgi", "/~bob/missing.wsgi"}, "seed-resolve.golden"},
		{"resolve json", []string{"resolve", "--format", "json", "-f", conf, "--addr", "127.0.0.1:8081", "--host", "www.site.com",
			"/~bob/blog.wsgi", "/~bob/evil.wsgi"}, "seed-resolve-json.golden"},
		{"explain", []string{"explain", "-f", conf, "--addr", "127.0.0.1:8081", "--host", "www.site.com", "/~bob/blog.wsgi"}, "seed-explain.golden"},
		{"explain json", []string{"explain", "--format", "json", "-f", conf, "--addr", "127.0.0.1:8081", "--host", "www.site.com", "/~bob/evil.wsgi"}, "seed-explain-json.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(tt.args...)
			require.Equal(t, 0, code, errs)
			golden(t, tt.golden, norm(out))
		})
	}
	code, _, errs := runCLI("resolve", "-f", conf)
	assert.Equal(t, 2, code, "a path is required: %s", errs)
}

// Issue 18's fields through the CLI: a .htaccess front controller under
// UserDir (rewrites, the final request's daemon group) and mod_dir's
// slash redirect (location), recorded by httpd in
// conformance/routing/rwwsgi-fc-userdir-allowed.
func TestServeRewriteFields(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is needed to materialize the oracle case")
	}
	root := t.TempDir()
	conf, err := oracle.Materialize("../../../shared/oracle/run.py", "../../conformance/routing/rwwsgi-fc-userdir-allowed", root)
	if err != nil {
		t.Skipf("oracle case not available: %v", err)
	}
	norm := func(s string) string { return strings.ReplaceAll(s, root, "@ROOT@") }
	tests := []struct {
		name   string
		args   []string
		golden string
	}{
		{"resolve json", []string{"resolve", "--format", "json", "-f", conf, "--addr", "127.0.0.1:8081", "--host", "h.example",
			"/~bob/x/y?q=1", "/~bob/sub"}, "rewrite-resolve-json.golden"},
		{"explain json", []string{"explain", "--format", "json", "-f", conf, "--addr", "127.0.0.1:8081", "--host", "h.example", "/~bob/x/y?q=1"}, "rewrite-explain-json.golden"},
		{"explain", []string{"explain", "-f", conf, "--addr", "127.0.0.1:8081", "--host", "h.example", "/~bob/sub"}, "rewrite-explain.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(tt.args...)
			require.Equal(t, 0, code, errs)
			golden(t, tt.golden, norm(out))
		})
	}
}

// Proxied requests and what the request carries, through the CLI: the
// proxy fields of explain's and resolve's JSON (PHP-FPM, ProxyPass), and
// --method/--remote/--header deciding <LimitExcept> and Require ip, on
// oracle cases recorded by httpd.
func TestServeProxyAndRequestFlags(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is needed to materialize the oracle case")
	}
	materialize := func(c string) (string, func(string) string) {
		root := t.TempDir()
		conf, err := oracle.Materialize("../../../shared/oracle/run.py", c, root)
		if err != nil {
			t.Skipf("oracle case not available: %v", err)
		}
		return conf, func(s string) string { return strings.ReplaceAll(s, root, "@ROOT@") }
	}
	fpm, fpmNorm := materialize("../../../shared/oracle/routing/routing-php-fpm")
	order, orderNorm := materialize("../../../shared/oracle/routing/routing-proxy-order")
	limit, limitNorm := materialize("../../conformance/routing/req-limitexcept")
	tests := []struct {
		name   string
		args   []string
		norm   func(string) string
		golden string
	}{
		{"explain fcgi json", []string{"explain", "--format", "json", "-f", fpm, "--addr", "127.0.0.1:8081", "--host", "php.example", "/plain/a.php/extra/info"}, fpmNorm, "proxy-explain-fcgi-json.golden"},
		{"explain proxypass", []string{"explain", "-f", order, "--addr", "127.0.0.1:8081", "--host", "p.example", "/api/users?id=7"}, orderNorm, "proxy-explain.golden"},
		{"resolve proxypass json", []string{"resolve", "--format", "json", "-f", order, "--addr", "127.0.0.1:8081", "--host", "p.example", "--backend-up", "127.0.0.1:8083", "/api/users?id=7", "/shop/static/s.css"}, orderNorm, "proxy-resolve-json.golden"},
		// A closed world where nothing answers: httpd's 503.
		{"explain proxypass down", []string{"explain", "-f", order, "--addr", "127.0.0.1:8081", "--host", "p.example", "--backends-closed", "/api/users?id=7"}, orderNorm, "proxy-explain-down.golden"},
		{"resolve methods", []string{"resolve", "-f", limit, "--addr", "127.0.0.1:8081", "--host", "q.example", "--method", "POST", "--header", "X-Test: 1", "/api/x"}, limitNorm, "request-post-denied.golden"},
		{"resolve remote", []string{"resolve", "-f", limit, "--addr", "127.0.0.1:8081", "--host", "q.example", "--method", "POST", "--remote", "127.0.0.2", "--backend-up", "localhost:8083", "--backend-resolve", "localhost=127.0.0.1", "/api/x"}, limitNorm, "request-post-allowed.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(tt.args...)
			require.Equal(t, 0, code, errs)
			golden(t, tt.golden, tt.norm(out))
		})
	}
	for _, bad := range [][]string{
		{"--header", "NoColon"}, {"--header", "Host: x"}, {"--remote", "not-an-ip"}, {"--method", "GET POST"},
	} {
		args := append([]string{"resolve", "-f", limit, "--host", "q.example"}, bad...)
		code, _, errs := runCLI(append(args, "/api/x")...)
		assert.Equal(t, 2, code, "%v: %s", bad, errs)
		assert.Contains(t, errs, bad[0])
	}
}
