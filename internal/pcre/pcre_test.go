package pcre

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPCREFeatures(t *testing.T) {
	tests := []struct {
		pattern string
		icase   bool
		in      string
		want    []string // nil: no match
	}{
		{`^/(?!admin)`, false, "/app.wsgi", []string{"/"}},
		{`^/(?!admin)`, false, "/admin/x", nil},
		{`^/(\w+)/\1$`, false, "/ab/ab", []string{"/ab/ab", "ab"}},
		{`^/(\w+)/\1$`, false, "/ab/cd", nil},
		{`(?<=x)y`, false, "xy", []string{"y"}},
		{`^OTHER\.`, true, "other.example", []string{"other."}},
		{`^/~([^/]+)/(.*)$`, false, "/~bob/é/x", []string{"/~bob/é/x", "bob", "é/x"}},
		{`(a)|(b)`, false, "b", []string{"b", "", "b"}},
	}
	for _, tt := range tests {
		re, err := Compile(tt.pattern, tt.icase)
		require.NoError(t, err, tt.pattern)
		assert.Equal(t, tt.want, re.FindStringSubmatch(tt.in), "%s on %q", tt.pattern, tt.in)
		assert.Equal(t, tt.want != nil, re.MatchString(tt.in))
	}
	idx := MustCompile(`b(é)`).FindStringSubmatchIndex("aébé")
	assert.Equal(t, []int{3, 6, 4, 6}, idx, "byte offsets, not rune indexes")
	_, err := Compile(`(`, false)
	assert.Error(t, err)
}
