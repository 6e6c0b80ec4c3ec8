package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/NAME, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file: go test ./cmd/apacheconf -update")
	assert.Equal(t, string(want), got)
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCLI(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string // compared with stdout+stderr
	}{
		{"no args", nil, 2, "usage.golden"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown.golden"},
		{"parse ok", []string{"parse", "testdata/messy.conf"}, 0, "parse-ok.golden"},
		{"parse directory", []string{"parse", "../../examples/hosting"}, 0, "parse-dir.golden"},
		{"parse quiet", []string{"parse", "-q", "testdata/messy.conf"}, 0, "empty.golden"},
		{"parse syntax errors", []string{"parse", "testdata/bad.conf"}, 1, "parse-bad.golden"},
		{"parse missing file", []string{"parse", "testdata/nope.conf"}, 2, "parse-missing.golden"},
		{"parse bad flag", []string{"parse", "--nope", "x"}, 2, ""},
		{"parse json", []string{"parse", "--json", "testdata/bad.conf"}, 1, "parse-json.golden"},
		{"fmt", []string{"fmt", "testdata/messy.conf"}, 0, "fmt.golden"},
		{"fmt diff", []string{"fmt", "-d", "testdata/messy.conf"}, 1, "fmt-diff.golden"},
		{"fmt list", []string{"fmt", "-l", "testdata/messy.conf", "testdata/fmt.golden"}, 1, "fmt-list.golden"},
		{"fmt refuses syntax errors", []string{"fmt", "testdata/bad.conf"}, 1, "fmt-bad.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(tt.args...)
			assert.Equal(t, tt.code, code, "exit status; stderr: %s", errs)
			if tt.golden != "" {
				golden(t, tt.golden, out+errs)
			}
		})
	}
}

func TestFmtWrite(t *testing.T) {
	src, err := os.ReadFile("testdata/messy.conf")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "site.conf")
	require.NoError(t, os.WriteFile(path, src, 0o640))
	code, _, errs := runCLI("fmt", "-w", path)
	require.Equal(t, 0, code, errs)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	want, err := os.ReadFile("testdata/fmt.golden")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), info.Mode().Perm(), "fmt -w keeps the file mode")
	code, out, _ := runCLI("fmt", "-l", path)
	assert.Equal(t, 0, code, "formatted file is stable")
	assert.Empty(t, strings.TrimSpace(out))
}

// Every file of Debian's apache2 package and every oracle case parses
// cleanly (exit 0), as httpd reads them.
func TestParseRealTrees(t *testing.T) {
	var args []string
	for _, dir := range []string{"/etc/apache2", "../../../shared/oracle/cases"} {
		if _, err := os.Stat(dir); err == nil {
			args = append(args, dir)
		}
	}
	if len(args) == 0 {
		t.Skip("neither /etc/apache2 (apt-get install apache2) nor ../shared/oracle/cases is present")
	}
	code, out, errs := runCLI(append([]string{"parse"}, args...)...)
	assert.Equal(t, 0, code, errs)
	assert.NotEmpty(t, out)
	assert.NotContains(t, out, "failed")
}
