// Package syntax holds httpd's word-level lexical rules, shared by the
// parser (which splits lines into words) and the printer (which must quote
// words so that httpd splits them back the same way).
//
// The rules are those of ap_getword_conf and substring_conf in httpd's
// server/util.c; see the comments on each function.
package syntax

import "strings"

// IsSpace reports whether b is whitespace for httpd's config reader
// (apr_isspace in the C locale: space, \t, \n, \v, \f, \r).
func IsSpace(b byte) bool {
	return b == ' ' || (b >= '\t' && b <= '\r')
}

// TrimSpace returns the bounds of s with httpd's whitespace removed from
// both ends, as cfg_trim_line does to every logical line.
func TrimSpace(s string) (start, end int) {
	end = len(s)
	for start < end && IsSpace(s[start]) {
		start++
	}
	for end > start && IsSpace(s[end-1]) {
		end--
	}
	return start, end
}

// Word is one word of a line as ap_getword_conf reads it.
type Word struct {
	Value string // the word after quote removal and escape processing
	Quote byte   // '"' or '\'' when the word was quoted, else 0
	Start int    // offset of the word's first byte (the quote, if any) in the line
	End   int    // offset just past the word (past the closing quote, if any)
}

// Raw returns the word's text as written in line.
func (w Word) Raw(line string) string { return line[w.Start:w.End] }

// NextWord reads the word that starts at or after offset i of line, exactly
// as ap_getword_conf does: leading whitespace is skipped; a word starting
// with " or ' runs to the matching unescaped quote (or the end of the line
// when the quote is never closed) and ends there even when no whitespace
// follows; any other word runs to the next whitespace. ok is false when
// only whitespace remains.
func NextWord(line string, i int) (w Word, next int, ok bool) {
	for i < len(line) && IsSpace(line[i]) {
		i++
	}
	if i >= len(line) {
		return Word{}, i, false
	}
	w.Start = i
	if q := line[i]; q == '"' || q == '\'' {
		w.Quote = q
		j := i + 1
		escaped := false
		for j < len(line) && line[j] != q {
			if line[j] == '\\' && j+1 < len(line) && (line[j+1] == q || line[j+1] == '\\') {
				escaped = true
				j += 2
				continue
			}
			j++
		}
		inner := line[i+1 : j]
		if escaped {
			inner = Unescape(inner, q)
		}
		w.Value = inner
		if j < len(line) { // the closing quote
			j++
		}
		w.End = j
		return w, j, true
	}
	j := i
	escaped := false
	for j < len(line) && !IsSpace(line[j]) {
		if line[j] == '\\' && j+1 < len(line) && line[j+1] == '\\' {
			escaped = true
		}
		j++
	}
	w.Value = line[i:j]
	if escaped {
		w.Value = Unescape(w.Value, 0)
	}
	w.End = j
	return w, j, true
}

// Words appends every word of line to dst and returns it.
func Words(dst []Word, line string) []Word {
	i := 0
	for {
		w, next, ok := NextWord(line, i)
		if !ok {
			return dst
		}
		dst = append(dst, w)
		i = next
	}
}

// Unescape applies substring_conf's escapes: a backslash followed by a
// backslash (or, inside quotes, by the quote character) stands for that
// character; every other backslash is literal.
func Unescape(s string, quote byte) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && (s[i+1] == '\\' || (quote != 0 && s[i+1] == quote)) {
			i++
			c = s[i]
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Representable reports whether value can be written in a config file at
// all: a line feed always ends httpd's line and a NUL byte truncates it.
func Representable(value string) bool {
	return strings.IndexByte(value, '\n') < 0 && strings.IndexByte(value, 0) < 0
}

// Quote returns the text that ap_getword_conf reads back as exactly value.
// A value that needs no quotes is written bare (with \\ doubled); otherwise
// it is put in quotes: prefer (when it is '"' or '\”) if given, else '"',
// switching to ' when the value holds " but no '. The caller must check
// Representable first.
func Quote(value string, prefer byte) string {
	if prefer == 0 && !needsQuotes(value) {
		if !strings.Contains(value, `\\`) {
			return value
		}
		// Unquoted, "\\" reads as "\": double every backslash of a run
		// that touches another backslash.
		var b strings.Builder
		for i := 0; i < len(value); i++ {
			if value[i] == '\\' && ((i+1 < len(value) && value[i+1] == '\\') || (i > 0 && value[i-1] == '\\')) {
				b.WriteByte('\\')
			}
			b.WriteByte(value[i])
		}
		return b.String()
	}
	q := prefer
	if q != '"' && q != '\'' {
		q = '"'
		if strings.IndexByte(value, '"') >= 0 && strings.IndexByte(value, '\'') < 0 {
			q = '\''
		}
	}
	var b strings.Builder
	b.Grow(len(value) + 2)
	b.WriteByte(q)
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c == '\\' || c == q {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	b.WriteByte(q)
	return b.String()
}

// needsQuotes reports whether a bare word could not carry value: it is
// empty, holds whitespace, starts with a quote, or ends with a backslash
// (which would join the next line, or eat a closing quote).
func needsQuotes(value string) bool {
	if value == "" || value[0] == '"' || value[0] == '\'' || value[len(value)-1] == '\\' || value[0] == '#' {
		return true
	}
	for i := 0; i < len(value); i++ {
		if IsSpace(value[i]) {
			return true
		}
	}
	return false
}

// Kind classifies a logical line.
type Kind uint8

// Kinds of logical lines.
const (
	Blank     Kind = iota // empty after trimming
	Comment               // first byte '#'
	Directive             // anything else
	Open                  // first word starts with '<' (a section)
	Close                 // first word starts with "</"
)

// Head is what ap_build_config_sub makes of a logical line's first word.
type Head struct {
	Kind Kind
	// Name is the directive or section name as httpd keeps it: the first
	// word without a leading '<' or "</" and without one trailing '>'.
	Name string
	Word Word // the first word itself
	// Rest is the offset where the arguments start (after the first word
	// and the whitespace that follows it).
	Rest int
	// MissingGT is set for a closing tag whose first word does not end in
	// '>' ("</Foo >"), and for an opening tag that has text after its
	// name but no '>' anywhere after it ("<Directory /x").
	MissingGT bool
}

// Classify reads the first word of a trimmed logical line. It mirrors
// ap_build_config_sub: the first word may be quoted; unless it starts with
// "</" a trailing '>' is dropped from it (even on plain directives, so
// "ServerAdmin> x" sets ServerAdmin); a closing tag must end in '>'.
func Classify(line string) Head {
	if line == "" {
		return Head{Kind: Blank}
	}
	if line[0] == '#' {
		return Head{Kind: Comment}
	}
	w, rest, _ := NextWord(line, 0)
	h := Head{Kind: Directive, Word: w, Rest: rest, Name: w.Value}
	if len(w.Value) >= 2 && w.Value[0] == '<' && w.Value[1] == '/' {
		h.Kind = Close
		h.Name = w.Value[2:]
		if strings.HasSuffix(h.Name, ">") {
			h.Name = h.Name[:len(h.Name)-1]
		} else {
			h.MissingGT = true
		}
		return h
	}
	h.Name = strings.TrimSuffix(h.Name, ">")
	if w.Value != "" && w.Value[0] == '<' {
		h.Kind = Open
		h.Name = h.Name[1:]
		if rest < len(line) && strings.LastIndexByte(line[rest:], '>') < 0 {
			h.MissingGT = true
		}
	}
	return h
}

// HeaderArgs returns the bounds, within line, of the argument text of a
// section's opening line: from h.Rest up to (not including) the last '>',
// with whitespace trimmed, as the section handlers read it (ap_strrchr of
// '>'). Text after that '>' is ignored by httpd.
func HeaderArgs(line string, h Head) (start, end int) {
	rest := line[h.Rest:]
	gt := strings.LastIndexByte(rest, '>')
	if gt < 0 {
		gt = len(rest)
	}
	a, e := TrimSpace(rest[:gt])
	return h.Rest + a, h.Rest + e
}
