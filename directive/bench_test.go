package directive_test

import (
	"testing"

	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/internal/gen/bigconf"
	"github.com/apacheconf/apacheconf/parser"
)

// BenchmarkCheckTree: registry validation of a whole 10k-vhost
// configuration (every directive and section checked).
func BenchmarkCheckTree(b *testing.B) {
	src := bigconf.VHosts(10000)
	f, err := parser.ParseFile("big.conf", src)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if errs := directive.CheckTree(f.Body, nil); len(errs) > 0 {
			b.Fatal(errs[0])
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, ok := directive.Lookup("WSGIProcessGroup"); !ok {
			b.Fatal("missing")
		}
	}
}
