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

// fsCache is what the .htaccess searches read of Program.FS, each thing
// once: directories' listings and the access files. The routing rules'
// search walks each server's document root and <Directory> paths, which
// servers share (a virtual host's DocumentRoot is also its <Directory>;
// the main server's sections are every server's); HTAccessFiles looks
// in the same directories. On a hosting server most directories have no
// .htaccess, which their listing says without opening it. It is safe for
// concurrent use.
type fsCache struct {
	fsys  fs.FS
	mu    sync.Mutex
	dirs  map[string]*cachedDir  // by io/fs path
	files map[string]*cachedFile // by absolute path
}

type cachedDir struct {
	once   sync.Once
	sorted bool // as fs.ReadDir promises (an fs.ReadDirFS might not keep it)
	// fs.Stat's answer when the listing fails otherwise than with
	// fs.ErrNotExist (a file, a directory not readable): a few bytes
	// here rather than a sync.Once in each of thousands.
	exists, isDir bool
	entries       []dirEntry // as fs.ReadDir lists them: sorted by name
	err           error
}

// dirEntry is what the searches use of an fs.DirEntry: kept while both
// run, a name and a bit rather than the entry os makes (with its own
// copy of the directory's path).
type dirEntry struct {
	name  string
	isDir bool
}

type cachedFile struct {
	once sync.Once
	src  []byte
	err  error
	// The file parsed (parseHTAccess), once for both searches.
	parseOnce sync.Once
	tree      *ast.File
	perr      error
}

// newFSCache is a cache of fsys for about dirs directories (sized once:
// grown from empty, a search of thousands makes several times its size
// in garbage).
func newFSCache(fsys fs.FS, dirs int) *fsCache {
	return &fsCache{fsys: fsys, dirs: make(map[string]*cachedDir, dirs), files: map[string]*cachedFile{}}
}

// readDir is fs.ReadDir(fsys, fp), read once.
func (c *fsCache) readDir(fp string) *cachedDir {
	c.mu.Lock()
	d, ok := c.dirs[fp]
	if !ok {
		d = &cachedDir{}
		c.dirs[fp] = d
	}
	c.mu.Unlock()
	d.once.Do(func() {
		entries, err := fs.ReadDir(c.fsys, fp)
		if len(entries) > 0 {
			d.entries = make([]dirEntry, len(entries))
			for i, e := range entries {
				d.entries[i] = dirEntry{e.Name(), e.IsDir()}
			}
		}
		if errors.Is(err, fs.ErrNotExist) {
			// Not the *PathError with its path: the searches only
			// ask whether it is this one (most directories named
			// are not there).
			err = fs.ErrNotExist
		}
		d.err = err
		if err != nil && err != fs.ErrNotExist {
			info, err := fs.Stat(c.fsys, fp)
			d.exists, d.isDir = err == nil, err == nil && info.IsDir()
		}
		d.sorted = slices.IsSortedFunc(d.entries, func(a, b dirEntry) int { return strings.Compare(a.name, b.name) })
	})
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
	return d.exists, d.isDir
}

// has reports whether the listing names name.
func (d *cachedDir) has(name string) bool {
	if d.sorted {
		_, found := slices.BinarySearchFunc(d.entries, name, func(e dirEntry, name string) int { return strings.Compare(e.name, name) })
		return found
	}
	return slices.ContainsFunc(d.entries, func(e dirEntry) bool { return e.name == name })
}

// accessFile reads the file name in the directory dir (absolute,
// clean; fp its io/fs path; "": absPath(fp), made only when needed),
// once. A listing of the directory that does not name it, or says the
// directory is not there, answers without trying to open it.
func (c *fsCache) accessFile(fp, dir, name string) (file string, src []byte, err error) {
	if !strings.Contains(name, "/") && name != "." && name != ".." {
		d := c.readDir(fp)
		if (d.err == nil && !d.has(name)) || errors.Is(d.err, fs.ErrNotExist) {
			return "", nil, fs.ErrNotExist
		}
	}
	if dir == "" {
		dir = absPath(fp)
	}
	file = path.Join(dir, name)
	c.mu.Lock()
	f, ok := c.files[file]
	if !ok {
		f = &cachedFile{}
		c.files[file] = f
	}
	c.mu.Unlock()
	f.once.Do(func() { f.src, f.err = fs.ReadFile(c.fsys, scope.FSPath(file)) })
	return file, f.src, f.err
}

// parseHTAccess is parser.ParseHTAccess(file, src) for a file
// accessFile read (src what it returned), parsed once: the searches
// share the tree.
func (c *fsCache) parseHTAccess(file string, src []byte) (*ast.File, error) {
	c.mu.Lock()
	f := c.files[file]
	c.mu.Unlock()
	if f == nil {
		return parser.ParseHTAccess(file, src)
	}
	f.parseOnce.Do(func() { f.tree, f.perr = parser.ParseHTAccess(file, f.src) })
	return f.tree, f.perr
}

// listedFS is the searches' file system as scope.CheckFiles sees it: a
// scope.DirStatFS that answers from the cache's listings, so that the
// thousands of DocumentRoots the searches list are not also stat'ed
// (whichever comes first reads a directory, once).
type listedFS struct {
	fs.FS
	c *fsCache
}

func (l listedFS) IsDir(name string) bool {
	_, isDir := l.c.stat(name)
	return isDir
}

var _ interface {
	scope.DirStatFS
	fs.StatFS
} = listedFS{}

// Stat is the wrapped file system's: embedded as an fs.FS, its own Stat
// would be hidden, and fs.Stat would open and close each file instead.
func (l listedFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(l.FS, name) }
