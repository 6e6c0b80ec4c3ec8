package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// explain and resolve answer as if --assume-exists files were there,
// and the disk is left alone.
func TestAssumeExists(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "htdocs")
	require.NoError(t, os.MkdirAll(root, 0o755))
	conf := filepath.Join(dir, "httpd.conf")
	require.NoError(t, os.WriteFile(conf, []byte("Listen 80\nDocumentRoot "+root+"\n"), 0o644))
	env := filepath.Join(root, ".env")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"explain without", []string{"explain", "-f", conf, "--host", "x", "/.env"}, 0, "status:   404 File does not exist"},
		{"explain assumed", []string{"explain", "-f", conf, "--host", "x", "--assume-exists", env, "/.env"}, 0, "status:   200 file served by the default handler"},
		{"explain parent dir", []string{"explain", "-f", conf, "--host", "x", "--assume-exists", filepath.Join(root, ".git/config"), "/.git"}, 0, "(exists=true dir=true)"},
		{"resolve assumed", []string{"resolve", "-f", conf, "--host", "x", "--assume-exists", env, "--assume-exists", filepath.Join(root, "b.sql"), "/.env", "/b.sql"}, 0, "x/b.sql: 200"},
		{"relative refused", []string{"explain", "-f", conf, "--host", "x", "--assume-exists", "htdocs/.env", "/.env"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(tt.args...)
			require.Equal(t, tt.code, code, errs)
			assert.Contains(t, out, tt.want)
			if tt.code == 2 {
				assert.Contains(t, errs, "not an absolute path")
			}
		})
	}
	_, err := os.Stat(env)
	assert.True(t, os.IsNotExist(err), "the assumed file was not created")
}

// conformance answers a case's whatif.txt files as assumed, with them
// removed from the materialised copy: on the shared probe cases every
// status agrees with the server's (probe-status-listing is a known
// disagreement, see conformance/probes-known-disagreements.txt; the
// Location of 3xx answers is not filled by the engine yet).
func TestConformanceWhatIf(t *testing.T) {
	if _, err := os.Stat("../../../shared/oracle/probes/probe-files-exact/whatif.txt"); err != nil {
		t.Skip("the shared oracle probes are not beside the repository")
	}
	_, out, errs := runCLI("conformance", "-v", "-oracle", "../../../shared/oracle/run.py",
		"../../../shared/oracle/probes/probe-files-exact", "../../../shared/oracle/probes/probe-redirect-gone")
	require.Contains(t, out, "agree with the recorded server answers", errs)
	status := regexp.MustCompile(`^  (ok   .* -> (\d+)|DIFF .*: want (\d+) .*, got (\d+) )`)
	n := 0
	for _, line := range strings.Split(out, "\n") {
		m := status.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n++
		if m[3] != "" {
			assert.Equal(t, m[3], m[4], "status differs: %s", line)
		}
	}
	assert.Equal(t, 19, n, out)
}
