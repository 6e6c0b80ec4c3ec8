package scope

import (
	"slices"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

// mod_allowmethods: AllowMethods restricts the methods a section accepts
// (am_check_access, an access_checker at APR_HOOK_REALLY_FIRST: 405
// before authorization). GET allows HEAD; "reset" allows every method
// again. TRACE never reaches it: the core answers TRACE at
// map_to_storage (TraceEnable). The innermost AllowMethods wins
// (am_merge_conf).

var allowMethodsModule = &module{name: "mod_allowmethods"}

// allowMethodsConf is mod_allowmethods' per-directory configuration.
type allowMethodsConf struct {
	methods []string // upper case; nil: every method (unset or reset)
	by      *ast.Directive
}

func init() {
	allowMethodsModule.define(module{
		cmds: map[string]cmdFunc{
			"allowmethods": func(_ *applier, c *dirConfig, d *ast.Directive, vals []string) {
				x := dirOf[allowMethodsConf](c, allowMethodsModule)
				x.methods, x.by = []string{}, d
				for _, v := range vals {
					if strings.EqualFold(v, "reset") {
						x.methods = nil
						break
					}
					x.methods = append(x.methods, strings.ToUpper(v))
				}
			},
		},
		// am_merge_conf: the child's list when it sets one.
		mergeDir: func(base, add any) any { return add },
		accessChecker: func(r *request) (int, string) {
			if !r.s.Loaded("allowmethods_module") {
				return 0, ""
			}
			c := peekDir[allowMethodsConf](r.conf, allowMethodsModule)
			if c == nil || c.methods == nil {
				return 0, ""
			}
			if m := methodNumber(r.req.MethodOrGET()); !slices.Contains(c.methods, m) {
				return 405, "client method denied by server configuration: " + m + " (AllowMethods at " + c.by.Pos().String() + ")"
			}
			return 0, ""
		},
	})
}
