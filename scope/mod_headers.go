package scope

import "github.com/apacheconf/apacheconf/ast"

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
