package lint

// IncludeMissing reports an Include whose file does not exist: httpd
// refuses to start ("Could not open configuration file"). IncludeOptional
// and wildcard patterns that match nothing are fine.
var IncludeMissing = register(&Analyzer{
	ID:       "AC1002",
	Name:     "include-missing",
	Doc:      "Include names a file that does not exist",
	Severity: Error,
	Run:      runIncludeMissing,
})

func runIncludeMissing(p *Pass) {
	for _, e := range p.LoadErrors {
		if includeError(e) && e.Pos.IsValid() {
			p.Report(Diagnostic{Pos: e.Pos, End: e.Pos, Message: e.Msg})
		}
	}
}
