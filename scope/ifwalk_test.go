package scope

import (
	"net/netip"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An <If> the engine cannot evaluate (the time of the request) leaves
// the answer undecided only when the answer depends on it: the request
// runs with the condition true and false, and a difference makes the
// status 0 with the section named.
func TestUndecidedIfSettled(t *testing.T) {
	fsys := fstest.MapFS{"srv/www/.env": {Data: []byte("x")}, "srv/www/index.html": {Data: []byte("x")}}
	s := moduleServer(t, `DocumentRoot /srv/www
<Directory /srv/www>
  Require all granted
</Directory>
<If "%{TIME_HOUR} -lt 6 && %{REQUEST_URI} =~ m#/\.#">
  Require all denied
</If>
<If "%{TIME_HOUR} -lt 6">
  Options -Indexes
</If>
<ElseIf "%{REQUEST_URI} == '/x'">
  Require all denied
</ElseIf>
`)
	req := func(path string) Request {
		return Request{Addr: netip.MustParseAddr("127.0.0.1"), Remote: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: path}
	}
	res := s.Request(req("/.env"), RequestOptions{FS: fsys})
	assert.Equal(t, 0, res.Status, res.Reason)
	assert.Contains(t, res.Reason, "t.conf:5")
	assert.Contains(t, res.Reason, "%{TIME_HOUR} is the time of the request")

	// The first <If> is false whatever the hour (&& short-circuits on the
	// URI); the second only sets Options: the answer does not depend on it.
	res = s.Request(req("/index.html"), RequestOptions{FS: fsys})
	assert.Equal(t, 200, res.Status, res.Reason)
	assert.Contains(t, res.Reason, "the same whatever the undecided")

	// The <ElseIf> is reached only when the hour is 6 or later.
	res = s.Request(req("/x"), RequestOptions{FS: fsys})
	assert.Equal(t, 0, res.Status, res.Reason)
}

// An undecidable Require expr decides nothing, but a <RequireAny> that
// another line grants (a <RequireAll> another line denies) is decided.
func TestUndecidedRequireExpr(t *testing.T) {
	fsys := fstest.MapFS{"srv/www/a/x": {Data: []byte("x")}, "srv/www/b/x": {Data: []byte("x")}, "srv/www/c/x": {Data: []byte("x")}}
	s := moduleServer(t, `DocumentRoot /srv/www
<Directory /srv/www/a>
  Require expr "%{TIME_HOUR} -lt 6"
  Require ip 127.0.0.1
</Directory>
<Directory /srv/www/b>
  <RequireAll>
    Require expr "%{TIME_HOUR} -lt 6"
    Require ip 10.0.0.1
  </RequireAll>
</Directory>
<Directory /srv/www/c>
  Require expr "%{TIME_HOUR} -lt 6"
</Directory>
`)
	req := func(path string) Request {
		return Request{Addr: netip.MustParseAddr("127.0.0.1"), Remote: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: path}
	}
	assert.Equal(t, 200, s.Request(req("/a/x"), RequestOptions{FS: fsys}).Status)
	assert.Equal(t, 403, s.Request(req("/b/x"), RequestOptions{FS: fsys}).Status)
	res := s.Request(req("/c/x"), RequestOptions{FS: fsys})
	assert.Equal(t, 0, res.Status)
	require.Len(t, res.Undecided, 1)
	assert.Equal(t, 13, res.Undecided[0].Pos().Line)
}
