package main

import (
	"io/fs"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// The commands that load a whole configuration, judge it and exit (check,
// lint) pace Go's collector in two stages:
//
//   - While the files load, almost everything allocated is the tree,
//     which stays live to the end: a collection then marks a heap that
//     is nearly all live and frees little. At the default pacing (GOGC
//     100) the 10k-vhost bigconf tree took 7 collections to load, marking
//     ~130 MB in all. At loadGCPercent the first comes at 80 MB (the
//     runtime's 4 MB minimum heap, scaled by GOGC/100) and the next at
//     21 times what is live then: none while this tree loads, one for a
//     larger one. The load's garbage (the grammar's, the lexer's) is
//     under half of what it keeps, so the heap cannot run away: it ends
//     the load at what the load allocated, about what GOGC 800 left.
//   - Once loaded, the configuration's size is known and bounds the heap:
//     a soft memory limit of memoryPerTenthByte/10 bytes per byte read,
//     with the default pacing below it. The checks' and rules' garbage
//     then costs collections only near the limit.
//
// GOGC or GOMEMLIMIT in the environment turns the pacing off: the
// runtime's own settings rule. Long-running commands (lsp, serve) keep
// the defaults.
const (
	loadGCPercent = 2000
	// memoryPerTenthByte: at 10k virtual hosts lint's live heap ends at
	// ~6.4 bytes per byte (the tree, the servers, the rules' shared index
	// and caches) and check's at ~5; with the default pacing after the
	// load the garbage since the last collection took lint's peak RSS to
	// 13-15x. At 9x lint's peak RSS is about the limit: the runtime
	// keeps ~3% and its own structures under it, and the binary's pages
	// (~11 MiB, outside the limit) make up for them.
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
	debug.SetMemoryLimit(memoryLimit(configBytes, heapObjects()))
}

// memoryLimit is the soft limit for the stage after the load: the
// configuration's share, unless the load made more than that allows
// for. A tree takes ~5 bytes per byte read, and the load leaves ~6.3
// on the heap, so heap/loadHeapShare stays under the share; but macro
// expansions make a tree from bytes never read (20k Use lines of a
// 12-line <Macro>: a 0.5 MB file, ~125 MB live), and a limit below
// the live heap has the collector run without a pause.
func memoryLimit(configBytes, heap int64) int64 {
	return max(memoryPerTenthByte*configBytes/10, memoryFloor, heap+heap/loadHeapShare)
}

// loadHeapShare: the limit is at least the heap at the end of the load
// plus this fraction of it, room for the checks' and rules' own.
const loadHeapShare = 4

// heapObjects is the size of the heap's objects, live or not yet
// collected.
func heapObjects() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
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
