package scope

import (
	"io/fs"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

// EffectiveAt is the configuration in force for a directory of a server
// without a request: the server's own configuration, the <Directory>
// sections that match the path (shortest first, then regex ones) and,
// when fsys is given, the .htaccess files along the way. Location, Files
// and If sections need a request and are not merged; the directory is
// assumed to exist.
func (s *Server) EffectiveAt(v *VirtualHost, dir string, fsys fs.FS) *Result {
	if v == nil {
		v = s.Main
	}
	w := newWalker(s, v, fsys, true)
	w.serverConfig()
	w.accessName = accessFileName(w.res.conf)
	dir = strings.TrimSuffix(dir, "/") + "/"
	w.directoryWalk(dir)
	r := &Result{Server: v, Filename: w.res.filename, Exists: true, IsDir: true, Steps: w.res.steps,
		Problems: w.res.problems, conf: w.res.conf}
	r.Options = w.res.conf.core.opts &^ optUnset
	r.Env = envList(w.res.conf)
	return r
}

// AllowOverride returns the override classes (Or* bits) in force and the
// directive that set them (nil for the default, None).
func (r *Result) AllowOverride() (int, *ast.Directive) {
	if r.conf == nil {
		return 0, nil
	}
	return r.conf.core.override &^ orUnset, r.conf.core.overrideBy
}

// AllowOverrideList returns the directive names AllowOverrideList admits
// in .htaccess (lower case).
func (r *Result) AllowOverrideList() []string {
	if r.conf == nil {
		return nil
	}
	var out []string
	for k := range r.conf.core.overrideList {
		out = append(out, k)
	}
	return out
}

// DirectorySections lists every <Directory> and <DirectoryMatch> of a
// server (the main server's and its own), in httpd's merge order. The
// list is made once per server and shared (lint's rules ask for it per
// server, ten of them): callers must not change it.
func (s *Server) DirectorySections(v *VirtualHost) []*ast.Section {
	v.dirSections.once.Do(func() {
		secs := s.directorySectionOrder(v)
		v.dirSections.secs = secs[:len(secs):len(secs)] // an append copies
	})
	return v.dirSections.secs
}
