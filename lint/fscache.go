package lint

import (
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/apacheconf/apacheconf/scope"
)

// fsCache is what the routing rules' .htaccess search reads of
// Program.FS, each thing once: directories' listings and the access
// files. The search walks each server's document root and <Directory>
// paths, which servers share (a virtual host's DocumentRoot is also its
// <Directory>; the main server's sections are every server's), and on a
// hosting server most directories have no .htaccess, which their listing
// says without opening it. One goroutine uses it.
type fsCache struct {
	fsys  fs.FS
	dirs  map[string]*cachedDir // by io/fs path
	files map[string]cachedFile // by absolute path
}

type cachedDir struct {
	entries []fs.DirEntry // as fs.ReadDir returns them: sorted by name
	err     error
	sorted  bool // as fs.ReadDir promises (an fs.ReadDirFS might not keep it)
	// stat is fs.Stat's answer for a walk's root, when the listing did
	// not give it.
	statDone, exists, isDir bool
}

type cachedFile struct {
	src []byte
	err error
}

func newFSCache(fsys fs.FS) *fsCache {
	return &fsCache{fsys: fsys, dirs: map[string]*cachedDir{}, files: map[string]cachedFile{}}
}

// readDir is fs.ReadDir(fsys, fp).
func (c *fsCache) readDir(fp string) *cachedDir {
	d, ok := c.dirs[fp]
	if !ok {
		d = &cachedDir{}
		d.entries, d.err = fs.ReadDir(c.fsys, fp)
		d.sorted = slices.IsSortedFunc(d.entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
		c.dirs[fp] = d
	}
	return d
}

// stat says what fs.Stat(fsys, fp) says of fp: whether it is there and
// whether it is a directory. A directory listed is one; one that cannot
// be listed because it is not there is not; otherwise fs.Stat tells.
func (c *fsCache) stat(fp string) (exists, isDir bool) {
	d := c.readDir(fp)
	switch {
	case d.err == nil:
		return true, true
	case errors.Is(d.err, fs.ErrNotExist):
		return false, false
	}
	if !d.statDone {
		info, err := fs.Stat(c.fsys, fp)
		d.statDone, d.exists, d.isDir = true, err == nil, err == nil && info.IsDir()
	}
	return d.exists, d.isDir
}

// has reports whether the listing names name.
func (d *cachedDir) has(name string) bool {
	if d.sorted {
		_, found := slices.BinarySearchFunc(d.entries, name, func(e fs.DirEntry, name string) int { return strings.Compare(e.Name(), name) })
		return found
	}
	return slices.ContainsFunc(d.entries, func(e fs.DirEntry) bool { return e.Name() == name })
}

// accessFile reads the file name in the directory dir (absolute,
// clean; fp its io/fs path). A complete listing of the directory that
// does not name it answers without trying to open it.
func (c *fsCache) accessFile(fp, dir, name string) (file string, src []byte, err error) {
	if !strings.Contains(name, "/") && name != "." && name != ".." {
		if d := c.readDir(fp); d.err == nil && !d.has(name) {
			return "", nil, fs.ErrNotExist
		}
	}
	file = path.Join(dir, name)
	f, ok := c.files[file]
	if !ok {
		f.src, f.err = fs.ReadFile(c.fsys, scope.FSPath(file))
		c.files[file] = f
	}
	return file, f.src, f.err
}
