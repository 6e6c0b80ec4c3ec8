package lint

import (
	"io/fs"
	"path"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/internal/oracle"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

// StartupWarning reports what httpd logs at start-up and survives, as
// scope.Build finds it: a <VirtualHost> address that does not resolve
// (AH00547, the address is ignored, so the virtual host may never be
// reached).
var StartupWarning = register(&Analyzer{
	ID:       "AC3005",
	Name:     "vhost-address-unresolved",
	Doc:      "a <VirtualHost> address does not resolve; httpd ignores it",
	Severity: Warning,
	Run:      runStartupWarning,
})

func runStartupWarning(p *Pass) {
	if p.Server == nil {
		return
	}
	for _, w := range p.Server.Warnings {
		if w.Pos.IsValid() {
			p.Report(Diagnostic{Pos: w.Pos, End: w.Pos, Message: "AH00547: " + w.Msg})
		}
	}
}

// MissingServerName reports a configuration without a global ServerName:
// httpd then derives its name from the host's DNS and logs AH00558 when
// that yields no fully qualified name; virtual hosts without a ServerName
// of their own inherit whatever it found.
var MissingServerName = register(&Analyzer{
	ID:       "AC3006",
	Name:     "missing-global-servername",
	Doc:      "no global ServerName: httpd guesses one from DNS (AH00558)",
	Severity: Info,
	Run:      runMissingServerName,
})

func runMissingServerName(p *Pass) {
	if p.Server == nil || p.Server.Main.NameDirective != nil || len(p.Nodes) == 0 {
		return
	}
	var first ast.Node
	for _, n := range p.Nodes {
		switch n.(type) {
		case *ast.Directive, *ast.Section:
			first = n
		}
		if first != nil {
			break
		}
	}
	if first == nil {
		return
	}
	p.Report(Diagnostic{Pos: first.Pos(), End: endOfLine(first),
		Message: "no global ServerName: httpd derives the server's name from DNS (AH00558 \"Could not reliably determine the server's fully qualified domain name\" when it cannot); set ServerName in the main configuration"})
}

// StartupError reports what stops httpd at start-up that the other rules
// do not: a main configuration that loads no MPM (AH00534), a LoadModule
// of a module compiled in or of a file missing from an installed
// modules directory, a DefaultRuntimeDir or main DocumentRoot that is not
// a directory, a Mutex directory or an SSLPassPhraseDialog exec: program
// or a mod_ssl certificate, key or CA file that does not exist, a User or
// Group unknown to this machine (as apache2 -t here), the words
// of Options and AllowOverride, a log file whose directory does not
// exist, a section without the header its handler
// needs (<Directory>), and <Else>/<ElseIf> without <If> in its scope —
// so that every error `apacheconf check` (apache2 -t) finds is a lint
// error too. A fragment (ProgramOptions.Fragment) is not a server: no
// MPM is needed and its modules are unknown.
var StartupError = register(&Analyzer{
	ID:       "AC2006",
	Name:     "startup-error",
	Doc:      "httpd refuses to start: no MPM, a module or file missing, a handler's own check",
	Severity: Error,
	Run:      runStartupError,
})

func runStartupError(p *Pass) {
	parts, finish := startupErrorParts(p)
	for _, part := range parts {
		part()
	}
	finish()
}

// startupErrorParts is runStartupError in parts that do not depend on
// each other (each fills its own results), longest first, and finish,
// which reports their findings in the order one after another would.
// RunContext runs the parts side by side (splitAnalyzers): the handlers'
// checks alone are most of the rule on a large configuration.
func startupErrorParts(p *Pass) (parts []func(), finish func()) {
	if p.Server == nil {
		return nil, func() {}
	}
	var loaded directive.Modules = p.Server.Loaded
	if p.Fragment {
		loaded = nil // unknown: all
	}
	var (
		noMPM    bool
		sections []*directive.PosError
		handlers []scope.Problem
		rootErrs []Diagnostic
		files    *scope.FileCheck
		startup  []scope.Problem
	)
	root := p.serverRoot()
	parts = []func(){
		func() { handlers = scope.CheckHandlers(p.Nodes, scope.CheckOptions{Loaded: loaded}) },
		func() {
			noMPM = !p.Fragment && !mpmLoaded(p) && len(p.LoadErrors) == 0
			sections = directive.CheckSections(p.Nodes, loaded)
		},
	}
	if p.FS != nil {
		parts = append(parts,
			func() {
				fsys, done := p.FS, func() {}
				if c, release := p.sharedDirs(); c != nil {
					fsys, done = listedFS{p.FS, c}, release
				}
				files = p.Server.CheckFiles(fsys, root)
				done()
				startup = oracle.StartupChecks(p.Server, p.FS, root, false)
			},
			func() {
				for _, e := range oracle.ServerRootErrors(p.Nodes, p.FS) {
					// The server machine's path: judged where the file
					// system is the one the configuration was read from
					// (not a --chroot content tree).
					if _, err := fs.Stat(p.FS, scope.FSPath(e.Pos.Filename)); err != nil {
						continue
					}
					if d, ok := p.nodeAt(e.Pos).(*ast.Directive); ok {
						rootErrs = append(rootErrs, Diagnostic{Pos: e.Pos, End: endOfLine(d), Message: e.Msg})
					}
				}
			})
	}
	finish = func() { p.reportStartupErrors(noMPM, sections, handlers, rootErrs, files, startup) }
	return parts, finish
}

// reportStartupErrors reports what startupErrorParts found; files is nil
// without a file system.
func (p *Pass) reportStartupErrors(noMPM bool, sections []*directive.PosError, handlers []scope.Problem, rootErrs []Diagnostic,
	files *scope.FileCheck, startup []scope.Problem) {
	// A value with an undefined ${VAR} (AH00111 warns of it; Debian's
	// envvars not sourced) is not judged. Which lines have one is
	// looked for once a file check has something to say (most
	// configurations: nothing).
	var undefined map[ast.Position]bool
	unresolved := func(pos ast.Position) bool {
		if undefined == nil {
			undefined = map[ast.Position]bool{}
			ast.Inspect(p.Nodes, func(n ast.Node) bool {
				if d, ok := n.(*ast.Directive); ok {
					for _, a := range d.Args {
						if strings.Contains(a.Value, "${") {
							undefined[d.Pos()] = true
						}
					}
				}
				return true
			})
		}
		return undefined[pos]
	}
	reported := 0
	report := func(d Diagnostic) { reported++; p.Report(d) }
	if noMPM {
		pos := p.firstNode()
		report(Diagnostic{Pos: pos, End: pos, Message: oracle.NoMPM + " (load one: a2enmod mpm_event, mpm_worker or mpm_prefork)"})
	}
	for _, e := range sections {
		report(Diagnostic{Pos: e.Pos, End: e.Pos, Message: e.Msg})
	}
	for _, pr := range handlers {
		report(Diagnostic{Pos: pr.Pos, End: pr.Pos, Message: pr.Msg})
	}
	if files == nil {
		return
	}
	for _, d := range rootErrs {
		report(d)
	}
	for _, pr := range files.Errors {
		if unresolved(pr.Pos) {
			continue
		}
		if file, ok := strings.CutPrefix(pr.Msg, "Cannot load "); ok {
			// Where no server is installed (a CI runner, a --chroot
			// tree) a missing module file tells nothing.
			file, _, _ = strings.Cut(file, " into server")
			if info, err := fs.Stat(p.FS, scope.FSPath(path.Dir(file))); err != nil || !info.IsDir() {
				continue
			}
		}
		report(Diagnostic{Pos: pr.Pos, End: pr.Pos, Message: pr.Msg})
	}
	for _, pr := range startup {
		if unresolved(pr.Pos) {
			continue
		}
		report(Diagnostic{Pos: pr.Pos, End: pr.Pos, Message: pr.Msg})
	}
	if p.Fragment || reported > 0 || len(p.LoadErrors) > 0 || len(p.BuildErrors) > 0 {
		return // a fragment's logs may be the main configuration's; httpd looks after a clean read
	}
	// The log files' directories, which httpd looks at once the
	// configuration is read (the main server's default error log
	// when it names none). They are the server machine's: judged
	// only where the directory above the missing one is there (not
	// in a --chroot content tree, nor where no server is installed).
	for _, pr := range files.LogDirs() {
		if unresolved(pr.Pos) {
			continue
		}
		dir, _, _ := strings.Cut(strings.TrimPrefix(pr.Msg, "Cannot access directory '"), "'")
		up := path.Dir(strings.TrimSuffix(dir, "/"))
		if info, err := fs.Stat(p.FS, scope.FSPath(up)); up == "/" || err != nil || !info.IsDir() {
			continue
		}
		pos := pr.Pos
		if !pos.IsValid() {
			pos = p.firstNode()
		}
		p.Report(Diagnostic{Pos: pos, End: pos, Message: pr.Msg})
	}
}

// mpmLoaded reports whether the server loads an MPM (Debian's three, or
// any mpm_*_module).
func mpmLoaded(p *Pass) bool {
	if loadedMPM(p) != "" {
		return true
	}
	found := false
	ast.Inspect(p.Nodes, func(n ast.Node) bool {
		if d, ok := n.(*ast.Directive); ok && d.Is("LoadModule") && len(d.Args) == 2 &&
			strings.HasPrefix(d.Args[0].Value, "mpm_") && strings.HasSuffix(d.Args[0].Value, "_module") {
			found = true
		}
		return !found
	})
	return found
}

// serverRoot is the last ServerRoot of the main configuration, or
// Debian's.
func (p *Program) serverRoot() string {
	root := parser.DefaultServerRoot
	for _, n := range p.Nodes {
		if d, ok := n.(*ast.Directive); ok && d.Is("ServerRoot") && len(d.Args) == 1 && path.IsAbs(d.Args[0].Value) {
			root = path.Clean(d.Args[0].Value)
		}
	}
	return root
}

// firstNode is the position of the configuration's first directive or
// section, where findings about the whole configuration are reported.
func (p *Program) firstNode() ast.Position {
	for _, n := range p.Nodes {
		switch n.(type) {
		case *ast.Directive, *ast.Section:
			return n.Pos()
		}
	}
	return ast.Position{}
}

// nodeAt is the directive or section of the tree at pos, or nil.
func (p *Program) nodeAt(pos ast.Position) ast.Node {
	var found ast.Node
	ast.Inspect(p.Nodes, func(n ast.Node) bool {
		if found == nil && n.Pos() == pos {
			switch n.(type) {
			case *ast.Directive, *ast.Section:
				found = n
			}
		}
		return found == nil
	})
	return found
}
