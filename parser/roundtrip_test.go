package parser_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// roundTripFiles lists the files whose printed form must equal their bytes.
func roundTripFiles(t *testing.T, root string, match func(path string) bool) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && match(path) {
			out = append(out, path)
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

func assertRoundTrip(t *testing.T, path string, htaccess bool) {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	f, err := parser.Config{HTAccess: htaccess}.ParseFile(path, src)
	require.NoError(t, err, "%s must parse cleanly", path)
	out, err := ast.Format(f)
	require.NoError(t, err)
	assert.Equal(t, string(src), string(out), "%s must print back byte for byte", path)
}

func TestRoundTripDebian(t *testing.T) {
	if _, err := os.Stat("/etc/apache2/apache2.conf"); err != nil {
		t.Skip("Debian's /etc/apache2 is absent: apt-get install apache2 libapache2-mod-wsgi-py3 to run this test")
	}
	files := roundTripFiles(t, "/etc/apache2", func(p string) bool { return strings.HasSuffix(p, ".conf") })
	require.NotEmpty(t, files)
	for _, p := range files {
		assertRoundTrip(t, p, false)
	}
	t.Logf("%d Debian files round-trip", len(files))
}

func TestRoundTripOracleCases(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "oracle", "cases")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("%s is absent", root)
	}
	files := roundTripFiles(t, root, func(p string) bool {
		return filepath.Base(p) == "site.conf" || filepath.Base(p) == ".htaccess"
	})
	require.NotEmpty(t, files)
	for _, p := range files {
		assertRoundTrip(t, p, filepath.Base(p) == ".htaccess")
	}
}
