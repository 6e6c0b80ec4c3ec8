package pcre

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRegexLiterals(t *testing.T) {
	tests := []struct{ pattern, anchored, required string }{
		{`^/old/(.*)$`, "/old/", "/old/"},
		{`(^|/)\.`, "", "."},
		{`^/blog/(\d+)/(\d+)/(.*)$`, "/blog/", "/blog/"},
		{`\.php$`, "", ".php"},
		{`^(a|b)`, "", ""},
		{`^`, "", ""},
	}
	for _, tt := range tests {
		a, r := literals(tt.pattern)
		assert.Equal(t, tt.anchored, a, tt.pattern)
		assert.Equal(t, tt.required, r, tt.pattern)
	}
	// The filters never reject a match.
	re, err := CompileFast(`(^|/)\.`, false)
	require.NoError(t, err)
	assert.True(t, re.MatchString("/a/.git"))
	assert.False(t, re.MatchString("/a/git"))
	assert.Nil(t, re.FindStringSubmatchIndex("/a/git"))
}
