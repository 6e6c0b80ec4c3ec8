package scope_test

import (
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

// The messages are apache2 -t's (2.4.71), each checked by hand against
// the server on the same lines.
func TestCheckFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"srv/www/index.html":        {Data: []byte("x")},
		"var/log/apache2/.keep":     {Data: nil},
		"usr/lib/apache2/mod_a.so":  {Data: []byte("elf")},
		"etc/apache2/run/.keep":     {Data: nil},
		"etc/apache2/logs/.keep":    {Data: nil},
		"etc/apache2/mods/mod_b.so": {Data: []byte("elf")},
	}
	tests := []struct {
		name           string
		src            string
		logs           bool
		errs, warnings []string
	}{
		{"clean", "LoadModule a_module /usr/lib/apache2/mod_a.so\nLoadModule b_module mods/mod_b.so\nDefaultRuntimeDir run\nDocumentRoot /srv/www\nErrorLog /var/log/apache2/error.log\n", true, nil, nil},
		{"module file missing", "LoadModule c_module /usr/lib/apache2/mod_c.so\n", false,
			[]string{"t.conf:1:1: Cannot load /usr/lib/apache2/mod_c.so into server: /usr/lib/apache2/mod_c.so: cannot open shared object file: No such file or directory"}, nil},
		{"built-in module", "LoadModule log_config_module /usr/lib/apache2/mod_a.so\n", false,
			[]string{"t.conf:1:1: module log_config_module is built-in and can't be loaded"}, nil},
		{"loaded twice", "LoadModule a_module /usr/lib/apache2/mod_a.so\nLoadModule a_module /nowhere.so\n", false,
			nil, []string{"t.conf:2:1: module a_module is already loaded, skipping"}},
		{"runtime dir", "DefaultRuntimeDir /nowhere\n", false,
			[]string{"t.conf:1:1: DefaultRuntimeDir must be a valid directory, absolute or relative to ServerRoot"}, nil},
		{"main document root", "DocumentRoot /srv/nowhere\n", false,
			[]string{"t.conf:1:1: DocumentRoot '/srv/nowhere' is not a directory, or is not readable"}, nil},
		{"vhost document root warns", "<VirtualHost *:80>\nDocumentRoot /srv/nowhere\n</VirtualHost>\n", false,
			nil, []string{"t.conf:2:1: Warning: DocumentRoot [/srv/nowhere] does not exist"}},
		{"log directories", "ErrorLog /nowhere/error.log\nCustomLog \"|/usr/bin/rotatelogs x\" c\n<VirtualHost *:80>\nErrorLog syslog:local1\nCustomLog logs2/a.log combined\n</VirtualHost>\n", true,
			[]string{"t.conf:1:1: Cannot access directory '/nowhere/' for main error log",
				"t.conf:5:1: Cannot access directory '/etc/apache2/logs2/' for log file 'logs2/a.log' defined at t.conf:5"}, nil},
		{"vhost error log", "ErrorLog /var/log/apache2/e.log\n<VirtualHost *:80>\nErrorLog /nowhere/e.log\n</VirtualHost>\n", true,
			[]string{"t.conf:3:1: Cannot access directory '/nowhere/' for error log of vhost defined at t.conf:2"}, nil},
		{"default error log", "ServerName a\n", true, nil, nil},
		{"logs only after a clean read", "DocumentRoot /srv/nowhere\nErrorLog /nowhere/e.log\n", true,
			[]string{"t.conf:1:1: DocumentRoot '/srv/nowhere' is not a directory, or is not readable"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parser.ParseFile("t.conf", []byte(tt.src))
			require.NoError(t, err)
			s, err := scope.Build(f.Body, scope.Options{Resolver: fixedResolver{}})
			require.NoError(t, err)
			fc := s.CheckFiles(fsys, "/etc/apache2")
			errs := fc.Errors
			if tt.logs && len(errs) == 0 {
				errs = fc.LogDirs()
			}
			assert.Equal(t, tt.errs, strs(errs), "errors")
			assert.Equal(t, tt.warnings, strs(fc.Warnings), "warnings")
		})
	}
	// Without logs/ under ServerRoot the default ErrorLog cannot be opened.
	f, _ := parser.ParseFile("t.conf", []byte("ServerName a\n"))
	s, err := scope.Build(f.Body, scope.Options{Resolver: fixedResolver{}})
	require.NoError(t, err)
	assert.Equal(t, []string{"-: Cannot access directory '/srv/logs/' for main error log"}, strs(s.CheckFiles(fsys, "/srv").LogDirs()))
}

func strs(ps []scope.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

// knownDirs is a DirStatFS that answers from its list alone.
type knownDirs struct {
	fstest.MapFS
	dirs  map[string]bool
	mu    sync.Mutex // CheckFiles asks from several goroutines
	asked []string
}

func (k *knownDirs) IsDir(name string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.asked = append(k.asked, name)
	return k.dirs[name]
}

// A DirStatFS is asked about the DocumentRoots (by io/fs path) instead
// of a stat: its answer decides, both ways.
func TestCheckFilesAsksDirStatFS(t *testing.T) {
	f, err := parser.ParseFile("t.conf", []byte("DocumentRoot /srv/www\n<VirtualHost *:80>\nDocumentRoot /srv/listed/\n</VirtualHost>\n"))
	require.NoError(t, err)
	s, err := scope.Build(f.Body, scope.Options{Resolver: fixedResolver{}})
	require.NoError(t, err)
	// /srv/www is there but not listed as a directory; /srv/listed is
	// not there but listed.
	fsys := &knownDirs{MapFS: fstest.MapFS{"srv/www/index.html": {Data: []byte("x")}}, dirs: map[string]bool{"srv/listed": true}}
	fc := s.CheckFiles(fsys, "/etc/apache2")
	assert.ElementsMatch(t, []string{"srv/www", "srv/listed"}, fsys.asked)
	assert.Equal(t, []string{"t.conf:1:1: DocumentRoot '/srv/www' is not a directory, or is not readable"}, strs(fc.Errors))
	assert.Empty(t, fc.Warnings)
}
