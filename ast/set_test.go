package ast_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/parser"
)

func TestSetKeyed(t *testing.T) {
	tests := []struct {
		name, src string
		edit      func(f *ast.File)
		want      string
	}{
		{"setenv keeps other variables", "SetEnv A 1\nSetEnv B 2\n",
			func(f *ast.File) { ast.Set(f, "SetEnv", "A", "3") },
			"SetEnv A 3\nSetEnv B 2\n"},
		{"setenv adds a new variable", "SetEnv A 1\n",
			func(f *ast.File) { ast.Set(f, "setenv", "B", "2") },
			"SetEnv A 1\nsetenv B 2\n"},
		{"setenv folds names like apr tables", "SetEnv path_info x\n",
			func(f *ast.File) { ast.Set(f, "SetEnv", "PATH_INFO", "y") },
			"SetEnv PATH_INFO y\n"},
		{"addhandler by extension", "AddHandler cgi-script .cgi\nAddHandler wsgi-script .wsgi\n",
			func(f *ast.File) { ast.Set(f, "AddHandler", "wsgi-script", ".py") },
			"AddHandler cgi-script .cgi\nAddHandler wsgi-script .wsgi\nAddHandler wsgi-script .py\n"},
		{"addhandler same extension", "AddHandler cgi-script .cgi\n",
			func(f *ast.File) { ast.Set(f, "AddHandler", "wsgi-script", ".CGI") },
			"AddHandler wsgi-script .CGI\n"},
		{"header by name", "Header set X-Frame-Options SAMEORIGIN\nHeader set X-Content-Type-Options nosniff\n",
			func(f *ast.File) { ast.Set(f, "Header", "set", "x-frame-options", "DENY") },
			"Header set x-frame-options DENY\nHeader set X-Content-Type-Options nosniff\n"},
		{"header always is another key", "Header set X a\n",
			func(f *ast.File) { ast.Set(f, "Header", "always", "set", "X", "b") },
			"Header set X a\nHeader always set X b\n"},
		{"alias by path", "Alias /a /srv/a\nAlias /b /srv/b\n",
			func(f *ast.File) { ast.Set(f, "Alias", "/b", "/srv/new") },
			"Alias /a /srv/a\nAlias /b /srv/new\n"},
		{"listen by address", "Listen 80\n<IfModule ssl_module>\n\tListen 443\n</IfModule>\n",
			func(f *ast.File) { ast.Set(f, "Listen", "443", "https") },
			"Listen 80\n<IfModule ssl_module>\n\tListen 443 https\n</IfModule>\n"},
		{"redirect after status", "Redirect permanent /old http://x/\nRedirect /other http://y/\n",
			func(f *ast.File) { ast.Set(f, "Redirect", "301", "/old", "http://z/") },
			"Redirect 301 /old http://z/\nRedirect /other http://y/\n"},
		{"servername inside ifmodule is found", "<IfModule mod_ssl.c>\n    ServerName a\n</IfModule>\n",
			func(f *ast.File) { ast.Set(f, "ServerName", "b") },
			"<IfModule mod_ssl.c>\n    ServerName b\n</IfModule>\n"},
		{"unkeyed duplicates removed", "Timeout 1\nTimeout 2\n",
			func(f *ast.File) { ast.Set(f, "Timeout", "3") },
			"Timeout 3\n"},
		{"not inside <If>", "<If \"true\">\n    ServerSignature On\n</If>\n",
			func(f *ast.File) { ast.Set(f, "ServerSignature", "Off") },
			"<If \"true\">\n    ServerSignature On\n</If>\nServerSignature Off\n"},
		{"idempotent", "SetEnv A 1\nSetEnv B 2\n",
			func(f *ast.File) { ast.Set(f, "SetEnv", "A", "1"); ast.Set(f, "SetEnv", "A", "1") },
			"SetEnv A 1\nSetEnv B 2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parser.ParseFile("x.conf", []byte(tt.src))
			require.NoError(t, err)
			tt.edit(f)
			out, err := ast.Format(f)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(out))
		})
	}
}

// Each keyed directive is one httpd knows, taking more than one argument
// or repeating (ITERATE): a single-valued directive keyed by mistake would
// let Set add a second instance where it must replace.
func TestKeyedDirectivesAreInTheRegistry(t *testing.T) {
	for _, name := range ast.KeyedDirectives() {
		info, ok := directive.Lookup(name)
		if !assert.True(t, ok, "%s is not in the registry", name) {
			continue
		}
		_, max := info.Args.Bounds()
		// Include reads a file each time it appears: one argument, repeated.
		repeats := name == "include" || name == "includeoptional"
		assert.True(t, max != 1 || repeats || info.Args.String() == "ITERATE", "%s takes %s: one value, nothing to key by", name, info.Args)
	}
}

func TestConstructors(t *testing.T) {
	v := ast.NewSection("<VirtualHost", "*:80")
	ast.Set(v, "ServerName", "www.example.org")
	ast.Set(v, "DocumentRoot", "/srv/my site")
	f := ast.NewFile("site.conf", ast.NewDirective("Listen", "8080"), ast.NewBlank(), v)
	out, err := ast.Format(f)
	require.NoError(t, err)
	assert.Equal(t, "Listen 8080\n\n<VirtualHost *:80>\n    ServerName www.example.org\n    DocumentRoot \"/srv/my site\"\n</VirtualHost>\n", string(out))
	back, err := parser.ParseFile("site.conf", out)
	require.NoError(t, err)
	assert.Equal(t, []string{"/srv/my site"}, ast.Lookup(ast.FindSection(back, "VirtualHost"), "DocumentRoot")[0].Values())
}
