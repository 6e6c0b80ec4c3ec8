package parser_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// Small limits so that the fuzzer exercises them.
var fuzzConfig = parser.Config{MaxLineLength: 1024, MaxDepth: 16, MaxFileSize: 1 << 20}

func addSeeds(f *testing.F) {
	for _, c := range lexCases {
		f.Add([]byte(c.src))
	}
	for _, pattern := range []string{"/etc/apache2/*.conf", "/etc/apache2/*/*.conf", "../../shared/oracle/cases/*/site.conf"} {
		files, _ := filepath.Glob(pattern)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
}

// FuzzParseFile: no input panics or hangs; whatever the errors, the tree
// prints back to exactly the input, and every position is inside it.
func FuzzParseFile(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := fuzzConfig.ParseFile("fuzz.conf", src)
		if file == nil {
			t.Fatal("nil tree")
		}
		if err != nil {
			for _, e := range err.(parser.ErrorList) {
				if e.Pos.Offset < 0 || e.Pos.Offset > len(src) || e.Pos.Line < 1 {
					t.Fatalf("error position %v outside the input", e.Pos)
				}
			}
		}
		if len(src) > fuzzConfig.MaxFileSize {
			return
		}
		out, perr := ast.Format(file)
		if perr != nil {
			t.Fatalf("print: %v", perr)
		}
		if !bytes.Equal(out, src) {
			t.Fatalf("not lossless:\n in: %q\nout: %q", src, out)
		}
		if msg := argPositionProblem(src, file); msg != "" {
			t.Fatal(msg)
		}
		// Without trivia: the same directives and sections, same places.
		lean, _ := parser.Config{SkipTrivia: true, MaxLineLength: fuzzConfig.MaxLineLength, MaxDepth: fuzzConfig.MaxDepth, MaxFileSize: fuzzConfig.MaxFileSize}.ParseString("fuzz.conf", string(src))
		if a, b := nodePositions(file.Body), nodePositions(lean.Body); !slices.Equal(a, b) {
			t.Fatalf("SkipTrivia changed the tree:\n full: %v\n lean: %v", a, b)
		}
		ast.Inspect(file.Body, func(n ast.Node) bool {
			p, e := n.Pos(), n.End()
			if p.Offset < 0 || e.Offset > len(src) || p.Offset > e.Offset {
				t.Fatalf("%T spans %d..%d outside 0..%d", n, p.Offset, e.Offset, len(src))
			}
			return true
		})
	})
}

// FuzzJSONRoundTrip: parse → JSON → tree gives back the same tree and the
// same bytes; and arbitrary JSON never makes the decoder or printer panic.
// nodePositions lists the offsets of a tree's directives and sections.
func nodePositions(body []ast.Node) []int {
	var out []int
	ast.Inspect(body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.Directive, *ast.Section:
			out = append(out, n.Pos().Offset)
		}
		return true
	})
	return out
}

func FuzzJSONRoundTrip(f *testing.F) {
	addSeeds(f)
	f.Add([]byte(`{"file":"x","parsed":[{"type":"section","directive":"A","raw":"<A b>","block":[{"type":"directive","directive":"B","args":["c"],"raw":"  B c\n"}],"close":"</A>"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var any ast.File
		if json.Unmarshal(data, &any) == nil {
			_, _ = ast.Format(&any)
		}
		file, _ := fuzzConfig.ParseFile("fuzz.conf", data)
		if len(data) > fuzzConfig.MaxFileSize {
			return
		}
		enc, err := json.Marshal(file)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var back ast.File
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("unmarshal: %v", err)
		}
		out, err := ast.Format(&back)
		if err != nil {
			t.Fatalf("print: %v", err)
		}
		if !bytes.Equal(out, data) {
			t.Fatalf("JSON round trip not lossless:\n in: %q\nout: %q", data, out)
		}
	})
}
