package scope

import (
	"sort"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
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
	out := coreEffective(&c.core, nil)
	for _, mc := range c.mods {
		if m := modules[mc.index]; m.effective != nil {
			out = m.effective(mc.conf, out)
		}
	}
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
