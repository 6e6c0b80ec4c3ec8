package lint

import "strings"

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

// editDistance is Levenshtein distance, with a transposition counting 1.
func editDistance(a, b string) int {
	if a == b {
		return 0
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
