package ast

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/apacheconf/apacheconf/internal/syntax"
)

type jsonFile struct {
	File   string     `json:"file"`
	EOL    string     `json:"eol,omitempty"`
	Parsed []jsonNode `json:"parsed"`
}

type jsonNode struct {
	Type      string     `json:"type"`
	Directive string     `json:"directive,omitempty"`
	Args      []string   `json:"args,omitempty"`
	Comment   *string    `json:"comment,omitempty"`
	Text      string     `json:"text,omitempty"`
	Line      int        `json:"line"`
	Column    int        `json:"column"`
	Offset    int        `json:"offset"`
	Raw       string     `json:"raw,omitempty"`
	RawB64    string     `json:"raw_base64,omitempty"`
	Block     []jsonNode `json:"block,omitempty"`
	Close     string     `json:"close,omitempty"`
	CloseB64  string     `json:"close_base64,omitempty"`
	Unclosed  bool       `json:"unclosed,omitempty"`
}

// MarshalJSON encodes the file in the schema documented above.
func (f *File) MarshalJSON() ([]byte, error) {
	return json.Marshal(jsonFile{File: f.Name, EOL: f.EOL, Parsed: toJSON(f.Body)})
}

// UnmarshalJSON decodes the schema documented above. Nodes with "raw"
// regain their source form, so printing reproduces the original bytes.
func (f *File) UnmarshalJSON(data []byte) error {
	var jf jsonFile
	if err := json.Unmarshal(data, &jf); err != nil {
		return err
	}
	body, err := fromJSON(jf.File, NewPosBase(jf.File), jf.Parsed)
	if err != nil {
		return err
	}
	*f = File{Name: jf.File, EOL: jf.EOL, Body: body}
	return nil
}

func toJSON(nodes []Node) []jsonNode {
	out := make([]jsonNode, 0, len(nodes))
	for _, n := range nodes {
		p := n.Pos()
		j := jsonNode{Line: p.Line, Column: p.Column, Offset: p.Offset}
		switch n := n.(type) {
		case *Directive:
			j.Type, j.Directive, j.Args, j.Raw = "directive", n.Name, n.Values(), n.Raw
		case *Section:
			j.Type, j.Directive, j.Args, j.Raw = "section", n.Name, n.Values(), n.Raw
			j.Block, j.Close, j.Unclosed = toJSON(n.Body), n.CloseRaw, n.Unclosed
			if j.Block == nil {
				j.Block = []jsonNode{}
			}
		case *Comment:
			text := n.Text
			j.Type, j.Comment, j.Raw = "comment", &text, n.Raw
		case *Blank:
			j.Type, j.Raw = "blank", n.Raw
		case *Bad:
			j.Type, j.Text, j.Raw = "bad", n.Text, n.Raw
		default:
			continue
		}
		j.Raw, j.RawB64 = encodeRaw(j.Raw)
		j.Close, j.CloseB64 = encodeRaw(j.Close)
		out = append(out, j)
	}
	return out
}

func fromJSON(file string, base *PosBase, js []jsonNode) ([]Node, error) {
	out := make([]Node, 0, len(js))
	for _, j := range js {
		pos := Position{Filename: file, Line: j.Line, Column: j.Column, Offset: j.Offset}
		if !fitsPos(j.Offset) || !fitsPos(j.Line) || !fitsPos(j.Column) {
			return nil, fmt.Errorf("%s: position out of range (offset, line and column are 0..%d)", pos, math.MaxInt32)
		}
		at := base.Pos(j.Offset, j.Line, j.Column)
		var err error
		if j.Raw, err = decodeRaw(j.Raw, j.RawB64); err != nil {
			return nil, fmt.Errorf("%s: raw_base64: %v", pos, err)
		}
		if j.Close, err = decodeRaw(j.Close, j.CloseB64); err != nil {
			return nil, fmt.Errorf("%s: close_base64: %v", pos, err)
		}
		switch j.Type {
		case "directive":
			d := &Directive{Name: j.Directive, At: at, Raw: j.Raw, Args: NewArgs(j.Args...)}
			d.Name = fromRaw(d.Name, syntax.Classify(logicalLine(j.Raw)).Name, j.Raw)
			restoreArgs(j.Raw, d.Args, false)
			out = append(out, d)
		case "section":
			s := &Section{Name: j.Directive, At: at, Raw: j.Raw, Args: NewArgs(j.Args...),
				CloseRaw: j.Close, Unclosed: j.Unclosed}
			s.Name = fromRaw(s.Name, syntax.Classify(logicalLine(j.Raw)).Name, j.Raw)
			restoreArgs(j.Raw, s.Args, true)
			body, err := fromJSON(file, base, j.Block)
			if err != nil {
				return nil, err
			}
			s.Body = body
			if s.CloseRaw != "" && pos.IsValid() {
				c := closePos(s, body)
				s.CloseAt = base.Pos(c.Offset, c.Line, c.Column)
			}
			out = append(out, s)
		case "comment":
			c := &Comment{At: at, Raw: j.Raw}
			if j.Comment != nil {
				c.Text = *j.Comment
				if line := logicalLine(j.Raw); strings.HasPrefix(line, "#") {
					c.Text = fromRaw(c.Text, line[1:], j.Raw)
				}
			}
			out = append(out, c)
		case "blank":
			out = append(out, &Blank{At: at, Raw: j.Raw})
		case "bad":
			text := fromRaw(j.Text, logicalLine(j.Raw), j.Raw)
			out = append(out, &Bad{Text: text, At: at, Raw: j.Raw})
		default:
			return nil, fmt.Errorf("%s: unknown node type %q", pos, j.Type)
		}
	}
	return out, nil
}

// closePos places a section's closing line after its last body node (or
// its header), at the closing line's indentation.
func closePos(s *Section, body []Node) Position {
	var at Position
	if n := len(body); n > 0 {
		at = body[n-1].End()
	} else {
		at = s.Pos().Advance(afterIndent(s.Raw))
	}
	return at.Advance(s.CloseRaw[:leadingTrivia(s.CloseRaw)])
}

// restoreArgs gives args whose values match the words of raw their Raw
// back.
func restoreArgs(raw string, args []Arg, header bool) {
	if raw == "" {
		return
	}
	sl := splitSource(raw, header, nil)
	if len(sl.words) != len(args) {
		return
	}
	for i, w := range sl.words {
		if lossy(w.Value) != args[i].Value {
			return
		}
	}
	for i, w := range sl.words {
		args[i].Value = w.Value // exact bytes, where JSON showed U+FFFD
		args[i].Raw = w.Raw(sl.text[sl.from:])
	}
}

// encodeRaw returns s for the "raw" field, or its base64 form for the
// "raw_base64" field when s is not valid UTF-8.
func encodeRaw(s string) (plain, b64 string) {
	if utf8.ValidString(s) {
		return s, ""
	}
	return "", base64.StdEncoding.EncodeToString([]byte(s))
}

func decodeRaw(plain, b64 string) (string, error) {
	if b64 == "" {
		return plain, nil
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	return string(b), err
}

// lossy is s as encoding/json writes it: each byte of an invalid UTF-8
// sequence becomes U+FFFD.
func lossy(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s { // range yields U+FFFD per invalid byte
		b.WriteRune(r)
	}
	return b.String()
}

// fromRaw returns exact, the value read from a node's raw source, when
// the JSON value is its lossy form; else the JSON value (an edit).
func fromRaw(jsonValue, exact, raw string) string {
	if raw != "" && lossy(exact) == jsonValue {
		return exact
	}
	return jsonValue
}

// fitsPos reports whether n fits a Pos field.
func fitsPos(n int) bool { return n >= 0 && n <= math.MaxInt32 }
