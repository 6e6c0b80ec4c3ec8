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

// CheckFiles reports what httpd checks on the file system while reading
// the configuration, which apache2 -t does too: the LoadModule files
// (mod_so; also a module compiled in, or loaded twice), a
// DefaultRuntimeDir that is not a directory, the main server's
// DocumentRoot (a virtual host's only warns). With logs set, it also
// reports what the check_config hooks find after a clean read: the
// directories of the ErrorLog, CustomLog and TransferLog files. Relative
// paths are taken from serverRoot; fsys is rooted at "/". Errors stop
// httpd; warnings are logged.
func (s *Server) CheckFiles(fsys fs.FS, serverRoot string, logs bool) (errs, warnings []Problem) {
	abs := func(p string) string {
		if path.IsAbs(p) {
			return path.Clean(p)
		}
		return path.Join(serverRoot, p)
	}
	// Every virtual host has a DocumentRoot to look at: stat them side by
	// side first (thousands of log files share a directory: the cache
	// serves those).
	var roots []string
	for _, v := range append([]*VirtualHost{s.Main}, s.VHosts...) {
		for _, n := range v.Body {
			if d, ok := n.(*ast.Directive); ok && len(d.Args) == 1 && d.Is("DocumentRoot") {
				roots = append(roots, abs(d.Args[0].Value))
			}
		}
	}
	dirs := statDirs(fsys, roots)
	isDir := func(p string) bool {
		ok, seen := dirs[p]
		if !seen {
			info, err := fs.Stat(fsys, FSPath(p))
			ok = err == nil && info.IsDir()
			dirs[p] = ok
		}
		return ok
	}
	// ap_make_dirstr_parent: the path up to and including its last '/'.
	parent := func(p string) string { return p[:strings.LastIndexByte(p, '/')+1] }
	fail := func(list *[]Problem, d *ast.Directive, msg string) {
		*list = append(*list, Problem{Pos: d.Position, Msg: msg})
	}
	checkLog := func(v *VirtualHost, d *ast.Directive, kind string) {
		if len(d.Args) == 0 {
			return
		}
		name := d.Args[0].Value
		if strings.HasPrefix(name, "|") || kind == "error" && (name == "syslog" || strings.HasPrefix(name, "syslog:")) {
			return
		}
		dir := parent(abs(name))
		if isDir(dir) {
			return
		}
		switch kind {
		case "error":
			what := "main error log"
			if v != s.Main {
				what = "error log of vhost defined at " + v.Section.Position.Filename + ":" + strconv.Itoa(v.Section.Position.Line)
			}
			fail(&errs, d, "Cannot access directory '"+dir+"' for "+what)
		default:
			fail(&errs, d, "Cannot access directory '"+dir+"' for log file '"+name+"' defined at "+d.Position.Filename+":"+strconv.Itoa(d.Position.Line))
		}
	}

	type logLine struct {
		v    *VirtualHost
		d    *ast.Directive
		kind string
	}
	var logLines []logLine // checked after a clean read, as check_config does
	var loaded []string
	mainErrorLog := false
	for _, v := range append([]*VirtualHost{s.Main}, s.VHosts...) {
		for _, n := range v.Body {
			d, ok := n.(*ast.Directive)
			if !ok {
				continue
			}
			switch d.Canonical() {
			case "loadmodule":
				if len(d.Args) != 2 {
					continue
				}
				name, file := d.Args[0].Value, abs(d.Args[1].Value)
				switch {
				case slices.Contains(loaded, name):
					fail(&warnings, d, "module "+name+" is already loaded, skipping")
				case slices.Contains(builtinModules, name):
					fail(&errs, d, "module "+name+" is built-in and can't be loaded")
				default:
					if info, err := fs.Stat(fsys, FSPath(file)); err != nil || info.IsDir() {
						fail(&errs, d, "Cannot load "+file+" into server: "+file+": cannot open shared object file: No such file or directory")
					}
					loaded = append(loaded, name)
				}
			case "defaultruntimedir":
				if len(d.Args) == 1 && !isDir(abs(d.Args[0].Value)) {
					fail(&errs, d, "DefaultRuntimeDir must be a valid directory, absolute or relative to ServerRoot")
				}
			case "documentroot":
				if len(d.Args) != 1 || isDir(abs(d.Args[0].Value)) {
					continue
				}
				if v == s.Main {
					fail(&errs, d, "DocumentRoot '"+abs(d.Args[0].Value)+"' is not a directory, or is not readable")
				} else {
					fail(&warnings, d, "Warning: DocumentRoot ["+abs(d.Args[0].Value)+"] does not exist")
				}
			case "errorlog":
				mainErrorLog = mainErrorLog || v == s.Main
				logLines = append(logLines, logLine{v, d, "error"})
			case "customlog", "transferlog":
				logLines = append(logLines, logLine{v, d, "log"})
			}
		}
	}
	if !logs || len(errs) > 0 {
		return errs, warnings
	}
	for _, l := range logLines {
		checkLog(l.v, l.d, l.kind)
	}
	if !mainErrorLog {
		// DEFAULT_ERRORLOG of Debian's build (apache2 -V).
		if dir := parent(abs("logs/error_log")); !isDir(dir) {
			errs = append(errs, Problem{Msg: "Cannot access directory '" + dir + "' for main error log"})
		}
	}
	return errs, warnings
}

// statDirs tells which of paths are directories, asking fsys from a few
// goroutines at once (a stat is a system call).
func statDirs(fsys fs.FS, paths []string) map[string]bool {
	isDir := make([]bool, len(paths))
	workers := min(len(paths), 2*runtime.GOMAXPROCS(0))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(paths); i = int(next.Add(1) - 1) {
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
