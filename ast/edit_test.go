package ast_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

var updateEdits = flag.Bool("update", false, "rewrite testdata/edits/*.diff")

// edits are changes a configuration-management tool makes to Debian's
// stock files (relative to /etc/apache2).
var edits = []struct {
	name string
	file string
	edit func(f *ast.File)
}{
	{"listen-port", "ports.conf", func(f *ast.File) { ast.Find(f, "Listen")[0].SetArgs("8080") }},
	{"listen-add", "ports.conf", func(f *ast.File) { ast.Ensure(f, "Listen", "8081") }},
	{"listen-add-in-ifmodule", "ports.conf", func(f *ast.File) {
		ast.Ensure(ast.FindSection(f, "IfModule", "ssl_module"), "Listen", "8443")
	}},
	{"timeout", "apache2.conf", func(f *ast.File) { ast.Set(f, "Timeout", "60") }},
	{"keepalive-off", "apache2.conf", func(f *ast.File) { ast.Set(f, "KeepAlive", "Off") }},
	{"keepalive-max", "apache2.conf", func(f *ast.File) { ast.Set(f, "MaxKeepAliveRequests", "200") }},
	{"remove-hostnamelookups", "apache2.conf", func(f *ast.File) { ast.RemoveAll(f, "HostnameLookups") }},
	{"servername-global", "apache2.conf", func(f *ast.File) { ast.Set(f, "ServerName", "www.example.org") }},
	{"var-www-allowoverride", "apache2.conf", func(f *ast.File) {
		ast.Set(ast.FindSection(f, "Directory", "/var/www/"), "AllowOverride", "FileInfo", "AuthConfig")
	}},
	{"var-www-options", "apache2.conf", func(f *ast.File) {
		ast.Set(ast.FindSection(f, "Directory", "/var/www/"), "Options", "FollowSymLinks")
	}},
	{"var-www-require-ip", "apache2.conf", func(f *ast.File) {
		ast.Set(ast.FindSection(f, "Directory", "/var/www/"), "Require", "ip", "10.0.0.0/8")
	}},
	{"new-directory-section", "apache2.conf", func(f *ast.File) {
		s := ast.EnsureSection(f, "Directory", "/srv/app")
		ast.Set(s, "Options", "None")
		ast.Set(s, "AllowOverride", "None")
		ast.Set(s, "Require", "all", "granted")
	}},
	{"logformat-edit-keeps-quotes", "apache2.conf", func(f *ast.File) {
		for _, d := range ast.Find(f, "LogFormat") {
			if d.Values()[1] == "common" {
				d.SetArgs(`%h %l %u %t "%r" %>s %O %D`, "common")
			}
		}
	}},
	{"comment-before-include", "apache2.conf", func(f *ast.File) {
		ast.EnsureComment(f, ast.Find(f, "IncludeOptional")[0], "managed by apacheconf")
	}},
	{"security-servertokens", "conf-available/security.conf", func(f *ast.File) { ast.Set(f, "ServerTokens", "Prod") }},
	{"security-signature", "conf-available/security.conf", func(f *ast.File) { ast.Set(f, "ServerSignature", "Off") }},
	{"security-trace", "conf-available/security.conf", func(f *ast.File) { ast.Set(f, "TraceEnable", "extended") }},
	{"vhost-serveradmin", "sites-available/000-default.conf", func(f *ast.File) {
		ast.Set(ast.FindSection(f, "VirtualHost"), "ServerAdmin", "ops@example.org")
	}},
	{"vhost-documentroot-with-space", "sites-available/000-default.conf", func(f *ast.File) {
		ast.Set(ast.FindSection(f, "VirtualHost"), "DocumentRoot", "/var/www/my site")
	}},
	{"vhost-servername", "sites-available/000-default.conf", func(f *ast.File) {
		ast.Set(ast.FindSection(f, "VirtualHost"), "ServerName", "www.example.org")
	}},
	{"vhost-serveralias", "sites-available/000-default.conf", func(f *ast.File) {
		ast.Ensure(ast.FindSection(f, "VirtualHost"), "ServerAlias", "example.org", "*.example.org")
	}},
	{"vhost-port", "sites-available/000-default.conf", func(f *ast.File) {
		ast.FindSection(f, "VirtualHost").Args[0].Value = "*:8080"
	}},
	{"vhost-wsgi-daemon", "sites-available/000-default.conf", func(f *ast.File) {
		v := ast.FindSection(f, "VirtualHost")
		ast.Ensure(v, "WSGIDaemonProcess", "site", "user=www-data", "group=www-data", "threads=15")
		ast.Set(v, "WSGIProcessGroup", "site")
	}},
	{"vhost-wsgi-restrict-directory", "sites-available/000-default.conf", func(f *ast.File) {
		d := ast.EnsureSection(ast.FindSection(f, "VirtualHost"), "Directory", "/var/www/html")
		ast.Set(d, "WSGIRestrictProcess", "site")
	}},
	{"vhost-remove-errorlog", "sites-available/000-default.conf", func(f *ast.File) {
		ast.RemoveAll(ast.FindSection(f, "VirtualHost"), "ErrorLog")
	}},
	{"vhost-location", "sites-available/000-default.conf", func(f *ast.File) {
		l := ast.EnsureSection(ast.FindSection(f, "VirtualHost"), "Location", "/server-status")
		ast.Set(l, "SetHandler", "server-status")
		ast.Set(l, "Require", "local")
	}},
	{"ssl-protocol", "sites-available/default-ssl.conf", func(f *ast.File) {
		v := ast.FindAll(f, "VirtualHost")[0]
		ast.Set(v, "SSLProtocol", "-all", "+TLSv1.2", "+TLSv1.3")
	}},
	{"ssl-ca-certificate", "sites-available/default-ssl.conf", func(f *ast.File) {
		v := ast.FindAll(f, "VirtualHost")[0]
		ast.Set(v, "SSLCACertificateFile", "/etc/ssl/certs/ca-certificates.crt")
	}},
	{"ssl-vhost-servername", "sites-available/default-ssl.conf", func(f *ast.File) {
		ast.Set(ast.FindAll(f, "VirtualHost")[0], "ServerName", "secure.example.org")
	}},
	{"mpm-event-workers", "mods-available/mpm_event.conf", func(f *ast.File) {
		ast.Set(f, "MaxRequestWorkers", "300")
		ast.Set(f, "ServerLimit", "12")
	}},
	{"dir-index-order", "mods-available/dir.conf", func(f *ast.File) {
		ast.Set(f, "DirectoryIndex", "index.html", "index.wsgi")
	}},
	{"charset-default", "conf-available/charset.conf", func(f *ast.File) { ast.Set(f, "AddDefaultCharset", "UTF-8") }},
	{"wsgi-module-settings", "mods-available/wsgi.conf", func(f *ast.File) {
		s := ast.FindSection(f, "IfModule", "mod_wsgi.c")
		ast.Set(s, "WSGIRestrictEmbedded", "On")
	}},
}

// TestEdits applies each edit to a copy of Debian's file and checks the
// exact diff (golden), idempotence, that the result parses, and that the
// real apache2 accepts the edited tree.
func TestEdits(t *testing.T) {
	if _, err := os.Stat("/etc/apache2/apache2.conf"); err != nil {
		t.Skip("Debian's /etc/apache2 is absent: apt-get install apache2 libapache2-mod-wsgi-py3 to run this test")
	}
	require.GreaterOrEqual(t, len(edits), 30)
	_, lookErr := exec.LookPath("apache2")
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			path := filepath.Join("/etc/apache2", e.file)
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			f, err := parser.ParseFile(path, src)
			require.NoError(t, err)
			e.edit(f)
			once := print(t, f)
			e.edit(f)
			assert.Equal(t, once, print(t, f), "applying the edit twice changes nothing more")
			_, err = parser.ParseFile(path, []byte(once))
			require.NoError(t, err, "the edited file parses")
			diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: difflib.SplitLines(string(src)),
				B: difflib.SplitLines(once), FromFile: "a/" + e.file, ToFile: "b/" + e.file, Context: 1})
			require.NotEmpty(t, diff, "the edit changes the file")
			golden := filepath.Join("testdata", "edits", e.name+".diff")
			if *updateEdits {
				require.NoError(t, os.WriteFile(golden, []byte(diff), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./ast -run TestEdits -update")
			assert.Equal(t, string(want), diff)
			if lookErr == nil {
				assertApacheAccepts(t, e.file, once)
			}
		})
	}
}

// assertApacheAccepts copies /etc/apache2, writes the edited file into the
// copy (enabled), and runs apache2 -t on it with Debian's envvars.
func assertApacheAccepts(t *testing.T, file, content string) {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("cp", "-r", "/etc/apache2/.", dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644))
	// Enable what the edit touched, the way a2enmod/a2ensite/a2enconf would.
	for _, kind := range []string{"sites", "conf", "mods"} {
		if base, ok := strings.CutPrefix(file, kind+"-available/"); ok {
			_ = os.Remove(filepath.Join(dir, kind+"-enabled", base))
			require.NoError(t, os.Symlink(filepath.Join(dir, file), filepath.Join(dir, kind+"-enabled", base)))
			if kind == "sites" && strings.Contains(base, "ssl") {
				for _, m := range []string{"ssl.load", "ssl.conf", "socache_shmcb.load"} {
					_ = os.Symlink(filepath.Join(dir, "mods-available", m), filepath.Join(dir, "mods-enabled", m))
				}
			}
			if kind == "mods" && strings.HasPrefix(base, "wsgi") {
				_ = os.Symlink(filepath.Join(dir, "mods-available", "wsgi.load"), filepath.Join(dir, "mods-enabled", "wsgi.load"))
			}
		}
	}
	cmd := exec.Command("bash", "-c", `set -a; . /etc/apache2/envvars; exec apache2 -t -d "$1" -f "$1/apache2.conf"`, "x", dir)
	out, err = cmd.CombinedOutput()
	assert.NoError(t, err, "apache2 -t rejects the edited tree:\n%s", out)
}
