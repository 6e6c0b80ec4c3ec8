// Package pcre compiles the regular expressions of httpd configurations.
// httpd uses PCRE2 (ap_pregcomp) for every regex it reads — SetEnvIf,
// <DirectoryMatch>, <FilesMatch>, <LocationMatch>, RewriteRule,
// RedirectMatch, AliasMatch, <If> — and configurations use PCRE features
// Go's RE2 lacks (lookahead, backreferences). This wraps regexp2, which
// has them, behind a small API with byte offsets.
package pcre

import (
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
)

// Regexp is a compiled pattern.
type Regexp struct {
	re     *regexp2.Regexp
	source string
}

// matchTimeout bounds catastrophic backtracking on hostile input.
const matchTimeout = 100 * time.Millisecond

// Compile compiles pattern; icase makes it case-insensitive (NC, NoCase,
// the "i" flag).
func Compile(pattern string, icase bool) (*Regexp, error) {
	opts := regexp2.None
	if icase {
		opts |= regexp2.IgnoreCase
	}
	re, err := regexp2.Compile(pattern, opts)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = matchTimeout
	return &Regexp{re: re, source: pattern}, nil
}

// MustCompile is Compile that panics, for patterns in code.
func MustCompile(pattern string) *Regexp {
	re, err := Compile(pattern, false)
	if err != nil {
		panic(err)
	}
	return re
}

// String returns the source pattern.
func (r *Regexp) String() string { return r.source }

// MatchString reports whether s contains a match.
func (r *Regexp) MatchString(s string) bool {
	ok, err := r.re.MatchString(s)
	return err == nil && ok
}

// FindStringSubmatchIndex is regexp.Regexp's: pairs of byte offsets of
// the match and its groups (-1 for a group that did not take part), or
// nil.
func (r *Regexp) FindStringSubmatchIndex(s string) []int {
	m, err := r.re.FindStringMatch(s)
	if err != nil || m == nil {
		return nil
	}
	groups := m.Groups()
	out := make([]int, 2*len(groups))
	runeToByte := runeOffsets(s)
	for i, g := range groups {
		if len(g.Captures) == 0 {
			out[2*i], out[2*i+1] = -1, -1
			continue
		}
		out[2*i] = runeToByte(g.Index)
		out[2*i+1] = runeToByte(g.Index + g.Length)
	}
	return out
}

// FindStringSubmatch returns the match and its groups as strings, or nil.
func (r *Regexp) FindStringSubmatch(s string) []string {
	idx := r.FindStringSubmatchIndex(s)
	if idx == nil {
		return nil
	}
	out := make([]string, len(idx)/2)
	for i := range out {
		if idx[2*i] >= 0 {
			out[i] = s[idx[2*i]:idx[2*i+1]]
		}
	}
	return out
}

// runeOffsets maps regexp2's rune indexes to byte offsets.
func runeOffsets(s string) func(int) int {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return func(i int) int { return i }
	}
	var starts []int
	for i := range s {
		starts = append(starts, i)
	}
	starts = append(starts, len(s))
	return func(i int) int {
		if i >= len(starts) {
			return len(s)
		}
		return starts[i]
	}
}
