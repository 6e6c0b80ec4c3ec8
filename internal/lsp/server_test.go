package lsp

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/apacheconf/apacheconf/lint/report"
)

func TestDiagnostics(t *testing.T) {
	root, main, site := hosting(t)
	c := newClient(t, root, nil)
	u := c.open(site)
	ds := c.waitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return len(ds) > 0 })
	var found *protocol.Diagnostic
	for i := range ds {
		if ds[i].Code == "AC4006" {
			found = &ds[i]
		}
	}
	if found == nil {
		t.Fatalf("no AC4006 on %s: %+v", site, ds)
	}
	if found.Severity != protocol.DiagnosticSeverityError || found.Source != "apacheconf" {
		t.Errorf("severity/source: %+v", found)
	}
	if found.CodeDescription == nil || string(found.CodeDescription.Href) != report.DocBase+"AC4006.md" {
		t.Errorf("codeDescription: %+v", found.CodeDescription)
	}
	if want := at(t, site, "<Directory /home/joe/public_html>", 0); found.Range.Start != want {
		t.Errorf("range %+v, want start %+v", found.Range, want)
	}
	// The Include chain: apache2.conf's IncludeOptional read the file.
	chained := false
	for _, r := range found.RelatedInformation {
		if r.Location.URI == uri.File(main) && r.Location.Range.Start.Line == at(t, main, "IncludeOptional", 0).Line {
			chained = true
		}
	}
	if !chained {
		t.Errorf("no Include chain in related information: %+v", found.RelatedInformation)
	}
}

// An edit is analysed without saving: the buffer overrides the disk,
// and only the edited file is parsed again.
func TestEditOverridesDisk(t *testing.T) {
	root, _, site := hosting(t)
	c := newClient(t, root, nil)
	u := c.open(site)
	c.waitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "AC4006") })
	src := readFile(t, site)
	fixed := strings.Replace(src, "        SetEnv PROCESS_GROUP joe:1\n", "        SetEnv PROCESS_GROUP joe:1\n        WSGIRestrictProcess joe:1\n", 1)
	if fixed == src {
		t.Fatal("edit did not apply")
	}
	c.change(u, fixed)
	c.waitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return !hasCode(ds, "AC4006") })
	// An unknown directive typed in the buffer is reported at its line.
	broken := strings.Replace(fixed, "    ServerName www.site.com\n", "    ServerName www.site.com\n    ServerNmae typo\n", 1)
	c.change(u, broken)
	ds := c.waitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "AC2001") })
	for _, d := range ds {
		if d.Code == "AC2001" && d.Range.Start.Line != 2 {
			t.Errorf("AC2001 at line %d, want 2 (0-based)", d.Range.Start.Line)
		}
	}
	// A section left open while typing: a syntax error, and the rest of
	// the tree still analysed.
	c.change(u, broken+"<Directory /srv>\n")
	ds = c.waitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "AC1001") })
	if !hasCode(ds, "AC2001") {
		t.Errorf("the other findings went: %+v", ds)
	}
}

func TestHover(t *testing.T) {
	root, _, site := hosting(t)
	c := newClient(t, root, nil)
	u := c.open(site)
	tests := []struct {
		name, needle string
		want         []string
	}{
		{"directive", "AddHandler wsgi-script", []string{"**AddHandler**", "mod_mime.c", "mime_module", ", loaded", "AllowOverride: FileInfo", "server config, virtual host, directory, .htaccess", "mod_mime.html#addhandler"}},
		{"in force", "AddHandler wsgi-script", []string{"In force for directory /home/bob/public_html (virtual host www.site.com)", "`AddHandler wsgi-script` for `.wsgi` — set at sites-enabled/www.site.com.conf:17"}},
		{"groups by env", "WSGIProcessGroup %{ENV", []string{"chosen by `%{ENV:PROCESS_GROUP}`", "/home/joe/public_html", "bob:1, bob:2, default, joe:1", "AC4006", "WSGIRestrictProcess at sites-enabled/www.site.com.conf:19 keeps out default, joe:1"}},
		{"section", "<Directory /home/bob/public_html>", []string{"In force for directory /home/bob/public_html", "WSGIRestrictProcess bob:1 bob:2"}},
		{"vhost", "<VirtualHost *:80>", []string{"Server **www.site.com** on *:80"}},
		{"restrict", "WSGIRestrictProcess bob:1", []string{"mod_wsgi.c", "WSGIRestrictProcess.html"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h protocol.Hover
			c.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: tdp(u, at(t, site, tt.needle, 1))}, &h)
			for _, w := range tt.want {
				if !strings.Contains(h.Contents.Value, w) {
					t.Errorf("hover lacks %q:\n%s", w, h.Contents.Value)
				}
			}
		})
	}
}

func TestHoverModuleNotLoaded(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "apache2.conf"), "ServerName localhost\nHeader set X-A b\n")
	c := newClient(t, dir, nil)
	u := c.open(filepath.Join(dir, "apache2.conf"))
	var h protocol.Hover
	c.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: tdp(u, protocol.Position{Line: 1, Character: 2})}, &h)
	if !strings.Contains(h.Contents.Value, "**not loaded**") || !strings.Contains(h.Contents.Value, "LoadModule headers_module") {
		t.Errorf("hover:\n%s", h.Contents.Value)
	}
}

func TestDefinition(t *testing.T) {
	root, main, site := hosting(t)
	c := newClient(t, root, nil)
	um := c.open(main)
	us := c.open(site)
	tests := []struct {
		name   string
		u      protocol.DocumentURI
		file   string
		needle string
		delta  int
		want   protocol.Location
	}{
		{"include glob", um, main, "IncludeOptional sites-enabled", 20, protocol.Location{URI: uri.File(site)}},
		{"restrict group", us, site, "WSGIRestrictProcess bob:1 bob:2", 27, protocol.Location{URI: uri.File(site), Range: protocol.Range{
			Start: at(t, site, "bob:2 user=bob", 0), End: at(t, site, "bob:2 user=bob", 5)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var locs []protocol.Location
			c.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: tdp(tt.u, at(t, tt.file, tt.needle, tt.delta))}, &locs)
			if len(locs) != 1 || locs[0] != tt.want {
				t.Errorf("definition = %+v, want %+v", locs, tt.want)
			}
		})
	}
}

// A tree with Define, Macro and two virtual hosts on one address.
func macroTree(t *testing.T) (dir, main, site string) {
	dir = t.TempDir()
	main = filepath.Join(dir, "apache2.conf")
	site = filepath.Join(dir, "sites", "a.conf")
	writeFile(t, main, `LoadModule macro_module /usr/lib/apache2/modules/mod_macro.so
ServerName localhost
Define DOCS /srv/docs
<Macro Site $name>
    <VirtualHost *:80>
        ServerName $name
        DocumentRoot ${DOCS}/$name
    </VirtualHost>
</Macro>
Include sites/*.conf
`)
	writeFile(t, site, `Use Site a.example
Use Site b.example
<VirtualHost *:80>
    ServerName c.example
    DocumentRoot ${DOCS}/c
</VirtualHost>
`)
	return dir, main, site
}

func TestDefinitionAndReferences(t *testing.T) {
	dir, main, site := macroTree(t)
	c := newClient(t, dir, nil)
	us := c.open(site)
	um := c.open(main)
	var locs []protocol.Location
	c.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: tdp(us, at(t, site, "Site a.example", 1))}, &locs)
	if len(locs) != 1 || locs[0].URI != uri.File(main) || locs[0].Range.Start != at(t, main, "Site $name", 0) {
		t.Errorf("Use → Macro: %+v", locs)
	}
	locs = nil
	c.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: tdp(us, at(t, site, "${DOCS}/c", 3))}, &locs)
	if len(locs) != 1 || locs[0].URI != uri.File(main) || locs[0].Range.Start != at(t, main, "DOCS /srv", 0) {
		t.Errorf("${DOCS} → Define: %+v", locs)
	}
	locs = nil
	c.call(protocol.MethodTextDocumentReferences, protocol.ReferenceParams{TextDocumentPositionParams: tdp(um, at(t, main, "Site $name", 1))}, &locs)
	if len(locs) != 2 || locs[0].URI != uri.File(site) || locs[1].Range.Start.Line != 1 {
		t.Errorf("Macro → Use: %+v", locs)
	}
	locs = nil
	c.call(protocol.MethodTextDocumentReferences, protocol.ReferenceParams{TextDocumentPositionParams: tdp(um, at(t, main, "Define DOCS", 8))}, &locs)
	if len(locs) != 2 {
		t.Errorf("Define → ${DOCS}: %+v", locs)
	}
	// The <VirtualHost> of the site file shares *:80 with the two the
	// macro made (their lines are the macro's).
	locs = nil
	c.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: tdp(us, at(t, site, "<VirtualHost", 1))}, &locs)
	if len(locs) != 2 {
		t.Errorf("vhost → vhosts on its address: %+v", locs)
	}
}

func TestReferencesGroup(t *testing.T) {
	root, _, site := hosting(t)
	c := newClient(t, root, nil)
	u := c.open(site)
	var locs []protocol.Location
	c.call(protocol.MethodTextDocumentReferences, protocol.ReferenceParams{
		TextDocumentPositionParams: tdp(u, at(t, site, "bob:1 user=bob", 1)),
		Context:                    protocol.ReferenceContext{IncludeDeclaration: true},
	}, &locs)
	// The definition, and WSGIRestrictProcess bob:1.
	if len(locs) != 2 || locs[1].Range.Start != at(t, site, "bob:1 bob:2", 0) {
		t.Errorf("references: %+v", locs)
	}
}

func labels(items []protocol.CompletionItem) map[string]protocol.CompletionItem {
	out := map[string]protocol.CompletionItem{}
	for _, it := range items {
		out[it.Label] = it
	}
	return out
}

func TestCompletion(t *testing.T) {
	root, _, site := hosting(t)
	c := newClient(t, root, nil)
	src := readFile(t, site)
	// A line being typed inside <VirtualHost>, one in a <Directory>, one
	// with a directive's arguments.
	edited := strings.Replace(src, "    ServerName www.site.com\n", "    ServerName www.site.com\n    WSGIR\n    Options Exec\n    WSGIRestrictProcess \n    Require \n", 1)
	u := c.open(site, edited)
	htaccess := filepath.Join(root, "home/joe/public_html/.htaccess")
	uh := c.open(htaccess)
	complete := func(u protocol.DocumentURI, p protocol.Position) map[string]protocol.CompletionItem {
		var list protocol.CompletionList
		c.call(protocol.MethodTextDocumentCompletion, protocol.CompletionParams{TextDocumentPositionParams: tdp(u, p)}, &list)
		return labels(list.Items)
	}
	got := complete(u, protocol.Position{Line: 2, Character: 9})
	if it, ok := got["WSGIRestrictProcess"]; !ok || it.TextEdit == nil || it.TextEdit.Range.Start.Character != 4 {
		t.Errorf("no WSGIRestrictProcess in <VirtualHost>: %+v", it)
	}
	if _, ok := got["Listen"]; ok {
		t.Error("Listen offered inside <VirtualHost>")
	}
	if it, ok := got["<Directory"]; !ok || !strings.Contains(it.TextEdit.NewText, "</Directory>") {
		t.Errorf("<Directory without its closing tag: %+v", it)
	}
	if it := got["Header"]; !strings.Contains(it.Detail, "not loaded") || it.SortText[0] != '1' {
		t.Errorf("Header (mod_headers, not loaded) not marked: %+v", it)
	}
	if _, ok := complete(u, protocol.Position{Line: 3, Character: 16})["ExecCGI"]; !ok {
		t.Error("Options: no ExecCGI")
	}
	groups := complete(u, protocol.Position{Line: 4, Character: 24})
	for _, g := range []string{"bob:1", "bob:2", "joe:1", "default"} {
		if _, ok := groups[g]; !ok {
			t.Errorf("WSGIRestrictProcess: no %s in %v", g, groups)
		}
	}
	if _, ok := complete(u, protocol.Position{Line: 5, Character: 12})["valid-user"]; !ok {
		t.Error("Require: no valid-user")
	}
	// .htaccess under AllowOverride FileInfo: SetEnv yes, Options no.
	ht := complete(uh, protocol.Position{Line: 2, Character: 0})
	if _, ok := ht["SetEnv"]; !ok {
		t.Error(".htaccess: no SetEnv")
	}
	if _, ok := ht["WSGIProcessGroup"]; ok {
		t.Error(".htaccess: WSGIProcessGroup offered")
	}
}

func TestDocumentSymbolsAndFolding(t *testing.T) {
	root, _, site := hosting(t)
	c := newClient(t, root, nil)
	u := c.open(site)
	var syms []protocol.DocumentSymbol
	c.call(protocol.MethodTextDocumentDocumentSymbol, protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}, &syms)
	if len(syms) != 1 || syms[0].Name != "www.site.com" || syms[0].Kind != protocol.SymbolKindNamespace || syms[0].Detail != "<VirtualHost *:80>" {
		t.Fatalf("symbols: %+v", syms)
	}
	var names []string
	for _, s := range syms[0].Children {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, "|"); got != "bob:1|bob:2|joe:1|<Directory /home/bob/public_html>|<Directory /home/joe/public_html>" {
		t.Errorf("children: %s", got)
	}
	var folds []protocol.FoldingRange
	c.call(protocol.MethodTextDocumentFoldingRange, protocol.FoldingRangeParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}}, &folds)
	if len(folds) != 4 || folds[0].StartLine != 0 || folds[0].EndLine != 30 {
		t.Errorf("folding: %+v", folds)
	}
}

func TestFormatting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "apache2.conf")
	writeFile(t, path, "ServerName localhost\n<Directory /srv>\nRequire all granted   \n  <Files x>\n Require all denied\n  </Files>\n</Directory>\n")
	c := newClient(t, dir, nil)
	u := c.open(path)
	var edits []protocol.TextEdit
	c.call(protocol.MethodTextDocumentFormatting, protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Options: protocol.FormattingOptions{InsertSpaces: true, TabSize: 4}}, &edits)
	want := "    Require all granted\n    <Files x>\n        Require all denied\n    </Files>\n"
	if len(edits) != 1 || edits[0].NewText != want || edits[0].Range.Start.Line != 2 || edits[0].Range.End.Line != 6 {
		t.Errorf("formatting: %+v", edits)
	}
	// A file with a syntax error is not formatted.
	c.change(u, "<Directory /srv>\n")
	_, err := c.conn.Call(context.Background(), protocol.MethodTextDocumentFormatting, protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}, &edits)
	if err == nil || !strings.Contains(err.Error(), "not formatted") {
		t.Errorf("formatting a broken file: %v", err)
	}
}

func TestCodeAction(t *testing.T) {
	root, _, site := hosting(t)
	c := newClient(t, root, nil)
	u := c.open(site)
	c.waitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "AC4006") })
	p := at(t, site, "<Directory /home/joe", 0)
	var actions []protocol.CodeAction
	c.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u}, Range: protocol.Range{Start: p, End: p},
	}, &actions)
	var restrict *protocol.CodeAction
	for i := range actions {
		if strings.HasPrefix(actions[i].Title, "Add WSGIRestrictProcess joe:1") {
			restrict = &actions[i]
		}
	}
	if restrict == nil || restrict.Edit == nil {
		t.Fatalf("no restrict action: %+v", actions)
	}
	edits := restrict.Edit.Changes[u]
	if len(edits) != 1 || edits[0].NewText != "        WSGIRestrictProcess joe:1\n" || edits[0].Range.Start.Line != p.Line+1 {
		t.Errorf("edit: %+v", edits)
	}
}

func TestLintFixAction(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "apache2.conf")
	writeFile(t, path, "ServerName localhost\nServerSignatur On\n")
	c := newClient(t, dir, nil)
	u := c.open(path)
	ds := c.waitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "AC2001") })
	// The typo's finding (the file loads no MPM either: AC2006).
	for i, d := range ds {
		if hasCode(ds[i:i+1], "AC2001") {
			ds[0], ds[i] = d, ds[0]
		}
	}
	var actions []protocol.CodeAction
	c.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u}, Range: ds[0].Range,
		Context: protocol.CodeActionContext{Diagnostics: ds},
	}, &actions)
	ok := false
	for _, a := range actions {
		if a.Edit != nil {
			for _, e := range a.Edit.Changes[u] {
				if strings.HasPrefix(e.NewText, "ServerSignature On") && e.Range.Start.Line == 1 {
					ok = true
				}
			}
		}
	}
	if !ok {
		for _, a := range actions {
			if a.Edit != nil {
				t.Logf("%+v", a.Edit.Changes)
			}
		}
		t.Errorf("no rename fix: %+v", actions)
	}
}

// Lua clients send an empty table of options as [].
func TestEmptyOptionsArray(t *testing.T) {
	root, _, site := hosting(t)
	c := newClient(t, root, []any{})
	u := c.open(site)
	c.waitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "AC4006") })
}

// A duplicate ServerName in another file: the finding points at the
// first virtual host as related information.
func TestRelatedDuplicate(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "apache2.conf"), "ServerName localhost\nListen 80\nInclude sites/*.conf\n")
	a, b := filepath.Join(dir, "sites", "a.conf"), filepath.Join(dir, "sites", "b.conf")
	writeFile(t, a, "<VirtualHost *:80>\n    ServerName www.example.org\n</VirtualHost>\n")
	writeFile(t, b, "# second\n<VirtualHost *:80>\n    ServerName www.example.org\n</VirtualHost>\n")
	c := newClient(t, dir, nil)
	u := c.open(b)
	ds := c.waitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "AC3001") })
	for _, d := range ds {
		if d.Code != "AC3001" {
			continue
		}
		if len(d.RelatedInformation) < 1 || d.RelatedInformation[0].Location.URI != uri.File(a) || d.RelatedInformation[0].Location.Range.Start.Line != 0 {
			t.Errorf("related: %+v", d.RelatedInformation)
		}
	}
}
