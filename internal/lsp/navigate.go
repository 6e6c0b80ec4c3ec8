package lsp

import (
	"context"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"unsafe"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

// symbol is what definition and references are about.
type symbol struct {
	kind string // "macro", "group", "var", "vhost", "include"
	name string
	node ast.Node // for vhost and include: the line
}

// symbolAt finds the symbol under the cursor.
func symbolAt(c *cursor) (symbol, bool) {
	// ${VAR} under the cursor, in any line.
	if i := strings.LastIndex(c.doc.text.src[c.wordStart:c.off], "${"); i >= 0 {
		rest := c.doc.text.src[c.wordStart+i+2 : c.wordEnd]
		if j := strings.IndexByte(rest, '}'); j > 0 && c.wordStart+i+2+j >= c.off {
			return symbol{kind: "var", name: rest[:j]}, true
		}
	}
	switch n := c.node.(type) {
	case *ast.Directive:
		switch n.Canonical() {
		case "use":
			if len(n.Args) > 0 {
				return symbol{kind: "macro", name: n.Args[0].Value}, true
			}
		case "define", "undefine":
			if len(n.Args) > 0 {
				return symbol{kind: "var", name: n.Args[0].Value}, true
			}
		case "include", "includeoptional":
			return symbol{kind: "include", node: n}, len(n.Args) > 0
		case "wsgidaemonprocess", "wsgiprocessgroup":
			if len(n.Args) > 0 && !strings.HasPrefix(n.Args[0].Value, "%{") {
				return symbol{kind: "group", name: n.Args[0].Value}, true
			}
		case "wsgirestrictprocess":
			if c.arg >= 0 {
				return symbol{kind: "group", name: n.Args[c.arg].Value}, true
			}
		}
		if c.arg >= 0 {
			if g, ok := strings.CutPrefix(n.Args[c.arg].Value, "process-group="); ok && !strings.HasPrefix(g, "%{") {
				return symbol{kind: "group", name: g}, true
			}
		}
	case *ast.Section:
		switch {
		case n.Is("Macro") && len(n.Args) > 0:
			return symbol{kind: "macro", name: n.Args[0].Value}, true
		case n.Is("VirtualHost") && c.header:
			return symbol{kind: "vhost", node: n}, true
		}
	}
	return symbol{}, false
}

// parsedFile is a tree file's parse, kept while its text is the same.
type parsedFile struct {
	data *byte
	file *ast.File
}

// treeFiles parses every configuration file of a snapshot (with
// comments: navigation points at what is written).
func (s *server) treeFiles(snap *snapshot) []*ast.File {
	if snap == nil {
		return nil
	}
	if s.parsed == nil {
		s.parsed = map[string]parsedFile{}
	}
	seen := map[string]bool{}
	var out []*ast.File
	add := func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		onDisk := s.ws.onDisk(name)
		if d, ok := s.docs[onDisk]; ok {
			out = append(out, d.ast())
			return
		}
		b, err := s.ws.fs.ReadFile(scope.FSPath(name))
		if err != nil || len(b) == 0 {
			return
		}
		if p, ok := s.parsed[name]; ok && p.data == unsafe.SliceData(b) {
			out = append(out, p.file)
			return
		}
		f, _ := parser.ParseFile(name, b)
		if f == nil {
			return
		}
		s.parsed[name] = parsedFile{unsafe.SliceData(b), f}
		out = append(out, f)
	}
	add(snap.tree.main)
	for _, f := range snap.loaded.Files {
		add(f.Path)
	}
	return out
}

// location is a node's place (or one of its arguments', arg >= 0).
func (s *server) location(n ast.Node, arg int) protocol.Location {
	p := n.Pos()
	path := s.ws.onDisk(p.Filename)
	t := s.textOf(path)
	from, to := p.Offset, p.Offset
	switch n := n.(type) {
	case *ast.Directive:
		to = from + len(n.Name)
		if arg >= 0 && arg < len(n.Args) {
			from = n.ArgPos(arg).Offset
			to = from + max(len(n.Args[arg].Raw), len(n.Args[arg].Value))
		}
	case *ast.Section:
		to = t.lineStart(from) + len(trimEOL(n.Raw))
		if arg >= 0 && arg < len(n.Args) {
			from = n.ArgPos(arg).Offset
			to = from + max(len(n.Args[arg].Raw), len(n.Args[arg].Value))
		}
	}
	return protocol.Location{URI: uri.File(path), Range: t.rng(from, to)}
}

func (s *server) definition(ctx context.Context, p *protocol.DefinitionParams) ([]protocol.Location, error) {
	snap, sym, ok := s.symbolUnder(ctx, p.TextDocument.URI, p.Position)
	if !ok {
		return nil, nil
	}
	return s.definitions(snap, sym), nil
}

// symbolUnder is the symbol at a position of an open document, with the
// snapshot of its tree; false when there is none.
func (s *server) symbolUnder(ctx context.Context, u protocol.DocumentURI, pos protocol.Position) (*snapshot, symbol, bool) {
	d, ok := s.document(u)
	if !ok {
		return nil, symbol{}, false
	}
	sym, ok := symbolAt(s.cursorAt(d, pos))
	if !ok {
		return nil, symbol{}, false
	}
	snap := s.snapshotFor(ctx, d.path)
	return snap, sym, snap != nil
}

func (s *server) definitions(snap *snapshot, sym symbol) []protocol.Location {
	var out []protocol.Location
	switch sym.kind {
	case "include":
		for _, f := range s.includeTargets(snap, sym.node.(*ast.Directive)) {
			out = append(out, protocol.Location{URI: uri.File(s.ws.onDisk(f))})
		}
	case "vhost":
		return s.sharingAddress(snap, sym.node.(*ast.Section))
	default:
		s.eachNode(snap, func(n ast.Node) {
			switch n := n.(type) {
			case *ast.Section:
				if sym.kind == "macro" && n.Is("Macro") && len(n.Args) > 0 && strings.EqualFold(n.Args[0].Value, sym.name) {
					out = append(out, s.location(n, 0))
				}
			case *ast.Directive:
				switch {
				case sym.kind == "group" && n.Is("WSGIDaemonProcess") && len(n.Args) > 0 && n.Args[0].Value == sym.name:
					out = append(out, s.location(n, 0))
				case sym.kind == "var" && n.Is("Define") && len(n.Args) > 0 && strings.EqualFold(n.Args[0].Value, sym.name):
					out = append(out, s.location(n, 0))
				}
			}
		})
	}
	return out
}

func (s *server) references(ctx context.Context, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	snap, sym, ok := s.symbolUnder(ctx, p.TextDocument.URI, p.Position)
	if !ok {
		return nil, nil
	}
	var out []protocol.Location
	if p.Context.IncludeDeclaration || sym.kind == "vhost" {
		out = s.definitions(snap, sym)
	}
	if sym.kind == "include" || sym.kind == "vhost" {
		return out, nil
	}
	s.eachNode(snap, func(n ast.Node) {
		switch sym.kind {
		case "macro":
			if d, ok := n.(*ast.Directive); ok && d.Is("Use") && len(d.Args) > 0 && strings.EqualFold(d.Args[0].Value, sym.name) {
				out = append(out, s.location(d, 0))
			}
		case "group":
			d, ok := n.(*ast.Directive)
			if !ok {
				return
			}
			for i, a := range d.Args {
				switch {
				case (d.Is("WSGIProcessGroup") || d.Is("WSGIRestrictProcess")) && a.Value == sym.name,
					!d.Is("WSGIDaemonProcess") && a.Value == "process-group="+sym.name:
					out = append(out, s.location(d, i))
				}
			}
		case "var":
			out = append(out, s.varUses(n, sym.name)...)
		}
	})
	return out, nil
}

// varUses finds ${name} in a node's line.
func (s *server) varUses(n ast.Node, name string) []protocol.Location {
	var raw string
	var indent int
	switch n := n.(type) {
	case *ast.Directive:
		raw, indent = n.Raw, len(n.Indent())
	case *ast.Section:
		raw, indent = n.Raw, len(n.Indent())
	default:
		return nil
	}
	ref := "${" + strings.ToLower(name) + "}"
	lower := strings.ToLower(raw)
	var out []protocol.Location
	start := n.Pos().Offset - indent
	path := s.ws.onDisk(n.Pos().Filename)
	for i := 0; ; {
		j := strings.Index(lower[i:], ref)
		if j < 0 {
			break
		}
		t := s.textOf(path)
		out = append(out, protocol.Location{URI: uri.File(path), Range: t.rng(start+i+j, start+i+j+len(ref))})
		i += j + len(ref)
	}
	return out
}

// eachNode calls f for every directive and section of the tree's files.
func (s *server) eachNode(snap *snapshot, f func(ast.Node)) {
	for _, file := range s.treeFiles(snap) {
		ast.Walk(file.Body, func(n ast.Node, _ []*ast.Section) bool {
			switch n.(type) {
			case *ast.Directive, *ast.Section:
				f(n)
			}
			return true
		})
	}
}

// includeTargets lists the files an Include reads, as the loader finds
// them: ${VAR} expanded, relative to ServerRoot, a wildcard's matches
// and a directory's files in order.
func (s *server) includeTargets(snap *snapshot, d *ast.Directive) []string {
	pattern := expandVars(d.Args[len(d.Args)-1].Value, snap.loaded.Vars)
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(snap.loaded.ServerRoot, pattern)
	}
	pattern = filepath.Clean(pattern)
	var out []string
	if strings.ContainsAny(pattern, "*?[") {
		matches, _ := fs.Glob(s.ws.fs, scope.FSPath(pattern))
		for _, m := range matches {
			if info, err := fs.Stat(s.ws.fs, m); err == nil && !info.IsDir() {
				out = append(out, "/"+m)
			}
		}
		sort.Strings(out)
		return out
	}
	info, err := fs.Stat(s.ws.fs, scope.FSPath(pattern))
	if err != nil {
		return nil
	}
	if !info.IsDir() {
		return []string{pattern}
	}
	_ = fs.WalkDir(s.ws.fs, scope.FSPath(pattern), func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			out = append(out, "/"+p)
		}
		return nil
	})
	return out
}

// expandVars replaces ${NAME} by the Define'd value (httpd looks names
// up without regard to case); unknown names stay.
func expandVars(s string, vars map[string]string) string {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return s
		}
		v, ok := vars[strings.ToLower(s[i+2:i+j])]
		if !ok {
			return s
		}
		s = s[:i] + v + s[i+j+1:]
	}
}

// sharingAddress lists the other virtual hosts on an address of sec.
func (s *server) sharingAddress(snap *snapshot, sec *ast.Section) []protocol.Location {
	if snap.prog == nil || snap.prog.Server == nil {
		return nil
	}
	var self *scope.VirtualHost
	for _, v := range snap.prog.Server.VHosts {
		if v.Section != nil && v.Section.Pos().Offset == sec.Pos().Offset && s.ws.onDisk(v.Section.Pos().Filename) == s.ws.onDisk(sec.Pos().Filename) {
			self = v
		}
	}
	if self == nil {
		return nil
	}
	var out []protocol.Location
	for _, v := range snap.prog.Server.VHosts {
		if v == self || !shareAddr(v, self) {
			continue
		}
		out = append(out, s.location(v.Section, -1))
	}
	return out
}

func shareAddr(a, b *scope.VirtualHost) bool {
	for _, x := range a.Addrs {
		for _, y := range b.Addrs {
			if x.IP == y.IP && (x.Port == y.Port || x.Port == 0 || y.Port == 0) {
				return true
			}
		}
	}
	return false
}
