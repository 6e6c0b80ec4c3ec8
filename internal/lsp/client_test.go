package lsp

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// client drives a server in-process over a pipe, as an editor would.
type client struct {
	t    testing.TB
	conn jsonrpc2.Conn

	mu    sync.Mutex
	diags map[protocol.DocumentURI][]protocol.Diagnostic
	seen  chan protocol.DocumentURI
	vers  map[protocol.DocumentURI]int32
	count map[protocol.DocumentURI]int // publishes received
}

func newClient(t testing.TB, root string, settings any) *client {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, b := net.Pipe()
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, a, Options{}) }()
	c := &client{t: t, diags: map[protocol.DocumentURI][]protocol.Diagnostic{}, seen: make(chan protocol.DocumentURI, 100000), vers: map[protocol.DocumentURI]int32{}, count: map[protocol.DocumentURI]int{}}
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(b))
	c.conn.Go(ctx, func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		if req.Method() == protocol.MethodTextDocumentPublishDiagnostics {
			var p protocol.PublishDiagnosticsParams
			if err := json.Unmarshal(req.Params(), &p); err == nil {
				c.mu.Lock()
				c.diags[p.URI] = p.Diagnostics
				c.count[p.URI]++
				c.mu.Unlock()
				c.seen <- p.URI
			}
		}
		return reply(ctx, nil, nil)
	})
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		c.conn.Call(sctx, protocol.MethodShutdown, nil, nil)
		c.conn.Notify(sctx, protocol.MethodExit, nil)
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-sctx.Done():
			t.Errorf("the server did not exit")
		}
		cancel()
		c.conn.Close()
	})
	var res protocol.InitializeResult
	c.call(protocol.MethodInitialize, map[string]any{
		"processId": os.Getpid(), "rootUri": uri.File(root), "initializationOptions": settings,
		"capabilities": map[string]any{},
	}, &res)
	if res.ServerInfo == nil || res.ServerInfo.Name != "apacheconf" {
		t.Fatalf("initialize: %+v", res)
	}
	c.notify(protocol.MethodInitialized, map[string]any{})
	return c
}

func (c *client) call(method string, params, result any) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := c.conn.Call(ctx, method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

// open opens a file from disk (or with the given text).
func (c *client) open(path string, src ...string) protocol.DocumentURI {
	c.t.Helper()
	text := ""
	if len(src) > 0 {
		text = src[0]
	} else {
		b, err := os.ReadFile(path)
		if err != nil {
			c.t.Fatal(err)
		}
		text = string(b)
	}
	u := uri.File(path)
	c.vers[u] = 1
	c.notify(protocol.MethodTextDocumentDidOpen, protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: u, LanguageID: "apacheconf", Version: 1, Text: text,
	}})
	return u
}

func (c *client) change(u protocol.DocumentURI, text string) {
	c.t.Helper()
	c.vers[u]++
	c.notify(protocol.MethodTextDocumentDidChange, protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: c.vers[u]},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{{Text: text}},
	})
}

// waitDiagnostics waits for diagnostics of u that satisfy ok.
func (c *client) waitDiagnostics(u protocol.DocumentURI, ok func([]protocol.Diagnostic) bool) []protocol.Diagnostic {
	c.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		c.mu.Lock()
		ds, have := c.diags[u]
		c.mu.Unlock()
		if have && ok(ds) {
			return ds
		}
		select {
		case <-c.seen:
		case <-deadline:
			c.t.Fatalf("no diagnostics as expected for %s; last: %+v", u, ds)
		}
	}
}

// published is how many times diagnostics of u arrived.
func (c *client) published(u protocol.DocumentURI) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count[u]
}

// waitPublished waits until diagnostics of u arrived n times.
func (c *client) waitPublished(u protocol.DocumentURI, n int) {
	c.t.Helper()
	deadline := time.After(60 * time.Second)
	for c.published(u) < n {
		select {
		case <-c.seen:
		case <-deadline:
			c.t.Fatalf("diagnostics of %s did not arrive %d times", u, n)
		}
	}
}

func (c *client) drain() {
	for {
		select {
		case <-c.seen:
		default:
			return
		}
	}
}

func hasCode(ds []protocol.Diagnostic, code string) bool {
	for _, d := range ds {
		if d.Code == code {
			return true
		}
	}
	return false
}

// at is the position of the first occurrence of needle in the file (plus
// delta characters).
func at(t testing.TB, path, needle string, delta int) protocol.Position {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), needle)
	if i < 0 {
		t.Fatalf("%s: %q not found", path, needle)
	}
	return newText(string(b)).position(i + delta)
}

func tdp(u protocol.DocumentURI, p protocol.Position) protocol.TextDocumentPositionParams {
	return protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: p}
}

// hosting is examples/hosting, absolute.
func hosting(t testing.TB) (root, main, site string) {
	t.Helper()
	root, err := filepath.Abs("../../examples/hosting")
	if err != nil {
		t.Fatal(err)
	}
	return root, filepath.Join(root, "apache2.conf"), filepath.Join(root, "sites-enabled", "www.site.com.conf")
}
