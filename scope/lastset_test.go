package scope

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/apacheconf/apacheconf/ast"
)

func TestLastSet(t *testing.T) {
	d := func(name, v string) *ast.Directive { return &ast.Directive{Name: name, Args: ast.NewArgs(v)} }
	table := func(ds ...*ast.Directive) *lastSet {
		l := &lastSet{}
		for _, x := range ds {
			l.set(x.Canonical(), x)
		}
		return l
	}
	mainA, mainB := d("A", "main"), d("B", "main")
	vhostA := d("A", "vhost")
	dirC := d("C", "dir")
	var none *lastSet
	main := none.over(table(mainA, mainB))
	vhost := main.over(table(vhostA))
	dir := vhost.over(table(dirC))
	assert.Same(t, main, main.over(nil), "nothing to add: the same table")
	assert.Same(t, main, main.over(table()), "an empty section adds nothing")
	assert.Same(t, mainA, main.get("a"))
	assert.Same(t, vhostA, dir.get("a"), "innermost wins")
	assert.Same(t, mainB, dir.get("b"), "inherited")
	assert.Same(t, dirC, dir.get("c"))
	assert.Nil(t, vhost.get("c"), "a child does not change its parent")
	assert.Nil(t, none.get("a"))
	var got []string
	dir.each(func(k string, x *ast.Directive) { got = append(got, k+"="+x.Args[0].Value) })
	sort.Strings(got)
	assert.Equal(t, []string{"a=vhost", "b=main", "c=dir"}, got, "each name once, innermost")
	// A merged table merged again is flattened, not shared.
	flat := table(d("D", "x")).over(dir)
	assert.Same(t, dirC, flat.get("c"))
	assert.Equal(t, "x", flat.get("d").Args[0].Value)

	// A name set again keeps its place and takes the new directive, in a
	// small table and in one large enough for an index.
	for _, n := range []int{3, smallTable + 5} {
		l := &lastSet{}
		var want []string
		for i := 0; i < n; i++ {
			name := string(rune('a'+i%26)) + string(rune('0'+i/26))
			l.set(name, d(name, "first"))
			want = append(want, name+"=last")
		}
		for i := n - 1; i >= 0; i-- {
			name := string(rune('a'+i%26)) + string(rune('0'+i/26))
			l.set(name, d(name, "last"))
		}
		got = nil
		l.each(func(k string, x *ast.Directive) { got = append(got, k+"="+x.Args[0].Value) })
		assert.Equal(t, want, got, "%d names: each in the order first set", n)
		assert.Nil(t, l.get("zz"))
		assert.Equal(t, n > smallTable, l.own.index != nil)
	}
}
