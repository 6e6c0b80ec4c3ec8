package report_test

import (
	"os"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/lint/report"
)

func ExampleWrite() {
	ds := []lint.Diagnostic{{
		Pos:  ast.Position{Filename: "apache2.conf", Line: 3, Column: 1},
		End:  ast.Position{Filename: "apache2.conf", Line: 3, Column: 19},
		Rule: "AC5005", Name: "server-signature", Severity: lint.Info,
		Message: "ServerSignature On shows the server version on error pages",
	}}
	if err := report.Write(os.Stdout, "github", ds, lint.Analyzers()); err != nil {
		panic(err)
	}
	// Output:
	// ::notice file=apache2.conf,line=3,col=1,endLine=3,endColumn=19,title=AC5005 server-signature::ServerSignature On shows the server version on error pages
}
