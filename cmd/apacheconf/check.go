package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/apacheconf/apacheconf/internal/oracle"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

func init() {
	commands["check"] = command{runCheck, "load and validate a configuration as apache2 -t does (all errors, with positions)"}
}

const checkUsage = `usage: apacheconf check [-f FILE] [-d DIR] [-D NAME]... [-V VERSION]

Reads the configuration as apache2 -t does: Include, Define and the
conditional sections evaluated, every directive checked against the
directive table of the modules loaded (name, context, arguments), the
values the modules' own directive handlers refuse (mod_alias, mod_rewrite,
mod_proxy, mod_setenvif, mod_headers, mod_authz_core, mod_wsgi, core's
Options and AllowOverride; httpd's messages), the virtual hosts'
addresses, the mod_wsgi daemon definitions and the files the handlers
look at. Where httpd stops at the first error, check reports
them all, the one apache2 -t reports first (errors met reading the files,
such as a failed Include or LoadModule, before those met processing the
tree). Prints "Syntax OK" when there is none. Exit status: 0 OK, 1
errors, 2 usage.
`

func runCheck(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("check", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, checkUsage); fset.PrintDefaults() }
	var cf configFlags
	cf.register(fset)
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fset.NArg() != 0 {
		fset.Usage()
		return 2
	}
	errs, warnings := checkConfig(&cf)
	for _, w := range warnings {
		fmt.Fprintf(stderr, "%s: warning: %s\n", w.Pos, w.Msg)
	}
	if len(errs) > 0 {
		fail(stderr, errs)
		return 1
	}
	fmt.Fprintln(stdout, "Syntax OK")
	return 0
}

// checkConfig runs apache2 -t's checks and returns the errors in the
// order httpd meets them: reading the files (syntax, Include, LoadModule:
// httpd stops at the first), an MPM loaded, each directive against the
// table and the handlers' checks, then what the modules check after
// reading (virtual host addresses, WSGI daemon processes, files).
func checkConfig(cf *configFlags) (errs, warnings parser.ErrorList) {
	pacing := paceLoad()
	defer pacing.restore()
	_, _, errs, warnings = validateConfig(cf, false, pacing)
	return errs, warnings
}

// validateConfig is checkConfig, also returning what it loaded and the
// server it built (nil when the files could not be read or the server
// not built); configDump makes the checks apache2 -S's. pacing (nil:
// none) is told when the files are read.
func validateConfig(cf *configFlags, configDump bool, pacing *gcPacing) (cfg *parser.Loaded, s *scope.Server, errs, warnings parser.ErrorList) {
	read := &countingFS{FS: os.DirFS("/")}
	// Nothing is printed back: comments and blank lines need not be kept.
	cfg, err := oracle.LoadConfigFrom(read, cf.file, cf.serverRoot, parser.LoadOptions{Defines: cf.defines, SkipTrivia: true, Version: cf.version})
	if cfg == nil {
		return nil, nil, oracle.AsList(err), nil
	}
	if pacing != nil {
		pacing.loaded(read.bytes.Load())
	}
	loadErrs := oracle.AsList(err)
	warnings = append(warnings, cfg.Warnings...)
	s, errs, vwarn := oracle.Validate(cfg.Body, oracle.ValidateOptions{FS: os.DirFS("/"), ServerRoot: cfg.ServerRoot,
		ReadFailed: len(loadErrs) > 0, LoadErrors: loadErrs, Files: cfg.Files, RequireMPM: true, ConfigDump: configDump})
	return cfg, s, errs, append(warnings, vwarn...)
}
