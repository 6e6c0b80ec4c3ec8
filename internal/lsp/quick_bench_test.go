package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apacheconf/apacheconf/internal/gen/bigconf"
	"github.com/apacheconf/apacheconf/scope"
)

func BenchmarkQuickPhases(b *testing.B) {
	dir := b.TempDir()
	if err := bigconf.Tree(dir, 10000, 100); err != nil {
		b.Fatal(err)
	}
	site := filepath.Join(dir, "sites-enabled", "site-0050.conf")
	src := readFile(b, site)
	w := newWorkspace(os.DirFS("/"))
	t := w.treeFor(site)
	t.snap = w.analyze(t, nil)
	typo := strings.Replace(src, "    ServerAdmin webmaster@site5000.example.com\n", "    ServerAdmin webmaster@site5000.example.com\n    ServerAdmn x\n", 1)
	w.fs.set(scope.FSPath(site), []byte(typo))
	b.ResetTimer()
	var prep, quick time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		s := w.prepare(t, []string{site})
		t1 := time.Now()
		w.quick(s, []string{site})
		prep += t1.Sub(t0)
		quick += time.Since(t1)
		if !s.incremental {
			b.Fatal("not incremental")
		}
	}
	b.ReportMetric(float64(prep.Microseconds())/1000/float64(b.N), "prepare-ms")
	b.ReportMetric(float64(quick.Microseconds())/1000/float64(b.N), "quick-ms")
}
