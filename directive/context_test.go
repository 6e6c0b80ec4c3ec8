package directive

import (
	"math/rand"
	"reflect"
	"testing"
)

// TestContextInAgreesWithSections: a context built section by section
// (in, as CheckTree walks) judges every directive as the same sections
// given at once do.
func TestContextInAgreesWithSections(t *testing.T) {
	names := []string{"VirtualHost", "virtualhost", "Directory", "DIRECTORYMATCH", "Location", "LocationMatch",
		"Files", "filesmatch", "If", "ElseIf", "Else", "Proxy", "ProxyMatch", "Limit", "LimitExcept",
		"IfModule", "ifdefine", "IfVersion", "IfFile", "IfDirective", "IfSection", "RequireAll", "Macro", "Nope"}
	args := [][]string{nil, {"a"}, {"/p", "http://x/"}, {"On"}, {"a", "b", "c", "d", "e"}}
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 300; n++ {
		ctx := Context{}
		if n%3 == 1 {
			ctx = Context{HTAccess: true, Override: Override(r.Intn(32))}
		}
		depth := r.Intn(5)
		for d := 0; d < depth; d++ {
			ctx = ctx.in(names[r.Intn(len(names))])
		}
		plain := Context{Sections: append([]string(nil), ctx.Sections...), HTAccess: ctx.HTAccess, Override: ctx.Override}
		for i := range table {
			info := &table[i]
			for _, a := range args {
				got, want := info.Check(a, ctx), info.Check(a, plain)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s %q in %v: in gives %v, Sections %v", info.Name, a, plain.Sections, got, want)
				}
			}
		}
	}
}
