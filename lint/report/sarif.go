package report

import (
	"io"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/apacheconf/apacheconf/lint"
)

// DocBase is where the rule pages are published; SARIF viewers link each
// rule to DocBase + ID + ".md".
var DocBase = "https://github.com/apacheconf/apacheconf/blob/main/docs/rules/"

// ToolVersion is reported in SARIF's tool.driver.version.
var ToolVersion = "0.1.0"

// WriteSARIF prints a SARIF 2.1.0 log (GitHub code scanning reads it),
// built with github.com/owenrumney/go-sarif. Every rule that ran is
// listed with its doc page; results carry their region and fixes.
func WriteSARIF(w io.Writer, ds []lint.Diagnostic, analyzers []*lint.Analyzer) error {
	report, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI("apacheconf", "https://github.com/apacheconf/apacheconf")
	version := ToolVersion
	run.Tool.Driver.Version = &version
	index := map[string]int{}
	for i, a := range analyzers {
		index[a.ID] = i
		run.AddRule(a.ID).
			WithName(a.Name).
			WithShortDescription(sarif.NewMultiformatMessageString(a.Doc)).
			WithHelpURI(DocBase + a.ID + ".md").
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(a.Severity))).
			WithProperties(ruleProperties(a))
	}
	for _, d := range ds {
		uri := sarifURI(d.Pos.Filename)
		region := sarif.NewRegion().WithStartLine(d.Pos.Line)
		if d.Pos.Column > 0 {
			region.WithStartColumn(d.Pos.Column)
		}
		if d.End.Line >= d.Pos.Line && d.End.Line > 0 {
			region.WithEndLine(d.End.Line)
			if d.End.Column > 0 && (d.End.Line > d.Pos.Line || d.End.Column > d.Pos.Column) {
				region.WithEndColumn(d.End.Column)
			}
		}
		res := sarif.NewRuleResult(d.Rule).
			WithLevel(sarifLevel(d.Severity)).
			WithMessage(sarif.NewTextMessage(d.Message)).
			WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(
				sarif.NewPhysicalLocation().
					WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri)).
					WithRegion(region))})
		if i, ok := index[d.Rule]; ok {
			res.WithRuleIndex(i)
		}
		for _, f := range d.Fixes {
			fix := sarif.NewFix().WithDescriptionText(f.Message)
			for _, e := range f.Edits {
				fix.AddArtifactChanges(sarif.NewArtifactChange(sarif.NewSimpleArtifactLocation(sarifURI(e.Filename))).
					WithReplacement(sarif.NewReplacement(sarif.NewRegion().WithByteOffset(e.Offset).WithByteLength(e.End - e.Offset)).
						WithInsertedContent(sarif.NewArtifactContent().WithText(e.NewText))))
			}
			res.AddFix(fix)
		}
		run.AddResult(res)
	}
	report.AddRun(run)
	return report.PrettyWrite(w)
}

func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "note"
}

// sarifURI turns a file name into a URI reference: relative paths stay
// relative (code scanning resolves them against the checkout), absolute
// ones become file:// URIs.
func sarifURI(name string) string {
	name = filepath.ToSlash(name)
	if strings.HasPrefix(name, "/") {
		return "file://" + name
	}
	return strings.TrimPrefix(name, "./")
}

func category(id string) string {
	switch {
	case strings.HasPrefix(id, "AC1"):
		return "syntax"
	case strings.HasPrefix(id, "AC2"):
		return "directive"
	case strings.HasPrefix(id, "AC3"):
		return "vhost"
	case strings.HasPrefix(id, "AC4"):
		return "mod_wsgi"
	case strings.HasPrefix(id, "AC5"):
		return "security"
	case strings.HasPrefix(id, "AC7"):
		return "routing"
	}
	return "other"
}

// ruleProperties tags a rule with its category; security rules carry
// GitHub code scanning's "security-severity" score.
func ruleProperties(a *lint.Analyzer) sarif.Properties {
	cat := category(a.ID)
	p := sarif.Properties{"tags": []string{cat}}
	// AC7007 is an open forward proxy.
	if cat == "security" || a.ID == "AC4006" || a.ID == "AC7007" {
		if cat != "security" {
			p["tags"] = []string{cat, "security"}
		}
		score := map[lint.Severity]string{lint.Error: "8.8", lint.Warning: "5.0", lint.Info: "2.0"}[a.Severity]
		if a.ID == "AC4006" {
			score = "9.0"
		}
		p["security-severity"] = score
	}
	return p
}
