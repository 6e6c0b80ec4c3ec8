package lint

import (
	"fmt"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// TestHTWalkIsWalkDir holds the cached walk of the .htaccess search to
// fs.WalkDir: the same calls in the same order (roots missing, a file
// as root, nested directories, stopping with fs.SkipAll), and the
// access files found where a listing names them.
func TestHTWalkIsWalkDir(t *testing.T) {
	fsys := fstest.MapFS{
		"srv/a/.htaccess":         {Data: []byte("RewriteEngine On\n")},
		"srv/a/b/c/.htaccess":     {Data: []byte("SetEnv X 1\n")},
		"srv/a/b/file":            {Data: []byte("x")},
		"srv/a/z/.htaccess/inner": {Data: []byte("a directory named .htaccess")},
		"srv/b/index.html":        {Data: []byte("x")},
		"srv/file":                {Data: []byte("x")},
	}
	for _, root := range []string{"srv", "srv/a", "srv/file", "srv/missing", "."} {
		for _, stopAt := range []int{-1, 0, 1, 3, 7} {
			t.Run(fmt.Sprintf("%s/%d", root, stopAt), func(t *testing.T) {
				record := func(out *[]string) func(string, bool, error) error {
					n := 0
					return func(fp string, isDir bool, err error) error {
						*out = append(*out, fmt.Sprintf("%s dir=%v err=%v", fp, isDir, err != nil))
						if n++; n == stopAt {
							return fs.SkipAll
						}
						return nil
					}
				}
				var want, got []string
				rec := record(&want)
				_ = fs.WalkDir(fsys, root, func(fp string, d fs.DirEntry, err error) error {
					return rec(fp, d != nil && d.IsDir(), err)
				})
				w := &htWalk{c: newFSCache(fsys, 0), name: ".htaccess", files: map[string]*walkFile{}}
				w.walk(root, record(&got))
				require.Equal(t, want, got)
			})
		}
	}
	w := &htWalk{c: newFSCache(fsys, 0), name: ".htaccess", files: map[string]*walkFile{}}
	w.walk("srv", func(string, bool, error) error { return nil })
	for dir, want := range map[string]string{"srv/a": "rewrite", "srv/a/b/c": "file", "srv/a/b": "", "srv/a/z": "", "srv/missing": ""} {
		f, got := w.accessFile(dir), ""
		if f != nil {
			got = "file"
			if f.rewrite {
				got = "rewrite"
			}
		}
		require.Equal(t, want, got, dir)
	}
}
