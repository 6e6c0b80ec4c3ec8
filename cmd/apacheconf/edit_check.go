package main

import (
	"context"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/apacheconf/apacheconf"
	"github.com/apacheconf/apacheconf/internal/oracle"
	"github.com/apacheconf/apacheconf/parser"
)

// refusals returns what apache2 -t would refuse in the edited
// configuration that it did not refuse before: the problems an edit
// introduces (a Header outside <IfModule headers_module> when mod_headers
// is not loaded, a directive in a context that forbids it …), so that
// apacheconf edit does not write a configuration httpd will not start.
func refusals(ctx context.Context, file string, opts apacheconf.Options, changes []apacheconf.Change) ([]string, error) {
	base := os.DirFS("/")
	before, err := problems(ctx, base, file, opts)
	if err != nil {
		return nil, err
	}
	over := overlayFS{base: base, files: fstest.MapFS{}}
	for _, c := range changes {
		over.files[strings.TrimPrefix(c.Path, "/")] = &fstest.MapFile{Data: c.New, Mode: 0o644}
	}
	after, err := problems(ctx, over, file, opts)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	for _, p := range before {
		seen[problemKey(p)]++
	}
	var out []string
	for _, p := range after {
		if k := problemKey(p); seen[k] > 0 {
			seen[k]--
			continue
		}
		out = append(out, p.Error())
	}
	return out, nil
}

// problemKey identifies a problem across an edit, which moves lines.
func problemKey(e *parser.Error) string { return e.Pos.Filename + "\x00" + e.Msg }

func problems(ctx context.Context, fsys fs.FS, file string, opts apacheconf.Options) (parser.ErrorList, error) {
	cfg, err := apacheconf.Load(ctx, fsys, file, opts)
	if cfg == nil {
		return nil, err
	}
	list := oracle.AsList(err)
	_, verrs, _ := oracle.Validate(cfg.Loaded.Body, oracle.ValidateOptions{FS: fsys, ServerRoot: cfg.Loaded.ServerRoot, ReadFailed: len(list) > 0})
	return append(list, verrs...), nil
}

// overlayFS shows files over a base file system: the edited
// configuration before it is written.
type overlayFS struct {
	base  fs.FS
	files fstest.MapFS
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if _, ok := o.files[name]; ok {
		return o.files.Open(name)
	}
	return o.base.Open(name)
}

func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	ents, err := fs.ReadDir(o.base, name)
	byName := map[string]fs.DirEntry{}
	for _, e := range ents {
		byName[e.Name()] = e
	}
	added := false
	for p := range o.files {
		if path.Dir(p) == name || name == "." && !strings.Contains(p, "/") {
			if _, ok := byName[path.Base(p)]; !ok {
				info, _ := fs.Stat(o.files, p)
				byName[path.Base(p)] = fs.FileInfoToDirEntry(info)
				added = true
			}
		}
	}
	if err != nil && !added {
		return nil, err
	}
	out := make([]fs.DirEntry, 0, len(byName))
	for _, e := range byName {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}
