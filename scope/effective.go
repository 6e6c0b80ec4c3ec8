package scope

import (
	"sort"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
)

// Setting kinds: how a value came to be in force.
const (
	RuleInnermost = "innermost"  // the last section that set it wins
	RuleOptions   = "options"    // Options with +/- merging (merge_core_dir_configs)
	RuleByName    = "by-name"    // one value per variable or extension (mod_env, mod_mime)
	RuleAuthz     = "authz"      // Require lines in force (mod_authz_core, AuthMerging)
	RuleRewrite   = "rewrite"    // the innermost section's rewrite rules (mod_rewrite)
	RuleSetEnvIf  = "accumulate" // every level's conditionals run in order (mod_setenvif)
	RuleHeaders   = "in-order"   // every level's Header lines, parent's first (mod_headers)
)

// Effective is one directive in force for the request or directory.
type Effective struct {
	Name   string   // directive name as written
	Key    string   // what it is set for: the variable, extension …; "" for plain directives
	Values []string // the arguments (for Options: the effective option names)
	Rule   string   // one of the Rule* constants
	By     []*ast.Directive
}

// Effective lists the directives in force, sorted by name and key.
func (r *Result) Effective() []Effective {
	c := r.conf
	if c == nil {
		return nil
	}
	var out []Effective
	if len(c.optsBy) > 0 {
		out = append(out, Effective{Name: "Options", Values: optionNames(c.opts &^ optUnset), Rule: RuleOptions, By: c.optsBy})
	}
	if c.overrideBy != nil {
		out = append(out, Effective{Name: "AllowOverride", Values: c.overrideBy.Values(), Rule: RuleInnermost, By: []*ast.Directive{c.overrideBy}})
	}
	if c.handler != nil && c.handler.By != nil {
		out = append(out, Effective{Name: "SetHandler", Values: []string{c.handler.Value}, Rule: RuleInnermost, By: []*ast.Directive{c.handler.By}})
	}
	for _, e := range c.envList() {
		out = append(out, Effective{Name: "SetEnv", Key: e.Name, Values: []string{e.Value}, Rule: RuleByName, By: []*ast.Directive{e.By}})
	}
	for ext, h := range c.extHandler {
		if h.Value != "" {
			out = append(out, Effective{Name: "AddHandler", Key: "." + ext, Values: []string{h.Value}, Rule: RuleByName, By: []*ast.Directive{h.By}})
		}
	}
	if c.authz != nil && c.authz.root != nil {
		var by []*ast.Directive
		var walk func(n *authzNode)
		walk = func(n *authzNode) {
			if n.by != nil {
				by = append(by, n.by)
			}
			for _, ch := range n.children {
				walk(ch)
			}
		}
		walk(c.authz.root)
		out = append(out, Effective{Name: "Require", Rule: RuleAuthz, By: by})
	}
	if c.rewrite != nil && len(c.rewrite.rules) > 0 {
		out = append(out, Effective{Name: "RewriteRule", Rule: RuleRewrite, By: c.rewrite.rules})
	}
	if len(c.setEnvIf) > 0 {
		out = append(out, Effective{Name: "SetEnvIf", Rule: RuleSetEnvIf, By: c.setEnvIf})
	}
	if len(c.headers) > 0 {
		out = append(out, Effective{Name: "Header", Rule: RuleHeaders, By: c.headers})
	}
	if c.dirIndexBy != nil {
		out = append(out, Effective{Name: "DirectoryIndex", Values: c.dirIndex, Rule: RuleInnermost, By: []*ast.Directive{c.dirIndexBy}})
	}
	c.last.each(func(_ string, d *ast.Directive) {
		// Server-only directives (DocumentRoot, Listen, LoadModule …)
		// are not per-directory configuration: the registry says which.
		if info, ok := directive.Lookup(d.Name); ok && !info.InDirectory() {
			return
		}
		out = append(out, Effective{Name: d.Name, Values: d.Values(), Rule: RuleInnermost, By: []*ast.Directive{d}})
	})
	sort.Slice(out, func(i, j int) bool {
		a, b := strings.ToLower(out[i].Name), strings.ToLower(out[j].Name)
		if a != b {
			return a < b
		}
		return out[i].Key < out[j].Key
	})
	return out
}

func optionNames(opts int) []string {
	names := []struct {
		bit  int
		name string
	}{{OptIndexes, "Indexes"}, {OptIncludes, "Includes"}, {OptFollowSymlink, "FollowSymLinks"}, {OptExecCGI, "ExecCGI"},
		{OptSymOwner, "SymLinksIfOwnerMatch"}, {OptMultiViews, "MultiViews"}}
	var out []string
	for _, n := range names {
		if opts&n.bit != 0 {
			out = append(out, n.name)
		}
	}
	if opts&OptIncludes != 0 && opts&OptIncWithExec == 0 {
		out[1] = "IncludesNOEXEC"
	}
	if len(out) == 0 {
		out = []string{"None"}
	}
	return out
}
