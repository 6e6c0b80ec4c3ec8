package syntax

// httpd compares directive names, environment variable names and most
// keywords with strcasecmp in the C locale (apr tables, ap_find_command):
// only ASCII letters fold. Go's strings.EqualFold and strings.ToLower
// fold Unicode too ("ſ" matches "s", the Kelvin sign lowers to "k"),
// which httpd does not.

// EqualFoldASCII reports whether a and b are equal with ASCII letters
// compared without case.
func EqualFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	// Callers mostly compare a name with its own spelling (d.Is("Require")
	// on "Require"): equal bytes pass without folding.
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		// Setting bit 0x20 lowers an ASCII letter; bytes that differ are
		// equal without case only if they are that letter's two cases.
		if l := ca | 0x20; l != cb|0x20 || l < 'a' || l > 'z' {
			return false
		}
	}
	return true
}

// ToLowerASCII returns s with ASCII letters in lower case; s itself
// when it has none in upper case.
func ToLowerASCII(s string) string {
	i := 0
	for i < len(s) && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		b[i] = lowerASCII(b[i])
	}
	return string(b)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
