package lint

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/scope"
)

// fakeTable stands in for the directive registry in unit tests only:
// three directives with the classes httpd gives them.
type fakeTable map[string]int

func (t fakeTable) Classes(name string) (int, bool, bool) {
	c, ok := t[strings.ToLower(name)]
	return c, ok && c != 0, ok
}

var testTable = fakeTable{"setenv": scope.OrFileInfo, "require": scope.OrAuthCfg, "wsgidaemonprocess": 0}

func TestHTAccessNotAllowed(t *testing.T) {
	conf := "<Directory /srv/u>\nAllowOverride AuthConfig\n</Directory>\n"
	cases := []ruleCase{
		{name: "class not admitted", conf: conf, files: map[string]string{"/srv/u/.htaccess": "Require valid-user\nSetEnv X 1\n"},
			want: []string{"/srv/u/.htaccess:2: SetEnv not allowed here: AllowOverride AuthConfig at site.conf:2:1 does not admit it; httpd answers 500 for /srv/u (needs AllowOverride FileInfo)"}},
		{name: "never in htaccess", conf: conf, files: map[string]string{"/srv/u/.htaccess": "WSGIDaemonProcess x\n"}, want: []string{"/srv/u/.htaccess:1: WSGIDaemonProcess not allowed here: it is never allowed"}},
		{name: "unknown", conf: conf, files: map[string]string{"/srv/u/.htaccess": "Requier valid-user\n"}, want: []string{"/srv/u/.htaccess:1: Invalid command 'Requier'"}},
		{name: "list admits", conf: strings.Replace(conf, "AuthConfig", "AuthConfig\nAllowOverrideList SetEnv", 1), files: map[string]string{"/srv/u/.htaccess": "SetEnv X 1\n"}},
		{name: "nonfatal", conf: strings.Replace(conf, "AuthConfig", "AuthConfig Nonfatal=All", 1), files: map[string]string{"/srv/u/.htaccess": "SetEnv X 1\nRequier x\n"}},
		{name: "admitted", conf: conf, files: map[string]string{"/srv/u/.htaccess": "Require valid-user\n"}},
	}
	withTable := func(tc ruleCase) []Diagnostic {
		nodes, fsys, err := testLoad(tc.conf, tc.files)
		prog := NewProgram(nodes, err, ProgramOptions{FS: fsys, Resolver: fixedResolver{}, Directives: testTable})
		return Run(prog, []*Analyzer{HTAccessNotAllowed}, Config{})
	}
	runTableWith(t, HTAccessNotAllowed, cases, withTable)
}

// realWorldModules are the modules of a typical Debian server with the
// usual additions (rewrite, headers, expires, ssl) and no PHP module.
var realWorldModules = []string{"mpm_event", "authz_core", "authz_host", "authz_user", "authn_core", "authn_file", "auth_basic",
	"alias", "autoindex", "deflate", "dir", "env", "filter", "mime", "negotiation", "reqtimeout", "setenvif", "status",
	"rewrite", "headers", "expires", "ssl", "socache_shmcb"}

// htaccessFixtures are our own minimal .htaccess files in the styles web
// applications ship (testdata/htaccess): PHP, security-module and
// PageSpeed settings inside <IfModule> of modules the server does not
// load, which httpd skips.
func htaccessFixtures(t *testing.T) map[string]string {
	files, err := filepath.Glob("testdata/htaccess/*.htaccess")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		out[strings.TrimSuffix(filepath.Base(f), ".htaccess")] = string(b)
	}
	return out
}

func TestHTAccessRealWorldPatterns(t *testing.T) {
	var loads strings.Builder
	for _, m := range realWorldModules {
		fmt.Fprintf(&loads, "LoadModule %s_module /usr/lib/apache2/modules/mod_%s.so\n", m, m)
	}
	conf := loads.String() + "<Directory /www>\nAllowOverride All\nRequire all granted\n</Directory>\n"
	files := map[string]string{}
	for name, src := range htaccessFixtures(t) {
		files["/www/"+name+"/.htaccess"] = src
		conf += "<Directory /www/" + name + ">\n</Directory>\n"
	}
	// With the registry generated from apache2: no finding, as httpd
	// serves every one of them (TestHTAccessFixturesServed).
	cases := []ruleCase{
		{name: "fixtures", conf: conf, files: files},
		{name: "php_value outside <IfModule>", conf: loads.String() + "<Directory /www/x>\nAllowOverride All\n</Directory>\n",
			files: map[string]string{"/www/x/.htaccess": "php_value memory_limit 512M\n"},
			want:  []string{"/www/x/.htaccess:1: Invalid command 'php_value'"}},
		{name: "negated <IfModule> of a module not loaded is read", conf: loads.String() + "<Directory /www/x>\nAllowOverride All\n</Directory>\n",
			files: map[string]string{"/www/x/.htaccess": "<IfModule !mod_php7.c>\nphp_flag engine off\n</IfModule>\n"},
			want:  []string{"/www/x/.htaccess:2: Invalid command 'php_flag'"}},
		{name: "a loaded module's body is judged", conf: loads.String() + "<Directory /www/x>\nAllowOverride AuthConfig\n</Directory>\n",
			files: map[string]string{"/www/x/.htaccess": "<IfModule mod_rewrite.c>\nRewriteEngine On\n</IfModule>\n"},
			want:  []string{"/www/x/.htaccess:2: RewriteEngine not allowed here"}},
		{name: "an argument check in .htaccess", conf: loads.String() + "<Directory /www/x>\nAllowOverride All\n</Directory>\n",
			files: map[string]string{"/www/x/.htaccess": "RewriteEngine\n"},
			want:  []string{"/www/x/.htaccess:1: RewriteEngine must be On or Off: httpd answers 500"}},
	}
	generated := func(tc ruleCase) []Diagnostic {
		nodes, fsys, err := testLoad(tc.conf, tc.files)
		return Run(NewProgram(nodes, err, ProgramOptions{FS: fsys, Resolver: fixedResolver{}}), []*Analyzer{HTAccessNotAllowed}, Config{})
	}
	runTableWith(t, HTAccessNotAllowed, cases, generated)
}

// The real server serves every fixture (no 500) with the same modules
// and AllowOverride All: what TestHTAccessRealWorldPatterns expects.
func TestHTAccessFixturesServed(t *testing.T) {
	if testing.Short() {
		t.Skip("starts apache2")
	}
	bin, err := exec.LookPath("apache2")
	if err != nil {
		t.Skip("apache2 is not installed")
	}
	if os.Geteuid() != 0 {
		t.Skip("starts apache2 as root (User/Group)")
	}
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o755))
	www := filepath.Join(dir, "www")
	fixtures := htaccessFixtures(t)
	for name, src := range fixtures {
		d := filepath.Join(www, name)
		require.NoError(t, os.MkdirAll(d, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(d, ".htaccess"), []byte(src), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(d, "index.html"), []byte("hi\n"), 0o644))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	var conf strings.Builder
	fmt.Fprintf(&conf, "ServerRoot %s\nServerName localhost\nListen 127.0.0.1:%d\nPidFile %s/pid\nErrorLog %s/error.log\nUser nobody\nGroup nogroup\nTypesConfig /etc/mime.types\n",
		dir, port, dir, dir)
	for _, m := range realWorldModules {
		b, err := os.ReadFile("/etc/apache2/mods-available/" + m + ".load")
		require.NoError(t, err)
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); strings.HasPrefix(l, "LoadModule") {
				conf.WriteString(l + "\n")
			}
		}
	}
	fmt.Fprintf(&conf, "DocumentRoot %s\n<Directory %s>\nAllowOverride All\nRequire all granted\n</Directory>\n", www, www)
	cf := filepath.Join(dir, "httpd.conf")
	require.NoError(t, os.WriteFile(cf, []byte(conf.String()), 0o644))
	cmd := exec.Command(bin, "-f", cf, "-DFOREGROUND")
	require.NoError(t, cmd.Start())
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := client.Get(base + "/"); err == nil {
			resp.Body.Close()
			break
		}
		require.Less(t, time.Since(start), 10*time.Second, "apache2 did not start")
	}
	for name := range fixtures {
		resp, err := client.Get(base + "/" + name + "/index.html")
		require.NoError(t, err)
		resp.Body.Close()
		assert.NotEqual(t, http.StatusInternalServerError, resp.StatusCode, name)
	}
}
