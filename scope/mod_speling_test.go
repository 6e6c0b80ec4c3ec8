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

// TestVariantMatches is read_types_multi's check of find_ct's exception
// list (Debian's /etc/mime.types knows sql, gz, tar, bak, html; not
// php, orig, local).
func TestVariantMatches(t *testing.T) {
	k := &mimeKnow{types: map[string]bool{"sql": true, "gz": true, "tar": true, "bak": true, "html": true}}
	for _, tt := range []struct {
		filp, name string
		want       bool
	}{
		{"dump", "dump.sql", true},
		{"backup", "backup.tar.gz", true},
		{"config.php", "config.php.bak", true},
		{"config", "config.php.bak", false},
		{"wp-config", "wp-config.php.orig", false},
		{".env", ".env.local", false},
		{"index.html", "index.html.bak", true},
		{"index", "index.html.bak", true},
	} {
		got, decided := k.variantMatches(tt.filp, tt.name)
		assert.True(t, decided)
		assert.Equal(t, tt.want, got, "%s %s", tt.filp, tt.name)
	}
	k.any = true
	got, _ := k.variantMatches("wp-config", "wp-config.php.orig")
	assert.True(t, got, "MultiviewsMatch Any")
	k = &mimeKnow{types: map[string]bool{}, unmodeled: true}
	_, decided := k.variantMatches("a", "a.en")
	assert.False(t, decided, "AddLanguage in force: .en may be known")
}
