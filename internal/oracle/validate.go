package oracle

import (
	"errors"
	"io/fs"

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
	for _, e := range directive.CheckTree(body, s.Loaded) {
		errs = append(errs, &parser.Error{Pos: e.Pos, Msg: e.Err.Msg})
	}
	for _, p := range scope.CheckValues(body) {
		errs = append(errs, &parser.Error{Pos: p.Pos, Msg: p.Msg})
	}
	if _, err := resolve.GroupsWith(s, resolve.GroupOptions{Accounts: resolve.SystemAccounts{}}); err != nil {
		errs = append(errs, AsList(err)...)
	}
	if opts.FS != nil {
		// The log directories are looked at after a clean read.
		ferrs, fwarn := s.CheckFiles(opts.FS, opts.ServerRoot, len(errs) == 0 && !opts.ReadFailed)
		for _, p := range ferrs {
			errs = append(errs, &parser.Error{Pos: p.Pos, Msg: p.Msg})
		}
		for _, p := range fwarn {
			warnings = append(warnings, &parser.Error{Pos: p.Pos, Msg: p.Msg})
		}
	}
	return s, errs, warnings
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
