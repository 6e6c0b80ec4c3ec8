package scope

import (
	"path"
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
	var opts int
	s.dirConfigAt(v, dir, func(c *dirConfig) { opts = c.core.opts &^ optUnset })
	return opts
}

// AllowOverrideAt is EffectiveAt(v, dir, nil)'s AllowOverride and
// AllowOverrideList — where .htaccess files may be read and what they
// may hold, from the configuration alone — made as OptionsAt is: no
// Result, and v's merged configuration dropped after the walk.
func (s *Server) AllowOverrideAt(v *VirtualHost, dir string) (override int, by *ast.Directive, list []string) {
	s.dirConfigAt(v, dir, func(c *dirConfig) {
		if c == nil {
			return
		}
		override, by = c.core.override&^orUnset, c.core.overrideBy
		for k := range c.core.overrideList {
			list = append(list, k)
		}
	})
	return override, by, list
}

// dirConfigAt walks dir's sections in v (no .htaccess read) with a
// pooled walker and hands read the configuration in force; nothing of
// the walk stays reachable after.
func (s *Server) dirConfigAt(v *VirtualHost, dir string, read func(*dirConfig)) {
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
	read(w.res.conf)
	clear(w.res.steps) // no section kept reachable from the pool
	*w = walker{result: walkResult{steps: w.res.steps[:0]}}
	optionWalkers.Put(w)
}

var optionWalkers = sync.Pool{New: func() any { return new(walker) }}

// directorySectionOrder is compiledFor(v).dirSecs' sections, in its
// order, without merging v's configuration, keeping anything or
// compiling a <DirectoryMatch>: only what the order needs (regex or not,
// the component count; newDirSection and dirBefore) is read from v's own
// sections. Linters list the sections of every virtual host.
func (s *Server) directorySectionOrder(v *VirtualHost) []*ast.Section {
	main := s.mainCompiled().dirSecs
	type key struct {
		sec        *ast.Section
		regex      bool
		components int
	}
	var buf [8]key // a virtual host has a few sections: none allocated
	own := buf[:0]
	if v != s.Main {
		for _, n := range v.Body {
			sec, ok := n.(*ast.Section)
			if !ok {
				continue
			}
			k := key{sec: sec, regex: sec.Is("DirectoryMatch")}
			if !k.regex && !sec.Is("Directory") {
				continue
			}
			p := ""
			if len(sec.Args) > 0 {
				p = sec.Args[0].Value
			}
			if !k.regex && p == "~" && len(sec.Args) > 1 {
				k.regex = true
			}
			if !k.regex && p != "/" {
				// The components of the cleaned path with a trailing
				// '/' (newDirSection), without making that string.
				clean := path.Clean(p)
				k.components = strings.Count(clean, "/")
				if !strings.HasSuffix(clean, "/") {
					k.components++
				}
			}
			own = append(own, k)
		}
	}
	before := func(aRegex bool, aComp int, bRegex bool, bComp int) bool { // dirBefore
		if aRegex != bRegex {
			return !aRegex
		}
		return aComp < bComp
	}
	// A stable insertion sort: a handful of sections, and no allocation
	// (sort.SliceStable's swapper allocates on every call).
	for i := 1; i < len(own); i++ {
		for j := i; j > 0 && before(own[j].regex, own[j].components, own[j-1].regex, own[j-1].components); j-- {
			own[j], own[j-1] = own[j-1], own[j]
		}
	}
	// mergeDirSections: the main server's first among equals.
	out := make([]*ast.Section, 0, len(main)+len(own))
	i, j := 0, 0
	for i < len(main) && j < len(own) {
		if before(own[j].regex, own[j].components, main[i].re != nil, main[i].components) {
			out = append(out, own[j].sec)
			j++
		} else {
			out = append(out, main[i].sec)
			i++
		}
	}
	for ; i < len(main); i++ {
		out = append(out, main[i].sec)
	}
	for ; j < len(own); j++ {
		out = append(out, own[j].sec)
	}
	return out
}

// DirectorySectionsUnsorted are the sections DirectorySections(v)
// returns — the main server's <Directory> and <DirectoryMatch> sections
// and v's own — in configuration order (the main server's first) rather
// than httpd's merge order, and without merging v's configuration.
func (s *Server) DirectorySectionsUnsorted(v *VirtualHost) []*ast.Section {
	var out []*ast.Section
	add := func(body []ast.Node) {
		for _, n := range body {
			if sec, ok := n.(*ast.Section); ok && (sec.Is("Directory") || sec.Is("DirectoryMatch")) {
				out = append(out, sec)
			}
		}
	}
	add(s.mainBody)
	if v != nil && v != s.Main {
		add(v.Body)
	}
	return out
}
