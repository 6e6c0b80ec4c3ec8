package scope

import (
	"sync"

	"github.com/apacheconf/apacheconf/ast"
)

// compiled is what every request to a server needs and no request
// changes: computed once per server (lazily, safely for concurrent
// requests), so that a request costs the same with 10 or 10,000 virtual
// hosts. What a virtual host does not change is the main server's,
// shared: its sections, their built configurations, the modules' server
// configurations it does not set.
type compiled struct {
	base    *dirConfig     // main server + vhost bodies merged (lookup_defaults)
	dirSecs []*dirSection  // sorted as ap_core_reorder_directories does
	locSecs []*ast.Section // <Location>/<LocationMatch>: main's, then the vhost's
	// The modules' server configurations, built at the first request (a
	// directory's configuration, EffectiveAt, needs none).
	own     []ast.Node // the server's own body, and what it sets
	ownConf *dirConfig
	srvOnce sync.Once
	srv     serverConfs
}

// servers returns every module's server configuration for the server.
func (c *compiled) servers(s *Server) serverConfs {
	c.srvOnce.Do(func() {
		own := newServerConfs(c.own, c.ownConf)
		if c == s.mainConf.c {
			c.srv = own
		} else {
			c.srv = mergeServerConfs(s.mainCompiled().servers(s), own)
		}
		c.own, c.ownConf = nil, nil
	})
	return c.srv
}

type compileOnce struct {
	once sync.Once
	c    *compiled
}

// directivesAndSections drops comments and blank lines. A body without
// any (a tree loaded with SkipTrivia) is returned as it is: callers only
// read it.
func directivesAndSections(body []ast.Node) []ast.Node {
	trivia := false
	for _, n := range body {
		switch n.(type) {
		case *ast.Directive, *ast.Section:
		default:
			trivia = true
		}
	}
	if !trivia {
		return body
	}
	out := make([]ast.Node, 0, len(body))
	for _, n := range body {
		switch n.(type) {
		case *ast.Directive, *ast.Section:
			out = append(out, n)
		}
	}
	return out
}

// locationSections lists a body's <Location> and <LocationMatch>.
func locationSections(body []ast.Node) []*ast.Section {
	var out []*ast.Section
	for _, n := range body {
		if sec, ok := n.(*ast.Section); ok {
			switch sec.Canonical() {
			case "location", "locationmatch":
				out = append(out, sec)
			}
		}
	}
	return out
}

// mainCompiled is the main server's compiled data, built once.
func (s *Server) mainCompiled() *compiled {
	s.mainConf.once.Do(func() {
		built := buildConf(CtxServer, nil, "", s.mainBody)
		s.mainConf.c = &compiled{
			base:    merge(newServerDirConfig(), built),
			dirSecs: sortDirSections(s.mainBody),
			locSecs: locationSections(s.mainBody),
			own:     s.mainBody,
			ownConf: built,
		}
	})
	return s.mainConf.c
}

// compiledFor returns v's compiled data.
func (s *Server) compiledFor(v *VirtualHost) *compiled {
	main := s.mainCompiled()
	if v == s.Main {
		return main
	}
	v.compiled.once.Do(func() { v.compiled.c = s.compile(main, v) })
	return v.compiled.c
}

// compile merges a virtual host's own configuration over the main
// server's (compiledFor keeps the result; OptionsAt does not).
func (s *Server) compile(main *compiled, v *VirtualHost) *compiled {
	own := directivesAndSections(v.Body)
	vconf := buildConf(CtxServer, nil, "", own)
	c := &compiled{
		base:    merge(main.base, vconf),
		dirSecs: mergeDirSections(main.dirSecs, sortDirSections(own)),
		locSecs: main.locSecs,
		own:     own,
		ownConf: vconf,
	}
	if locs := locationSections(own); len(locs) > 0 {
		c.locSecs = append(append(make([]*ast.Section, 0, len(main.locSecs)+len(locs)), main.locSecs...), locs...)
	}
	return c
}

// sectionConf is the configuration a <Files>, <Location> or <If>
// section's body sets, built once and shared by every request that
// merges it (merging never changes its inputs). <Directory> sections
// keep theirs (dirSection.built).
func (s *Server) sectionConf(sec *ast.Section, ctx Context) *dirConfig {
	s.sections.RLock()
	c, ok := s.sections.built[sec]
	s.sections.RUnlock()
	if ok {
		return c
	}
	c = buildConf(ctx, sec, sectionPath(sec, ctx), sec.Body)
	s.sections.Lock()
	if s.sections.built == nil {
		s.sections.built = map[*ast.Section]*dirConfig{}
	}
	if prev, ok := s.sections.built[sec]; ok {
		c = prev
	} else {
		s.sections.built[sec] = c
	}
	s.sections.Unlock()
	return c
}

// sectionPath is cmd->path for a section's body, which mod_rewrite takes
// as its per-directory context (dconf->directory): the location path (a
// regex for LocationMatch), the file name or pattern of <Files> and
// <FilesMatch> (filesection), core's dummy "*If" for <If>/<ElseIf>/<Else>
// (ifsection); "" for the others. Rules in a <Files> or <If> section
// therefore run at fixups with a prefix that strips nothing
// (conformance/routing/rw-app-magento2, <Files moxieplayer.swf>).
func sectionPath(sec *ast.Section, ctx Context) string {
	switch ctx {
	case CtxIf:
		return "*If"
	case CtxLocation, CtxFiles:
	default:
		return ""
	}
	vals := sec.Values()
	if len(vals) == 0 {
		return ""
	}
	return vals[len(vals)-1]
}
