// Package oraclecase reads the conformance cases recorded by the real
// Apache + mod_wsgi (../shared/oracle/run.py) and materialises them: one
// folder per case with site.conf, files/, requests.txt and expected.txt.
// It depends on no engine package, so that the engines' own tests
// (internal/rewrite, internal/proxy) can replay the cases; package
// internal/oracle compares them with the scope engine.
package oraclecase

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Case is one recorded case.
type Case struct {
	Dir      string
	Requests []Request
	// Assumed are the files of whatif.txt, relative to files/: the
	// server answered with them present; our engine must not read them
	// but assume they exist (package whatif).
	Assumed []string
}

// AssumedUnder returns the assumed files as absolute paths of the case
// materialised under root.
func (c Case) AssumedUnder(root string) []string {
	var out []string
	for _, rel := range c.Assumed {
		out = append(out, filepath.Join(root, rel))
	}
	return out
}

// RemoveAssumed deletes the assumed files from the case materialised
// under root, so that only the what-if overlay can make them exist.
func (c Case) RemoveAssumed(root string) error {
	for _, abs := range c.AssumedUnder(root) {
		if err := os.RemoveAll(abs); err != nil {
			return err
		}
	}
	return nil
}

// Request is one request of a case and what the server answered.
type Request struct {
	Line  string // as in requests.txt
	Host  string
	Port2 bool   // sent to the second port
	Path  string // the request target as sent: path and query
	// What the request carries besides its target (run.py's
	// parse_request): Method ("GET" unless the line names one), Remote
	// (the client address of "from=127.0.0.N", "" for the default
	// 127.0.0.1) and Headers ("Name:value" words; values hold no spaces).
	Method  string
	Remote  string
	Headers map[string]string
	// Expected, parsed from "HOST PATH[ extras] -> STATUS group=G app=A
	// [backend=… path=…|script=…] [location=URL] [why=R]"; "-" in the file
	// means empty.
	Status     int
	Group, App string
	// Backend is "b1" or "b2" (the HTTP backends, BackendPath the URI
	// they received) or "fcgi" (the FastCGI responder, Script the
	// SCRIPT_FILENAME it received); "" when the server answered itself.
	Backend     string
	BackendPath string
	Script      string
	// Location is the Location header of a 3xx answer, recorded only
	// when the case's options.txt says "location" (RecordsLocation).
	Location        string
	RecordsLocation bool
	Why             string
	ConfigError     string // set when apache2 -t rejected the case
	ExpectedLine    string
}

// Ports are the ones run.py --materialize writes.
const (
	Port1        = 8081
	Port2        = 8082
	BackendPort  = 8083 // @BACKEND@, "b1"
	Backend2Port = 8084 // @BACKEND2@, "b2"
	FCGIPort     = 8085 // @FCGI@
)

// placeholders maps the materialised ports back to run.py's names.
var placeholders = map[string]string{
	strconv.Itoa(Port1): "@PORT@", strconv.Itoa(Port2): "@PORT2@",
	strconv.Itoa(BackendPort): "@BACKEND@", strconv.Itoa(Backend2Port): "@BACKEND2@",
	strconv.Itoa(FCGIPort): "@FCGI@",
}

// Unsubst puts run.py's placeholders back into s, as its unsubst does
// before recording: root (the materialised tree, "" for none) becomes
// @ROOT@, and a ":PORT" of one of the materialised ports its name.
func Unsubst(s, root string) string {
	if root != "" {
		s = strings.ReplaceAll(s, root, "@ROOT@")
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] != ':' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		// \b after the digits: not followed by a word character.
		if j == i+1 || (j < len(s) && isWordByte(s[j])) {
			continue
		}
		if name, ok := placeholders[s[i+1:j]]; ok {
			b.WriteString(name)
		} else {
			b.WriteString(s[i+1 : j])
		}
		i = j - 1
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Load reads the cases under the given glob patterns; folders without
// expected.txt are skipped.
func Load(patterns ...string) ([]Case, error) {
	var out []Case
	for _, pattern := range patterns {
		dirs, _ := filepath.Glob(pattern)
		for _, d := range dirs {
			c, err := loadCase(d)
			if err != nil {
				return nil, err
			}
			if c != nil {
				out = append(out, *c)
			}
		}
	}
	return out, nil
}

func loadCase(dir string) (*Case, error) {
	exp, err := os.ReadFile(filepath.Join(dir, "expected.txt"))
	if err != nil {
		return nil, nil
	}
	req, err := os.ReadFile(filepath.Join(dir, "requests.txt"))
	if err != nil {
		return nil, err
	}
	c := &Case{Dir: dir}
	recordsLocation := false
	if opts, err := os.ReadFile(filepath.Join(dir, "options.txt")); err == nil {
		for _, w := range strings.Fields(string(opts)) {
			recordsLocation = recordsLocation || w == "location"
		}
	}
	if list, err := os.ReadFile(filepath.Join(dir, "whatif.txt")); err == nil {
		for _, l := range strings.Split(string(list), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				if !filepath.IsLocal(l) {
					return nil, fmt.Errorf("%s/whatif.txt: %q is not a path inside files/", dir, l)
				}
				c.Assumed = append(c.Assumed, filepath.Clean(l))
			}
		}
	}
	var expected []string
	for _, l := range strings.Split(string(exp), "\n") {
		if l != "" {
			expected = append(expected, l)
		}
	}
	if len(expected) == 1 && strings.HasPrefix(expected[0], "CONFIG-ERROR") {
		c.Requests = append(c.Requests, Request{ConfigError: strings.TrimPrefix(expected[0], "CONFIG-ERROR "), ExpectedLine: expected[0]})
		return c, nil
	}
	i := 0
	for _, l := range strings.Split(string(req), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if i >= len(expected) {
			return nil, fmt.Errorf("%s: more requests than expected answers", dir)
		}
		r, err := ParseExpected(l, expected[i])
		if err != nil {
			return nil, fmt.Errorf("%s: %v", dir, err)
		}
		r.RecordsLocation = recordsLocation
		c.Requests = append(c.Requests, r)
		i++
	}
	return c, nil
}

// ParseExpected reads one expected.txt answer for the request line reqLine.
func ParseExpected(reqLine, exp string) (Request, error) {
	r, err := ParseRequestLine(reqLine)
	r.ExpectedLine = exp
	if err != nil {
		return r, err
	}
	_, ans, ok := strings.Cut(exp, " -> ")
	if !ok {
		return r, fmt.Errorf("bad expected line %q", exp)
	}
	// A Location may hold a space (mod_rewrite's [NE] writes one as
	// is): it runs up to " why=" or the end of the line.
	if i := strings.Index(ans, " location="); i >= 0 {
		rest := ans[i+len(" location="):]
		why := ""
		if w := strings.LastIndex(rest, " why="); w >= 0 {
			rest, why = rest[:w], rest[w:]
		}
		r.Location = rest
		ans = ans[:i] + why
	}
	f := strings.Fields(ans)
	if len(f) < 3 {
		return r, fmt.Errorf("bad expected line %q", exp)
	}
	st, err := strconv.Atoi(f[0])
	if err != nil {
		return r, fmt.Errorf("bad status in %q", exp)
	}
	r.Status = st
	for _, kv := range f[1:] {
		k, v, _ := strings.Cut(kv, "=")
		if v == "-" {
			v = ""
		}
		switch k {
		case "group":
			r.Group = v
		case "app":
			r.App = v
		case "why":
			r.Why = v
		case "backend":
			r.Backend = v
		case "path":
			r.BackendPath = v
		case "script":
			r.Script = v
		case "location":
			r.Location = v
		}
	}
	return r, nil
}

// ParseRequestLine reads one line of requests.txt as run.py's
// parse_request does: "HOST[:port2] PATH [METHOD] [from=IP] [Name:value]...".
// A word that is none of these is an error, as it is for run.py.
func ParseRequestLine(line string) (Request, error) {
	r := Request{Line: line, Method: "GET"}
	f := strings.Fields(line)
	if len(f) < 2 {
		return r, fmt.Errorf("bad request line %q: want HOST PATH", line)
	}
	r.Host, r.Path = f[0], f[1]
	if h, ok := strings.CutSuffix(r.Host, ":port2"); ok {
		r.Host, r.Port2 = h, true
	}
	for _, w := range f[2:] {
		switch {
		case isMethod(w):
			r.Method = w
		case strings.HasPrefix(w, "from="):
			r.Remote = w[len("from="):]
		case strings.Contains(w, ":"):
			k, v, _ := strings.Cut(w, ":")
			if r.Headers == nil {
				r.Headers = map[string]string{}
			}
			r.Headers[k] = v
		default:
			return r, fmt.Errorf("bad request token %q in %q", w, line)
		}
	}
	return r, nil
}

// isMethod is run.py's re.fullmatch(r"[A-Z]+", t).
func isMethod(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'A' || w[i] > 'Z' {
			return false
		}
	}
	return w != ""
}

// Port is the port the request goes to once materialised.
func (r Request) Port() int {
	if r.Port2 {
		return Port2
	}
	return Port1
}

// Materialize writes the case under root with the oracle's own script
// (so that both see the same tree) and returns the httpd.conf path.
// runPy is the path of run.py.
func Materialize(runPy, caseDir, root string) (string, error) {
	out, err := exec.Command("python3", runPy, "--materialize", root, caseDir).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("materialize %s: %v: %s", caseDir, err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

// Want formats a recorded answer the same way.
func (r Request) Want() string {
	return AnswerLine(r.Status, Dash(r.Group), Dash(r.App), r.Backend, r.BackendPath, r.Script, r.Location)
}

// AnswerLine is run.py's answer: the backend part only for a 200 (run.py
// records the backend's body only then), the Location only for a 3xx.
func AnswerLine(status int, group, app, backend, path, script, location string) string {
	line := fmt.Sprintf("%d group=%s app=%s", status, group, app)
	if backend != "" && status == 200 {
		line += " backend=" + backend
		if backend == "fcgi" {
			line += " script=" + Dash(script)
		} else {
			line += " path=" + path
		}
	}
	if location != "" && status >= 300 && status < 400 {
		line += " location=" + location
	}
	return line
}

// Dash is "-" for an empty value, as run.py writes it.
func Dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
