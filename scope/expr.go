package scope

import (
	"errors"
	"github.com/apacheconf/apacheconf/internal/pcre"
	"net/netip"
	"path"
	"strconv"
	"strings"
)

// errUndecided marks an expression that needs what only a live request
// (or a file system check we do not do) would tell.
var errUndecided = errors.New("cannot be decided statically")

// exprEnv is what an ap_expr expression can read at <If> time.
type exprEnv struct {
	vars    map[string]string // upper-case variable names
	headers map[string]string
	env     func(string) (string, bool)
	remote  netip.Addr
	// stat looks a path up in the request's file system (nil: file
	// tests stay undecided).
	stat func(string) fileType
}

// evalExpr evaluates an ap_expr boolean expression (server/util_expr_*).
// It supports true/false, !, &&, ||, parentheses, the string and integer
// comparisons, =~ and !~ with /re/ or m#re#, -n, -z, -R, -ipmatch,
// -strmatch/-strcmatch/-fnmatch, -in with {…} lists, %{VAR}, %{ENV:X},
// %{HTTP:X} and the req/http/env/tolower/toupper functions.
func evalExpr(src string, e *exprEnv) (bool, error) {
	p := &exprParser{s: src, e: e}
	v, err := p.or()
	if err != nil {
		return false, err
	}
	p.space()
	if p.i != len(p.s) {
		return false, errUndecided
	}
	return v, nil
}

type exprParser struct {
	s string
	i int
	e *exprEnv
}

func (p *exprParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *exprParser) eat(tok string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *exprParser) or() (bool, error) {
	l, err := p.and()
	if err != nil {
		return false, err
	}
	for p.eat("||") {
		r, err := p.and()
		if err != nil {
			return false, err
		}
		l = l || r
	}
	return l, nil
}

func (p *exprParser) and() (bool, error) {
	l, err := p.not()
	if err != nil {
		return false, err
	}
	for p.eat("&&") {
		r, err := p.not()
		if err != nil {
			return false, err
		}
		l = l && r
	}
	return l, nil
}

func (p *exprParser) not() (bool, error) {
	if p.eat("!") && !strings.HasPrefix(p.s[p.i:], "=") && !strings.HasPrefix(p.s[p.i:], "~") {
		v, err := p.not()
		return !v, err
	}
	return p.primary()
}

func (p *exprParser) primary() (bool, error) {
	if p.eat("(") {
		v, err := p.or()
		if err != nil {
			return false, err
		}
		if !p.eat(")") {
			return false, errUndecided
		}
		return v, nil
	}
	if p.keyword("true") {
		return true, nil
	}
	if p.keyword("false") {
		return false, nil
	}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '-' {
		op := p.op()
		switch op {
		case "-n", "-z", "-T", "-R":
			w, err := p.word()
			if err != nil {
				return false, err
			}
			switch op {
			case "-n":
				return w != "", nil
			case "-z":
				return w == "", nil
			case "-T":
				lw := strings.ToLower(w)
				return !(w == "" || lw == "0" || lw == "off" || lw == "false" || lw == "no"), nil
			case "-R":
				return ipMatches(w, p.e.remote), nil
			}
		case "-f", "-d", "-e":
			// Whether a path is a regular file, a directory, either.
			w, err := p.word()
			if err != nil || p.e.stat == nil {
				return false, errUndecided
			}
			t := p.e.stat(w)
			return op == "-e" && t != noFile || op == "-f" && t == regFile || op == "-d" && t == dirFile, nil
		}
		return false, errUndecided // -s, -L, -x, -F, -U, -A: file checks
	}
	l, err := p.word()
	if err != nil {
		return false, err
	}
	p.space()
	for _, op := range []string{"==", "!=", "<=", ">=", "=~", "!~", "<", ">", "="} {
		if !p.eat(op) {
			continue
		}
		if op == "=~" || op == "!~" {
			re, err := p.regex()
			if err != nil {
				return false, err
			}
			return re.MatchString(l) == (op == "=~"), nil
		}
		r, err := p.word()
		if err != nil {
			return false, err
		}
		switch op {
		case "==", "=":
			return l == r, nil
		case "!=":
			return l != r, nil
		case "<":
			return l < r, nil
		case "<=":
			return l <= r, nil
		case ">":
			return l > r, nil
		}
		return l >= r, nil
	}
	if p.i < len(p.s) && p.s[p.i] == '-' {
		op := p.op()
		switch op {
		case "-eq", "-ne", "-lt", "-le", "-gt", "-ge":
			r, err := p.word()
			if err != nil {
				return false, err
			}
			a, err1 := strconv.Atoi(strings.TrimSpace(l))
			b, err2 := strconv.Atoi(strings.TrimSpace(r))
			if err1 != nil || err2 != nil {
				return false, errUndecided
			}
			return map[string]bool{"-eq": a == b, "-ne": a != b, "-lt": a < b, "-le": a <= b, "-gt": a > b, "-ge": a >= b}[op], nil
		case "-ipmatch":
			r, err := p.word()
			if err != nil {
				return false, err
			}
			ip, err := netip.ParseAddr(l)
			return err == nil && ipMatches(r, ip), nil
		case "-strmatch", "-strcmatch", "-fnmatch":
			r, err := p.word()
			if err != nil {
				return false, err
			}
			if op == "-strcmatch" {
				l, r = strings.ToLower(l), strings.ToLower(r)
			}
			ok, _ := path.Match(r, l)
			return ok, nil
		case "-in":
			list, err := p.list()
			if err != nil {
				return false, err
			}
			for _, x := range list {
				if x == l {
					return true, nil
				}
			}
			return false, nil
		}
	}
	return false, errUndecided
}

func (p *exprParser) keyword(k string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], k) {
		end := p.i + len(k)
		if end == len(p.s) || !isIdent(p.s[end]) {
			p.i = end
			return true
		}
	}
	return false
}

func isIdent(c byte) bool {
	return c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func (p *exprParser) op() string {
	p.space()
	j := p.i + 1
	for j < len(p.s) && isIdent(p.s[j]) {
		j++
	}
	op := p.s[p.i:j]
	p.i = j
	return op
}

// word reads a string operand: a quoted string with %{} interpolation,
// a %{VAR}, a number, or a function call; "." concatenates.
func (p *exprParser) word() (string, error) {
	w, err := p.word1()
	if err != nil {
		return "", err
	}
	for p.eat(".") {
		r, err := p.word1()
		if err != nil {
			return "", err
		}
		w += r
	}
	return w, nil
}

func (p *exprParser) word1() (string, error) {
	p.space()
	if p.i >= len(p.s) {
		return "", errUndecided
	}
	switch c := p.s[p.i]; {
	case c == '\'' || c == '"':
		end := strings.IndexByte(p.s[p.i+1:], c)
		if end < 0 {
			return "", errUndecided
		}
		raw := p.s[p.i+1 : p.i+1+end]
		p.i += end + 2
		return p.interpolate(raw)
	case c == '%':
		end := strings.IndexByte(p.s[p.i:], '}')
		if end < 0 || !strings.HasPrefix(p.s[p.i:], "%{") {
			return "", errUndecided
		}
		name := p.s[p.i+2 : p.i+end]
		p.i += end + 1
		return p.variable(name)
	case c >= '0' && c <= '9':
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		w := p.s[p.i:j]
		p.i = j
		return w, nil
	case isIdent(c):
		j := p.i
		for j < len(p.s) && isIdent(p.s[j]) {
			j++
		}
		fn := strings.ToLower(p.s[p.i:j])
		p.i = j
		if !p.eat("(") {
			return "", errUndecided
		}
		arg, err := p.word()
		if err != nil {
			return "", err
		}
		if !p.eat(")") {
			return "", errUndecided
		}
		switch fn {
		case "req", "http":
			return p.header(arg), nil
		case "env":
			v, _ := p.e.env(arg)
			return v, nil
		case "tolower":
			return strings.ToLower(arg), nil
		case "toupper":
			return strings.ToUpper(arg), nil
		}
		return "", errUndecided
	}
	return "", errUndecided
}

func (p *exprParser) header(name string) string {
	for k, v := range p.e.headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

func (p *exprParser) interpolate(raw string) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(raw, "%{")
		if i < 0 {
			b.WriteString(raw)
			return b.String(), nil
		}
		end := strings.IndexByte(raw[i:], '}')
		if end < 0 {
			return "", errUndecided
		}
		b.WriteString(raw[:i])
		v, err := p.variable(raw[i+2 : i+end])
		if err != nil {
			return "", err
		}
		b.WriteString(v)
		raw = raw[i+end+1:]
	}
}

func (p *exprParser) variable(name string) (string, error) {
	if fn, arg, ok := strings.Cut(name, ":"); ok {
		switch strings.ToUpper(fn) {
		case "ENV":
			v, _ := p.e.env(arg)
			return v, nil
		case "HTTP", "REQ":
			return p.header(arg), nil
		}
		return "", errUndecided
	}
	up := strings.ToUpper(name)
	if v, ok := p.e.vars[up]; ok {
		return v, nil
	}
	if h, ok := strings.CutPrefix(up, "HTTP_"); ok {
		return p.header(strings.ReplaceAll(h, "_", "-")), nil
	}
	return "", errUndecided
}

// regex reads /re/flags or m#re#flags.
func (p *exprParser) regex() (*pcre.Regexp, error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, errUndecided
	}
	delim := p.s[p.i]
	if delim == 'm' && p.i+1 < len(p.s) {
		p.i++
		delim = p.s[p.i]
	} else if delim != '/' {
		return nil, errUndecided
	}
	end := strings.IndexByte(p.s[p.i+1:], delim)
	if end < 0 {
		return nil, errUndecided
	}
	body := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	icase := false
	for p.i < len(p.s) && p.s[p.i] == 'i' {
		icase = true
		p.i++
	}
	re, err := pcre.Compile(body, icase)
	if err != nil {
		return nil, errUndecided
	}
	return re, nil
}

func (p *exprParser) list() ([]string, error) {
	if !p.eat("{") {
		return nil, errUndecided
	}
	var out []string
	for {
		w, err := p.word()
		if err != nil {
			return nil, err
		}
		out = append(out, w)
		if p.eat("}") {
			return out, nil
		}
		if !p.eat(",") {
			return nil, errUndecided
		}
	}
}
