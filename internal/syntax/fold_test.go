package syntax

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFoldASCII(t *testing.T) {
	tests := []struct {
		a, b  string
		equal bool
	}{
		{"ServerName", "servername", true},
		{"SITE_ID", "site_id", true},
		{"S", "ſ", false},            // long s: Unicode folds it to s, C strcasecmp does not
		{"Σ", "σ", false},            // non-ASCII letters stay as written
		{"Keep", "\u212Aeep", false}, // Kelvin sign
		{"é", "É", false},
		{"a", "ab", false},
		{"@", "`", false}, // 0x40 and 0x60 differ by the case bit but are not letters
		{"[", "{", false},
		{"Z", "z", true},
		{"A_B", "a_b", true},
		{"", "", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.equal, EqualFoldASCII(tt.a, tt.b), "%q %q", tt.a, tt.b)
	}
	// Every pair of bytes against the definition.
	for x := 0; x < 256; x++ {
		for y := 0; y < 256; y++ {
			a, b := string([]byte{byte(x)}), string([]byte{byte(y)})
			assert.Equal(t, lowerASCII(byte(x)) == lowerASCII(byte(y)), EqualFoldASCII(a, b), "%q %q", a, b)
		}
	}
	assert.Equal(t, "servername", ToLowerASCII("ServerName"))
	assert.Equal(t, "\u212Aeepalive", ToLowerASCII("\u212AeepAlive"))
	assert.Equal(t, "éÉ", ToLowerASCII("éÉ"))
	s := "already lower"
	assert.Equal(t, s, ToLowerASCII(s))
	assert.Zero(t, testing.AllocsPerRun(10, func() { ToLowerASCII(s) }))
}
