package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/audit"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// hostingConf has a protected vhost, an unprotected one whose Alias
// target lies outside the protected tree, and a half-protected one
// (an exact-name FilesMatch: .env.local slips through).
const hostingConf = `LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule authz_host_module /usr/lib/apache2/modules/mod_authz_host.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule autoindex_module /usr/lib/apache2/modules/mod_autoindex.so
LoadModule status_module /usr/lib/apache2/modules/mod_status.so
Listen 80
TraceEnable Off
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory /srv>
  Require all granted
</Directory>
<VirtualHost *:80>
  ServerName safe.example
  DocumentRoot /srv/safe
  <DirectoryMatch "/\.(git|svn|hg|bzr)">
    Require all denied
  </DirectoryMatch>
  <FilesMatch "(^\.|~$|\.(bak|orig|sql|swp|php|cgi|lock|json)$)">
    Require all denied
  </FilesMatch>
  <Location /server-status>
    SetHandler server-status
    Require local
  </Location>
</VirtualHost>
<VirtualHost *:80>
  ServerName open.example
  ServerAlias www.open.example
  DocumentRoot /srv/open
  Alias /static/ /opt/static/
  <Directory /opt/static>
    Options +Indexes
    Require all granted
  </Directory>
  <Location /status>
    SetHandler server-status
  </Location>
</VirtualHost>
<VirtualHost *:80>
  ServerName half.example
  DocumentRoot /srv/half
  <FilesMatch "^\.(htaccess|htpasswd|env)$">
    Require all denied
  </FilesMatch>
</VirtualHost>
`

func load(t *testing.T, conf string) (*scope.Server, fstest.MapFS) {
	t.Helper()
	fsys := fstest.MapFS{
		"etc/apache2/apache2.conf": {Data: []byte(conf)},
		"srv/safe/index.html":      {Data: []byte("safe")},
		"srv/open/index.html":      {Data: []byte("open")},
		"srv/half/index.html":      {Data: []byte("half")},
		"opt/static/logo.png":      {Data: []byte("png")},
	}
	for _, m := range []string{"authz_core", "authz_host", "alias", "dir", "autoindex", "status", "rewrite"} {
		fsys["usr/lib/apache2/modules/mod_"+m+".so"] = &fstest.MapFile{}
	}
	loaded, err := parser.Load(fsys, "/etc/apache2/apache2.conf", parser.LoadOptions{ServerRoot: "/etc/apache2"})
	require.NoError(t, err)
	s, err := scope.Build(loaded.Body, scope.Options{Resolver: fixedResolver{}})
	require.NoError(t, err)
	return s, fsys
}

type fixedResolver struct{}

func (fixedResolver) LookupHost(string) ([]netip.Addr, error) { return nil, nil }
func (fixedResolver) LookupAddr(netip.Addr) (string, error)   { return "", nil }
func (fixedResolver) LocalHost() string                       { return "localhost" }

func run(t *testing.T) *audit.Report {
	s, fsys := load(t, hostingConf)
	rep, err := audit.Run(context.Background(), s, audit.Options{FS: fsys})
	require.NoError(t, err)
	return rep
}

// cell finds the answers of one target (by label prefix) and probe.
func cell(rep *audit.Report, target, probe string) []audit.Answer {
	var out []audit.Answer
	for _, a := range rep.Answers {
		if strings.HasPrefix(rep.Targets[a.Target].Label, target) && a.Probe == probe {
			out = append(out, a)
		}
	}
	return out
}

func exposedURLs(as []audit.Answer) []string {
	out := []string{}
	for _, a := range as {
		if a.Exposed {
			out = append(out, a.URL)
		}
	}
	return out
}

func TestRun(t *testing.T) {
	rep := run(t)
	var labels []string
	for _, tg := range rep.Targets {
		labels = append(labels, tg.Label+" -> "+tg.Server)
	}
	assert.Equal(t, []string{
		"safe.example on *:80 -> safe.example",
		"open.example on *:80 -> open.example",
		"www.open.example on *:80 -> open.example",
		"half.example on *:80 -> half.example",
		"default server of *:80 -> safe.example",
	}, labels)

	tests := []struct {
		target, probe string
		exposed       []string
	}{
		{"safe.example", "git-config", []string{}},
		{"safe.example", "env-local", []string{}},
		{"safe.example", "server-status", []string{}}, // Require local, probed from the Internet
		{"open.example", "git-config", []string{"/.git/config", "/static/.git/config"}},
		{"open.example", "listing", []string{"/static/uploads/"}},
		{"open.example", "server-status", []string{"/status"}},
		{"half.example", "env", []string{}},
		{"half.example", "env-local", []string{"/.env.local"}},
		{"half.example", "htpasswd", []string{}},
		{"half.example", "git-head", []string{"/.git/HEAD"}},
		{"half.example", "trace", []string{}}, // TraceEnable Off in the main server
		{"default server", "git-config", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.target+"/"+tt.probe, func(t *testing.T) {
			as := cell(rep, tt.target, tt.probe)
			require.NotEmpty(t, as)
			assert.Equal(t, tt.exposed, exposedURLs(as))
		})
	}
	// An exposure names the directives that decided it and a fix.
	a := cell(rep, "open.example", "git-config")[1]
	assert.Equal(t, 200, a.Status)
	assert.Equal(t, "default-handler", a.Handler)
	assert.Equal(t, "/opt/static/.git/config", a.File)
	assert.NotEmpty(t, a.Fix)
	var trace []string
	for _, s := range a.Trace {
		trace = append(trace, s.What)
	}
	assert.Contains(t, trace, "mapping: Alias /static/ /opt/static/ -> /opt/static/.git/config")
	assert.Contains(t, trace, "directory: <Directory /opt/static>")
}

func TestWriters(t *testing.T) {
	rep := run(t)
	for _, f := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"hosting.txt", func(b *bytes.Buffer) error { return rep.WriteText(b) }},
		{"hosting.sarif", func(b *bytes.Buffer) error { return rep.WriteSARIF(b) }},
	} {
		t.Run(f.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, f.write(&b))
			golden := filepath.Join("testdata", f.name)
			if *update {
				require.NoError(t, os.WriteFile(golden, b.Bytes(), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), b.String())
			if strings.HasSuffix(f.name, "sarif") {
				assert.True(t, json.Valid(b.Bytes()))
			}
		})
	}
}

// The JSON form carries every answer, exposed or not, with its trace.
func TestWriteJSON(t *testing.T) {
	rep := run(t)
	var b bytes.Buffer
	require.NoError(t, rep.WriteJSON(&b))
	var got struct {
		Targets []struct{ Label string }
		Probes  []struct{ ID string }
		Answers []struct {
			Target  int
			Probe   string
			Status  int
			Exposed bool
			Trace   []struct{ What, At string }
		}
		Exposed int
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &got))
	assert.Len(t, got.Targets, len(rep.Targets))
	assert.Len(t, got.Probes, len(audit.Catalogue()))
	assert.Len(t, got.Answers, len(rep.Answers))
	assert.Equal(t, len(rep.Exposures()), got.Exposed)
	for _, a := range got.Answers {
		assert.NotEmpty(t, a.Trace, "%s of target %d has no trace", a.Probe, a.Target)
	}
}

// The method probes are judged from the configuration; this one is the
// configuration of the recorded case probe-trace-main-vs-vhost
// (conformance/probes), where the real server answered TRACE with 405
// (inherit, and the main server), 200 (reenable, allow) and 403
// (rewrite).
func TestTraceAgainstRecorded(t *testing.T) {
	conf := `LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
Listen 80
TraceEnable off
<Directory />
  Require all granted
</Directory>
<VirtualHost *:80>
  ServerName inherit.example
  DocumentRoot /srv/a
</VirtualHost>
<VirtualHost *:80>
  ServerName reenable.example
  DocumentRoot /srv/a
  TraceEnable on
</VirtualHost>
<VirtualHost *:80>
  ServerName rewrite.example
  DocumentRoot /srv/a
  TraceEnable on
  RewriteEngine On
  RewriteCond %{REQUEST_METHOD} ^TRACE
  RewriteRule ^ - [F]
</VirtualHost>
<VirtualHost *:80>
  ServerName allow.example
  DocumentRoot /srv/a
  TraceEnable on
  <Location />
    Require method GET POST
  </Location>
</VirtualHost>
`
	s, fsys := load(t, conf)
	rep, err := audit.Run(context.Background(), s, audit.Options{FS: fsys})
	require.NoError(t, err)
	want := map[string]int{"inherit.example": 405, "reenable.example": 200, "rewrite.example": 403, "allow.example": 200}
	for host, status := range want {
		as := cell(rep, host+" on", "trace")
		require.Len(t, as, 1, host)
		assert.Equal(t, status, as[0].Status, host)
		assert.Equal(t, status == 200, as[0].Exposed, host)
	}
}

// Servers keeps one customer's virtual host: its names, and the default
// server of an address when that is the customer's.
func TestRunServers(t *testing.T) {
	s, fsys := load(t, hostingConf)
	rep, err := audit.Run(context.Background(), s, audit.Options{FS: fsys, Servers: []string{"WWW.open.example"}})
	require.NoError(t, err)
	var labels []string
	for _, tg := range rep.Targets {
		labels = append(labels, tg.Label)
	}
	assert.Equal(t, []string{"open.example on *:80", "www.open.example on *:80"}, labels)
	rep, err = audit.Run(context.Background(), s, audit.Options{FS: fsys, Servers: []string{"safe.example"}})
	require.NoError(t, err)
	labels = nil
	for _, tg := range rep.Targets {
		labels = append(labels, tg.Label)
	}
	assert.Equal(t, []string{"safe.example on *:80", "default server of *:80"}, labels)
}
