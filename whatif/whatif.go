// Package whatif answers "what would httpd do if this file existed?"
// without touching the disk: FS lays assumed regular files (and their
// parent directories) over an fs.FS, and the request engine, which reads
// only through io/fs, answers as if they were there.
//
//	fsys := whatif.FS(os.DirFS("/"), "/var/www/html/.git/config")
//	r := server.Request(req, scope.RequestOptions{FS: fsys})
//
// An assumed file that is not there is empty: its contents are not
// known, so an assumed .htaccess adds no directives; one that is there
// is left as it is. Paths are absolute as the configuration
// sees them ("/var/www/html/.env"); the io/fs form ("var/www/html/.env")
// is accepted too.
package whatif

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"syscall"
	"time"
)

// FS returns base with each of files present as a regular file (empty,
// unless base has it) and every directory above it present as a
// directory. Everything else is base's (nil base: nothing else exists).
// An assumed file shadows a directory base has at that path, and below
// it nothing exists (as stat("file/x") fails with ENOTDIR). The root ("/") cannot be a file
// and is ignored. The result implements fs.StatFS, fs.ReadFileFS,
// fs.ReadDirFS and, as Go 1.25's fs.ReadLinkFS, Lstat and ReadLink
// (assumed entries are not links).
func FS(base fs.FS, files ...string) fs.FS {
	o := &overlay{base: base, files: map[string]bool{}, dirs: map[string][]string{}}
	for _, f := range files {
		name := Clean(f)
		if name == "." || o.files[name] {
			continue
		}
		o.files[name] = true
		for child := name; child != "."; {
			dir := path.Dir(child)
			kids := o.dirs[dir]
			if !slices.Contains(kids, path.Base(child)) {
				o.dirs[dir] = append(kids, path.Base(child))
			}
			child = dir
		}
	}
	return o
}

// Clean turns an absolute path ("/srv/www/.env") into the io/fs form FS
// uses ("srv/www/.env"; "/" is "."), resolving "." and ".." as
// path.Clean does.
func Clean(p string) string {
	p = strings.TrimLeft(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}

type overlay struct {
	base  fs.FS
	files map[string]bool
	// dirs maps each directory above an assumed file to the names of its
	// assumed children.
	dirs map[string][]string
}

var (
	_ fs.StatFS     = (*overlay)(nil)
	_ fs.ReadFileFS = (*overlay)(nil)
	_ fs.ReadDirFS  = (*overlay)(nil)
	_ linkFS        = (*overlay)(nil)
)

// linkFS is fs.ReadLinkFS of Go 1.25, spelled out for the module's Go
// 1.23: a base that has it keeps its links visible.
type linkFS interface {
	fs.FS
	ReadLink(name string) (string, error)
	Lstat(name string) (fs.FileInfo, error)
}

// kind says what the overlay makes of name.
type kind int

const (
	fromBase   kind = iota // not assumed: ask base
	assumed                // an assumed regular file
	assumedDir             // a directory above an assumed file
	under                  // below an assumed file: does not exist
)

func (o *overlay) kind(name string) kind {
	switch {
	case o.files[name]:
		// A file base really has keeps its contents (an existing
		// .htaccess still configures the directory).
		if o.base != nil {
			if info, err := fs.Stat(o.base, name); err == nil && info.Mode().IsRegular() {
				return fromBase
			}
		}
		return assumed
	case o.dirs[name] != nil:
		return assumedDir
	}
	for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
		if o.files[dir] {
			return under
		}
	}
	return fromBase
}

func pathErr(op, name string, err error) error { return &fs.PathError{Op: op, Path: name, Err: err} }

func (o *overlay) check(op, name string) error {
	if !fs.ValidPath(name) {
		return pathErr(op, name, fs.ErrInvalid)
	}
	return nil
}

// Open opens name: an assumed file reads as empty, an assumed directory
// lists base's entries (when base has that directory) with the assumed
// ones added.
func (o *overlay) Open(name string) (fs.File, error) {
	if err := o.check("open", name); err != nil {
		return nil, err
	}
	switch o.kind(name) {
	case assumed:
		return &emptyFile{info: fileInfo{name: path.Base(name)}}, nil
	case assumedDir:
		entries, err := o.ReadDir(name)
		if err != nil {
			return nil, err
		}
		return &dirFile{info: o.dirInfo(name), entries: entries}, nil
	case under:
		return nil, pathErr("open", name, syscall.ENOTDIR)
	}
	if o.base == nil {
		return nil, pathErr("open", name, fs.ErrNotExist)
	}
	return o.base.Open(name)
}

// Stat is fs.Stat with the assumed files in place.
func (o *overlay) Stat(name string) (fs.FileInfo, error) {
	if err := o.check("stat", name); err != nil {
		return nil, err
	}
	switch o.kind(name) {
	case assumed:
		return fileInfo{name: path.Base(name)}, nil
	case assumedDir:
		return o.dirInfo(name), nil
	case under:
		return nil, pathErr("stat", name, syscall.ENOTDIR)
	}
	if o.base == nil {
		return nil, pathErr("stat", name, fs.ErrNotExist)
	}
	return fs.Stat(o.base, name)
}

// dirInfo keeps base's information for a directory base has.
func (o *overlay) dirInfo(name string) fs.FileInfo {
	if o.base != nil {
		if info, err := fs.Stat(o.base, name); err == nil && info.IsDir() {
			return info
		}
	}
	return fileInfo{name: path.Base(name), dir: true}
}

// Lstat is Stat for the assumed entries (they are not links) and base's
// Lstat for the rest (Stat when base has none).
func (o *overlay) Lstat(name string) (fs.FileInfo, error) {
	if err := o.check("lstat", name); err != nil {
		return nil, err
	}
	if k := o.kind(name); k != fromBase || o.base == nil {
		return o.Stat(name)
	}
	if l, ok := o.base.(linkFS); ok {
		return l.Lstat(name)
	}
	return fs.Stat(o.base, name)
}

// ReadLink fails for the assumed entries, which are not links.
func (o *overlay) ReadLink(name string) (string, error) {
	if err := o.check("readlink", name); err != nil {
		return "", err
	}
	switch o.kind(name) {
	case assumed, assumedDir:
		return "", pathErr("readlink", name, fs.ErrInvalid)
	case under:
		return "", pathErr("readlink", name, syscall.ENOTDIR)
	}
	if o.base == nil {
		return "", pathErr("readlink", name, fs.ErrNotExist)
	}
	if l, ok := o.base.(linkFS); ok {
		return l.ReadLink(name)
	}
	return "", pathErr("readlink", name, fs.ErrInvalid)
}

// ReadFile returns no bytes for an assumed file.
func (o *overlay) ReadFile(name string) ([]byte, error) {
	if err := o.check("readfile", name); err != nil {
		return nil, err
	}
	switch o.kind(name) {
	case assumed:
		return []byte{}, nil
	case assumedDir:
		return nil, pathErr("read", name, syscall.EISDIR)
	case under:
		return nil, pathErr("open", name, syscall.ENOTDIR)
	}
	if o.base == nil {
		return nil, pathErr("open", name, fs.ErrNotExist)
	}
	return fs.ReadFile(o.base, name)
}

// ReadDir lists a directory sorted by name, the assumed entries
// replacing base's of the same name.
func (o *overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := o.check("readdir", name); err != nil {
		return nil, err
	}
	switch o.kind(name) {
	case assumed:
		return nil, pathErr("readdir", name, syscall.ENOTDIR)
	case under:
		return nil, pathErr("readdir", name, syscall.ENOTDIR)
	case fromBase:
		if o.base == nil {
			return nil, pathErr("readdir", name, fs.ErrNotExist)
		}
		return fs.ReadDir(o.base, name)
	}
	var entries []fs.DirEntry
	if o.base != nil {
		if info, err := fs.Stat(o.base, name); err == nil && info.IsDir() {
			list, err := fs.ReadDir(o.base, name)
			if err != nil {
				return nil, err
			}
			entries = list
		}
	}
	kids := o.dirs[name]
	entries = slices.DeleteFunc(slices.Clone(entries), func(e fs.DirEntry) bool { return slices.Contains(kids, e.Name()) })
	for _, kid := range kids {
		full := path.Join(name, kid)
		var info fs.FileInfo = fileInfo{name: kid}
		if o.kind(full) == assumedDir {
			info = o.dirInfo(full)
		}
		entries = append(entries, fs.FileInfoToDirEntry(info))
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}

// fileInfo describes an assumed entry.
type fileInfo struct {
	name string
	dir  bool
}

func (fi fileInfo) Name() string { return fi.name }
func (fi fileInfo) Size() int64  { return 0 }
func (fi fileInfo) Mode() fs.FileMode {
	if fi.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (fi fileInfo) ModTime() time.Time { return time.Time{} }
func (fi fileInfo) IsDir() bool        { return fi.dir }
func (fi fileInfo) Sys() any           { return nil }

type emptyFile struct{ info fileInfo }

func (f *emptyFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *emptyFile) Read([]byte) (int, error)   { return 0, io.EOF }
func (f *emptyFile) Close() error               { return nil }

type dirFile struct {
	info    fs.FileInfo
	entries []fs.DirEntry
	offset  int
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, pathErr("read", d.info.Name(), syscall.EISDIR)
}
func (d *dirFile) Close() error { return nil }

// ReadDir follows fs.ReadDirFile: n > 0 reads at most n entries and
// io.EOF at the end; n <= 0 reads the rest.
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.offset:]
	if n <= 0 {
		d.offset = len(d.entries)
		return slices.Clone(rest), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.offset += n
	return slices.Clone(rest[:n]), nil
}

// ErrNotAbsolute is returned by CheckAbsolute.
var ErrNotAbsolute = errors.New("not an absolute path")

// CheckAbsolute tells whether p is usable as an assumed file from a
// command line: absolute and not the root.
func CheckAbsolute(p string) error {
	if !strings.HasPrefix(p, "/") {
		return &fs.PathError{Op: "assume", Path: p, Err: ErrNotAbsolute}
	}
	if Clean(p) == "." {
		return &fs.PathError{Op: "assume", Path: p, Err: errors.New("the root directory cannot be a file")}
	}
	return nil
}
