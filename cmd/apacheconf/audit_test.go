package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hardened reference tree passes CIS Level 1: no probed file is
// handed out and no Level 1 control fails.
func TestAuditHardened(t *testing.T) {
	code, out, errs := runCLI("audit", "--profile", "cis-1", "-d", "../../examples/hardened/etc/apache2", "-f", "apache2.conf",
		"--chroot", "../../examples/hardened")
	require.Equal(t, 0, code, "stderr: %s\n%s", errs, out)
	assert.Contains(t, out, "0 exposed, 0 benchmark findings")
}

// Debian's stock tree gets what a CIS auditor lists; the README shows
// the same list (golden: testdata/audit-debian-cis1.golden).
func TestAuditDebianStock(t *testing.T) {
	code, out, errs := runCLI("audit", "--profile", "cis-1", "-d", "../../examples/debian/etc/apache2", "-f", "apache2.conf",
		"--chroot", "../../examples/debian")
	require.Equal(t, 1, code, errs)
	i := strings.Index(out, "benchmark findings:\n")
	require.True(t, i >= 0, out)
	// AC5001's message names the DocumentRoot by its absolute path: the
	// checkout's place is no part of the answer.
	repo, err := filepath.Abs("../..")
	require.NoError(t, err)
	golden(t, "audit-debian-cis1.golden", strings.ReplaceAll(out[i:], repo+"/", "REPO/"))
	for _, rule := range []string{"AC6002", "AC6003", "AC6013", "AC6014", "AC6023", "AC6027", "AC6028", "AC6032", "AC6037", "AC6042", "AC6049"} {
		assert.Contains(t, out, "["+rule+";", "expected %s", rule)
	}
	// Every format renders the same audit.
	for _, format := range []string{"json", "sarif", "html"} {
		code, out, errs := runCLI("audit", "--format", format, "-d", "../../examples/debian/etc/apache2", "-f", "apache2.conf",
			"--chroot", "../../examples/debian")
		require.Equal(t, 1, code, errs)
		assert.NotEmpty(t, out)
	}
	code, _, errs = runCLI("audit", "--profile", "cis-9", "-d", "../../examples/debian/etc/apache2")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "unknown profile")
}

// lint --profile adds the benchmark rules to the default ones.
func TestLintProfile(t *testing.T) {
	code, out, errs := runCLI("lint", "--profile", "cis-1", "--fail-on", "warning", "-d", "../../examples/debian/etc/apache2", "-f", "apache2.conf",
		"--chroot", "../../examples/debian")
	require.Equal(t, 1, code, errs)
	assert.Contains(t, out, "[AC6023]")
	assert.Contains(t, out, "[AC5001]")
	code, out, _ = runCLI("lint", "-d", "../../examples/debian/etc/apache2", "-f", "apache2.conf", "--chroot", "../../examples/debian")
	assert.NotContains(t, out, "[AC60", "a plain lint runs no benchmark rule")
	_ = code
	code, _, errs = runCLI("lint", "--profile", "pci", "../../examples/debian/etc/apache2")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "unknown profile")
}
