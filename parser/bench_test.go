package parser_test

import (
	"fmt"
	"os"
	"path/filepath"
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

// BenchmarkLoad: Load over a generated tree (the main file, Include of
// sites-enabled/*.conf with 100 vhosts each): reading, parsing in
// parallel, ${VAR} and the include chain. MB/s counts the bytes read.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		dir := b.TempDir()
		if err := bigconf.Tree(dir, n, 100); err != nil {
			b.Fatal(err)
		}
		var size int64
		files, _ := filepath.Glob(filepath.Join(dir, "sites-enabled", "*.conf"))
		for _, f := range append(files, filepath.Join(dir, "apache2.conf")) {
			st, err := os.Stat(f)
			if err != nil {
				b.Fatal(err)
			}
			size += st.Size()
		}
		opts := parser.LoadOptions{ServerRoot: dir, Env: func(string) (string, bool) { return "/var/log/apache2", true }}
		b.Run(fmt.Sprintf("vhosts=%d", n), func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := parser.Load(os.DirFS("/"), filepath.Join(dir, "apache2.conf"), opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
