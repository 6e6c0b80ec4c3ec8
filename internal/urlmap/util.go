package urlmap

import (
	"os/user"
	"strings"
)

// DefaultDocumentRoot is Debian's compiled-in DocumentRoot
// (DOCUMENT_LOCATION), used when no server sets one.
const DefaultDocumentRoot = "/var/www/html"

// DefaultServerRoot is Debian's compiled-in ServerRoot (HTTPD_ROOT,
// `apache2 -V`).
const DefaultServerRoot = "/etc/apache2"

// Normalized is the request path as translate_name sees it, or the
// status httpd answers before translation.
type Normalized struct {
	// URI is r->uri: normalised (dot segments removed, slashes merged
	// unless MergeSlashes Off) and %-decoded. Args is the query string
	// (after '?'), as sent.
	URI, Args string
	// Status is 400 or 404 when httpd rejects the path before
	// translate_name (0 otherwise), and Reason why in its log's words.
	Status int
	Reason string
}

// Normalize is what ap_process_request_internal (server/request.c) does
// to the request path (as sent: percent-encoded, optionally with
// "?query") before translate_name: ap_normalize_path with
// AP_NORMALIZE_NOT_ABOVE_ROOT | AP_NORMALIZE_DECODE_UNRESERVED (and
// MERGE_SLASHES unless mergeSlashesOff), then ap_unescape_url_ex as
// allowEncodedSlashes ("Off", "On", "NoDecode") says.
func Normalize(uri string, mergeSlashesOff bool, allowEncodedSlashes string) Normalized {
	// ap_parse_uri: leading runs of '/' are one '/' whatever
	// MergeSlashes says (verified on 2.4.71: "//x" with MergeSlashes Off
	// is /x); an absolute-form target keeps only its path.
	for strings.HasPrefix(uri, "//") {
		uri = uri[1:]
	}
	if i := strings.Index(uri, "://"); i > 0 && IsURL(uri) && !strings.ContainsAny(uri[:i], "/?#") {
		rest := uri[i+3:]
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
			uri = rest[j:]
		} else {
			uri = ""
		}
		if uri == "" || uri[0] != '/' {
			uri = "/" + uri
		}
	}
	path, args, _ := strings.Cut(uri, "?")
	path, _, _ = strings.Cut(path, "#")
	fail := func(status int, reason string, u string) Normalized {
		if i := strings.IndexByte(u, 0); i >= 0 {
			u = u[:i] // r->uri is a C string
		}
		return Normalized{URI: u, Args: args, Status: status, Reason: reason}
	}

	// ap_process_request_internal: normalise, then unescape.
	norm, ok := normalizePath(path, !mergeSlashesOff, true)
	if !ok {
		return fail(400, "invalid URI path ("+uri+")", norm)
	}
	aes := strings.ToLower(allowEncodedSlashes)
	decoded, st := unescapeURL(norm, aes != "on" && aes != "nodecode", aes == "nodecode")
	if st == 404 && aes != "on" && aes != "nodecode" && strings.Contains(strings.ToLower(norm), "%2f") {
		return fail(404, "found %2f (encoded '/') in URI path ("+uri+"), returning 404", decoded)
	}
	if st != 0 {
		return fail(st, "bad %-escape in URI path ("+uri+")", decoded)
	}
	if i := strings.IndexByte(decoded, 0); i >= 0 {
		decoded = decoded[:i] // r->uri is a C string
	}
	if aes == "on" {
		decoded, _ = normalizePath(decoded, !mergeSlashesOff, false)
	}

	return Normalized{URI: decoded, Args: args}
}

// AliasMatches is mod_alias's alias_matches: each run of '/' in the
// alias matches a run of one or more '/' in the URI, other bytes match
// literally (case-sensitively), and an alias not ending in '/' must end
// at a '/' or the end of the URI. It returns the number of URI bytes
// matched, 0 for no match.
func AliasMatches(uri, alias string) int {
	a, u := 0, 0
	for a < len(alias) {
		if alias[a] == '/' {
			if u >= len(uri) || uri[u] != '/' {
				return 0
			}
			for a < len(alias) && alias[a] == '/' {
				a++
			}
			for u < len(uri) && uri[u] == '/' {
				u++
			}
			continue
		}
		if u >= len(uri) || uri[u] != alias[a] {
			return 0
		}
		u++
		a++
	}
	if alias == "" {
		return 0
	}
	if alias[len(alias)-1] != '/' && u < len(uri) && uri[u] != '/' {
		return 0
	}
	return u
}

// Pregsub is ap_pregsub (server/util.c regsub_core): $0–$9 are replaced
// by the groups of match m of src (empty when a group did not take part),
// a backslash takes the next byte literally; "&" is an ordinary byte in
// 2.4. mod_alias, mod_setenvif and others use it.
func Pregsub(tmpl, src string, m []int) string {
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c == '$' && i+1 < len(tmpl) && tmpl[i+1] >= '0' && tmpl[i+1] <= '9' {
			no := int(tmpl[i+1] - '0')
			i++
			if 2*no+1 < len(m) && m[2*no] >= 0 && m[2*no] < m[2*no+1] {
				b.WriteString(src[m[2*no]:m[2*no+1]])
			}
			continue
		}
		if c == '\\' && i+1 < len(tmpl) {
			i++
			c = tmpl[i]
		}
		b.WriteByte(c)
	}
	return b.String()
}

// ResourceName is the script-name part of mod_wsgi's %{RESOURCE}
// (wsgi_script_name): leading repeated slashes dropped, other runs of
// slashes collapsed (ap_no2slash), lower-cased.
func ResourceName(scriptName string) string {
	s := scriptName
	for len(s) > 1 && s[1] == '/' {
		s = s[1:]
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '/' && i > 0 && s[i-1] == '/' {
			continue
		}
		b.WriteByte(s[i])
	}
	return strings.ToLower(b.String())
}

// LookupHome is apr_uid_homepath_get: the account's home directory.
func LookupHome(name string) (string, bool) {
	u, err := user.Lookup(name)
	if err != nil || u.HomeDir == "" {
		return "", false
	}
	return u.HomeDir, true
}
