package lint

import (
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

// fsCache is what the routing rules' .htaccess search reads of
// Program.FS, each thing once: directories' listings and the access
// files, read and parsed. The search walks each server's document root
// and <Directory> paths, which servers share (a virtual host's
// DocumentRoot is also its <Directory>; the main server's sections are
// every server's), and on a hosting server most directories have no
// .htaccess, which their listing says without opening it. It is safe
// for concurrent use.
type fsCache struct {
	fsys  fs.FS
	mu    sync.Mutex
	dirs  map[string]*cachedDir
	files map[string]*cachedFile
}

type cachedDir struct {
	once    sync.Once
	entries []fs.DirEntry // as fs.ReadDir returns them: sorted by name
	err     error
	sorted  bool // as fs.ReadDir promises (an fs.ReadDirFS might not keep it)
	// stat is fs.Stat's answer for a walk's root, when the listing did
	// not give it.
	statOnce sync.Once
	exists   bool
	isDir    bool
}

type cachedFile struct {
	once      sync.Once
	src       []byte
	err       error
	parseOnce sync.Once
	tree      *ast.File
	parseErr  error
}

func newFSCache(fsys fs.FS) *fsCache {
	return &fsCache{fsys: fsys, dirs: map[string]*cachedDir{}, files: map[string]*cachedFile{}}
}

func (c *fsCache) dir(fp string) *cachedDir {
	c.mu.Lock()
	d, ok := c.dirs[fp]
	if !ok {
		d = &cachedDir{}
		c.dirs[fp] = d
	}
	c.mu.Unlock()
	return d
}

// readDir is fs.ReadDir(fsys, fp).
func (c *fsCache) readDir(fp string) ([]fs.DirEntry, error) {
	d := c.dir(fp)
	d.once.Do(func() {
		d.entries, d.err = fs.ReadDir(c.fsys, fp)
		d.sorted = slices.IsSortedFunc(d.entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	})
	return d.entries, d.err
}

// stat says what fs.Stat(fsys, fp) says of fp: whether it is there and
// whether it is a directory. A directory listed is one; one that cannot
// be listed because it is not there is not; otherwise fs.Stat tells.
func (c *fsCache) stat(fp string) (exists, isDir bool) {
	if _, err := c.readDir(fp); err == nil {
		return true, true
	} else if errors.Is(err, fs.ErrNotExist) {
		return false, false
	}
	d := c.dir(fp)
	d.statOnce.Do(func() {
		info, err := fs.Stat(c.fsys, fp)
		d.exists, d.isDir = err == nil, err == nil && info.IsDir()
	})
	return d.exists, d.isDir
}

// names reports whether the listing entries of d has name.
func (d *cachedDir) names(entries []fs.DirEntry, name string) bool {
	if d.sorted {
		_, found := slices.BinarySearchFunc(entries, name, func(e fs.DirEntry, name string) int { return strings.Compare(e.Name(), name) })
		return found
	}
	return slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return e.Name() == name })
}

// readFile is fs.ReadFile of the absolute path file.
func (c *fsCache) readFile(file string) ([]byte, error) {
	c.mu.Lock()
	f, ok := c.files[file]
	if !ok {
		f = &cachedFile{}
		c.files[file] = f
	}
	c.mu.Unlock()
	return f.get(c.fsys, file)
}

func (f *cachedFile) get(fsys fs.FS, file string) ([]byte, error) {
	f.once.Do(func() { f.src, f.err = fs.ReadFile(fsys, scope.FSPath(file)) })
	return f.src, f.err
}

// accessFile reads the file name in the directory dir (absolute,
// clean). When the file has not been read yet and listed says so, a
// complete listing of dir that does not name it answers without trying
// to open it (for a walk, which lists the directory anyway; opening a
// file that is not there costs less than listing its directory).
func (c *fsCache) accessFile(dir, name string, listed bool) (file string, src []byte, err error) {
	file = path.Join(dir, name)
	c.mu.Lock()
	f := c.files[file]
	c.mu.Unlock()
	if f != nil {
		src, err = f.get(c.fsys, file)
		return file, src, err
	}
	if listed && !strings.Contains(name, "/") {
		if entries, lerr := c.readDir(scope.FSPath(dir)); lerr == nil && !c.dir(scope.FSPath(dir)).names(entries, name) {
			return file, nil, fs.ErrNotExist
		}
	}
	src, err = c.readFile(file)
	return file, src, err
}

// parseHTAccess is parser.ParseHTAccess(file, src) of a file accessFile
// read, parsed once.
func (c *fsCache) parseHTAccess(file string, src []byte) (*ast.File, error) {
	c.mu.Lock()
	f := c.files[file]
	c.mu.Unlock()
	if f == nil {
		return parser.ParseHTAccess(file, src)
	}
	f.parseOnce.Do(func() { f.tree, f.parseErr = parser.ParseHTAccess(file, src) })
	return f.tree, f.parseErr
}
