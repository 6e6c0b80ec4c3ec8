package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The server trees under testdata/trees are written in the layouts of
// real distributions (Debian with prefork and with worker, CentOS/RHEL,
// Gentoo, the httpd Docker image) and a few broken ones. @ROOT@ is the
// ServerRoot the test makes, @MODULES@ the installed modules directory
// (placeholder files where apache2 is not installed), @PORT@ a port. Each
// tree's args holds the apache2 arguments; check.txt and vhosts.txt are
// what `apache2 -t` and `apache2 -S` said, recorded with
//
//	APACHECONF_RECORD_TREES=1 go test ./cmd/apacheconf -run TestTreesAgreeWithHTTPD
//
// check must say what apache2 -t says (Syntax OK, or the same first
// error), vhosts what apache2 -S prints (the mutexes, which httpd lists
// in hash order, as a set).
func TestTreesAgreeWithHTTPD(t *testing.T) {
	dirs, err := filepath.Glob("testdata/trees/*")
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	const realModules = "/usr/lib/apache2/modules"
	_, apacheErr := exec.LookPath("apache2")
	_, modErr := os.Stat(realModules)
	// APACHECONF_TREES_RECORDED=1 compares with the recorded answers even
	// where apache2 is installed.
	live := apacheErr == nil && modErr == nil && os.Getenv("APACHECONF_TREES_RECORDED") == ""
	record := os.Getenv("APACHECONF_RECORD_TREES") != ""
	if record && !live {
		t.Fatal("recording needs apache2 and its modules")
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "root")
			modules := realModules
			if !live {
				modules = filepath.Join(root, "modules-placeholder")
			}
			args := materialize(t, dir, root, modules)
			var wantCheck, wantVHosts string
			if live {
				wantCheck = runApache(root, append(args, "-t"))
				wantVHosts = runApache(root, append(args, "-S"))
				if record {
					unroot := strings.NewReplacer(root, "@ROOT@", realModules, "@MODULES@")
					require.NoError(t, os.WriteFile(filepath.Join(dir, "check.txt"), []byte(unroot.Replace(wantCheck)), 0o644))
					require.NoError(t, os.WriteFile(filepath.Join(dir, "vhosts.txt"), []byte(unroot.Replace(wantVHosts)), 0o644))
				}
			} else {
				reroot := strings.NewReplacer("@ROOT@", root, "@MODULES@", modules)
				b, err := os.ReadFile(filepath.Join(dir, "check.txt"))
				require.NoError(t, err, "no recorded answer: record with apache2 installed")
				wantCheck = reroot.Replace(string(b))
				b, err = os.ReadFile(filepath.Join(dir, "vhosts.txt"))
				require.NoError(t, err)
				wantVHosts = reroot.Replace(string(b))
			}
			ours := append([]string{"-d", root}, args...)
			code, stdout, stderr := runCLI(append([]string{"check"}, ours...)...)
			compareFirst(t, "check", wantCheck, code, stdout, stderr)
			lintHasCheckErrors(t, ours, root, stderr)
			code, stdout, stderr = runCLI(append([]string{"vhosts"}, ours...)...)
			if strings.HasPrefix(wantVHosts, "exit 0\n") {
				require.Equal(t, 0, code, "vhosts: %s", stderr)
				assert.Equal(t, mutexesSorted(strings.TrimPrefix(wantVHosts, "exit 0\n")), mutexesSorted(stdout))
			} else {
				compareFirst(t, "vhosts", wantVHosts, code, stdout, stderr)
			}
		})
	}
}

// materialize copies a tree to root with its placeholders replaced and
// the directories its configuration names, and returns its arguments.
func materialize(t *testing.T, dir, root, modules string) []string {
	t.Helper()
	subst := strings.NewReplacer("@ROOT@", root, "@MODULES@", modules, "@PORT@", "18080")
	var loads []string
	require.NoError(t, filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "check.txt" || rel == "vhosts.txt" || rel == "args" {
			return nil
		}
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(root, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text := subst.Replace(string(b))
		for _, m := range regexp.MustCompile(`(?m)^\s*#?\s*LoadModule\s+\S+\s+(\S+)`).FindAllStringSubmatch(text, -1) {
			loads = append(loads, m[1])
		}
		return os.WriteFile(filepath.Join(root, rel), []byte(text), 0o644)
	}))
	for _, d := range []string{"logs", "run", "lock", "htdocs", "cgi-bin"} {
		require.NoError(t, os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	if !strings.HasPrefix(modules, root) {
		return readArgs(t, dir)
	}
	// No apache2 here: empty module files stand for the installed ones
	// (check only looks whether they exist), but not the ones a tree
	// names to fail.
	require.NoError(t, os.MkdirAll(modules, 0o755))
	for _, l := range loads {
		if strings.HasPrefix(l, modules) && !strings.Contains(l, "libphp") {
			require.NoError(t, os.WriteFile(l, nil, 0o644))
		}
	}
	return readArgs(t, dir)
}

func readArgs(t *testing.T, dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "args"))
	require.NoError(t, err)
	return strings.Fields(string(b))
}

// runApache runs apache2 with args and ServerRoot root: "exit N", then
// its output without AH00558 (the host name guess, a warning).
func runApache(root string, args []string) string {
	cmd := exec.Command("apache2", append([]string{"-d", root}, args...)...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C"}
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" && !strings.HasPrefix(l, "AH00558:") {
			lines = append(lines, l)
		}
	}
	return fmt.Sprintf("exit %d\n%s\n", code, strings.Join(lines, "\n"))
}

var (
	syntaxErrorRE = regexp.MustCompile(`^AH00526: Syntax error on line (\d+) of (.+):$`)
	readErrorRE   = regexp.MustCompile(`^\S+: Syntax error on line (\d+) of ([^:]+): (.*)$`)
	oursRE        = regexp.MustCompile(`^(.+?):(\d+):\d+: (.*)$`)
)

// compareFirst checks our check or vhosts output against httpd's: the
// same exit status (0 or not), Syntax OK alike, and our first error the
// one httpd reports: file, line and message (httpd gives no column), or
// the message alone where httpd gives no position.
func compareFirst(t *testing.T, what, want string, code int, stdout, stderr string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	if lines[0] == "exit 0" {
		assert.Equal(t, 0, code, "%s: %s", what, stderr)
		if what == "check" {
			assert.Equal(t, "Syntax OK\n", stdout)
		}
		return
	}
	require.NotEqual(t, 0, code, "%s accepts what httpd refuses:\n%s", what, want)
	require.Greater(t, len(lines), 1)
	var file, line, msg string
	if m := syntaxErrorRE.FindStringSubmatch(lines[1]); m != nil && len(lines) > 2 {
		line, file, msg = m[1], m[2], lines[2]
	} else if m := readErrorRE.FindStringSubmatch(lines[1]); m != nil {
		line, file, msg = m[1], m[2], m[3]
	} else {
		msg = lines[1]
	}
	first, _, _ := strings.Cut(stderr, "\n")
	if file == "" {
		assert.True(t, strings.HasSuffix(first, msg), "%s: httpd says %q, we say %q", what, msg, first)
		return
	}
	m := oursRE.FindStringSubmatch(first)
	require.NotNil(t, m, "%s: httpd says %s:%s: %s, we say %q", what, file, line, msg, first)
	assert.Equal(t, []string{file, line, msg}, m[1:], "%s: first error", what)
}

// mutexesSorted sorts the Mutex lines of -S output among themselves
// (httpd lists them in hash order).
func mutexesSorted(s string) string {
	lines := strings.Split(s, "\n")
	var idx []int
	var mutexes []string
	for i, l := range lines {
		if strings.HasPrefix(l, "Mutex ") {
			idx = append(idx, i)
			mutexes = append(mutexes, l)
		}
	}
	sort.Strings(mutexes)
	for k, i := range idx {
		lines[i] = mutexes[k]
	}
	return strings.Join(lines, "\n")
}

// lintHasCheckErrors asserts that every error check printed (its stderr)
// is an error finding of lint on the same configuration: at the same
// file and line with the same message, or, for one without a position,
// the same message anywhere. lint names files (and paths in messages)
// relative to the working directory.
func lintHasCheckErrors(t *testing.T, args []string, root, checkStderr string) {
	t.Helper()
	_, out, _ := runCLI(append([]string{"lint", "--format", "text"}, args...)...)
	wd, err := os.Getwd()
	require.NoError(t, err)
	rel, err := filepath.Rel(wd, root)
	require.NoError(t, err)
	norm := strings.NewReplacer(root, "@ROOT@", rel, "@ROOT@").Replace
	out = norm(out)
	for _, l := range strings.Split(strings.TrimSpace(checkStderr), "\n") {
		if l == "" || strings.HasPrefix(l, "\t") || strings.Contains(l, ": warning: ") {
			continue
		}
		l = norm(l)
		if msg, ok := strings.CutPrefix(l, "apacheconf: "); ok {
			assert.Contains(t, out, msg, "lint misses check's error")
			continue
		}
		m := oursRE.FindStringSubmatch(l)
		if !assert.NotNil(t, m, "check's error %q", l) {
			continue
		}
		found := false
		for _, f := range strings.Split(out, "\n") {
			if strings.HasPrefix(f, m[1]+":"+m[2]+":") && strings.Contains(f, ": error: "+m[3]) {
				found = true
			}
		}
		assert.True(t, found, "lint misses check's error %q; lint says:\n%s", l, out)
	}
}
