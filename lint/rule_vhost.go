package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/scope"
)

// addrSet is the virtual hosts of one address, in definition order, the
// way ap_fini_vhost_config chains them: the first is the default server
// for the address, the others are reached by name only.
type addrSet struct {
	addr   scope.Addr
	vhosts []*scope.VirtualHost
}

// addrSets is the address sets of the Program's server, made once for
// the rules that ask.
func (p *Program) addrSets() []*addrSet {
	p.addrOnce.Do(func() { p.addrs = addrSets(p.Server) })
	return p.addrs
}

func addrSets(s *scope.Server) []*addrSet {
	var out []*addrSet
	idx := map[string]*addrSet{}
	var seen []string // this virtual host's addresses: a few
	for _, v := range s.VHosts {
		seen = seen[:0]
		for _, a := range v.Addrs {
			k := a.String()
			if slices.Contains(seen, k) {
				continue
			}
			seen = append(seen, k)
			set := idx[k]
			if set == nil {
				set = &addrSet{addr: a}
				idx[k] = set
				out = append(out, set)
			}
			set.vhosts = append(set.vhosts, v)
		}
	}
	return out
}

// vhostNames are the names a virtual host answers to, lower case, with
// the directive that gave each (nil: inherited from the main server).
type vhostName struct {
	name string
	by   *ast.Directive
}

// names counts the names the set's virtual hosts answer to (as
// vhostNames lists them), to size the maps of them once: grown from a
// guess, a large set's make several times their size in garbage.
func (set *addrSet) names() int {
	n := 0
	for _, v := range set.vhosts {
		if v.ServerName != "" {
			n++
		}
		for _, x := range v.Body {
			if d, ok := x.(*ast.Directive); ok && d.Is("ServerAlias") {
				n += len(d.Args)
			}
		}
	}
	return n
}

// vhostNames appends v's names to out.
func vhostNames(out []vhostName, v *scope.VirtualHost) []vhostName {
	if v.ServerName != "" {
		out = append(out, vhostName{strings.ToLower(v.ServerName), v.NameDirective})
	}
	for _, n := range v.Body {
		d, ok := n.(*ast.Directive)
		if !ok || !d.Is("ServerAlias") {
			continue
		}
		for _, a := range d.Args {
			out = append(out, vhostName{strings.ToLower(a.Value), d})
		}
	}
	return out
}

func posOf(v *scope.VirtualHost) string {
	p := v.Pos()
	return fmt.Sprintf("%s:%d", p.Filename, p.Line)
}

// DuplicateServerName reports a ServerName or ServerAlias that an earlier
// virtual host on the same address already answers to: httpd picks the
// first match in definition order, so the later one never gets requests
// for that name. httpd 2.4 says nothing about it at start-up (apache2 -S
// lists both under the address); 2.2 warned about overlapping vhosts.
var DuplicateServerName = register(&Analyzer{
	ID:       "AC3001",
	Name:     "duplicate-server-name",
	Doc:      "two virtual hosts on one address answer to the same name; the later one is shadowed",
	Severity: Warning,
	Run:      runDuplicateServerName,
})

func runDuplicateServerName(p *Pass) { checkVHostNames(p.Program, p, nil) }

// vhostNameRules runs DuplicateServerName and VHostUnreachable, those of
// passes, with one map of the names of each address for both.
func vhostNameRules(prog *Program, passes []*Pass) {
	var dup, unr *Pass
	for _, p := range passes {
		switch p.Analyzer {
		case DuplicateServerName:
			dup = p
		case VHostUnreachable:
			unr = p
		}
	}
	checkVHostNames(prog, dup, unr)
}

// checkVHostNames reports into dup what DuplicateServerName finds, and
// into unr what VHostUnreachable finds (nil: not run).
func checkVHostNames(prog *Program, dup, unr *Pass) {
	if prog.Server == nil {
		return
	}
	reported := map[string]bool{}
	var reachable map[*scope.VirtualHost]bool
	if unr != nil {
		reachable = make(map[*scope.VirtualHost]bool, len(prog.Server.VHosts))
	}
	var names []vhostName // reused
	for _, set := range prog.addrSets() {
		// The first virtual host to answer to each name; a name not
		// taken by an earlier one makes a virtual host reachable.
		first := make(map[string]*scope.VirtualHost, set.names())
		for i, v := range set.vhosts {
			if unr != nil && (i == 0 || len(v.WildAliases) > 0) {
				reachable[v] = true
			}
			names = vhostNames(names[:0], v)
			for _, n := range names {
				prev, ok := first[n.name]
				if !ok {
					first[n.name] = v
					if unr != nil {
						reachable[v] = true
					}
					continue
				}
				if dup == nil || prev == v {
					continue
				}
				var node ast.Node = v.Section
				if n.by != nil {
					node = n.by
				}
				key := fmt.Sprintf("%p %s", v, n.name)
				if reported[key] {
					continue
				}
				reported[key] = true
				dup.Reportf(node, "%s on %s is already served by the virtual host at %s; requests for it never reach this one", n.name, set.addr, posOf(prev))
			}
		}
	}
	if unr == nil {
		return
	}
	for _, v := range prog.Server.VHosts {
		if !reachable[v] && len(v.Addrs) > 0 {
			unr.Reportf(v.Section, "virtual host %s is never selected: every name it answers to on %s belongs to an earlier virtual host", v.ServerName, addrList(v))
		}
	}
}

// VHostUnreachable reports a virtual host that no request can reach: on
// every address it is listed for, it is not the first (the default
// server) and every name it answers to belongs to an earlier one.
var VHostUnreachable = register(&Analyzer{
	ID:       "AC3002",
	Name:     "vhost-unreachable",
	Doc:      "a virtual host can never be selected",
	Severity: Warning,
	Run:      runVHostUnreachable,
})

func runVHostUnreachable(p *Pass) { checkVHostNames(p.Program, nil, p) }

func addrList(v *scope.VirtualHost) string {
	var s []string
	for _, a := range v.Addrs {
		s = append(s, a.String())
	}
	return strings.Join(s, " ")
}
