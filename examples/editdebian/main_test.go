package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The files a run changes on Debian's stock tree: the security settings
// in conf-available/security.conf (read through conf-enabled's link) and
// a new site.
func Example() {
	ed, err := edit("../debian")
	if err != nil {
		panic(err)
	}
	changes, err := ed.Changes()
	if err != nil {
		panic(err)
	}
	for _, c := range changes {
		fmt.Printf("%s (new: %v)\n", c.Path, c.Created)
	}
	// Output:
	// /etc/apache2/conf-enabled/security.conf (new: false)
	// /etc/apache2/sites-available/www.example.org.conf (new: true)
}

// The dry run's diff (testdata/dry-run.diff; -update rewrites it).
func TestDryRun(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(&out, "../debian", false))
	if *update {
		require.NoError(t, os.WriteFile("testdata/dry-run.diff", []byte(out.String()), 0o644))
	}
	want, err := os.ReadFile("testdata/dry-run.diff")
	require.NoError(t, err)
	assert.Equal(t, string(want), out.String())
}

var update = flag.Bool("update", false, "rewrite testdata/dry-run.diff")

func TestWriteIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	out, err := exec.Command("cp", "-a", "../debian/.", dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.NoError(t, run(os.Stdout, dir, true))
	var again strings.Builder
	require.NoError(t, run(&again, dir, false))
	assert.Empty(t, again.String(), "a second run changes nothing")
	fi, err := os.Lstat(filepath.Join(dir, "etc/apache2/conf-enabled/security.conf"))
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeSymlink, "the link that enables security.conf stays a link")
}
