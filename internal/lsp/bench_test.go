package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/apacheconf/apacheconf/internal/gen/bigconf"
)

// bigTree writes the 10k-vhost tree of scripts/bench-vs-httpd (100 files
// of 100 virtual hosts) and opens one site file in a server.
func bigTree(b *testing.B) (*client, protocol.DocumentURI, string, string) {
	b.Helper()
	dir := b.TempDir()
	if err := bigconf.Tree(dir, 10000, 100); err != nil {
		b.Fatal(err)
	}
	site := filepath.Join(dir, "sites-enabled", "site-0050.conf")
	if _, err := os.Stat(site); err != nil {
		b.Fatal(err)
	}
	src := readFile(b, site)
	c := newClient(b, dir, nil)
	start := time.Now()
	u := c.open(site)
	c.waitDiagnostics(u, func([]protocol.Diagnostic) bool { return true })
	b.Logf("first analysis of the tree: %v", time.Since(start))
	return c, u, site, src
}

// BenchmarkDiagnosticsAfterEdit times an edit of a site file of the
// 10k-vhost tree until its diagnostics arrive (the rules run over the
// whole tree again, with the file re-parsed alone).
func BenchmarkDiagnosticsAfterEdit(b *testing.B) {
	c, u, _, src := bigTree(b)
	typo := strings.Replace(src, "    ServerAdmin webmaster@site5000.example.com\n", "    ServerAdmin webmaster@site5000.example.com\n    ServerAdmn x\n", 1)
	if typo == src {
		b.Fatal("edit did not apply")
	}
	b.ResetTimer()
	var worst, full, worstFull time.Duration
	for i := 0; i < b.N; i++ {
		text, want := typo, true
		if i%2 == 1 {
			text, want = src, false
		}
		n := c.published(u)
		start := time.Now()
		c.change(u, text)
		c.waitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "AC2001") == want })
		worst = max(worst, time.Since(start))
		if testing.Verbose() {
			b.Logf("edit %d: diagnostics in %v", i, time.Since(start))
		}
		// The full run over the tree follows the quick answer.
		b.StopTimer()
		c.waitPublished(u, n+2)
		d := time.Since(start)
		full += d
		worstFull = max(worstFull, d)
		b.StartTimer()
	}
	b.ReportMetric(float64(worst.Milliseconds()), "worst-ms")
	b.ReportMetric(float64(full.Milliseconds())/float64(b.N), "full-ms/op")
	b.ReportMetric(float64(worstFull.Milliseconds()), "worst-full-ms")
}

// BenchmarkHover times hovers in a site file of the 10k-vhost tree: on a
// directive inside a <Directory> (registry facts and what is in force
// there, from EffectiveAt), and on WSGIProcessGroup (the groups it
// reaches and the verdict).
func BenchmarkHover(b *testing.B) {
	c, u, site, _ := bigTree(b)
	for _, bc := range []struct{ name, needle string }{
		{"directive", "AllowOverride FileInfo AuthConfig"},
		{"wsgi-group", "WSGIProcessGroup site5000"},
	} {
		p := at(b, site, bc.needle, 2)
		b.Run(bc.name, func(b *testing.B) {
			var worst time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				var h protocol.Hover
				c.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: tdp(u, p)}, &h)
				worst = max(worst, time.Since(start))
				if !strings.Contains(h.Contents.Value, "In force") && !strings.Contains(h.Contents.Value, "allowed") {
					b.Fatalf("hover: %s", h.Contents.Value)
				}
			}
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
		})
	}
}
