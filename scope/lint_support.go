package scope

import (
	"strings"
	"sync"

	"github.com/apacheconf/apacheconf/ast"
)

// Linters ask about every virtual host once. These queries answer as the
// ones they mirror do, without keeping what they build: a request engine
// keeps each server's merged configuration for the requests to come, a
// linter would only hold it until the end of its run (about 1.3 KB per
// virtual host).

// OptionsAt is EffectiveAt(v, dir, nil).Options — the Options in force
// in a directory from the configuration alone, no .htaccess read —
// without building a Result or its environment list, and without keeping
// v's merged configuration: it is made for the walk and dropped after.
func (s *Server) OptionsAt(v *VirtualHost, dir string) int {
	main := s.mainCompiled()
	if v == nil {
		v = s.Main
	}
	comp := main
	if v != s.Main {
		comp = s.compile(main, v)
	}
	w := optionWalkers.Get().(*walker)
	steps := w.result.steps[:0]
	*w = walker{s: s, v: v, accessName: ".htaccess", assumeDirs: true, comp: comp}
	w.res = &w.result
	w.res.steps = steps
	w.serverConfig()
	w.accessName = accessFileName(w.res.conf)
	w.directoryWalk(strings.TrimSuffix(dir, "/") + "/")
	opts := w.res.conf.core.opts &^ optUnset
	clear(w.res.steps) // no section kept reachable from the pool
	*w = walker{result: walkResult{steps: w.res.steps[:0]}}
	optionWalkers.Put(w)
	return opts
}

var optionWalkers = sync.Pool{New: func() any { return new(walker) }}

// directorySections is compiledFor(v).dirSecs without merging v's
// configuration or keeping anything: the order is merged again when v
// has not been compiled (DirectorySections; linters list the sections of
// every virtual host, and a kept compile is ~1.3 KB each).
func (s *Server) directorySections(v *VirtualHost) []*dirSection {
	main := s.mainCompiled()
	if v == s.Main {
		return main.dirSecs
	}
	return mergeDirSections(main.dirSecs, sortDirSections(directivesAndSections(v.Body)))
}

// DirectorySectionsUnsorted are the sections DirectorySections(v)
// returns — the main server's <Directory> and <DirectoryMatch> sections
// and v's own — in configuration order (the main server's first) rather
// than httpd's merge order, and without merging v's configuration.
func (s *Server) DirectorySectionsUnsorted(v *VirtualHost) []*ast.Section {
	var out []*ast.Section
	add := func(body []ast.Node) {
		for _, n := range body {
			if sec, ok := n.(*ast.Section); ok {
				switch sec.Canonical() {
				case "directory", "directorymatch":
					out = append(out, sec)
				}
			}
		}
	}
	add(s.mainBody)
	if v != nil && v != s.Main {
		add(v.Body)
	}
	return out
}
