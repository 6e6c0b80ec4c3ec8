package scope

import (
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/pcre"
	"github.com/apacheconf/apacheconf/internal/syntax"
	"github.com/apacheconf/apacheconf/internal/urlmap"
)

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

// setEnvIfDirectives picks SetEnvIf-family directives from a body.
func setEnvIfDirectives(body []ast.Node) []*ast.Directive {
	var out []*ast.Directive
	for _, n := range body {
		if d, ok := n.(*ast.Directive); ok && isSetEnvIf(d) {
			out = append(out, d)
		}
	}
	return out
}

func isSetEnvIf(d *ast.Directive) bool {
	switch d.Canonical() {
	case "setenvif", "setenvifnocase", "browsermatch", "browsermatchnocase":
		return true
	}
	return false
}

// envRequest is what SetEnvIf attributes read.
type envRequest struct {
	uri     string
	remote  string
	local   string
	method  string
	headers map[string]string // canonical header names → value
}

func (r *envRequest) header(name string) (string, bool) {
	for k, v := range r.headers {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// runSetEnvIf is match_headers: each conditional in order; the
// attribute is a special name, else a request header, else a variable
// set earlier. It returns directives it could not evaluate.
func runSetEnvIf(conds []*ast.Directive, r *envRequest, env *envTable) (undecided []*ast.Directive) {
	for _, d := range conds {
		vals := d.Values()
		name := d.Canonical()
		var attr, pattern string
		var features []string
		switch name {
		case "browsermatch", "browsermatchnocase":
			if len(vals) < 1 {
				continue
			}
			attr, pattern, features = "User-Agent", vals[0], vals[1:]
		default:
			if len(vals) < 2 {
				continue
			}
			attr, pattern, features = vals[0], vals[1], vals[2:]
		}
		re, err := pcre.Compile(pattern, strings.HasSuffix(name, "nocase"))
		if err != nil {
			undecided = append(undecided, d)
			continue
		}
		var val string
		switch strings.ToLower(attr) {
		case "remote_addr":
			val = r.remote
		case "server_addr":
			val = r.local
		case "remote_host":
			val = r.remote // HostnameLookups Off: the address
		case "request_uri":
			val = r.uri
		case "request_method":
			val = r.method
		case "request_protocol":
			val = "HTTP/1.1"
		default:
			if v, ok := r.header(attr); ok {
				val = v
			} else if e, ok := env.get(attr); ok {
				val = e.Value
			}
		}
		m := re.FindStringSubmatchIndex(val)
		if m == nil {
			continue
		}
		for _, f := range features {
			if strings.HasPrefix(f, "!") {
				env.unset(f[1:])
				continue
			}
			k, v, hasV := strings.Cut(f, "=")
			if !hasV {
				v = "1"
			}
			env.set(EnvVar{Name: k, Value: urlmap.Pregsub(v, val, m), By: d})
		}
	}
	return undecided
}
