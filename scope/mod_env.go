package scope

import (
	"slices"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/syntax"
)

// mod_env: SetEnv and UnsetEnv (merge_env_dir_configs); its fixup adds
// the variables to the request's environment.

var envModule = &module{name: "mod_env"}

func init() {
	envModule.define(module{
		cmds: map[string]cmdFunc{
			"setenv": func(a *applier, c *dirConfig, d *ast.Directive, vals []string) {
				if len(vals) > 0 {
					v := ""
					if len(vals) > 1 {
						v = vals[1]
					}
					dirOf[envDir](c, envModule).env.set(EnvVar{Name: vals[0], Value: v, By: d})
				}
			},
			"unsetenv": func(a *applier, c *dirConfig, d *ast.Directive, vals []string) {
				e := dirOf[envDir](c, envModule)
				for _, name := range vals {
					e.env.unset(name)
					e.unset = append(e.unset, name)
				}
			},
		},
		mergeDir: func(base, add any) any {
			b, a := base.(*envDir), add.(*envDir)
			if len(a.unset) == 0 && len(a.env) == 0 {
				return b
			}
			c := &envDir{env: append(make(confEnv, 0, len(b.env)+len(a.env)), b.env...)}
			for _, name := range a.unset {
				c.env.unset(name)
			}
			for _, v := range a.env {
				c.env.set(v)
			}
			return c
		},
		effective: func(conf any, out []Effective) []Effective {
			for _, e := range conf.(*envDir).list() {
				out = append(out, Effective{Name: "SetEnv", Key: e.Name, Values: []string{e.Value}, Rule: RuleByName, By: []*ast.Directive{e.By}})
			}
			return out
		},
		// fixup_env overlays the variables on the request's environment.
		fixups: func(r *request) *answer {
			r.env.entries = append(r.env.entries, envList(r.conf)...)
			return nil
		},
		setsEnv: []string{"setenv"},
	})
}

// envDir is mod_env's per-directory configuration.
type envDir struct {
	env   confEnv
	unset []string // names UnsetEnv removes from the parent's
}

// envList returns the variables a configuration sets, sorted by name.
func envList(c *dirConfig) []EnvVar {
	e := peekDir[envDir](c, envModule)
	if e == nil {
		return nil
	}
	return e.list()
}

func (e *envDir) list() []EnvVar {
	if len(e.env) == 0 {
		return nil
	}
	out := append([]EnvVar(nil), e.env...)
	slices.SortFunc(out, func(a, b EnvVar) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// EnvVar is one environment variable of the request, with its origin.
type EnvVar struct {
	Name  string
	Value string
	By    *ast.Directive
}

// confEnv is mod_env's table of one configuration: SetEnv's variables,
// names compared without ASCII case as apr tables do. A slice: a section sets
// none or a few, and a Go map costs hundreds of bytes even for one entry,
// with a table per section and per virtual host.
type confEnv []EnvVar

func (t confEnv) find(name string) int {
	for i := range t {
		if syntax.EqualFoldASCII(t[i].Name, name) {
			return i
		}
	}
	return -1
}

// set sets the variable, in place when its name is set already.
func (t *confEnv) set(v EnvVar) {
	if i := t.find(v.Name); i >= 0 {
		(*t)[i] = v
		return
	}
	*t = append(*t, v)
}

// unset removes the named variable. It never writes to the array it was
// given: merged tables share their parent's until they change.
func (t *confEnv) unset(name string) {
	if i := t.find(name); i >= 0 {
		*t = append((*t)[:i:i], (*t)[i+1:]...)
	}
}
