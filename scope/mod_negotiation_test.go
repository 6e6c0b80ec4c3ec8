package scope

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestVariantMatches is read_types_multi's check of find_ct's exception
// list (Debian's /etc/mime.types knows sql, gz, tar, bak, html; not
// php, orig, local).
func TestVariantMatches(t *testing.T) {
	k := &mimeKnow{types: map[string]string{"sql": "application/sql", "gz": "application/gzip", "tar": "application/x-tar", "bak": "application/x-trash", "html": "text/html"}}
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
	k = &mimeKnow{types: map[string]string{}, maybe: map[string]bool{"en": true}}
	_, decided := k.variantMatches("a", "a.en")
	assert.False(t, decided, "AddLanguage in a section: .en may be known")
	k = &mimeKnow{types: map[string]string{}, langs: map[string]string{"en": "en"}}
	got, decided = k.variantMatches("a", "a.en")
	assert.True(t, got && decided, "AddLanguage at server level")
}

func TestAcceptQuality(t *testing.T) {
	ranges := parseAccept("text/html,application/*;q=0.5,*/*;q=0")
	for ct, want := range map[string]float64{"text/html": 1, "application/sql": 0.5, "image/png": 0} {
		q, ok := typeQuality(ranges, ct)
		assert.True(t, ok)
		assert.Equal(t, want, q, ct)
	}
	langs := parseAccept("en;q=0.8,de")
	assert.Equal(t, 0.8, langQuality(langs, "en-US"))
	assert.Equal(t, 0.0, langQuality(langs, "fr"))
}
