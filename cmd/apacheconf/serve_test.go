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
