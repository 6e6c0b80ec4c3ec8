package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Dry run on the shipped hosting example: joe's directory gets the
// restriction, bob's already has one.
func Example() {
	changes, err := plan(os.DirFS("../hosting"), "/apache2.conf")
	if err != nil {
		panic(err)
	}
	if err := apply(os.Stdout, changes, "", false); err != nil {
		panic(err)
	}
	// Output:
	// # /home/joe/public_html: %{ENV:PROCESS_GROUP} limited to joe:1
	// --- a/sites-enabled/www.site.com.conf
	// +++ b/sites-enabled/www.site.com.conf
	// @@ -29,4 +29,5 @@
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
	changes, err := plan(os.DirFS(dir), "/apache2.conf")
	require.NoError(t, err)
	require.Len(t, changes, 1)
	require.NoError(t, apply(os.Stdout, changes, dir, true))
	b, err := os.ReadFile(filepath.Join(dir, "sites-enabled", "www.site.com.conf"))
	require.NoError(t, err)
	assert.Contains(t, string(b), "        WSGIRestrictProcess joe:1\n")
	again, err := plan(os.DirFS(dir), "/apache2.conf")
	require.NoError(t, err)
	assert.Empty(t, again, "a second run changes nothing")
}
