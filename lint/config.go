package lint

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config is the contents of .apacheconf.yaml:
//
//	# rules to run (all when empty), by ID or name
//	enable: []
//	# rules never to run
//	disable: [AC5004, server-signature]
//	# severity overrides: error, warning, info, or off
//	severity:
//	  AC3003: warning
//	# parameters defined as by apache2 -D
//	defines: [SSL]
//	# the lowest severity that makes apacheconf lint exit 1
//	fail-on: warning
type Config struct {
	Enable   []string            `yaml:"enable"`
	Disable  []string            `yaml:"disable"`
	Severity map[string]Severity `yaml:"-"`
	Defines  []string            `yaml:"defines"`
	FailOn   Severity            `yaml:"-"`

	off map[string]bool
}

type rawConfig struct {
	Enable   []string          `yaml:"enable"`
	Disable  []string          `yaml:"disable"`
	Severity map[string]string `yaml:"severity"`
	Defines  []string          `yaml:"defines"`
	FailOn   string            `yaml:"fail-on"`
}

// ParseConfig reads a .apacheconf.yaml. Unknown keys, rules and
// severities are errors: a typo must not silently turn a rule off.
func ParseConfig(name string, src []byte) (Config, error) {
	var raw rawConfig
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && err.Error() != "EOF" {
		return Config{}, fmt.Errorf("%s: %v", name, err)
	}
	cfg := Config{Defines: raw.Defines, Severity: map[string]Severity{}, off: map[string]bool{}}
	resolveIDs := func(list []string) ([]string, error) {
		var ids []string
		for _, r := range list {
			a := Lookup(r)
			if a == nil {
				return nil, fmt.Errorf("%s: unknown rule %q", name, r)
			}
			ids = append(ids, a.ID)
		}
		return ids, nil
	}
	var err error
	if cfg.Enable, err = resolveIDs(raw.Enable); err != nil {
		return Config{}, err
	}
	if cfg.Disable, err = resolveIDs(raw.Disable); err != nil {
		return Config{}, err
	}
	for r, s := range raw.Severity {
		a := Lookup(r)
		if a == nil {
			return Config{}, fmt.Errorf("%s: unknown rule %q", name, r)
		}
		if strings.EqualFold(s, "off") || strings.EqualFold(s, "none") {
			cfg.off[a.ID] = true
			continue
		}
		sev, err := ParseSeverity(s)
		if err != nil {
			return Config{}, fmt.Errorf("%s: rule %s: %v", name, r, err)
		}
		cfg.Severity[a.ID] = sev
	}
	if raw.FailOn != "" {
		if cfg.FailOn, err = ParseSeverity(raw.FailOn); err != nil {
			return Config{}, fmt.Errorf("%s: fail-on: %v", name, err)
		}
	}
	return cfg, nil
}

// LoadConfig reads a config file.
func LoadConfig(path string) (Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	return ParseConfig(path, src)
}

func (c Config) enabled(id string) bool {
	if c.off[id] {
		return false
	}
	for _, d := range c.Disable {
		if d == id {
			return false
		}
	}
	if len(c.Enable) == 0 {
		return true
	}
	for _, e := range c.Enable {
		if e == id {
			return true
		}
	}
	return false
}
