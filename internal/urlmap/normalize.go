package urlmap

import "strings"

// isUnreserved is RFC 3986's unreserved set (T_URI_UNRESERVED in httpd's
// gen_test_char.c).
func isUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// normalizePath is ap_normalize_path (server/util.c) with
// AP_NORMALIZE_NOT_ABOVE_ROOT and, as the caller asks,
// AP_NORMALIZE_MERGE_SLASHES and AP_NORMALIZE_DECODE_UNRESERVED. ok is
// false where httpd's returns 0 (the request then gets 400): a path not
// starting with '/', a bad %-escape (when decoding), a ".." above the
// root. Like httpd it still returns the rewritten path.
func normalizePath(in string, merge, decode bool) (string, bool) {
	if in == "*" {
		return in, true
	}
	if in == "" || in[0] != '/' {
		return in, false
	}
	p := []byte(in)
	ok := true
	l, w := 1, 1
	at := func(i int) byte {
		if i < len(p) {
			return p[i]
		}
		return 0
	}
	slashOrNul := func(c byte) bool { return c == '/' || c == 0 }
	for l < len(p) {
		if decode && p[l] == '%' {
			if isHex(at(l+1)) && isHex(at(l+2)) {
				c := unhex(p[l+1])<<4 | unhex(p[l+2])
				if isUnreserved(c) {
					l += 2
					p[l] = c
				}
			} else {
				ok = false
			}
		}
		if w == 0 || p[w-1] == '/' {
			if merge && p[l] == '/' {
				for l < len(p) && p[l] == '/' {
					l++
				}
				continue
			}
			if p[l] == '.' {
				if slashOrNul(at(l + 1)) { // "/./"
					l++
					if l < len(p) {
						l++
					}
					continue
				}
				n := l + 1
				dotdot := false
				if at(n) == '.' {
					dotdot = true
				} else if decode && at(n) == '%' {
					n++
					if at(n) == '2' {
						n++
						if at(n) == 'e' || at(n) == 'E' {
							dotdot = true
						}
					}
				}
				if dotdot && slashOrNul(at(n+1)) {
					if w > 1 {
						for {
							w--
							if w == 0 || p[w-1] == '/' {
								break
							}
						}
					} else {
						ok = false // above the root
					}
					l = n + 1
					if l < len(p) {
						l++
					}
					continue
				}
			}
		}
		p[w] = p[l]
		w++
		l++
	}
	return string(p[:w]), ok
}

// unescapeURL is ap_unescape_url_ex with AP_UNESCAPE_URL_KEEP_UNRESERVED
// and the AllowEncodedSlashes flags: status 400 for a bad escape, 404
// for an encoded NUL or (forbid) an encoded '/'.
func unescapeURL(s string, forbidSlashes, keepSlashes bool) (string, int) {
	if !strings.Contains(s, "%") {
		return s, 0
	}
	var b strings.Builder
	badesc, badpath := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			badesc = true
			b.WriteByte('%')
			continue
		}
		d := unhex(s[i+1])<<4 | unhex(s[i+2])
		switch {
		case d == 0 || forbidSlashes && d == '/':
			badpath = true
			b.WriteByte(d)
			i += 2
		case isUnreserved(d) || keepSlashes && d == '/':
			b.WriteString(s[i : i+3])
			i += 2
		default:
			b.WriteByte(d)
			i += 2
		}
	}
	switch {
	case badesc:
		return b.String(), 400
	case badpath:
		return b.String(), 404
	}
	return b.String(), 0
}

// EscapePath is ap_os_escape_path(p, path, 1) (ap_escape_uri): every
// byte but alphanumerics and $-_.+!*'(),:;@&=/~ becomes %xx (lower-case
// hex, as httpd's c2x writes it).
func EscapePath(s string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("$-_.+!*'(),:;@&=/~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// MergePath is apr_filepath_merge(root, add, APR_FILEPATH_TRUENAME) on
// Unix as far as it changes a name lexically: an absolute add replaces
// root, empty and "." segments are dropped, ".." removes the previous
// segment, a trailing '/' is kept.
func MergePath(root, add string) string {
	var base string
	if strings.HasPrefix(add, "/") {
		base = ""
	} else {
		base = root
	}
	full := base + "/" + add
	trailing := strings.HasSuffix(add, "/") || (add == "" && strings.HasSuffix(root, "/"))
	var segs []string
	for _, s := range strings.Split(full, "/") {
		switch s {
		case "", ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		default:
			segs = append(segs, s)
		}
	}
	out := "/" + strings.Join(segs, "/")
	if trailing && out != "/" {
		out += "/"
	}
	return out
}

// IsURL is ap_is_url: a non-empty scheme of alphanumerics, '+', '-',
// '.' followed by ':'.
func IsURL(u string) bool {
	x := 0
	for ; x < len(u) && u[x] != ':'; x++ {
		c := u[x]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return x < len(u) && x > 0
}
