// Package report writes lint findings for people and for CI — compiler
// style text, JSON, SARIF 2.1.0 (GitHub code scanning), GitHub Actions
// annotations, checkstyle XML — and reads the linter's configuration file,
// .apacheconf.yaml. It is apart from package lint so that a program that
// only lints (or only imports apacheconf) does not carry the SARIF and
// YAML libraries.
//
//	ds, err := cfg.Lint(ctx, lint.Config{})
//	err = report.Write(os.Stdout, "github", ds, lint.Analyzers())
package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/apacheconf/apacheconf/lint"
)

// Formats are the output formats Write knows.
var Formats = []string{"text", "json", "sarif", "github", "checkstyle"}

// Write prints diagnostics in a format; analyzers are the rules that ran
// (SARIF lists them as the tool's rules).
func Write(w io.Writer, format string, ds []lint.Diagnostic, analyzers []*lint.Analyzer) error {
	switch format {
	case "text", "":
		return WriteText(w, ds)
	case "json":
		return WriteJSON(w, ds)
	case "sarif":
		return WriteSARIF(w, ds, analyzers)
	case "github":
		return WriteGitHub(w, ds)
	case "checkstyle":
		return WriteCheckstyle(w, ds)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// WriteText prints compiler style: file:line:col: severity: message [ID].
func WriteText(w io.Writer, ds []lint.Diagnostic) error {
	for _, d := range ds {
		if _, err := fmt.Fprintf(w, "%s: %s: %s [%s]\n", d.Pos, d.Severity, d.Message, d.Rule); err != nil {
			return err
		}
	}
	return nil
}

type jsonDiag struct {
	Rule      string    `json:"rule"`
	Name      string    `json:"name"`
	Severity  string    `json:"severity"`
	File      string    `json:"file"`
	Line      int       `json:"line"`
	Column    int       `json:"column"`
	EndLine   int       `json:"end_line,omitempty"`
	EndColumn int       `json:"end_column,omitempty"`
	Message   string    `json:"message"`
	Doc       string    `json:"doc"`
	Fixes     []jsonFix `json:"fixes,omitempty"`
}

// jsonFix and jsonEdit are lint.SuggestedFix and lint.TextEdit as the
// JSON format prints them.
type jsonFix struct {
	Message string     `json:"message"`
	Edits   []jsonEdit `json:"edits"`
}

type jsonEdit struct {
	Filename string `json:"file"`
	Offset   int    `json:"offset"`
	End      int    `json:"end"`
	NewText  string `json:"new_text"`
}

func fixesJSON(fixes []lint.SuggestedFix) []jsonFix {
	var out []jsonFix
	for _, f := range fixes {
		jf := jsonFix{Message: f.Message, Edits: []jsonEdit{}}
		for _, e := range f.Edits {
			jf.Edits = append(jf.Edits, jsonEdit(e))
		}
		out = append(out, jf)
	}
	return out
}

// WriteJSON prints {"diagnostics": [...]}, one object per finding.
func WriteJSON(w io.Writer, ds []lint.Diagnostic) error {
	out := struct {
		Diagnostics []jsonDiag `json:"diagnostics"`
	}{Diagnostics: []jsonDiag{}}
	for _, d := range ds {
		out.Diagnostics = append(out.Diagnostics, jsonDiag{
			Rule: d.Rule, Name: d.Name, Severity: d.Severity.String(),
			File: d.Pos.Filename, Line: d.Pos.Line, Column: d.Pos.Column,
			EndLine: d.End.Line, EndColumn: d.End.Column,
			Message: d.Message, Doc: "docs/rules/" + d.Rule + ".md", Fixes: fixesJSON(d.Fixes),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteGitHub prints GitHub Actions workflow commands, which the runner
// turns into annotations on the pull request.
func WriteGitHub(w io.Writer, ds []lint.Diagnostic) error {
	for _, d := range ds {
		level := "error"
		switch d.Severity {
		case lint.Warning:
			level = "warning"
		case lint.Info:
			level = "notice"
		}
		props := []string{"file=" + ghProp(d.Pos.Filename), fmt.Sprintf("line=%d", d.Pos.Line), fmt.Sprintf("col=%d", d.Pos.Column)}
		if d.End.Line > 0 {
			props = append(props, fmt.Sprintf("endLine=%d", d.End.Line))
			if d.End.Line == d.Pos.Line {
				props = append(props, fmt.Sprintf("endColumn=%d", d.End.Column))
			}
		}
		props = append(props, "title="+ghProp(d.Rule+" "+d.Name))
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", level, strings.Join(props, ","), ghData(d.Message)); err != nil {
			return err
		}
	}
	return nil
}

// ghData and ghProp escape as @actions/core's escapeData/escapeProperty.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

type csError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

type csFile struct {
	Name   string    `xml:"name,attr"`
	Errors []csError `xml:"error"`
}

// WriteCheckstyle prints checkstyle XML (version 4.3), which Jenkins,
// GitLab and reviewdog read.
func WriteCheckstyle(w io.Writer, ds []lint.Diagnostic) error {
	type root struct {
		XMLName xml.Name  `xml:"checkstyle"`
		Version string    `xml:"version,attr"`
		Files   []*csFile `xml:"file"`
	}
	r := root{Version: "4.3"}
	idx := map[string]*csFile{}
	for _, d := range ds {
		f := idx[d.Pos.Filename]
		if f == nil {
			f = &csFile{Name: d.Pos.Filename}
			idx[d.Pos.Filename] = f
			r.Files = append(r.Files, f)
		}
		f.Errors = append(f.Errors, csError{Line: d.Pos.Line, Column: d.Pos.Column, Severity: d.Severity.String(),
			Message: d.Message, Source: "apacheconf." + d.Rule + "." + d.Name})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// rawConfig is .apacheconf.yaml as written.
type rawConfig struct {
	Enable   []string          `yaml:"enable"`
	Disable  []string          `yaml:"disable"`
	Severity map[string]string `yaml:"severity"`
	Defines  []string          `yaml:"defines"`
	FailOn   string            `yaml:"fail-on"`
	// Main is the configuration's main file for apacheconf lsp; the
	// linter is told what to read on its command line.
	Main string `yaml:"main"`
}

// ParseConfig reads a .apacheconf.yaml (see lint.Config for its form).
// Unknown keys, rules and severities are errors: a typo must not
// silently turn a rule off. The file may also name the configuration's
// main file for apacheconf lsp (main: etc/apache2/apache2.conf, relative
// to the file's directory); that key is accepted and not used here.
func ParseConfig(name string, src []byte) (lint.Config, error) {
	var raw rawConfig
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return lint.Config{}, fmt.Errorf("%s: %v", name, err)
	}
	cfg := lint.Config{Enable: raw.Enable, Disable: raw.Disable, Defines: raw.Defines}
	if len(raw.Severity) > 0 {
		cfg.Severity = map[string]lint.Severity{}
	}
	for r, s := range raw.Severity {
		sev, err := lint.ParseSeverity(s)
		if err != nil {
			return lint.Config{}, fmt.Errorf("%s: rule %s: %v", name, r, err)
		}
		cfg.Severity[r] = sev
	}
	if raw.FailOn != "" {
		var err error
		if cfg.FailOn, err = lint.ParseSeverity(raw.FailOn); err != nil || cfg.FailOn == lint.Off {
			return lint.Config{}, fmt.Errorf("%s: fail-on: %q is not error, warning or info", name, raw.FailOn)
		}
	}
	if err := cfg.Check(); err != nil {
		return lint.Config{}, fmt.Errorf("%s: %v", name, err)
	}
	return cfg, nil
}

// LoadConfig reads a configuration file from the operating system.
func LoadConfig(path string) (lint.Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return lint.Config{}, err
	}
	return ParseConfig(path, src)
}
