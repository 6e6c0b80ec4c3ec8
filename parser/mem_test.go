package parser_test

import (
	"runtime"
	"testing"

	"github.com/apacheconf/apacheconf/internal/gen/bigconf"
	"github.com/apacheconf/apacheconf/parser"
)

// TestRetainedMemory reports how much a parsed tree keeps alive per byte
// of input (the figure behind issue 11's memory target).
func TestRetainedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("measures memory")
	}
	src := bigconf.VHosts(10000)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f, err := parser.ParseFile("big.conf", src)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	live := after.HeapAlloc - before.HeapAlloc
	ratio := float64(live) / float64(len(src))
	t.Logf("input %d bytes, tree keeps %d bytes live (%.1fx), %d top-level nodes", len(src), live, ratio, len(f.Body))
	if ratio > 5 {
		t.Errorf("the tree keeps %.1fx its input alive; it was 3.9x", ratio)
	}
	runtime.KeepAlive(f)
}
