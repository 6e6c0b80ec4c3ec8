package apacheconf

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// Edit is an edit session over the files of a configuration. It reads a
// file the first time one of its nodes is asked for, parses it as it is
// written (parser.ParseFile: no Include, no ${VAR}, every byte kept) and
// hands out that file's nodes to be changed with the ast package's
// functions; Changes, Diff and Write then give back what changed. Bytes
// no edit touched stay identical.
//
// A node of the loaded tree (Config.Loaded, an Explain step, a lint
// finding's position) is not the editable node: Node, Directive, Section
// and At find the editable one at the same place of the same file.
//
// Paths are absolute configuration paths ("/etc/apache2/ports.conf"),
// read through the session's fs.FS rooted at "/".
type Edit struct {
	loaded *parser.Loaded // for the methods that work in loaded contexts
	fsys   fs.FS
	alt    fs.FS // a second place to look, for .htaccess files (Content)
	files  map[string]*editFile
	order  []string
	// added holds the nodes Add put in each loaded context (nil: the
	// main server), which the loaded tree does not have.
	added map[*ast.Section][]ast.Node
}

type editFile struct {
	path  string
	src   []byte // as read; nil for a new file
	isNew bool
	mode  fs.FileMode
	tree  *ast.File
	perr  error            // the syntax errors of src
	at    map[int]ast.Node // nodes by the offset of their position
}

// Edit starts an edit session over c's files (read from c.FS, or from
// c.Content for .htaccess files that are not there).
func (c *Config) Edit() *Edit {
	e := NewEdit(c.FS)
	e.loaded = c.Loaded
	if c.opts.Content != nil || c.opts.Chroot != "" { // interfaces holding maps do not compare
		e.alt = c.Content
	}
	return e
}

// NewEdit starts an edit session over the files of fsys, rooted at "/".
func NewEdit(fsys fs.FS) *Edit {
	return &Edit{fsys: fsys, files: map[string]*editFile{}}
}

// File returns the editable tree of the file at path, parsing it the
// first time. A file that cannot be read is an error wrapping the fs
// error; a file with syntax errors is returned with them, as by
// parser.ParseFile (it prints back byte for byte all the same).
func (e *Edit) File(name string) (*ast.File, error) {
	ef, err := e.file(name)
	if ef == nil {
		return nil, err
	}
	return ef.tree, err
}

func (e *Edit) file(name string) (*editFile, error) {
	name = path.Clean("/" + name)
	if ef, ok := e.files[name]; ok {
		return ef, ef.perr
	}
	src, info, err := readFile(e.fsys, name)
	if err != nil && e.alt != nil && errors.Is(err, fs.ErrNotExist) {
		src, info, err = readFile(e.alt, name)
	}
	if err != nil {
		return nil, err
	}
	cfg := parser.Config{HTAccess: path.Base(name) == ".htaccess"}
	tree, perr := cfg.ParseFile(name, src)
	if tree == nil {
		return nil, perr
	}
	ef := &editFile{path: name, src: src, mode: info.Mode().Perm(), tree: tree, perr: perr, at: map[int]ast.Node{}}
	ast.Inspect(tree.Body, func(n ast.Node) bool {
		if p := n.Pos(); p.IsValid() {
			ef.at[p.Offset] = n
		}
		return true
	})
	e.files[name] = ef
	e.order = append(e.order, name)
	return ef, perr
}

func readFile(fsys fs.FS, name string) ([]byte, fs.FileInfo, error) {
	p := fsPath(name)
	info, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, nil, err
	}
	src, err := fs.ReadFile(fsys, p)
	return src, info, err
}

// NewFile returns the tree of a file the session creates at name (empty,
// its lines ending in "\n", new sections indented by the step of the main
// file or of the first file the session read); when the file exists, or
// the session has it already, its tree. A file that exists but cannot be read is an error.
func (e *Edit) NewFile(name string) (*ast.File, error) {
	name = path.Clean("/" + name)
	ef, err := e.file(name)
	if ef != nil {
		return ef.tree, nil // syntax errors or not, it is the file
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	tree := ast.NewFile(name)
	tree.Indent = e.indentUnit()
	ef = &editFile{path: name, isNew: true, mode: 0o644, tree: tree, at: map[int]ast.Node{}}
	e.files[name] = ef
	e.order = append(e.order, name)
	return ef.tree, nil
}

// indentUnit is the indentation step of the tree, for a file the session
// creates: the main file's, else that of the first file the session read
// that shows one ("" when none does).
func (e *Edit) indentUnit() string {
	var names []string
	if e.loaded != nil && len(e.loaded.Files) > 0 {
		names = append(names, e.loaded.Files[0].Path)
	}
	for _, name := range append(names, e.order...) {
		if ef, _ := e.file(name); ef != nil && !ef.isNew {
			if u := ast.IndentUnit(ef.tree); u != "" {
				return u
			}
		}
	}
	return ""
}

// At returns the editable node whose position is pos (a node's Pos(), an
// Explain step's section position), or else the innermost node whose
// source holds pos (a lint finding that points at an argument).
func (e *Edit) At(pos ast.Position) (ast.Node, error) {
	if !pos.IsValid() || pos.Filename == "" {
		return nil, fmt.Errorf("apacheconf: edit: position %s names no place in a file", pos)
	}
	ef, err := e.file(pos.Filename)
	if ef == nil {
		return nil, err
	}
	if n, ok := ef.at[pos.Offset]; ok && n.Pos().Line == pos.Line {
		return n, nil
	}
	var inner ast.Node
	ast.Inspect(ef.tree.Body, func(n ast.Node) bool {
		start, end := n.Pos(), n.End()
		if !start.IsValid() || pos.Offset < start.Offset || pos.Offset >= end.Offset {
			return false
		}
		inner = n
		return true
	})
	if inner == nil {
		return nil, fmt.Errorf("apacheconf: edit: no node at %s in the file as written (a position inside a macro's expansion?)", pos)
	}
	return inner, nil
}

// Node returns the editable node at the place of n, a node of the loaded
// tree (or of this session, which is returned as it is). It is an error
// when the file holds no node of n's kind and name there: n came from a
// <Macro> expansion, or from another version of the file.
func (e *Edit) Node(n ast.Node) (ast.Node, error) {
	m, err := e.At(n.Pos())
	if err != nil {
		return nil, err
	}
	same := false
	switch n := n.(type) {
	case *ast.Directive:
		d, ok := m.(*ast.Directive)
		same = ok && d.Is(n.Name)
	case *ast.Section:
		s, ok := m.(*ast.Section)
		same = ok && s.Is(n.Name)
	default:
		same = fmt.Sprintf("%T", n) == fmt.Sprintf("%T", m)
	}
	if !same {
		return nil, fmt.Errorf("apacheconf: edit: %s holds another node than the one given (the file changed since it was loaded?)", n.Pos())
	}
	return m, nil
}

// Directive is Node for a directive.
func (e *Edit) Directive(d *ast.Directive) (*ast.Directive, error) {
	n, err := e.Node(d)
	if err != nil {
		return nil, err
	}
	return n.(*ast.Directive), nil
}

// Section is Node for a section.
func (e *Edit) Section(s *ast.Section) (*ast.Section, error) {
	n, err := e.Node(s)
	if err != nil {
		return nil, err
	}
	return n.(*ast.Section), nil
}

// Remove deletes the editable node at n's place from its file; a node
// this session added (it has no place yet) is taken out again.
func (e *Edit) Remove(n ast.Node) error {
	if !n.Pos().IsValid() {
		if !e.removeAdded(n) {
			return fmt.Errorf("apacheconf: edit: the %T to remove has no position and is in none of the session's files", n)
		}
		return nil
	}
	m, err := e.Node(n)
	if err != nil {
		return err
	}
	ef := e.files[path.Clean("/"+m.Pos().Filename)]
	if !removeTidy(&ef.tree.Body, m) {
		return fmt.Errorf("apacheconf: edit: %s was already removed", n.Pos())
	}
	return nil
}

// removeAdded removes n, a node the session added, from the file it went
// to (with the blank line Add put before a section).
func (e *Edit) removeAdded(n ast.Node) bool {
	for _, name := range e.order {
		if removeNew(&e.files[name].tree.Body, n) {
			for in, added := range e.added {
				e.added[in] = slices.DeleteFunc(added, func(x ast.Node) bool { return x == n })
			}
			return true
		}
	}
	return false
}

func removeNew(body *[]ast.Node, n ast.Node) bool {
	for i, x := range *body {
		if x == n {
			from := i
			if _, isSec := n.(*ast.Section); isSec && i > 0 {
				if b, ok := (*body)[i-1].(*ast.Blank); ok && b.Raw == "" { // separate's
					from--
				}
			}
			*body = append((*body)[:from], (*body)[i+1:]...)
			return true
		}
		if s, ok := x.(*ast.Section); ok && removeNew(&s.Body, n) {
			return true
		}
	}
	return false
}

// removeTidy removes n from body or below; a section that stood between
// blank lines takes one of them along, so that no double gap is left.
func removeTidy(body *[]ast.Node, n ast.Node) bool {
	for i, x := range *body {
		if x == n {
			j := i + 1
			if _, isSec := n.(*ast.Section); isSec && i > 0 && j < len(*body) {
				_, before := (*body)[i-1].(*ast.Blank)
				_, after := (*body)[j].(*ast.Blank)
				if before && after {
					j++
				}
			}
			*body = append((*body)[:i], (*body)[j:]...)
			return true
		}
		if s, ok := x.(*ast.Section); ok && removeTidy(&s.Body, n) {
			return true
		}
	}
	return false
}

// Change is one file's new content.
type Change struct {
	// Path is the file's absolute configuration path.
	Path     string
	Old, New []byte
	// Created: the file did not exist.
	Created bool
	mode    fs.FileMode
}

// Diff is the change as a unified diff (a/PATH, b/PATH; /dev/null for a
// new file), with three lines of context.
func (c Change) Diff() string {
	from := "a" + c.Path
	if c.Created {
		from = "/dev/null"
	}
	return UnifiedDiff(from, "b"+c.Path, c.Old, c.New)
}

// Changes returns the files whose printed tree differs from what was
// read, in the order the session first read them.
func (e *Edit) Changes() ([]Change, error) {
	var out []Change
	for _, name := range e.order {
		ef := e.files[name]
		b, err := ast.Format(ef.tree)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if !ef.isNew && bytes.Equal(b, ef.src) || ef.isNew && len(b) == 0 {
			continue
		}
		out = append(out, Change{Path: name, Old: ef.src, New: b, Created: ef.isNew, mode: ef.mode})
	}
	return out, nil
}

// Diff returns every change as one unified diff ("" when nothing
// changed).
func (e *Edit) Diff() (string, error) {
	cs, err := e.Changes()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.Diff())
	}
	return b.String(), nil
}

// WriteFS is a file system that can be written to: names are io/fs paths
// (no leading slash), as the session's fs.FS reads them.
type WriteFS interface {
	WriteFile(name string, data []byte, perm fs.FileMode) error
}

// Dir is a directory of this machine standing for "/" (os.DirFS's
// counterpart for writing): Dir("/") writes the machine's files,
// Dir("examples/debian") a copy's.
type Dir string

// WriteFile writes name under the directory, making the directories a new
// file needs. It writes to a temporary file first and renames it, so a
// reader never sees half a configuration.
func (d Dir) WriteFile(name string, data []byte, perm fs.FileMode) error {
	if !fs.ValidPath(name) {
		return &fs.PathError{Op: "write", Path: name, Err: fs.ErrInvalid}
	}
	dst := filepath.Join(string(d), filepath.FromSlash(name))
	// Debian enables a site or a conf with a symbolic link: write the
	// file it points to, and keep the link.
	if real, err := filepath.EvalSymlinks(dst); err == nil {
		dst = real
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is none
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

// Write writes the changed files through w, each with its former
// permissions (0644 for a new file), and returns what it wrote.
func (e *Edit) Write(w WriteFS) ([]Change, error) {
	cs, err := e.Changes()
	if err != nil {
		return nil, err
	}
	for i, c := range cs {
		if err := w.WriteFile(fsPath(c.Path), c.New, c.mode); err != nil {
			return cs[:i], err
		}
		ef := e.files[c.Path]
		ef.src, ef.isNew = c.New, false // written: the next Changes starts from here
	}
	return cs, nil
}

// UnifiedDiff returns the unified diff of old and new under these labels,
// with three lines of context; "" when they are equal. A last line without
// a line terminator is marked as diff(1) marks it.
func UnifiedDiff(oldLabel, newLabel string, old, new []byte) string {
	if bytes.Equal(old, new) {
		return ""
	}
	d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: diffLines(old), B: diffLines(new), FromFile: oldLabel, ToFile: newLabel, Context: 3})
	if err != nil { // writes to a strings.Builder do not fail
		panic(err)
	}
	return d
}

// diffLines splits text after each "\n"; a last line without one carries
// diff(1)'s marker.
func diffLines(text []byte) []string {
	lines := strings.SplitAfter(string(text), "\n")
	if lines[len(lines)-1] == "" {
		return lines[:len(lines)-1]
	}
	lines[len(lines)-1] += "\n\\ No newline at end of file\n"
	return lines
}
