package lsp

import (
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/scope"
)

// cursor is what a position in a document points at.
type cursor struct {
	doc *document
	off int
	// node is the line's node: a directive, a section (its opening or
	// closing line), a comment; nil on a blank line or past the end.
	node ast.Node
	// parents are the sections around node (or around the cursor when
	// node is nil), outermost first.
	parents []*ast.Section
	// header: the cursor is on a section's opening line.
	header bool
	// arg is the index of the argument under the cursor; -1 on the name
	// (or between words).
	arg int
	// word is the whitespace-delimited word under the cursor, from
	// wordStart to wordEnd.
	word               string
	wordStart, wordEnd int
}

// document returns an open document, or the file read from disk as one.
func (s *server) document(u protocol.DocumentURI) (*document, bool) {
	path, err := filenameOf(u)
	if err != nil {
		return nil, false
	}
	if d, ok := s.docs[path]; ok {
		return d, true
	}
	b, err := s.ws.fs.ReadFile(scope.FSPath(path))
	if err != nil {
		return nil, false
	}
	return &document{uri: u, path: path, text: newText(string(b))}, true
}

// lineStart is the offset where the line holding off starts.
func (t *text) lineStart(off int) int {
	_, start := t.lineAt(off)
	return start
}

func (s *server) cursorAt(d *document, p protocol.Position) *cursor {
	c := &cursor{doc: d, off: d.text.offset(p), arg: -1}
	f := d.ast()
	src := d.text.src
	// The word under the cursor.
	isSpace := func(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }
	c.wordStart, c.wordEnd = c.off, c.off
	for c.wordStart > 0 && !isSpace(src[c.wordStart-1]) {
		c.wordStart--
	}
	for c.wordEnd < len(src) && !isSpace(src[c.wordEnd]) {
		c.wordEnd++
	}
	c.word = src[c.wordStart:c.wordEnd]

	line := int(p.Line)
	var walk func(nodes []ast.Node, parents []*ast.Section)
	walk = func(nodes []ast.Node, parents []*ast.Section) {
		for _, n := range nodes {
			if !n.Pos().IsValid() {
				continue
			}
			first := int(d.text.position(d.text.lineStart(n.Pos().Offset)).Line)
			last := int(d.text.position(max(n.End().Offset-1, n.Pos().Offset)).Line)
			if line < first || line > last {
				continue
			}
			sec, ok := n.(*ast.Section)
			if !ok {
				c.node, c.parents = n, append([]*ast.Section(nil), parents...)
				return
			}
			headerEnd := d.text.lineStart(sec.Pos().Offset) + len(sec.Raw)
			headerLast := int(d.text.position(max(headerEnd-1, sec.Pos().Offset)).Line)
			closeLine := -1
			if sec.CloseAt.IsValid() {
				closeLine = int(d.text.position(sec.CloseAt.Position().Offset).Line)
			}
			if line <= headerLast || line == closeLine {
				c.node, c.parents, c.header = sec, append([]*ast.Section(nil), parents...), line <= headerLast
				return
			}
			c.parents = append(append([]*ast.Section(nil), parents...), sec)
			walk(sec.Body, c.parents)
			return
		}
	}
	walk(f.Body, nil)

	switch n := c.node.(type) {
	case *ast.Directive:
		c.arg = argAt(c.off, n.ArgPositions(), n.Args)
	case *ast.Section:
		if c.header {
			c.arg = argAt(c.off, n.ArgPositions(), n.Args)
		}
	}
	return c
}

func argAt(off int, pos []ast.Position, args []ast.Arg) int {
	for i := range args {
		if i >= len(pos) {
			break
		}
		w := len(args[i].Raw)
		if w == 0 {
			w = len(args[i].Value)
		}
		if pos[i].Offset <= off && off <= pos[i].Offset+w {
			return i
		}
	}
	return -1
}

// context names the sections around the cursor as directive.Context
// wants them: the conditionals the loader evaluates left out.
func contextSections(parents []*ast.Section) []string {
	var out []string
	for _, p := range parents {
		if conditional[p.Canonical()] {
			continue
		}
		out = append(out, p.Name)
	}
	return out
}

var conditional = map[string]bool{
	"ifmodule": true, "ifdefine": true, "ifversion": true, "iffile": true,
	"ifdirective": true, "ifsection": true,
}

// isHTAccess reports whether a file is read as .htaccess.
func isHTAccess(path string) bool { return filepath.Base(path) == ".htaccess" }

// samePos reports whether a node of the analysed tree is the one at
// file:offset of a document.
func samePos(n ast.Node, file string, offset int) bool {
	if n == nil {
		return false
	}
	p := n.Pos()
	return p.Filename == file && p.Offset == offset
}

// vhostOf finds the analysed server of the <VirtualHost> around the
// cursor (the main server outside one).
func (s *server) vhostOf(snap *snapshot, c *cursor) *scope.VirtualHost {
	if snap == nil || snap.prog == nil || snap.prog.Server == nil {
		return nil
	}
	if h := s.htaccessOf(snap, c); h != nil {
		return h.Server
	}
	name := s.ws.inConfig(c.doc.path)
	sections := c.parents
	if sec, ok := c.node.(*ast.Section); ok && sec.Is("VirtualHost") {
		sections = append(sections, sec)
	}
	for i := len(sections) - 1; i >= 0; i-- {
		if !sections[i].Is("VirtualHost") {
			continue
		}
		for _, v := range snap.prog.Server.VHosts {
			if samePos(v.Section, name, sections[i].Pos().Offset) {
				return v
			}
		}
		return nil // not in the analysed tree (a file it does not read)
	}
	return snap.prog.Server.Main
}

// directoryOf is the path of the innermost <Directory> around the cursor
// (including a <Directory> the cursor is on), and the section;
// "" when there is none or it is a regex.
func directoryOf(c *cursor) (string, *ast.Section) {
	sections := c.parents
	if sec, ok := c.node.(*ast.Section); ok {
		sections = append(sections, sec)
	}
	for i := len(sections) - 1; i >= 0; i-- {
		sec := sections[i]
		switch sec.Canonical() {
		case "directory":
			if len(sec.Args) == 1 && !strings.ContainsAny(sec.Args[0].Value, "*?[") {
				return sec.Args[0].Value, sec
			}
			return "", sec
		case "directorymatch", "location", "locationmatch", "files", "filesmatch", "if", "elseif", "else", "proxy", "proxymatch":
			return "", sec
		}
	}
	return "", nil
}

// htaccessOf is the analysed .htaccess the cursor's document is, or nil.
func (s *server) htaccessOf(snap *snapshot, c *cursor) *lint.HTAccess {
	if !isHTAccess(c.doc.path) || snap == nil || snap.prog == nil {
		return nil
	}
	name := s.ws.inConfig(c.doc.path)
	for _, h := range snap.prog.HTAccessFiles() {
		if h.File.Name == name {
			return h
		}
	}
	return nil
}

// placeOf is where a request meets the cursor's line: the server, and
// the directory (a <Directory>'s path, a .htaccess's directory; "" when
// neither) or the section merged per request instead (<Location> …).
func (s *server) placeOf(snap *snapshot, c *cursor) (*scope.VirtualHost, string, *ast.Section) {
	v := s.vhostOf(snap, c)
	dir, sec := directoryOf(c)
	if h := s.htaccessOf(snap, c); h != nil && sec == nil {
		dir = h.Dir
	}
	return v, dir, sec
}
