package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/apacheconf/apacheconf/lint"
)

// probeByID finds a probe of the report's catalogue.
func (r *Report) probeByID(id string) Probe {
	for _, p := range r.Probes {
		if p.ID == id {
			return p
		}
	}
	return Probe{ID: id}
}

// WriteText prints the exposures target by target, then the benchmark
// findings, then a summary line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	byTarget := map[int][]Answer{}
	for _, a := range r.Exposures() {
		byTarget[a.Target] = append(byTarget[a.Target], a)
	}
	for i, t := range r.Targets {
		list := byTarget[i]
		fmt.Fprintf(&b, "%s — server %s", t.Label, t.Server)
		if t.ServerAt != "" {
			fmt.Fprintf(&b, " (%s)", t.ServerAt)
		}
		if len(list) == 0 {
			b.WriteString(": nothing exposed\n")
			continue
		}
		fmt.Fprintf(&b, ": %d exposed\n", len(list))
		for _, a := range list {
			p := r.probeByID(a.Probe)
			fmt.Fprintf(&b, "  %s: %s %s -> %d %s", a.Severity, a.Method, a.URL, a.Status, a.Handler)
			if a.File != "" {
				fmt.Fprintf(&b, " %s", a.File)
			}
			fmt.Fprintf(&b, " [%s]\n", p.Category)
			fmt.Fprintf(&b, "    %s: %s\n", p.Why, a.Reason)
			for _, s := range a.Trace {
				if s.At != "" {
					fmt.Fprintf(&b, "    · %s (%s)\n", s.What, s.At)
				} else {
					fmt.Fprintf(&b, "    · %s\n", s.What)
				}
			}
			fmt.Fprintf(&b, "    fix: %s\n", a.Fix)
		}
	}
	if len(r.Lint) > 0 {
		b.WriteString("\nbenchmark findings:\n")
		for _, d := range r.Lint {
			fmt.Fprintf(&b, "%s: %s: %s [%s%s]\n", d.Pos, d.Severity, d.Message, d.Rule, controlsText(d.Rule))
		}
	}
	fmt.Fprintf(&b, "\n%d targets, %d probe requests, %d exposed, %d benchmark findings\n", len(r.Targets), len(r.Answers), len(r.Exposures()), len(r.Lint))
	_, err := io.WriteString(w, b.String())
	return err
}

// controlsText lists a rule's benchmark controls: " CIS 5.8 (L1), STIG …".
func controlsText(rule string) string {
	var parts []string
	for _, c := range lint.Controls(rule) {
		parts = append(parts, c.String())
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, ", ")
}

// lintJSON is a benchmark finding in the JSON report.
type lintJSON struct {
	Rule     string   `json:"rule"`
	Name     string   `json:"name"`
	Severity string   `json:"severity"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Message  string   `json:"message"`
	Controls []string `json:"controls"`
}

func lintFindings(ds []lint.Diagnostic) []lintJSON {
	out := []lintJSON{}
	for _, d := range ds {
		l := lintJSON{Rule: d.Rule, Name: d.Name, Severity: d.Severity.String(), File: d.Pos.Filename, Line: d.Pos.Line,
			Column: d.Pos.Column, Message: d.Message, Controls: []string{}}
		for _, c := range lint.Controls(d.Rule) {
			l.Controls = append(l.Controls, c.String())
		}
		out = append(out, l)
	}
	return out
}

// jsonReport is the JSON form: every answer, exposed or not.
type jsonReport struct {
	Targets   []Target   `json:"targets"`
	Probes    []Probe    `json:"probes"`
	Answers   []Answer   `json:"answers"`
	Exposed   int        `json:"exposed"`
	Benchmark []lintJSON `json:"benchmark"`
}

func (r *Report) jsonForm() jsonReport {
	return jsonReport{Targets: r.Targets, Probes: r.Probes, Answers: r.Answers, Exposed: len(r.Exposures()), Benchmark: lintFindings(r.Lint)}
}

// WriteJSON prints the whole report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r.jsonForm())
}

// SARIFDocBase is where rule pages are linked from SARIF.
var SARIFDocBase = "https://github.com/apacheconf/apacheconf/blob/main/docs/rules/"

// WriteSARIF prints a SARIF 2.1.0 log: one rule per probe (ID
// "probe/<id>") and per benchmark rule, one result per exposure (at the
// definition of the server that exposes it) and per benchmark finding.
func (r *Report) WriteSARIF(w io.Writer) error {
	report, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI("apacheconf-audit", "https://github.com/apacheconf/apacheconf")
	index := map[string]int{}
	for _, p := range r.Probes {
		id := "probe/" + p.ID
		index[id] = len(index)
		run.AddRule(id).WithName(p.ID).
			WithShortDescription(sarif.NewMultiformatMessageString(p.Category + ": " + p.Method + " " + p.Path)).
			WithFullDescription(sarif.NewMultiformatMessageString(p.Why)).
			WithHelp(sarif.NewMultiformatMessageString("Fix: " + p.Fix)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(p.Severity)))
	}
	rules := map[string]bool{}
	for _, d := range r.Lint {
		if rules[d.Rule] {
			continue
		}
		rules[d.Rule] = true
		index[d.Rule] = len(index)
		a := lint.Lookup(d.Rule)
		desc := d.Rule
		if a != nil {
			desc = a.Doc
		}
		var tags []string
		for _, c := range lint.Controls(d.Rule) {
			tags = append(tags, c.String())
		}
		run.AddRule(d.Rule).WithName(d.Name).WithShortDescription(sarif.NewMultiformatMessageString(desc)).
			WithHelpURI(SARIFDocBase + d.Rule + ".md").
			WithProperties(sarif.Properties{"tags": tags})
	}
	location := func(file string, line, col int) []*sarif.Location {
		if file == "" {
			return nil
		}
		region := sarif.NewRegion().WithStartLine(max(line, 1))
		if col > 0 {
			region.WithStartColumn(col)
		}
		return []*sarif.Location{sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
			WithArtifactLocation(sarif.NewSimpleArtifactLocation(filepath.ToSlash(file))).WithRegion(region))}
	}
	for _, a := range r.Exposures() {
		t := r.Targets[a.Target]
		msg := fmt.Sprintf("%s: %s %s -> %d %s %s: %s. Fix: %s", t.Label, a.Method, a.URL, a.Status, a.Handler, a.File, a.Reason, a.Fix)
		res := sarif.NewRuleResult("probe/" + a.Probe).WithLevel(sarifLevel(a.Severity)).WithMessage(sarif.NewTextMessage(msg)).
			WithRuleIndex(index["probe/"+a.Probe])
		if locs := location(a.FixAt.Filename, a.FixAt.Line, a.FixAt.Column); locs != nil {
			res.WithLocations(locs)
		}
		run.AddResult(res)
	}
	for _, d := range r.Lint {
		res := sarif.NewRuleResult(d.Rule).WithLevel(sarifLevel(d.Severity.String())).WithMessage(sarif.NewTextMessage(d.Message)).
			WithRuleIndex(index[d.Rule])
		if locs := location(d.Pos.Filename, d.Pos.Line, d.Pos.Column); locs != nil {
			res.WithLocations(locs)
		}
		run.AddResult(res)
	}
	report.AddRun(run)
	return report.PrettyWrite(w)
}

func sarifLevel(s string) string {
	switch s {
	case "error", "warning":
		return s
	}
	return "note"
}

// cell is the summary of one target × probe: the worst answer.
type cell struct {
	Status  int
	Exposed bool
	Class   string // exposed, undecided, protected, absent
	Text    string
	Answers []int // indexes in Report.Answers
}

// grid summarises the answers per target and probe.
func (r *Report) grid() [][]cell {
	col := map[string]int{}
	for i, p := range r.Probes {
		col[p.ID] = i
	}
	g := make([][]cell, len(r.Targets))
	for i := range g {
		g[i] = make([]cell, len(r.Probes))
	}
	for i, a := range r.Answers {
		c := &g[a.Target][col[a.Probe]]
		c.Answers = append(c.Answers, i)
		switch {
		case a.Exposed:
			if !c.Exposed {
				c.Status = a.Status
			}
			c.Exposed = true
		case a.Status == 0 && !c.Exposed:
			c.Status = 0
		case c.Status == 0 && len(c.Answers) == 1:
			c.Status = a.Status
		}
	}
	for i := range g {
		for j := range g[i] {
			c := &g[i][j]
			switch {
			case len(c.Answers) == 0:
				c.Class, c.Text = "absent", "–"
			case c.Exposed:
				c.Class, c.Text = "exposed "+r.Probes[j].Severity, fmt.Sprint(c.Status)
			case c.Status == 0:
				c.Class, c.Text = "undecided", "?"
			default:
				c.Class, c.Text = "protected", fmt.Sprint(c.Status)
			}
		}
	}
	return g
}

// sortedCategories lists the probe categories in catalogue order with
// their column span.
func (r *Report) categories() []struct {
	Name string
	Span int
} {
	var out []struct {
		Name string
		Span int
	}
	for _, p := range r.Probes {
		if n := len(out); n > 0 && out[n-1].Name == p.Category {
			out[n-1].Span++
			continue
		}
		out = append(out, struct {
			Name string
			Span int
		}{p.Category, 1})
	}
	return out
}

// severityCounts counts exposures by severity, highest first.
func (r *Report) severityCounts() []string {
	n := map[string]int{}
	for _, a := range r.Exposures() {
		n[a.Severity]++
	}
	var out []string
	for _, s := range []string{"error", "warning", "info"} {
		if n[s] > 0 {
			out = append(out, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	return out
}
