package parser_test

import (
	"testing"

	"github.com/apacheconf/apacheconf/internal/gen/bigconf"
	"github.com/apacheconf/apacheconf/parser"
)

// BenchmarkParse measures parse throughput on a generated 5 MB config
// (SetBytes makes `go test -bench` report MB/s).
func BenchmarkParse(b *testing.B) {
	src := string(bigconf.Config(5 << 20))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := (parser.Config{}).ParseString("big.conf", src); err != nil {
			b.Fatal(err)
		}
	}
}
