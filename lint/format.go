package lint

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Formats are the output formats Write knows.
var Formats = []string{"text", "json", "sarif", "github", "checkstyle"}

// Write prints diagnostics in a format; analyzers are the rules that ran
// (SARIF lists them as the tool's rules).
func Write(w io.Writer, format string, ds []Diagnostic, analyzers []*Analyzer) error {
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
func WriteText(w io.Writer, ds []Diagnostic) error {
	for _, d := range ds {
		if _, err := fmt.Fprintf(w, "%s: %s: %s [%s]\n", d.Pos, d.Severity, d.Message, d.Rule); err != nil {
			return err
		}
	}
	return nil
}

type jsonDiag struct {
	Rule      string         `json:"rule"`
	Name      string         `json:"name"`
	Severity  string         `json:"severity"`
	File      string         `json:"file"`
	Line      int            `json:"line"`
	Column    int            `json:"column"`
	EndLine   int            `json:"end_line,omitempty"`
	EndColumn int            `json:"end_column,omitempty"`
	Message   string         `json:"message"`
	Doc       string         `json:"doc"`
	Fixes     []SuggestedFix `json:"fixes,omitempty"`
}

// WriteJSON prints {"diagnostics": [...]}, one object per finding.
func WriteJSON(w io.Writer, ds []Diagnostic) error {
	out := struct {
		Diagnostics []jsonDiag `json:"diagnostics"`
	}{Diagnostics: []jsonDiag{}}
	for _, d := range ds {
		out.Diagnostics = append(out.Diagnostics, jsonDiag{
			Rule: d.Rule, Name: d.Name, Severity: d.Severity.String(),
			File: d.Pos.Filename, Line: d.Pos.Line, Column: d.Pos.Column,
			EndLine: d.End.Line, EndColumn: d.End.Column,
			Message: d.Message, Doc: "docs/rules/" + d.Rule + ".md", Fixes: d.Fixes,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteGitHub prints GitHub Actions workflow commands, which the runner
// turns into annotations on the pull request.
func WriteGitHub(w io.Writer, ds []Diagnostic) error {
	for _, d := range ds {
		level := "error"
		switch d.Severity {
		case Warning:
			level = "warning"
		case Info:
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
func WriteCheckstyle(w io.Writer, ds []Diagnostic) error {
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
