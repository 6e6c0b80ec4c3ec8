package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/lint/report"
	"github.com/apacheconf/apacheconf/parser"
)

func init() {
	commands["lint"] = command{runLint, "check a configuration for errors and insecure settings (CI: --format sarif|github)"}
}

const lintUsage = `usage: apacheconf lint [-f FILE] [-d DIR] [-D NAME]... [--chroot DIR] [--fragment]
                       [--format text|json|sarif|github|checkstyle] [--fail-on error|warning|info]
                       [--config .apacheconf.yaml] [--fix] [FILE|DIR]

Lints the whole configuration httpd would read from FILE (or DIR/apache2.conf,
DIR/httpd.conf; default: -f, /etc/apache2/apache2.conf), Include files and
the .htaccess files of the directories it names. It is a whole server's
configuration (an MPM and the modules its directives need loaded) unless
--fragment says it is a part, such as one site file. Exit status: 0 no finding at
or above --fail-on, 1 findings, 2 usage, I/O or config errors.
Rules: docs/rules/README.md.
`

type lintFlags struct {
	cf         configFlags
	format     string
	failOn     string
	configPath string
	fix        bool
	chroot     string
	listRules  bool
	profile    string
	fragment   bool
	// relative: the configuration was named by a relative path, so
	// findings name files relative to the current directory too.
	relative bool
	// shown is display's answer for each file it was asked about
	// (a finding's file is mostly one of a few; each answer asks the
	// disk).
	shown map[string]string
}

func runLint(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("lint", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, lintUsage); fset.PrintDefaults() }
	var lf lintFlags
	lf.cf.register(fset)
	fset.StringVar(&lf.format, "format", "text", "output format: "+strings.Join(report.Formats, ", "))
	fset.StringVar(&lf.failOn, "fail-on", "", "lowest severity that makes the exit status 1: error, warning or info (default error, or fail-on in the config file)")
	fset.StringVar(&lf.configPath, "config", "", "configuration file (default ./.apacheconf.yaml when present)")
	fset.BoolVar(&lf.fix, "fix", false, "apply suggested fixes to the files, then report what is left")
	fset.BoolVar(&lf.listRules, "rules", false, "list the rules (ID, severity, name, summary) and exit")
	fset.StringVar(&lf.profile, "profile", "", "also run a benchmark profile's rules: "+strings.Join(lint.Profiles, ", "))
	fset.BoolVar(&lf.fragment, "fragment", false, "the file is a part of a server's configuration (a site file linted alone): no MPM needed, its modules unknown")
	fset.StringVar(&lf.chroot, "chroot", "/", "directory the configuration's absolute paths (DocumentRoot, <Directory>, .htaccess) are looked up under")
	// Flags may follow the FILE|DIR argument (CI steps often append them).
	positional, status, ok := parseInterspersed(fset, args)
	if !ok {
		return status
	}
	analyzers := lint.Analyzers()
	if lf.profile != "" {
		var err error
		if analyzers, err = lint.WithProfile(lf.profile); err != nil {
			fmt.Fprintf(stderr, "apacheconf lint: --profile: %v\n", err)
			return 2
		}
	}
	if lf.listRules {
		for _, a := range analyzers {
			fmt.Fprintf(stdout, "%s  %-7s  %-32s %s\n", a.ID, a.Severity, a.Name, a.Doc)
		}
		return 0
	}
	if len(positional) > 1 {
		fset.Usage()
		return 2
	}
	if !validFormat(lf.format) {
		fmt.Fprintf(stderr, "apacheconf lint: unknown format %q (want %s)\n", lf.format, strings.Join(report.Formats, ", "))
		return 2
	}

	// Configuration file.
	var cfg lint.Config
	path := lf.configPath
	if path == "" {
		if _, err := os.Stat(".apacheconf.yaml"); err == nil {
			path = ".apacheconf.yaml"
		}
	}
	if path != "" {
		var err error
		if cfg, err = report.LoadConfig(path); err != nil {
			fmt.Fprintf(stderr, "apacheconf lint: %v\n", err)
			return 2
		}
	}
	if lf.failOn != "" {
		s, err := lint.ParseSeverity(lf.failOn)
		if err != nil || s == lint.Off {
			fmt.Fprintf(stderr, "apacheconf lint: --fail-on: %q is not error, warning or info\n", lf.failOn)
			return 2
		}
		cfg.FailOn = s
	}
	lf.cf.defines = append(lf.cf.defines, cfg.Defines...)

	// What to lint.
	fromArg := len(positional) == 1
	if fromArg {
		if err := lf.target(positional[0]); err != nil {
			fmt.Fprintf(stderr, "apacheconf lint: %v\n", err)
			return 2
		}
	}
	lf.relative = !filepath.IsAbs(lf.cf.file)
	file, root, err := lf.paths(fromArg)
	if err != nil {
		fmt.Fprintf(stderr, "apacheconf lint: %v\n", err)
		return 2
	}
	if _, err := os.Stat(file); err != nil {
		fmt.Fprintf(stderr, "apacheconf lint: %v\n", err)
		return 2
	}
	if info, err := os.Stat(lf.chroot); err != nil || !info.IsDir() {
		fmt.Fprintf(stderr, "apacheconf lint: --chroot %s: not a directory\n", lf.chroot)
		return 2
	}
	if lf.chroot, err = filepath.Abs(lf.chroot); err != nil {
		fmt.Fprintf(stderr, "apacheconf lint: %v\n", err)
		return 2
	}

	ds, code := lf.lint(file, root, analyzers, cfg, stderr)
	if code != 0 {
		return code
	}
	if lf.fix {
		n, err := lf.applyFixes(ds, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "apacheconf lint: --fix: %v\n", err)
			return 2
		}
		if n > 0 {
			if ds, code = lf.lint(file, root, analyzers, cfg, stderr); code != 0 {
				return code
			}
		}
	}
	if err := report.Write(stdout, lf.format, ds, analyzers); err != nil {
		fmt.Fprintf(stderr, "apacheconf lint: %v\n", err)
		return 2
	}
	if cfg.Fails(ds) {
		return 1
	}
	return 0
}

func validFormat(f string) bool {
	for _, x := range report.Formats {
		if f == x {
			return true
		}
	}
	return false
}

// target interprets the FILE|DIR argument: a directory is a ServerRoot
// holding apache2.conf (Debian) or httpd.conf; a file is the main
// configuration, its directory the ServerRoot unless -d says otherwise.
func (lf *lintFlags) target(arg string) error {
	info, err := os.Stat(arg)
	if err != nil {
		return err
	}
	if info.IsDir() {
		for _, name := range []string{"apache2.conf", "httpd.conf", "conf/httpd.conf"} {
			if _, err := os.Stat(filepath.Join(arg, name)); err == nil {
				lf.cf.file = filepath.Join(arg, name)
				if lf.cf.serverRoot == "" {
					lf.cf.serverRoot = arg
				}
				return nil
			}
		}
		return fmt.Errorf("%s: no apache2.conf or httpd.conf in this directory", arg)
	}
	lf.cf.file = arg
	if lf.cf.serverRoot == "" {
		lf.cf.serverRoot = filepath.Dir(arg)
	}
	return nil
}

// paths returns the main file and ServerRoot as absolute paths: a
// relative -f given with the FILE argument or without -d is taken from
// here; otherwise it is relative to ServerRoot, as apache2 -f is.
func (lf *lintFlags) paths(fromArg bool) (file, root string, err error) {
	root = lf.cf.serverRoot
	file = lf.cf.file
	if root == "" {
		root = parser.DefaultServerRoot
		if filepath.IsAbs(file) {
			root = filepath.Dir(file)
		}
	}
	if root, err = filepath.Abs(root); err != nil {
		return "", "", err
	}
	if !filepath.IsAbs(file) {
		if fromArg || lf.cf.serverRoot == "" {
			file, err = filepath.Abs(file)
		} else {
			file = filepath.Join(root, file)
		}
	}
	return file, root, err
}

// lint loads the configuration as httpd does (parser.Load) and checks it.
func (lf *lintFlags) lint(file, root string, analyzers []*lint.Analyzer, cfg lint.Config, stderr io.Writer) ([]lint.Diagnostic, int) {
	pacing := paceLoad()
	defer pacing.restore()
	read := &countingFS{FS: os.DirFS("/")}
	loaded, err := parser.Load(read, file, parser.LoadOptions{
		ServerRoot: root,
		Defines:    lf.cf.defines,
		Env:        os.LookupEnv,
		// Rules read no comment but the suppressions; fixes edit the
		// files, not the tree.
		SkipTrivia:  true,
		KeepComment: lint.IsSuppression,
	})
	var list parser.ErrorList
	if err != nil && !errors.As(err, &list) {
		fmt.Fprintf(stderr, "apacheconf lint: %v\n", err)
		return nil, 2
	}
	if loaded == nil {
		fmt.Fprintf(stderr, "apacheconf lint: %s: could not load\n", file)
		return nil, 2
	}
	pacing.loaded(read.bytes.Load())
	var fsys fs.FS = os.DirFS(lf.chroot)
	prog := lint.NewProgram(loaded.Body, list.Err(), lint.ProgramOptions{FS: fsys, Fragment: lf.fragment})
	ds := lint.Run(prog, analyzers, cfg)
	wd, _ := os.Getwd()
	for i := range ds {
		if lf.relative && wd != "" && wd != "/" {
			ds[i].Message = strings.ReplaceAll(ds[i].Message, wd+string(filepath.Separator), "")
		}
		ds[i].Pos.Filename = lf.display(ds[i].Pos.Filename)
		ds[i].End.Filename = lf.display(ds[i].End.Filename)
		for j := range ds[i].Fixes {
			for k := range ds[i].Fixes[j].Edits {
				e := &ds[i].Fixes[j].Edits[k]
				e.Filename = lf.display(e.Filename)
			}
		}
	}
	lint.Sort(ds)
	return ds, 0
}

// display is the name a finding's file is shown under: the path it was
// read from (a .htaccess under --chroot), relative to the current
// directory when it is below it.
func (lf *lintFlags) display(name string) string {
	if d, ok := lf.shown[name]; ok {
		return d
	}
	d := lf.displayed(name)
	if lf.shown == nil {
		lf.shown = map[string]string{}
	}
	lf.shown[name] = d
	return d
}

func (lf *lintFlags) displayed(name string) string {
	name = lf.onDisk(name)
	if !lf.relative || !filepath.IsAbs(name) {
		return name
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, name); err == nil {
			return rel
		}
	}
	return name
}

// onDisk maps a file the configuration names (a .htaccess under
// --chroot) to the path it was read from.
func (lf *lintFlags) onDisk(name string) string {
	if lf.chroot == "/" || lf.chroot == "" || !filepath.IsAbs(name) {
		return name
	}
	if _, err := os.Stat(name); err == nil {
		return name
	}
	return filepath.Join(lf.chroot, name)
}

// applyFixes writes each finding's first suggested fix into its file.
func (lf *lintFlags) applyFixes(ds []lint.Diagnostic, stderr io.Writer) (int, error) {
	n := 0
	for file, edits := range lint.Edits(ds) {
		src, err := os.ReadFile(file)
		if err != nil {
			return n, err
		}
		out, err := lint.ApplyEdits(src, edits)
		if err != nil {
			return n, err
		}
		info, err := os.Stat(file)
		if err != nil {
			return n, err
		}
		if err := os.WriteFile(file, out, info.Mode().Perm()); err != nil {
			return n, err
		}
		fmt.Fprintf(stderr, "apacheconf lint: fixed %s (%d edits)\n", file, len(edits))
		n++
	}
	return n, nil
}

// parseInterspersed parses fset's flags wherever they stand among the
// positional arguments (CI steps often append flags after FILE|DIR) and
// returns the positional ones. ok is false when parsing ended the
// command: status is 0 for -h, 2 for a bad flag.
func parseInterspersed(fset *flag.FlagSet, args []string) (positional []string, status int, ok bool) {
	for {
		if err := fset.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0, false
			}
			return nil, 2, false
		}
		if fset.NArg() == 0 {
			return positional, 0, true
		}
		positional = append(positional, fset.Arg(0))
		args = fset.Args()[1:]
	}
}
