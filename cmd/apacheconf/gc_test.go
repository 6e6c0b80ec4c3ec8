package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMemoryLimit(t *testing.T) {
	const mb = 1e6
	tests := []struct {
		name              string
		configBytes, heap int64
		want              int64
	}{
		// bigconf, 10k virtual hosts: the load leaves ~6.4 bytes per byte.
		{"the configuration's share", 11.2 * mb, 72 * mb, 100.8 * mb},
		{"a small configuration: the floor", 0.2 * mb, 3 * mb, memoryFloor},
		// 20k Use lines of a 12-line macro: more tree than bytes read.
		{"macro expansions: the heap and a quarter", 0.5 * mb, 184 * mb, 230 * mb},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, memoryLimit(tt.configBytes, tt.heap))
		})
	}
}

// The pacing puts back what it found, and stands aside when the
// environment sets the runtime's own.
func TestPacingRestores(t *testing.T) {
	if envSet("GOGC") || envSet("GOMEMLIMIT") {
		t.Skip("the environment sets the runtime's pacing")
	}
	percent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(percent)
	p := paceLoad()
	assert.Equal(t, loadGCPercent, debug.SetGCPercent(loadGCPercent))
	p.loaded(1 << 20)
	assert.Equal(t, 100, debug.SetGCPercent(100))
	assert.GreaterOrEqual(t, debug.SetMemoryLimit(-1), int64(memoryFloor))
	p.restore()
	assert.Equal(t, 100, debug.SetGCPercent(100))
	assert.Equal(t, int64(1<<63-1), debug.SetMemoryLimit(-1))

	t.Setenv("GOGC", "100")
	p = paceLoad()
	assert.Equal(t, 100, debug.SetGCPercent(100), "GOGC set: the runtime's")
	p.loaded(1 << 20)
	p.restore()
}
