package scope

import (
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apacheconf/apacheconf/ast"
)

// FileCheck is what httpd finds on the file system at start-up; see
// Server.CheckFiles.
type FileCheck struct {
	// Errors stop httpd; Warnings are logged.
	Errors, Warnings []Problem

	s            *Server
	fsys         fs.FS
	serverRoot   string
	dirs         map[string]bool // paths known to be (or not be) directories
	logLines     []logLine
	mainErrorLog bool
}

type logLine struct {
	v     *VirtualHost
	d     *ast.Directive
	error bool // ErrorLog; else CustomLog or TransferLog
}

// CheckFiles reports what httpd checks on the file system while reading
// the configuration, which apache2 -t does too: the LoadModule files
// (mod_so; also a module compiled in, or loaded twice), a
// DefaultRuntimeDir that is not a directory, the main server's
// DocumentRoot (a virtual host's only warns). FileCheck.LogDirs is what
// the check_config hooks find after a clean read. Relative paths are
// taken from serverRoot; fsys is rooted at "/". When fsys is a DirStatFS,
// it is asked about the DocumentRoots instead of a stat of each.
func (s *Server) CheckFiles(fsys fs.FS, serverRoot string) *FileCheck {
	fc := &FileCheck{s: s, fsys: fsys, serverRoot: serverRoot}
	// Every virtual host has a DocumentRoot to look at: stat them side by
	// side first (thousands of log files share a directory: the cache
	// serves those).
	var roots []string
	for _, v := range append([]*VirtualHost{s.Main}, s.VHosts...) {
		for _, n := range v.Body {
			if d, ok := n.(*ast.Directive); ok && len(d.Args) == 1 && isDocumentRoot(d) {
				roots = append(roots, fc.abs(d.Args[0].Value))
			}
		}
	}
	fc.dirs = statDirs(fsys, roots)
	fail := func(list *[]Problem, d *ast.Directive, msg string) {
		*list = append(*list, newProblem(d.Pos(), msg))
	}
	var loaded []string
	// Sized once for an ErrorLog and a CustomLog in each server (grown
	// by doubling, thousands leave as much again behind).
	fc.logLines = make([]logLine, 0, 2*(len(s.VHosts)+1))
	for _, v := range append([]*VirtualHost{s.Main}, s.VHosts...) {
		for _, n := range v.Body {
			d, ok := n.(*ast.Directive)
			if !ok {
				continue
			}
			if isDocumentRoot(d) {
				if len(d.Args) != 1 || fc.isDir(fc.abs(d.Args[0].Value)) {
					continue
				}
				if v == s.Main {
					fail(&fc.Errors, d, "DocumentRoot '"+fc.abs(d.Args[0].Value)+"' is not a directory, or is not readable")
				} else {
					fail(&fc.Warnings, d, "Warning: DocumentRoot ["+fc.abs(d.Args[0].Value)+"] does not exist")
				}
				continue
			}
			switch d.Canonical() {
			case "loadmodule":
				if len(d.Args) != 2 {
					continue
				}
				name, file := d.Args[0].Value, fc.abs(d.Args[1].Value)
				switch {
				case slices.Contains(loaded, name):
					fail(&fc.Warnings, d, "module "+name+" is already loaded, skipping")
				case slices.Contains(builtinModules, name):
					fail(&fc.Errors, d, "module "+name+" is built-in and can't be loaded")
				default:
					if info, err := fs.Stat(fsys, FSPath(file)); err != nil || info.IsDir() {
						fail(&fc.Errors, d, "Cannot load "+file+" into server: "+file+": cannot open shared object file: No such file or directory")
					}
					loaded = append(loaded, name)
				}
			case "defaultruntimedir":
				if len(d.Args) == 1 && !fc.isDir(fc.abs(d.Args[0].Value)) {
					fail(&fc.Errors, d, "DefaultRuntimeDir must be a valid directory, absolute or relative to ServerRoot")
				}
			case "errorlog":
				fc.mainErrorLog = fc.mainErrorLog || v == s.Main
				fc.logLines = append(fc.logLines, logLine{v, d, true})
			case "customlog", "transferlog":
				fc.logLines = append(fc.logLines, logLine{v, d, false})
			}
		}
	}
	return fc
}

// LogDirs reports the ErrorLog, CustomLog and TransferLog files whose
// directory does not exist (with DEFAULT_ERRORLOG, logs/error_log, when
// the main server names none). httpd looks only after a clean read.
func (fc *FileCheck) LogDirs() []Problem {
	var out []Problem
	for _, l := range fc.logLines {
		if len(l.d.Args) == 0 {
			continue
		}
		name := l.d.Args[0].Value
		if strings.HasPrefix(name, "|") || l.error && (name == "syslog" || strings.HasPrefix(name, "syslog:")) {
			continue
		}
		dir := parent(fc.abs(name))
		if fc.isDir(dir) {
			continue
		}
		msg := "Cannot access directory '" + dir + "' for log file '" + name + "' defined at " + l.d.Pos().Filename + ":" + strconv.Itoa(l.d.Pos().Line)
		if l.error {
			msg = "Cannot access directory '" + dir + "' for main error log"
			if l.v != fc.s.Main {
				msg = "Cannot access directory '" + dir + "' for error log of vhost defined at " + l.v.Section.Pos().Filename + ":" + strconv.Itoa(l.v.Section.Pos().Line)
			}
		}
		out = append(out, newProblem(l.d.Pos(), msg))
	}
	if !fc.mainErrorLog {
		// DEFAULT_ERRORLOG of Debian's build (apache2 -V).
		if dir := parent(fc.abs("logs/error_log")); !fc.isDir(dir) {
			out = append(out, newProblem(ast.Position{}, "Cannot access directory '"+dir+"' for main error log"))
		}
	}
	return out
}

// abs is ap_server_root_relative.
func (fc *FileCheck) abs(p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(fc.serverRoot, p)
}

func (fc *FileCheck) isDir(p string) bool {
	ok, seen := fc.dirs[p]
	if !seen {
		info, err := fs.Stat(fc.fsys, FSPath(p))
		ok = err == nil && info.IsDir()
		fc.dirs[p] = ok
	}
	return ok
}

// parent is ap_make_dirstr_parent: the path up to and including its
// last '/'.
func parent(p string) string { return p[:strings.LastIndexByte(p, '/')+1] }

// DirStatFS is a file system that can tell whether a path is a directory
// from what it already read: a cache of directory listings knows each
// directory it listed without a stat (lint's .htaccess searches list
// every DocumentRoot; CheckFiles asks about the same thousands).
type DirStatFS interface {
	fs.FS
	// IsDir reports whether name (an io/fs path) is a directory, as
	// fs.Stat(fsys, name) would find it.
	IsDir(name string) bool
}

// statDirs tells which of paths are directories, asking fsys from a few
// goroutines at once (a stat is a system call).
func statDirs(fsys fs.FS, paths []string) map[string]bool {
	isDir := make([]bool, len(paths))
	ds, _ := fsys.(DirStatFS)
	workers := min(len(paths), 2*runtime.GOMAXPROCS(0))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(paths); i = int(next.Add(1) - 1) {
				if ds != nil {
					isDir[i] = ds.IsDir(FSPath(paths[i]))
					continue
				}
				info, err := fs.Stat(fsys, FSPath(paths[i]))
				isDir[i] = err == nil && info.IsDir()
			}
		}()
	}
	wg.Wait()
	out := make(map[string]bool, len(paths))
	for i, p := range paths {
		out[p] = isDir[i]
	}
	return out
}
