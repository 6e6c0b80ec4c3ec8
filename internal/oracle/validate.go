package oracle

import (
	"errors"
	"io/fs"
	"sync"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
)

// Validate runs on a loaded tree the checks apache2 -t makes after
// reading the files, in httpd's order: virtual host addresses, each
// directive against the table of the modules loaded, the words of the
// directives scope interprets (Options, AllowOverride), then mod_wsgi's
// daemon definitions (accounts looked up on this machine), then, when
// opts.FS is set, the files httpd looks at (Server.CheckFiles). It returns
// the server (nil if it could not be built), every error, in the order the
// checks found them, and the warnings httpd would log.
func Validate(body []ast.Node, opts ValidateOptions) (s *scope.Server, errs, warnings parser.ErrorList) {
	s, err := scope.Build(body, scope.Options{})
	errs = append(errs, AsList(err)...)
	if s == nil {
		return nil, errs, nil
	}
	warnings = append(warnings, s.Warnings...)
	// The checks only read the tree and the server: run them side by
	// side, and report in httpd's order.
	var (
		tree   []*directive.PosError
		values []scope.Problem
		groups error
		files  *scope.FileCheck
		wg     sync.WaitGroup
	)
	run := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	run(func() { tree = directive.CheckTree(body, s.Loaded) })
	run(func() { values = scope.CheckValues(body) })
	run(func() {
		_, groups = resolve.GroupsWith(s, resolve.GroupOptions{Accounts: resolve.SystemAccounts{}})
	})
	if opts.FS != nil {
		run(func() { files = s.CheckFiles(opts.FS, opts.ServerRoot) })
	}
	wg.Wait()
	for _, e := range tree {
		errs = append(errs, &parser.Error{Pos: e.Pos, Msg: e.Err.Msg})
	}
	errs = append(errs, problems(values)...)
	errs = append(errs, AsList(groups)...)
	if files != nil {
		errs = append(errs, problems(files.Errors)...)
		warnings = append(warnings, problems(files.Warnings)...)
		// httpd looks at the log directories after a clean read.
		if len(errs) == 0 && !opts.ReadFailed {
			errs = append(errs, problems(files.LogDirs())...)
		}
	}
	return s, errs, warnings
}

func problems(ps []scope.Problem) parser.ErrorList {
	var out parser.ErrorList
	for _, p := range ps {
		out = append(out, &parser.Error{Pos: p.Pos, Msg: p.Msg})
	}
	return out
}

// ValidateOptions say where the files are.
type ValidateOptions struct {
	FS         fs.FS  // rooted at "/"; nil: no file checks
	ServerRoot string // for relative paths
	ReadFailed bool   // the files had errors: httpd would not get to its check_config hooks
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
