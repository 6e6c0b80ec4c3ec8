package lint

import (
	"fmt"
	"sort"
	"strings"
)

// Control is one control of a published benchmark that a rule checks.
type Control struct {
	// Benchmark is "CIS" (CIS Apache HTTP Server 2.4 Benchmark, v2.0.0
	// numbering) or "STIG" (DISA Apache Server 2.4 UNIX Server STIG V3
	// "AS24-U1-…" and UNIX Site STIG V2 "AS24-U2-…").
	Benchmark string
	// ID is the control's number ("5.8", "AS24-U1-000630"); VulnID the
	// STIG's group ID ("V-214257"), "" for CIS.
	ID, VulnID string
	// Level is the CIS profile level (1 or 2); 0 for STIG.
	Level int
}

func (c Control) String() string {
	switch {
	case c.Benchmark == "CIS":
		return fmt.Sprintf("CIS %s (L%d)", c.ID, c.Level)
	case c.VulnID != "":
		return "STIG " + c.ID + " (" + c.VulnID + ")"
	}
	return c.Benchmark + " " + c.ID
}

func cis(id string, level int) Control { return Control{Benchmark: "CIS", ID: id, Level: level} }
func stig(id, vuln string) Control     { return Control{Benchmark: "STIG", ID: id, VulnID: vuln} }

// benchmark holds the rules that check benchmark controls. They are not
// in Analyzers(): a plain lint run stays what it was, and a profile
// (Profile) adds them.
var benchmark []*Analyzer

// controls maps a rule ID to the controls it checks (the benchmark rules
// and the security rules AC5001–AC5007 that match a control).
var controls = map[string][]Control{
	"AC5001": {cis("5.2", 1), stig("AS24-U2-000620", "V-214292")},
	"AC5002": {cis("4.1", 1), stig("AS24-U2-000350", "V-214284")},
	"AC5003": {cis("4.4", 1)},
	"AC5007": {cis("7.4", 1), cis("7.5", 1), stig("AS24-U1-000030", "V-214230"), stig("AS24-U1-000900", "V-214269")},
}

// registerBenchmark adds a benchmark rule with the controls it checks.
func registerBenchmark(a *Analyzer, cs ...Control) *Analyzer {
	benchmark = append(benchmark, a)
	controls[a.ID] = cs
	return a
}

// Controls returns the benchmark controls a rule checks (nil for none).
func Controls(ruleID string) []Control { return controls[ruleID] }

// BenchmarkAnalyzers returns every benchmark rule, ordered by ID.
func BenchmarkAnalyzers() []*Analyzer {
	out := append([]*Analyzer(nil), benchmark...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Profiles names the profiles Profile knows: "cis-1" (CIS Level 1),
// "cis-2" (Level 1 and 2) and "stig" (DISA's UNIX server and site STIGs).
var Profiles = []string{"cis-1", "cis-2", "stig"}

// Profile returns the rules that check a profile's controls, ordered by
// ID: the benchmark rules and the security rules (AC5xxx) whose controls
// belong to the profile.
func Profile(name string) ([]*Analyzer, error) {
	var in func(Control) bool
	switch strings.ToLower(name) {
	case "cis-1":
		in = func(c Control) bool { return c.Benchmark == "CIS" && c.Level == 1 }
	case "cis-2":
		in = func(c Control) bool { return c.Benchmark == "CIS" }
	case "stig":
		in = func(c Control) bool { return c.Benchmark == "STIG" }
	default:
		return nil, fmt.Errorf("unknown profile %q (want %s)", name, strings.Join(Profiles, ", "))
	}
	var out []*Analyzer
	for _, a := range append(Analyzers(), BenchmarkAnalyzers()...) {
		for _, c := range controls[a.ID] {
			if in(c) {
				out = append(out, a)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// WithProfile is the default rules plus a profile's, each once, ordered
// by ID: what `lint --profile` runs.
func WithProfile(name string) ([]*Analyzer, error) {
	prof, err := Profile(name)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []*Analyzer
	for _, a := range append(Analyzers(), prof...) {
		if !seen[a.ID] {
			seen[a.ID] = true
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
