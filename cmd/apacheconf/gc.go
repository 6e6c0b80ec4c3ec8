package main

import (
	"io/fs"
	"os"
	"runtime/debug"
	"sync/atomic"
)

// The commands that load a whole configuration, judge it and exit (check,
// lint) pace Go's collector in two stages:
//
//   - While the files load, almost everything allocated is the tree,
//     which stays live to the end: a collection then marks a heap that
//     is nearly all live and frees little. At the default pacing (GOGC
//     100) the 10k-vhost bigconf tree took 7 collections to load, marking
//     ~130 MB in all; at loadGCPercent it takes 3.
//   - Once loaded, the configuration's size is known and bounds the heap:
//     a soft memory limit of memoryPerTenthByte/10 bytes per byte read,
//     with the default pacing below it. The checks' and rules' garbage
//     then costs collections only near the limit.
//
// GOGC or GOMEMLIMIT in the environment turns the pacing off: the
// runtime's own settings rule. Long-running commands (lsp, serve) keep
// the defaults.
const (
	loadGCPercent = 800
	// memoryPerTenthByte: at 10k virtual hosts lint's live heap ends at
	// ~6.4 bytes per byte (the tree, the servers, the rules' shared index
	// and caches) and check's at ~5; with the default pacing after the
	// load the garbage since the last collection took lint's peak RSS to
	// 13-15x. At 9x RSS is the limit plus ~6 MiB (binary, runtime).
	// Small configurations stay under memoryFloor and are not affected.
	memoryPerTenthByte = 90
	memoryFloor        = 64 << 20
)

// gcPacing is the collector's pacing for one command run.
type gcPacing struct {
	on      bool
	percent int
	limit   int64
}

// paceLoad sets the loading stage's pacing, unless the environment sets
// the runtime's own. restore puts the settings back (tests run commands
// in one process).
func paceLoad() *gcPacing {
	if envSet("GOGC") || envSet("GOMEMLIMIT") {
		return &gcPacing{}
	}
	return &gcPacing{on: true, percent: debug.SetGCPercent(loadGCPercent), limit: debug.SetMemoryLimit(-1)}
}

// loaded moves to the second stage: configBytes were read.
func (p *gcPacing) loaded(configBytes int64) {
	if !p.on {
		return
	}
	debug.SetGCPercent(p.percent)
	debug.SetMemoryLimit(max(memoryPerTenthByte*configBytes/10, memoryFloor))
}

// restore puts back the settings paceLoad found.
func (p *gcPacing) restore() {
	if !p.on {
		return
	}
	debug.SetGCPercent(p.percent)
	debug.SetMemoryLimit(p.limit)
}

func envSet(name string) bool {
	_, set := os.LookupEnv(name)
	return set
}

// countingFS counts the bytes the loader reads.
type countingFS struct {
	fs.FS
	bytes atomic.Int64
}

func (c *countingFS) ReadFile(name string) ([]byte, error) {
	b, err := fs.ReadFile(c.FS, name)
	c.bytes.Add(int64(len(b)))
	return b, err
}

func (c *countingFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(c.FS, name) }

func (c *countingFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(c.FS, name) }
