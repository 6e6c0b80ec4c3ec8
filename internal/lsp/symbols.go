package lsp

import (
	"context"
	"errors"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// documentSymbol is the outline: sections (virtual hosts by their
// ServerName), daemon process groups, Define and macros.
func (s *server) documentSymbol(ctx context.Context, p *protocol.DocumentSymbolParams) ([]protocol.DocumentSymbol, error) {
	d, ok := s.document(p.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	return symbolsOf(d.text, d.ast().Body), nil
}

func symbolsOf(t *text, nodes []ast.Node) []protocol.DocumentSymbol {
	out := []protocol.DocumentSymbol{}
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Section:
			if !n.Pos().IsValid() {
				continue
			}
			header := "<" + n.Name
			if a := n.ArgText(); a != "" {
				header += " " + a
			}
			header += ">"
			sym := protocol.DocumentSymbol{
				Name:           header,
				Kind:           protocol.SymbolKindStruct,
				Range:          t.nodeRange(n),
				SelectionRange: t.rng(n.Pos().Offset, t.lineStart(n.Pos().Offset)+len(trimEOL(n.Raw))),
				Children:       symbolsOf(t, n.Body),
			}
			switch {
			case n.Is("VirtualHost"):
				sym.Kind = protocol.SymbolKindNamespace
				sym.Name, sym.Detail = n.ArgText(), header
				if sn := ast.Find(n, "ServerName"); len(sn) > 0 && len(sn[0].Args) > 0 {
					sym.Name = sn[0].Args[0].Value
				}
				if sa := ast.Find(n, "ServerAlias"); len(sa) > 0 {
					var names []string
					for _, d := range sa {
						names = append(names, d.Values()...)
					}
					sym.Detail = header + " " + strings.Join(names, " ")
				}
			case n.Is("Macro"):
				sym.Kind = protocol.SymbolKindFunction
			}
			if sym.Name == "" {
				sym.Name = header
			}
			out = append(out, sym)
		case *ast.Directive:
			kind := protocol.SymbolKind(0)
			switch n.Canonical() {
			case "wsgidaemonprocess":
				kind = protocol.SymbolKindObject
			case "define":
				kind = protocol.SymbolKindConstant
			case "listen":
				kind = protocol.SymbolKindEvent
			}
			if kind == 0 || len(n.Args) == 0 {
				continue
			}
			r := t.nodeRange(n)
			out = append(out, protocol.DocumentSymbol{
				Name: n.Args[0].Value, Detail: n.Name, Kind: kind, Range: r, SelectionRange: r,
			})
		}
	}
	return out
}

// foldingRange folds sections (their closing tag stays visible) and
// runs of comment lines.
func (s *server) foldingRange(ctx context.Context, p *protocol.FoldingRangeParams) ([]protocol.FoldingRange, error) {
	d, ok := s.document(p.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	out := []protocol.FoldingRange{}
	t := d.text
	var walk func(nodes []ast.Node)
	walk = func(nodes []ast.Node) {
		commentStart, commentEnd := -1, -1
		flush := func() {
			if commentStart >= 0 && commentEnd > commentStart {
				out = append(out, protocol.FoldingRange{StartLine: uint32(commentStart), EndLine: uint32(commentEnd), Kind: protocol.CommentFoldingRange})
			}
			commentStart = -1
		}
		for _, n := range nodes {
			if !n.Pos().IsValid() {
				continue
			}
			line := int(t.position(n.Pos().Offset).Line)
			if _, ok := n.(*ast.Comment); ok {
				if commentStart < 0 || line != commentEnd+1 {
					flush()
					commentStart = line
				}
				commentEnd = line
				continue
			}
			flush()
			sec, ok := n.(*ast.Section)
			if !ok {
				continue
			}
			end := int(t.position(max(sec.End().Offset-1, sec.Pos().Offset)).Line)
			if sec.CloseAt.IsValid() {
				end = int(t.position(sec.CloseAt.Position().Offset).Line) - 1
			}
			if end > line {
				out = append(out, protocol.FoldingRange{StartLine: uint32(line), EndLine: uint32(end), Kind: protocol.RegionFoldingRange})
			}
			walk(sec.Body)
		}
		flush()
	}
	walk(d.ast().Body)
	return out, nil
}

// formatting is apacheconf fmt: ast.Reformat's layout. A file with
// syntax errors is left alone, as fmt leaves it.
func (s *server) formatting(ctx context.Context, p *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	d, ok := s.document(p.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	cfg := parser.Config{HTAccess: isHTAccess(d.path)}
	f, err := cfg.ParseString(d.path, d.text.src)
	if err != nil {
		var list parser.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "not formatted: %s", list[0].Error())
		}
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "not formatted: %v", err)
	}
	// The editor's indentation settings; without them the file's own.
	unit := ""
	switch {
	case p.Options.InsertSpaces && p.Options.TabSize > 0:
		unit = strings.Repeat(" ", int(p.Options.TabSize))
	case !p.Options.InsertSpaces && p.Options.TabSize > 0:
		unit = "\t"
	}
	ast.Reformat(f, unit)
	out, err := ast.Format(f)
	if err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "format: %v", err)
	}
	return minimalEdit(d.text, string(out)), nil
}

// minimalEdit is one edit turning t into after, covering only the lines
// that differ.
func minimalEdit(t *text, after string) []protocol.TextEdit {
	if t.src == after {
		return []protocol.TextEdit{}
	}
	a, b := strings.SplitAfter(t.src, "\n"), strings.SplitAfter(after, "\n")
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	from := len(strings.Join(a[:pre], ""))
	to := len(t.src) - len(strings.Join(a[len(a)-suf:], ""))
	return []protocol.TextEdit{{
		Range:   t.rng(from, to),
		NewText: strings.Join(b[pre:len(b)-suf], ""),
	}}
}
