package resolve_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
)

const hosting = `WSGIDaemonProcess default threads=1
<VirtualHost *:80>
  ServerName www.site.com
  WSGIDaemonProcess bob:1 user=bob
  WSGIDaemonProcess bob:2 user=bob
  WSGIDaemonProcess joe:1 user=joe
  SetEnv PROCESS_GROUP default
  WSGIProcessGroup %{ENV:PROCESS_GROUP}
  <Directory /home/bob/public_html>
    AllowOverride FileInfo
    WSGIRestrictProcess bob:1 bob:2
  </Directory>
  <Directory /home/joe/public_html>
    AllowOverride FileInfo
  </Directory>
  <Directory /home/ann/public_html>
    AllowOverride None
    AllowOverrideList SetEnvIf
    WSGIRestrictProcess %{GLOBAL}
  </Directory>
  <Directory /home/zed/public_html>
    AllowOverride AuthConfig
  </Directory>
</VirtualHost>
<VirtualHost *:80>
  ServerName other.example
  WSGIDaemonProcess other:1
  WSGIProcessGroup other:1
  <Directory /srv/other>
    AllowOverride All
  </Directory>
</VirtualHost>
`

func TestAudit(t *testing.T) {
	f, err := parser.ParseFile("hosting.conf", []byte(hosting))
	require.NoError(t, err)
	s, err := scope.Build(f.Body, scope.Options{Resolver: noDNS{}})
	require.NoError(t, err)
	inv, err := resolve.Groups(s)
	require.NoError(t, err)
	got := map[string]resolve.Exposure{}
	for _, e := range inv.Audit(s, nil) {
		got[e.Path] = e
	}
	require.Len(t, got, 3, "bob, joe and ann are exposed; zed (no FileInfo) and other (literal group) are not")
	bob := got["/home/bob/public_html"]
	assert.Equal(t, "PROCESS_GROUP", bob.Variable)
	assert.Equal(t, []string{"bob:1", "bob:2"}, bob.Reachable)
	assert.Equal(t, []string{"default", "joe:1"}, bob.Rejected)
	assert.Equal(t, 11, bob.Restrict.Position.Line)
	joe := got["/home/joe/public_html"]
	assert.Nil(t, joe.Restrict)
	assert.Equal(t, []string{"bob:1", "bob:2", "default", "joe:1"}, joe.Reachable, "without WSGIRestrictProcess joe can run code as bob")
	assert.Empty(t, joe.Rejected)
	ann := got["/home/ann/public_html"]
	assert.Equal(t, []string{"setenvif"}, ann.Setters, "AllowOverrideList alone opens SetEnvIf")
	assert.Nil(t, ann.AllowOverride)
	assert.Empty(t, ann.Reachable, "only embedded mode (%{GLOBAL}) is admitted")
}
