package apacheconf

import (
	"context"
	"io/fs"
	"path"
	"strings"
)

// ctxFS reads through an fs.FS for one operation: each access first asks
// ctx, so a cancelled Load or .htaccess walk stops at its next file. (The
// loader wraps the error of a file it could not read in its parser.Error.)
type ctxFS struct {
	ctx  context.Context
	fsys fs.FS
}

func newCtxFS(ctx context.Context, fsys fs.FS) *ctxFS {
	return &ctxFS{ctx: ctx, fsys: fsys}
}

func (c *ctxFS) check(op, name string) error {
	if err := c.ctx.Err(); err != nil {
		return &fs.PathError{Op: op, Path: name, Err: err}
	}
	return nil
}

func (c *ctxFS) Open(name string) (fs.File, error) {
	if err := c.check("open", name); err != nil {
		return nil, err
	}
	return c.fsys.Open(name)
}

func (c *ctxFS) ReadFile(name string) ([]byte, error) {
	if err := c.check("read", name); err != nil {
		return nil, err
	}
	return fs.ReadFile(c.fsys, name)
}

func (c *ctxFS) Stat(name string) (fs.FileInfo, error) {
	if err := c.check("stat", name); err != nil {
		return nil, err
	}
	return fs.Stat(c.fsys, name) // a missing file is an answer, not a failure
}

func (c *ctxFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := c.check("readdir", name); err != nil {
		return nil, err
	}
	return fs.ReadDir(c.fsys, name)
}

// fsPath is an absolute configuration path as an io/fs path.
func fsPath(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}
