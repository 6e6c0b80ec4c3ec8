package apacheconf_test

import (
	"context"
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf"
	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/resolve"
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

	r, err := cfg.Explain(ctx, apacheconf.Request("a.example", "/app/x"))
	require.NoError(t, err)
	assert.Equal(t, "/srv/a/app.wsgi", r.Filename)
	assert.Equal(t, "/x", r.PathInfo)
	assert.Equal(t, 200, r.Status)

	d, err := cfg.Resolve(ctx, apacheconf.Request("a.example", "/app/x"))
	require.NoError(t, err)
	assert.Equal(t, resolve.Allowed, d.Verdict)
	assert.Equal(t, "a1", d.ProcessGroup)
	assert.Equal(t, "a.example|/app", d.ApplicationGroup)
	assert.Equal(t, []string{"a1", "shared"}, d.SelectableGroups)

	exp, err := cfg.Audit(ctx)
	require.NoError(t, err)
	require.Len(t, exp, 1, "/srv/a lets .htaccess pick the group")
	assert.Nil(t, exp[0].Restrict)

	var ids []string
	findings, err := cfg.Lint(ctx, lint.Config{})
	require.NoError(t, err)
	for _, f := range findings {
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

// A mistyped path must not pass silently: the error wraps the fs error,
// for the main file and for an Include (which has a position).
func TestLoadMissingFile(t *testing.T) {
	ctx := context.Background()
	_, err := apacheconf.Load(ctx, memFS, "/etc/apache2/apache2.cnf", apacheconf.Options{})
	require.Error(t, err)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), "Could not open configuration file /etc/apache2/apache2.cnf: No such file or directory")

	withInclude := fstest.MapFS{"etc/apache2/apache2.conf": {Data: []byte("ServerName x\nInclude sites/missing.conf\n")}}
	cfg, err := apacheconf.Load(ctx, withInclude, "apache2.conf", apacheconf.Options{})
	require.NotNil(t, cfg)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	var pe *parser.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "/etc/apache2/apache2.conf:2:1", pe.Pos.String())
	var pathErr *fs.PathError
	require.ErrorAs(t, err, &pathErr)
	assert.Equal(t, "etc/apache2/sites/missing.conf", pathErr.Path)
}

func TestContextCancelled(t *testing.T) {
	cfg, err := apacheconf.Load(context.Background(), memFS, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = cfg.Lint(ctx, lint.Config{})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = cfg.Explain(ctx, apacheconf.Request("a.example", "/app/x"))
	assert.ErrorIs(t, err, context.Canceled)
	_, err = cfg.Resolve(ctx, apacheconf.Request("a.example", "/app/x"))
	assert.ErrorIs(t, err, context.Canceled)
	_, err = cfg.Audit(ctx)
	assert.ErrorIs(t, err, context.Canceled)

	// A deadline that passes during the load stops it at the next file.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	slow := cancelOnOpen{FS: memFS, cancel: cancel, name: "etc/apache2/sites/a.conf"}
	_, err = apacheconf.Load(ctx, slow, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	assert.ErrorIs(t, err, context.Canceled)
}

// cancelOnOpen cancels a context when a file is opened.
type cancelOnOpen struct {
	fs.FS
	cancel func()
	name   string
}

func (c cancelOnOpen) Open(name string) (fs.File, error) {
	if name == c.name {
		c.cancel()
	}
	return c.FS.Open(name)
}

func TestLintConfig(t *testing.T) {
	ctx := context.Background()
	cfg, err := apacheconf.Load(ctx, memFS, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2", Resolver: noDNS{}})
	require.NoError(t, err)
	_, err = cfg.Lint(ctx, lint.Config{Disable: []string{"no-such-rule"}})
	assert.ErrorContains(t, err, "unknown rule")
	_, err = cfg.Lint(ctx, lint.Config{Defines: []string{"SSL"}})
	assert.ErrorContains(t, err, "Options.Defines")
	ds, err := cfg.Lint(ctx, lint.Config{Severity: map[string]lint.Severity{lint.WSGIEnvGroupSelection.Name: lint.Off}})
	require.NoError(t, err)
	for _, d := range ds {
		assert.NotEqual(t, lint.WSGIEnvGroupSelection.ID, d.Rule)
	}
}

// noDNS fails every lookup: Lint must use the servers Load built with it.
type noDNS struct{}

func (noDNS) LookupHost(string) ([]netip.Addr, error) { return nil, errors.New("no DNS here") }
func (noDNS) LookupAddr(netip.Addr) (string, error)   { return "", errors.New("no DNS here") }
func (noDNS) LocalHost() string                       { return "test.example" }

// Options.Chroot is the CLI's --chroot: the configuration from one place,
// the .htaccess files from a directory standing for "/".
func TestChroot(t *testing.T) {
	ctx := context.Background()
	content := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(content, "srv/a"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(content, "srv/a/app.wsgi"), []byte("x"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(content, "srv/a/.htaccess"), []byte("SetEnv PROCESS_GROUP shared\n"), 0o644))
	cfg, err := apacheconf.Load(ctx, memFS, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2", Chroot: content})
	require.NoError(t, err)
	d, err := cfg.Resolve(ctx, apacheconf.Request("a.example", "/app/x"))
	require.NoError(t, err)
	// Read from under Chroot: httpd answers 500, as mod_env is not loaded.
	assert.Equal(t, 500, d.Status)
	assert.Contains(t, d.Reason, "/srv/a/.htaccess: Invalid command 'SetEnv'")

	cfg, err = apacheconf.Load(ctx, memFS, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	require.NoError(t, err)
	d, err = cfg.Resolve(ctx, apacheconf.Request("a.example", "/app/x"))
	require.NoError(t, err)
	assert.Equal(t, 200, d.Status, "without Chroot, memFS has no .htaccess")
}

// fixedDNS resolves every name to 127.0.0.1.
type fixedDNS struct{}

func (fixedDNS) LookupHost(string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
}
func (fixedDNS) LookupAddr(netip.Addr) (string, error) { return "", errors.New("none") }
func (fixedDNS) LocalHost() string                     { return "test.example" }

// Lint reuses the servers Load built with Options.Resolver: a second
// build with the system's resolver would not resolve a .invalid name
// (RFC 2606) and report AH00547.
func TestLintReusesServers(t *testing.T) {
	fsys := fstest.MapFS{"etc/apache2/apache2.conf": {Data: []byte("ServerName main.example\nListen 80\n<VirtualHost www.example.invalid:80>\nServerName www.example\n</VirtualHost>\n")}}
	cfg, err := apacheconf.Load(context.Background(), fsys, "apache2.conf", apacheconf.Options{Resolver: fixedDNS{}})
	require.NoError(t, err)
	ds, err := cfg.Lint(context.Background(), lint.Config{})
	require.NoError(t, err)
	for _, d := range ds {
		assert.NotContains(t, d.Message, "Could not resolve host name")
	}
	cfg, err = apacheconf.Load(context.Background(), fsys, "apache2.conf", apacheconf.Options{Resolver: noDNS{}})
	require.NoError(t, err)
	ds, err = cfg.Lint(context.Background(), lint.Config{})
	require.NoError(t, err)
	require.NotEmpty(t, ds)
	assert.Contains(t, ds[len(ds)-1].Message, "AH00547: Could not resolve host name www.example.invalid:80")
}
