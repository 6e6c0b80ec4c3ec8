package lint

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apacheconf/apacheconf/directive"
)

// Spec is what the directive rules need to know about one directive, as
// httpd's command_rec says it (the registry generated from apache2 fills
// it in).
type Spec struct {
	// Name is the directive's canonical spelling ("ServerName",
	// "<Directory").
	Name string
	// Module is the module identifier that defines it ("core",
	// "wsgi_module"); Loaded in the server decides whether it exists.
	Module string
	// ReqOverride are the command_rec's req_override bits: where the
	// directive may appear (RSRC_CONF, ACCESS_CONF, OR_*).
	ReqOverride int
	// MinArgs and MaxArgs bound the argument count (-1: no bound);
	// Usage is the command's errmsg (httpd appends it to arity errors).
	MinArgs, MaxArgs int
	// ArgsHow is the argument kind: "TAKE1", "FLAG", "RAW_ARGS" …
	ArgsHow string
	Usage   string
	// NotIn are ap_check_cmd_context's forbidden contexts the directive's
	// handler checks (NOT_IN_VIRTUALHOST …), when the registry knows them.
	NotIn int
}

// command_rec override bits (http_config.h).
const (
	reqOrLimit      = 1
	reqOrOptions    = 2
	reqOrFileInfo   = 4
	reqOrAuthCfg    = 8
	reqOrIndexes    = 16
	reqACCESS       = 64
	reqRSRC         = 128
	reqEXEC_ON_READ = 256
)

// Registry gives the rules directive specs. Nil: the directive rules are
// quiet.
type Registry interface {
	Lookup(name string) (Spec, bool)
	// Names lists every directive known (for did-you-mean).
	Names() []string
}

// suggest returns the known name closest to name (edit distance at most
// a third of its length, at least 1), or "".
func suggest(r Registry, name string) string {
	best, bestD := "", len(name)/3+1
	ln := strings.ToLower(name)
	for _, n := range r.Names() {
		d := editDistance(ln, strings.ToLower(n))
		if d < bestD || (d == bestD && best != "" && n < best) {
			if d < bestD {
				best, bestD = n, d
			} else {
				best = n
			}
		}
	}
	return best
}

// editDistance is the registry's (directive.Distance).
func editDistance(a, b string) int { return directive.Distance(a, b) }

// generated is the registry generated from apache2 (package directive),
// as both Registry and scope.DirectiveTable.
type generated struct{}

// DefaultRegistry is the directive registry generated from the real
// apache2 (package directive); ProgramOptions uses it when Specs or
// Directives are nil.
func DefaultRegistry() interface {
	Registry
	Classes(name string) (override int, inHTAccess, known bool)
} {
	return generated{}
}

// Lookup answers from a cache of the names asked for: the directive
// rules ask for every line of the tree, each in a few spellings.
func (generated) Lookup(name string) (Spec, bool) {
	if e, ok := specCache.Load(name); ok {
		e := e.(*specEntry)
		return e.spec, e.ok
	}
	spec, ok := lookupGenerated(name)
	// Bounded: names come from the input (an editor session sees many).
	if specCacheLen.Load() < specCacheMax {
		if _, loaded := specCache.LoadOrStore(name, &specEntry{spec, ok}); !loaded {
			specCacheLen.Add(1)
		}
	}
	return spec, ok
}

type specEntry struct {
	spec Spec
	ok   bool
}

const specCacheMax = 4096

var (
	specCache    sync.Map // name as written → *specEntry
	specCacheLen atomic.Int64
)

func lookupGenerated(name string) (Spec, bool) {
	d, ok := directive.Lookup(name)
	if !ok || strings.HasPrefix(name, "<") != d.Section {
		return Spec{}, false
	}
	module := d.ModuleID
	if d.Builtin {
		module = "core"
	}
	return Spec{Name: d.Name, Module: module, ReqOverride: int(d.Override), MinArgs: d.MinArgs(), MaxArgs: d.MaxArgs(),
		ArgsHow: d.Args.String(), Usage: d.Usage, NotIn: int(d.NotIn)}, true
}

func (generated) Names() []string { return directive.Names() }

func (generated) Classes(name string) (int, bool, bool) {
	d, ok := directive.Lookup(name)
	if !ok {
		return 0, false, false
	}
	return int(d.Override & directive.OrAll), d.InHTAccess(), true
}

// info is the directive package's view of a Spec, so the rules run
// httpd's own checks (invoke_cmd, ap_check_cmd_context) on it.
func (s Spec) info() *directive.Info {
	how, _ := directive.ParseArgsHow(s.ArgsHow)
	return &directive.Info{Name: s.Name, Usage: s.Usage, Override: directive.Override(s.ReqOverride), Args: how,
		NotIn: directive.NotIn(s.NotIn), Section: strings.HasPrefix(s.Name, "<")}
}
