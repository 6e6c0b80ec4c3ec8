package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/apacheconf/apacheconf/internal/oracle"
	"github.com/apacheconf/apacheconf/parser"
)

func init() {
	commands["check"] = command{runCheck, "load and validate a configuration as apache2 -t does (all errors, with positions)"}
}

const checkUsage = `usage: apacheconf check [-f FILE] [-d DIR] [-D NAME]...

Reads the configuration as apache2 -t does: Include, Define and the
conditional sections evaluated, every directive checked against the
directive table of the modules loaded (name, context, arguments), the
virtual hosts' addresses and the mod_wsgi daemon definitions. Where httpd
stops at the first error, check reports them all. Prints "Syntax OK" when
there is none. Exit status: 0 OK, 1 errors, 2 usage.
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

// checkConfig runs apache2 -t's checks in httpd's order: reading the
// files, each directive against the table, then what the modules check
// after reading (virtual host addresses, WSGI daemon processes).
func checkConfig(cf *configFlags) (errs, warnings parser.ErrorList) {
	// Nothing is printed back: comments and blank lines need not be kept.
	cfg, err := oracle.LoadConfigWith(cf.file, cf.serverRoot, parser.LoadOptions{Defines: cf.defines, SkipTrivia: true})
	if cfg == nil {
		return oracle.AsList(err), nil
	}
	errs = append(errs, oracle.AsList(err)...)
	warnings = append(warnings, cfg.Warnings...)
	_, verrs, vwarn := oracle.Validate(cfg.Body, oracle.ValidateOptions{FS: os.DirFS("/"), ServerRoot: cfg.ServerRoot, ReadFailed: len(errs) > 0})
	errs, warnings = append(errs, verrs...), append(warnings, vwarn...)
	inReadingOrder(errs, cfg.Files)
	return errs, warnings
}

// inReadingOrder sorts errs as httpd would meet them: by the order the
// files were read, then by line. Errors in macro expansions and
// without a file go last, in the order found.
func inReadingOrder(errs parser.ErrorList, files []parser.IncludedFile) {
	rank := make(map[string]int, len(files))
	for i, f := range files {
		if _, seen := rank[f.Path]; !seen {
			rank[f.Path] = i
		}
	}
	// By line, not offset: errors on one line keep the order the checks
	// found them in, which is the handler's.
	key := func(e *parser.Error) (int, int) {
		if r, ok := rank[e.Pos.Filename]; ok {
			return r, e.Pos.Line
		}
		return len(files), 0
	}
	sort.SliceStable(errs, func(i, j int) bool {
		ri, oi := key(errs[i])
		rj, oj := key(errs[j])
		return ri < rj || ri == rj && oi < oj
	})
}
