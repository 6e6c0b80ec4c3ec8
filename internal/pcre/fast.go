package pcre

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// Fast is a PCRE pattern (Regexp, which follows httpd's PCRE) with a
// fast path: when the pattern also compiles as RE2 and means the
// same there, inputs of printable ASCII are matched by Go's regexp, which
// gives the same leftmost-first submatches an order of magnitude faster.
// Other inputs, and patterns RE2 lacks (back-references, lookaround,
// possessive quantifiers …), go to PCRE.
type Fast struct {
	pcre *Regexp
	fast *regexp.Regexp
	// anchoredPrefix is the literal every match starts with when the
	// pattern is anchored ("^/api/…"): a cheap test that rejects most
	// requests before any matcher runs.
	anchoredPrefix string
	// required is a literal every match contains (the longest of the
	// top-level concatenation's literals): absent from the input, there
	// is no match.
	required string
}

// CompileFast compiles pattern as Compile does, with the fast path where
// RE2 means the same.
func CompileFast(pattern string, icase bool) (*Fast, error) {
	p, err := Compile(pattern, icase)
	if err != nil {
		return nil, err
	}
	r := &Fast{pcre: p}
	// "{,n}" is a quantifier in newer PCRE2 and a literal in RE2.
	if !strings.Contains(pattern, "{,") {
		src := pattern
		if icase {
			src = "(?i)" + src
		}
		if f, err := regexp.Compile(src); err == nil {
			r.fast = f
			if !icase {
				r.anchoredPrefix, r.required = literals(pattern)
			}
		}
	}
	return r, nil
}

// literals reads, as RE2 parses the pattern, the literal right after a
// leading '^' and the longest literal of the top-level concatenation
// (every match contains it); "" where there is none.
func literals(pattern string) (anchored, required string) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", ""
	}
	re = re.Simplify()
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	for i, sub := range subs {
		if sub.Op != syntax.OpLiteral || sub.Flags&syntax.FoldCase != 0 {
			continue
		}
		lit := string(sub.Rune)
		if i == 1 && subs[0].Op == syntax.OpBeginText {
			anchored = lit
		}
		if len(lit) > len(required) {
			required = lit
		}
	}
	return anchored, required
}

// plainASCII: no byte where PCRE and RE2 could disagree (newline before
// '$', \v in \s, non-ASCII case folding and classes).
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// FindStringSubmatchIndex is Regexp's.
func (r *Fast) FindStringSubmatchIndex(s string) []int {
	if r.anchoredPrefix != "" && !strings.HasPrefix(s, r.anchoredPrefix) ||
		r.required != "" && !strings.Contains(s, r.required) {
		return nil
	}
	if r.fast != nil && plainASCII(s) {
		return r.fast.FindStringSubmatchIndex(s)
	}
	return r.pcre.FindStringSubmatchIndex(s)
}

// MatchString reports whether s matches, without the submatches.
func (r *Fast) MatchString(s string) bool {
	if r.anchoredPrefix != "" && !strings.HasPrefix(s, r.anchoredPrefix) ||
		r.required != "" && !strings.Contains(s, r.required) {
		return false
	}
	if r.fast != nil && plainASCII(s) {
		return r.fast.MatchString(s)
	}
	return r.pcre.MatchString(s)
}
