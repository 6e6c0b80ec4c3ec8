package lint

import (
	"fmt"
	"sort"
	"strings"
)

// Config chooses the rules a run applies and how it judges the result.
// Rules are named by ID ("AC5004") or name ("server-signature"), in any
// case; a name that is no rule is an error (Check, RunContext), never
// silently ignored. The file form, .apacheconf.yaml, is read by
// report.ParseConfig:
//
//	enable: []                            # rules to run (all when empty)
//	disable: [AC5004, server-signature]   # rules never to run
//	severity: {AC3003: warning, AC5001: off}
//	defines: [SSL]                        # as apache2 -D
//	fail-on: warning                      # lowest severity that fails
//	main: apache2.conf                    # for apacheconf lsp: the main file
type Config struct {
	// Enable lists the rules to run (all when empty); Disable those never
	// to run.
	Enable, Disable []string
	// Severity overrides rules' severities; Off switches a rule off.
	Severity map[string]Severity
	// Defines are parameters defined as by apache2 -D.
	Defines []string
	// FailOn is the lowest severity that fails a run (Fails); 0 means
	// Error.
	FailOn Severity
}

// Check reports the first rule Config names that does not exist, or a
// severity that is not one.
func (c Config) Check() error {
	_, err := c.compile()
	return err
}

// Fails reports whether ds hold a finding at or above FailOn (Error when
// FailOn is 0): what makes `apacheconf lint` exit 1 and a CI step fail.
func (c Config) Fails(ds []Diagnostic) bool {
	failOn := c.FailOn
	if failOn <= 0 {
		failOn = Error
	}
	return Max(ds) >= failOn
}

// runConfig is a Config with its rules looked up.
type runConfig struct {
	enable   map[string]bool // nil: all
	disable  map[string]bool
	override map[string]Severity
}

func (c Config) compile() (runConfig, error) {
	rc := runConfig{disable: map[string]bool{}, override: map[string]Severity{}}
	ids := func(field string, list []string) (map[string]bool, error) {
		m := map[string]bool{}
		for _, r := range list {
			a := Lookup(r)
			if a == nil {
				return nil, unknownRule(field, r)
			}
			m[a.ID] = true
		}
		return m, nil
	}
	var err error
	if len(c.Enable) > 0 {
		if rc.enable, err = ids("enable", c.Enable); err != nil {
			return rc, err
		}
	}
	if rc.disable, err = ids("disable", c.Disable); err != nil {
		return rc, err
	}
	// Sorted, so that the error names the same rule every run.
	names := make([]string, 0, len(c.Severity))
	for r := range c.Severity {
		names = append(names, r)
	}
	sort.Strings(names)
	for _, r := range names {
		a := Lookup(r)
		if a == nil {
			return rc, unknownRule("severity", r)
		}
		s := c.Severity[r]
		if s != Off && (s < Info || s > Error) {
			return rc, fmt.Errorf("severity of %s: %d is not a severity", r, int(s))
		}
		rc.override[a.ID] = s
	}
	if c.FailOn != 0 && (c.FailOn < Info || c.FailOn > Error) {
		return rc, fmt.Errorf("fail-on: %v is not a severity", c.FailOn)
	}
	return rc, nil
}

func unknownRule(field, name string) error {
	msg := fmt.Sprintf("%s: unknown rule %q", field, name)
	best := ""
	for _, a := range registry {
		if strings.EqualFold(strings.ReplaceAll(a.Name, "-", ""), strings.ReplaceAll(name, "-", "")) {
			best = a.Name
		}
	}
	if best != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", best)
	}
	return fmt.Errorf("%s; apacheconf lint -rules lists them", msg)
}

// severity is the severity a's findings get, and whether a runs.
func (rc runConfig) severity(a *Analyzer) (Severity, bool) {
	if rc.disable[a.ID] || rc.enable != nil && !rc.enable[a.ID] {
		return 0, false
	}
	sev := a.Severity
	if s, ok := rc.override[a.ID]; ok {
		sev = s
	}
	return sev, sev != Off
}
