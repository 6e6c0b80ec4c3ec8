package scope

import (
	"github.com/apacheconf/apacheconf/internal/pcre"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// Step is one configuration merged into the request's, in httpd's order.
type Step struct {
	// Phase is "server" (main server), "vhost", "directory",
	// "directory-regex", "htaccess", "files", "location" or "if"; for
	// an internal redirect that makes another request of this one, the
	// phase that asked for it ("directoryindex").
	Phase string
	// Section is the section merged (nil for server-level bodies and
	// .htaccess files).
	Section *ast.Section
	// File is the .htaccess file merged, for Phase "htaccess".
	File string
	// Note explains a step that was considered but not merged, e.g. an
	// <If> whose condition cannot be decided without a live request.
	Note string
}

// dirSection is a <Directory>/<DirectoryMatch> with its sort keys
// (ap_core_reorder_directories).
type dirSection struct {
	sec        *ast.Section
	path       string // canonical, with trailing '/', or the regex
	re         *pcre.Regexp
	fnmatch    bool
	components int
	// conf is what the body sets, built at the first walk through it and
	// shared by every request (and virtual host, for the main server's
	// sections) after.
	conf atomic.Pointer[dirConfig]
}

// built returns the configuration the section's body sets.
func (d *dirSection) built() *dirConfig {
	if c := d.conf.Load(); c != nil {
		return c
	}
	c := buildConf(CtxDirectory, d.sec, d.dirPath(), d.sec.Body)
	if !d.conf.CompareAndSwap(nil, c) {
		c = d.conf.Load()
	}
	return c
}

// dirPath is the directory a non-regex section configures, for
// mod_rewrite's prefix stripping ("" for a regex).
func (d *dirSection) dirPath() string {
	if d.re != nil {
		return ""
	}
	return d.path
}

// sortDirSections lists the <Directory> sections of a body in httpd's
// order (ap_core_reorder_directories): non-regex first, by slash count,
// keeping configuration order among equals.
func sortDirSections(body []ast.Node) []*dirSection {
	var out []*dirSection
	for _, n := range body {
		sec, ok := n.(*ast.Section)
		if !ok {
			continue
		}
		switch sec.Canonical() {
		case "directory", "directorymatch":
			out = append(out, newDirSection(sec))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return dirBefore(out[i], out[j]) })
	return out
}

// dirBefore is the reordering's comparison.
func dirBefore(a, b *dirSection) bool {
	if (a.re == nil) != (b.re == nil) {
		return a.re == nil
	}
	return a.components < b.components
}

// mergeDirSections is the order of the main server's sections and a
// virtual host's together (apr_array_append in merge_core_server_configs,
// then the stable sort): both already sorted, the main server's first
// among equals. main is shared when the virtual host has none.
func mergeDirSections(main, own []*dirSection) []*dirSection {
	if len(own) == 0 {
		return main
	}
	out := make([]*dirSection, 0, len(main)+len(own))
	i, j := 0, 0
	for i < len(main) && j < len(own) {
		if dirBefore(own[j], main[i]) {
			out = append(out, own[j])
			j++
		} else {
			out = append(out, main[i])
			i++
		}
	}
	out = append(out, main[i:]...)
	return append(out, own[j:]...)
}

func newDirSection(sec *ast.Section) *dirSection {
	vals := sec.Values()
	d := &dirSection{sec: sec}
	isRegex := sec.Is("DirectoryMatch")
	p := ""
	if len(vals) > 0 {
		p = vals[0]
	}
	if !isRegex && p == "~" && len(vals) > 1 {
		isRegex, p = true, vals[1]
	}
	if isRegex {
		d.path = p
		d.re, _ = pcre.Compile(p, false) // an invalid regex fails apache2 -t; it then matches nothing here
		if d.re == nil {
			d.re = pcre.MustCompile(`(?!)`)
		}
		return d
	}
	if p != "/" {
		// apr_filepath_merge: canonical, then a trailing slash.
		clean := path.Clean(p)
		if !strings.HasSuffix(clean, "/") {
			clean += "/"
		}
		p = clean
	}
	d.path = p
	d.fnmatch = strings.ContainsAny(p, "*?[")
	if p != "/" {
		d.components = strings.Count(p, "/")
	}
	return d
}

// walkResult is what map_to_storage, the location walk and the if walk
// leave behind.
type walkResult struct {
	conf     *dirConfig
	steps    []Step
	filename string // the walked file name (path info removed)
	pathInfo string
	fileType fileType
	problems []Problem // from .htaccess: httpd answers 500
	htaccess string    // the .htaccess that failed
}

type fileType int

const (
	noFile fileType = iota
	regFile
	dirFile
)

// walker carries what the walks need.
type walker struct {
	s     *Server
	v     *VirtualHost
	fsys  fs.FS
	table DirectiveTable
	res   *walkResult
	// accessName is AccessFileName (default .htaccess).
	accessName string
	// assumeDirs makes every path component a directory (EffectiveAt).
	assumeDirs bool
	// comp, when set, is the server's compiled data made for this walk
	// alone (OptionsAt), instead of the one the server keeps.
	comp   *compiled
	result walkResult // res points here
}

// compiled is the walked server's compiled data.
func (w *walker) compiled() *compiled {
	if w.comp != nil {
		return w.comp
	}
	return w.s.compiledFor(w.v)
}

// newWalker returns a walker for a request to v (assumeDirs: for
// EffectiveAt), its result in the same allocation.
func newWalker(s *Server, v *VirtualHost, fsys fs.FS, assumeDirs bool) *walker {
	w := &walker{s: s, v: v, fsys: fsys, accessName: ".htaccess", assumeDirs: assumeDirs}
	w.res = &w.result
	return w
}

func (w *walker) stat(abs string) fileType {
	if w.assumeDirs {
		return dirFile
	}
	if w.fsys == nil {
		return noFile
	}
	info, err := fs.Stat(w.fsys, FSPath(abs))
	switch {
	case err != nil:
		return noFile
	case strings.HasSuffix(abs, "/") && !info.IsDir():
		return noFile // stat("file/") fails with ENOTDIR
	case info.IsDir():
		return dirFile
	case info.Mode().IsRegular():
		return regFile
	}
	return noFile
}

func (w *walker) merge(step Step, c *dirConfig) {
	w.res.conf = merge(w.res.conf, c)
	w.res.steps = append(w.res.steps, step)
}

// serverConfig starts the request's configuration from the main
// server's and the vhost's own directives (lookup_defaults).
func (w *walker) serverConfig() {
	w.res.conf = w.compiled().base
	if w.res.steps == nil {
		w.res.steps = make([]Step, 0, 6) // the servers and a few sections
	}
	w.res.steps = append(w.res.steps, Step{Phase: "server"})
	if w.v != w.s.Main {
		w.res.steps = append(w.res.steps, Step{Phase: "vhost", Section: w.v.Section})
	}
}

// directoryWalk is ap_directory_walk for a file name from the mapping.
func (w *walker) directoryWalk(filename string) {
	secs := w.compiled().dirSecs
	full := w.stat(filename)
	cur := "/"
	// rest is what httpd keeps in r->path_info while walking: the part of
	// the name not yet walked, with its leading slash.
	rest := filename
	// A name without repeated slashes is walked by slicing it: cur is
	// then filename[:end] (no string is built per component).
	clean := strings.HasPrefix(filename, "/") && !strings.Contains(filename, "//")
	end := 1
	seg := 1
	idx := 0
	// With FollowSymLinks (and not SymLinksIfOwnerMatch) httpd skips the
	// per-component stat once the whole path is known to exist.
	trustAll := false
	ft := dirFile
	for {
		dirName := cur
		switch {
		case strings.HasSuffix(dirName, "/"):
		case clean && end < len(filename) && filename[end] == '/':
			dirName = filename[:end+1]
		default:
			dirName += "/"
		}
		for ; idx < len(secs); idx++ {
			d := secs[idx]
			if d.re != nil || d.components > seg {
				break
			}
			if d.components != 0 && (d.components < seg || !dirMatches(d, dirName)) {
				continue
			}
			w.merge(Step{Phase: "directory", Section: d.sec}, d.built())
		}
		c := w.res.conf
		if c.core.override&OrAll != 0 || len(c.core.overrideList) > 0 {
			if !w.htaccess(dirName) {
				return
			}
		}
		// Take the next component off rest.
		if clean {
			start := end
			for start < len(filename) && filename[start] == '/' {
				start++
			}
			if start == len(filename) {
				break
			}
			stop := len(filename)
			if i := strings.IndexByte(filename[start:], '/'); i >= 0 {
				stop = start + i
			}
			cur, rest, end = filename[:stop], filename[stop:], stop
		} else {
			trimmed := strings.TrimLeft(rest, "/")
			if trimmed == "" {
				break
			}
			comp, after, found := strings.Cut(trimmed, "/")
			rest = ""
			if found {
				rest = "/" + after
			}
			if cur == "/" {
				cur = "/" + comp
			} else {
				cur = cur + "/" + comp
			}
		}
		opts := w.res.conf.core.opts
		if full != noFile && opts&(OptSymOwner|OptFollowSymlink) == OptFollowSymlink {
			trustAll = true
		}
		if trustAll {
			seg++
			continue
		}
		ft = w.stat(cur)
		if ft != dirFile {
			break
		}
		seg++
	}
	if trustAll {
		ft = full
	}
	w.res.filename = cur
	w.res.pathInfo = rest
	if rest == "/" && ft == dirFile {
		w.res.pathInfo = "" // a trailing slash on a directory is no path info
	}
	w.res.fileType = ft
	for ; idx < len(secs); idx++ {
		d := secs[idx]
		if d.re == nil || !d.re.MatchString(w.res.filename) {
			continue
		}
		w.merge(Step{Phase: "directory-regex", Section: d.sec}, d.built())
	}
}

// dirMatches compares a walked directory ("/srv/www/") with a section.
func dirMatches(d *dirSection, dir string) bool {
	if d.fnmatch {
		ok, _ := path.Match(d.path, dir)
		return ok
	}
	return d.path == dir
}

// htaccess reads dir's access file, as ap_parse_htaccess does. It
// returns false when the file makes the request fail (500).
func (w *walker) htaccess(dir string) bool {
	if w.fsys == nil {
		return true
	}
	name := dir + w.accessName
	src, err := fs.ReadFile(w.fsys, FSPath(name))
	if err != nil {
		return true // absent (or a directory, or unreadable): httpd goes on
	}
	f, perr := parser.Config{HTAccess: true}.ParseFile(name, src)
	if perr != nil {
		for _, e := range perr.(parser.ErrorList) {
			w.res.problems = append(w.res.problems, Problem{*e})
		}
		w.res.htaccess = name
		return false
	}
	c := w.res.conf
	table := w.table
	if table == nil {
		table = registryTable{}
		if problems := w.checkHTAccess(f.Body, c.core.override&^orUnset, c.core.overrideList); len(problems) > 0 {
			w.res.problems = append(w.res.problems, problems...)
			w.res.htaccess = name
			return false
		}
	}
	a := &applier{ctx: CtxHTAccess, override: c.core.override &^ orUnset, overrideOpts: c.core.overrideOpts,
		overrideList: c.core.overrideList, table: table, cond: w.s.conditionHolds, dir: dir}
	built := a.build(f.Body)
	if len(a.problems) > 0 {
		w.res.problems = append(w.res.problems, a.problems...)
		w.res.htaccess = name
		return false
	}
	w.merge(Step{Phase: "htaccess", File: name}, built)
	return true
}

// fileWalk is ap_file_walk: the <Files> sections gathered so far, against
// the file's base name.
func (w *walker) fileWalk() {
	base := path.Base(w.res.filename)
	if strings.HasSuffix(w.res.filename, "/") {
		base = ""
	}
	for _, sec := range w.res.conf.core.files {
		if !filesMatches(sec, base) {
			continue
		}
		w.merge(Step{Phase: "files", Section: sec}, w.s.sectionConf(sec, CtxFiles))
	}
}

func filesMatches(sec *ast.Section, base string) bool {
	vals := sec.Values()
	if len(vals) == 0 {
		return false
	}
	pat, isRegex := vals[0], sec.Is("FilesMatch")
	if !isRegex && pat == "~" && len(vals) > 1 {
		pat, isRegex = vals[1], true
	}
	if isRegex {
		re, err := pcre.Compile(pat, false)
		return err == nil && re.MatchString(base)
	}
	if strings.ContainsAny(pat, "*?[") {
		ok, _ := path.Match(pat, base)
		return ok
	}
	return pat == base
}

// locationWalk is ap_location_walk: the main server's, then the vhost's
// <Location> sections, in configuration order, against the URI.
func (w *walker) locationWalk(uri string) {
	secs := w.compiled().locSecs
	for _, sec := range secs {
		if !locationMatches(sec, uri) {
			continue
		}
		w.merge(Step{Phase: "location", Section: sec}, w.s.sectionConf(sec, CtxLocation))
	}
}

func locationMatches(sec *ast.Section, uri string) bool {
	vals := sec.Values()
	if len(vals) == 0 {
		return false
	}
	pat, isRegex := vals[0], sec.Is("LocationMatch")
	if !isRegex && pat == "~" && len(vals) > 1 {
		pat, isRegex = vals[1], true
	}
	if isRegex {
		re, err := pcre.Compile(pat, false)
		return err == nil && re.MatchString(uri)
	}
	// <Location> compares with the URI's slashes merged, even under
	// MergeSlashes Off (ap_location_walk's entry_uri; conformance/cases/
	// core-encoded-slashes); <LocationMatch> sees the URI as it is.
	pat = mergeSlashes(pat)
	if strings.HasPrefix(uri, "/") {
		uri = mergeSlashes(uri)
	}
	if strings.ContainsAny(pat, "*?[") {
		ok, _ := path.Match(pat, uri)
		return ok
	}
	n := len(pat)
	if !strings.HasPrefix(uri, pat) {
		return false
	}
	return n == 0 || pat[n-1] == '/' || len(uri) == n || uri[n] == '/'
}

func mergeSlashes(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	return p
}
