package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/parser"
)

// The package's analyzers run side by side, other analyzers one after
// another: copies of the analyzers (not the package's) must find exactly
// what the originals find, in the same order, on trees with .htaccess
// files, suppressions and findings of many rules (run with -race).
func TestParallelRunMatchesSequential(t *testing.T) {
	for _, dir := range []string{"../examples/hosting", "../examples/debian/etc/apache2", "../cmd/apacheconf/testdata/lint-site"} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			root, err := filepath.Abs(dir)
			require.NoError(t, err)
			main := filepath.Join(root, "apache2.conf")
			chroot := "/"
			if filepath.Base(dir) == "apache2" { // examples/debian: absolute paths under examples/debian
				chroot = filepath.Join(root, "..", "..")
			}
			l, lerr := parser.Load(os.DirFS("/"), main, parser.LoadOptions{ServerRoot: root, Env: os.LookupEnv})
			require.NotNil(t, l)
			analyzers, err := WithProfile("cis-2")
			require.NoError(t, err)
			var copies []*Analyzer
			for _, a := range analyzers {
				c := *a
				copies = append(copies, &c)
			}
			opts := ProgramOptions{FS: os.DirFS(chroot), Resolver: fixedResolver{}}
			want := Run(NewProgram(l.Body, lerr, opts), copies, Config{})
			require.NotEmpty(t, want)
			rules := map[string]bool{}
			for _, d := range want {
				rules[d.Rule] = true
			}
			t.Logf("%d findings of %d rules", len(want), len(rules))
			for i := 0; i < 4; i++ {
				require.Equal(t, want, Run(NewProgram(l.Body, lerr, opts), analyzers, Config{}))
			}
		})
	}
}

// The rules RunContext runs in parts (AC2006) or in groups sharing work
// (the directive rules' walk, the vhost names, the .htaccess searches'
// cache) find what each finds run alone, in the same order.
func TestParallelPartsAndGroupsMatchSequential(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	conf := `LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
LoadModule so_module /usr/lib/apache2/modules/mod_so.so
ServerName localhost
Listen 80
ServerTokens Full
ServerSignatur On
Require all granted
SSLEngine on
KeepAlive maybe
<Else>
    Require all denied
</Else>
<Directory>
</Directory>
<Directory DIR/www>
    AllowOverride All
    Options -FollowSymLinks
    ServerAlias nope.example
</Directory>
`
	for i := 0; i < 3; i++ {
		conf += fmt.Sprintf(`<VirtualHost *:80>
    ServerName site.example
    ServerAlias www%d.example
    DocumentRoot DIR/www/s%d
    RewriteEngine On
    RewriteRule ^ /index.html [L]
    RewriteRule ^/x /y
</VirtualHost>
`, i%2, i)
		write(fmt.Sprintf("www/s%d/.htaccess", i), "RewriteEngine On\nRewriteRule ^ - [L]\nRewriteRule ^x y\nListen 8080\n<IfModule\n")
		write(fmt.Sprintf("www/s%d/sub/.htaccess", i), "RewriteEngine On\nRewriteRule ^(.*)$ /b/$1 [R,L]\n")
	}
	write("apache2.conf", strings.ReplaceAll(conf, "DIR", dir))
	l, lerr := parser.Load(os.DirFS("/"), filepath.Join(dir, "apache2.conf"), parser.LoadOptions{ServerRoot: dir})
	require.NotNil(t, l)
	var copies []*Analyzer
	for _, a := range Analyzers() {
		c := *a
		copies = append(copies, &c)
	}
	opts := ProgramOptions{FS: os.DirFS("/"), Resolver: fixedResolver{}}
	want := Run(NewProgram(l.Body, lerr, opts), copies, Config{})
	rules := map[string]int{}
	for _, d := range want {
		rules[d.Rule]++
	}
	t.Log(rules)
	for _, id := range []string{"AC1001", "AC2001", "AC2002", "AC2003", "AC2004", "AC2005", "AC3001", "AC3002", "AC7004", "AC7005"} {
		require.NotZero(t, rules[id], id)
	}
	require.Greater(t, rules["AC2006"], 2) // of its parts: the files', the sections', the handlers' checks
	for i := 0; i < 4; i++ {
		require.Equal(t, want, Run(NewProgram(l.Body, lerr, opts), Analyzers(), Config{}))
	}
}
