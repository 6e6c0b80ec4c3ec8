//go:build linux

package scope_test

import (
	"syscall"
	"testing"
	"time"
)

// cpuTimer reports the benchmark's CPU time per operation ("cpu-ns/op")
// next to the wall time: on a shared machine the wall time mostly
// measures the other processes.
type cpuTimer struct{ start time.Duration }

func threadCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuTimer { return cpuTimer{threadCPU()} }

func (c cpuTimer) report(b *testing.B) {
	b.ReportMetric(float64(threadCPU()-c.start)/float64(b.N), "cpu-ns/op")
}
