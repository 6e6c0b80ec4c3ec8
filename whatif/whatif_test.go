package whatif_test

import (
	"errors"
	"io/fs"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/whatif"
)

func base() fstest.MapFS {
	return fstest.MapFS{
		"srv/www/index.html": {Data: []byte("<h1>hi</h1>")},
		"srv/www/.htaccess":  {Data: []byte("Options -Indexes\n")},
		"srv/www/sub":        {Mode: fs.ModeDir | 0o755},
		"srv/other":          {Data: []byte("a file where a directory is assumed")},
	}
}

// TestFSPassesFSTest runs the standard library's file system checks on
// the overlay: Open, Stat, ReadDir and ReadFile agree with each other.
func TestFSPassesFSTest(t *testing.T) {
	fsys := whatif.FS(base(), "/srv/www/.git/config", "/srv/www/.env", "srv/new/deep/x.sql", "/srv/www/sub/backup.bak")
	require.NoError(t, fstest.TestFS(fsys, "srv/www/index.html", "srv/www/.git/config", "srv/www/.env",
		"srv/new/deep/x.sql", "srv/www/sub/backup.bak", "srv/www/.htaccess"))
}

func TestFS(t *testing.T) {
	fsys := whatif.FS(base(), "/srv/www/.git/config", "/srv/www/.htaccess", "/srv/other/x", "/", "/srv/www/../www/.env")
	tests := []struct {
		name    string
		isDir   bool
		regular bool
		err     error
	}{
		{"srv/www/.git/config", false, true, nil},
		{"srv/www/.git", true, false, nil},
		{"srv/www", true, false, nil},
		{"srv/www/.env", false, true, nil},       // cleaned
		{"srv/www/index.html", false, true, nil}, // base's
		{"srv/www/missing", false, false, fs.ErrNotExist},
		{"srv/other", true, false, nil},                          // assumed directory shadows base's file
		{"srv/www/.git/config/x", false, false, syscall.ENOTDIR}, // below an assumed file
		{"/srv/www", false, false, fs.ErrInvalid},
		{".", true, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := fs.Stat(fsys, tt.name)
			if tt.err != nil {
				require.Error(t, err)
				assert.True(t, errors.Is(err, tt.err), "%v is not %v", err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.isDir, info.IsDir())
			assert.Equal(t, tt.regular, info.Mode().IsRegular())
		})
	}
	// An assumed file base has keeps its contents; one it lacks reads
	// empty.
	data, err := fs.ReadFile(fsys, "srv/www/.htaccess")
	require.NoError(t, err)
	assert.Equal(t, "Options -Indexes\n", string(data))
	data, err = fs.ReadFile(fsys, "srv/www/.git/config")
	require.NoError(t, err)
	assert.Empty(t, data)
	data, err = fs.ReadFile(fsys, "srv/www/index.html")
	require.NoError(t, err)
	assert.Equal(t, "<h1>hi</h1>", string(data))

	entries, err := fs.ReadDir(fsys, "srv/www")
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{".env", ".git", ".htaccess", "index.html", "sub"}, names)
}

func TestFSNilBase(t *testing.T) {
	fsys := whatif.FS(nil, "/var/www/html/.env")
	_, err := fs.Stat(fsys, "var/www/html/.env")
	require.NoError(t, err)
	_, err = fs.Stat(fsys, "etc/passwd")
	assert.True(t, errors.Is(err, fs.ErrNotExist))
	require.NoError(t, fstest.TestFS(fsys, "var/www/html/.env"))
}

func TestLstat(t *testing.T) {
	fsys := whatif.FS(base(), "/srv/www/.env").(interface {
		Lstat(string) (fs.FileInfo, error)
		ReadLink(string) (string, error)
	})
	info, err := fsys.Lstat("srv/www/.env")
	require.NoError(t, err)
	assert.True(t, info.Mode().IsRegular())
	info, err = fsys.Lstat("srv/www/index.html")
	require.NoError(t, err)
	assert.True(t, info.Mode().IsRegular())
	_, err = fsys.ReadLink("srv/www/.env")
	assert.Error(t, err)
}

func TestCheckAbsolute(t *testing.T) {
	assert.NoError(t, whatif.CheckAbsolute("/var/www/.env"))
	assert.ErrorIs(t, whatif.CheckAbsolute("var/www/.env"), whatif.ErrNotAbsolute)
	assert.Error(t, whatif.CheckAbsolute("/"))
}
