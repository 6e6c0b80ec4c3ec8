package scope

import (
	"sort"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/pcre"
	"github.com/apacheconf/apacheconf/internal/urlmap"
)

// mod_setenvif: SetEnvIf, SetEnvIfNoCase, BrowserMatch,
// BrowserMatchNoCase. At server level they run at post_read_request from
// the server configuration (the main server's, then the virtual
// host's); in sections and .htaccess at header_parser, every level's
// conditionals in merge order (merge_setenvif_config appends).

var setenvifModule = &module{name: "mod_setenvif"}

func init() {
	setenvifModule.define(module{
		cmds: map[string]cmdFunc{
			"setenvif":           setEnvIfCmd,
			"setenvifnocase":     setEnvIfCmd,
			"browsermatch":       setEnvIfCmd,
			"browsermatchnocase": setEnvIfCmd,
		},
		checks: map[string]cmdFunc{
			"setenvif":           setEnvIfCheck,
			"setenvifnocase":     setEnvIfCheck,
			"browsermatch":       setEnvIfCheck,
			"browsermatchnocase": setEnvIfCheck,
		},
		mergeDir: func(base, add any) any {
			b, a := base.(*setEnvIfDir), add.(*setEnvIfDir)
			if len(a.conds) == 0 {
				return b
			}
			return &setEnvIfDir{conds: append(append([]*ast.Directive(nil), b.conds...), a.conds...)}
		},
		effective: func(conf any, out []Effective) []Effective {
			if c := conf.(*setEnvIfDir).conds; len(c) > 0 {
				out = append(out, Effective{Name: "SetEnvIf", Rule: RuleSetEnvIf, By: c})
			}
			return out
		},
		newServer: func(body []ast.Node, _ *dirConfig) any {
			if conds := setEnvIfDirectives(body); len(conds) > 0 {
				return &setEnvIfDir{conds: conds}
			}
			return nil
		},
		mergeServer: func(main, vhost any) any {
			m, _ := main.(*setEnvIfDir)
			v, _ := vhost.(*setEnvIfDir)
			switch {
			case v == nil:
				return main
			case m == nil:
				return vhost
			}
			return &setEnvIfDir{conds: append(append([]*ast.Directive(nil), m.conds...), v.conds...)}
		},
		postReadRequest: func(r *request) {
			if sc := serverOf[setEnvIfDir](r, setenvifModule); sc != nil {
				r.undecided = append(r.undecided, runSetEnvIf(sc.conds, r.attrs, &r.env)...)
			}
		},
		headerParser: func(r *request) {
			r.attrs.uri = r.uri // header_parser sees the normalised URI
			if c := peekDir[setEnvIfDir](r.conf, setenvifModule); c != nil {
				r.undecided = append(r.undecided, runSetEnvIf(c.conds, r.attrs, &r.env)...)
			}
		},
		setsEnv: []string{"setenvif", "setenvifnocase", "setenvifexpr", "browsermatch", "browsermatchnocase"},
	})
}

// setEnvIfDir is the conditionals of a configuration, in order.
type setEnvIfDir struct {
	conds []*ast.Directive
}

func setEnvIfCmd(a *applier, c *dirConfig, d *ast.Directive, _ []string) {
	// At server level these run at post_read_request from the server
	// configuration (newServer), not per directory.
	if a.ctx != CtxServer {
		s := dirOf[setEnvIfDir](c, setenvifModule)
		s.conds = append(s.conds, d)
	}
}

// setEnvIfCheck is add_setenvif_core's refusals, in its order, with the
// directive named as its command table spells it (cmd->cmd->name).
func setEnvIfCheck(a *applier, _ *dirConfig, d *ast.Directive, vals []string) {
	name := map[string]string{"setenvif": "SetEnvIf", "setenvifnocase": "SetEnvIfNoCase",
		"browsermatch": "BrowserMatch", "browsermatchnocase": "BrowserMatchNoCase"}[d.Canonical()]
	// RAW_ARGS read with ap_getword_conf: an empty word ends the list.
	words := vals
	for i, w := range words {
		if w == "" {
			words = words[:i]
			break
		}
	}
	header := "User-Agent"
	if strings.HasPrefix(name, "SetEnvIf") {
		if len(words) == 0 {
			a.fail(d.Pos(), "Missing header-field name for %s", name)
			return
		}
		header, words = words[0], words[1:]
	}
	if len(words) == 0 {
		a.fail(d.Pos(), "Missing regular expression for %s", name)
		return
	}
	icase := strings.HasSuffix(name, "NoCase")
	if pcreRefuses(words[0], icase) {
		a.fail(d.Pos(), "%s regex could not be compiled.", name)
		return
	}
	switch strings.ToLower(header) {
	case "remote_addr", "remote_host", "request_uri", "request_method", "request_protocol", "server_addr":
	default:
		// is_header_regex: a name with characters other than
		// [-_A-Za-z0-9] is a regular expression.
		if strings.Trim(header, "-_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" && pcreRefuses(header, icase) {
			a.fail(d.Pos(), "%sHeader name regex could not be compiled.", name)
			return
		}
	}
	if len(words) == 1 {
		a.fail(d.Pos(), "Missing envariable expression for %s", name)
	}
}

// setEnvIfDirectives picks SetEnvIf-family directives from a body.
func setEnvIfDirectives(body []ast.Node) []*ast.Directive {
	var out []*ast.Directive
	for _, n := range body {
		if d, ok := n.(*ast.Directive); ok && isSetEnvIf(d) {
			out = append(out, d)
		}
	}
	return out
}

func isSetEnvIf(d *ast.Directive) bool {
	cmds, _ := commandTables()
	cmd, ok := cmds[d.Canonical()]
	return ok && cmd.m == setenvifModule
}

// runSetEnvIf is match_headers: each conditional in order; the
// attribute is a special name, else a request header, else a variable
// set earlier. It returns directives it could not evaluate.
func runSetEnvIf(conds []*ast.Directive, r *envRequest, env *envTable) (undecided []*ast.Directive) {
	for _, d := range conds {
		vals := d.Values()
		name := d.Canonical()
		var attr, pattern string
		var features []string
		switch name {
		case "browsermatch", "browsermatchnocase":
			if len(vals) < 1 {
				continue
			}
			attr, pattern, features = "User-Agent", vals[0], vals[1:]
		default:
			if len(vals) < 2 {
				continue
			}
			attr, pattern, features = vals[0], vals[1], vals[2:]
		}
		re, err := pcre.Compile(pattern, strings.HasSuffix(name, "nocase"))
		if err != nil {
			undecided = append(undecided, d)
			continue
		}
		var val string
		switch strings.ToLower(attr) {
		case "remote_addr":
			val = r.remote
		case "server_addr":
			val = r.local
		case "remote_host":
			val = r.remote // HostnameLookups Off: the address
		case "request_uri":
			val = r.uri
		case "request_method":
			val = r.method
		case "request_protocol":
			val = "HTTP/1.1"
		default:
			if !isHeaderName(attr) {
				// A name that is not a plain header name is a regex over
				// the request's header names (is_header_regex; no case):
				// the last header it matches gives the value.
				nre, err := pcre.Compile(attr, true)
				if err != nil {
					undecided = append(undecided, d)
					continue
				}
				names := make([]string, 0, len(r.headers))
				for k := range r.headers {
					names = append(names, k)
				}
				sort.Strings(names)
				for _, k := range names {
					if nre.MatchString(k) {
						val = r.headers[k]
					}
				}
			} else if v, ok := r.header(attr); ok {
				val = v
			} else if e, ok := env.get(attr); ok {
				val = e.Value
			}
		}
		m := re.FindStringSubmatchIndex(val)
		if m == nil {
			continue
		}
		for _, f := range features {
			if strings.HasPrefix(f, "!") {
				env.unset(f[1:])
				continue
			}
			k, v, hasV := strings.Cut(f, "=")
			if !hasV {
				v = "1"
			}
			env.set(EnvVar{Name: k, Value: urlmap.Pregsub(v, val, m), By: d})
		}
	}
	return undecided
}

// isHeaderName is is_header_regex's test, reversed: letters, digits, '-'
// and '_' only.
func isHeaderName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
