package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Dry run on the shipped hosting example: joe's directory gets the
// restriction, bob's already has one.
func Example() {
	if err := run(os.Stdout, "../hosting", false); err != nil {
		panic(err)
	}
	// Output:
	// # /home/joe/public_html: %{ENV:PROCESS_GROUP} limited to joe:1
	// --- a/sites-enabled/www.site.com.conf
	// +++ b/sites-enabled/www.site.com.conf
	// @@ -28,5 +28,6 @@
	//          AddHandler wsgi-script .wsgi
	//          Require all granted
	//          SetEnv PROCESS_GROUP joe:1
	// +        WSGIRestrictProcess joe:1
	//      </Directory>
	//  </VirtualHost>
}

// Writing, then running again: the second run changes nothing.
func TestWriteIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	out, err := exec.Command("cp", "-r", "../hosting/.", dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	var log strings.Builder
	require.NoError(t, run(&log, dir, true))
	assert.Contains(t, log.String(), "wrote /sites-enabled/www.site.com.conf")
	b, err := os.ReadFile(filepath.Join(dir, "sites-enabled", "www.site.com.conf"))
	require.NoError(t, err)
	assert.Contains(t, string(b), "        WSGIRestrictProcess joe:1\n")
	log.Reset()
	require.NoError(t, run(&log, dir, false))
	assert.Empty(t, log.String(), "a second run changes nothing")
	require.NoError(t, run(io.Discard, dir, true))
}
