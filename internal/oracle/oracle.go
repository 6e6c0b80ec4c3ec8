// Package oracle reads the conformance cases recorded by the real
// Apache + mod_wsgi (../shared/oracle/run.py) and materialises them for
// our engine: one folder per case with site.conf, files/, requests.txt
// and expected.txt.
package oracle

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
}

// Request is one request of a case and what the server answered.
type Request struct {
	Line  string // as in requests.txt
	Host  string
	Port2 bool // sent to the second port
	Path  string
	// Expected, parsed from "HOST PATH -> STATUS group=G app=A [why=R]";
	// "-" in the file means empty.
	Status       int
	Group, App   string
	Why          string
	ConfigError  string // set when apache2 -t rejected the case
	ExpectedLine string
}

// Ports are the ones run.py --materialize writes.
const (
	Port1 = 8081
	Port2 = 8082
)

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
		r, err := parseExpected(l, expected[i])
		if err != nil {
			return nil, fmt.Errorf("%s: %v", dir, err)
		}
		c.Requests = append(c.Requests, r)
		i++
	}
	return c, nil
}

func parseExpected(reqLine, exp string) (Request, error) {
	host, path, _ := strings.Cut(reqLine, " ")
	r := Request{Line: reqLine, Host: host, Path: path, ExpectedLine: exp}
	if strings.HasSuffix(host, ":port2") {
		r.Host, r.Port2 = strings.TrimSuffix(host, ":port2"), true
	}
	_, ans, ok := strings.Cut(exp, " -> ")
	if !ok {
		return r, fmt.Errorf("bad expected line %q", exp)
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
		}
	}
	return r, nil
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
