package scope

import (
	"sync"

	"github.com/apacheconf/apacheconf/ast"
)

// compiled is what every request to a server needs and no request
// changes: computed once per server (lazily, safely for concurrent
// requests), so that a request costs the same with 10 or 10,000 virtual
// hosts.
type compiled struct {
	base      *dirConfig       // main server + vhost bodies merged (lookup_defaults)
	baseSteps []Step           // the steps that built base
	dirSecs   []dirSection     // sorted as ap_core_reorder_directories does
	locSecs   []*ast.Section   // <Location>/<LocationMatch>: main's, then the vhost's
	setEnvIf  []*ast.Directive // server-level SetEnvIf: main's, then the vhost's
	mapBodies [][]ast.Node     // directives for URL mapping: the vhost's, then main's
	rewrite   *rewriteSet      // server-level mod_rewrite rules (config_server_merge)
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

// compiledFor returns v's compiled data.
func (s *Server) compiledFor(v *VirtualHost) *compiled {
	v.compiled.once.Do(func() {
		mainBody := s.mainBody
		c := &compiled{}
		a := &applier{ctx: CtxServer, method: "GET"}
		s.mainConf.once.Do(func() {
			main := a.build(mainBody)
			s.mainConf.base = merge(newServerDirConfig(), main)
			s.mainConf.rewrite = main.rewrite
		})
		// merge copies, so vhosts share the main server's result.
		c.base, c.rewrite = s.mainConf.base, s.mainConf.rewrite
		c.baseSteps = []Step{{Phase: "server"}}
		bodies := [][]ast.Node{mainBody}
		c.mapBodies = [][]ast.Node{mainBody}
		if v != s.Main {
			own := directivesAndSections(v.Body)
			vconf := a.build(own)
			c.base = merge(c.base, vconf)
			// Every vhost has a server config: its rules replace main's
			// unless it says RewriteOptions Inherit.
			vr := vconf.rewrite
			if vr == nil {
				vr = &rewriteSet{}
			}
			c.rewrite = mergeRewrite(c.rewrite, vr)
			c.baseSteps = append(c.baseSteps, Step{Phase: "vhost", Section: v.Section})
			bodies = append(bodies, own)
			c.mapBodies = [][]ast.Node{own, mainBody}
		}
		c.dirSecs = sortDirSections(bodies)
		for _, body := range bodies {
			for _, n := range body {
				if sec, ok := n.(*ast.Section); ok && (sec.Is("Location") || sec.Is("LocationMatch")) {
					c.locSecs = append(c.locSecs, sec)
				}
			}
			c.setEnvIf = append(c.setEnvIf, setEnvIfDirectives(body)...)
		}
		v.compiled.c = c
	})
	return v.compiled.c
}
