// Package probe runs the real apache2 with every module Debian ships
// loaded, reads its directive listing (`apache2 -L`) and tests snippets
// with `apache2 -t`. The registry generator and the directive package's
// tests (which compare the checked-in table with the server) share it.
package probe

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
)

// ModsAvailable is where Debian keeps the modules' LoadModule lines.
const ModsAvailable = "/etc/apache2/mods-available"

// MPMs are Debian's MPM modules, by .load name; httpd loads exactly one.
// The base configuration loads the first (event); each other one gets a
// base of its own, so its directives are listed and probed with it loaded.
var MPMs = []string{"mpm_event", "mpm_worker", "mpm_prefork"}

// MPMSources maps the source name -L shows for an MPM's directives to its
// .load name.
var MPMSources = map[string]string{"event.c": "mpm_event", "worker.c": "mpm_worker", "prefork.c": "mpm_prefork"}

func isMPM(name string) bool { return strings.HasPrefix(name, "mpm_") }

// Env is a scratch ServerRoot with a base configuration loading every
// module.
type Env struct {
	Apache string
	dir    string
	order  []string            // .load names, dependencies first
	loads  map[string][]string // .load name → its LoadModule lines
	deps   map[string][]string
	seq    atomic.Int64
}

// Available reports whether apache2 and Debian's module files are here.
func Available() bool {
	_, err := apache2()
	if err != nil {
		return false
	}
	_, err = os.Stat(ModsAvailable)
	return err == nil
}

func apache2() (string, error) {
	if p, err := exec.LookPath("apache2"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/apache2"); err == nil {
		return "/usr/sbin/apache2", nil
	}
	return "", errors.New("apache2 not found (apt-get install apache2 libapache2-mod-wsgi-py3)")
}

// NewEnv writes the base configuration: every module of ModsAvailable but
// the other MPMs, in dependency order (the "# Depends:" lines a2enmod
// reads).
func NewEnv() (*Env, error) {
	bin, err := apache2()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "apacheconf-registry-")
	if err != nil {
		return nil, err
	}
	e := &Env{Apache: bin, dir: dir, loads: map[string][]string{}, deps: map[string][]string{}}
	files, err := filepath.Glob(filepath.Join(ModsAvailable, "*.load"))
	if err != nil || len(files) == 0 {
		e.Close()
		return nil, fmt.Errorf("no module files in %s", ModsAvailable)
	}
	sort.Strings(files)
	dependsRE := regexp.MustCompile(`(?m)^#\s*Depends:\s*(.*)$`)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".load")
		b, err := os.ReadFile(f)
		if err != nil {
			e.Close()
			return nil, err
		}
		for _, l := range strings.Split(string(b), "\n") {
			// mod_dav's file indents its LoadModule with a tab.
			if l = strings.TrimSpace(l); strings.HasPrefix(l, "LoadModule") {
				e.loads[name] = append(e.loads[name], l)
			}
		}
		if m := dependsRE.FindStringSubmatch(string(b)); m != nil {
			e.deps[name] = strings.Fields(m[1])
		}
	}
	seen := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		for _, d := range e.deps[n] {
			visit(d)
		}
		if _, ok := e.loads[n]; ok {
			e.order = append(e.order, n)
		}
	}
	names := make([]string, 0, len(e.loads))
	for n := range e.loads {
		if !isMPM(n) { // the base's MPM is chosen by config
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		visit(n)
	}
	for _, mpm := range MPMs {
		if _, ok := e.loads[mpm]; !ok {
			e.Close()
			return nil, fmt.Errorf("no %s.load in %s", mpm, ModsAvailable)
		}
		if err := os.WriteFile(e.base(mpm), []byte(e.configMPM(mpm, e.order)), 0o644); err != nil {
			e.Close()
			return nil, err
		}
	}
	return e, nil
}

// base is the base configuration file loading every module with mpm.
func (e *Env) base(mpm string) string {
	if mpm == MPMs[0] {
		return filepath.Join(e.dir, "base.conf")
	}
	return filepath.Join(e.dir, "base-"+mpm+".conf")
}

// BaseFor is the base configuration a directive of module (a source name
// as -L shows it) is probed with: its MPM's for an MPM's directives.
func (e *Env) BaseFor(module string) string {
	if mpm, ok := MPMSources[module]; ok {
		return e.base(mpm)
	}
	return e.base(MPMs[0])
}

// config is a minimal server loading the given modules (and event, when
// they name no MPM).
func (e *Env) config(mods []string) string { return e.configMPM(MPMs[0], mods) }

// configMPM is a minimal server loading mpm and the given modules.
func (e *Env) configMPM(mpm string, mods []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ServerRoot %s\nServerName localhost\nListen 127.0.0.1:9\nPidFile %s/pid\nErrorLog /dev/null\nDefaultRuntimeDir %s\n",
		e.dir, e.dir, e.dir)
	hasMPM := false
	for _, m := range mods {
		hasMPM = hasMPM || strings.HasPrefix(m, "mpm_")
	}
	if !hasMPM { // httpd does not start without one
		mods = append([]string{mpm}, mods...)
	}
	for _, m := range mods {
		for _, l := range e.loads[m] {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// Close removes the scratch directory.
func (e *Env) Close() { os.RemoveAll(e.dir) }

// Dir is the scratch ServerRoot (it holds base.conf).
func (e *Env) Dir() string { return e.dir }

func (e *Env) run(conf string, args ...string) ([]byte, error) {
	f := filepath.Join(e.dir, fmt.Sprintf("c%d.conf", e.seq.Add(1)))
	if err := os.WriteFile(f, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	defer os.Remove(f)
	cmd := exec.Command(e.Apache, append([]string{"-d", e.dir, "-f", f}, args...)...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C"}
	return cmd.CombinedOutput()
}

// Test runs `apache2 -t` on the base configuration followed by snippet.
// It reports whether httpd accepted it and, if not, httpd's message
// without its "Syntax error on line N of FILE:" header.
func (e *Env) Test(snippet string) (ok bool, msg string, err error) {
	ok, msg, _, err = e.TestAt(snippet)
	return ok, msg, err
}

// TestAt is Test, also telling whether httpd refused the snippet while
// reading the file (the one-line error of EXEC_ON_READ directives) rather
// than when running the configuration tree.
func (e *Env) TestAt(snippet string) (ok bool, msg string, readTime bool, err error) {
	return e.TestWith(e.base(MPMs[0]), snippet)
}

// TestWith is TestAt on the base configuration file base (see BaseFor).
func (e *Env) TestWith(base, snippet string) (ok bool, msg string, readTime bool, err error) {
	out, err := e.run("Include "+base+"\n"+snippet, "-t")
	if err == nil {
		return true, "", false, nil
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false, "", false, err
	}
	m := syntaxErrRE.FindStringSubmatchIndex(string(out))
	return false, Message(string(out)), m != nil && m[2] < 0, nil
}

// syntaxErrRE is the header of a configuration error: AH00526 (then the
// message on the next line) for most directives, "apache2: … FILE: MSG" on
// one line for those executed while reading (EXEC_ON_READ).
var syntaxErrRE = regexp.MustCompile(`(?m)^(?:(AH00526): Syntax error on line \d+ of [^\n]*:\n|\S+: Syntax error on line \d+ of \S+: )`)

// Message extracts httpd's message from `apache2 -t` output.
func Message(out string) string {
	if loc := syntaxErrRE.FindStringIndex(out); loc != nil {
		out = out[loc[1]:]
	}
	return strings.TrimRight(out, "\n")
}

// Listing returns `apache2 -L` with every module loaded.
func (e *Env) Listing() (string, error) { return e.listing(e.order) }

func (e *Env) listing(mods []string) (string, error) {
	out, err := e.run(e.config(mods), "-L")
	if err != nil {
		return "", fmt.Errorf("apache2 -L: %v: %s", err, out)
	}
	return string(out), nil
}

// Directive is one command_rec as the server shows it, and what the probes
// learn.
type Directive struct {
	Name, Module, Usage string
	Override            int // req_override, up to what -L can tell
	Section             bool
	Args                string // args_how: "TAKE1" …
	NotIn               int    // ap_check_cmd_context bits seen
	// Shapes are the verdicts for real argument lists whose handler
	// checks depend on the arguments (ProbeShapes).
	Shapes []ShapeVerdict
}

var headRE = regexp.MustCompile(`^(\S+) \(([A-Za-z0-9_.]+\.c)\)$`)

// ParseListing reads `apache2 -L` (ap_show_directives): a line "Name
// (module.c)", the help text indented by a tab (it may span lines), then
// "Allowed in *.conf …" and, for .htaccess, "when AllowOverride …".
func ParseListing(text string) ([]Directive, error) {
	var out []Directive
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var cur *Directive
	var usage []string
	state := 0 // 0: want head, 1: usage/allowed, 2: maybe "when"
	flush := func() {
		if cur != nil {
			cur.Usage = strings.Join(usage, "\n")
			out = append(out, *cur)
		}
		cur, usage = nil, nil
	}
	for sc.Scan() {
		l := sc.Text()
		if state == 2 {
			state = 0
			if rest, ok := strings.CutPrefix(l, "\twhen AllowOverride "); ok {
				if rest == "isn't None" {
					cur.Override |= 31
				} else {
					rest = strings.TrimPrefix(rest, "includes ")
					for _, c := range strings.Split(rest, " or ") {
						bit, ok := map[string]int{"Limit": 1, "Options": 2, "FileInfo": 4, "AuthConfig": 8, "Indexes": 16}[c]
						if !ok {
							return nil, fmt.Errorf("-L: unknown override class %q for %s", c, cur.Name)
						}
						cur.Override |= bit
					}
				}
				flush()
				continue
			}
			flush()
		}
		if state == 0 {
			m := headRE.FindStringSubmatch(l)
			if m == nil {
				return nil, fmt.Errorf("-L: unexpected line %q", l)
			}
			cur = &Directive{Name: m[1], Module: m[2], Section: strings.HasPrefix(m[1], "<")}
			state = 1
			continue
		}
		if rest, ok := strings.CutPrefix(l, "\tAllowed in *.conf "); ok {
			htaccess := strings.Contains(rest, " and in .htaccess")
			switch {
			case strings.HasPrefix(rest, "anywhere"):
				cur.Override = 128 | 64
			case strings.HasPrefix(rest, "only outside"):
				cur.Override = 128
			case strings.HasPrefix(rest, "only inside"):
				cur.Override = 64
			default:
				return nil, fmt.Errorf("-L: unexpected %q for %s", l, cur.Name)
			}
			if htaccess {
				state = 2
			} else {
				flush()
				state = 0
			}
			continue
		}
		usage = append(usage, strings.TrimPrefix(l, "\t"))
	}
	if state == 2 {
		return nil, fmt.Errorf("-L: %s ends without its AllowOverride line", cur.Name)
	}
	if cur != nil {
		return nil, fmt.Errorf("-L: %s ends without its Allowed line", cur.Name)
	}
	return out, sc.Err()
}

// Directives parses the listing with every module loaded: with event,
// then the directives of each other MPM, listed with that MPM loaded
// (several MPMs define StartServers, MaxRequestWorkers …; a server has
// the one it loads).
func (e *Env) Directives() ([]Directive, error) {
	l, err := e.Listing()
	if err != nil {
		return nil, err
	}
	out, err := ParseListing(l)
	if err != nil {
		return nil, err
	}
	for _, mpm := range MPMs[1:] {
		l, err := e.run(e.configMPM(mpm, e.order), "-L")
		if err != nil {
			return nil, fmt.Errorf("apache2 -L with %s: %v: %s", mpm, err, l)
		}
		ds, err := ParseListing(string(l))
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if MPMSources[d.Module] == mpm {
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// ModuleIDs maps the source names -L shows ("mod_env.c") to module
// identifiers ("env_module"): each module's directives are the ones -L
// adds when its LoadModule is added to its dependencies'. Builtin modules
// are paired by order of `apache2 -l` and DUMP_MODULES.
func (e *Env) ModuleIDs() (map[string]string, error) {
	ids := map[string]string{}
	srcs, statics, err := e.statics()
	if err != nil {
		return nil, err
	}
	for i := range srcs {
		ids[srcs[i]] = statics[i]
	}
	// Some modules' files omit their dependencies (dav_lock needs dav), so
	// each module is added to all that precede it in load order.
	prev, err := e.listing(nil)
	if err != nil {
		return nil, err
	}
	// The baseline holds the builtins and the MPM every config needs.
	for src, mpm := range MPMSources {
		ids[src] = strings.Fields(e.loads[mpm][0])[1]
	}
	for i, n := range e.order {
		cur, err := e.listing(e.order[:i+1])
		if err != nil {
			return nil, err
		}
		have := modulesOf(prev)
		for m := range modulesOf(cur) {
			if !have[m] {
				ids[m] = strings.Fields(e.loads[n][0])[1]
			}
		}
		prev = cur
	}
	return ids, nil
}

// Builtins returns the source names of the modules compiled in.
func (e *Env) Builtins() (map[string]bool, error) {
	srcs, _, err := e.statics()
	if err != nil {
		return nil, err
	}
	m := map[string]bool{}
	for _, s := range srcs {
		m[s] = true
	}
	return m, nil
}

func (e *Env) statics() (srcs, ids []string, err error) {
	out, err := exec.Command(e.Apache, "-l").Output()
	if err != nil {
		return nil, nil, err
	}
	for _, l := range strings.Split(string(out), "\n")[1:] {
		if l = strings.TrimSpace(l); l != "" {
			srcs = append(srcs, l)
		}
	}
	out, err = e.run(e.config(nil), "-t", "-D", "DUMP_MODULES")
	if err != nil {
		return nil, nil, fmt.Errorf("DUMP_MODULES: %v", err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[1] == "(static)" {
			ids = append(ids, f[0])
		}
	}
	if len(ids) != len(srcs) {
		return nil, nil, fmt.Errorf("apache2 -l lists %d modules, DUMP_MODULES %d static", len(srcs), len(ids))
	}
	return srcs, ids, nil
}

func modulesOf(listing string) map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(listing, "\n") {
		if h := headRE.FindStringSubmatch(l); h != nil {
			m[h[2]] = true
		}
	}
	return m
}

// Versions returns the httpd version (`apache2 -v`) and mod_wsgi's
// package version.
func (e *Env) Versions() (httpd, wsgi string) {
	if out, err := exec.Command(e.Apache, "-v").Output(); err == nil {
		if m := regexp.MustCompile(`Server version: (\S+)`).FindSubmatch(out); m != nil {
			httpd = string(m[1])
		}
	}
	if out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "libapache2-mod-wsgi-py3").Output(); err == nil {
		wsgi = string(bytes.TrimSpace(out))
	}
	return httpd, wsgi
}

// Mutexes maps module identifiers to the mutexes they register
// (ap_mutex_register), as `apache2 -t -D DUMP_RUN_CFG` lists them ("Mutex
// NAME: …"): each module's are the names that appear when it is added
// to the modules before it; the builtins' are listed under "core_module",
// each MPM's under its own.
func (e *Env) Mutexes() (map[string][]string, error) {
	names := func(mpm string, mods []string) (map[string]bool, error) {
		out, err := e.run(e.configMPM(mpm, mods), "-t", "-D", "DUMP_RUN_CFG")
		if err != nil {
			return nil, fmt.Errorf("DUMP_RUN_CFG: %v: %s", err, out)
		}
		m := map[string]bool{}
		for _, l := range strings.Split(string(out), "\n") {
			if rest, ok := strings.CutPrefix(l, "Mutex "); ok {
				if n, _, ok := strings.Cut(rest, ":"); ok && n != "default" {
					m[n] = true
				}
			}
		}
		return m, nil
	}
	res := map[string][]string{}
	add := func(id string, prev, cur map[string]bool) {
		for n := range cur {
			if !prev[n] {
				res[id] = append(res[id], n)
			}
		}
		sort.Strings(res[id])
	}
	// No module but an MPM: what is built in plus the MPM's. A build
	// without an MPM cannot start, so the builtins' are those common to
	// every MPM.
	perMPM := map[string]map[string]bool{}
	for _, mpm := range MPMs {
		m, err := names(mpm, nil)
		if err != nil {
			return nil, err
		}
		perMPM[mpm] = m
	}
	common := map[string]bool{}
	for n := range perMPM[MPMs[0]] {
		all := true
		for _, mpm := range MPMs[1:] {
			all = all && perMPM[mpm][n]
		}
		if all {
			common[n] = true
		}
	}
	add("core_module", nil, common)
	for _, mpm := range MPMs {
		add(strings.Fields(e.loads[mpm][0])[1], common, perMPM[mpm])
	}
	prev := perMPM[MPMs[0]]
	for i, n := range e.order {
		cur, err := names(MPMs[0], e.order[:i+1])
		if err != nil {
			return nil, err
		}
		add(strings.Fields(e.loads[n][0])[1], prev, cur)
		prev = cur
	}
	return res, nil
}
