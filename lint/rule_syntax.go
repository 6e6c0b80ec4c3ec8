package lint

import (
	"strings"

	"github.com/apacheconf/apacheconf/parser"
)

// SyntaxError reports what stops httpd from reading the configuration:
// the parser's errors (unclosed sections, bad quoting …), errors that
// stop httpd from starting (an invalid <VirtualHost> address), and the
// syntax errors of .htaccess files (httpd answers 500 where they apply).
var SyntaxError = register(&Analyzer{
	ID:       "AC1001",
	Name:     "syntax-error",
	Doc:      "the configuration (or a .htaccess file) does not parse as httpd reads it",
	Severity: Error,
	Run:      runSyntaxError,
})

func runSyntaxError(p *Pass) {
	report := func(list parser.ErrorList) {
		for _, e := range list {
			if includeError(e) || !e.Pos.IsValid() {
				continue
			}
			p.Report(Diagnostic{Pos: e.Pos, End: e.Pos, Message: e.Msg})
		}
	}
	report(p.LoadErrors)
	report(p.BuildErrors)
	for _, h := range p.HTAccessFiles() {
		report(h.Errors)
	}
}

// includeError tells the loader's missing-file errors from syntax errors.
func includeError(e *parser.Error) bool {
	m := strings.ToLower(e.Msg)
	return strings.HasPrefix(m, "could not open configuration file") ||
		(strings.Contains(m, "include") && (strings.Contains(m, "does not exist") || strings.Contains(m, "no matches")))
}
