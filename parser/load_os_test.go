package parser_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/parser"
)

// On the real file system (os.DirFS wraps ENOENT), IncludeOptional of a
// wildcard under a missing directory is silent, as in httpd; Include is not.
func TestLoadOSMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "main.conf")
	require.NoError(t, os.WriteFile(main, []byte("IncludeOptional "+dir+"/nothing/*.conf\nDefine ok\n"), 0o644))
	cfg, err := parser.Load(os.DirFS("/"), main, parser.LoadOptions{ServerRoot: dir})
	require.NoError(t, err)
	assert.Len(t, cfg.Files, 1)
	require.NoError(t, os.WriteFile(main, []byte("Include "+dir+"/nothing/*.conf\n"), 0o644))
	_, err = parser.Load(os.DirFS("/"), main, parser.LoadOptions{ServerRoot: dir})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Could not open directory")
}
