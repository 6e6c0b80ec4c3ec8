package ast

import "strings"

// Reformat normalises the layout of f in place, the way gofmt does for Go:
// every line is indented by its section depth (unit per level; "" means
// the file's own unit when it is a tab or 2, 4 or 8 spaces, else four
// spaces) and loses trailing whitespace;
// whitespace-only lines become empty. Words, quoting, comments and
// continuation lines are kept as written.
func Reformat(f *File, unit string) {
	if unit == "" {
		switch unit = IndentUnit(f); unit {
		case "\t", "  ", "    ", "        ":
		default:
			unit = "    "
		}
	}
	reformat(f.Body, "", unit)
}

func reformat(nodes []Node, indent, unit string) {
	for _, n := range nodes {
		switch n := n.(type) {
		case *Directive:
			n.Raw = reindent(n.Raw, n.Indent(), indent)
		case *Comment:
			n.Raw = reindent(n.Raw, n.Indent(), indent)
		case *Bad:
			n.Raw = reindent(n.Raw, n.Indent(), indent)
		case *Blank:
			if n.Raw != "" {
				n.Raw = lineEnding(n.Raw)
			}
		case *Section:
			n.Raw = reindent(n.Raw, n.Indent(), indent)
			if n.CloseRaw != "" {
				n.CloseRaw = reindent(n.CloseRaw, n.CloseRaw[:leadingTrivia(n.CloseRaw)], indent)
			}
			reformat(n.Body, indent+unit, unit)
		}
	}
}

// reindent replaces raw's indentation and trims the whitespace that ends
// its last physical line (unless that would leave a backslash there,
// turning the line into a continuation).
func reindent(raw, old, indent string) string {
	if raw == "" {
		return raw
	}
	body := raw[len(old):]
	eol := lineEnding(body)
	content := body[:len(body)-len(eol)]
	trimmed := strings.TrimRight(content, " \t\r\v\f")
	if !strings.HasSuffix(trimmed, "\\") {
		content = trimmed
	}
	return indent + content + eol
}

// lineEnding returns the terminator that ends raw: "\r\n", "\n" or "".
func lineEnding(raw string) string {
	switch {
	case strings.HasSuffix(raw, "\r\n"):
		return "\r\n"
	case strings.HasSuffix(raw, "\n"):
		return "\n"
	}
	return ""
}
