package ast_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// The quote character comes from the text: httpd reads a word starting
// with a quote as quoted, to the matching quote or the end of the line.
func TestArgQuote(t *testing.T) {
	f, err := parser.ParseFile("q.conf", []byte(`D "a b" 'c' e "unterminated`+"\n"))
	assert.NoError(t, err)
	d := f.Body[0].(*ast.Directive)
	var got []byte
	for _, a := range d.Args {
		got = append(got, a.Quote())
	}
	assert.Equal(t, []byte{'"', '\'', 0, '"'}, got)
	assert.Equal(t, byte(0), ast.NewArgs("x")[0].Quote(), "built by code")

	// SetArgs keeps a changed word's quote in the text it prints.
	d.SetArgs("x y", "z", "e", "w")
	assert.Equal(t, []byte{'"', '\'', 0, '"'}, []byte{d.Args[0].Quote(), d.Args[1].Quote(), d.Args[2].Quote(), d.Args[3].Quote()})
	out, err := ast.FormatNode(d)
	assert.NoError(t, err)
	assert.Equal(t, "D \"x y\" 'z' e \"w\"\n", string(out))
}

// An argument whose quote the end of its line closed is printed with its
// closing quote once another argument follows it (httpd would read the
// two as one word otherwise).
func TestUnterminatedQuoteGetsClosed(t *testing.T) {
	for _, src := range []string{"D \"abc\n", "D 'abc\n", "D \"a\\\"\n"} {
		f, err := parser.ParseFile("q.conf", []byte(src))
		assert.NoError(t, err)
		d := f.Body[0].(*ast.Directive)
		d.SetArgs(d.Args[0].Value, "x")
		out, err := ast.FormatNode(d)
		assert.NoError(t, err)
		g, err := parser.ParseFile("q.conf", out)
		assert.NoError(t, err)
		assert.Equal(t, []string{d.Args[0].Value, "x"}, g.Body[0].(*ast.Directive).Values(), "%q printed as %q", src, out)
	}
}

// Canonical names are remembered: the second lookup of a spelling
// allocates nothing (scope and lint ask for every directive's, often).
func TestCanonicalRemembers(t *testing.T) {
	assert.Equal(t, "wsgiprocessgroup", ast.Canonical("WSGIProcessGroup"))
	assert.Equal(t, "servername", ast.Canonical("servername"))
	name := string([]byte("DocumentRoot")) // not a constant
	ast.Canonical(name)
	assert.Zero(t, testing.AllocsPerRun(100, func() { ast.Canonical(name) }))
}

// A Pos gives back the Position it was made from; the zero Pos is none.
func TestPosRoundTrip(t *testing.T) {
	p := ast.Position{Filename: "a.conf", Offset: 120, Line: 7, Column: 3}
	assert.Equal(t, p, ast.CompactPos(p).Position())
	assert.True(t, ast.CompactPos(p).IsValid())
	assert.Equal(t, 7, ast.CompactPos(p).Line())
	assert.False(t, ast.Pos{}.IsValid())
	assert.Equal(t, ast.Position{}, ast.Pos{}.Position())
	base := ast.NewPosBase("b.conf")
	assert.Equal(t, ast.Position{Filename: "b.conf", Offset: 1, Line: 1, Column: 2}, base.Pos(1, 1, 2).Position())
	assert.Equal(t, "b.conf:1:2", (&ast.Directive{At: base.Pos(1, 1, 2)}).Pos().String())
}

// Positions are 32-bit: JSON with larger ones is refused, not wrapped.
func TestJSONPositionOutOfRange(t *testing.T) {
	for _, line := range []string{"4294967297", "2147483648", "-1"} {
		var f ast.File
		err := json.Unmarshal([]byte(`{"file":"x","parsed":[{"type":"directive","directive":"A","args":["b"],"line":`+line+`,"column":1,"offset":0,"raw":"A b\n"}]}`), &f)
		assert.ErrorContains(t, err, "position out of range", "line %s", line)
	}
	var f ast.File
	assert.NoError(t, json.Unmarshal([]byte(`{"file":"x","parsed":[{"type":"directive","directive":"A","args":["b"],"line":2147483647,"column":1,"offset":0,"raw":"A b\n"}]}`), &f))
	assert.Equal(t, 2147483647, f.Body[0].Pos().Line)
}

// Long names are lowered but not remembered: the cache holds no input
// beyond names of a directive's length.
func TestCanonicalLongNameNotKept(t *testing.T) {
	long := "X" + strings.Repeat("A", 1<<16)
	assert.Equal(t, strings.ToLower(long), ast.Canonical(long))
	assert.NotZero(t, testing.AllocsPerRun(10, func() { ast.Canonical(long) }), "lowered anew every time")
}

// The cache publishes copies: names met first on several goroutines at
// once are all lowered right and kept, a known name is looked up without
// allocating, and names past the cap are still lowered.
func TestCanonicalCache(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				name := fmt.Sprintf("CacheTest%dName", i)
				assert.Equal(t, strings.ToLower(name), ast.Canonical(name))
			}
		}()
	}
	wg.Wait()
	known := "CacheTest7Name"
	assert.Zero(t, testing.AllocsPerRun(10, func() { ast.Canonical(known) }))
	for i := 0; i < 2000; i++ { // past the cap
		name := fmt.Sprintf("CapTest%dName", i)
		assert.Equal(t, strings.ToLower(name), ast.Canonical(name))
	}
}
