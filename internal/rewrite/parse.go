// Package rewrite is mod_rewrite as httpd 2.4 runs it, as pure functions
// over parsed configuration: the directives (RewriteEngine, RewriteOptions,
// RewriteBase, RewriteCond, RewriteRule, RewriteMap) parsed with httpd's own
// error messages, the per-server and per-directory configurations merged as
// config_server_merge and config_perdir_merge do, and the rule engine
// (apply_rewrite_list, apply_rewrite_rule, apply_rewrite_cond, do_expand)
// with the dispositions of hook_uri2file (server context, translate_name)
// and hook_fixup (per-directory context, fixups).
//
// Hook order (register_hooks, checked on the server in
// testdata/oracle/rewrite-inherit-order): at translate_name mod_rewrite
// runs first, then mod_proxy (ProxyPass), then mod_alias (Alias,
// Redirect), then mod_userdir and core. A server-context result
// Passthrough ([PT]) or Declined lets the later translators see the URI;
// Rewritten (a file name), Redirect, Status and Proxy end the phase. At
// fixups the per-directory rules run before mod_proxy's fixup.
//
// What a rule set reads from the request comes through the small Request
// interface the caller implements; what the engine cannot know statically
// (the time, a prg: map, a random map's choice, an expr condition it cannot
// decide, a file whose existence the caller does not know) is never guessed:
// evaluation stops with Action Undecided and says why in Unmodelled.
//
// The source this follows is modules/mappers/mod_rewrite.c of httpd 2.4.x.
package rewrite

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/pcre"
	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Error is a directive httpd refuses. Msg is httpd's own message (what
// apache2 -t prints after "Syntax error on line N of FILE:").
type Error struct {
	Pos ast.Position
	Msg string
	Err error // the regex compiler's error, when that is the cause
}

func (e *Error) Error() string {
	if e.Pos.IsValid() {
		return e.Pos.String() + ": " + e.Msg
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

func errorAt(d *ast.Directive, err error, format string, args ...any) *Error {
	e := &Error{Msg: fmt.Sprintf(format, args...), Err: err}
	if d != nil {
		e.Pos = d.Pos()
	}
	return e
}

// RuleFlag is one of a RewriteRule's boolean flags.
type RuleFlag uint32

// The flags of cmd_rewriterule_setflag (RULEFLAG_*).
const (
	FlagForceRedirect    RuleFlag = 1 << iota // R
	FlagLast                                  // L
	FlagNewRound                              // N
	FlagChain                                 // C
	FlagIgnoreOnSubreq                        // NS
	FlagPassThrough                           // PT
	FlagProxy                                 // P
	FlagQSAppend                              // QSA
	FlagNoCase                                // NC
	FlagNoEscape                              // NE
	FlagNoSub                                 // substitution "-" (or F, G, R=non-3xx)
	FlagStatus                                // F, G, R=non-3xx: answer with Rule.Status
	FlagEscapeBackref                         // B
	FlagDiscardPathInfo                       // DPI
	FlagQSDiscard                             // QSD
	FlagEnd                                   // END
	FlagEscapeNoPlus                          // BNP
	FlagQSLast                                // QSL (also set by a trailing '?' with QSA)
	FlagQSNone                                // a trailing '?' (without QSA), or QSD with no '?'
	FlagUnsafePrefixStat                      // UnsafePrefixStat
	FlagUnsafeAllow3F                         // UnsafeAllow3F
	FlagUNC                                   // UNC
	FlagEscapeCtls                            // BCTLS
	FlagNotMatch                              // the pattern starts with '!'
)

// DefaultMaxRounds is REWRITE_MAX_ROUNDS, the [N] loop limit unless N=n
// says otherwise.
const DefaultMaxRounds = 32000

// Rule is one RewriteRule with the RewriteConds before it.
type Rule struct {
	Directive    *ast.Directive
	Conds        []*Cond
	Pattern      string // without a leading '!'
	Substitution string // "-" for none (FlagNoSub)
	Flags        RuleFlag
	Status       int      // R=code (302 by default), F 403, G 410
	Skip         int      // S=n
	MaxRounds    int      // N=n, DefaultMaxRounds unless set
	Env          []string // E=…, unexpanded, in order
	Cookies      []string // CO=…, recorded only
	Type         string   // T=…, unexpanded
	Handler      string   // H=…, unexpanded
	Escapes      string   // B=chars
	NoEscapes    string   // BNE=chars
	re           *pcre.Fast
}

// Has reports whether all of the flags are set.
func (r *Rule) Has(f RuleFlag) bool { return r.Flags&f == f }

// CondKind is how a RewriteCond tests its input (CONDPAT_*).
type CondKind uint8

// The test forms of cmd_rewritecond.
const (
	CondRegex      CondKind = iota
	CondFileExists          // -f: a regular file
	CondFileSize            // -s: a regular file of size > 0
	CondFileLink            // -l -L -h: a symbolic link
	CondFileDir             // -d
	CondFileXBit            // -x: any execute bit
	CondLookupURL           // -U: a sub-request by URL answers < 400
	CondLookupFile          // -F: a sub-request by file answers < 300 and the file exists
	CondStrLT               // <
	CondStrLE               // <=
	CondStrEQ               // =
	CondStrGT               // >
	CondStrGE               // >=
	CondIntLT               // -lt
	CondIntLE               // -le
	CondIntEQ               // -eq (and -ne, negated)
	CondIntGT               // -gt
	CondIntGE               // -ge
	CondExpr                // RewriteCond expr "…"
)

// Cond is one RewriteCond.
type Cond struct {
	Directive *ast.Directive
	Input     string   // TestString, unexpanded
	Pattern   string   // CondPattern after '!' and its operator ("=", "-f", "-lt" …)
	Kind      CondKind //
	Negate    bool     // '!' (or -ne)
	NoCase    bool     // NC (dropped, with httpd's warning, for tests other than regex and string comparisons)
	OrNext    bool     // OR
	NoVary    bool     // NV
	re        *pcre.Fast
}

// argLine is the directive's argument text as its RAW_ARGS handler gets
// it: httpd passes the line after the name (with ${VAR} resolved) and
// mod_rewrite splits it itself (parseargline). Unquoted words are their
// values (the loader expanded ${VAR} there); quoted words keep their quotes
// so that parseargline reads them as httpd does.
func argLine(d *ast.Directive) string {
	var b strings.Builder
	for i, a := range d.Args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a.Quote() != 0 && a.Raw != "" {
			b.WriteString(a.Raw)
		} else if a.Quote() != 0 || strings.ContainsAny(a.Value, " \t") {
			b.WriteString(syntax.Quote(a.Value, '"'))
		} else {
			b.WriteString(a.Value)
		}
	}
	return b.String()
}

// parseArgLine is mod_rewrite's parseargline: up to three words, each
// optionally in single or double quotes (no escapes inside, except that a
// backslash before a space keeps the space in the word, backslash and
// all). It reports false when there is no second word.
func parseArgLine(s string) (a1, a2, a3 string, hasA3 bool, ok bool) {
	i := 0
	word := func() (string, bool) {
		var quote byte
		if i < len(s) && (s[i] == '"' || s[i] == '\'') {
			quote = s[i]
			i++
		}
		start := i
		for ; i < len(s); i++ {
			c := s[i]
			if (isSpace(c) && quote == 0) || (quote != 0 && c == quote) {
				break
			}
			if c == '\\' && i+1 < len(s) && isSpace(s[i+1]) {
				i++
			}
		}
		w := s[start:i]
		end := i >= len(s)
		if !end {
			i++ // the terminator
		}
		return w, end
	}
	skip := func() {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
	}
	skip()
	a1, end := word()
	if end {
		return a1, "", "", false, false
	}
	skip()
	a2, end = word()
	if end {
		return a1, a2, "", false, true
	}
	skip()
	if i >= len(s) {
		return a1, a2, "", false, true
	}
	a3, _ = word()
	return a1, a2, a3, true, true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// parseFlagField is cmd_parseflagfield: "[k1=v1,k2,…]"; each key and
// value is passed to set in order; the first error stops it.
func parseFlagField(field string, set func(key, val string) string) string {
	if len(field) < 1 || field[0] != '[' || field[len(field)-1] != ']' {
		return "bad flag delimiters"
	}
	if len(field) == 1 { // "[": the same byte is both delimiters
		return "bad flag delimiters"
	}
	body := field[1:len(field)-1] + ","
	for len(body) > 0 {
		for len(body) > 0 && isSpace(body[0]) {
			body = body[1:]
		}
		comma := strings.IndexByte(body, ',')
		if body == "" || comma < 0 {
			break
		}
		item := strings.TrimRightFunc(body[:comma], func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
		key, val, _ := strings.Cut(item, "=")
		if err := set(key, val); err != "" {
			return err
		}
		body = body[comma+1:]
	}
	return ""
}

// ParseCond parses a RewriteCond directive.
func ParseCond(d *ast.Directive) (*Cond, error) {
	line := argLine(d)
	a1, a2, a3, hasA3, ok := parseArgLine(line)
	if !ok {
		return nil, errorAt(d, nil, "RewriteCond: bad argument line '%s'", line)
	}
	c := &Cond{Directive: d, Input: a1}
	if hasA3 {
		if err := parseFlagField(a3, c.setFlag); err != "" {
			return nil, errorAt(d, nil, "RewriteCond: %s", err)
		}
	}
	p := a2
	if strings.HasPrefix(p, "!") {
		c.Negate = true
		p = p[1:]
	}
	c.Kind = CondRegex
	if syntax.EqualFoldASCII(a1, "expr") {
		c.Kind = CondExpr
	} else if len(p) >= 2 {
		if p[0] == '-' {
			if len(p) == 2 {
				switch p[1] {
				case 'f':
					c.Kind = CondFileExists
				case 's':
					c.Kind = CondFileSize
				case 'd':
					c.Kind = CondFileDir
				case 'x':
					c.Kind = CondFileXBit
				case 'h', 'L', 'l':
					c.Kind = CondFileLink
				case 'U':
					c.Kind = CondLookupURL
				case 'F':
					c.Kind = CondLookupFile
				}
			} else if len(p) >= 4 {
				// "-lt5" etc.: the operator is the first three bytes, the
				// rest is the number (cmd_rewritecond needs a2[3]).
				switch p[1:3] {
				case "lt":
					c.Kind, p = CondIntLT, p[3:]
				case "le":
					c.Kind, p = CondIntLE, p[3:]
				case "gt":
					c.Kind, p = CondIntGT, p[3:]
				case "ge":
					c.Kind, p = CondIntGE, p[3:]
				case "eq":
					c.Kind, p = CondIntEQ, p[3:]
				case "ne":
					c.Kind, p = CondIntEQ, p[3:]
					c.Negate = !c.Negate
				}
			}
		} else {
			switch p[0] {
			case '>':
				if p[1] == '=' {
					c.Kind, p = CondStrGE, p[2:]
				} else {
					c.Kind, p = CondStrGT, p[1:]
				}
			case '<':
				if p[1] == '=' {
					c.Kind, p = CondStrLE, p[2:]
				} else {
					c.Kind, p = CondStrLT, p[1:]
				}
			case '=':
				c.Kind, p = CondStrEQ, p[1:]
				if p == `""` { // "" stands for the empty string
					p = ""
				}
			}
		}
	}
	if c.Kind != CondRegex && (c.Kind < CondStrLT || c.Kind > CondStrGE) {
		c.NoCase = false // httpd warns (AH00665) and ignores NC here
	}
	c.Pattern = p
	switch c.Kind {
	case CondRegex:
		re, err := pcre.CompileFast(p, c.NoCase)
		if err != nil {
			return nil, errorAt(d, err, "RewriteCond: cannot compile regular expression '%s'", p)
		}
		c.re = re
	case CondExpr:
		// ap_expr_parse_cmd compiles it at start-up; we keep the text
		// (after a leading '!', which negates, as for every form) and
		// decide only the trivial forms at request time.
	}
	return c, nil
}

func (c *Cond) setFlag(key, _ string) string {
	switch {
	case syntax.EqualFoldASCII(key, "nocase"), syntax.EqualFoldASCII(key, "NC"):
		c.NoCase = true
	case syntax.EqualFoldASCII(key, "ornext"), syntax.EqualFoldASCII(key, "OR"):
		c.OrNext = true
	case syntax.EqualFoldASCII(key, "novary"), syntax.EqualFoldASCII(key, "NV"):
		c.NoVary = true
	default:
		return "unknown flag '" + key + "'"
	}
	return ""
}

// ParseRule parses a RewriteRule directive; conds are the RewriteConds
// that precede it in the same context (they become the rule's).
func ParseRule(d *ast.Directive, conds []*Cond) (*Rule, error) {
	line := argLine(d)
	a1, a2, a3, hasA3, ok := parseArgLine(line)
	if !ok {
		return nil, errorAt(d, nil, "RewriteRule: bad argument line '%s'", line)
	}
	r := &Rule{Directive: d, Conds: conds, Status: 302, MaxRounds: DefaultMaxRounds}
	if hasA3 {
		if err := parseFlagField(a3, r.setFlag); err != "" {
			return nil, errorAt(d, nil, "RewriteRule: %s", err)
		}
	}
	if strings.HasPrefix(a1, "!") {
		r.Flags |= FlagNotMatch
		a1 = a1[1:]
	}
	re, err := pcre.CompileFast(a1, r.Has(FlagNoCase))
	if err != nil {
		return nil, errorAt(d, err, "RewriteRule: cannot compile regular expression '%s'", a1)
	}
	r.Pattern, r.re = a1, re
	r.Substitution = a2
	if a2 == "-" {
		r.Flags |= FlagNoSub
	}
	if strings.HasSuffix(a2, "?") {
		// A literal '?' ends the substitution: with QSA it is the last
		// '?' that splits; without, the query string is dropped and the
		// '?' removed.
		if r.Has(FlagQSAppend) {
			r.Flags |= FlagQSLast
		} else {
			r.Flags |= FlagQSNone
			r.Substitution = a2[:len(a2)-1]
		}
	} else if r.Has(FlagQSDiscard) && !strings.Contains(a2, "?") {
		r.Flags |= FlagQSNone
	}
	return r, nil
}

func (r *Rule) setFlag(key, val string) string {
	if key == "" {
		return "unknown flag ''"
	}
	first, rest := key[0], key[1:]
	is := func(s string) bool { return syntax.EqualFoldASCII(rest, s) }
	bad := false
	switch first {
	case 'b', 'B':
		switch {
		case rest == "" || is("ackrefescaping"):
			r.Flags |= FlagEscapeBackref
			if val != "" {
				r.Escapes = val
			}
		case is("NE"):
			if val == "" {
				return "flag 'BNE' wants a list of characters (i.e. [BNE=...])"
			}
			r.NoEscapes = val
		case is("NP"), is("ackrefernoplus"):
			r.Flags |= FlagEscapeNoPlus
		case is("CTLS"):
			r.Flags |= FlagEscapeCtls | FlagEscapeBackref
		default:
			bad = true
		}
	case 'c', 'C':
		switch {
		case rest == "" || is("hain"):
			r.Flags |= FlagChain
		case is("O") || is("ookie"):
			r.Cookies = append(r.Cookies, val)
		default:
			bad = true
		}
	case 'd', 'D':
		// cmd_rewriterule_setflag accepts any D… silently; only D, DPI
		// and discardpath set the flag.
		if rest == "" || is("PI") || is("iscardpath") {
			r.Flags |= FlagDiscardPathInfo
		}
	case 'e', 'E':
		switch {
		case rest == "" || is("nv"):
			r.Env = append(r.Env, val)
		case is("nd"):
			r.Flags |= FlagEnd
		default:
			bad = true
		}
	case 'f', 'F':
		if rest == "" || is("orbidden") {
			r.Flags |= FlagStatus | FlagNoSub
			r.Status = 403
		} else {
			bad = true
		}
	case 'g', 'G':
		if rest == "" || is("one") {
			r.Flags |= FlagStatus | FlagNoSub
			r.Status = 410
		} else {
			bad = true
		}
	case 'h', 'H':
		if rest == "" || is("andler") {
			r.Handler = val
		} else {
			bad = true
		}
	case 'l', 'L':
		if rest == "" || is("ast") {
			r.Flags |= FlagLast
		} else {
			bad = true
		}
	case 'n', 'N':
		switch {
		case is("E") || is("oescape"):
			r.Flags |= FlagNoEscape
		case rest == "" || is("ext"):
			r.Flags |= FlagNewRound
			if val != "" {
				r.MaxRounds = atoi(val)
			}
		case is("S") || is("osubreq"):
			r.Flags |= FlagIgnoreOnSubreq
		case is("C") || is("ocase"):
			r.Flags |= FlagNoCase
		default:
			bad = true
		}
	case 'p', 'P':
		switch {
		case rest == "" || is("roxy"):
			r.Flags |= FlagProxy
		case is("T") || is("assthrough"):
			r.Flags |= FlagPassThrough
		default:
			bad = true
		}
	case 'q', 'Q':
		switch {
		case is("SA") || is("sappend"):
			r.Flags |= FlagQSAppend
		case is("SD") || is("sdiscard"):
			r.Flags |= FlagQSDiscard
		case is("SL") || is("slast"):
			r.Flags |= FlagQSLast
		default:
			bad = true
		}
	case 'r', 'R':
		if rest == "" || is("edirect") {
			r.Flags |= FlagForceRedirect
			if val != "" {
				status := 0
				switch {
				case syntax.EqualFoldASCII(val, "permanent"):
					status = 301
				case syntax.EqualFoldASCII(val, "temp"):
					status = 302
				case syntax.EqualFoldASCII(val, "seeother"):
					status = 303
				case val[0] >= '0' && val[0] <= '9':
					status = atoi(val)
					if status != 500 && !knownStatus(status) {
						return "invalid HTTP response code '" + val + "' for flag 'R'"
					}
					if status < 300 || status > 399 {
						r.Flags |= FlagStatus | FlagNoSub
					}
				}
				// An unrecognised word leaves 0: the redirect is then
				// answered 302 (hook_uri2file's ap_is_HTTP_REDIRECT test).
				r.Status = status
			}
		} else {
			bad = true
		}
	case 's', 'S':
		if rest == "" || is("kip") {
			r.Skip = atoi(val)
		} else {
			bad = true
		}
	case 't', 'T':
		if rest == "" || is("ype") {
			r.Type = val
		} else {
			bad = true
		}
	case 'u', 'U':
		switch {
		case is("nsafePrefixStat"):
			r.Flags |= FlagUnsafePrefixStat
		case is("nsafeAllow3F"):
			r.Flags |= FlagUnsafeAllow3F
		case is("NC"):
			r.Flags |= FlagUNC
		default:
			bad = true
		}
	default:
		bad = true
	}
	if bad {
		return "unknown flag '" + key + "'"
	}
	return ""
}

// atoi is C's atoi: leading spaces, an optional sign, digits; 0 for none.
func atoi(s string) int {
	s = strings.TrimLeft(s, " \t\n\r\f\v")
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			if strings.HasPrefix(s, "-") {
				return -1 << 31
			}
			return 1<<31 - 1
		}
		return 0
	}
	return n
}

// knownStatus reports whether httpd has a status line for code
// (ap_index_of_response does not fall back to 500).
func knownStatus(code int) bool {
	switch {
	case code >= 100 && code <= 102, code >= 200 && code <= 208, code == 226,
		code >= 300 && code <= 305, code == 307, code == 308,
		code >= 400 && code <= 417, code >= 421 && code <= 424, code == 426,
		code == 428, code == 429, code == 431, code == 451,
		code >= 500 && code <= 508, code == 510, code == 511:
		return true
	}
	return false
}
