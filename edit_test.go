package apacheconf_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf"
	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/lint"
)

// From what Load gave to the file it came from: a virtual host, a lint
// finding, an Explain step; untouched bytes stay as they were.
func TestEditSession(t *testing.T) {
	ctx := context.Background()
	cfg, err := apacheconf.Load(ctx, memFS, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	require.NoError(t, err)
	ed := cfg.Edit()

	v, err := ed.Section(cfg.VirtualHosts()[0].Section)
	require.NoError(t, err)
	ast.Set(v, "ServerAdmin", "ops@a.example")

	// The lint finding on <Directory /srv/a>: restrict the groups there.
	ds, err := cfg.Lint(ctx, lint.Config{Enable: []string{lint.WSGIEnvGroupSelection.ID}})
	require.NoError(t, err)
	require.Len(t, ds, 1)
	n, err := ed.At(ds[0].Pos)
	require.NoError(t, err)
	dir := n.(*ast.Section)
	ast.Set(dir, "WSGIRestrictProcess", "a1")

	// An Explain step names the same section.
	r, err := cfg.Explain(ctx, apacheconf.Request("a.example", "/app/x"))
	require.NoError(t, err)
	for _, st := range r.Steps {
		if st.Section != nil && st.Section.Is("Directory") {
			got, err := ed.Section(st.Section)
			require.NoError(t, err)
			assert.Same(t, dir, got)
		}
	}

	// A Resolve trace names the directives that decided: edit one.
	d, err := cfg.Resolve(ctx, apacheconf.Request("a.example", "/app/x"))
	require.NoError(t, err)
	require.NotEmpty(t, d.Trace)
	pg, err := ed.Directive(d.Trace[0].Directive)
	require.NoError(t, err)
	assert.Equal(t, "WSGIProcessGroup", pg.Name)
	assert.Equal(t, d.Trace[0].Pos, pg.Pos())

	// A new file, and the main file's ServerName.
	f, err := ed.NewFile("/etc/apache2/sites/b.conf")
	require.NoError(t, err)
	ast.Set(ast.EnsureSection(f, "VirtualHost", "*:80"), "ServerName", "b.example")
	main, err := ed.File("/etc/apache2/apache2.conf")
	require.NoError(t, err)
	ast.Set(main, "ServerName", "main.example") // already so: no change

	diff, err := ed.Diff()
	require.NoError(t, err)
	assert.Equal(t, `--- a/etc/apache2/sites/a.conf
+++ b/etc/apache2/sites/a.conf
@@ -6,5 +6,7 @@
     WSGIScriptAlias /app /srv/a/app.wsgi
     <Directory /srv/a>
         AllowOverride FileInfo
+        WSGIRestrictProcess a1
     </Directory>
+    ServerAdmin ops@a.example
 </VirtualHost>
--- /dev/null
+++ b/etc/apache2/sites/b.conf
@@ -0,0 +1,3 @@
+<VirtualHost *:80>
+    ServerName b.example
+</VirtualHost>
`, diff)

	// Written through a WriteFS: only the changed files, the rest
	// identical.
	dir2 := t.TempDir()
	require.NoError(t, os.CopyFS(dir2, memFS))
	cs, err := ed.Write(apacheconf.Dir(dir2))
	require.NoError(t, err)
	require.Len(t, cs, 2)
	b, err := os.ReadFile(filepath.Join(dir2, "etc/apache2/sites/b.conf"))
	require.NoError(t, err)
	assert.Equal(t, "<VirtualHost *:80>\n    ServerName b.example\n</VirtualHost>\n", string(b))
	b, err = os.ReadFile(filepath.Join(dir2, "etc/apache2/apache2.conf"))
	require.NoError(t, err)
	assert.Equal(t, string(memFS["etc/apache2/apache2.conf"].Data), string(b))
	again, err := ed.Diff()
	require.NoError(t, err)
	assert.Empty(t, again, "written: nothing left to change")

	// Reloaded, the edit holds.
	cfg2, err := apacheconf.Load(ctx, os.DirFS(dir2), "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	require.NoError(t, err)
	exp, err := cfg2.Audit(ctx)
	require.NoError(t, err)
	require.Len(t, exp, 1)
	assert.NotNil(t, exp[0].Restrict)
}

func TestEditErrors(t *testing.T) {
	ed := apacheconf.NewEdit(fstest.MapFS{"a.conf": {Data: []byte("Listen 80\n")}})
	_, err := ed.File("/missing.conf")
	assert.ErrorIs(t, err, os.ErrNotExist)
	other := ast.NewDirective("ServerName", "x")
	_, err = ed.Node(other)
	assert.ErrorContains(t, err, "names no place")
	f, err := ed.File("/a.conf")
	require.NoError(t, err)
	listen := ast.Find(f, "Listen")[0]
	wrong := *listen
	wrong.Name = "Timeout"
	_, err = ed.Node(&wrong)
	assert.ErrorContains(t, err, "another node")
	require.NoError(t, ed.Remove(listen))
	d, err := ed.Diff()
	require.NoError(t, err)
	assert.Equal(t, "--- a/a.conf\n+++ b/a.conf\n@@ -1 +0,0 @@\n-Listen 80\n", d)
}

func TestEditAtArgument(t *testing.T) {
	ed := apacheconf.NewEdit(fstest.MapFS{"a.conf": {Data: []byte("<VirtualHost *:80>\n    ServerName www.example.org\n</VirtualHost>\n")}})
	f, err := ed.File("/a.conf")
	require.NoError(t, err)
	d := ast.FindSection(f, "VirtualHost").Body[0].(*ast.Directive)
	n, err := ed.At(d.ArgPos(0)) // a finding about the name, not the line
	require.NoError(t, err)
	assert.Same(t, d, n)
	n, err = ed.At(ast.Position{Filename: "/a.conf", Offset: 12, Line: 1, Column: 13}) // in the header
	require.NoError(t, err)
	assert.Same(t, ast.Node(ast.FindSection(f, "VirtualHost")), n)
	_, err = ed.At(ast.Position{Filename: "/a.conf", Offset: 500, Line: 9, Column: 1})
	assert.ErrorContains(t, err, "no node at")
}

// A file the session creates is indented like the tree's main file (tabs
// in Debian's), not with the printer's default four spaces.
func TestEditNewFileIndent(t *testing.T) {
	fsys := fstest.MapFS{
		"etc/apache2/apache2.conf": {Data: []byte("ServerName main.example\n<Directory />\n\tRequire all denied\n</Directory>\nIncludeOptional sites/*.conf\n")},
	}
	cfg, err := apacheconf.Load(context.Background(), fsys, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	require.NoError(t, err)
	ed := cfg.Edit()
	f, err := ed.NewFile("/etc/apache2/sites/b.conf")
	require.NoError(t, err)
	v := ast.EnsureSection(f, "VirtualHost", "*:80")
	ast.Set(ast.EnsureSection(v, "Directory", "/srv/b"), "Require", "all", "granted")
	ast.Set(v, "ServerName", "b.example")
	cs, err := ed.Changes()
	require.NoError(t, err)
	require.Len(t, cs, 1)
	assert.Equal(t, "<VirtualHost *:80>\n\t<Directory /srv/b>\n\t\tRequire all granted\n\t</Directory>\n\tServerName b.example\n</VirtualHost>\n", string(cs[0].New))

	// Without a loaded tree, the files the session read show the step.
	ed = apacheconf.NewEdit(fstest.MapFS{"a.conf": {Data: []byte("<IfModule x>\n  Listen 80\n</IfModule>\n")}})
	_, err = ed.File("/a.conf")
	require.NoError(t, err)
	f, err = ed.NewFile("/b.conf")
	require.NoError(t, err)
	ast.Set(ast.EnsureSection(f, "VirtualHost", "*:80"), "ServerName", "b.example")
	cs, err = ed.Changes()
	require.NoError(t, err)
	require.Len(t, cs, 1)
	assert.Equal(t, "<VirtualHost *:80>\n  ServerName b.example\n</VirtualHost>\n", string(cs[0].New))
}

// A file with syntax errors comes with them every time it is asked for,
// not only the first.
func TestEditFileSyntaxErrorsEveryTime(t *testing.T) {
	ed := apacheconf.NewEdit(fstest.MapFS{"a.conf": {Data: []byte("<Directory /a>\nRequire all granted\n")}})
	for i := 0; i < 2; i++ {
		f, err := ed.File("/a.conf")
		require.NotNil(t, f)
		assert.ErrorContains(t, err, "was not closed", "call %d", i+1)
	}
}

// What a session added can be deleted or removed again in the same
// session, and leaves the files as they were.
func TestEditRemoveAdded(t *testing.T) {
	cfg, err := apacheconf.Load(context.Background(), memFS, "apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2"})
	require.NoError(t, err)
	ed := cfg.Edit()
	_, err = ed.Set(nil, "ServerAdmin", "ops@example.org")
	require.NoError(t, err)
	n, err := ed.Delete(nil, "ServerAdmin")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	s, err := ed.EnsureSection(nil, "Directory", "/srv/y")
	require.NoError(t, err)
	ast.Set(s, "Require", "all", "denied")
	require.NoError(t, ed.Remove(s))
	v, err := ed.Section(cfg.VirtualHosts()[0].Section)
	require.NoError(t, err)
	d, err := ed.Set(v, "ServerAlias", "b.example")
	require.NoError(t, err)
	require.NoError(t, ed.Remove(d))
	diff, err := ed.Diff()
	require.NoError(t, err)
	assert.Empty(t, diff)
	secs, err := ed.Sections(nil, "Directory", "/srv/y")
	require.NoError(t, err)
	assert.Empty(t, secs)
}
