package lsp

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/lint"
)

// codeAction offers the lint findings' suggested fixes, and for a
// <Directory> whose .htaccess may choose the daemon group (AC4006)
// a WSGIRestrictProcess listing the groups of the directory's owner.
func (s *server) codeAction(ctx context.Context, p *protocol.CodeActionParams) ([]protocol.CodeAction, error) {
	d, ok := s.document(p.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	snap := s.snapshotFor(ctx, d.path)
	if snap == nil {
		return nil, nil
	}
	name := s.ws.inConfig(d.path)
	from, to := d.text.offset(p.Range.Start), d.text.offset(p.Range.End)
	out := []protocol.CodeAction{}
	texts := map[string]*text{}
	textFor := func(path string) *text {
		if t, ok := texts[path]; ok {
			return t
		}
		t := s.textOf(path)
		texts[path] = t
		return t
	}
	for _, diag := range snap.diags[name] {
		if !overlaps(diag, from, to, d.text) {
			continue
		}
		pd := s.toDiagnostic(snap, diag, d.text, textFor)
		for _, fix := range diag.Fixes {
			edit := &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{}}
			for _, e := range fix.Edits {
				p := s.ws.onDisk(e.Filename)
				t := textFor(p)
				u := uri.File(p)
				edit.Changes[u] = append(edit.Changes[u], protocol.TextEdit{Range: t.rng(e.Offset, e.End), NewText: e.NewText})
			}
			out = append(out, protocol.CodeAction{
				Title: fix.Message, Kind: protocol.QuickFix, Diagnostics: []protocol.Diagnostic{pd},
				IsPreferred: len(diag.Fixes) == 1, Edit: edit,
			})
		}
		if diag.Rule == lint.WSGIEnvGroupSelection.ID {
			if a, ok := s.restrictAction(snap, d, diag.Pos.Offset); ok {
				a.Diagnostics = []protocol.Diagnostic{pd}
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// overlaps reports whether a finding touches the lines [from, to].
func overlaps(d lint.Diagnostic, from, to int, t *text) bool {
	start := t.lineStart(d.Pos.Offset)
	end := d.End.Offset
	if end < d.Pos.Offset {
		end = d.Pos.Offset
	}
	line, ls := t.lineAt(end)
	end = ls + len(line)
	return start <= to && from <= end
}

// restrictAction adds WSGIRestrictProcess to the <Directory> at offset,
// listing the daemon groups selectable there whose user= is the owner of
// the directory (the <user> of /home/<user>/…, as examples/restrict).
func (s *server) restrictAction(snap *snapshot, d *document, offset int) (protocol.CodeAction, bool) {
	if snap.prog == nil || snap.prog.Inventory == nil || snap.prog.Server == nil {
		return protocol.CodeAction{}, false
	}
	name := s.ws.inConfig(d.path)
	inv := snap.prog.Inventory
	for _, e := range inv.Audit(snap.prog.Server, s.ws.programFS()) {
		if e.Restrict != nil || !samePos(e.Directory, name, offset) {
			continue
		}
		owner := ownerOf(e.Path)
		if owner == "" {
			return protocol.CodeAction{}, false
		}
		var groups []string
		for _, g := range inv.Selectable(e.VHost) {
			for _, o := range g.Options {
				if o.Name == "user" && o.Value == owner {
					groups = append(groups, g.Name)
				}
			}
		}
		if len(groups) == 0 {
			return protocol.CodeAction{
				Title:    fmt.Sprintf("Add WSGIRestrictProcess for %s", owner),
				Kind:     protocol.QuickFix,
				Disabled: &protocol.CodeActionDisable{Reason: fmt.Sprintf("no daemon group selectable here runs as user=%s", owner)},
			}, true
		}
		sort.Strings(groups)
		sec := sectionAt(d.ast().Body, offset)
		if sec == nil {
			return protocol.CodeAction{}, false
		}
		indent := sec.Indent() + "    "
		for _, n := range sec.Body {
			if dir, ok := n.(*ast.Directive); ok {
				indent = dir.Indent()
				break
			}
		}
		headerEnd := d.text.lineStart(sec.Pos().Offset) + len(sec.Raw)
		eol := "\n"
		if strings.HasSuffix(sec.Raw, "\r\n") {
			eol = "\r\n"
		}
		insert := indent + "WSGIRestrictProcess " + strings.Join(groups, " ") + eol
		return protocol.CodeAction{
			Title: fmt.Sprintf("Add WSGIRestrictProcess %s (the groups of %s, the owner of %s)", strings.Join(groups, " "), owner, e.Path),
			Kind:  protocol.QuickFix,
			Edit: &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{
				d.uri: {{Range: d.text.rng(headerEnd, headerEnd), NewText: insert}},
			}},
			IsPreferred: true,
		}, true
	}
	return protocol.CodeAction{}, false
}

// ownerOf is <user> in /home/<user>/….
func ownerOf(dir string) string {
	parts := strings.Split(path.Clean(dir), "/")
	if len(parts) > 2 && parts[1] == "home" {
		return parts[2]
	}
	return ""
}

// sectionAt finds the section starting at offset.
func sectionAt(nodes []ast.Node, offset int) *ast.Section {
	var found *ast.Section
	ast.Walk(nodes, func(n ast.Node, _ []*ast.Section) bool {
		if sec, ok := n.(*ast.Section); ok && sec.Pos().Offset == offset {
			found = sec
		}
		return found == nil
	})
	return found
}
