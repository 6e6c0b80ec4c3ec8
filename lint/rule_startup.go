package lint

import "github.com/apacheconf/apacheconf/ast"

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
