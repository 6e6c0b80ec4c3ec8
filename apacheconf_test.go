package apacheconf_test

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf"
	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/parser"
)

// A configuration held in memory: the whole API over an fstest.MapFS.
var memFS = fstest.MapFS{
	"etc/apache2/apache2.conf": {Data: []byte(`ServerName main.example
Listen 80
WSGIDaemonProcess shared threads=1
IncludeOptional sites/*.conf
`)},
	"etc/apache2/sites/a.conf": {Data: []byte(`<VirtualHost *:80>
    ServerName a.example
    WSGIDaemonProcess a1 threads=1
    SetEnv PROCESS_GROUP a1
    WSGIProcessGroup %{ENV:PROCESS_GROUP}
    WSGIScriptAlias /app /srv/a/app.wsgi
    <Directory /srv/a>
        AllowOverride FileInfo
    </Directory>
</VirtualHost>
`)},
	"srv/a/app.wsgi": {Data: []byte("def application(e, s): pass\n")},
}

func TestAPI(t *testing.T) {
	ctx := context.Background()
	cfg, err := apacheconf.Load(ctx, memFS, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	require.NoError(t, err)
	require.Len(t, cfg.VirtualHosts(), 1)
	v := cfg.VirtualHosts()[0]
	assert.Equal(t, "a.example", v.ServerName)
	assert.Equal(t, "/etc/apache2/sites/a.conf:1:1", v.Pos().String())

	r := cfg.Explain(apacheconf.Request("a.example", "/app/x"))
	assert.Equal(t, "/srv/a/app.wsgi", r.Filename)
	assert.Equal(t, "/x", r.PathInfo)
	assert.Equal(t, 200, r.Status)

	d := cfg.Resolve(apacheconf.Request("a.example", "/app/x"))
	assert.Equal(t, "allowed", d.Verdict)
	assert.Equal(t, "a1", d.ProcessGroup)
	assert.Equal(t, "a.example|/app", d.ApplicationGroup)
	assert.Equal(t, []string{"a1", "shared"}, d.SelectableGroups)

	exp := cfg.Audit()
	require.Len(t, exp, 1, "/srv/a lets .htaccess pick the group")
	assert.Nil(t, exp[0].Restrict)

	var ids []string
	for _, f := range cfg.Lint(ctx, lint.Config{}) {
		ids = append(ids, f.Rule)
	}
	assert.Contains(t, ids, lint.WSGIEnvGroupSelection.ID)
}

func TestAPIErrors(t *testing.T) {
	bad := fstest.MapFS{"etc/apache2/apache2.conf": {Data: []byte("<VirtualHost *:80>\nServerName x\n")}}
	cfg, err := apacheconf.Load(context.Background(), bad, "apache2.conf", apacheconf.Options{})
	require.Error(t, err)
	require.NotNil(t, cfg, "what could be read is returned")
	var pe *parser.Error
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, 1, pe.Pos.Line)
	assert.Contains(t, pe.Msg, "was not closed")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = apacheconf.Load(ctx, bad, "apache2.conf", apacheconf.Options{})
	assert.ErrorIs(t, err, context.Canceled)
}
