package urlmap

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestResourceName(t *testing.T) {
	assert.Equal(t, "/api", ResourceName("/API"))
	assert.Equal(t, "/a/b", ResourceName("//a//b"))
	assert.Equal(t, "", ResourceName(""))
}

func TestAliasMatches(t *testing.T) {
	for _, c := range []struct {
		uri, alias string
		n          int
	}{
		{"/icons/a", "/icons/", 7},
		{"/icons", "/icons/", 0},
		{"/icons//a", "/icons/", 8},
		{"//icons/a", "/icons", 7},
		{"/iconsx", "/icons", 0},
		{"/", "/", 1},
		{"/x", "/", 1},
	} {
		assert.Equal(t, c.n, AliasMatches(c.uri, c.alias), "%s vs %s", c.uri, c.alias)
	}
}
