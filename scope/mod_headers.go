package scope

import (
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

// mod_headers: Header and RequestHeader lines accumulate in merge order
// (the parent's first) and run in that order. Responses are not
// modelled; the lines are reported in Effective.

var headersModule = &module{name: "mod_headers"}

func init() {
	headersModule.define(module{
		cmds: map[string]cmdFunc{
			"header":        headerCmd,
			"requestheader": headerCmd,
		},
		checks: map[string]cmdFunc{
			"header":        headerCheck,
			"requestheader": headerCheck,
		},
		mergeDir: func(base, add any) any {
			b, a := base.(*headersDir), add.(*headersDir)
			if len(a.lines) == 0 {
				return b
			}
			return &headersDir{lines: append(append([]*ast.Directive(nil), b.lines...), a.lines...)}
		},
		effective: func(conf any, out []Effective) []Effective {
			if l := conf.(*headersDir).lines; len(l) > 0 {
				out = append(out, Effective{Name: "Header", Rule: RuleHeaders, By: l})
			}
			return out
		},
	})
}

type headersDir struct {
	lines []*ast.Directive
}

func headerCmd(_ *applier, c *dirConfig, d *ast.Directive, _ []string) {
	h := dirOf[headersDir](c, headersModule)
	h.lines = append(h.lines, d)
}

// headerCheck is header_cmd's and header_inout_cmd's refusals, in their
// order. An expression (expr=…) is not judged.
func headerCheck(a *applier, _ *dirConfig, d *ast.Directive, vals []string) {
	name := "Header"
	if d.Canonical() == "requestheader" {
		name = "RequestHeader"
	}
	word := func(i int) string {
		if i < len(vals) {
			return vals[i]
		}
		return ""
	}
	i := 0
	action := word(i)
	if name == "Header" && (strings.EqualFold(action, "always") || strings.EqualFold(action, "onsuccess")) {
		i++
		action = word(i)
	}
	hdr, rest := word(i+1), vals[min(i+2, len(vals)):]
	if len(rest) > 3 {
		a.fail(d.Pos(), "%s has too many arguments", name)
		return
	}
	arg := func(k int) (string, bool) {
		if k < len(rest) {
			return rest[k], true
		}
		return "", false
	}
	value, hasValue := arg(0)
	subs, hasSubs := arg(1)
	env, hasEnv := arg(2)
	act := strings.ToLower(action)
	switch act {
	case "set", "setifempty", "add", "append", "merge", "unset", "echo", "edit", "edit*", "note":
	default:
		a.fail(d.Pos(), "first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', 'echo', 'note', 'edit', or 'edit*'.")
		return
	}
	format := value
	if act == "edit" || act == "edit*" {
		if !hasSubs {
			a.fail(d.Pos(), "Header edit requires a match and a substitution")
			return
		}
		if pcreRefuses(value, false) {
			a.fail(d.Pos(), "Header edit regex could not be compiled")
			return
		}
		format = subs
	} else {
		if hasEnv {
			a.fail(d.Pos(), "Too many arguments to directive")
			return
		}
		env, hasEnv = subs, hasSubs
	}
	switch {
	case act == "unset" || act == "echo":
		if hasValue {
			if hasEnv {
				if act == "unset" {
					a.fail(d.Pos(), "header unset takes two arguments")
				} else {
					a.fail(d.Pos(), "Header echo takes two arguments")
				}
				return
			}
			env, hasEnv = value, true
		}
		if act == "echo" {
			if name != "Header" {
				a.fail(d.Pos(), "Header echo only valid on Header directives")
				return
			}
			if pcreRefuses(hdr, false) {
				a.fail(d.Pos(), "Header echo regex could not be compiled")
				return
			}
		}
		format = ""
	case !hasValue:
		a.fail(d.Pos(), "Header requires three arguments")
		return
	}
	if hasEnv {
		switch le := strings.ToLower(env); {
		case le == "early", strings.HasPrefix(le, "expr="):
		case strings.HasPrefix(le, "env="):
			if le == "env=" || le == "env=!" {
				a.fail(d.Pos(), "error: missing environment variable name. envclause should be in the form env=envar ")
				return
			}
		default:
			a.fail(d.Pos(), "Unknown parameter: %s", env)
			return
		}
	}
	if strings.HasPrefix(format, "expr=") {
		return
	}
	// parse_format_tag: %% and a trailing % are literal; %{arg}X and %X
	// must name a registered tag.
	for s := format; s != ""; {
		j := strings.IndexByte(s, '%')
		if j < 0 {
			break
		}
		s = s[j+1:]
		if s == "" || s[0] == '%' {
			if s != "" {
				s = s[1:]
			}
			continue
		}
		if s[0] == '{' {
			if k := strings.IndexByte(s, '}'); k >= 0 {
				s = s[k+1:]
			} else {
				s = ""
			}
		}
		tag := ""
		if s != "" {
			tag = s[:1]
		}
		if !strings.Contains("Dtelisb", tag) || tag == "" {
			a.fail(d.Pos(), "Unrecognized header format %%%s", tag)
			return
		}
		s = s[1:]
	}
}
