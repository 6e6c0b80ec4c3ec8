package apacheconf

import (
	"context"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/apacheconf/apacheconf/parser"
)

// ctxFS reads through an fs.FS for one operation: each access first asks
// ctx, so a cancelled Load or .htaccess walk stops at its next file, and
// the errors of files that could not be read are kept, so that Load can
// give them back wrapped (the parser reports them as httpd's message).
type ctxFS struct {
	ctx  context.Context
	fsys fs.FS

	mu     sync.Mutex
	failed map[string]error // fs path → the error of reading it
}

func newCtxFS(ctx context.Context, fsys fs.FS) *ctxFS {
	return &ctxFS{ctx: ctx, fsys: fsys, failed: map[string]error{}}
}

func (c *ctxFS) note(name string, err error) error {
	if err != nil {
		c.mu.Lock()
		c.failed[name] = err
		c.mu.Unlock()
	}
	return err
}

func (c *ctxFS) check(op, name string) error {
	if err := c.ctx.Err(); err != nil {
		return c.note(name, &fs.PathError{Op: op, Path: name, Err: err})
	}
	return nil
}

func (c *ctxFS) Open(name string) (fs.File, error) {
	if err := c.check("open", name); err != nil {
		return nil, err
	}
	f, err := c.fsys.Open(name)
	return f, c.note(name, err)
}

func (c *ctxFS) ReadFile(name string) ([]byte, error) {
	if err := c.check("read", name); err != nil {
		return nil, err
	}
	b, err := fs.ReadFile(c.fsys, name)
	return b, c.note(name, err)
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
	ents, err := fs.ReadDir(c.fsys, name)
	return ents, c.note(name, err)
}

// openMessages are the loader's messages for a file or directory it could
// not read, each followed by the path.
var openMessages = []string{"Could not open configuration file ", "Include/IncludeOptional: Could not open directory "}

// wrapOpenErrors gives each loader error about a file that could not be
// read the fs error behind it (parser.Error.Err), so that
// errors.Is(err, fs.ErrNotExist) holds.
//
// The loader reports these errors with httpd's words only; it should
// set Err itself (parser/load.go), after which this goes.
func (c *ctxFS) wrapOpenErrors(list parser.ErrorList) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range list {
		if e.Err != nil {
			continue
		}
		for _, prefix := range openMessages {
			rest, ok := strings.CutPrefix(e.Msg, prefix)
			if !ok {
				continue
			}
			for name, err := range c.failed {
				if strings.HasPrefix(rest, "/"+strings.TrimPrefix(name, ".")+": ") || name == "." && strings.HasPrefix(rest, "/: ") {
					e.Err = err
				}
			}
		}
	}
}

// fsPath is an absolute configuration path as an io/fs path.
func fsPath(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}
