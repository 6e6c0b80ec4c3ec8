package rewrite

import (
	"strings"

	"github.com/apacheconf/apacheconf/internal/syntax"
)

// expand is do_expand: \c escapes, %{VAR}, ${map:key|default}, $N and
// %N. With trackQ it also reports, as do_expand's unsafe_qmark, whether
// the first (with QSL the last) '?' came from an expansion (1) or was
// written literally (0); -1 when there is none. unknown says why the
// result cannot be known.
func (e *engine) expand(in string, rule *Rule, trackQ bool) (out string, unsafeQ int, unknown string) {
	unsafeQ = -1
	if !strings.ContainsAny(in, `\$%`) && !(trackQ && strings.Contains(in, "?")) {
		return in, unsafeQ, ""
	}
	qsLast := rule != nil && rule.Has(FlagQSLast)
	tracking := trackQ
	literal := func(s string) {
		if tracking && strings.Contains(s, "?") {
			unsafeQ = 0
			tracking = qsLast
		}
	}
	expanded := func(s string) {
		if tracking && strings.Contains(s, "?") {
			unsafeQ = 1
			tracking = qsLast
		}
	}
	var b strings.Builder
	i := 0
	for i < len(in) {
		j := i
		for j < len(in) && in[j] != '\\' && in[j] != '$' && in[j] != '%' {
			j++
		}
		literal(in[i:j])
		b.WriteString(in[i:j])
		if j >= len(in) {
			break
		}
		p := j
		switch {
		case in[p] == '\\':
			if p+1 >= len(in) {
				b.WriteByte('\\')
				i = p + 1
				continue
			}
			b.WriteByte(in[p+1])
			i = p + 2
		case p+1 < len(in) && in[p+1] == '{':
			end := closingCurly(in, p+2)
			if end < 0 {
				b.WriteString(in[p : p+2])
				literal(in[p : p+2])
				i = p + 2
				continue
			}
			body := in[p+2 : end]
			if in[p] == '%' {
				v, why := e.lookupVariable(body)
				if why != "" {
					return "", unsafeQ, why
				}
				expanded(v)
				b.WriteString(v)
				i = end + 1
				continue
			}
			colon := charInCurlies(in, p+2, ':')
			if colon < 0 {
				b.WriteString(in[p : p+2])
				literal(in[p : p+2])
				i = p + 2
				continue
			}
			name := in[p+2 : colon]
			keySpec := in[colon+1 : end]
			dflt, hasDflt := "", false
			if bar := charInCurlies(in, colon+1, '|'); bar >= 0 && bar < end {
				keySpec, dflt, hasDflt = in[colon+1:bar], in[bar+1:end], true
			}
			key, _, why := e.expand(keySpec, rule, false)
			if why != "" {
				return "", unsafeQ, why
			}
			v, found, why := e.lookupMap(name, key)
			if why != "" {
				return "", unsafeQ, why
			}
			if !found && hasDflt && dflt != "" {
				v, _, why = e.expand(dflt, rule, false)
				if why != "" {
					return "", unsafeQ, why
				}
			}
			expanded(v)
			b.WriteString(v)
			i = end + 1
		case p+1 < len(in) && in[p+1] >= '0' && in[p+1] <= '9':
			n := int(in[p+1] - '0')
			bri := e.rr
			if in[p] == '%' {
				bri = e.rc
			}
			if bri.source != "" || bri.m != nil {
				if 2*n+1 < len(bri.m) && bri.m[2*n] >= 0 && bri.m[2*n+1] > bri.m[2*n] {
					v := bri.source[bri.m[2*n]:bri.m[2*n+1]]
					if rule != nil && rule.Has(FlagEscapeBackref) {
						v = escapeBackref(v, rule.Escapes, rule.NoEscapes, rule.Flags)
					}
					expanded(v)
					b.WriteString(v)
				}
			}
			i = p + 2
		default:
			b.WriteByte(in[p])
			i = p + 1
		}
	}
	return b.String(), unsafeQ, ""
}

// closingCurly is find_closing_curly from s[i:]: the index of the '}'
// that closes a '{' before i, counting nesting; -1 for none.
func closingCurly(s string, i int) int {
	depth := 1
	for ; i < len(s); i++ {
		switch s[i] {
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		case '{':
			depth++
		}
	}
	return -1
}

// charInCurlies is find_char_in_curlies: c at nesting depth 1 before the
// closing '}'; -1 for none.
func charInCurlies(s string, i int, c byte) int {
	depth := 1
	for ; i < len(s); i++ {
		switch {
		case s[i] == c && depth == 1:
			return i
		case s[i] == '}':
			depth--
			if depth == 0 {
				return -1
			}
		case s[i] == '{':
			depth++
		}
	}
	return -1
}

func (e *engine) lookupMap(name, key string) (string, bool, string) {
	m := e.in.Maps[name]
	if m == nil {
		// httpd logs AH00667-like errors and the default applies.
		return "", false, ""
	}
	r := m.lookup(key, e.in.FS)
	if r.unmodelled != "" {
		return "", false, r.unmodelled
	}
	return r.value, r.found, ""
}

// headerVars are lookup_variable's HTTP_* names and the header each reads.
var headerVars = map[string]string{
	"HTTP_HOST": "Host", "HTTP_ACCEPT": "Accept", "HTTP_COOKIE": "Cookie",
	"HTTP_REFERER": "Referer", "HTTP_FORWARDED": "Forwarded",
	"HTTP_USER_AGENT": "User-Agent", "HTTP_PROXY_CONNECTION": "Proxy-Connection",
}

// requestVars are lookup_variable's other names the caller answers.
var requestVars = map[string]bool{
	"IPV6": true, "HTTPS": true, "AUTH_TYPE": true, "SERVER_NAME": true,
	"REMOTE_ADDR": true, "SERVER_ADDR": true, "THE_REQUEST": true,
	"API_VERSION": true, "SERVER_PORT": true, "REMOTE_HOST": true,
	"REMOTE_PORT": true, "REMOTE_USER": true, "SCRIPT_USER": true,
	"SCRIPT_GROUP": true, "REMOTE_IDENT": true, "SERVER_ADMIN": true,
	"DOCUMENT_ROOT": true, "CONTEXT_PREFIX": true, "REQUEST_METHOD": true,
	"REQUEST_SCHEME": true, "SERVER_PROTOCOL": true, "SERVER_SOFTWARE": true,
	"CONN_REMOTE_ADDR": true, "CONTEXT_DOCUMENT_ROOT": true,
}

// lookupVariable is lookup_variable. Names it does not know are empty,
// as in httpd (%{HTTP_X_FOO} is not a header: use %{HTTP:X-Foo}).
func (e *engine) lookupVariable(name string) (string, string) {
	if len(name) < 4 {
		return "", ""
	}
	if name[3] == ':' && len(name) > 4 {
		switch {
		case syntax.EqualFoldASCII(name[:3], "ENV"):
			k := name[4:]
			if v, ok := e.env[k]; ok {
				if v == nil { // E=!k
					return "", ""
				}
				return *v, ""
			}
			v, ok := e.in.Req.Env(k)
			if !ok {
				return "", "%{ENV:" + k + "} is not known statically"
			}
			return v, ""
		case syntax.EqualFoldASCII(name[:3], "SSL"):
			v, ok := e.in.Req.Var("SSL:" + name[4:])
			if !ok {
				return "", "%{" + name + "} (mod_ssl) is not known statically"
			}
			return v, ""
		}
		return "", ""
	}
	if len(name) > 4 && name[4] == ':' {
		if len(name) == 5 {
			return "", ""
		}
		switch {
		case syntax.EqualFoldASCII(name[:4], "HTTP"):
			v, ok := e.in.Req.Header(name[5:])
			if !ok {
				return "", "the request header " + name[5:] + " is not known"
			}
			return v, ""
		case syntax.EqualFoldASCII(name[:4], "LA-U"), syntax.EqualFoldASCII(name[:4], "LA-F"):
			if e.in.Subrequest {
				// subreq_ok: a sub-request for its own URI does not look ahead.
				return "", "%{" + name + "} in a sub-request is not modelled"
			}
			return "", "%{" + name + "} looks ahead with a sub-request, not modelled"
		}
		return "", ""
	}
	up := strings.ToUpper(name)
	switch up {
	case "TIME", "TIME_YEAR", "TIME_MON", "TIME_DAY", "TIME_HOUR", "TIME_MIN", "TIME_SEC", "TIME_WDAY":
		return "", "%{" + up + "} is the time of the request, not known statically"
	case "IS_SUBREQ":
		if e.in.Subrequest {
			return "true", ""
		}
		return "false", ""
	case "PATH_INFO":
		return e.pathInfo, ""
	case "REQUEST_URI":
		return e.in.URI, ""
	case "QUERY_STRING":
		return e.args, ""
	case "REQUEST_FILENAME", "SCRIPT_FILENAME":
		return e.filename, ""
	}
	if h, ok := headerVars[up]; ok {
		v, known := e.in.Req.Header(h)
		if !known {
			return "", "the request header " + h + " is not known"
		}
		return v, ""
	}
	if requestVars[up] {
		v, ok := e.in.Req.Var(up)
		if !ok {
			return "", "%{" + up + "} is not known statically"
		}
		return v, ""
	}
	return "", ""
}
