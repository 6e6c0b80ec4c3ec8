package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/apacheconf/apacheconf/internal/oracle"
	"github.com/apacheconf/apacheconf/scope"
	"github.com/apacheconf/apacheconf/whatif"
)

func init() {
	commands["conformance"] = command{runConformance, "compare our answers with cases recorded by the real server"}
}

// runConformance materialises each case with the oracle's run.py, loads
// it as apache2 would, and compares every request's status, process group
// and application group with expected.txt, and where the server recorded
// them the proxy backend and what it received (backend=, path=, script=)
// and the Location of a redirect. A request line's method, from= address
// and headers are passed on (oracle.ParseRequestLine). The last line is
// "N passed, N failed" (cases).
func runConformance(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runPy := fs.String("oracle", "../shared/oracle/run.py", "path of the oracle's run.py (used to materialise cases)")
	verbose := fs.Bool("v", false, "print every request, not only disagreements")
	knownFile := fs.String("known", "", "file listing known disagreements (\"CASE: reason\" lines); they are reported but do not fail the run")
	if err := fs.Parse(args); err != nil || fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: apacheconf conformance [-oracle run.py] [-v] CASEDIR...")
		return 2
	}
	var dirs []string
	for _, a := range fs.Args() {
		dirs = append(dirs, filepath.Clean(a))
	}
	cases, err := oracle.Load(dirs...)
	if err != nil {
		fmt.Fprintln(stderr, "apacheconf:", err)
		return 2
	}
	if len(cases) == 0 {
		fmt.Fprintln(stderr, "apacheconf: no case folders with expected.txt")
		return 2
	}
	known, err := readKnown(*knownFile)
	if err != nil {
		fmt.Fprintln(stderr, "apacheconf:", err)
		return 2
	}
	passed, failed, knownFailed, reqOK, reqAll := 0, 0, 0, 0, 0
	var fixed []string
	for _, c := range cases {
		ok, good, all, lines := conformanceCase(c, *runPy)
		reqOK += good
		reqAll += all
		reason, isKnown := known[filepath.Base(c.Dir)]
		status := "PASS"
		switch {
		case ok:
			passed++
			if isKnown {
				fixed = append(fixed, filepath.Base(c.Dir))
			}
		case isKnown:
			knownFailed++
			status = "KNOWN"
		default:
			failed++
			status = "FAIL"
		}
		if status != "PASS" || *verbose {
			fmt.Fprintf(stdout, "%s %s\n", status, c.Dir)
			if isKnown && !ok {
				fmt.Fprintf(stdout, "  known disagreement: %s\n", reason)
			}
			for _, l := range lines {
				fmt.Fprintln(stdout, "  "+l)
			}
		}
	}
	for _, name := range fixed {
		fmt.Fprintf(stdout, "now agrees, remove from %s: %s\n", *knownFile, name)
	}
	fmt.Fprintf(stdout, "requests: %d/%d agree with the recorded server answers\n", reqOK, reqAll)
	if knownFailed > 0 {
		fmt.Fprintf(stdout, "known disagreements: %d cases (listed in %s, each with its reason)\n", knownFailed, *knownFile)
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}

// readKnown reads "CASE: reason" lines ('#' comments).
func readKnown(path string) (map[string]string, error) {
	out := map[string]string{}
	if path == "" {
		return out, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("%s:%d: want \"CASE: reason\"", path, i+1)
		}
		out[strings.TrimSpace(name)] = strings.TrimSpace(reason)
	}
	return out, nil
}

func conformanceCase(c oracle.Case, runPy string) (ok bool, good, all int, lines []string) {
	root, err := os.MkdirTemp("", "apacheconf-case-")
	if err != nil {
		return false, 0, len(c.Requests), []string{err.Error()}
	}
	defer os.RemoveAll(root)
	conf, err := oracle.Materialize(runPy, c.Dir, root)
	if err != nil {
		return false, 0, len(c.Requests), []string{err.Error()}
	}
	// whatif.txt: the server had those files; we answer without them on
	// disk, as if they existed.
	var opts scope.RequestOptions
	if len(c.Assumed) > 0 {
		if err := c.RemoveAssumed(root); err != nil {
			return false, 0, len(c.Requests), []string{err.Error()}
		}
		opts.FS = whatif.FS(os.DirFS("/"), c.AssumedUnder(root)...)
	}
	cf := configFlags{file: conf}
	nodes, loadErr := cf.load()
	var eng *oracle.Engine
	if loadErr == nil {
		eng, loadErr = oracle.NewEngine(nodes, opts)
	}
	if eng != nil {
		eng.Root = root
	}
	if first := c.Requests[0]; first.ConfigError != "" {
		if loadErr != nil {
			return true, 1, 1, []string{"config error, as apache2 -t: " + first.ConfigError}
		}
		return false, 0, 1, []string{"apache2 -t rejects this configuration (" + first.ConfigError + "); we accepted it"}
	}
	if loadErr != nil {
		return false, 0, len(c.Requests), []string{"we reject a configuration apache2 accepts: " + loadErr.Error()}
	}
	ok = true
	for _, r := range c.Requests {
		all++
		o := eng.Answer(r)
		if oracle.Agrees(r, o) {
			good++
			lines = append(lines, fmt.Sprintf("ok   %s -> %s", r.Line, o.Line()))
			continue
		}
		ok = false
		lines = append(lines, fmt.Sprintf("DIFF %s: want %s, got %s (%s: %s)", r.Line, r.Want(), o.Line(), o.Verdict, o.Reason))
	}
	return ok, good, all, lines
}
