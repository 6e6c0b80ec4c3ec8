package rewrite

import (
	"io/fs"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Request is what a rule set reads from the request; the caller
// implements it. known false means the caller cannot know the value
// statically: the engine then stops with Action Undecided rather than
// guess.
type Request interface {
	// Var is one of lookup_variable's request variables, by its
	// upper-case name: REMOTE_ADDR, REMOTE_HOST, REMOTE_PORT, REMOTE_USER,
	// REMOTE_IDENT, REQUEST_METHOD, REQUEST_SCHEME, THE_REQUEST,
	// SERVER_NAME, SERVER_ADDR, SERVER_PORT, SERVER_ADMIN,
	// SERVER_PROTOCOL, SERVER_SOFTWARE, DOCUMENT_ROOT, CONTEXT_PREFIX,
	// CONTEXT_DOCUMENT_ROOT, AUTH_TYPE, HTTPS, IPV6, API_VERSION,
	// CONN_REMOTE_ADDR, or "SSL:NAME". The engine answers REQUEST_URI,
	// REQUEST_FILENAME, SCRIPT_FILENAME, QUERY_STRING, PATH_INFO,
	// IS_SUBREQ, the HTTP_* and TIME* variables itself.
	Var(name string) (value string, known bool)
	// Header is a request header ("" when absent).
	Header(name string) (value string, known bool)
	// Env is %{ENV:name}: r->notes, then the request's environment,
	// then the server process's (getenv). Values set by this rule set's
	// E= flags are the engine's own and take precedence.
	Env(name string) (value string, known bool)
	// Stat describes a file for -f -s -d -l -x and the per-server
	// prefix test.
	Stat(path string) FileInfo
}

// SubRequester is optionally implemented by a Request to answer -U and
// -F (ap_sub_req_lookup_uri / ap_sub_req_lookup_file); without it those
// tests are Undecided.
type SubRequester interface {
	// LookupURI is the status a sub-request for uri ends with.
	LookupURI(uri string) (status int, known bool)
	// LookupFile is the status and file name a sub-request for path ends
	// with.
	LookupFile(path string) (status int, filename string, known bool)
}

// ExprEvaluator is optionally implemented by a Request to evaluate the
// ap_expr of a RewriteCond expr condition (the caller has the request's
// variables and an expression evaluator); without it only true/false are
// decided.
type ExprEvaluator interface {
	// EvalExpr is the expression's value; known false: it cannot be
	// decided statically.
	EvalExpr(expr string) (value, known bool)
}

// FileInfo is what a Stat found. Known false: the caller cannot say
// (an unreadable tree, an assumption it will not make).
type FileInfo struct {
	Known   bool
	Exists  bool
	Regular bool
	Dir     bool
	Symlink bool // the path itself is a symbolic link (lstat)
	Size    int64
	Exec    bool // any of the execute bits
}

// Input is the request as a mod_rewrite hook sees it.
type Input struct {
	URI string // r->uri: the decoded URL path
	// Filename is r->filename when the hook runs: at translate_name
	// normally "" (the engine starts from URI); at fixups the file the
	// directory walk mapped the request to.
	Filename string
	PathInfo string // r->path_info
	Query    string // r->args
	HasQuery bool   // whether the request had a '?' (r->args not NULL)

	// Scheme, ServerName and Port qualify redirects and [P] targets
	// (fully_qualify_uri) and reduce a substitution that names this
	// server (reduce_uri): ap_http_scheme, ap_get_server_name_for_url,
	// ap_get_server_port. With UseCanonicalName Off (the default) the
	// name and port are the Host header's, and the port is 80 (443 for
	// https) when the Host header has none, whatever port the connection
	// came in on (UseCanonicalPhysicalPort Off): httpd answered
	// "Location: http://x.example/new/x.txt" on port 8081 (oracle case
	// rewrite-flags).
	Scheme     string
	ServerName string
	Port       int
	// MatchesVhost is ap_matches_request_vhost for reduce_uri: host is
	// one of the <VirtualHost> addresses (with its port, or any port for
	// '*'), or port is NamePort and host the ServerName or a ServerAlias.
	// nil compares with ServerName and NamePort only.
	MatchesVhost func(host string, port int) bool
	// NamePort is r->server->port: the port written in ServerName, 0
	// when it has none (then nothing reduces by name: the URL's port,
	// 80 by default, is never 0).
	NamePort int

	// DocumentRoot, ContextDocumentRoot and ContextPrefix are used by
	// the per-directory internal redirect (hook_fixup) to turn a file
	// name back into a URL.
	DocumentRoot        string
	ContextDocumentRoot string
	ContextPrefix       string

	Subrequest bool // r->main != NULL: NS rules and R rules are skipped
	// EndSeen: an earlier phase of this request ran a rule with [END].
	EndSeen bool
	// SymLinksAllowed: FollowSymLinks or SymLinksIfOwnerMatch is on for
	// the directory (hook_fixup answers 403 otherwise).
	SymLinksAllowed bool
	// ProxyAvailable: mod_proxy is loaded ([P] answers 403 otherwise).
	ProxyAvailable bool
	// LimitRequestLine is the server's (8190 by default); a rewritten
	// file name longer than twice that is a 500.
	LimitRequestLine int

	Maps map[string]*Map // RewriteMaps of the server
	FS   fs.FS           // reads txt and rnd maps (absolute paths without the leading '/')
	Req  Request
}

// Action is what the hook decided.
type Action uint8

// The dispositions of hook_uri2file and hook_fixup.
const (
	// Declined: no rule changed the request (E=, T=, H= and the status
	// of "-" rules may still apply).
	Declined Action = iota
	// Rewritten (server context): Filename is the new r->filename; when
	// TranslateURI is set it is a URL path core's translate_name still
	// prefixes with the DocumentRoot (prefix_stat failed or the URL was
	// reduced), else a file path used as it is. Query is r->args.
	Rewritten
	// Passthrough (server context, [PT]): URI is the new r->uri, handed to
	// the next translate_name hooks (mod_alias, mod_userdir, core).
	Passthrough
	// Redirect: answer Status with Location.
	Redirect
	// Status: answer Status (F, G, R=4xx/5xx, the [N] loop limit, a bad
	// substitution).
	Status
	// Proxy: handled by mod_proxy; ProxyURL is the r->filename after
	// "proxy:" (with the query string only where httpd appends it).
	Proxy
	// InternalRedirect (per-directory): httpd restarts the request with
	// URI (and Query): the new walk is the caller's.
	InternalRedirect
	// Undecided: something the engine cannot know; see Unmodelled.
	Undecided
)

var actionNames = [...]string{"declined", "rewritten", "passthrough", "redirect", "status", "proxy", "internal-redirect", "undecided"}

func (a Action) String() string { return actionNames[a] }

// EnvChange is one E= effect.
type EnvChange struct {
	Name, Value string
	Unset       bool
	Rule        *ast.Directive
}

// CondStep is one RewriteCond tested.
type CondStep struct {
	Cond    *ast.Directive
	Input   string // the expanded TestString
	Matched bool
	Unknown string // why its outcome is not known, "" when it is
}

// Step is one RewriteRule tried, for the trace.
type Step struct {
	Rule    *ast.Directive
	Input   string // what the pattern was matched against
	Matched bool   // pattern and conditions
	Conds   []CondStep
	From    string // r->filename before, when the rule rewrote
	To      string // after (with its query string)
	Note    string // what happened besides: "skip 2", "next round", "forbidden" …
}

// Result is a rule set's outcome.
type Result struct {
	Action       Action
	Status       int    // Redirect, Status
	Location     string // Redirect
	Filename     string // Rewritten
	TranslateURI bool   // Rewritten: Filename is a URL path for core's translate_name
	URI          string // Passthrough, InternalRedirect
	Query        string // r->args after the rules
	HasQuery     bool
	ProxyURL     string // Proxy: the URL after "proxy:"
	NoCanon      bool   // Proxy: proxy-nocanon (NE), the URL is used as it is
	PathInfo     string
	Env          []EnvChange
	Type         string // T=, lower-cased
	Handler      string // H=, lower-cased
	Cookies      []string
	End          bool // an [END] rule matched: later rewrite phases of this request do nothing
	Steps        []Step
	Unmodelled   []string
}

func (r *Result) undecided(why string) *Result {
	r.Action = Undecided
	r.Unmodelled = append(r.Unmodelled, why)
	return r
}

// ruleOutcome is rule_return_type.
type ruleOutcome uint8

const (
	ruleNoMatch ruleOutcome = iota
	ruleMatch
	ruleNoSub
	ruleStatusSet
	ruleUnknown
)

// listStatus is apply_rewrite_list's return (ACTION_*).
type listStatus uint8

const (
	actionNone listStatus = iota
	actionNormal
	actionNoEscape
	actionStatus
	actionStatusSet
	actionUnknown
)

type backrefs struct {
	source string
	m      []int
}

type engine struct {
	in       *Input
	perdir   string
	filename string
	args     string
	hasArgs  bool
	pathInfo string
	status   int
	env      map[string]*string // E= effects: value, nil for unset
	res      *Result
	rr, rc   backrefs
	lastsub  *Rule
	reduced  bool
	step     *Step
	end      bool
}

func newEngine(in *Input, perdir string) *engine {
	e := &engine{in: in, perdir: perdir, args: in.Query, hasArgs: in.HasQuery, pathInfo: in.PathInfo, res: &Result{}}
	return e
}

// applyList is apply_rewrite_list.
func (e *engine) applyList(rules []*Rule) listStatus {
	changed := actionNone
	round := 1
	if e.res.Steps == nil {
		e.res.Steps = make([]Step, 0, len(rules))
	}
	limit := e.in.LimitRequestLine
	if limit <= 0 {
		limit = 8190
	}
loop:
	for i := 0; i < len(rules); i++ {
		p := rules[i]
		if e.in.Subrequest && (p.Has(FlagIgnoreOnSubreq) || p.Has(FlagForceRedirect)) {
			continue
		}
		rc := e.applyRule(p)
		if rc == ruleUnknown {
			return actionUnknown
		}
		if rc == ruleNoMatch {
			for i < len(rules) && rules[i].Has(FlagChain) {
				i++
			}
			continue
		}
		if !p.Has(FlagNoSub) {
			e.lastsub = p
		}
		if len(e.filename) > 2*limit {
			e.status = 500
			e.note("the rewritten name exceeds twice LimitRequestLine: 500")
			return actionStatus
		}
		if rc == ruleStatusSet {
			return actionStatusSet
		}
		if p.Has(FlagStatus) {
			return actionStatus
		}
		if rc != ruleNoSub {
			changed = actionNormal
			if p.Has(FlagNoEscape) {
				changed = actionNoEscape
			}
		}
		if p.Has(FlagPassThrough) {
			e.filename = "passthrough:" + e.filename
			changed = actionNormal
			break
		}
		if p.Has(FlagEnd) {
			e.end = true
			break
		}
		if p.Flags&(FlagProxy|FlagLast) != 0 {
			break
		}
		if p.Has(FlagNewRound) {
			round++
			if round >= p.MaxRounds {
				e.status = 500
				e.note("the [N] rule looped " + strconv.Itoa(p.MaxRounds) + " times (AH02596): 500")
				return actionStatus
			}
			e.note("next round")
			goto loop
		}
		if p.Skip > 0 {
			i += p.Skip
			e.note("skip " + strconv.Itoa(p.Skip))
		}
	}
	return changed
}

func (e *engine) note(s string) {
	if n := len(e.res.Steps); n > 0 {
		st := &e.res.Steps[n-1]
		if st.Note != "" {
			st.Note += "; "
		}
		st.Note += s
	}
}

// applyRule is apply_rewrite_rule.
func (e *engine) applyRule(p *Rule) ruleOutcome {
	uri := e.filename
	isProxy := strings.HasPrefix(e.filename, "proxy:")
	if e.perdir != "" {
		if e.pathInfo != "" {
			uri += e.pathInfo
		}
		if !isProxy && strings.HasPrefix(uri, e.perdir) {
			uri = uri[len(e.perdir):]
		}
	}
	e.res.Steps = append(e.res.Steps, Step{Rule: p.Directive, Input: uri})
	e.step = &e.res.Steps[len(e.res.Steps)-1]
	var m []int
	if p.Has(FlagNotMatch) {
		if p.re.MatchString(uri) {
			return ruleNoMatch
		}
	} else if m = p.re.FindStringSubmatchIndex(uri); m == nil {
		return ruleNoMatch
	}
	e.rc = backrefs{}
	e.rr = backrefs{}
	if m != nil {
		e.rr = backrefs{source: uri, m: m}
	}
	switch e.applyConds(p.Conds) {
	case condFalse:
		return ruleNoMatch
	case condUnknown:
		return ruleUnknown
	}
	e.step.Matched = true
	var newURI string
	if !p.Has(FlagNoSub) {
		out, unsafeQ, unknown := e.expand(p.Substitution, p, !p.Has(FlagUnsafeAllow3F))
		if unknown != "" {
			e.res.undecided(unknown)
			return ruleUnknown
		}
		newURI = out
		if unsafeQ > 0 {
			e.status = 403
			e.step.Note = "a back-reference put a '?' in the substitution without UnsafeAllow3F (AH10508): 403"
			return ruleStatusSet
		}
	}
	for _, env := range p.Env {
		if !e.applyEnv(env, p) {
			return ruleUnknown
		}
	}
	e.res.Cookies = append(e.res.Cookies, p.Cookies...)
	if p.Has(FlagNoSub) {
		if !e.forceTypeHandler(p) {
			return ruleUnknown
		}
		if p.Has(FlagStatus) {
			e.status = p.Status
			e.step.Note = "status " + strconv.Itoa(p.Status)
		}
		return ruleNoSub
	}
	prefixAdded := false
	if !isProxy && !isAbsolutePath(newURI) && !strings.HasPrefix(newURI, "/") {
		if n, _ := absoluteURI(newURI); n == 0 {
			if e.perdir != "" {
				newURI = e.perdir + newURI
				prefixAdded = true
			} else if p.Flags&(FlagProxy|FlagForceRedirect) == 0 {
				newURI = "/" + newURI
				prefixAdded = true
			}
		}
	}
	e.step.From = e.filename
	e.filename = newURI
	if e.perdir != "" && p.Has(FlagDiscardPathInfo) {
		e.pathInfo = ""
	}
	e.splitoutQueryArgs(p.Flags)
	defer func() { e.step.To = e.filename + e.queryForTrace() }()
	if p.Has(FlagProxy) {
		e.fullyQualify()
		e.filename = "proxy:" + e.filename
		return ruleMatch
	}
	if p.Has(FlagForceRedirect) {
		e.fullyQualify()
		e.status = p.Status
		return ruleMatch
	}
	e.reduceURI()
	if n, _ := absoluteURI(e.filename); n > 0 {
		e.status = p.Status
		return ruleMatch
	}
	if !p.Has(FlagUNC) && !prefixAdded {
		// Merge leading slashes unless the substitution wrote two.
		if !(len(p.Substitution) >= 2 && p.Substitution[0] == '/' && p.Substitution[1] == '/') {
			for len(e.filename) >= 2 && e.filename[0] == '/' && e.filename[1] == '/' {
				e.filename = e.filename[1:]
			}
		}
	}
	if !e.forceTypeHandler(p) {
		return ruleUnknown
	}
	return ruleMatch
}

func (e *engine) queryForTrace() string {
	if e.hasArgs {
		return "?" + e.args
	}
	return ""
}

// isAbsolutePath is is_absolute_path on Unix: a leading '/'.
func isAbsolutePath(p string) bool { return strings.HasPrefix(p, "/") }

func (e *engine) applyEnv(spec string, p *Rule) bool {
	name, _, unknown := e.expand(spec, nil, false)
	if unknown != "" {
		e.res.undecided(unknown)
		return false
	}
	if e.env == nil {
		e.env = map[string]*string{}
	}
	if strings.HasPrefix(name, "!") {
		e.env[name[1:]] = nil
		e.res.Env = append(e.res.Env, EnvChange{Name: name[1:], Unset: true, Rule: p.Directive})
		return true
	}
	k, v, _ := strings.Cut(name, ":")
	e.env[k] = &v
	e.res.Env = append(e.res.Env, EnvChange{Name: k, Value: v, Rule: p.Directive})
	return true
}

func (e *engine) forceTypeHandler(p *Rule) bool {
	if p.Type != "" {
		v, _, unknown := e.expand(p.Type, p, false)
		if unknown != "" {
			e.res.undecided(unknown)
			return false
		}
		if v != "" {
			e.res.Type = strings.ToLower(v)
		}
	}
	if p.Handler != "" {
		v, _, unknown := e.expand(p.Handler, p, false)
		if unknown != "" {
			e.res.undecided(unknown)
			return false
		}
		if v != "" {
			e.res.Handler = strings.ToLower(v)
		}
	}
	return true
}

// splitoutQueryArgs is splitout_queryargs.
func (e *engine) splitoutQueryArgs(flags RuleFlag) {
	if flags&FlagQSNone != 0 {
		e.args, e.hasArgs = "", false
		return
	}
	skip, qsOK := absoluteURI(e.filename)
	if skip > 0 && !qsOK {
		e.args, e.hasArgs = "", false
		return
	}
	if flags&FlagQSDiscard != 0 {
		e.args, e.hasArgs = "", false
	}
	rest := e.filename[skip:]
	var q int
	if flags&FlagQSLast != 0 {
		q = strings.LastIndexByte(rest, '?')
	} else {
		q = strings.IndexByte(rest, '?')
	}
	if q < 0 {
		return
	}
	newArgs := rest[q+1:]
	e.filename = e.filename[:skip+q]
	if flags&FlagQSAppend != 0 {
		if newArgs != "" {
			e.args, e.hasArgs = newArgs+"&"+e.args, true
		}
	} else {
		e.args, e.hasArgs = newArgs, true
	}
	if e.hasArgs {
		if e.args == "" {
			e.hasArgs = false
		} else if strings.HasSuffix(e.args, "&") {
			e.args = e.args[:len(e.args)-1]
		}
	}
}

func defaultPort(scheme string) int {
	if syntax.EqualFoldASCII(scheme, "https") {
		return 443
	}
	return 80
}

func (e *engine) scheme() string {
	if e.in.Scheme == "" {
		return "http"
	}
	return e.in.Scheme
}

// fullyQualify is fully_qualify_uri.
func (e *engine) fullyQualify() {
	if n, _ := absoluteURI(e.filename); n > 0 {
		return
	}
	port := ""
	if e.in.Port != 0 && e.in.Port != defaultPort(e.scheme()) {
		port = ":" + strconv.Itoa(e.in.Port)
	}
	sep := "/"
	if strings.HasPrefix(e.filename, "/") {
		sep = ""
	}
	e.filename = e.scheme() + "://" + e.in.ServerName + port + sep + e.filename
}

// reduceURI is reduce_uri: http[s]://this-server[:port]/path becomes /path.
func (e *engine) reduceURI() {
	sch := e.scheme()
	l := len(sch)
	f := e.filename
	if len(f) <= l+3 || !syntax.EqualFoldASCII(f[:l], sch) || f[l:l+3] != "://" {
		return
	}
	rest := f[l+3:]
	end := strings.IndexAny(rest, "/:")
	host := rest
	port := defaultPort(sch)
	url := "/"
	if end >= 0 {
		host = rest[:end]
		if rest[end] == ':' {
			after := rest[end+1:]
			slash := strings.IndexByte(after, '/')
			ps := after
			if slash >= 0 {
				ps, url = after[:slash], after[slash:]
			}
			port = atoi(ps) & 0xffff
		} else {
			url = rest[end:]
		}
	}
	match := e.in.MatchesVhost
	if match == nil {
		match = func(h string, p int) bool {
			return p == e.in.NamePort && syntax.EqualFoldASCII(h, e.in.ServerName)
		}
	}
	if match(host, port) {
		e.filename = url
		e.reduced = true
		e.note("reduced " + f + " to " + url)
	}
}

type condValue uint8

const (
	condFalse condValue = iota
	condTrue
	condUnknown
)

// applyConds runs a rule's RewriteConds as apply_rewrite_rule does, in
// three-valued logic: an unknown condition in an [OR] group that another
// member satisfies does not matter.
func (e *engine) applyConds(conds []*Cond) condValue {
	groupUnknown := false
	for i := 0; i < len(conds); i++ {
		c := conds[i]
		v := e.applyCond(c)
		if c.OrNext {
			switch v {
			case condTrue:
				for i < len(conds) && conds[i].OrNext {
					i++
				}
				groupUnknown = false
				continue
			case condUnknown:
				groupUnknown = true
			}
			continue
		}
		if v == condTrue {
			groupUnknown = false
			continue
		}
		if v == condFalse && !groupUnknown {
			return condFalse
		}
		e.res.undecided("the RewriteConds of " + ruleName(e.step.Rule) + " cannot be decided")
		return condUnknown
	}
	return condTrue
}

func ruleName(d *ast.Directive) string {
	if d == nil {
		return "RewriteRule"
	}
	return "RewriteRule at " + d.Pos().String()
}

// applyCond is apply_rewrite_cond.
func (e *engine) applyCond(c *Cond) condValue {
	cs := CondStep{Cond: c.Directive}
	defer func() { e.step.Conds = append(e.step.Conds, cs) }()
	unknown := func(why string) condValue {
		cs.Unknown = why
		e.res.Unmodelled = append(e.res.Unmodelled, why)
		return condUnknown
	}
	var input string
	if c.Kind != CondExpr {
		in, _, why := e.expand(c.Input, nil, false)
		if why != "" {
			return unknown(why)
		}
		input = in
	}
	cs.Input = input
	rc := false
	stat := func() (FileInfo, bool) {
		fi := e.in.Req.Stat(input)
		return fi, fi.Known
	}
	switch c.Kind {
	case CondFileExists, CondFileSize, CondFileDir, CondFileLink, CondFileXBit:
		fi, ok := stat()
		if !ok {
			return unknown("whether " + input + " exists is not known (RewriteCond at " + c.Directive.Pos().String() + ")")
		}
		switch c.Kind {
		case CondFileExists:
			rc = fi.Exists && fi.Regular
		case CondFileSize:
			rc = fi.Exists && fi.Regular && fi.Size > 0
		case CondFileDir:
			rc = fi.Exists && fi.Dir
		case CondFileLink:
			rc = fi.Exists && fi.Symlink
		case CondFileXBit:
			rc = fi.Exists && fi.Exec
		}
	case CondLookupURL, CondLookupFile:
		if input == "" {
			break
		}
		sr, ok := e.in.Req.(SubRequester)
		if !ok {
			return unknown("RewriteCond at " + c.Directive.Pos().String() + " runs a sub-request (" + c.Pattern + "), not modelled")
		}
		if c.Kind == CondLookupURL {
			st, known := sr.LookupURI(input)
			if !known {
				return unknown("the sub-request for " + input + " (RewriteCond -U at " + c.Directive.Pos().String() + ") cannot be decided")
			}
			rc = st < 400
		} else {
			st, fn, known := sr.LookupFile(input)
			if !known {
				return unknown("the sub-request for " + input + " (RewriteCond -F at " + c.Directive.Pos().String() + ") cannot be decided")
			}
			if st < 300 {
				fi := e.in.Req.Stat(fn)
				if !fi.Known {
					return unknown("whether " + fn + " exists is not known (RewriteCond -F at " + c.Directive.Pos().String() + ")")
				}
				rc = fi.Exists
			}
		}
	case CondStrGE, CondStrGT:
		basis := 0
		if c.Kind == CondStrGT {
			basis = 1
		}
		rc = e.compare(input, c.Pattern, c.NoCase) >= basis
	case CondStrLE, CondStrLT:
		basis := 0
		if c.Kind == CondStrLT {
			basis = -1
		}
		rc = e.compare(input, c.Pattern, c.NoCase) <= basis
	case CondStrEQ:
		if c.NoCase {
			rc = syntax.EqualFoldASCII(input, c.Pattern)
		} else {
			rc = input == c.Pattern
		}
	case CondIntGE:
		rc = atoi(input) >= atoi(c.Pattern)
	case CondIntGT:
		rc = atoi(input) > atoi(c.Pattern)
	case CondIntLE:
		rc = atoi(input) <= atoi(c.Pattern)
	case CondIntLT:
		rc = atoi(input) < atoi(c.Pattern)
	case CondIntEQ:
		rc = atoi(input) == atoi(c.Pattern)
	case CondExpr:
		v, ok := trivialExpr(c.Pattern)
		if ev, isEv := e.in.Req.(ExprEvaluator); !ok && isEv {
			v, ok = ev.EvalExpr(c.Pattern)
		}
		if !ok {
			return unknown("RewriteCond expr " + strconv.Quote(c.Pattern) + " at " + c.Directive.Pos().String() + " is not evaluated (only true/false are)")
		}
		rc = v
	default:
		m := c.re.FindStringSubmatchIndex(input)
		rc = m != nil
		if rc && !c.Negate {
			e.rc = backrefs{source: input, m: m}
		}
	}
	if c.Negate {
		rc = !rc
	}
	cs.Matched = rc
	if rc {
		return condTrue
	}
	return condFalse
}

// compare is compare_lexicography (a longer string is greater; equal
// lengths compare bytes) or strcasecmp with NC.
func (e *engine) compare(a, b string, nocase bool) int {
	if nocase {
		return strings.Compare(syntax.ToLowerASCII(a), syntax.ToLowerASCII(b))
	}
	switch {
	case len(a) > len(b):
		return 1
	case len(a) < len(b):
		return -1
	}
	return strings.Compare(a, b)
}

// trivialExpr decides the ap_expr forms that need no request: true,
// false (and their negations with '!').
func trivialExpr(s string) (bool, bool) {
	s = strings.TrimSpace(s)
	neg := false
	for strings.HasPrefix(s, "!") {
		neg = !neg
		s = strings.TrimSpace(s[1:])
	}
	switch s {
	case "true", "1 == 1":
		return !neg, true
	case "false", "1 == 0":
		return neg, true
	}
	return false, false
}
