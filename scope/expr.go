package scope

import (
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/pcre"
	"github.com/apacheconf/apacheconf/internal/urlmap"
)

// errUndecided marks an expression that needs what only a live request
// (or a file system check we do not do) would tell. Errors of evaluation
// wrap it (errors.Is) and say what was missing.
var errUndecided = errors.New("cannot be decided statically")

// exprUndecided is errUndecided with what the expression needed.
type exprUndecided struct{ what string }

func (e *exprUndecided) Error() string { return "cannot be decided statically: " + e.what }
func (e *exprUndecided) Is(t error) bool {
	return t == errUndecided
}

func undecided(what string) error { return &exprUndecided{what} }

// exprRefused is an expression httpd refuses when it reads the
// configuration ("Cannot parse condition clause: …"): an unknown
// variable, function or operator, a subnet that is not a constant. It is
// undecided for a request (errors.Is errUndecided); CheckExprs reports it.
type exprRefused struct{ msg string }

func (e *exprRefused) Error() string   { return "httpd refuses the expression: " + e.msg }
func (e *exprRefused) Is(t error) bool { return t == errUndecided }

func refused(msg string) error { return &exprRefused{msg} }

// exprFailed is an evaluation error httpd itself reports (ap_expr_exec
// returns -1): an <If> counts it false, Require expr answers
// AUTHZ_GENERAL_ERROR (500).
type exprFailed struct{ msg string }

func (e *exprFailed) Error() string { return "evaluation fails: " + e.msg }

// exprEnv is what an ap_expr expression can read where it is evaluated.
type exprEnv struct {
	// vars are the request variables known at this point (upper-case
	// names, as request_var_names and friends); a name httpd knows but
	// absent here is undecided (see exprUnknowable).
	vars    map[string]string
	headers map[string]string
	// env is r->subprocess_env.
	env func(string) (string, bool)
	// notes is r->notes (nil: none).
	notes  func(string) (string, bool)
	remote netip.Addr
	// stat looks a path up in the request's file system (nil: file
	// tests stay undecided).
	stat func(string) fileType
	// fsys is the file system file(), filesize, -s, -x and -L read (nil:
	// undecided).
	fsys fs.FS
	// lookupURI and lookupFile are the sub-requests of -U/-A and -F
	// (status, ok; nil or !ok: undecided).
	lookupURI  func(uri string) (int, bool)
	lookupFile func(path string) (int, bool)
	// user is r->user when known (nil: undecided: authentication may set it).
	user *string
	// ifs collects the <If> conditions left undecided (and the values
	// assumed for them in a re-run); nil outside a request.
	ifs *ifDecisions
}

// exprUnknowable are the variables httpd knows whose value a
// configuration does not tell: they leave an expression undecided.
var exprUnknowable = map[string]string{
	"TIME_YEAR": "the time of the request", "TIME_MON": "the time of the request", "TIME_DAY": "the time of the request",
	"TIME_HOUR": "the time of the request", "TIME_MIN": "the time of the request", "TIME_SEC": "the time of the request",
	"TIME_WDAY": "the time of the request", "TIME": "the time of the request",
	"SERVER_SOFTWARE": "the server's version banner", "API_VERSION": "the server's module magic number",
	"REMOTE_HOST": "a DNS lookup of the client", "REMOTE_IDENT": "an identd lookup of the client",
	"REMOTE_USER": "the authenticated user", "AUTH_TYPE": "the authentication that ran",
	"REMOTE_PORT": "the client's port", "REQUEST_LOG_ID": "the request's log id", "CONN_LOG_ID": "the connection's log id",
	"LAST_MODIFIED": "the file's modification time", "SCRIPT_USER": "the file's owner", "SCRIPT_GROUP": "the file's group",
	"CONTENT_TYPE": "the content type (set by later phases)", "HANDLER": "the handler (set by later phases)",
	"SERVER_ADMIN": "ServerAdmin",
}

// exprParse parses an ap_expr boolean expression (server/util_expr_parse.y
// and util_expr_scan.l). A syntax httpd refuses is an error wrapping
// errUndecided: the server would not start with it.
func exprParse(src string) (*exprNode, error) {
	p := &exprParser{s: src}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, p.fail("unexpected text")
	}
	return n, nil
}

// evalExpr evaluates an ap_expr boolean expression (server/util_expr_*)
// for the request e describes: the operators, functions and variables of
// util_expr_eval.c (see exprUnknowable and the functions in word.eval
// for what stays undecided).
func evalExpr(src string, e *exprEnv) (bool, error) {
	n, err := exprParseCached(src)
	if err != nil {
		return false, err
	}
	st := &exprState{e: e}
	return n.eval(st)
}

type exprParsed struct {
	node *exprNode
	err  error
}

// exprCache holds parsed expressions by source: a configuration's few
// <If> conditions are evaluated for every request. Parsed trees are not
// changed by evaluation.
var (
	exprCache  sync.Map // string → exprParsed
	exprCached atomic.Int64
)

func exprParseCached(src string) (*exprNode, error) {
	if v, ok := exprCache.Load(src); ok {
		p := v.(exprParsed)
		return p.node, p.err
	}
	n, err := exprParse(src)
	if exprCached.Add(1) <= 4096 { // bounded: a long editing session sees many
		exprCache.Store(src, exprParsed{n, err})
	}
	return n, err
}

// exprNode is a boolean node of a parsed expression.
type exprNode struct {
	op   string // true false ! && || cmp unary binary in =~ !~
	cmp  string // the comparison or operator name
	l, r *exprNode
	a, b *exprWord
	list []*exprWord // -in {…}
	re   *pcre.Regexp
	nsub bool // the regex has capturing groups ($0…$9 are set)
}

const (
	wLit = iota
	wVar
	wFunc
	wConcat
	wBackref
)

// exprWord is a string-valued node.
type exprWord struct {
	kind  int
	s     string      // literal text, variable or function name
	arg   *exprWord   // function argument
	parts []*exprWord // concatenation
	n     int         // backreference number
}

type exprParser struct {
	s string
	i int
}

func (p *exprParser) fail(what string) error {
	at := p.i
	if at > len(p.s) {
		at = len(p.s)
	}
	return undecided("httpd cannot parse the expression (" + what + " at offset " + strconv.Itoa(at) + ")")
}

func (p *exprParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
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

// keyword eats a word token (and, or, not, true, -in …) not followed by
// an identifier character (flex's longest match makes "andx" an id).
func (p *exprParser) keyword(k string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], k) {
		end := p.i + len(k)
		if end == len(p.s) || !isIdentChar(p.s[end]) {
			p.i = end
			return true
		}
	}
	return false
}

func isIdentChar(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func isAlpha(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func (p *exprParser) or() (*exprNode, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	if p.eat("||") || p.keyword("or") {
		r, err := p.or()
		if err != nil {
			return nil, err
		}
		return &exprNode{op: "||", l: l, r: r}, nil
	}
	return l, nil
}

func (p *exprParser) and() (*exprNode, error) {
	l, err := p.not()
	if err != nil {
		return nil, err
	}
	if p.eat("&&") || p.keyword("and") {
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		return &exprNode{op: "&&", l: l, r: r}, nil
	}
	return l, nil
}

func (p *exprParser) not() (*exprNode, error) {
	p.space()
	rest := p.s[p.i:]
	if strings.HasPrefix(rest, "!") && !strings.HasPrefix(rest, "!=") && !strings.HasPrefix(rest, "!~") {
		p.i++
		n, err := p.not()
		if err != nil {
			return nil, err
		}
		return &exprNode{op: "!", l: n}, nil
	}
	if p.keyword("not") {
		n, err := p.not()
		if err != nil {
			return nil, err
		}
		return &exprNode{op: "!", l: n}, nil
	}
	return p.primary()
}

// opName reads "-name" at the cursor (without the dash), or "".
func (p *exprParser) opName() string {
	p.space()
	if p.i+1 >= len(p.s) || p.s[p.i] != '-' || !(isAlpha(p.s[p.i+1]) || p.s[p.i+1] == '_') {
		return ""
	}
	j := p.i + 1
	for j < len(p.s) && isIdentChar(p.s[j]) {
		j++
	}
	return p.s[p.i+1 : j]
}

func (p *exprParser) primary() (*exprNode, error) {
	if p.eat("(") {
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.eat(")") {
			return nil, p.fail("missing )")
		}
		return n, nil
	}
	if p.keyword("true") {
		return &exprNode{op: "true"}, nil
	}
	if p.keyword("false") {
		return &exprNode{op: "false"}, nil
	}
	if name := p.opName(); len(name) == 1 {
		p.i += 2
		w, err := p.word()
		if err != nil {
			return nil, err
		}
		switch name {
		case "n", "z", "R", "T", "d", "e", "f", "s", "L", "h", "x", "F", "U", "A":
		default:
			return nil, refused("Unary operator '" + name + "' does not exist")
		}
		if name == "R" && w.kind != wLit {
			return nil, refused("-R requires subnet/netmask as constant argument")
		}
		return &exprNode{op: "unary", cmp: name, a: w}, nil
	}
	l, err := p.word()
	if err != nil {
		return nil, err
	}
	p.space()
	for _, op := range []string{"==", "!=", "<=", ">=", "=~", "!~", "<", ">", "="} {
		if !p.eat(op) {
			continue
		}
		if op == "=~" || op == "!~" {
			re, nsub, err := p.regex()
			if err != nil {
				return nil, err
			}
			return &exprNode{op: op, a: l, re: re, nsub: nsub}, nil
		}
		r, err := p.word()
		if err != nil {
			return nil, err
		}
		if op == "=" {
			op = "=="
		}
		return &exprNode{op: "cmp", cmp: op, a: l, b: r}, nil
	}
	for _, op := range []string{"eq", "ne", "lt", "le", "gt", "ge"} {
		if p.keyword(op) || p.keyword("-"+op) {
			r, err := p.word()
			if err != nil {
				return nil, err
			}
			return &exprNode{op: "cmp", cmp: "-" + op, a: l, b: r}, nil
		}
	}
	if p.keyword("in") || p.keyword("-in") {
		return p.inList(l)
	}
	if name := p.opName(); name != "" {
		p.i += 1 + len(name)
		r, err := p.word()
		if err != nil {
			return nil, err
		}
		switch strings.ToLower(name) {
		case "ipmatch":
			if r.kind != wLit {
				return nil, refused("-ipmatch requires subnet/netmask as constant argument")
			}
		case "strmatch", "strcmatch", "fnmatch":
		default:
			return nil, refused("Binary operator '" + name + "' does not exist")
		}
		return &exprNode{op: "binary", cmp: strings.ToLower(name), a: l, b: r}, nil
	}
	return nil, p.fail("expected an operator")
}

func (p *exprParser) inList(l *exprWord) (*exprNode, error) {
	if !p.eat("{") {
		// A list-returning function (mod_ssl's PeerExtList): not ours.
		return nil, undecided("a list function after -in (mod_ssl's PeerExtList needs the TLS state)")
	}
	n := &exprNode{op: "in", a: l}
	for {
		w, err := p.word()
		if err != nil {
			return nil, err
		}
		n.list = append(n.list, w)
		if p.eat("}") {
			return n, nil
		}
		if !p.eat(",") {
			return nil, p.fail("expected , or }")
		}
	}
}

// word reads a string operand: a word, then ". word" concatenations.
func (p *exprParser) word() (*exprWord, error) {
	w, err := p.word1()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		r, err := p.word()
		if err != nil {
			return nil, err
		}
		return &exprWord{kind: wConcat, parts: []*exprWord{w, r}}, nil
	}
	return w, nil
}

func (p *exprParser) word1() (*exprWord, error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, p.fail("missing operand")
	}
	c := p.s[p.i]
	switch {
	case c == '\'' || c == '"':
		p.i++
		w, err := p.str(c)
		if err != nil {
			return nil, err
		}
		return w, nil
	case strings.HasPrefix(p.s[p.i:], "%{"):
		return p.variable()
	case c == '$' && p.i+1 < len(p.s) && p.s[p.i+1] >= '0' && p.s[p.i+1] <= '9':
		p.i += 2
		return &exprWord{kind: wBackref, n: int(p.s[p.i-1] - '0')}, nil
	case c >= '0' && c <= '9' || c == '-' && p.i+1 < len(p.s) && p.s[p.i+1] >= '0' && p.s[p.i+1] <= '9':
		j := p.i + 1
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		w := &exprWord{kind: wLit, s: p.s[p.i:j]}
		p.i = j
		return w, nil
	case isAlpha(c):
		j := p.i
		for j < len(p.s) && isIdentChar(p.s[j]) {
			j++
		}
		name := p.s[p.i:j]
		p.i = j
		if !p.eat("(") {
			return nil, p.fail("expected ( after " + name)
		}
		arg, err := p.word()
		if err != nil {
			return nil, err
		}
		if !p.eat(")") {
			return nil, p.fail("missing ) after the argument of " + name)
		}
		return &exprWord{kind: wFunc, s: strings.ToLower(name), arg: arg}, nil
	}
	return nil, p.fail("unexpected " + strconv.QuoteRune(rune(c)))
}

// str reads the rest of a quoted string (the opening quote eaten): text
// with backslash escapes, %{…} and $N.
func (p *exprParser) str(quote byte) (*exprWord, error) {
	return p.strUntil(func(c byte) bool { return c == quote }, true)
}

// exprString evaluates raw as an ap_expr string expression (what
// ap_expr_parse makes of it with AP_EXPR_FLAG_STRING_RESULT): text with
// %{…} variables and functions, backslash escapes and $N.
func exprString(raw string, e *exprEnv) (string, error) {
	p := &exprParser{s: raw + "\x00"}
	w, err := p.strUntil(func(c byte) bool { return c == 0 && p.i == len(raw) }, true)
	if err != nil {
		return "", err
	}
	return w.eval(&exprState{e: e})
}

// strUntil reads string parts until end(c) (eaten when eatEnd).
func (p *exprParser) strUntil(end func(byte) bool, eatEnd bool) (*exprWord, error) {
	var parts []*exprWord
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			parts = append(parts, &exprWord{kind: wLit, s: b.String()})
			b.Reset()
		}
	}
	for {
		if p.i >= len(p.s) {
			return nil, p.fail("unterminated string or variable")
		}
		c := p.s[p.i]
		switch {
		case end(c):
			if eatEnd {
				p.i++
			}
			flush()
			switch len(parts) {
			case 0:
				return &exprWord{kind: wLit}, nil
			case 1:
				return parts[0], nil
			}
			return &exprWord{kind: wConcat, parts: parts}, nil
		case c == '\n':
			return nil, p.fail("unterminated string or variable")
		case c == '\\' && p.i+1 < len(p.s):
			p.i++
			switch e := p.s[p.i]; {
			case e >= '0' && e <= '7':
				j := p.i
				for j < len(p.s) && j < p.i+3 && p.s[j] >= '0' && p.s[j] <= '7' {
					j++
				}
				v, _ := strconv.ParseUint(p.s[p.i:j], 8, 16)
				if v > 0xff {
					return nil, p.fail("escape sequence out of bound")
				}
				b.WriteByte(byte(v))
				p.i = j
				continue
			case e == '8' || e == '9':
				return nil, p.fail("bad escape sequence")
			case e == 'n':
				b.WriteByte('\n')
			case e == 'r':
				b.WriteByte('\r')
			case e == 't':
				b.WriteByte('\t')
			case e == 'b':
				b.WriteByte('\b')
			case e == 'f':
				b.WriteByte('\f')
			default:
				b.WriteByte(e)
			}
			p.i++
		case strings.HasPrefix(p.s[p.i:], "%{"):
			flush()
			v, err := p.variable()
			if err != nil {
				return nil, err
			}
			parts = append(parts, v)
		case c == '$' && p.i+1 < len(p.s) && p.s[p.i+1] >= '0' && p.s[p.i+1] <= '9':
			flush()
			parts = append(parts, &exprWord{kind: wBackref, n: int(p.s[p.i+1] - '0')})
			p.i += 2
		default:
			b.WriteByte(c)
			p.i++
		}
	}
}

// variable reads %{NAME} or %{func:arg}.
func (p *exprParser) variable() (*exprWord, error) {
	p.i += 2
	j := p.i
	if j >= len(p.s) || !isAlpha(p.s[j]) {
		return nil, p.fail("invalid character in variable name")
	}
	for j < len(p.s) && isIdentChar(p.s[j]) {
		j++
	}
	name := p.s[p.i:j]
	p.i = j
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return &exprWord{kind: wVar, s: strings.ToUpper(name)}, nil
	}
	if p.i < len(p.s) && p.s[p.i] == ':' {
		p.i++
		arg, err := p.strUntil(func(c byte) bool { return c == '}' }, true)
		if err != nil {
			return nil, err
		}
		return &exprWord{kind: wFunc, s: strings.ToLower(name), arg: arg}, nil
	}
	return nil, p.fail("invalid character in variable name")
}

// regex reads /re/ or m#re# (any of m's delimiters), then an optional i.
func (p *exprParser) regex() (*pcre.Regexp, bool, error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, false, p.fail("missing regular expression")
	}
	delim := p.s[p.i]
	switch {
	case delim == '/':
	case delim == 'm' && p.i+1 < len(p.s) && strings.IndexByte(`/#$%^,;:_?|-!.'"`, p.s[p.i+1]) >= 0:
		p.i++
		delim = p.s[p.i]
	default:
		return nil, false, p.fail("expected a regular expression")
	}
	end := strings.IndexByte(p.s[p.i+1:], delim)
	if end < 0 {
		return nil, false, p.fail("unterminated regular expression")
	}
	body := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	icase := false
	if p.i < len(p.s) && p.s[p.i] == 'i' {
		icase = true
		p.i++
	}
	re, err := pcre.Compile(body, icase)
	if err != nil {
		return nil, false, undecided("httpd cannot compile the regular expression " + strconv.Quote(body))
	}
	return re, hasCapture(body), nil
}

// hasCapture reports whether a pattern has a capturing group (re_nsub > 0).
func hasCapture(re string) bool {
	for i := 0; i < len(re); i++ {
		switch re[i] {
		case '\\':
			i++
		case '(':
			if i+1 >= len(re) || re[i+1] != '?' {
				return true
			}
			if i+2 < len(re) && (re[i+2] == '<' && i+3 < len(re) && re[i+3] != '=' && re[i+3] != '!' || re[i+2] == 'P' || re[i+2] == '\'') {
				return true // named group
			}
		}
	}
	return false
}

// exprState is one evaluation: the request and the last match's groups.
type exprState struct {
	e      *exprEnv
	groups []string
}

// eval is ap_expr_eval: && and || evaluate their right side only when
// the left does not decide (as httpd), so a side that cannot be decided
// matters only when httpd would evaluate it.
func (n *exprNode) eval(st *exprState) (bool, error) {
	switch n.op {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "!":
		v, err := n.l.eval(st)
		return !v, err
	case "&&", "||":
		stop := n.op == "||" // the value that decides
		lv, lerr := n.l.eval(st)
		if lerr == nil && lv == stop {
			return stop, nil
		}
		rv, rerr := n.r.eval(st)
		switch {
		case lerr != nil && rerr == nil && rv == stop:
			return stop, nil // whatever the left side is
		case lerr != nil:
			return false, lerr
		}
		return rv, rerr
	case "=~", "!~":
		s, err := n.a.eval(st)
		if err != nil {
			return false, err
		}
		m := n.re.FindStringSubmatch(s)
		if n.nsub {
			st.groups = m
		}
		return (m != nil) == (n.op == "=~"), nil
	case "cmp":
		a, err := n.a.eval(st)
		if err != nil {
			return false, err
		}
		b, err := n.b.eval(st)
		if err != nil {
			return false, err
		}
		var c int
		if strings.HasPrefix(n.cmp, "-") {
			c = cmpInt(atoi64(a), atoi64(b))
		} else {
			c = strings.Compare(a, b)
		}
		switch n.cmp {
		case "==", "-eq":
			return c == 0, nil
		case "!=", "-ne":
			return c != 0, nil
		case "<", "-lt":
			return c < 0, nil
		case "<=", "-le":
			return c <= 0, nil
		case ">", "-gt":
			return c > 0, nil
		}
		return c >= 0, nil
	case "in":
		a, err := n.a.eval(st)
		if err != nil {
			return false, err
		}
		var pending error
		for _, w := range n.list {
			v, err := w.eval(st)
			if err != nil {
				pending = err
				continue
			}
			if v == a {
				return true, nil
			}
		}
		return false, pending
	case "unary":
		a, err := n.a.eval(st)
		if err != nil {
			return false, err
		}
		return st.e.unary(n.cmp, a)
	case "binary":
		a, err := n.a.eval(st)
		if err != nil {
			return false, err
		}
		b, err := n.b.eval(st)
		if err != nil {
			return false, err
		}
		switch n.cmp {
		case "ipmatch":
			ip, perr := netip.ParseAddr(a)
			if perr != nil {
				if a == "" {
					return false, nil
				}
				return false, undecided("-ipmatch of " + strconv.Quote(a) + " (apr_sockaddr_info_get would resolve it)")
			}
			return ipMatches(b, ip), nil
		case "strmatch":
			return fnmatchFlags(b, a, false, false), nil
		case "strcmatch":
			return fnmatchFlags(b, a, false, true), nil
		}
		return fnmatchFlags(b, a, true, false), nil // fnmatch: APR_FNM_PATHNAME
	}
	return false, undecided("operator " + n.op)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// atoi64 is apr_atoi64 (strtol): leading space, a sign, digits; 0 when
// there are none.
func atoi64(s string) int64 {
	s = strings.TrimLeft(s, " \t\n\r\f\v")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	var n int64
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int64(s[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}

func (w *exprWord) eval(st *exprState) (string, error) {
	switch w.kind {
	case wLit:
		return w.s, nil
	case wVar:
		return st.e.variable(w.s)
	case wBackref:
		if w.n < len(st.groups) {
			return st.groups[w.n], nil
		}
		return "", nil
	case wConcat:
		var b strings.Builder
		for _, p := range w.parts {
			s, err := p.eval(st)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
		return b.String(), nil
	}
	arg, err := w.arg.eval(st)
	if err != nil {
		return "", err
	}
	return st.e.function(w.s, arg)
}

// variable is %{NAME} (request_var_fn, conn_var_fn, req_header_var_fn,
// misc_var_fn).
func (e *exprEnv) variable(name string) (string, error) {
	if name == "REMOTE_USER" && e.user != nil {
		return *e.user, nil
	}
	if v, ok := e.vars[name]; ok {
		return v, nil
	}
	switch name {
	case "HTTP_USER_AGENT", "HTTP_PROXY_CONNECTION", "HTTP_REFERER", "HTTP_COOKIE", "HTTP_FORWARDED", "HTTP_HOST", "HTTP_ACCEPT":
		h := strings.ReplaceAll(strings.TrimPrefix(name, "HTTP_"), "_", "-")
		return e.header(h), nil
	case "IPV6":
		if e.remote.Is6() && !e.remote.Is4In6() {
			return "on", nil
		}
		return "off", nil
	case "CONN_REMOTE_ADDR", "REMOTE_ADDR":
		return e.remote.String(), nil
	case "HTTPS", "HTTP2":
		return "off", nil // the engine answers plain HTTP/1.1 requests
	}
	if why, ok := exprUnknowable[name]; ok {
		return "", undecided("%{" + name + "} is " + why)
	}
	if strings.HasPrefix(name, "SSL_") {
		return "", undecided("%{" + name + "} is mod_ssl's TLS state")
	}
	return "", refused("Variable '" + name + "' does not exist")
}

func (e *exprEnv) header(name string) string {
	for k, v := range e.headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// function is a string function (string_func_providers) or %{func:arg}.
func (e *exprEnv) function(name, arg string) (string, error) {
	switch name {
	case "req", "http", "req_novary":
		return e.header(arg), nil
	case "reqenv":
		v, _ := e.env(arg)
		return v, nil
	case "note":
		if e.notes != nil {
			v, _ := e.notes(arg)
			return v, nil
		}
		return "", nil
	case "env":
		// env_func: r->notes, then r->subprocess_env, then getenv().
		if e.notes != nil {
			if v, ok := e.notes(arg); ok {
				return v, nil
			}
		}
		if v, ok := e.env(arg); ok {
			return v, nil
		}
		return processEnv(arg)
	case "osenv":
		return processEnv(arg)
	case "resp":
		return "", undecided("resp('" + arg + "') is a response header")
	case "tolower":
		return strings.ToLower(arg), nil
	case "toupper":
		return strings.ToUpper(arg), nil
	case "escape":
		return urlmap.EscapePath(arg), nil
	case "unescape":
		s, ok := unescapeKeep2F(arg)
		if !ok {
			return "", nil
		}
		return s, nil
	case "base64":
		return base64.StdEncoding.EncodeToString([]byte(arg)), nil
	case "unbase64":
		return unbase64(arg), nil
	case "sha1":
		h := sha1.Sum([]byte(arg))
		return hex.EncodeToString(h[:]), nil
	case "md5":
		h := md5.Sum([]byte(arg))
		return hex.EncodeToString(h[:]), nil
	case "file", "filesize":
		if e.fsys == nil {
			return "", undecided(name + "(" + arg + ") reads a file")
		}
		info, err := fs.Stat(e.fsys, FSPath(arg))
		if name == "filesize" {
			switch {
			case err != nil || !info.Mode().IsRegular():
				return "0", nil
			case info.Size() == 0:
				// An assumed (what-if) file reads empty: its size is not known.
				return "", undecided("filesize(" + arg + "): the file is empty or assumed")
			}
			return strconv.FormatInt(info.Size(), 10), nil
		}
		if err != nil {
			return "", &exprFailed{"Cannot open file " + arg}
		}
		if info.Size() == 0 {
			return "", undecided("file(" + arg + "): the file is empty or assumed, its contents are not known")
		}
		b, err := fs.ReadFile(e.fsys, FSPath(arg))
		if err != nil {
			return "", &exprFailed{"Cannot read from file " + arg}
		}
		return string(b), nil
	case "ldap":
		return "", undecided("ldap() escaping is not modelled")
	}
	return "", refused("Function '" + name + "' does not exist")
}

// processEnv is getenv() in httpd's process: Debian starts it with
// envvars' APACHE_* and LANG and what systemd or a shell sets (PATH,
// LC_*, …); those stay undecided, any other name is unset ("").
func processEnv(name string) (string, error) {
	up := strings.ToUpper(name)
	switch {
	case strings.HasPrefix(up, "APACHE_"), strings.HasPrefix(up, "LC_"), strings.HasPrefix(up, "LISTEN_"), strings.HasPrefix(up, "SYSTEMD_"):
	case up == "LANG" || up == "LANGUAGE" || up == "PATH" || up == "HOME" || up == "USER" || up == "LOGNAME" || up == "SHELL" ||
		up == "PWD" || up == "TERM" || up == "TZ" || up == "INVOCATION_ID" || up == "JOURNAL_STREAM" || up == "NOTIFY_SOCKET" || up == "MANAGERPID":
	default:
		return "", nil
	}
	return "", undecided("env('" + name + "') is not set by the configuration; httpd then reads its process environment")
}

// unary is a unary operator (unary_op_providers).
func (e *exprEnv) unary(op, arg string) (bool, error) {
	switch op {
	case "n":
		return arg != "", nil
	case "z":
		return arg == "", nil
	case "T":
		lw := strings.ToLower(arg)
		return !(arg == "" || arg == "0" || lw == "off" || lw == "false" || lw == "no"), nil
	case "R":
		return ipMatches(arg, e.remote), nil
	case "d", "e", "f":
		if arg == "" {
			return false, nil // apr_stat("") fails
		}
		if e.stat == nil {
			return false, undecided("-" + op + " " + arg + " looks at the file system")
		}
		t := e.stat(arg)
		return op == "e" && t != noFile || op == "f" && t == regFile || op == "d" && t == dirFile, nil
	case "s", "x", "L", "h":
		if arg == "" {
			return false, nil
		}
		if e.fsys == nil {
			return false, undecided("-" + op + " " + arg + " looks at the file system")
		}
		if op == "L" || op == "h" {
			if lfs, ok := e.fsys.(interface {
				Lstat(string) (fs.FileInfo, error)
			}); ok {
				info, err := lfs.Lstat(FSPath(arg))
				return err == nil && info.Mode()&fs.ModeSymlink != 0, nil
			}
			return false, undecided("-" + op + " " + arg + ": the file system cannot tell links")
		}
		info, err := fs.Stat(e.fsys, FSPath(arg))
		if err != nil {
			return false, nil
		}
		if op == "x" {
			return info.Mode()&0o111 != 0, nil
		}
		if info.Mode().IsRegular() && info.Size() == 0 {
			return false, undecided("-s " + arg + ": the file is empty or assumed, its size is not known")
		}
		return info.Mode().IsRegular() && info.Size() > 0, nil
	case "U", "A":
		if e.lookupURI != nil {
			if status, ok := e.lookupURI(arg); ok {
				return status < 400, nil
			}
		}
		return false, undecided("-" + op + " " + arg + " runs a sub-request")
	case "F":
		if e.lookupFile != nil {
			if status, ok := e.lookupFile(arg); ok {
				return status < 300 && e.stat != nil && e.stat(arg) != noFile, nil
			}
		}
		return false, undecided("-F " + arg + " runs a sub-request")
	}
	return false, undecided("operator -" + op)
}

// unescapeKeep2F is ap_unescape_url_keep2f(s, 0): %XX decoded, %2F kept
// as is; a bad escape or an encoded NUL fails.
func unescapeKeep2F(s string) (string, bool) {
	var b strings.Builder
	ok := true
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			ok = false
			b.WriteByte('%')
			continue
		}
		v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
		switch {
		case v == 0:
			ok = false
			b.WriteString(s[i : i+3])
		case v == '/':
			b.WriteString(s[i : i+3])
		default:
			b.WriteByte(byte(v))
		}
		i += 2
	}
	return b.String(), ok
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// unbase64 is ap_pbase64decode: it decodes what it can.
func unbase64(s string) string {
	s = strings.TrimRight(s, "=")
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return ""
	}
	return string(b)
}

// fnmatchFlags is apr_fnmatch: '*' and '?' (not across '/' with
// pathname), [...] classes with ! or ^, backslash escapes; caseBlind
// compares letters without case.
func fnmatchFlags(pat, s string, pathname, caseBlind bool) bool {
	if caseBlind {
		pat, s = strings.ToLower(pat), strings.ToLower(s)
	}
	for len(pat) > 0 {
		switch pat[0] {
		case '*':
			for len(pat) > 0 && pat[0] == '*' {
				pat = pat[1:]
			}
			for i := 0; i <= len(s); i++ {
				if fnmatchFlags(pat, s[i:], pathname, false) {
					return true
				}
				if i < len(s) && pathname && s[i] == '/' {
					return false
				}
			}
			return false
		case '?':
			if s == "" || pathname && s[0] == '/' {
				return false
			}
			pat, s = pat[1:], s[1:]
			continue
		case '[':
			end := strings.IndexByte(pat[2:], ']')
			if end < 0 || s == "" {
				break // a lone [ matches itself
			}
			end += 2
			class, neg := pat[1:end], false
			if class[0] == '!' || class[0] == '^' {
				class, neg = class[1:], true
			}
			in := false
			for i := 0; i < len(class); i++ {
				if i+2 < len(class) && class[i+1] == '-' {
					in = in || s[0] >= class[i] && s[0] <= class[i+2]
					i += 2
				} else {
					in = in || s[0] == class[i]
				}
			}
			if in == neg || pathname && s[0] == '/' {
				return false
			}
			pat, s = pat[end+1:], s[1:]
			continue
		case '\\':
			if len(pat) > 1 {
				pat = pat[1:]
			}
		}
		if s == "" || s[0] != pat[0] {
			return false
		}
		pat, s = pat[1:], s[1:]
	}
	return s == ""
}

// exprVariables are the variables httpd's core knows (util_expr_eval.c's
// request_var_names, req_header_var_names, conn_var_names,
// misc_var_names).
var exprVariables = map[string]bool{}

// exprFunctions are its string functions (string_func_providers).
var exprFunctions = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`REQUEST_METHOD REQUEST_SCHEME REQUEST_URI REQUEST_FILENAME REMOTE_HOST REMOTE_IDENT
		REMOTE_USER SERVER_ADMIN SERVER_NAME SERVER_PORT SERVER_PROTOCOL SCRIPT_FILENAME PATH_INFO QUERY_STRING IS_SUBREQ
		DOCUMENT_ROOT AUTH_TYPE THE_REQUEST CONTENT_TYPE HANDLER REQUEST_LOG_ID SCRIPT_USER SCRIPT_GROUP DOCUMENT_URI
		LAST_MODIFIED CONTEXT_PREFIX CONTEXT_DOCUMENT_ROOT REQUEST_STATUS REMOTE_ADDR REMOTE_PORT
		HTTP_USER_AGENT HTTP_PROXY_CONNECTION HTTP_REFERER HTTP_COOKIE HTTP_FORWARDED HTTP_HOST HTTP_ACCEPT
		HTTPS IPV6 CONN_LOG_ID CONN_REMOTE_ADDR HTTP2
		TIME_YEAR TIME_MON TIME_DAY TIME_HOUR TIME_MIN TIME_SEC TIME_WDAY TIME SERVER_SOFTWARE API_VERSION`) {
		exprVariables[n] = true
	}
	for _, n := range strings.Fields(`osenv env resp req http note reqenv req_novary tolower toupper escape unescape
		file filesize base64 unbase64 sha1 md5 ldap`) {
		exprFunctions[n] = true
	}
}

// checkNames reports the first variable or function of n that httpd's
// core does not know (mod_ssl's SSL_* and ssl functions aside: the
// module may provide them).
func (n *exprNode) checkNames() error {
	if n == nil {
		return nil
	}
	for _, c := range []*exprNode{n.l, n.r} {
		if err := c.checkNames(); err != nil {
			return err
		}
	}
	words := append([]*exprWord{n.a, n.b}, n.list...)
	for _, w := range words {
		if err := w.checkNames(); err != nil {
			return err
		}
	}
	return nil
}

func (w *exprWord) checkNames() error {
	if w == nil {
		return nil
	}
	switch w.kind {
	case wVar:
		if !exprVariables[w.s] && !strings.HasPrefix(w.s, "SSL_") {
			return refused("Variable '" + w.s + "' does not exist")
		}
	case wFunc:
		if !exprFunctions[w.s] && !strings.HasPrefix(w.s, "ssl") {
			return refused("Function '" + w.s + "' does not exist")
		}
	}
	for _, p := range append([]*exprWord{w.arg}, w.parts...) {
		if err := p.checkNames(); err != nil {
			return err
		}
	}
	return nil
}

// CheckExprs reports the expressions of <If>, <ElseIf> and Require expr
// that httpd refuses when it reads the configuration: an unknown
// variable, function or operator, a non-constant subnet. An expression
// this package cannot parse is not reported (httpd may accept it; a
// request then leaves it undecided).
func CheckExprs(body []ast.Node) []Problem {
	var out []Problem
	check := func(pos ast.Position, prefix, src string) {
		n, err := exprParse(src)
		if err == nil {
			err = n.checkNames()
		}
		var r *exprRefused
		if errors.As(err, &r) {
			p := newProblem(pos, prefix+r.msg)
			p.Err = err
			out = append(out, p)
		}
	}
	ast.Inspect(body, func(node ast.Node) bool {
		switch node := node.(type) {
		case *ast.Section:
			if c := node.Canonical(); (c == "if" || c == "elseif") && len(node.Args) > 0 {
				check(node.Pos(), "Cannot parse condition clause: ", node.Args[0].Value)
			}
		case *ast.Directive:
			if src, ok := requireExprSource(node); ok {
				check(node.Pos(), "Cannot parse expression in require line: ", src)
			}
		}
		return true
	})
	return out
}
