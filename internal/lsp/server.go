package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/lint/report"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

// Options control Serve.
type Options struct {
	// FS is the disk, rooted at "/" (default os.DirFS("/")).
	FS fs.FS
	// Log receives the server's own log lines (default: none).
	Log io.Writer
}

// Serve runs a language server on a connection (stdin and stdout for an
// editor) until the client says exit or the connection closes.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) error {
	if opts.FS == nil {
		opts.FS = os.DirFS("/")
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(rwc))
	s := &server{
		conn:      conn,
		ws:        newWorkspace(opts.FS),
		log:       opts.Log,
		docs:      map[string]*document{},
		pending:   map[*tree][]string{},
		kick:      make(chan struct{}, 1),
		progress:  make(chan struct{}),
		published: map[protocol.DocumentURI]string{},
		texts:     map[string]cachedText{},
	}
	conn.Go(ctx, s.handle)
	go s.worker(ctx)
	select {
	case <-conn.Done():
	case <-ctx.Done():
		conn.Close()
		<-conn.Done()
	}
	if err := conn.Err(); err != nil && !s.exited && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrClosedPipe) {
		return err
	}
	return nil
}

// server is one client's session.
type server struct {
	conn     jsonrpc2.Conn
	ws       *workspace
	log      io.Writer
	snippets bool // the client takes snippet completions
	exited   bool

	docs   map[string]*document  // open documents by absolute path (handler goroutine only)
	parsed map[string]parsedFile // the tree's other files (handler goroutine only)

	// The analysis worker: pending edits by tree, and how far it got.
	mu        sync.Mutex
	pending   map[*tree][]string
	requested uint64
	done      uint64
	kick      chan struct{}
	progress  chan struct{} // closed and replaced when done advances
	published map[protocol.DocumentURI]string
	texts     map[string]cachedText // worker goroutine only
}

// document is an open document.
type document struct {
	uri     protocol.DocumentURI
	path    string
	version int32
	text    *text
	file    *ast.File // parsed lazily
}

// ast parses the document (with comments and blank lines: requests
// answer about what is written).
func (d *document) ast() *ast.File {
	if d.file == nil {
		cfg := parser.Config{HTAccess: filepath.Base(d.path) == ".htaccess"}
		d.file, _ = cfg.ParseString(d.path, d.text.src)
		if d.file == nil {
			d.file = &ast.File{Name: d.path}
		}
	}
	return d.file
}

func (s *server) logf(format string, args ...any) {
	fmt.Fprintf(s.log, "apacheconf lsp: "+format+"\n", args...)
}

// handle dispatches one message. It runs on the connection's reader
// goroutine, so messages are handled in order; it must not fail (an
// error closes the connection), so problems go back in replies.
func (s *server) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.logf("panic in %s: %v\n%s", req.Method(), r, debug.Stack())
			err = reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "%s: internal error: %v", req.Method(), r))
		}
	}()
	switch req.Method() {
	case protocol.MethodInitialize:
		return call(ctx, reply, req, s.initialize)
	case protocol.MethodInitialized, protocol.MethodWorkspaceDidChangeConfiguration, "$/setTrace", "$/cancelRequest":
		return nil
	case protocol.MethodShutdown:
		return reply(ctx, nil, nil)
	case protocol.MethodExit:
		s.exited = true
		return s.conn.Close()
	case protocol.MethodTextDocumentDidOpen:
		return notify(ctx, req, s.didOpen)
	case protocol.MethodTextDocumentDidChange:
		return notify(ctx, req, s.didChange)
	case protocol.MethodTextDocumentDidClose:
		return notify(ctx, req, s.didClose)
	case protocol.MethodTextDocumentDidSave:
		return notify(ctx, req, s.didSave)
	case protocol.MethodWorkspaceDidChangeWatchedFiles:
		return notify(ctx, req, s.didChangeWatched)
	case protocol.MethodTextDocumentHover:
		return call(ctx, reply, req, s.hover)
	case protocol.MethodTextDocumentDefinition:
		return call(ctx, reply, req, s.definition)
	case protocol.MethodTextDocumentReferences:
		return call(ctx, reply, req, s.references)
	case protocol.MethodTextDocumentCompletion:
		return call(ctx, reply, req, s.completion)
	case protocol.MethodTextDocumentDocumentSymbol:
		return call(ctx, reply, req, s.documentSymbol)
	case protocol.MethodTextDocumentFormatting:
		return call(ctx, reply, req, s.formatting)
	case protocol.MethodTextDocumentCodeAction:
		return call(ctx, reply, req, s.codeAction)
	case protocol.MethodTextDocumentFoldingRange:
		return call(ctx, reply, req, s.foldingRange)
	}
	if _, ok := req.(*jsonrpc2.Call); !ok {
		return nil // an unknown notification is ignored
	}
	return reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not supported: %s", req.Method()))
}

func call[P, R any](ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request, f func(context.Context, *P) (R, error)) error {
	var p P
	if err := json.Unmarshal(req.Params(), &p); err != nil {
		return reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: %v", req.Method(), err))
	}
	r, err := f(ctx, &p)
	if err != nil {
		return reply(ctx, nil, err)
	}
	return reply(ctx, r, nil)
}

func notify[P any](ctx context.Context, req jsonrpc2.Request, f func(context.Context, *P) error) error {
	var p P
	if err := json.Unmarshal(req.Params(), &p); err != nil {
		return nil
	}
	_ = f(ctx, &p)
	return nil
}

func (s *server) initialize(ctx context.Context, p *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	if p.InitializationOptions != nil {
		b, _ := json.Marshal(p.InitializationOptions)
		// Lua clients encode an empty table as [].
		if string(b) == "[]" {
			b = []byte("{}")
		}
		if err := json.Unmarshal(b, &s.ws.settings); err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "initializationOptions: %v", err)
		}
	}
	switch {
	case len(p.WorkspaceFolders) > 0:
		s.ws.rootDir, _ = filenameOf(protocol.DocumentURI(p.WorkspaceFolders[0].URI))
	case p.RootURI != "":
		s.ws.rootDir, _ = filenameOf(p.RootURI)
	case p.RootPath != "":
		s.ws.rootDir = p.RootPath
	}
	if c := p.Capabilities.TextDocument; c != nil && c.Completion != nil && c.Completion.CompletionItem != nil {
		s.snippets = c.Completion.CompletionItem.SnippetSupport
	}
	return &protocol.InitializeResult{
		Capabilities: protocol.ServerCapabilities{
			TextDocumentSync: protocol.TextDocumentSyncOptions{
				OpenClose: true,
				Change:    protocol.TextDocumentSyncKindFull,
				Save:      &protocol.SaveOptions{},
			},
			HoverProvider:              true,
			DefinitionProvider:         true,
			ReferencesProvider:         true,
			CompletionProvider:         &protocol.CompletionOptions{TriggerCharacters: []string{"<", " ", "="}},
			DocumentSymbolProvider:     true,
			DocumentFormattingProvider: true,
			CodeActionProvider: &protocol.CodeActionOptions{
				CodeActionKinds: []protocol.CodeActionKind{protocol.QuickFix},
			},
			FoldingRangeProvider: true,
		},
		ServerInfo: &protocol.ServerInfo{Name: "apacheconf", Version: report.ToolVersion},
	}, nil
}

// filenameOf is the path of a file: URI.
func filenameOf(u protocol.DocumentURI) (string, error) {
	p, err := url.Parse(string(u))
	if err != nil {
		return "", err
	}
	if p.Scheme != "file" {
		return "", fmt.Errorf("%s: not a file: URI", u)
	}
	return filepath.Clean(filepath.FromSlash(p.Path)), nil
}

func (s *server) didOpen(ctx context.Context, p *protocol.DidOpenTextDocumentParams) error {
	path, err := filenameOf(p.TextDocument.URI)
	if err != nil {
		return err
	}
	s.docs[path] = &document{uri: p.TextDocument.URI, path: path, version: p.TextDocument.Version, text: newText(p.TextDocument.Text)}
	s.ws.fs.set(scope.FSPath(path), []byte(p.TextDocument.Text))
	s.ws.mu.Lock()
	s.ws.open[path] = true
	s.ws.mu.Unlock()
	t := s.ws.treeFor(s.ws.inConfig(path))
	s.schedule(t, s.ws.inConfig(path))
	return nil
}

func (s *server) didChange(ctx context.Context, p *protocol.DidChangeTextDocumentParams) error {
	path, err := filenameOf(p.TextDocument.URI)
	if err != nil {
		return err
	}
	d := s.docs[path]
	if d == nil || len(p.ContentChanges) == 0 {
		return nil
	}
	// Full synchronisation: the last change is the whole text.
	src := p.ContentChanges[len(p.ContentChanges)-1].Text
	d.version, d.text, d.file = p.TextDocument.Version, newText(src), nil
	s.ws.fs.set(scope.FSPath(path), []byte(src))
	name := s.ws.inConfig(path)
	s.schedule(s.ws.treeFor(name), name)
	return nil
}

func (s *server) didClose(ctx context.Context, p *protocol.DidCloseTextDocumentParams) error {
	path, err := filenameOf(p.TextDocument.URI)
	if err != nil {
		return err
	}
	delete(s.docs, path)
	s.ws.fs.drop(scope.FSPath(path))
	s.ws.mu.Lock()
	delete(s.ws.open, path)
	s.ws.mu.Unlock()
	// The disk's version is what the tree holds now.
	name := s.ws.inConfig(path)
	s.schedule(s.ws.treeFor(name), name)
	return nil
}

func (s *server) didSave(ctx context.Context, p *protocol.DidSaveTextDocumentParams) error {
	if path, err := filenameOf(p.TextDocument.URI); err == nil {
		s.ws.fs.forgetFile(scope.FSPath(path))
	}
	return nil
}

// didChangeWatched: files changed on disk (a .htaccess, an Include
// target, a save). A changed file the editor has open is already known;
// another is analysed again in the trees that read it; a file created or
// deleted may change what a wildcard Include reads: those trees reload.
func (s *server) didChangeWatched(ctx context.Context, p *protocol.DidChangeWatchedFilesParams) error {
	s.ws.mu.Lock()
	var trees []*tree
	for _, t := range s.ws.trees {
		trees = append(trees, t)
	}
	s.ws.mu.Unlock()
	for _, ev := range p.Changes {
		path, err := filenameOf(ev.URI)
		if err != nil {
			continue
		}
		s.ws.fs.forgetFile(scope.FSPath(path))
		if _, open := s.docs[path]; open && ev.Type == protocol.FileChangeTypeChanged {
			continue
		}
		name := s.ws.inConfig(path)
		for _, t := range trees {
			s.ws.mu.Lock()
			reads := t.snap.includes(name)
			s.ws.mu.Unlock()
			switch {
			case ev.Type != protocol.FileChangeTypeChanged:
				s.schedule(t, t.main) // the main file: a full reload
			case reads:
				s.schedule(t, name)
			}
		}
	}
	return nil
}

// schedule queues a tree for analysis after an edit of file.
func (s *server) schedule(t *tree, file string) {
	s.mu.Lock()
	s.pending[t] = append(s.pending[t], file)
	s.requested++
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// worker analyses the trees with pending edits, one batch at a time:
// edits made during an analysis are taken together by the next.
func (s *server) worker(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		}
		s.mu.Lock()
		pending, upTo := s.pending, s.requested
		s.pending = map[*tree][]string{}
		s.mu.Unlock()
		for t, files := range pending {
			s.analyzeAndPublish(ctx, t, files)
		}
		s.mu.Lock()
		s.done = upTo
		close(s.progress)
		s.progress = make(chan struct{})
		s.mu.Unlock()
	}
}

// analyzeAndPublish brings one tree up to date and sends its
// diagnostics. A panic (a bug) is logged and the tree keeps its last
// analysis: the server carries on.
func (s *server) analyzeAndPublish(ctx context.Context, t *tree, files []string) {
	defer func() {
		if r := recover(); r != nil {
			s.logf("panic analysing %s: %v\n%s", t.main, r, debug.Stack())
		}
	}()
	slices.Sort(files)
	files = slices.Compact(files)
	files = slices.DeleteFunc(files, func(f string) bool { return f == "" }) // a request's first load
	start := time.Now()
	snap := s.ws.prepare(t, files)
	if snap.incremental && t.lintTime > quickAbove {
		s.publishQuick(ctx, snap, s.ws.quick(snap, files))
		s.logf("%s: quick answer in %v", t.main, time.Since(start).Round(time.Millisecond))
	}
	lintStart := time.Now()
	s.ws.lint(snap)
	t.lintTime = time.Since(lintStart)
	s.ws.mu.Lock()
	t.snap = snap
	s.ws.mu.Unlock()
	s.logf("%s: analysed in %v (incremental %v)", t.main, time.Since(start).Round(time.Millisecond), snap.incremental)
	s.publish(ctx, snap, files)
	// An open file its main file does not read is linted alone.
	for _, f := range files {
		// A .htaccess no configuration reads is not a server
		// configuration: it is not checked.
		if s.ws.isOpen(s.ws.onDisk(f)) && !snap.includes(f) && t.main != f && !isHTAccess(f) {
			s.schedule(s.ws.alone(f), f)
		}
	}
}

func (w *workspace) isOpen(path string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.open[path]
}

// settle waits until the analysis has caught up with every edit made so
// far (or a few seconds pass: a request then answers from the last
// analysis).
func (s *server) settle(ctx context.Context) {
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		if s.done >= s.requested {
			s.mu.Unlock()
			return
		}
		ch := s.progress
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return
		case <-deadline:
			return
		}
	}
}

// snapshotFor is the current analysis of the tree a file belongs to.
func (s *server) snapshotFor(ctx context.Context, path string) *snapshot {
	name := s.ws.inConfig(path)
	t := s.ws.treeFor(name)
	s.ws.mu.Lock()
	snap := t.snap
	s.ws.mu.Unlock()
	if snap == nil {
		s.schedule(t, "")
	}
	s.settle(ctx)
	s.ws.mu.Lock()
	defer s.ws.mu.Unlock()
	if t.snap != nil && !t.snap.includes(name) && t.main != name {
		if a, ok := s.ws.trees[name]; ok && a.snap != nil {
			return a.snap
		}
	}
	return t.snap
}

// textOf is a file's text: the open document's, else the disk's.
func (s *server) textOf(path string) *text {
	if d, ok := s.docs[path]; ok {
		return d.text
	}
	b, err := s.ws.fs.ReadFile(scope.FSPath(path))
	if err != nil {
		return newText("")
	}
	return newText(string(b))
}

// publishQuick sends the quick findings of the edited files.
func (s *server) publishQuick(ctx context.Context, snap *snapshot, diags map[string][]lint.Diagnostic) {
	for name, ds := range diags {
		path := s.ws.onDisk(name)
		t := s.textCached(path)
		out := []protocol.Diagnostic{}
		for _, d := range ds {
			out = append(out, s.toDiagnostic(snap, d, t, s.textCached))
		}
		u := uri.File(path)
		key, _ := json.Marshal(out)
		s.mu.Lock()
		s.published[u] = string(key)
		s.mu.Unlock()
		if err := s.conn.Notify(ctx, protocol.MethodTextDocumentPublishDiagnostics, &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: out}); err != nil {
			return
		}
	}
}

// editsWaiting reports whether edits are queued for analysis.
func (s *server) editsWaiting() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending) > 0
}

// textCached is a file's text with its line index, kept while the
// overlay returns the same bytes (worker goroutine only).
func (s *server) textCached(path string) *text {
	b, err := s.ws.fs.ReadFile(scope.FSPath(path))
	if err != nil {
		return newText("")
	}
	if len(b) == 0 {
		return newText("")
	}
	if c, ok := s.texts[path]; ok && c.data == unsafe.SliceData(b) && c.n == len(b) {
		return c.text
	}
	t := newText(string(b))
	s.texts[path] = cachedText{unsafe.SliceData(b), len(b), t}
	return t
}

type cachedText struct {
	data *byte
	n    int
	text *text
}

// publish sends the diagnostics of a snapshot: the edited files' first,
// then every other file whose findings changed.
func (s *server) publish(ctx context.Context, snap *snapshot, first []string) {
	textFor := s.textCached
	byURI := map[protocol.DocumentURI][]protocol.Diagnostic{}
	var order []protocol.DocumentURI
	for name, ds := range snap.diags {
		path := s.ws.onDisk(name)
		if name == "" || !filepath.IsAbs(path) {
			path = snap.tree.main
		}
		u := uri.File(path)
		if _, ok := byURI[u]; !ok {
			order = append(order, u)
		}
		for _, d := range ds {
			byURI[u] = append(byURI[u], s.toDiagnostic(snap, d, textFor(path), textFor))
		}
	}
	slices.Sort(order)
	var firstURIs []protocol.DocumentURI
	for _, f := range first {
		firstURIs = append(firstURIs, uri.File(s.ws.onDisk(f)))
	}
	// Files of this tree that had findings and have none now.
	s.mu.Lock()
	for u := range s.published {
		if _, ok := byURI[u]; !ok {
			if p, err := filenameOf(u); err == nil && (snap.includes(s.ws.inConfig(p)) || slices.Contains(firstURIs, u)) {
				byURI[u] = nil
				order = append(order, u)
			}
		}
	}
	s.mu.Unlock()
	slices.SortStableFunc(order, func(a, b protocol.DocumentURI) int {
		ia, ib := slices.Contains(firstURIs, a), slices.Contains(firstURIs, b)
		switch {
		case ia && !ib:
			return -1
		case ib && !ia:
			return 1
		}
		return 0
	})
	for _, u := range firstURIs {
		if _, ok := byURI[u]; !ok {
			byURI[u] = nil
			order = append([]protocol.DocumentURI{u}, order...)
		}
	}
	sent := map[protocol.DocumentURI]bool{}
	for _, u := range order {
		if sent[u] {
			continue
		}
		// The edited files' diagnostics go out first; the rest of a large
		// tree's (a thousand .htaccess files on first load) yield to an
		// edit waiting: the next analysis sends what is still unsent.
		if !slices.Contains(firstURIs, u) && s.editsWaiting() {
			return
		}
		sent[u] = true
		ds := byURI[u]
		if ds == nil {
			ds = []protocol.Diagnostic{}
		}
		key, _ := json.Marshal(ds)
		s.mu.Lock()
		prev, had := s.published[u]
		if had && prev == string(key) && !slices.Contains(firstURIs, u) {
			s.mu.Unlock()
			continue
		}
		if len(ds) == 0 {
			delete(s.published, u)
		} else {
			s.published[u] = string(key)
		}
		s.mu.Unlock()
		params := &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: ds}
		if err := s.conn.Notify(ctx, protocol.MethodTextDocumentPublishDiagnostics, params); err != nil {
			return
		}
	}
}

// positionIn matches "file:line:col" (and "file:line") in a message: the
// other place a finding talks about.
var positionIn = regexp.MustCompile(`(/[^\s:,;()]+):(\d+)(?::(\d+))?`)

func (s *server) toDiagnostic(snap *snapshot, d lint.Diagnostic, t *text, textFor func(string) *text) protocol.Diagnostic {
	from, to := 0, 0
	if d.Pos.IsValid() {
		from = d.Pos.Offset
		to = from
		if d.End.IsValid() && d.End.Filename == d.Pos.Filename && d.End.Offset > from {
			to = d.End.Offset
		} else {
			line, start := t.lineAt(from)
			to = start + len(trimEOL(line))
		}
	}
	out := protocol.Diagnostic{
		Range:    t.rng(from, to),
		Severity: severity(d.Severity),
		Code:     d.Rule,
		Source:   "apacheconf",
		Message:  d.Message,
	}
	if d.Rule != "" {
		out.CodeDescription = &protocol.CodeDescription{Href: uri.URI(report.DocBase + d.Rule + ".md")}
	}
	related := func(p ast.Position, msg string) {
		path := s.ws.onDisk(p.Filename)
		rt := textFor(path)
		off := p.Offset
		if p.Line > 0 && p.Offset == 0 {
			off = rt.offset(protocol.Position{Line: uint32(p.Line - 1), Character: 0})
			if p.Column > 1 {
				off += p.Column - 1
			}
		}
		line, start := rt.lineAt(off)
		out.RelatedInformation = append(out.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: uri.File(path), Range: rt.rng(off, start+len(trimEOL(line)))},
			Message:  msg,
		})
	}
	for _, m := range positionIn.FindAllStringSubmatch(d.Message, -1) {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		if col == 0 {
			col = 1
		}
		related(ast.Position{Filename: m[1], Line: line, Column: col}, "referred to by the message")
	}
	for _, p := range snap.chain(d.Pos.Filename) {
		related(p, "included from here")
	}
	return out
}

func trimEOL(line string) string {
	for len(line) > 0 && (line[len(line)-1] == '\n' || line[len(line)-1] == '\r') {
		line = line[:len(line)-1]
	}
	return line
}

func severity(s lint.Severity) protocol.DiagnosticSeverity {
	switch s {
	case lint.Error:
		return protocol.DiagnosticSeverityError
	case lint.Warning:
		return protocol.DiagnosticSeverityWarning
	}
	return protocol.DiagnosticSeverityInformation
}
