package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	wd, err := os.Getwd()
	require.NoError(t, err)
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string // stdout+stderr, the working directory as @WD@
	}{
		{"ok", []string{"check", "-d", "testdata/check-ok", "-f", "apache2.conf"}, 0, "check-ok.golden"},
		{"errors in reading order", []string{"check", "-d", "testdata/check-bad", "-f", "apache2.conf"}, 1, "check-bad.golden"},
		{"missing file", []string{"check", "-d", "testdata", "-f", "nope.conf"}, 1, "check-missing.golden"},
		{"stray argument", []string{"check", "x"}, 2, ""},
		{"bad flag", []string{"check", "--nope"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(tt.args...)
			assert.Equal(t, tt.code, code, "exit status; stderr: %s", errs)
			if tt.golden != "" {
				golden(t, tt.golden, strings.ReplaceAll(out+errs, wd, "@WD@"))
			}
		})
	}
}

// The clean tree passes apache2 -t too, and the first error we report
// for the bad one is the one httpd stops at.
func TestCheckAgreesWithHTTPD(t *testing.T) {
	if _, err := exec.LookPath("apache2"); err != nil {
		t.Skip("apache2 is not installed")
	}
	for _, tree := range []string{"check-ok", "check-bad"} {
		dir, err := filepath.Abs(filepath.Join("testdata", tree))
		require.NoError(t, err)
		out, _ := exec.Command("apache2", "-t", "-d", dir, "-f", "apache2.conf").CombinedOutput()
		code, stdout, stderr := runCLI("check", "-d", dir, "-f", "apache2.conf")
		if tree == "check-ok" {
			assert.Contains(t, string(out), "Syntax OK")
			assert.Equal(t, 0, code, stderr)
			continue
		}
		// AH00526: Syntax error on line N of FILE:\nMESSAGE
		lines := strings.Split(string(out), "\n")
		require.GreaterOrEqual(t, len(lines), 2, "%s", out)
		var line int
		var file string
		_, err = fmt.Sscanf(lines[0], "AH00526: Syntax error on line %d of %s", &line, &file)
		require.NoError(t, err, "%s", out)
		first := strings.SplitN(stderr, "\n", 2)[0]
		assert.Equal(t, 1, code)
		assert.Equal(t, fmt.Sprintf("%s:%d:1: %s", strings.TrimSuffix(file, ":"), line, lines[1]), first, "stdout: %s", stdout)
	}
}
