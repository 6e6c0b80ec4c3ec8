package oracle

import (
	"errors"
	"io/fs"
	"os/user"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
)

// Validate runs on a loaded tree the checks apache2 -t makes after
// reading the files: virtual host addresses, each directive against the
// table of the modules loaded (with the checks handlers make of their
// arguments in their context), the modules' directive handlers over the
// whole tree (scope.CheckHandlers: the values they refuse), the
// expressions of <If> and Require expr (scope.CheckExprs), mod_wsgi's
// daemon definitions
// (accounts looked up on this machine), then, when opts.FS is set, the
// files httpd looks at (Server.CheckFiles, StartupChecks). It returns the
// server (nil if it could not be built), every error, in the order httpd
// meets them (see ValidateOptions.Files), and the warnings httpd would
// log.
func Validate(body []ast.Node, opts ValidateOptions) (s *scope.Server, errs, warnings parser.ErrorList) {
	s, err := scope.Build(body, scope.Options{})
	tree := AsList(err)
	if s == nil {
		return nil, order(opts.LoadErrors, nil, tree, nil, opts.Files, body), nil
	}
	warnings = append(warnings, s.Warnings...)
	// The checks only read the tree and the server: run them side by
	// side, and report in httpd's order.
	var (
		dirs    []*directive.PosError
		values  []scope.Problem
		exprs   []scope.Problem
		groups  error
		files   *scope.FileCheck
		startup []scope.Problem
		wg      sync.WaitGroup
	)
	run := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	run(func() { dirs = directive.CheckTree(body, s.Loaded) })
	run(func() {
		values = scope.CheckHandlers(body, scope.CheckOptions{Loaded: s.Loaded, FS: opts.FS, ServerRoot: opts.ServerRoot})
	})
	run(func() { exprs = scope.CheckExprs(body) })
	run(func() {
		_, groups = resolve.GroupsWith(s, resolve.GroupOptions{Accounts: resolve.SystemAccounts{}})
	})
	if opts.FS != nil {
		run(func() { files = s.CheckFiles(opts.FS, opts.ServerRoot) })
		run(func() { startup = StartupChecks(s, opts.FS, opts.ServerRoot, opts.ConfigDump) })
	}
	wg.Wait()
	tree = append(tree, problems(values)...)
	tree = append(tree, problems(exprs)...)
	tree = append(tree, AsList(groups)...)
	var read parser.ErrorList
	read = append(read, opts.LoadErrors...)
	if opts.FS != nil {
		read = append(read, ServerRootErrors(body, opts.FS)...)
	}
	if files != nil {
		for _, p := range files.Errors {
			if readTimeFileError(p.Msg) {
				read = append(read, &parser.Error{Pos: p.Pos, Msg: p.Msg})
			} else {
				tree = append(tree, &parser.Error{Pos: p.Pos, Msg: p.Msg})
			}
		}
		warnings = append(warnings, problems(files.Warnings)...)
		tree = append(tree, problems(startup)...)
	}
	var config parser.ErrorList
	// httpd looks for the MPM once the files are read: after a failed
	// read (a LoadModule further down may not have been reached) it
	// cannot be told.
	if opts.RequireMPM && len(opts.LoadErrors) == 0 && !opts.ReadFailed && !mpmLoaded(s, body) {
		config = append(config, &parser.Error{Msg: NoMPM})
	}
	// The directives' errors come in the order httpd processes the tree
	// (an <Else>'s own after its body's): merged, not sorted, into the
	// others.
	walk := parser.ErrorList(dirs)
	errs = order(read, config, tree, walk, opts.Files, body)
	// httpd looks at the log directories after a clean read.
	if files != nil && len(errs) == 0 && !opts.ReadFailed {
		errs = append(errs, problems(files.LogDirs())...)
	}
	return s, errs, warnings
}

// ServerRootErrors is set_server_root's check, made while the file is
// read (EXEC_ON_READ): an absolute ServerRoot must be a directory.
func ServerRootErrors(body []ast.Node, fsys fs.FS) parser.ErrorList {
	var out parser.ErrorList
	ast.Inspect(body, func(n ast.Node) bool {
		d, ok := n.(*ast.Directive)
		if ok && d.Is("ServerRoot") && len(d.Args) == 1 && path.IsAbs(d.Args[0].Value) {
			if info, err := fs.Stat(fsys, scope.FSPath(d.Args[0].Value)); err != nil || !info.IsDir() {
				out = append(out, &parser.Error{Pos: d.Pos(), Msg: "ServerRoot must be a valid directory"})
			}
		}
		return true
	})
	return out
}

// NoMPM is httpd's message for a configuration that loads no MPM
// (AH00534, server/main.c), printed without a position.
const NoMPM = "AH00534: apache2: Configuration error: No MPM loaded."

// mpmLoaded reports whether the configuration loads an MPM: one of
// Debian's three, or any module named mpm_*_module.
func mpmLoaded(s *scope.Server, body []ast.Node) bool {
	for _, id := range []string{"mpm_event_module", "mpm_worker_module", "mpm_prefork_module"} {
		if s.Loaded(id) {
			return true
		}
	}
	for _, n := range body {
		if d, ok := n.(*ast.Directive); ok && d.Is("LoadModule") && len(d.Args) == 2 {
			if id := d.Args[0].Value; strings.HasPrefix(id, "mpm_") && strings.HasSuffix(id, "_module") {
				return true
			}
		}
	}
	return false
}

// readTimeFileError tells CheckFiles' errors met while the files are read
// (LoadModule and DefaultRuntimeDir run then, EXEC_ON_READ: httpd stops
// reading there) from those met when the tree is processed.
func readTimeFileError(msg string) bool {
	return strings.HasPrefix(msg, "Cannot load ") || strings.HasPrefix(msg, "module ") ||
		strings.HasPrefix(msg, "DefaultRuntimeDir ")
}

// order puts errors in the order httpd meets them: those found while
// reading the files (syntax, Include, LoadModule …: httpd stops reading
// at the first), then those found between reading and processing (no
// MPM), then those found processing the tree (directives, sections,
// handlers), each group in reading order (see inReadingOrder); walk, the
// directive checks' errors in the order of the tree walk, is merged into
// the tree's keeping its own order.
//
// Errors met processing the tree are in the tree's order where body has
// the line they are on: an Included file's lines come where its Include
// is, before the including file's next lines (httpd processes the tree
// the reading built); others go after, in reading order.
func order(read, config, tree, walk parser.ErrorList, files []parser.IncludedFile, body []ast.Node) parser.ErrorList {
	inReadingOrder(read, files)
	inReadingOrder(tree, files)
	out := make(parser.ErrorList, 0, len(read)+len(config)+len(tree)+len(walk))
	out = append(out, read...)
	out = append(out, config...)
	if len(tree)+len(walk) == 0 {
		return out
	}
	rank := fileRanks(append(append(parser.ErrorList(nil), tree...), walk...), files)
	want := make(map[lineOf]int, len(tree)+len(walk))
	for _, e := range tree {
		want[lineOf{e.Pos.Filename, e.Pos.Line}] = -1
	}
	for _, e := range walk {
		want[lineOf{e.Pos.Filename, e.Pos.Line}] = -1
	}
	lines := treeLines(body, want)
	earlier := func(a, b *parser.Error) bool {
		ia, aIn := lines[lineOf{a.Pos.Filename, a.Pos.Line}]
		ib, bIn := lines[lineOf{b.Pos.Filename, b.Pos.Line}]
		switch {
		case aIn && bIn:
			return ia < ib
		case aIn != bIn:
			return aIn
		}
		return before(rank, a, b)
	}
	sort.SliceStable(tree, func(i, j int) bool { return earlier(tree[i], tree[j]) })
	for len(tree) > 0 || len(walk) > 0 {
		if len(walk) == 0 || len(tree) > 0 && earlier(tree[0], walk[0]) {
			out, tree = append(out, tree[0]), tree[1:]
		} else {
			out, walk = append(out, walk[0]), walk[1:]
		}
	}
	return out
}

type lineOf struct {
	file string
	line int
}

// treeLines numbers the lines of want (the errors' lines) in the order
// httpd processes the tree's nodes (the first node of a line); a line
// no node is on is left out.
func treeLines(body []ast.Node, want map[lineOf]int) map[lineOf]int {
	lines := make(map[lineOf]int, len(want))
	seq := 0
	ast.Inspect(body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.Directive, *ast.Section:
			seq++
			pos := n.Pos()
			key := lineOf{pos.Filename, pos.Line}
			if _, wanted := want[key]; !wanted || pos.Filename == "" {
				return true
			}
			if _, seen := lines[key]; !seen {
				lines[key] = seq
			}
		}
		return true
	})
	return lines
}

// before reports whether a is met before b: by file, then line.
func before(rank map[string]int, a, b *parser.Error) bool {
	ra, la := errKey(rank, a)
	rb, lb := errKey(rank, b)
	return ra < rb || ra == rb && la < lb
}

func errKey(rank map[string]int, e *parser.Error) (int, int) {
	if r, ok := rank[e.Pos.Filename]; ok {
		return r, e.Pos.Line
	}
	return len(rank) + 1, 0
}

// fileRanks numbers the files in reading order (or, without the list,
// in the order errs first name them).
func fileRanks(errs parser.ErrorList, files []parser.IncludedFile) map[string]int {
	rank := make(map[string]int, len(files))
	for i, f := range files {
		if _, seen := rank[f.Path]; !seen {
			rank[f.Path] = i
		}
	}
	if len(files) == 0 {
		for _, e := range errs {
			if _, seen := rank[e.Pos.Filename]; !seen && e.Pos.Filename != "" {
				rank[e.Pos.Filename] = len(rank)
			}
		}
	}
	return rank
}

// inReadingOrder sorts errs as httpd would meet them: by the order the
// files were read, then by line. Errors in macro expansions and
// without a file go last, in the order found. Without files, by line
// within a file, files in the order first seen.
func inReadingOrder(errs parser.ErrorList, files []parser.IncludedFile) {
	rank := fileRanks(errs, files)
	// By line, not offset: errors on one line keep the order the checks
	// found them in, which is the handler's.
	sort.SliceStable(errs, func(i, j int) bool { return before(rank, errs[i], errs[j]) })
}

// StartupChecks are the checks handlers make on the file system while
// httpd processes the configuration, beyond Server.CheckFiles: a Mutex
// whose file:/flock:/fcntl: directory does not exist, an
// SSLPassPhraseDialog exec: program that does not exist, mod_ssl's
// certificate, key and CA files and directories, a User or Group this
// machine does not know (AH00543, AH00544). Relative paths are
// taken from serverRoot; fsys is rooted at "/". Only directives of
// loaded modules in the server configuration and <VirtualHost> are
// looked at (where their handlers run).
//
// configDump is apache2 -S (and the other -D DUMP_* runs): mod_ssl does
// not look at its files then (ssl_cmd_check_file).
func StartupChecks(s *scope.Server, fsys fs.FS, serverRoot string, configDump bool) []scope.Problem {
	var out []scope.Problem
	abs := func(p string) string {
		if path.IsAbs(p) {
			return path.Clean(p)
		}
		return path.Join(serverRoot, p)
	}
	stat := func(p string) (fs.FileInfo, bool) {
		info, err := fs.Stat(fsys, scope.FSPath(p))
		return info, err == nil
	}
	ssl := s.Loaded("ssl_module")
	for _, v := range append([]*scope.VirtualHost{s.Main}, s.VHosts...) {
		for _, n := range v.Body {
			d, ok := n.(*ast.Directive)
			if !ok || len(d.Args) == 0 {
				continue
			}
			arg := d.Args[0].Value
			fail := func(msg string) { out = append(out, scope.Problem{Error: ast.Error{Pos: d.Pos(), Msg: msg}}) }
			name := d.Canonical()
			switch {
			case name == "mutex" && v == s.Main:
				// ap_mutex_set: the mechanism's directory, relative to
				// ServerRoot, must be a directory.
				mech, dir, hasDir := strings.Cut(arg, ":")
				switch strings.ToLower(mech) {
				case "file", "flock", "fcntl":
				default:
					hasDir = false
				}
				if hasDir {
					if info, ok := stat(abs(dir)); !ok || !info.IsDir() {
						fail("Invalid Mutex directory in argument " + arg)
					}
				}
			case name == "sslpassphrasedialog" && ssl && v == s.Main:
				if prog, ok := strings.CutPrefix(arg, "exec:"); ok && prog != "" {
					if _, ok := stat(abs(prog)); !ok {
						fail("SSLPassPhraseDialog: file '" + abs(prog) + "' does not exist")
					}
				}
			case (name == "user" || name == "group") && v == s.Main:
				// unixd: ap_uname2id / ap_gname2id exit at once on an
				// unknown name; "#N" is a number.
				if strings.HasPrefix(arg, "#") {
					continue
				}
				if name == "user" {
					if _, err := user.Lookup(arg); err != nil {
						fail("AH00543: apache2: bad user name " + arg)
					}
				} else if _, err := user.LookupGroup(arg); err != nil {
					fail("AH00544: apache2: bad group name " + arg)
				}
			case ssl && sslFiles[name] != "" && !configDump:
				if (name == "sslcertificatefile" || name == "sslcertificatekeyfile") && strings.HasPrefix(arg, "pkcs11:") {
					continue // a PKCS#11 URI, not a file
				}
				p := abs(arg)
				info, ok := stat(p)
				if sslDirs[name] {
					if !ok || !info.IsDir() {
						fail(sslFiles[name] + ": directory '" + p + "' does not exist")
					}
				} else if !ok || !info.Mode().IsRegular() || info.Size() == 0 {
					fail(sslFiles[name] + ": file '" + p + "' does not exist or is empty")
				}
			}
		}
	}
	return out
}

// sslFiles are mod_ssl's directives naming a file or directory its
// handler checks (ssl_cmd_check_file, ssl_cmd_check_dir), by canonical
// name; sslDirs the directories among them.
var sslFiles = map[string]string{
	"sslcertificatefile": "SSLCertificateFile", "sslcertificatekeyfile": "SSLCertificateKeyFile",
	"sslcertificatechainfile": "SSLCertificateChainFile", "sslcacertificatefile": "SSLCACertificateFile",
	"sslcadnrequestfile": "SSLCADNRequestFile", "sslcarevocationfile": "SSLCARevocationFile",
	"sslproxycacertificatefile": "SSLProxyCACertificateFile", "sslproxycarevocationfile": "SSLProxyCARevocationFile",
	"sslproxymachinecertificatefile": "SSLProxyMachineCertificateFile", "sslproxymachinecertificatechainfile": "SSLProxyMachineCertificateChainFile",
	"sslcacertificatepath": "SSLCACertificatePath", "sslcadnrequestpath": "SSLCADNRequestPath",
	"sslcarevocationpath": "SSLCARevocationPath", "sslproxycacertificatepath": "SSLProxyCACertificatePath",
	"sslproxycarevocationpath": "SSLProxyCARevocationPath", "sslproxymachinecertificatepath": "SSLProxyMachineCertificatePath",
}

var sslDirs = map[string]bool{
	"sslcacertificatepath": true, "sslcadnrequestpath": true, "sslcarevocationpath": true,
	"sslproxycacertificatepath": true, "sslproxycarevocationpath": true, "sslproxymachinecertificatepath": true,
}

func problems(ps []scope.Problem) parser.ErrorList {
	var out parser.ErrorList
	for _, p := range ps {
		out = append(out, &parser.Error{Pos: p.Pos, Msg: p.Msg, Err: p.Err})
	}
	return out
}

// ValidateOptions say where the files are, and what the load found.
type ValidateOptions struct {
	FS         fs.FS  // rooted at "/"; nil: no file checks
	ServerRoot string // for relative paths
	ReadFailed bool   // the files had errors: httpd would not get to its check_config hooks
	// LoadErrors are the errors found reading the files (parser.Load's):
	// they come first, as httpd stops reading at the first.
	LoadErrors parser.ErrorList
	// Files are the files read, in order (parser.Loaded.Files): errors
	// are sorted by them.
	Files []parser.IncludedFile
	// ConfigDump: the checks of apache2 -S, which skips some (mod_ssl's
	// files).
	ConfigDump bool
	// RequireMPM: the tree is a whole server configuration, which httpd
	// refuses without an MPM (AH00534); not judged after a failed read.
	RequireMPM bool
}

// AsList turns err into positioned errors; one without a position keeps
// its message.
func AsList(err error) parser.ErrorList {
	if err == nil {
		return nil
	}
	var list parser.ErrorList
	if errors.As(err, &list) {
		return list
	}
	var one *parser.Error
	if errors.As(err, &one) {
		return parser.ErrorList{one}
	}
	return parser.ErrorList{{Msg: err.Error()}}
}
