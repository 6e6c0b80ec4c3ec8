package scope

import "github.com/apacheconf/apacheconf/internal/syntax"

// envTable is r->subprocess_env: an apr table, so names compare without
// ASCII case, a lookup returns the first entry, set replaces every entry of
// the name, and overlay appends.
type envTable struct{ entries []EnvVar }

func (t *envTable) get(name string) (EnvVar, bool) {
	for _, e := range t.entries {
		if syntax.EqualFoldASCII(e.Name, name) {
			return e, true
		}
	}
	return EnvVar{}, false
}

func (t *envTable) unset(name string) {
	out := t.entries[:0]
	for _, e := range t.entries {
		if !syntax.EqualFoldASCII(e.Name, name) {
			out = append(out, e)
		}
	}
	t.entries = out
}

func (t *envTable) set(e EnvVar) {
	t.unset(e.Name)
	t.entries = append(t.entries, e)
}
