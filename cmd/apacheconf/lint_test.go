package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestLint(t *testing.T) {
	site := "testdata/lint-site"
	hosting := []string{"--chroot", "../../examples/hosting", "../../examples/hosting"}
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string // stdout
	}{
		{"text", []string{site}, 1, "lint-text.golden"},
		{"json", []string{"--format", "json", site}, 1, "lint-json.golden"},
		{"sarif", []string{"--format", "sarif", site}, 1, "lint-sarif.golden"},
		{"github", []string{site, "--format", "github"}, 1, "lint-github.golden"},
		{"checkstyle", []string{"--format=checkstyle", site}, 1, "lint-checkstyle.golden"},
		{"config file", []string{"--config", "testdata/lint-config.yaml", site}, 1, "lint-config.golden"},
		{"hosting example", hosting, 1, "lint-hosting.golden"},
		{"hosting example sarif", append([]string{"--format", "sarif"}, hosting...), 1, "lint-hosting-sarif.golden"},
		{"fail-on above findings", []string{"--fail-on", "error", "-f", "apache2.conf", "-d", "../../examples/hosting"}, 1, ""},
		{"clean at error level", []string{"--chroot", "../../examples/hosting", "--config", "testdata/lint-config.yaml", "--fail-on", "error", "testdata/lint-clean.conf"}, 0, ""},
		{"bad format", []string{"--format", "yaml", site}, 2, ""},
		{"bad fail-on", []string{"--fail-on", "never", site}, 2, ""},
		{"bad config", []string{"--config", "testdata/lint-badconfig.yaml", site}, 2, ""},
		{"missing config", []string{"--config", "testdata/nope.yaml", site}, 2, ""},
		{"missing file", []string{"testdata/nope.conf"}, 2, ""},
		{"two files", []string{site, site}, 2, ""},
		{"rules", []string{"--rules"}, 0, "lint-rules.golden"},
		{"dir without config", []string{"testdata"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(append([]string{"lint"}, tt.args...)...)
			assert.Equal(t, tt.code, code, "exit status; stderr: %s", errs)
			if tt.golden != "" {
				golden(t, tt.golden, out)
			}
			if tt.code == 2 {
				assert.NotEmpty(t, errs)
			}
		})
	}
}

func TestLintFix(t *testing.T) {
	dir := t.TempDir()
	src := "Listen 80\nServerName localhost\nServerTokens  Full\nTraceEnable On\n<Directory />\n\tRequire all granted\n</Directory>\n"
	conf := filepath.Join(dir, "apache2.conf")
	require.NoError(t, os.WriteFile(conf, []byte(src), 0o600))
	// A part of a server (--fragment): it loads no MPM.
	code, out, errs := runCLI("lint", "--fragment", "--fix", "--fail-on", "info", conf)
	assert.Equal(t, 0, code, "stdout: %s stderr: %s", out, errs)
	assert.Empty(t, out)
	assert.Contains(t, errs, "fixed "+conf)
	got, err := os.ReadFile(conf)
	require.NoError(t, err)
	assert.Equal(t, "Listen 80\nServerName localhost\nServerTokens  Prod\nTraceEnable Off\n<Directory />\n\tRequire all denied\n</Directory>\n", string(got))
	info, err := os.Stat(conf)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	// a second run has nothing to do
	code, _, errs = runCLI("lint", "--fragment", "--fix", conf)
	assert.Equal(t, 0, code)
	assert.False(t, strings.Contains(errs, "fixed"))
}

// TestCIExamples checks that the CI examples parse and run the commands
// the documentation promises.
func TestCIExamples(t *testing.T) {
	for _, f := range []string{"apacheconf-lint.yml", ".pre-commit-hooks.yaml", "pre-commit-config.yaml"} {
		src, err := os.ReadFile(filepath.Join("../../examples/ci", f))
		require.NoError(t, err)
		var v any
		require.NoError(t, yaml.Unmarshal(src, &v), f)
		assert.Contains(t, string(src), "apacheconf lint", f)
	}
	wf, err := os.ReadFile("../../examples/ci/apacheconf-lint.yml")
	require.NoError(t, err)
	assert.Contains(t, string(wf), "apacheconf lint --format sarif")
	assert.Contains(t, string(wf), "apacheconf lint --format github")
}

// TestLintDefines: -D and the config file's defines reach <IfDefine>.
func TestLintDefines(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "apache2.conf")
	require.NoError(t, os.WriteFile(conf, []byte("Listen 80\nServerName localhost\n<IfDefine TRACE>\nTraceEnable On\n</IfDefine>\n"), 0o644))
	cfg := filepath.Join(dir, "lint.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("defines: [TRACE]\n"), 0o644))

	code, out, _ := runCLI("lint", "--fragment", "--fail-on", "warning", conf)
	assert.Equal(t, 0, code, out)
	code, out, _ = runCLI("lint", "--fragment", "--fail-on", "warning", "-D", "TRACE", conf)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "[AC5006]")
	code, out, _ = runCLI("lint", "--fragment", "--fail-on", "warning", "--config", cfg, conf)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "apache2.conf:4:1: warning: TraceEnable On")
}
