package rewrite

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// directives parses config text and returns its directives in order.
func directives(t testing.TB, text string) []*ast.Directive {
	t.Helper()
	f, err := parser.ParseFile("test.conf", []byte(text))
	require.NoError(t, err)
	return ast.Directives(f.Body)
}

// serverConfig builds a server context from text.
func serverConfig(t testing.TB, text string) (*ServerConfig, *DirConfig) {
	t.Helper()
	s, base := &ServerConfig{}, NewDirConfig("")
	for _, d := range directives(t, text) {
		require.NoError(t, s.AddServer(d, base, MapOptions{}), d.Raw)
	}
	return s, base
}

// dirConfig builds a per-directory context (a <Directory dir> or its
// .htaccess) from text.
func dirConfig(t testing.TB, dir, text string) *DirConfig {
	t.Helper()
	c := NewDirConfig(dir)
	for _, d := range directives(t, text) {
		require.NoError(t, c.Add(d), d.Raw)
	}
	return c
}

// fakeReq is a request with headers, variables and a file tree.
type fakeReq struct {
	headers map[string]string
	vars    map[string]string
	env     map[string]string
	files   map[string]FileInfo // path -> info; others do not exist
	unknown map[string]bool     // paths whose existence is not known
	subreq  map[string]int      // -U answers
}

func (f *fakeReq) Var(name string) (string, bool) {
	v, ok := f.vars[name]
	if !ok && strings.HasPrefix(name, "SSL:") {
		return "", false
	}
	return v, true
}

func (f *fakeReq) Header(name string) (string, bool) {
	for k, v := range f.headers {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", true
}

func (f *fakeReq) Env(name string) (string, bool) { return f.env[name], true }

func (f *fakeReq) Stat(path string) FileInfo {
	if f.unknown[path] {
		return FileInfo{}
	}
	if fi, ok := f.files[path]; ok {
		fi.Known, fi.Exists = true, true
		return fi
	}
	return FileInfo{Known: true}
}

type subFakeReq struct{ *fakeReq }

func (s subFakeReq) LookupURI(uri string) (int, bool) {
	st, ok := s.subreq[uri]
	return st, ok
}

func (s subFakeReq) LookupFile(path string) (int, string, bool) { return 200, path, true }

func file(size int64) FileInfo { return FileInfo{Regular: true, Size: size} }

var dir = FileInfo{Dir: true}

// mapFS is an in-memory fs.FS of text files.
type mapFS map[string]string

func (m mapFS) Open(name string) (fs.File, error) {
	return fstest.MapFS(m.toMap()).Open(name)
}

func (m mapFS) toMap() fstest.MapFS {
	out := fstest.MapFS{}
	for k, v := range m {
		out[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return out
}
