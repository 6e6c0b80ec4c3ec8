package scope_test

import (
	"net/netip"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

// .htaccess is checked as httpd reads it: every directive against the
// AllowOverride in force, its arguments, its module; the first problem is
// a 500 with httpd's message.
func TestHTAccessChecks(t *testing.T) {
	conf := `LoadModule mime_module m.so
LoadModule env_module e.so
LoadModule authz_core_module a.so
LoadModule wsgi_module w.so
Listen 80
ServerName main.example
DocumentRoot /srv
<Directory /srv>
  AllowOverride FileInfo
</Directory>
<Directory /srv/nonfatal>
  AllowOverride FileInfo Nonfatal=All
</Directory>
<Directory /srv/list>
  AllowOverride None
  AllowOverrideList SetEnv
</Directory>
`
	tests := []struct {
		name, htaccess string
		dir            string
		status         int
		reason         string
	}{
		{"admitted", "SetEnv A b\nAddHandler cgi-script .cgi\n", "/srv", 200, ""},
		{"class missing", "Options +Indexes\n", "/srv", 500, "Options not allowed here"},
		{"needs AuthConfig", "Require all denied\n", "/srv", 500, "Require not allowed here"},
		{"never in .htaccess", "WSGIProcessGroup g\n", "/srv", 500, "WSGIProcessGroup not allowed here"},
		{"argument count", "SetEnv\n", "/srv", 500, "SetEnv takes 1-2 arguments, an environment variable name and optional value to pass to CGI."},
		{"unknown", "SetEnvv A b\n", "/srv", 500, "Invalid command 'SetEnvv', perhaps misspelled or defined by a module not included in the server configuration"},
		{"module not loaded", "RewriteEngine On\n", "/srv", 500, "Invalid command 'RewriteEngine', perhaps misspelled or defined by a module not included in the server configuration"},
		{"not-loaded IfModule body is not read", "<IfModule mod_rewrite.c>\nRewriteEngine On\n</IfModule>\n", "/srv", 200, ""},
		{"loaded IfModule body is read", "<IfModule mod_env.c>\nSetEnv\n</IfModule>\n", "/srv", 500, "SetEnv takes 1-2 arguments, an environment variable name and optional value to pass to CGI."},
		// invoke_cmd names the parent section, in .htaccess too.
		{"inside <Files>", "<Files x>\nOptions None\n</Files>\n", "/srv", 500, "Options not allowed in <Files> context"},
		{"Nonfatal skips", "Options +Indexes\nNoSuchThing\n", "/srv/nonfatal", 200, ""},
		{"AllowOverrideList by name", "SetEnv A b\n", "/srv/list", 200, ""},
		{"AllowOverrideList only that name", "AddHandler cgi-script .cgi\n", "/srv/list", 500, "AddHandler not allowed here"},
	}
	f, err := parser.ParseFile("t.conf", []byte(conf))
	require.NoError(t, err)
	s, err := scope.Build(f.Body, scope.Options{})
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				tt.dir[1:] + "/.htaccess":  {Data: []byte(tt.htaccess)},
				tt.dir[1:] + "/index.html": {Data: []byte("x")},
			}
			r := s.Request(scope.Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: "main.example",
				Path: tt.dir[len("/srv"):] + "/index.html"}, scope.RequestOptions{FS: fsys})
			assert.Equal(t, tt.status, r.Status, r.Reason)
			if tt.reason != "" {
				assert.Equal(t, tt.dir+"/.htaccess: "+tt.reason, r.Reason)
				// The problem is the library's positioned error, at the
				// directive, wrapping the directive check's error.
				require.NotEmpty(t, r.Problems)
				var pe *parser.Error
				require.ErrorAs(t, &r.Problems[0].Error, &pe)
				assert.Equal(t, tt.reason, pe.Msg)
				assert.Equal(t, tt.dir+"/.htaccess", pe.Pos.Filename)
				var de *directive.Error
				require.ErrorAs(t, pe, &de)
				assert.Equal(t, tt.reason, de.Msg)
			}
		})
	}
}
