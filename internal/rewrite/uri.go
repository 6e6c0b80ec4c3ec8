package rewrite

import (
	"strings"

	"github.com/apacheconf/apacheconf/internal/syntax"
)

// absoluteURI is is_absolute_uri: the length of the scheme prefix
// ("http://" is 7) when uri starts with one of the schemes mod_rewrite
// knows, else 0; queryOK says whether a query string is split off for it.
func absoluteURI(uri string) (n int, queryOK bool) {
	if len(uri) <= 5 || uri[0] == '/' {
		return 0, false
	}
	has := func(p string) bool { return len(uri) >= len(p) && syntax.EqualFoldASCII(uri[:len(p)], p) }
	switch uri[0] | 0x20 {
	case 'a':
		if has("ajp://") {
			return 6, true
		}
	case 'b':
		if has("balancer://") {
			return 11, true
		}
	case 'f':
		if has("ftp://") {
			return 6, false
		}
		if has("fcgi://") {
			return 7, true
		}
	case 'g':
		if has("gopher://") {
			return 9, false
		}
	case 'h':
		switch {
		case has("http://"):
			return 7, true
		case has("https://"):
			return 8, true
		case has("h2://"):
			return 5, true
		case has("h2c://"):
			return 6, true
		}
	case 'l':
		if has("ldap://") {
			return 7, false
		}
	case 'm':
		if has("mailto:") {
			return 7, true
		}
	case 'n':
		if has("news:") {
			return 5, false
		}
		if has("nntp://") {
			return 7, false
		}
	case 's':
		if has("scgi://") {
			return 7, true
		}
	case 'w':
		if has("ws://") {
			return 5, true
		}
		if has("wss://") {
			return 6, true
		}
	case 'u':
		if has("unix:") {
			if len(uri) > 6 && uri[5] == '/' && uri[6] == '/' {
				return 7, true
			}
			return 5, true
		}
	}
	return 0, false
}

const hexDigits = "0123456789abcdef"

// osEscapePathKeep are the bytes ap_os_escape_path leaves alone besides
// letters and digits (T_OS_ESCAPE_PATH in gen_test_char.c).
const osEscapePathKeep = "$-_.+!*'(),:;@&=/~"

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// escapeURI is ap_escape_uri (ap_os_escape_path with partial set).
func escapeURI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || strings.IndexByte(osEscapePathKeep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// unescapeURL is ap_unescape_url as the int:unescape map uses it: %XX
// sequences are decoded; a malformed one is kept as written (httpd
// reports an error the map function ignores).
func unescapeURL(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b.WriteByte(h<<4 | l)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// escapeBackref is escape_backref: the B flag's escaping of $N/%N.
func escapeBackref(s, escapes, noEscapes string, flags RuleFlag) string {
	noPlus := flags&FlagEscapeNoPlus != 0
	ctls := flags&FlagEscapeCtls != 0
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		var want bool
		if ctls {
			want = !isVCharObsText(c)
		} else {
			want = escapes == ""
		}
		want = want || (escapes != "" && strings.IndexByte(escapes, c) >= 0)
		if want && (noEscapes == "" || strings.IndexByte(noEscapes, c) < 0) {
			switch {
			case isAlnum(c) || c == '_':
				b.WriteByte(c)
			case c == ' ' && !noPlus:
				b.WriteByte('+')
			default:
				b.WriteByte('%')
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&15])
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isVCharObsText(c byte) bool { return c > 0x20 && c != 0x7f }

// hasNonVChar is *ap_scan_vchar_obstext(s) != '\0'.
func hasNonVChar(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isVCharObsText(s[i]) {
			return true
		}
	}
	return false
}

// escapeAbsoluteURI is escape_absolute_uri: the part after the host is
// escaped with ap_escape_uri (ldap's ?-separated parts each).
func escapeAbsoluteURI(uri string, scheme int) string {
	if scheme == 0 || len(uri) < scheme {
		return uri
	}
	cp := scheme
	if uri[cp-1] == '/' {
		for cp < len(uri) && uri[cp] != '/' {
			cp++
		}
		if cp >= len(uri) || cp+1 >= len(uri) {
			return uri
		}
		cp++
		scheme = cp
		if syntax.EqualFoldASCII(uri[:4], "ldap") {
			parts := strings.SplitN(uri[cp:], "?", 5)
			for i := range parts {
				parts[i] = escapeURI(parts[i])
			}
			return uri[:scheme] + strings.Join(parts, "?")
		}
	}
	return uri[:scheme] + escapeURI(uri[cp:])
}

// substPrefixPath is subst_prefix_path: input with the path prefix match
// (a whole segment) replaced by subst, or input unchanged.
func substPrefixPath(input, match, subst string) string {
	l := len(match)
	if l > 0 && match[l-1] == '/' {
		l--
	}
	if !strings.HasPrefix(input, match[:l]) || len(input) <= l || input[l] != '/' {
		return input
	}
	rest := input[l+1:]
	if subst != "" && !strings.HasSuffix(subst, "/") {
		subst += "/"
	}
	return subst + rest
}
