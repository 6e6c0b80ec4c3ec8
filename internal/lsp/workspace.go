package lsp

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/apacheconf/apacheconf"
	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/lint/report"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

// Settings are the server's initializationOptions (all optional):
//
//	{"mainFile": "/etc/apache2/apache2.conf", "serverRoot": "/etc/apache2",
//	 "defines": ["SSL"], "chroot": "/", "config": ".apacheconf.yaml"}
type Settings struct {
	// MainFile is the configuration every file belongs to; by default a
	// file's is the nearest apache2.conf or httpd.conf (or conf/httpd.conf)
	// in its directory or above, or the "main" key of the nearest
	// .apacheconf.yaml.
	MainFile string `json:"mainFile"`
	// ServerRoot resolves relative paths (default: the main file's
	// directory, the parent of conf/ for conf/httpd.conf).
	ServerRoot string `json:"serverRoot"`
	// Defines are apache2 -D names.
	Defines []string `json:"defines"`
	// Chroot is the directory the configuration's absolute paths
	// (DocumentRoot, <Directory>, .htaccess) are looked up under, as
	// apacheconf lint --chroot (default "/").
	Chroot string `json:"chroot"`
	// Config is the lint configuration file (default: the nearest
	// .apacheconf.yaml above the main file).
	Config string `json:"config"`
}

// tree is one configuration: a main file and everything it includes.
type tree struct {
	main, root string // absolute paths
	// alone: no main file reads this one (none found above it, or the
	// one found does not include it); it is checked by itself.
	alone  bool
	cfg    lint.Config
	cfgErr error

	snap *snapshot // latest analysis; nil before the first
	// flat are the files spliced, whose version in the tree holds no
	// structural directive (worker goroutine only).
	flat map[string]bool
	// lintTime is how long the rules took over the whole tree last time:
	// above quickAbove, edits get a quick first answer.
	lintTime time.Duration
}

// quickAbove is the full run's duration from which an edit is first
// answered by quick.
const quickAbove = 100 * time.Millisecond

// snapshot is one analysis of a tree.
type snapshot struct {
	tree   *tree
	loaded *parser.Loaded // Files, ServerRoot, Vars of the last full load
	body   []ast.Node     // loaded.Body with the edited files spliced in
	errs   parser.ErrorList
	prog   *lint.Program
	diags  map[string][]lint.Diagnostic // by file as the configuration names it
	files  map[string]bool              // configuration files read, and .htaccess files
	// incremental: this snapshot re-parsed only the edited files.
	incremental bool
}

// includes reports whether the tree reads the file (an abs path).
func (s *snapshot) includes(file string) bool { return s != nil && s.files[file] }

// workspace holds the trees, the open documents and the settings.
type workspace struct {
	fs       *overlay
	settings Settings
	rootDir  string // the editor's workspace folder, "" if none

	mu    sync.Mutex
	trees map[string]*tree // by main file
	open  map[string]bool  // open documents by abs path
}

func newWorkspace(disk fs.FS) *workspace {
	return &workspace{fs: newOverlay(disk), trees: map[string]*tree{}, open: map[string]bool{}}
}

// treeFor returns the tree a file belongs to, making it (unloaded) when
// there is none yet.
func (w *workspace) treeFor(file string) *tree {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, t := range w.trees {
		if t.main == file || t.snap.includes(file) {
			return t
		}
	}
	main, root := w.mainFor(w.onDisk(file))
	if t, ok := w.trees[main]; ok {
		// A .htaccess stays with the tree found: it is no configuration
		// of its own.
		if t.snap == nil || t.snap.includes(file) || isHTAccess(file) {
			return t
		}
		// The main file found does not read this one: lint it alone.
		main, root = file, filepath.Dir(file)
		if t, ok := w.trees[main]; ok {
			return t
		}
	}
	t := &tree{main: main, root: root, alone: main == file && !isMainName(file)}
	t.cfg, t.cfgErr = w.lintConfig(filepath.Dir(main))
	w.trees[main] = t
	return t
}

// alone makes (or finds) the tree of a file its main file does not read.
func (w *workspace) alone(file string) *tree {
	w.mu.Lock()
	defer w.mu.Unlock()
	if t, ok := w.trees[file]; ok {
		return t
	}
	t := &tree{main: file, root: filepath.Dir(file), alone: true}
	t.cfg, t.cfgErr = w.lintConfig(filepath.Dir(file))
	w.trees[file] = t
	return t
}

// mainNames are the names a main configuration file has.
var mainNames = []string{"apache2.conf", "httpd.conf", "conf/httpd.conf"}

func isMainName(file string) bool {
	return filepath.Base(file) == "apache2.conf" || filepath.Base(file) == "httpd.conf"
}

// mainFor finds the main file and ServerRoot for a file.
func (w *workspace) mainFor(file string) (main, root string) {
	defer func() {
		if w.settings.ServerRoot != "" {
			root = w.abs(w.settings.ServerRoot)
		}
	}()
	if w.settings.MainFile != "" {
		main = w.abs(w.settings.MainFile)
		return main, serverRootOf(main)
	}
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		for _, name := range mainNames {
			p := filepath.Join(dir, name)
			if info, err := fs.Stat(w.fs, scope.FSPath(p)); err == nil && !info.IsDir() {
				return p, serverRootOf(p)
			}
		}
		if m := projectMain(w.fs, dir); m != "" {
			return m, serverRootOf(m)
		}
		if dir == filepath.Dir(dir) || dir == w.rootDir {
			break
		}
	}
	return file, filepath.Dir(file)
}

// serverRootOf is the ServerRoot a main file implies: its directory, or
// the parent of conf/ (httpd's own layout).
func serverRootOf(main string) string {
	dir := filepath.Dir(main)
	if filepath.Base(dir) == "conf" && filepath.Base(main) == "httpd.conf" {
		return filepath.Dir(dir)
	}
	return dir
}

func (w *workspace) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	base := w.rootDir
	if base == "" {
		base, _ = os.Getwd()
	}
	return filepath.Join(base, p)
}

// projectMain reads the "main" key of dir/.apacheconf.yaml.
func projectMain(fsys fs.FS, dir string) string {
	src, err := fs.ReadFile(fsys, scope.FSPath(filepath.Join(dir, ".apacheconf.yaml")))
	if err != nil {
		return ""
	}
	var v struct {
		Main string `yaml:"main"`
	}
	if yaml.Unmarshal(src, &v) != nil || v.Main == "" {
		return ""
	}
	if !filepath.IsAbs(v.Main) {
		return filepath.Join(dir, v.Main)
	}
	return v.Main
}

// lintConfig reads the lint configuration: Settings.Config, else the
// nearest .apacheconf.yaml at or above dir.
func (w *workspace) lintConfig(dir string) (lint.Config, error) {
	path := ""
	if w.settings.Config != "" {
		path = w.abs(w.settings.Config)
	} else {
		for d := dir; ; d = filepath.Dir(d) {
			p := filepath.Join(d, ".apacheconf.yaml")
			if _, err := fs.Stat(w.fs, scope.FSPath(p)); err == nil {
				path = p
				break
			}
			if d == filepath.Dir(d) {
				break
			}
		}
	}
	if path == "" {
		return lint.Config{}, nil
	}
	src, err := fs.ReadFile(w.fs, scope.FSPath(path))
	if err != nil {
		return lint.Config{}, err
	}
	return report.ParseConfig(path, src) // it accepts main:
}

// env is ${VAR}'s fallback for a tree: Debian's ServerRoot/envvars, as
// apache2ctl sources it before starting apache2, then the environment.
func (w *workspace) env(t *tree) func(string) (string, bool) {
	file := filepath.Join(t.root, "envvars")
	if _, err := fs.Stat(w.fs, scope.FSPath(file)); err != nil {
		return os.LookupEnv
	}
	vars, err := apacheconf.ReadEnvvars(w.fs, file, nil)
	if err != nil {
		return os.LookupEnv
	}
	return func(name string) (string, bool) {
		if v, ok := vars.Lookup(name); ok {
			return v, true
		}
		return os.LookupEnv(name)
	}
}

// loadOptions are the options of a full load.
func (w *workspace) loadOptions(t *tree) parser.LoadOptions {
	return parser.LoadOptions{
		ServerRoot: t.root,
		Defines:    append(slices.Clone(w.settings.Defines), t.cfg.Defines...),
		Env:        w.env(t),
		// Rules read no comment but the suppressions; the editor's
		// requests parse the file they are about themselves.
		SkipTrivia:  true,
		KeepComment: lint.IsSuppression,
	}
}

// programFS is the file system the configuration's absolute paths refer
// to (Settings.Chroot).
func (w *workspace) programFS() fs.FS {
	if w.settings.Chroot == "" || w.settings.Chroot == "/" {
		return w.fs
	}
	sub, err := fs.Sub(w.fs, scope.FSPath(w.abs(w.settings.Chroot)))
	if err != nil {
		return w.fs
	}
	return sub
}

// onDisk maps a file the configuration names (a .htaccess under the
// chroot) to the path the editor knows it by.
func (w *workspace) onDisk(name string) string {
	if w.settings.Chroot == "" || w.settings.Chroot == "/" || !filepath.IsAbs(name) {
		return name
	}
	if _, err := fs.Stat(w.fs, scope.FSPath(name)); err == nil {
		return name
	}
	return filepath.Join(w.abs(w.settings.Chroot), name)
}

// inConfig is onDisk's inverse: the name the configuration uses for a
// file the editor opened.
func (w *workspace) inConfig(file string) string {
	if w.settings.Chroot == "" || w.settings.Chroot == "/" {
		return file
	}
	root := w.abs(w.settings.Chroot)
	if rel, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(rel, "..") {
		if _, err := fs.Stat(w.fs, scope.FSPath(file)); err == nil && filepath.Base(file) != ".htaccess" {
			return file
		}
		return "/" + filepath.ToSlash(rel)
	}
	return file
}

// prepare brings a tree's loaded configuration up to date with the
// edited files: a file the tree reads once, holding nothing that
// changes how other files read (Define, Macro, Use, LoadModule,
// ServerRoot, Include …), is re-parsed alone and spliced into the
// loaded tree; anything else reloads the tree. lint then runs the rules
// over the whole tree, which is what depends on any file.
func (w *workspace) prepare(t *tree, changed []string) *snapshot {
	old := t.snap
	var s *snapshot
	if old != nil && len(changed) > 0 {
		s = w.incremental(old, changed)
	}
	if s == nil {
		w.fs.forget()
		t.flat = nil
		s = w.full(t)
	}
	return s
}

// analyze is prepare and lint.
func (w *workspace) analyze(t *tree, changed []string) *snapshot {
	s := w.prepare(t, changed)
	w.lint(s)
	return s
}

// crossServer are the rules whose findings in one file depend on the
// virtual hosts of other files (names, addresses, daemon groups shared
// by ServerName): quick leaves them to the full run, where a partial
// tree could report what is not so.
var crossServer = map[string]bool{
	lint.DuplicateServerName.ID: true, lint.VHostUnreachable.ID: true, lint.ListenWithoutVHost.ID: true,
	lint.WSGIDuplicateGroup.ID: true, lint.WSGIUndefinedGroup.ID: true, lint.WSGIRestrictUnselectable.ID: true,
	lint.WSGIEnvGroupSelection.ID: true, lint.WSGIRestrictedGroup.ID: true,
}

// quick lints the edited files in a tree without the other files'
// virtual hosts: the global configuration (modules, Listen, <Directory>
// sections, groups) stays, the edited files' servers are checked in it.
// On the 10k-vhost tree this answers in a few milliseconds where the
// full run takes half a second; the full run follows and completes it
// with the rules in crossServer.
func (w *workspace) quick(s *snapshot, files []string) map[string][]lint.Diagnostic {
	edited := map[string]bool{}
	for _, f := range files {
		edited[f] = true
	}
	body := make([]ast.Node, 0, 64)
	for _, n := range s.body {
		if sec, ok := n.(*ast.Section); ok && sec.Is("VirtualHost") && !edited[sec.Pos().Filename] {
			continue
		}
		body = append(body, n)
	}
	var analyzers []*lint.Analyzer
	for _, a := range lint.Analyzers() {
		if !crossServer[a.ID] {
			analyzers = append(analyzers, a)
		}
	}
	prog := lint.NewProgram(body, s.errs.Err(), lint.ProgramOptions{FS: w.programFS()})
	out := map[string][]lint.Diagnostic{}
	for _, d := range lint.Run(prog, analyzers, s.tree.cfg) {
		if edited[d.Pos.Filename] {
			out[d.Pos.Filename] = append(out[d.Pos.Filename], d)
		}
	}
	for _, f := range files {
		if out[f] == nil {
			out[f] = []lint.Diagnostic{}
		}
	}
	return out
}

func (w *workspace) full(t *tree) *snapshot {
	if isHTAccess(t.main) {
		return &snapshot{tree: t, loaded: &parser.Loaded{ServerRoot: t.root}}
	}
	loaded, err := parser.Load(w.fs, t.main, w.loadOptions(t))
	s := &snapshot{tree: t, loaded: loaded}
	var list parser.ErrorList
	if err != nil && !errors.As(err, &list) {
		list = parser.ErrorList{{Pos: ast.Position{Filename: t.main}, Msg: err.Error()}}
	}
	s.errs = list
	if loaded != nil {
		s.body = loaded.Body
	} else {
		s.loaded = &parser.Loaded{ServerRoot: t.root}
	}
	return s
}

// incremental re-parses the changed files into old's tree, or returns
// nil when one of them needs a full reload.
func (w *workspace) incremental(old *snapshot, changed []string) *snapshot {
	s := &snapshot{tree: old.tree, loaded: old.loaded, body: old.body, errs: old.errs, incremental: true}
	for _, file := range changed {
		if file == old.tree.main {
			return nil
		}
		n := 0
		for _, f := range old.loaded.Files {
			if f.Path == file {
				n++
			}
		}
		switch {
		case n == 0 && old.files[file]:
			continue // a .htaccess: the rules read it again through the overlay
		case n != 1:
			return nil
		}
		if !w.splice(s, file) {
			return nil
		}
	}
	return s
}

// structural are the directives whose effect reaches beyond their file,
// or that make a file read others: a file holding one is not spliced.
var structural = map[string]bool{
	"define": true, "undefine": true, "macro": true, "undefmacro": true, "use": true,
	"loadmodule": true, "serverroot": true, "include": true, "includeoptional": true,
	"<macro": true,
}

func hasStructural(f *ast.File) bool {
	found := false
	ast.Walk(f.Body, func(n ast.Node, _ []*ast.Section) bool {
		switch n := n.(type) {
		case *ast.Directive:
			found = found || structural[n.Canonical()]
		case *ast.Section:
			found = found || structural["<"+n.Canonical()]
		}
		return !found
	})
	return found
}

// splice replaces the nodes one file contributed to the top level of
// s.body with the file's current content, loaded as the main loader
// would have (the tree's defines, variables and the modules loaded
// before it).
func (w *workspace) splice(s *snapshot, file string) bool {
	src, err := w.fs.ReadFile(scope.FSPath(file))
	if err != nil {
		return false
	}
	// Directives only: the check needs no comments.
	flatParse := parser.Config{SkipTrivia: true}
	f, _ := flatParse.ParseFile(file, src)
	if f == nil || hasStructural(f) {
		return false
	}
	// The version in the tree must have been flat too (a Define removed
	// changes other files): known for a version spliced before, else
	// it is the one on disk.
	if !s.tree.flat[file] {
		if prev, err := fs.ReadFile(w.fs.disk, scope.FSPath(file)); err == nil {
			if pf, _ := flatParse.ParseFile(file, prev); pf == nil || hasStructural(pf) {
				return false
			}
		}
	}
	first, last := -1, -1
	for i, n := range s.body {
		if n.Pos().Filename == file {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return false // nothing of it at the top level (empty, or inside a section)
	}
	for _, n := range s.body[first : last+1] {
		if n.Pos().Filename != file {
			return false
		}
	}
	modules := map[string]bool{}
	for _, m := range parser.BuiltinModules {
		modules[m] = true
	}
	for _, n := range s.body[:first] {
		if d, ok := n.(*ast.Directive); ok && d.Is("LoadModule") && len(d.Args) == 2 {
			modules[d.Args[0].Value] = true
			modules[parser.ModuleSource(d.Args[0].Value)] = true
		}
	}
	var defines []string
	for name := range s.loaded.Defines {
		defines = append(defines, name)
	}
	sort.Strings(defines)
	vars, env := s.loaded.Vars, w.env(s.tree)
	sub, err := parser.Load(w.fs, file, parser.LoadOptions{
		ServerRoot: s.loaded.ServerRoot,
		Defines:    defines,
		Env: func(name string) (string, bool) {
			if v, ok := vars[strings.ToLower(name)]; ok {
				return v, true
			}
			return env(name)
		},
		Modules:     modules,
		SkipTrivia:  true,
		KeepComment: lint.IsSuppression,
	})
	var list parser.ErrorList
	if err != nil && !errors.As(err, &list) || sub == nil {
		return false
	}
	body := make([]ast.Node, 0, len(s.body)-(last+1-first)+len(sub.Body))
	body = append(body, s.body[:first]...)
	body = append(body, sub.Body...)
	s.body = append(body, s.body[last+1:]...)
	var errs parser.ErrorList
	for _, e := range s.errs {
		if e.Pos.Filename != file {
			errs = append(errs, e)
		}
	}
	s.errs = append(errs, list...)
	if s.tree.flat == nil {
		s.tree.flat = map[string]bool{}
	}
	s.tree.flat[file] = true
	return true
}

// wholeServer are the rules about a whole server, off for a file
// checked alone.
var wholeServer = map[string]bool{
	lint.MissingServerName.ID: true, lint.ListenWithoutVHost.ID: true, lint.VHostNotListening.ID: true,
}

// lint runs the rules over a snapshot.
func (w *workspace) lint(s *snapshot) {
	if isHTAccess(s.tree.main) {
		// A .htaccess no configuration reads: nothing says which
		// AllowOverride applies, so it is not checked.
		s.prog = lint.NewProgram(nil, nil, lint.ProgramOptions{})
		s.diags, s.files = map[string][]lint.Diagnostic{}, map[string]bool{s.tree.main: true}
		return
	}
	s.prog = lint.NewProgram(s.body, s.errs.Err(), lint.ProgramOptions{FS: w.programFS()})
	analyzers := lint.Analyzers()
	if s.tree.alone {
		analyzers = slices.DeleteFunc(analyzers, func(a *lint.Analyzer) bool { return wholeServer[a.ID] })
	}
	ds := lint.Run(s.prog, analyzers, s.tree.cfg)
	if s.tree.alone {
		ds = append(ds, lint.Diagnostic{
			Pos:      ast.Position{Filename: s.tree.main, Line: 1, Column: 1},
			End:      ast.Position{Filename: s.tree.main, Line: 1, Column: 1},
			Severity: lint.Info,
			Message:  "no apache2.conf or httpd.conf above this file includes it: it is checked alone, without the rules about a whole server (" + strings.Join(slices.Sorted(maps.Keys(wholeServer)), ", ") + "); name the main file in .apacheconf.yaml (main: …) or the client's initializationOptions (mainFile)",
		})
	}
	if s.tree.cfgErr != nil {
		ds = append(ds, lint.Diagnostic{
			Pos: ast.Position{Filename: s.tree.main, Line: 1, Column: 1}, End: ast.Position{Filename: s.tree.main, Line: 1, Column: 1},
			Severity: lint.Error, Message: "lint configuration not used: " + s.tree.cfgErr.Error(),
		})
	}
	s.diags = map[string][]lint.Diagnostic{}
	for _, d := range ds {
		s.diags[d.Pos.Filename] = append(s.diags[d.Pos.Filename], d)
	}
	s.files = map[string]bool{s.tree.main: true}
	for _, f := range s.loaded.Files {
		s.files[f.Path] = true
	}
	for _, h := range s.prog.HTAccessFiles() {
		s.files[h.File.Name] = true
	}
}

// chain is the Include chain of a file, innermost first: the file and
// line of each Include that read it.
func (s *snapshot) chain(file string) []ast.Position {
	files := s.loaded.Files
	k := slices.IndexFunc(files, func(f parser.IncludedFile) bool { return f.Path == file })
	if k < 0 {
		return nil
	}
	var out []ast.Position
	for depth, line := files[k].Depth, files[k].Line; depth > 0; {
		j := k - 1
		for j >= 0 && files[j].Depth != depth-1 {
			j--
		}
		if j < 0 {
			break
		}
		out = append(out, ast.Position{Filename: files[j].Path, Line: line, Column: 1})
		k, depth, line = j, files[j].Depth, files[j].Line
	}
	return out
}
