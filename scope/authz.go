package scope

import (
	"net/netip"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

// AuthzResult is an authorization provider's answer (authz_status in
// mod_auth.h).
type AuthzResult int

// The results of authorization, as mod_authz_core combines them.
const (
	AuthzNeutral AuthzResult = iota
	AuthzGranted
	AuthzDenied
	AuthzDeniedNoUser // a user might be granted: httpd answers 401
	AuthzUnknown      // we cannot decide statically (Require expr, host, …)
)

func (r AuthzResult) String() string {
	return [...]string{"neutral", "granted", "denied", "denied (no user)", "undecidable"}[r]
}

// authzLogic is AuthMerging / the container's operator.
type authzLogic int

const (
	logicUnset authzLogic = iota
	logicAnd
	logicOr
	logicOff
)

// authzNode is authz_section_conf: a provider line or a container.
type authzNode struct {
	op       authzLogic // for containers: And (RequireAll) or Or (RequireAny)
	negate   bool
	provider string // "" for containers
	args     []string
	by       *ast.Directive // the Require line
	sec      *ast.Section   // the <RequireAll>/<RequireAny>/<RequireNone>
	children []*authzNode
}

// authzConfig is authz_core_dir_conf: the section tree and AuthMerging.
type authzConfig struct {
	root *authzNode
	op   authzLogic
	by   *ast.Directive // AuthMerging
}

// mergeAuthz is merge_authz_core_dir_config.
func mergeAuthz(base, add *authzConfig) *authzConfig {
	if add == nil {
		return base
	}
	if base == nil {
		base = &authzConfig{}
	}
	if add.op == logicUnset && add.root == nil {
		return base
	}
	c := &authzConfig{}
	if add.root != nil {
		if base.root != nil && (add.op == logicAnd || add.op == logicOr) {
			c.root = &authzNode{op: add.op, children: []*authzNode{base.root, add.root}}
		} else {
			c.root = add.root
		}
		c.op, c.by = add.op, add.by
		return c
	}
	c.root = base.root
	c.op, c.by = base.op, base.by
	if add.op != logicUnset {
		c.op, c.by = add.op, add.by
	}
	return c
}

// authzRequest is what the providers look at.
type authzRequest struct {
	remote netip.Addr
	local  netip.Addr
	method string
	env    func(name string) (string, bool)
}

// eval is apply_authz_sections.
func (n *authzNode) eval(r *authzRequest, parent authzLogic) AuthzResult {
	var res AuthzResult
	if n.provider != "" {
		res = n.check(r)
	} else {
		res = AuthzNeutral
		for _, c := range n.children {
			cr := c.eval(r, n.op)
			if cr == AuthzUnknown {
				return AuthzUnknown
			}
			if cr == AuthzNeutral {
				continue
			}
			if n.op == logicAnd {
				if cr == AuthzDenied {
					res = cr
					break
				}
				if (cr == AuthzDeniedNoUser && res != AuthzDenied) || res == AuthzNeutral {
					res = cr
				}
			} else {
				if cr == AuthzGranted {
					res = cr
					break
				}
				if (cr == AuthzDeniedNoUser && res == AuthzDenied) || res == AuthzNeutral {
					res = cr
				}
			}
		}
	}
	if n.negate {
		switch res {
		case AuthzGranted:
			res = AuthzDenied
		case AuthzDenied, AuthzDeniedNoUser:
			res = AuthzNeutral
		}
	}
	return res
}

// check runs one provider (mod_authz_host, mod_authz_core, mod_authz_user).
func (n *authzNode) check(r *authzRequest) AuthzResult {
	switch strings.ToLower(n.provider) {
	case "all":
		if len(n.args) == 1 && strings.EqualFold(n.args[0], "granted") {
			return AuthzGranted
		}
		return AuthzDenied
	case "ip":
		for _, a := range n.args {
			if ipMatches(a, r.remote) {
				return AuthzGranted
			}
		}
		return AuthzDenied
	case "local":
		if r.remote.IsLoopback() || (r.local.IsValid() && r.remote == r.local) {
			return AuthzGranted
		}
		return AuthzDenied
	case "method":
		for _, m := range n.args {
			if strings.EqualFold(m, r.method) {
				return AuthzGranted
			}
		}
		return AuthzDenied
	case "env":
		for _, v := range n.args {
			if _, ok := r.env(v); ok {
				return AuthzGranted
			}
		}
		return AuthzDenied
	case "user", "group", "valid-user", "file-owner", "file-group":
		return AuthzDeniedNoUser // no authenticated user on a plain GET
	}
	return AuthzUnknown // host (DNS), expr, …
}

// ipMatches reports whether a Require ip argument (address, prefix of
// dotted octets, CIDR or address/netmask) covers ip.
func ipMatches(arg string, ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	if p, err := netip.ParsePrefix(arg); err == nil {
		return p.Contains(ip)
	}
	if a, err := netip.ParseAddr(arg); err == nil {
		return a.Unmap() == ip.Unmap()
	}
	if i := strings.IndexByte(arg, '/'); i > 0 { // a.b.c.d/255.255.0.0
		a, err1 := netip.ParseAddr(arg[:i])
		m, err2 := netip.ParseAddr(arg[i+1:])
		if err1 == nil && err2 == nil && a.Is4() && m.Is4() && ip.Unmap().Is4() {
			ab, mb, ib := a.As4(), m.As4(), ip.Unmap().As4()
			for k := 0; k < 4; k++ {
				if ab[k]&mb[k] != ib[k]&mb[k] {
					return false
				}
			}
			return true
		}
		return false
	}
	// A prefix of octets: "10.1" covers 10.1.0.0/16.
	parts := strings.Split(strings.TrimSuffix(arg, "."), ".")
	if len(parts) < 4 && ip.Unmap().Is4() {
		b := ip.Unmap().As4()
		for k, p := range parts {
			v, ok := octet(p)
			if !ok || b[k] != v {
				return false
			}
		}
		return true
	}
	return false
}

func octet(s string) (byte, bool) {
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return byte(n), n <= 255
}
