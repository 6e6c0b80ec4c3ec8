package scope

import (
	"net/netip"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

// accessCompat is mod_access_compat's per-directory configuration (Order,
// Allow, Deny, Satisfy). The module has no merge function, so the
// innermost section that has one of its directives replaces it whole.
type accessCompat struct {
	order   string // "deny,allow" (default), "allow,deny", "mutual-failure"
	allows  []accessEntry
	denys   []accessEntry
	satisfy string // "", "all", "any"
	by      []*ast.Directive
}

type accessEntry struct {
	kind  string // all, env, nenv, ip, host
	value string
}

func isAccessCompat(d *ast.Directive) bool {
	switch d.Canonical() {
	case "order", "allow", "deny", "satisfy":
		return true
	}
	return false
}

func addAccess(c *dirConfig, d *ast.Directive) {
	if c.access == nil {
		c.access = &accessCompat{order: "deny,allow"}
	}
	a := c.access
	a.by = append(a.by, d)
	vals := d.Values()
	switch d.Canonical() {
	case "order":
		if len(vals) > 0 {
			a.order = strings.ToLower(vals[0])
		}
	case "satisfy":
		if len(vals) > 0 {
			a.satisfy = strings.ToLower(vals[0])
		}
	case "allow", "deny":
		if len(vals) > 0 && strings.EqualFold(vals[0], "from") {
			vals = vals[1:]
		}
		var entries []accessEntry
		for _, v := range vals {
			e := accessEntry{kind: "host", value: v}
			switch lv := strings.ToLower(v); {
			case lv == "all":
				e.kind = "all"
			case strings.HasPrefix(lv, "env=!"):
				e.kind, e.value = "nenv", v[5:]
			case strings.HasPrefix(lv, "env="):
				e.kind, e.value = "env", v[4:]
			case looksLikeIP(v):
				e.kind = "ip"
			}
			entries = append(entries, e)
		}
		if d.Canonical() == "allow" {
			a.allows = append(a.allows, entries...)
		} else {
			a.denys = append(a.denys, entries...)
		}
	}
}

func looksLikeIP(v string) bool {
	if _, err := netip.ParsePrefix(v); err == nil {
		return true
	}
	if _, err := netip.ParseAddr(v); err == nil {
		return true
	}
	head := v
	if i := strings.IndexByte(v, '/'); i > 0 {
		head = v[:i]
	}
	return strings.Trim(head, "0123456789.") == ""
}

// find is find_allowdeny; ok is false when a host name would need DNS.
func (a *accessCompat) find(entries []accessEntry, remote netip.Addr, env func(string) (string, bool)) (match, ok bool) {
	for _, e := range entries {
		switch e.kind {
		case "all":
			return true, true
		case "env":
			if _, set := env(e.value); set {
				return true, true
			}
		case "nenv":
			if _, set := env(e.value); !set {
				return true, true
			}
		case "ip":
			if ipMatches(e.value, remote) {
				return true, true
			}
		case "host":
			return false, false
		}
	}
	return false, true
}

// check is check_dir_access: OK (true), Forbidden (false), or undecided.
func (a *accessCompat) check(remote netip.Addr, env func(string) (string, bool)) (allowed, decided bool) {
	allow, ok1 := a.find(a.allows, remote, env)
	deny, ok2 := a.find(a.denys, remote, env)
	if !ok1 || !ok2 {
		return false, false
	}
	switch a.order {
	case "allow,deny":
		return allow && !deny, true
	case "mutual-failure":
		return allow && !deny, true
	}
	// deny,allow: allowed unless denied and not allowed again
	return !deny || allow, true
}
