package directive

import (
	"math/rand"
	"reflect"
	"strings"
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
			ctx = ctx.in(append(ctx.Sections[:d:d], names[r.Intn(len(names))]))
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

// TestShapeRuleAgreesWithShape: shapeRule, which compares the words of
// the arguments' shape, finds the rule the shape's string (Shape) names.
func TestShapeRuleAgreesWithShape(t *testing.T) {
	byString := func(i *Info, sh string) *ShapeRule {
		for k := range i.Shapes {
			if i.Shapes[k].Shape == sh {
				return &i.Shapes[k]
			}
		}
		return nil
	}
	want := func(i *Info, args []string) *ShapeRule {
		sh := Shape(args)
		if r := byString(i, sh); r != nil {
			return r
		}
		base := sh
		for {
			b, ok := strings.CutSuffix(base, " kv")
			if !ok {
				b, ok = strings.CutSuffix(base, " +")
			}
			if !ok {
				break
			}
			base = b
		}
		if base == sh {
			return nil
		}
		r, r1 := byString(i, base), byString(i, base+" kv")
		if r != nil && r1 != nil && r.NotIn == r1.NotIn && r.Msgs == r1.Msgs {
			return r
		}
		return nil
	}
	samples := []string{"", "!", "http://x/", "/p", "12", "On", "k=v", "w"}
	var lists [][]string
	var grow func(prefix []string)
	grow = func(prefix []string) {
		lists = append(lists, prefix)
		if len(prefix) == MaxShapeArgs+1 {
			return
		}
		for _, s := range samples {
			grow(append(prefix[:len(prefix):len(prefix)], s))
		}
	}
	grow(nil)
	n := 0
	for k := range table {
		i := &table[k]
		if len(i.Shapes) == 0 {
			continue
		}
		for _, args := range lists {
			if got, w := i.shapeRule(args), want(i, args); got != w {
				t.Fatalf("%s %q: rule %v, want %v", i.Name, args, got, w)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no directive with shapes")
	}
}
