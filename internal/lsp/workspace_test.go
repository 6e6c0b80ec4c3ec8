package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/apacheconf/apacheconf/scope"
)

// copyTree copies a directory (examples/hosting) into a temporary one.
func copyTree(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		writeFile(t, filepath.Join(to, rel), readFile(t, p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

func TestIncremental(t *testing.T) {
	root, _, _ := hosting(t)
	dir := copyTree(t, root)
	main, site := filepath.Join(dir, "apache2.conf"), filepath.Join(dir, "sites-enabled", "www.site.com.conf")
	w := newWorkspace(os.DirFS("/"))
	tr := w.treeFor(site)
	if tr.main != main || tr.root != dir || tr.alone {
		t.Fatalf("tree: main %s root %s alone %v", tr.main, tr.root, tr.alone)
	}
	tr.snap = w.analyze(tr, nil)
	if len(tr.snap.diags[site]) != 1 || tr.snap.diags[site][0].Rule != "AC4006" {
		t.Fatalf("findings: %+v", tr.snap.diags)
	}
	src := readFile(t, site)
	tests := []struct {
		name, file, text string
		incremental      bool
		rules            string
	}{
		{"site edit", site, strings.Replace(src, "        SetEnv PROCESS_GROUP joe:1\n", "        SetEnv PROCESS_GROUP joe:1\n        WSGIRestrictProcess joe:1\n", 1), true, ""},
		{"typo", site, strings.Replace(src, "    ServerName www.site.com\n", "    ServerNam www.site.com\n", 1), true, "AC2001 AC4006"},
		{"a Define", site, "Define X 1\n" + src, false, "AC4006"},
		{"main file", main, readFile(t, main) + "\n", false, "AC4006"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.fs.set(scope.FSPath(tt.file), []byte(tt.text))
			defer w.fs.drop(scope.FSPath(tt.file))
			s := w.analyze(tr, []string{tt.file})
			if s.incremental != tt.incremental {
				t.Errorf("incremental = %v, want %v", s.incremental, tt.incremental)
			}
			var rules []string
			for _, d := range s.diags[site] {
				rules = append(rules, d.Rule)
			}
			if got := strings.Join(rules, " "); got != tt.rules {
				t.Errorf("rules %q, want %q", got, tt.rules)
			}
			if len(s.body) != len(tr.snap.body) {
				t.Errorf("top-level nodes: %d, want %d", len(s.body), len(tr.snap.body))
			}
		})
	}
	// The Include chain of the site file.
	chain := tr.snap.chain(site)
	if len(chain) != 1 || chain[0].Filename != main || chain[0].Line != 27 {
		t.Errorf("chain: %+v", chain)
	}
}

// A file no main file reads is checked alone, without the rules about
// a whole server, and says so.
func TestAlone(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "apache2.conf"), "ServerName localhost\nListen 80\n")
	other := filepath.Join(dir, "conf-available", "x.conf")
	writeFile(t, other, "<VirtualHost *:8080>\n    ServerNam x\n</VirtualHost>\n")
	c := newClient(t, dir, nil)
	u := c.open(other)
	ds := c.waitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "AC2001") })
	alone := false
	for _, d := range ds {
		if d.Code == "AC3004" || d.Code == "AC3006" {
			t.Errorf("whole-server rule on a file checked alone: %+v", d)
		}
		if strings.Contains(d.Message, "checked alone") && d.Severity == protocol.DiagnosticSeverityInformation {
			alone = true
		}
	}
	if !alone {
		t.Errorf("no note that the file is checked alone: %+v", ds)
	}
}

// A .htaccess under the chroot: its findings, with the AllowOverride
// the message names as related information; an unsaved buffer counts.
func TestHTAccessUnderChroot(t *testing.T) {
	root, _, _ := hosting(t)
	dir := copyTree(t, root)
	ht := filepath.Join(dir, "home", "joe", "public_html", ".htaccess")
	c := newClient(t, dir, map[string]any{"chroot": dir, "mainFile": "apache2.conf"})
	site := filepath.Join(dir, "sites-enabled", "www.site.com.conf")
	c.open(site)
	u := c.open(ht, readFile(t, ht)+"Options Indexes\n")
	ds := c.waitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "AC2003") })
	for _, d := range ds {
		if d.Code != "AC2003" {
			continue
		}
		if d.Range.Start.Line != 2 {
			t.Errorf("AC2003 at line %d, want 2", d.Range.Start.Line)
		}
		if len(d.RelatedInformation) == 0 || d.RelatedInformation[0].Location.URI != uri.File(site) ||
			d.RelatedInformation[0].Location.Range.Start != at(t, site, "AllowOverride FileInfo\n        AddHandler wsgi-script .wsgi\n        Require all granted\n        SetEnv", 0) {
			t.Errorf("related: %+v", d.RelatedInformation)
		}
	}
}

// .apacheconf.yaml names the main file and configures lint.
func TestProjectConfig(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".apacheconf.yaml"), "main: etc/server.conf\ndisable: [AC5004]\n")
	main := filepath.Join(dir, "etc", "server.conf")
	writeFile(t, main, "ServerName localhost\nServerTokens Full\nServerSignature On\nInclude extra.conf\n")
	extra := filepath.Join(dir, "etc", "extra.conf")
	writeFile(t, extra, "TraceEnable On\n")
	c := newClient(t, dir, nil)
	um := c.open(main)
	ds := c.waitDiagnostics(um, func(ds []protocol.Diagnostic) bool { return len(ds) > 0 })
	if hasCode(ds, "AC5004") || !hasCode(ds, "AC5005") {
		t.Errorf("lint configuration not applied: %+v", ds)
	}
	ue := c.open(extra)
	c.waitDiagnostics(ue, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "AC5006") })
}

// A .htaccess written on disk (not open in the editor) is read again
// when the client reports it.
func TestWatchedFile(t *testing.T) {
	root, _, _ := hosting(t)
	dir := copyTree(t, root)
	ht := filepath.Join(dir, "home", "bob", "public_html", ".htaccess")
	c := newClient(t, dir, map[string]any{"chroot": dir})
	site := c.open(filepath.Join(dir, "sites-enabled", "www.site.com.conf"))
	c.waitDiagnostics(site, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "AC4006") })
	writeFile(t, ht, readFile(t, ht)+"ServerName x\n")
	c.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{{URI: uri.File(ht), Type: protocol.FileChangeTypeChanged}}})
	c.waitDiagnostics(uri.File(ht), func(ds []protocol.Diagnostic) bool { return hasCode(ds, "AC2003") })
}

// Debian's stock tree: ${APACHE_LOG_DIR} and friends come from envvars,
// as apache2ctl has them.
func TestDebianEnvvars(t *testing.T) {
	root, err := filepath.Abs("../../examples/debian/etc/apache2")
	if err != nil {
		t.Fatal(err)
	}
	w := newWorkspace(os.DirFS("/"))
	tr := w.treeFor(filepath.Join(root, "sites-enabled", "000-default.conf"))
	s := w.analyze(tr, nil)
	if tr.main != filepath.Join(root, "apache2.conf") || !s.includes(filepath.Join(root, "sites-enabled", "000-default.conf")) {
		t.Fatalf("tree %s, files %v", tr.main, s.files)
	}
	for _, e := range append(s.errs, s.loaded.Warnings...) {
		if strings.Contains(e.Msg, "APACHE_") {
			t.Errorf("envvars not read: %v", e)
		}
	}
	for _, d := range s.diags[filepath.Join(root, "apache2.conf")] {
		if strings.Contains(d.Message, "${APACHE_") {
			t.Errorf("envvars not read: %v", d.Message)
		}
	}
}

// Hover in a .htaccess: what is in force in its directory, the
// .htaccess merged.
func TestHoverHTAccess(t *testing.T) {
	root, _, _ := hosting(t)
	dir := copyTree(t, root)
	ht := filepath.Join(dir, "home", "joe", "public_html", ".htaccess")
	c := newClient(t, dir, map[string]any{"chroot": dir})
	u := c.open(ht)
	var h protocol.Hover
	c.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: tdp(u, at(t, ht, "SetEnv PROCESS_GROUP bob:1", 1))}, &h)
	for _, w := range []string{"In force for directory /home/joe/public_html (with its .htaccess files) (virtual host www.site.com)", "PROCESS_GROUP", "home/joe/public_html/.htaccess:2"} {
		if !strings.Contains(h.Contents.Value, w) {
			t.Errorf("hover lacks %q:\n%s", w, h.Contents.Value)
		}
	}
}

// A mistake in .apacheconf.yaml is reported at its line in the file as
// written, the main: key and comments included.
func TestProjectConfigErrorLine(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".apacheconf.yaml"), "# the tree\nmain: apache2.conf\n\ndisable: AC5004\n")
	w := newWorkspace(os.DirFS("/"))
	_, err := w.lintConfig(dir)
	if err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("error %v, want one at line 4", err)
	}
}
