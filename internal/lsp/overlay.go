package lsp

import (
	"bytes"
	"io"
	"io/fs"
	"sync"
	"time"
)

// overlay is the file system the server reads configurations through:
// the editor's open documents over the disk (unsaved buffers win), with
// the disk's answers cached — the 10k-vhost tree names twenty thousand
// directories whose .htaccess lint looks for on every analysis, and
// asking the disk each time costs more than the rest of a re-lint.
// The cache is dropped when the editor reports a file saved or changed
// on disk, and on every full reload.
//
// Paths are io/fs paths of a file system rooted at "/" (scope.FSPath).
type overlay struct {
	disk fs.FS

	mu    sync.RWMutex
	docs  map[string][]byte // open documents by fs path
	cache map[string]cached // disk reads by fs path
}

type cached struct {
	data []byte
	err  error
}

func newOverlay(disk fs.FS) *overlay {
	return &overlay{disk: disk, docs: map[string][]byte{}, cache: map[string]cached{}}
}

// set makes an open document's text what the file holds.
func (o *overlay) set(name string, text []byte) {
	o.mu.Lock()
	o.docs[name] = text
	o.mu.Unlock()
}

// drop forgets an open document: the disk is read again.
func (o *overlay) drop(name string) {
	o.mu.Lock()
	delete(o.docs, name)
	delete(o.cache, name)
	o.mu.Unlock()
}

// forget empties the disk cache.
func (o *overlay) forget() {
	o.mu.Lock()
	o.cache = map[string]cached{}
	o.mu.Unlock()
}

// forgetFile drops one file from the disk cache.
func (o *overlay) forgetFile(name string) {
	o.mu.Lock()
	delete(o.cache, name)
	o.mu.Unlock()
}

// doc returns an open document's text.
func (o *overlay) doc(name string) ([]byte, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	b, ok := o.docs[name]
	return b, ok
}

// ReadFile implements fs.ReadFileFS. The caller must not modify the
// result (it is shared with the cache).
func (o *overlay) ReadFile(name string) ([]byte, error) {
	o.mu.RLock()
	if b, ok := o.docs[name]; ok {
		o.mu.RUnlock()
		return b, nil
	}
	c, ok := o.cache[name]
	o.mu.RUnlock()
	if ok {
		return c.data, c.err
	}
	data, err := fs.ReadFile(o.disk, name)
	o.mu.Lock()
	o.cache[name] = cached{data, err}
	o.mu.Unlock()
	return data, err
}

// Open implements fs.FS: an open document is served from memory,
// anything else (directories included) from the disk.
func (o *overlay) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if b, ok := o.doc(name); ok {
		info, _ := fs.Stat(o.disk, name)
		return &memFile{Reader: bytes.NewReader(b), name: name, size: int64(len(b)), disk: info}, nil
	}
	return o.disk.Open(name)
}

// Stat implements fs.StatFS.
func (o *overlay) Stat(name string) (fs.FileInfo, error) {
	f, err := o.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Stat()
}

// ReadDir implements fs.ReadDirFS (the disk's listing: a buffer never
// saved is not in a directory, as httpd would not see it either).
func (o *overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	return fs.ReadDir(o.disk, name)
}

type memFile struct {
	*bytes.Reader
	name string
	size int64
	disk fs.FileInfo // the file on disk, for its mode and time; nil if none
}

func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{f}, nil }
func (f *memFile) Close() error               { return nil }

var _ io.ReaderAt = (*memFile)(nil)

type memInfo struct{ f *memFile }

func (i memInfo) Name() string {
	for k := len(i.f.name) - 1; k >= 0; k-- {
		if i.f.name[k] == '/' {
			return i.f.name[k+1:]
		}
	}
	return i.f.name
}
func (i memInfo) Size() int64 { return i.f.size }
func (i memInfo) Mode() fs.FileMode {
	if i.f.disk != nil {
		return i.f.disk.Mode()
	}
	return 0o644
}
func (i memInfo) ModTime() time.Time {
	if i.f.disk != nil {
		return i.f.disk.ModTime()
	}
	return time.Time{}
}
func (i memInfo) IsDir() bool { return false }
func (i memInfo) Sys() any    { return nil }
