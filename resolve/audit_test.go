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
	assert.Equal(t, 11, bob.Restrict.Pos().Line)
	joe := got["/home/joe/public_html"]
	assert.Nil(t, joe.Restrict)
	assert.Equal(t, []string{"bob:1", "bob:2", "default", "joe:1"}, joe.Reachable, "without WSGIRestrictProcess joe can run code as bob")
	assert.Empty(t, joe.Rejected)
	ann := got["/home/ann/public_html"]
	assert.Equal(t, []string{"setenvif"}, ann.Setters, "AllowOverrideList alone opens SetEnvIf")
	assert.Nil(t, ann.AllowOverride)
	assert.Empty(t, ann.Reachable, "only embedded mode (%{GLOBAL}) is admitted")
}

// A WSGIProcessGroup %{ENV:...} of the main server (here in a
// <Directory>) reaches virtual hosts that name no group themselves; a
// server with none in reach is skipped, one in reach is not.
func TestAuditMainServerGroup(t *testing.T) {
	src := `WSGIDaemonProcess shared threads=1
<Directory /srv>
  WSGIProcessGroup %{ENV:GROUP}
  AllowOverride FileInfo
</Directory>
<VirtualHost *:80>
  ServerName a.example
  <Directory /srv/a>
    AllowOverride FileInfo
  </Directory>
</VirtualHost>
`
	f, err := parser.ParseFile("main.conf", []byte(src))
	require.NoError(t, err)
	s, err := scope.Build(f.Body, scope.Options{Resolver: noDNS{}})
	require.NoError(t, err)
	inv, err := resolve.Groups(s)
	require.NoError(t, err)
	var got []string
	for _, e := range inv.Audit(s, nil) {
		got = append(got, e.VHost.ServerName+" "+e.Path)
	}
	assert.Contains(t, got, "a.example /srv/a", "the vhost's directory inherits main's %%{ENV:GROUP}")
	assert.Contains(t, got, "a.example /srv")
}

type fakeAccounts map[string]int

func (f fakeAccounts) UserID(n string) (int, bool)  { id, ok := f[n]; return id, ok }
func (f fakeAccounts) GroupID(n string) (int, bool) { id, ok := f["g:"+n]; return id, ok }

func TestGroupsValidation(t *testing.T) {
	src := `WSGIDaemonProcess a user=bob group=bob threads=2
WSGIDaemonProcess b user=nobody-here
WSGIDaemonProcess c user=root
WSGIDaemonProcess d processes=0 frobnicate=1 threads
WSGIDaemonProcess a
WSGIDaemonProcess e group=nogroup-here umask=0999
`
	f, err := parser.ParseFile("g.conf", []byte(src))
	require.NoError(t, err)
	s, err := scope.Build(f.Body, scope.Options{Resolver: noDNS{}})
	require.NoError(t, err)
	_, err = resolve.GroupsWith(s, resolve.GroupOptions{Accounts: fakeAccounts{"bob": 1000, "g:bob": 1000, "root": 0}})
	var list parser.ErrorList
	require.ErrorAs(t, err, &list)
	var got []string
	for _, e := range list {
		got = append(got, e.Error())
	}
	assert.Equal(t, []string{
		"g.conf:2:21: bad user name nobody-here",
		"g.conf:3:21: WSGI process blocked from running as root.",
		"g.conf:4:21: Invalid process count for WSGI daemon process.",
		"g.conf:4:33: Invalid option to WSGI daemon process definition.",
		"g.conf:4:46: Invalid option to WSGI daemon process definition.",
		"g.conf:5:1: Name duplicates previous WSGI daemon definition.",
		"g.conf:6:21: bad group name nogroup-here",
		"g.conf:6:40: Invalid umask for WSGI daemon process.",
	}, got)
	inv, err := resolve.Groups(s)
	require.Error(t, err, "option errors are reported without accounts too")
	assert.Len(t, inv.Groups, 5, "the duplicate is not added")
}
