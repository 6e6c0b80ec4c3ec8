package scope

import (
	"strings"
	"sync"
)

// OptionsAt is EffectiveAt(v, dir, nil).Options — the Options in force
// in a directory from the configuration alone, no .htaccess read —
// without building a Result or its environment list; the walker is
// reused. Linters ask it for every document root.
func (s *Server) OptionsAt(v *VirtualHost, dir string) int {
	if v == nil {
		v = s.Main
	}
	w := optionWalkers.Get().(*walker)
	steps := w.result.steps[:0]
	*w = walker{s: s, v: v, accessName: ".htaccess", method: "GET", assumeDirs: true}
	w.res = &w.result
	w.res.steps = steps
	w.serverConfig()
	w.accessName = accessFileName(w.res.conf)
	w.directoryWalk(strings.TrimSuffix(dir, "/") + "/")
	opts := w.res.conf.core.opts &^ optUnset
	clear(w.res.steps) // no section kept reachable from the pool
	w.result = walkResult{steps: w.res.steps[:0]}
	w.s, w.v, w.res = nil, nil, nil
	optionWalkers.Put(w)
	return opts
}

var optionWalkers = sync.Pool{New: func() any { return new(walker) }}
