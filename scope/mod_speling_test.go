package scope

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSpdist(t *testing.T) {
	for _, tt := range []struct {
		bad, name string
		want      int
	}{
		{".ENV", ".env", spMiscapitalized},
		{"dupm.sql", "dump.sql", spTransposition},
		{"dump.sq", "dump.sql", spMissingChar},
		{"dump.sqll", "dump.sql", spExtraChar},
		{"dumq.sql", "dump.sql", spSimpleTypo},
		{"dump", "dump.sql", spVeryDifferent},
	} {
		assert.Equal(t, tt.want, spdist(tt.bad, tt.name), "%s %s", tt.bad, tt.name)
	}
}
