package scope

import (
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/pcre"
)

// mod_rewrite, as far as the engine models it: rule sets per server and
// per directory, RewriteCond, and the [E=] effects of rules without a
// substitution. A rule that would rewrite the URL is reported as not
// modelled (issue 18 adds substitutions on this module).
//
// Where it runs: the server's rules at header_parser here (httpd runs
// them at translate_name, APR_HOOK_FIRST; conditions read
// REQUEST_FILENAME as the directory walk left it, which is why they run
// after it), the per-directory rules at fixups (APR_HOOK_FIRST), where
// the FollowSymLinks check answers 403.

var rewriteModule = &module{name: "mod_rewrite"}

func init() {
	rewriteModule.define(module{
		cmds: map[string]cmdFunc{
			"rewriteengine":  rewriteCmd,
			"rewriterule":    rewriteCmd,
			"rewritecond":    rewriteCmd,
			"rewriteoptions": rewriteCmd,
			"rewritebase":    rewriteCmd,
		},
		mergeDir: func(base, add any) any { return mergeRewrite(base.(*rewriteSet), add.(*rewriteSet)) },
		effective: func(conf any, out []Effective) []Effective {
			if rs := conf.(*rewriteSet); len(rs.rules) > 0 {
				out = append(out, Effective{Name: "RewriteRule", Rule: RuleRewrite, By: rs.rules})
			}
			return out
		},
		// The server's rule set is what its body sets.
		newServer: func(_ []ast.Node, built *dirConfig) any {
			if rs := peekDir[rewriteSet](built, rewriteModule); rs != nil {
				return rs
			}
			return nil
		},
		// config_server_merge: every virtual host has a server config;
		// its rules replace the main server's unless it says
		// RewriteOptions Inherit.
		mergeServer: func(main, vhost any) any {
			m, _ := main.(*rewriteSet)
			v, _ := vhost.(*rewriteSet)
			if v == nil {
				v = &rewriteSet{}
			}
			return mergeRewrite(m, v)
		},
		headerParser: func(r *request) {
			if rs := serverOf[rewriteSet](r, rewriteModule); rs != nil {
				r.noteNotModelled(runRewrite(rs, r.uri, r.rewriteCtx()))
			}
		},
		fixups: func(r *request) *answer {
			rs := peekDir[rewriteSet](r.conf, rewriteModule)
			if rs == nil {
				return nil
			}
			// A request for the directory without its trailing slash is
			// left to mod_dir (r->filename is the directory's name
			// without the slash); with the slash it is refused like the
			// rest (verified on 2.4: resolve/testdata/cases/
			// phase-rewrite-symlinks-before-dir, "/" → 403).
			toDir := r.filename+"/" == rs.directory && !strings.HasSuffix(r.uri, "/")
			if rs.engine != nil && *rs.engine && rs.directory != "" && !toDir &&
				r.conf.core.opts&(OptFollowSymlink|OptSymOwner) == 0 {
				return &answer{status: 403, reason: "Options FollowSymLinks and SymLinksIfOwnerMatch are both off, so the RewriteRule directive is also forbidden due to its similar ability to circumvent directory restrictions : " + r.filename}
			}
			if r.notModelled != "" {
				return nil
			}
			rel := r.filename
			if dir := rs.directory; dir != "" && strings.HasPrefix(rel+"/", dir) {
				rel = strings.TrimPrefix(rel, strings.TrimSuffix(dir, "/"))
				rel = strings.TrimPrefix(rel, "/")
			}
			r.noteNotModelled(runRewrite(rs, rel, r.rewriteCtx()))
			return nil
		},
		setsEnv: []string{"rewriterule"},
	})
}

// rewriteSet is the mod_rewrite configuration of one section (or server):
// only sections that contain a rewrite directive have one, which is why
// httpd's per-directory rules come from the innermost such section.
type rewriteSet struct {
	engine    *bool            // RewriteEngine, nil when not set here
	inherit   bool             // RewriteOptions Inherit
	rules     []*ast.Directive // RewriteCond and RewriteRule, in order
	directory string           // the section's path, for per-dir prefix stripping
}

// rewriteCmd records a rewrite directive into the body's set.
func rewriteCmd(a *applier, c *dirConfig, d *ast.Directive, vals []string) {
	rs := dirOf[rewriteSet](c, rewriteModule)
	rs.directory = a.dir
	switch d.Canonical() {
	case "rewriteengine":
		on := len(vals) > 0 && strings.EqualFold(vals[0], "on")
		rs.engine = &on
	case "rewriteoptions":
		for _, v := range vals {
			if strings.EqualFold(v, "inherit") {
				rs.inherit = true
			}
		}
	case "rewriterule", "rewritecond":
		rs.rules = append(rs.rules, d)
	}
}

// mergeRewrite is config_perdir_merge: the engine state is inherited when
// not set; rules are the child's alone unless it says Inherit.
func mergeRewrite(base, add *rewriteSet) *rewriteSet {
	if add == nil {
		return base
	}
	if base == nil {
		return add
	}
	c := *add
	if c.engine == nil {
		c.engine = base.engine
	}
	if add.inherit {
		c.rules = append(append([]*ast.Directive(nil), add.rules...), base.rules...)
	}
	return &c
}

// rewriteCtx is what rules and conditions read.
type rewriteCtx struct {
	vars   map[string]string
	env    *envTable
	header func(string) string
	stat   func(string) fileType
}

// runRewrite applies a rule set's [E=] effects. match is the string the
// rule patterns see (the URL path at server level; the path relative to
// the directory per-directory). It returns a reason when a rule that
// matched would rewrite the URL, which we do not model.
func runRewrite(set *rewriteSet, match string, rc *rewriteCtx) (notModelled string) {
	if set == nil || set.engine == nil || !*set.engine {
		return ""
	}
	var conds []*ast.Directive
	skip := 0
	chainFailed := false
	for _, d := range set.rules {
		if d.Canonical() == "rewritecond" {
			conds = append(conds, d)
			continue
		}
		cs := conds
		conds = nil
		if skip > 0 {
			skip--
			continue
		}
		vals := d.Values()
		if len(vals) < 2 {
			continue
		}
		flags := parseRewriteFlags(vals[2:])
		if chainFailed {
			chainFailed = flags.chain
			continue
		}
		pat, negate := vals[0], false
		if strings.HasPrefix(pat, "!") {
			pat, negate = pat[1:], true
		}
		re, err := pcre.Compile(pat, flags.nocase)
		if err != nil {
			return "RewriteRule pattern " + strconv.Quote(vals[0]) + " is not supported by Go's regexp"
		}
		m := re.FindStringSubmatchIndex(match)
		if (m != nil) == negate {
			chainFailed = flags.chain
			continue
		}
		if negate {
			m = nil
		}
		ok, cm, reason := evalConds(cs, rc, match, m)
		if reason != "" {
			return reason
		}
		if !ok {
			chainFailed = flags.chain
			continue
		}
		for _, e := range flags.env {
			if strings.HasPrefix(e, "!") {
				rc.env.unset(e[1:])
				continue
			}
			k, v, _ := strings.Cut(e, ":")
			rc.env.set(EnvVar{Name: k, Value: expandRewrite(v, match, m, cm, rc), By: d})
		}
		if vals[1] != "-" {
			return "RewriteRule at " + d.Pos().String() + " rewrites the URL; mod_rewrite substitutions are not modelled"
		}
		if flags.last {
			return ""
		}
		skip = flags.skip
	}
	return ""
}

type rewriteFlags struct {
	env          []string
	nocase, last bool
	chain        bool
	skip         int
}

func parseRewriteFlags(args []string) rewriteFlags {
	var f rewriteFlags
	for _, a := range args {
		a = strings.TrimSuffix(strings.TrimPrefix(a, "["), "]")
		for _, fl := range strings.Split(a, ",") {
			k, v, _ := strings.Cut(fl, "=")
			switch strings.ToLower(k) {
			case "e", "env":
				f.env = append(f.env, v)
			case "nc", "nocase":
				f.nocase = true
			case "l", "last", "end":
				f.last = true
			case "c", "chain":
				f.chain = true
			case "s", "skip":
				f.skip, _ = strconv.Atoi(v)
			}
		}
	}
	return f
}

// evalConds evaluates RewriteConds ([OR] and ! supported). It returns
// the last matching condition's submatches (for %N).
func evalConds(conds []*ast.Directive, rc *rewriteCtx, match string, rm []int) (bool, []string, string) {
	result := true
	var last []string
	orPending := false
	for i, d := range conds {
		vals := d.Values()
		if len(vals) < 2 {
			continue
		}
		nocase, or := false, false
		if len(vals) > 2 {
			fl := strings.ToLower(strings.Trim(vals[2], "[]"))
			for _, f := range strings.Split(fl, ",") {
				switch f {
				case "nc", "nocase":
					nocase = true
				case "or", "ornext":
					or = true
				}
			}
		}
		if orPending && result {
			orPending = or
			continue // an earlier condition of this OR group matched
		}
		test := expandRewrite(vals[0], match, rm, last, rc)
		pat := vals[1]
		neg := strings.HasPrefix(pat, "!")
		if neg {
			pat = pat[1:]
		}
		var ok bool
		switch {
		case pat == "-f" || pat == "-F":
			ok = rc.stat(test) == regFile
		case pat == "-d":
			ok = rc.stat(test) == dirFile
		case pat == "-s":
			ok = rc.stat(test) == regFile
		case strings.HasPrefix(pat, "="):
			if nocase {
				ok = strings.EqualFold(test, pat[1:])
			} else {
				ok = test == pat[1:]
			}
		case strings.HasPrefix(pat, "-"):
			return false, nil, "RewriteCond test " + pat + " at " + d.Pos().String() + " is not modelled"
		default:
			re, err := pcre.Compile(pat, nocase)
			if err != nil {
				return false, nil, "RewriteCond pattern at " + d.Pos().String() + " is not supported by Go's regexp"
			}
			sm := re.FindStringSubmatch(test)
			ok = sm != nil
			if ok && !neg {
				last = sm
			}
		}
		if neg {
			ok = !ok
		}
		if or && i < len(conds)-1 {
			if ok {
				result = true
				orPending = true
				continue
			}
			result = false
			orPending = true
			continue
		}
		if orPending {
			orPending = false
			result = result || ok
		} else {
			result = ok
		}
		if !result {
			return false, nil, ""
		}
	}
	return result, last, ""
}

// expandRewrite expands $N (rule backreferences), %N (condition
// backreferences) and %{VAR} in a rewrite string.
func expandRewrite(s, match string, m []int, cm []string, rc *rewriteCtx) string {
	if !strings.ContainsAny(s, "$%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			b.WriteByte(s[i+1])
			i++
			continue
		}
		if (c == '$' || c == '%') && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			n := int(s[i+1] - '0')
			if c == '$' && m != nil && 2*n+1 < len(m) && m[2*n] >= 0 {
				b.WriteString(match[m[2*n]:m[2*n+1]])
			}
			if c == '%' && n < len(cm) {
				b.WriteString(cm[n])
			}
			i++
			continue
		}
		if c == '%' && strings.HasPrefix(s[i:], "%{") {
			end := strings.IndexByte(s[i:], '}')
			if end > 0 {
				b.WriteString(rewriteVar(s[i+2:i+end], rc))
				i += end
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func rewriteVar(name string, rc *rewriteCtx) string {
	if fn, arg, ok := strings.Cut(name, ":"); ok {
		switch strings.ToUpper(fn) {
		case "ENV":
			e, _ := rc.env.get(arg)
			return e.Value
		case "HTTP":
			return rc.header(arg)
		}
		return ""
	}
	up := strings.ToUpper(name)
	if v, ok := rc.vars[up]; ok {
		return v
	}
	if h, ok := strings.CutPrefix(up, "HTTP_"); ok {
		return rc.header(strings.ReplaceAll(h, "_", "-"))
	}
	return ""
}

// rewriteCtx is what RewriteRule and RewriteCond read of the request.
func (r *request) rewriteCtx() *rewriteCtx {
	rs := reqState[rewriteState](r, rewriteModule)
	if rs.rc == nil {
		rs.rc = &rewriteCtx{env: &r.env, header: func(name string) string { h, _ := r.attrs.header(name); return h },
			stat: r.w.stat, vars: map[string]string{
				"HTTP_HOST": r.req.Host, "REQUEST_URI": r.uri, "REQUEST_METHOD": "GET", "SERVER_NAME": r.v.ServerName,
				"SERVER_PORT": strconv.Itoa(r.req.Port), "REMOTE_ADDR": r.req.Remote.String(), "SERVER_ADDR": r.req.Addr.String(),
				"QUERY_STRING": "", "THE_REQUEST": "GET " + r.req.Path + " HTTP/1.1", "REQUEST_SCHEME": "http", "HTTPS": "off",
				"REQUEST_FILENAME": r.filename, "SCRIPT_FILENAME": r.filename, "DOCUMENT_ROOT": "",
			}}
	}
	return rs.rc
}

// rewriteState is mod_rewrite's per-request state.
type rewriteState struct {
	rc *rewriteCtx
}
