package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// copyTree copies a directory, symbolic links as links (Debian enables
// sites and confs with them).
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, to)
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	require.NoError(t, err)
	return dst
}

// snapshot reads every regular file under dir, by relative path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(b)
		return err
	}))
	return out
}

// The operations a configuration-management run makes on Debian's stock
// tree: harden the banner, add a site with a directory and a header.
var debianOps = []string{
	"-e", "set ServerTokens Prod",
	"-e", "set ServerSignature Off",
	"-e", "set VirtualHost[*:80][DocumentRoot=/var/www/html]/ServerAdmin ops@example.org",
	"-e", "set VirtualHost[*:80][ServerName=www.example.org]/DocumentRoot /srv/www",
	"-e", "set VirtualHost[*:80][ServerName=www.example.org]/Directory[/srv/www]/Require all granted",
	"-e", "set 'VirtualHost[*:80][ServerName=www.example.org]/IfModule[headers_module]/Header' always set X-Frame-Options DENY",
	"-e", "delete VirtualHost[*:80][ServerName=www.example.org]/Header always set X-Powered-By",
	"-e", "set IfModule[ssl_module]/Listen 8443",
	"-e", "set IfModule[mod_headers.c]/Header always set X-Content-Type-Options nosniff",
	"-e", "delete Directory[/usr/share]",
}

func TestEditDebian(t *testing.T) {
	dir := copyTree(t, "../../examples/debian")
	before := snapshot(t, dir)
	conf := []string{"-d", filepath.Join(dir, "etc/apache2"), "-f", "apache2.conf"}
	args := append(append([]string{"edit"}, conf...), debianOps...)

	code, out, errs := runCLI(append(args, "--check")...)
	assert.Equal(t, 1, code, "--check: something would change; %s", errs)
	assert.Empty(t, out)

	code, out, errs = runCLI(args...) // dry run: the diff, nothing written
	require.Equal(t, 0, code, errs)
	assert.Equal(t, before, snapshot(t, dir))
	golden(t, "edit-debian.golden", strings.ReplaceAll(out, dir, ""))

	code, _, errs = runCLI(append(args, "-w")...)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, errs, "wrote "+dir+"/etc/apache2/conf-enabled/security.conf")
	after := snapshot(t, dir)

	// Idempotent: a second run changes nothing, --check agrees.
	code, out, errs = runCLI(append(args, "-w", "--diff")...)
	require.Equal(t, 0, code, errs)
	assert.Empty(t, out)
	assert.NotContains(t, errs, "wrote")
	code, _, errs = runCLI(append(args, "--check")...)
	assert.Equal(t, 0, code, errs)
	assert.Equal(t, after, snapshot(t, dir))

	// Untouched files are identical, the link that enabled security.conf
	// is still a link, and the changed files differ only where the diff
	// says (it applies to the old bytes and gives the new: checked by the
	// golden diff's context lines).
	changed := map[string]bool{}
	for name := range before {
		if before[name] != after[name] {
			changed[name] = true
		}
	}
	assert.Equal(t, map[string]bool{
		"etc/apache2/apache2.conf":                     true,
		"etc/apache2/conf-available/security.conf":     true,
		"etc/apache2/ports.conf":                       true,
		"etc/apache2/sites-available/000-default.conf": true,
	}, changed)
	fi, err := os.Lstat(filepath.Join(dir, "etc/apache2/conf-enabled/security.conf"))
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&fs.ModeSymlink)

	// The real server accepts the result.
	if _, err := exec.LookPath("apache2"); err == nil {
		root := filepath.Join(dir, "etc/apache2")
		out, err := exec.Command("sh", "-c", `. "$1/envvars" && apache2 -t -d "$1" -f "$1/apache2.conf"`, "sh", root).CombinedOutput()
		assert.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), "Syntax OK")
	}
}

func TestEditIn(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "www.conf")
	// -f names no file: no main file tells the indentation step (the
	// machine's /etc/apache2 must not either).
	args := []string{"edit", "-f", filepath.Join(dir, "none.conf"), "--in", site, "-e", "set VirtualHost[*:80][ServerName=www.example.org]/DocumentRoot /srv/www", "-e", "set VirtualHost[*:80][ServerName=www.example.org]/SetEnv A 1", "-e", "set VirtualHost[*:80][ServerName=www.example.org]/SetEnv B 2"}
	code, _, errs := runCLI(append(args, "-w")...)
	require.Equal(t, 0, code, errs)
	b, err := os.ReadFile(site)
	require.NoError(t, err)
	assert.Equal(t, "<VirtualHost *:80>\n    ServerName www.example.org\n    DocumentRoot /srv/www\n    SetEnv A 1\n    SetEnv B 2\n</VirtualHost>\n", string(b))
	code, _, errs = runCLI(append(args, "--check")...)
	assert.Equal(t, 0, code, errs)
	code, out, errs := runCLI("edit", "--in", site, "delete", "VirtualHost[*:80]/SetEnv", "A")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "-    SetEnv A 1\n")
	assert.NotContains(t, out, "-    SetEnv B")
}

// A file --in creates is indented like the main file -f names.
func TestEditInIndent(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "apache2.conf")
	require.NoError(t, os.WriteFile(main, []byte("<Directory />\n\tRequire all denied\n</Directory>\n"), 0o644))
	site := filepath.Join(dir, "www.conf")
	code, out, errs := runCLI("edit", "-f", main, "--in", site, "set", "VirtualHost[*:80][ServerName=www.example.org]/DocumentRoot", "/srv/www")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "+<VirtualHost *:80>\n+\tServerName www.example.org\n+\tDocumentRoot /srv/www\n+</VirtualHost>\n")
}

func TestEditErrors(t *testing.T) {
	dir := copyTree(t, "../../examples/debian")
	conf := []string{"edit", "-d", filepath.Join(dir, "etc/apache2"), "-f", "apache2.conf"}
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"set", "Directory/Options", "None"}, "matches 4 sections"},
		{[]string{"set", "VirtualHost[ServerName=x]/DocumentRoot", "/x"}, "<VirtualHost> takes arguments"},
		{[]string{"set", "VirtualHost[*:80]"}, "is a section"},
		{[]string{"set", "ServerName"}, "no values"},
		{[]string{"frob", "ServerName"}, "unknown operation"},
		{[]string{"set", "Directory[/x/ServerName", "y"}, "unbalanced"},
		{[]string{"ensure", "ServerName"}, "not a section"},
	} {
		code, _, errs := runCLI(append(conf, tt.args...)...)
		assert.Equal(t, 2, code, "%v", tt.args)
		assert.Contains(t, errs, tt.msg, "%v", tt.args)
	}
}

// dump --json prints positions and files through the CLI's own types;
// the golden file holds it to what it printed before they moved.
func TestDumpJSON(t *testing.T) {
	wd, _ := os.Getwd()
	code, out, errs := runCLI("dump", "--json", "-d", filepath.Join(wd, "testdata/dump-missing"), "-f", "apache2.conf")
	assert.Equal(t, 1, code, errs)
	golden(t, "dump-json.golden", strings.ReplaceAll(out, wd, "@WD@"))
}

// Addresses come from the command line: any text is an error or an
// operation, never a panic.
func FuzzParseOp(f *testing.F) {
	for _, s := range []string{"VirtualHost[*:80][ServerName=www.example.org]/Directory[/srv/www]/Require", "Directory[/x/ServerName", "[]", "a[b]c", "/", "IfModule[!mod_ssl.c]/Listen"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		for _, verb := range []string{"set", "ensure", "delete"} {
			op, err := parseOp([]string{verb, addr, "v"})
			if err == nil && len(op.steps) == 0 {
				t.Fatalf("%q: no steps and no error", addr)
			}
		}
	})
}

// A configuration httpd refuses is still edited (that is how it gets
// fixed), and what httpd refuses is said on the command's stderr.
func TestEditBrokenConfig(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "apache2.conf")
	require.NoError(t, os.WriteFile(main, []byte("ServerName x\n</Directory>\n"), 0o644))
	code, out, errs := runCLI("edit", "-f", main, "-e", "set ServerName y", "-e", "set ServerAdmin a@example.org")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "+ServerName y\n")
	assert.Contains(t, out, "+ServerAdmin a@example.org\n")
	assert.Contains(t, errs, main+":2:1: </Directory> without matching <Directory> section")
}

// Operations of one run compose: what an earlier one adds a later one
// can delete; deleting a section between blank lines leaves one, with
// --in as without.
func TestEditOpsCompose(t *testing.T) {
	dir := copyTree(t, "../../examples/debian")
	conf := []string{"edit", "-d", filepath.Join(dir, "etc/apache2"), "-f", "apache2.conf"}
	code, out, errs := runCLI(append(conf, "-e", "ensure Directory[/srv/y]", "-e", "delete Directory[/srv/y]", "-e", "set ServerAdmin ops@example.org", "-e", "delete ServerAdmin")...)
	require.Equal(t, 0, code, errs)
	assert.Empty(t, out)

	site := filepath.Join(t.TempDir(), "site.conf")
	require.NoError(t, os.WriteFile(site, []byte("ServerName a\n\n<Directory /x>\n\tRequire all denied\n</Directory>\n\nServerAdmin b\n"), 0o644))
	code, _, errs = runCLI("edit", "-f", filepath.Join(dir, "none.conf"), "--in", site, "-w", "delete", "Directory[/x]")
	require.Equal(t, 0, code, errs)
	b, err := os.ReadFile(site)
	require.NoError(t, err)
	assert.Equal(t, "ServerName a\n\nServerAdmin b\n", string(b))
}

// A flag after the operation's words would be taken as a value (Go's
// flag parsing stops at the first operand): "set ServerAlias a -w"
// printed a diff adding the alias "-w" and wrote nothing, exit 0.
func TestEditFlagAfterOperation(t *testing.T) {
	dir := copyTree(t, "../../examples/debian")
	conf := []string{"edit", "-d", filepath.Join(dir, "etc/apache2"), "-f", "apache2.conf"}
	for _, flag := range []string{"-w", "--check", "-diff", "--force"} {
		code, out, errs := runCLI(append(conf, "set", "VirtualHost[*:80]/ServerAlias", "a.example", flag)...)
		assert.Equal(t, 2, code, flag)
		assert.Empty(t, out, flag)
		assert.Contains(t, errs, "flags go before the operation", flag)
	}
	// Values that merely start with '-' are values, -f and -d among them
	// (RewriteCond's tests).
	code, out, errs := runCLI(append(conf, "set", "Directory[/var/www/]/Options", "-Indexes")...)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "+\tOptions -Indexes\n")
	code, out, errs = runCLI(append(conf, "set", "IfModule[mod_rewrite.c]/RewriteCond", "%{REQUEST_FILENAME}", "-f")...)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "+\tRewriteCond %{REQUEST_FILENAME} -f\n")
}
