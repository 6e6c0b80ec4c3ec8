package parser

import (
	"errors"
	"fmt"
	"github.com/apacheconf/apacheconf/internal/pcre"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/internal/syntax"
)

// BuiltinModules lists the modules compiled into Debian's apache2 2.4
// (`apache2 -l`), by source file name and by module identifier. The
// directive registry may replace it.
var BuiltinModules = []string{
	"core.c", "core_module",
	"mod_so.c", "so_module",
	"mod_watchdog.c", "watchdog_module",
	"http_core.c", "http_module",
	"mod_log_config.c", "log_config_module",
	"mod_logio.c", "logio_module",
	"mod_version.c", "version_module",
	"mod_unixd.c", "unixd_module",
}

// Defaults of LoadOptions.
const (
	DefaultServerRoot = "/etc/apache2"
	// MaxIncludeDepth is AP_MAX_INCLUDE_DEPTH (server/core.c).
	MaxIncludeDepth = 128
	// MaxIncludeDirDepth is AP_MAX_FNMATCH_DIR_DEPTH (server/util.c).
	MaxIncludeDirDepth = 128
	// MaxIncludedFiles bounds the files one Load reads (glob bombs).
	MaxIncludedFiles = 10000
)

// DefaultVersion is the httpd version <IfVersion> compares with when
// LoadOptions.Version is empty: the one the directive registry was
// generated from.
var DefaultVersion = func() string {
	v, _ := directive.Versions()
	v = strings.TrimPrefix(v, "Apache/")
	if i := strings.IndexFunc(v, func(r rune) bool { return r != '.' && (r < '0' || r > '9') }); i >= 0 {
		v = v[:i]
	}
	return v
}()

// LoadOptions controls Load.
type LoadOptions struct {
	// ServerRoot resolves relative paths (DefaultServerRoot when empty).
	ServerRoot string
	// Defines are the -D names.
	Defines []string
	// Env looks up ${VAR} when no Define sets it (the CLI passes a wrapper
	// of os.LookupEnv). Nil means no environment. It is called once per
	// name in a load: the environment does not change while httpd reads.
	Env func(name string) (string, bool)
	// Modules, when not nil, is the set of loaded modules (identifiers such
	// as "ssl_module" or "mod_ssl.c") and LoadModule lines do not change it.
	// When nil the set is BuiltinModules plus the LoadModule lines read so
	// far.
	Modules map[string]bool
	// Version is the httpd version <IfVersion> compares with
	// (DefaultVersion when empty).
	Version string
	// KnownDirective answers <IfDirective> and <IfSection>; nil means the
	// directive registry generated from apache2, for the modules loaded so
	// far (ap_exists_directive).
	KnownDirective func(name string) bool
	// SkipTrivia leaves comments and blank lines out (Config.SkipTrivia):
	// for tools that evaluate the configuration and print none of it.
	// KeepComment keeps the comments it accepts (Config.KeepComment).
	SkipTrivia  bool
	KeepComment func(text string) bool
}

// IncludedFile is one file read, in the order httpd reads it.
type IncludedFile struct {
	Path  string `json:"path"`
	Depth int    `json:"depth"` // 0 for the main file
	Line  int    `json:"line"`  // line of the Include that read it in its parent (0 for the main file)
	// DumpLine is the line number -D DUMP_INCLUDES prints: httpd records
	// the line of the last Include executed, so the second file of a
	// wildcard whose first file ran an Include of its own shows that inner
	// line.
	DumpLine int `json:"dump_line"`
}

// Dropped records a conditional section whose condition was false.
type Dropped struct {
	Section *ast.Section
	Origin  []ast.Position
}

// Loaded is the configuration tree httpd sees (parser.Config is taken by
// the parser's options).
type Loaded struct {
	// Body is the tree: includes, macros and true conditionals spliced in
	// place, false conditionals, Define, UnDefine, Macro and UndefMacro
	// removed.
	Body []ast.Node
	// Files lists the files read in order (as -D DUMP_INCLUDES prints).
	Files []IncludedFile
	// Dropped lists the false conditionals.
	Dropped []Dropped
	// chains holds the include chain (the Include and Use lines, innermost
	// first) where it changes along a body: at the first node of an
	// included file or macro body, and at the node after a spliced run.
	// Every other node has the chain of the node before it, or its
	// parent's; Origin walks down to find it.
	chains map[ast.Node][]ast.Position
	// Warnings are what httpd logs without failing, such as AH00111
	// ("Config variable ${%s} is not defined").
	Warnings ErrorList
	// ServerRoot is the ServerRoot at the end (LoadOptions.ServerRoot, or
	// the last ServerRoot directive).
	ServerRoot string
	// Defines is the set of defined names at the end (-D and Define).
	Defines map[string]bool
	// DefineOrder lists them in httpd's order (ap_server_config_defines,
	// which `apache2 -S` prints): -D names, then Define's, each where it
	// was first defined; UnDefine takes a name out.
	DefineOrder []string
	// Vars holds the values of Define NAME VALUE at the end, keyed by the
	// lower-case name (httpd looks ${NAME} up without regard to case).
	Vars map[string]string
}

// Load reads the configuration rooted at name through fsys, as httpd does.
//
// Paths: httpd's paths are absolute. fsys is taken to be rooted at "/", so
// "/etc/apache2/apache2.conf" is opened as "etc/apache2/apache2.conf"; pass
// os.DirFS("/") for the real system and an fstest.MapFS keyed by paths
// without the leading slash in tests. A relative name is resolved against
// ServerRoot.
func Load(fsys fs.FS, name string, opts LoadOptions) (*Loaded, error) {
	l := &loader{fsys: fsys, opts: opts, root: opts.ServerRoot,
		defines: map[string]bool{}, vars: map[string]string{}, macros: map[string]*macro{},
		cfg: &Loaded{chains: map[ast.Node][]ast.Position{}}}
	if l.root == "" {
		l.root = DefaultServerRoot
	}
	if l.opts.Version == "" {
		l.opts.Version = DefaultVersion
	}
	for _, d := range opts.Defines {
		l.define(d)
	}
	if opts.Modules != nil {
		l.modules = opts.Modules
	} else {
		l.modules = map[string]bool{}
		for _, m := range BuiltinModules {
			l.modules[m] = true
		}
		l.dynamic = true
	}
	p := l.abs(name)
	defer l.stop.Store(true) // files an aborted load did not reach
	l.cfg.Body = l.file(p, nil, 0, 0, ast.Position{})
	l.cfg.Defines = l.defines
	for _, d := range l.order {
		if l.defines[d] {
			l.cfg.DefineOrder = append(l.cfg.DefineOrder, d)
		}
	}
	l.cfg.Vars = l.vars
	l.cfg.ServerRoot = l.root
	return l.cfg, l.errs.Err()
}

type macro struct {
	name   string
	params []string
	body   string // raw lines of the body
	file   string
	line   int
	origin []ast.Position
}

type loader struct {
	// prefetched holds files being parsed ahead by prefetch, until their
	// turn; stop tells the parsers the load is over.
	prefetched map[string]*pendingFile
	stop       atomic.Bool
	fsys       fs.FS
	opts       LoadOptions
	root       string
	defines    map[string]bool   // names (-D, Define), case-sensitive
	order      []string          // defines in the order defined
	vars       map[string]string // Define NAME VALUE, keyed by lower case (an apr_table)
	modules    map[string]bool
	dynamic    bool
	macros     map[string]*macro
	// macroSeen is set by the first <Macro> (mod_macro creates its table then).
	macroSeen bool
	cfg       *Loaded
	errs      ErrorList
	open      []string // files being read (cycle detection)
	// abort stops all further includes after a recursion or glob bomb
	// (httpd stops at its first error).
	abort   bool
	warn    []string // undefined variables of the line being substituted
	lastInc int      // line of the last Include executed (ap_include_lineno)
	nfiles  int
	lowered map[string]string   // lookup's lower case of variable names
	env     map[string]envValue // lookup's environment values
}

// define adds a name to the defines, in order.
func (l *loader) define(name string) {
	if !l.defines[name] {
		l.defines[name] = true
		l.order = append(l.order, name)
	}
}

func (l *loader) abs(p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(l.root, p)
}

func fsPath(p string) string {
	p = strings.TrimPrefix(path.Clean(p), "/")
	if p == "" {
		return "."
	}
	return p
}

func (l *loader) errorf(pos ast.Position, chain []ast.Position, format string, args ...any) {
	l.errs = append(l.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Chain: chain})
}

// file reads and processes one file; chain is where it was included from.
func (l *loader) file(p string, chain []ast.Position, depth, line int, at ast.Position) []ast.Node {
	l.nfiles++
	if l.nfiles > MaxIncludedFiles {
		l.abort = true
		l.errorf(at, chain, "Include/IncludeOptional: more than %d files included", MaxIncludedFiles)
		return nil
	}
	var pf parsedFile
	if pending, ok := l.prefetched[p]; ok {
		delete(l.prefetched, p)
		<-pending.done
		pf = pending.parsedFile
	} else {
		pf = readAndParse(l.fsys, p, l.parseConfig())
	}
	err, f, perr := pf.err, pf.file, pf.perr
	if err != nil {
		outer := chain
		if len(outer) > 0 {
			outer = outer[1:]
		}
		l.errorf(at, outer, "Could not open configuration file %s: %v", p, unwrapPathErr(err))
		l.errs[len(l.errs)-1].Err = err // errors.Is(err, fs.ErrNotExist) tells a mistyped path
		return nil
	}
	l.cfg.Files = append(l.cfg.Files, IncludedFile{Path: p, Depth: depth, Line: line, DumpLine: l.lastInc})
	if el, ok := perr.(ErrorList); ok {
		for _, e := range el {
			e.Chain = chain
			l.errs = append(l.errs, e)
		}
	} else if perr != nil {
		l.errorf(ast.Position{Filename: p}, chain, "%v", perr)
	}
	if f == nil {
		return nil
	}
	l.open = append(l.open, p)
	defer func() { l.open = l.open[:len(l.open)-1] }()
	body := l.nodes(f.Body, chain, depth, 0)
	l.enter(body, chain)
	return body
}

// unwrapPathErr is the reason of a failed open as httpd prints it
// (apr_strerror, i.e. the C library's strerror): "No such file or
// directory" where Go says "no such file or directory".
func unwrapPathErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		if errors.Is(pe.Err, fs.ErrNotExist) {
			return fmt.Errorf("No such file or directory")
		}
		var errno syscall.Errno
		if errors.As(pe.Err, &errno) {
			msg := errno.Error()
			if msg != "" && 'a' <= msg[0] && msg[0] <= 'z' {
				msg = string(msg[0]-'a'+'A') + msg[1:]
			}
			return errors.New(msg)
		}
		return pe.Err
	}
	return err
}

// Origin tells where a node of Body (at any depth) came from, innermost
// first: its own position, then the Include or Use that brought its file
// or macro body in, and so on outwards. It returns nil for a node that is
// not in Body. The cost is a walk of Body up to n.
func (c *Loaded) Origin(n ast.Node) []ast.Position {
	var find func(list []ast.Node, chain []ast.Position) []ast.Position
	find = func(list []ast.Node, chain []ast.Position) []ast.Position {
		for _, m := range list {
			if ch, ok := c.chains[m]; ok {
				chain = ch // from here on along this body
			}
			if m == n {
				return append([]ast.Position{n.Pos()}, chain...)
			}
			if s, ok := m.(*ast.Section); ok {
				if o := find(s.Body, chain); o != nil {
					return o
				}
			}
		}
		return nil
	}
	return find(c.Body, nil)
}

var conditionals = map[string]bool{
	"ifdefine": true, "ifmodule": true, "ifversion": true, "iffile": true,
	"ifdirective": true, "ifsection": true,
}

// nodes processes a body; macroDepth counts nested Use.
func (l *loader) nodes(in []ast.Node, chain []ast.Position, depth, macroDepth int) []ast.Node {
	// Most bodies come out as they went in, less Define and false
	// conditionals: write over the input (this loader's own parse) while
	// that cannot overtake the reading; Include, Use and true conditionals
	// may need a new slice.
	out := in[:0]
	inPlace := true
	// spliced is set after a run brought in from elsewhere: the next node
	// of this body records its chain again (see Loaded.Origin).
	spliced := false
	add := func(i int, run ...ast.Node) {
		if len(run) == 0 {
			return
		}
		if inPlace && len(out)+len(run) > i+1 {
			grown := make([]ast.Node, len(out), len(out)+len(run)+len(in)-i-1)
			copy(grown, out)
			out, inPlace = grown, false
		}
		out = append(out, run...)
	}
	own := func(i int, n ast.Node) {
		if spliced {
			l.cfg.chains[n] = chain
			spliced = false
		}
		add(i, n)
	}
	for i, n := range in {
		switch n := n.(type) {
		case *ast.Directive:
			l.substDirective(n)
			splice, keep := l.directive(n, chain, depth, macroDepth)
			if keep {
				own(i, n)
			} else if len(splice) > 0 {
				add(i, splice...)
				spliced = true
			}
		case *ast.Section:
			l.substSection(n)
			key := strings.ToLower(n.Name)
			switch {
			case key == "macro" && l.hasMacro():
				l.defineMacro(n, chain)
				continue
			case conditionals[key] && (key != "ifversion" || l.modules["version_module"] || l.modules["mod_version.c"]):
				ok, valid := l.cond(n, key, chain)
				if !valid {
					continue
				}
				if ok {
					if body := l.nodes(n.Body, chain, depth, macroDepth); len(body) > 0 {
						// The body's nodes have this body's chain, which a
						// run spliced just before may have changed.
						if spliced {
							l.enter(body, chain)
						}
						add(i, body...)
						spliced = true
					}
				} else {
					l.cfg.Dropped = append(l.cfg.Dropped, Dropped{Section: n, Origin: append([]ast.Position{n.Pos()}, chain...)})
				}
				continue
			}
			n.Body = l.nodes(n.Body, chain, depth, macroDepth)
			own(i, n)
		default:
			own(i, n)
		}
	}
	// Clear what the filtering left behind so the dropped nodes can go.
	if inPlace {
		clear(in[len(out):])
	}
	return out
}

// enter records chain for the first node of a run spliced into a body
// (an included file, a macro expansion, a true conditional's body after
// another splice), unless a deeper Include already placed it.
func (l *loader) enter(nodes []ast.Node, chain []ast.Position) {
	if len(nodes) == 0 {
		return
	}
	if _, ok := l.cfg.chains[nodes[0]]; !ok {
		l.cfg.chains[nodes[0]] = chain
	}
}

// resolveEnv is ap_resolve_env: ${NAME} from the defines, then the
// environment; an undefined name is left as written.
func (l *loader) resolveEnv(s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s)) // a reference is usually about as long as its value
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+2:], '}')
		if j < 0 {
			break
		}
		name := s[i+2 : i+2+j]
		b.WriteString(s[:i])
		if v, ok := l.lookup(name); ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+3+j])
			if !strings.Contains(name, ":") {
				l.warn = append(l.warn, name)
			}
		}
		s = s[i+3+j:]
	}
	b.WriteString(s)
	return b.String()
}

func (l *loader) lookup(name string) (string, bool) {
	// A tree names a few variables over and over (${APACHE_LOG_DIR} in
	// every virtual host): their lower case and environment values are
	// looked up once per load. Define can change vars at any line, so
	// those are looked up each time.
	low, seen := l.lowered[name]
	if !seen {
		low = strings.ToLower(name)
		if l.lowered == nil {
			l.lowered = map[string]string{}
		}
		l.lowered[name] = low
	}
	if v, ok := l.vars[low]; ok {
		return v, true
	}
	if l.opts.Env == nil {
		return "", false
	}
	e, seen := l.env[name]
	if !seen {
		e.value, e.ok = l.opts.Env(name)
		if l.env == nil {
			l.env = map[string]envValue{}
		}
		l.env[name] = e
	}
	return e.value, e.ok
}

// envValue is an environment variable's value, and whether it is set.
type envValue struct {
	value string
	ok    bool
}

// logical returns the trimmed logical line of a node's raw text.
func logical(raw string) string {
	s := ast.JoinContinuations(raw)
	a, b := syntax.TrimSpace(s)
	return s[a:b]
}

// words splits line[start:] into arguments, in reuse's memory when it
// has room (the node's own arguments, which the split replaces).
func words(line string, start int, reuse []ast.Arg) []ast.Arg {
	var buf [16]syntax.Word
	ws := syntax.Words(buf[:0], line[start:])
	if len(ws) == 0 {
		return nil
	}
	args := reuse[:0]
	if cap(args) < len(ws) {
		args = make([]ast.Arg, len(ws))
	}
	args = args[:len(ws)]
	for i, w := range ws {
		args[i] = ast.Arg{Value: w.Value, Raw: w.Raw(line[start:])}
	}
	return args
}

func (l *loader) substDirective(n *ast.Directive) {
	if n.Raw == "" || !strings.Contains(n.Raw, "${") {
		return
	}
	line := l.resolveEnv(logical(n.Raw))
	l.flushWarnings(n.Pos())
	h := syntax.Classify(line)
	n.Name = h.Name
	n.Args = words(line, h.Rest, n.Args)
}

func (l *loader) substSection(n *ast.Section) {
	if n.Raw == "" || !strings.Contains(n.Raw, "${") {
		return
	}
	line := l.resolveEnv(logical(n.Raw))
	l.flushWarnings(n.Pos())
	h := syntax.Classify(line)
	a, b := syntax.HeaderArgs(line, h)
	n.Name = h.Name
	n.Args = words(line[:b], a, n.Args)
}

func (l *loader) flushWarnings(pos ast.Position) {
	for _, name := range l.warn {
		l.cfg.Warnings = append(l.cfg.Warnings, &Error{Pos: pos, Msg: "Config variable ${" + name + "} is not defined"})
	}
	l.warn = l.warn[:0]
}

func argVals(args []ast.Arg) []string {
	v := make([]string, len(args))
	for i, a := range args {
		v[i] = a.Value
	}
	return v
}

// loaderDirectives are the directives the loader acts on (lower case).
var loaderDirectives = map[string]bool{"define": true, "undefine": true, "serverroot": true, "loadmodule": true,
	"undefmacro": true, "use": true, "include": true, "includeoptional": true}

// directive evaluates one directive: keep reports that n stays in the
// tree, splice holds what an Include or Use brought in instead.
func (l *loader) directive(n *ast.Directive, chain []ast.Position, depth, macroDepth int) (splice []ast.Node, keep bool) {
	// Every line passes here: look at the name without allocating.
	if !isLoaderDirective(n.Name) {
		return nil, true
	}
	args := argVals(n.Args)
	switch strings.ToLower(n.Name) {
	case "define":
		if len(args) >= 1 && strings.Contains(args[0], ":") {
			l.errorf(n.Pos(), chain, "Variable name must not contain ':'")
			return nil, false
		}
		switch len(args) {
		case 1:
			// A name without a value: ${NAME} stays undefined (and an
			// earlier value is kept), as set_define does.
			l.define(args[0])
		case 2:
			l.define(args[0])
			l.vars[strings.ToLower(args[0])] = args[1]
		default:
			l.errorf(n.Pos(), chain, "Define takes one or two arguments")
		}
		return nil, false
	case "undefine":
		if len(args) == 1 && strings.Contains(args[0], ":") {
			l.errorf(n.Pos(), chain, "Variable name must not contain ':'")
		} else if len(args) == 1 {
			if l.defines[args[0]] {
				l.order = slices.DeleteFunc(l.order, func(d string) bool { return d == args[0] })
			}
			delete(l.defines, args[0])
			delete(l.vars, strings.ToLower(args[0]))
		} else {
			l.errorf(n.Pos(), chain, "UnDefine takes one argument")
		}
		return nil, false
	case "serverroot":
		if len(args) == 1 {
			l.root = l.abs(args[0])
		}
	case "loadmodule":
		if l.dynamic && len(args) == 2 {
			l.modules[args[0]] = true
			l.modules[ModuleSource(args[0])] = true
		}
	case "undefmacro":
		if !l.hasMacro() {
			break
		}
		if len(args) == 1 {
			k := strings.ToLower(args[0])
			if l.macros[k] == nil {
				l.errorf(n.Pos(), chain, "cannot remove undefined macro '%s'", args[0])
			}
			delete(l.macros, k)
		}
		return nil, false
	case "use":
		if !l.hasMacro() {
			break
		}
		return l.use(n, args, chain, depth, macroDepth), false
	case "include", "includeoptional":
		if len(args) != 1 {
			l.errorf(n.Pos(), chain, "%s takes one argument, Name of the config file to be included", n.Name)
			return nil, false
		}
		return l.include(n, args[0], strings.EqualFold(n.Name, "includeoptional"), chain, depth), false
	}
	return nil, true
}

// isLoaderDirective looks name up in loaderDirectives, lowering it in a
// stack buffer: a map index of string(bytes) does not allocate.
func isLoaderDirective(name string) bool {
	var buf [16]byte
	if len(name) < 3 || len(name) > len(buf) {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return loaderDirectives[string(buf[:len(name)])]
}

// ModuleSource is the source file name a module identifier was built from,
// the other name <IfModule> accepts: foo_module is mod_foo.c, but the MPMs
// are event.c, worker.c and prefork.c. An id without the _module suffix
// is returned as it is. It is a convention, not a lookup: a third-party
// module built from another file name is not found by it.
func ModuleSource(id string) string {
	m, ok := strings.CutSuffix(id, "_module")
	if !ok {
		return id
	}
	if mpm, ok := strings.CutPrefix(m, "mpm_"); ok {
		return mpm + ".c"
	}
	return "mod_" + m + ".c"
}

// hasMacro reports whether mod_macro is loaded; without it Macro, Use and
// UndefMacro are unknown directives, left in the tree for the checker.
func (l *loader) hasMacro() bool { return l.modules["macro_module"] || l.modules["mod_macro.c"] }

func isGlob(s string) bool { return strings.ContainsAny(s, "*?[") }

func (l *loader) include(n *ast.Directive, name string, optional bool, chain []ast.Position, depth int) []ast.Node {
	if l.abort {
		return nil
	}
	if depth+1 > MaxIncludeDepth {
		l.abort = true
		l.errorf(n.Pos(), chain, "Exceeded maximum include depth of %d, There appears to be a recursion.", MaxIncludeDepth)
		return nil
	}
	l.lastInc = n.Pos().Line
	p := l.abs(name)
	inner := append([]ast.Position{n.Pos()}, chain...)
	var files []string
	var err *Error
	if !isGlob(p) {
		files, err = l.nofnmatch(p, optional, 0)
	} else {
		files, err = l.fnmatch("/", strings.TrimPrefix(p, "/"), optional, 0)
	}
	if err != nil {
		err.Pos, err.Chain = n.Pos(), chain
		l.errs = append(l.errs, err)
		return nil
	}
	l.prefetch(files)
	var out []ast.Node
	for _, f := range files {
		// httpd has no cycle check of its own: a file may include itself
		// (guarded by a Define, say); a real cycle ends at the depth limit.
		out = append(out, l.file(f, inner, depth+1, n.Pos().Line, n.Pos())...)
	}
	return out
}

const includePrefix = "Include/IncludeOptional: "

func (l *loader) stat(p string) (fs.FileInfo, error) { return fs.Stat(l.fsys, fsPath(p)) }

// nofnmatch is ap_dir_nofnmatch with AP_DIR_FLAG_RECURSIVE. A failure
// comes back as an Error without position (include sets it) wrapping
// the fs error, if any.
func (l *loader) nofnmatch(p string, optional bool, dirDepth int) ([]string, *Error) {
	fi, err := l.stat(p)
	if err == nil && fi.IsDir() {
		if dirDepth+1 > MaxIncludeDirDepth {
			return nil, &Error{Msg: fmt.Sprintf("%sDirectory '%s' exceeds the maximum include directory nesting level of %d. You have probably a recursion somewhere.", includePrefix, p, MaxIncludeDirDepth)}
		}
		ents, err := fs.ReadDir(l.fsys, fsPath(p))
		if err != nil {
			return nil, &Error{Msg: fmt.Sprintf("%sCould not open directory %s: %v", includePrefix, p, unwrapPathErr(err)), Err: err}
		}
		names := make([]string, 0, len(ents))
		for _, e := range ents {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		var out []string
		for _, nm := range names {
			sub, e := l.nofnmatch(path.Join(p, nm), optional, dirDepth+1)
			if e != nil {
				return nil, e
			}
			out = append(out, sub...)
			if len(out) > MaxIncludedFiles {
				return nil, &Error{Msg: fmt.Sprintf("%stoo many files under %s", includePrefix, p)}
			}
		}
		return out, nil
	}
	if optional && err != nil {
		return nil, nil
	}
	return []string{p}, nil
}

// fnmatch is ap_dir_fnmatch: dir is the directory so far, rest the
// remaining components.
func (l *loader) fnmatch(dir, rest string, optional bool, dirDepth int) ([]string, *Error) {
	comp, tail, more := strings.Cut(rest, "/")
	if !isGlob(comp) {
		p := path.Join(dir, comp)
		if !more {
			return l.nofnmatch(p, optional, dirDepth)
		}
		return l.fnmatch(p, tail, optional, dirDepth)
	}
	ents, err := fs.ReadDir(l.fsys, fsPath(dir))
	if err != nil {
		if optional && errorsIsNotExist(err) {
			return nil, nil
		}
		return nil, &Error{Msg: fmt.Sprintf("%sCould not open directory %s: %v", includePrefix, dir, unwrapPathErr(err)), Err: err}
	}
	var cands []string
	for _, e := range ents {
		nm := e.Name()
		if strings.HasPrefix(nm, ".") && !strings.HasPrefix(comp, ".") {
			continue // APR_FNM_PERIOD
		}
		if ok, _ := path.Match(comp, nm); !ok {
			continue
		}
		if more && !e.IsDir() {
			continue
		}
		cands = append(cands, path.Join(dir, nm))
	}
	if len(cands) == 0 {
		if !optional {
			return nil, &Error{Msg: fmt.Sprintf("%sNo matches for the wildcard '%s' in '%s', failing", includePrefix, comp, dir)}
		}
		return nil, nil
	}
	sort.Strings(cands)
	var out []string
	for _, c := range cands {
		var sub []string
		var e *Error
		if more {
			sub, e = l.fnmatch(c, tail, optional, dirDepth)
		} else {
			sub, e = l.nofnmatch(c, optional, dirDepth)
		}
		if e != nil {
			return nil, e
		}
		out = append(out, sub...)
		if len(out) > MaxIncludedFiles {
			return nil, &Error{Msg: fmt.Sprintf("%stoo many files match %s", includePrefix, rest)}
		}
	}
	return out, nil
}

// errorsIsNotExist reports a missing file or directory; errors.Is sees
// through os.DirFS's *PathError wrapping ENOENT (an fstest.MapFS returns
// fs.ErrNotExist itself).
func errorsIsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// cond evaluates a conditional section; valid is false after an error.
func (l *loader) cond(n *ast.Section, key string, chain []ast.Position) (ok, valid bool) {
	args := argVals(n.Args)
	if key == "ifversion" {
		return l.ifVersion(n, args, chain)
	}
	// start_cond_section: '!' is looked for on the raw text, then the
	// first word is read from the rest; further words are ignored.
	raws := make([]string, len(n.Args))
	for i, a := range n.Args {
		raws[i] = a.Raw
		if raws[i] == "" {
			raws[i] = syntax.Quote(a.Value, a.Quote())
		}
	}
	text := strings.Join(raws, " ")
	neg := strings.HasPrefix(text, "!")
	if neg {
		text = text[1:]
	}
	w, _, ok := syntax.NextWord(text, 0)
	if !ok || w.Value == "" {
		l.errorf(n.Pos(), chain, "<%s> directive requires additional arguments", n.Name)
		return false, false
	}
	a := w.Value
	switch key {
	case "ifdefine":
		_, ok = l.defines[a]
	case "ifmodule":
		ok = l.modules[a]
	case "iffile":
		p := a
		if !path.IsAbs(p) {
			p = path.Join(l.root, p)
		}
		_, err := l.stat(p)
		ok = err == nil
	case "ifdirective":
		ok = l.knownDirective(a)
	case "ifsection":
		ok = l.knownDirective("<" + a)
	}
	return ok != neg, true
}

func (l *loader) ifVersion(n *ast.Section, args []string, chain []ast.Position) (bool, bool) {
	var op, v string
	switch len(args) {
	case 1:
		op, v = "=", args[0]
	case 2:
		op, v = args[0], args[1]
	default:
		l.errorf(n.Pos(), chain, "%s", versionSyntax)
		return false, false
	}
	neg := false
	if len(op) > 1 && op[0] == '!' {
		neg, op = true, op[1:]
	}
	ok, valid := l.versionMatch(n, op, v, chain)
	return ok != neg, valid
}

func (l *loader) versionMatch(n *ast.Section, op, v string, chain []ast.Position) (bool, bool) {
	if len(v) > 1 && v[0] == '/' && v[len(v)-1] == '/' && (op == "=" || op == "==") {
		op, v = "~", v[1:len(v)-1]
	}
	if op == "~" {
		re, err := pcre.Compile(v, false) // ap_pregcomp: PCRE
		if err != nil {
			l.errorf(n.Pos(), chain, "Unable to compile regular expression")
			return false, false
		}
		return re.MatchString(l.opts.Version), true
	}
	have := parseVersion(l.opts.Version)
	want, ok := strictVersion(v)
	if !ok {
		l.errorf(n.Pos(), chain, "%s", versionSyntax)
		return false, false
	}
	c := 0
	for i := 0; i < 3 && c == 0; i++ {
		c = compareInt(have[i], want[i])
	}
	switch op {
	case "=", "==":
		return c == 0, true
	case ">":
		return c > 0, true
	case ">=":
		return c >= 0, true
	case "<":
		return c < 0, true
	case "<=":
		return c <= 0, true
	}
	l.errorf(n.Pos(), chain, "unrecognized operator '%s'", op)
	return false, false
}

func compareInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

const versionSyntax = "Version appears to be invalid. It must have the format major[.minor[.patch]] where major, minor and patch are numbers."

// strictVersion is mod_version's compare_version parsing: digits and dots,
// starting with a digit, at most three numbers.
func strictVersion(s string) ([3]int, bool) {
	var v [3]int
	if s == "" || s[0] < '0' || s[0] > '9' {
		return v, false
	}
	parts := strings.Split(s, ".")
	if len(parts) > 3 {
		return v, false
	}
	for i, p := range parts {
		for _, c := range p {
			if c < '0' || c > '9' {
				return v, false
			}
		}
		v[i], _ = strconv.Atoi(p)
	}
	return v, true
}

func parseVersion(s string) [3]int {
	var v [3]int
	for i, p := range strings.SplitN(s, ".", 3) {
		n, _ := strconv.Atoi(strings.TrimFunc(p, func(r rune) bool { return r < '0' || r > '9' }))
		v[i] = n
	}
	return v
}

func (l *loader) defineMacro(n *ast.Section, chain []ast.Position) {
	args := argVals(n.Args)
	if len(args) == 0 {
		l.errorf(n.Pos(), chain, "macro definition: name not specified")
		return
	}
	var w macroText
	for _, c := range n.Body {
		w.node(c)
	}
	l.macroSeen = true
	l.macros[strings.ToLower(args[0])] = &macro{name: strings.ToLower(args[0]), params: args[1:], body: w.b.String(),
		file: n.Pos().Filename, line: n.Pos().Line, origin: append([]ast.Position{n.Pos()}, chain...)}
}

// macroText rebuilds a macro body as mod_macro keeps it: each logical
// line trimmed, comment lines left out, blank lines kept, so that the
// expansion's line numbers are httpd's.
type macroText struct {
	b strings.Builder
}

func (w *macroText) node(n ast.Node) {
	switch n := n.(type) {
	case *ast.Directive:
		w.line(n.Raw)
	case *ast.Blank:
		w.line("")
	case *ast.Bad:
		w.line(n.Raw)
	case *ast.Section:
		w.line(n.Raw)
		for _, c := range n.Body {
			w.node(c)
		}
		if n.CloseRaw != "" {
			w.line(n.CloseRaw)
		}
	}
}

func (w *macroText) line(raw string) {
	if raw != "" {
		w.b.WriteString(logical(raw))
	}
	w.b.WriteByte('\n')
}

func (l *loader) use(n *ast.Directive, args []string, chain []ast.Position, depth, macroDepth int) []ast.Node {
	if len(args) == 0 {
		l.errorf(n.Pos(), chain, "no macro defined before Use")
		return nil
	}
	if !l.macroSeen {
		l.errorf(n.Pos(), chain, "no macro defined before Use")
		return nil
	}
	m := l.macros[strings.ToLower(args[0])]
	if m == nil {
		l.errorf(n.Pos(), chain, "macro '%s' undefined", strings.ToLower(args[0]))
		return nil
	}
	for _, c := range chain {
		if strings.HasPrefix(c.Filename, "macro '"+m.name+"'") {
			l.errorf(n.Pos(), chain, "recursive use of macro '%s' is invalid", m.name)
			return nil
		}
	}
	if macroDepth > MaxIncludeDepth {
		l.errorf(n.Pos(), chain, "recursive use of macro '%s' is invalid", m.name)
		return nil
	}
	loc := fmt.Sprintf("defined on line %d of \"%s\"", m.line, m.file)
	if len(args)-1 != len(m.params) {
		l.errorf(n.Pos(), chain, "macro '%s' (%s) used with %d arguments instead of %d", m.name, loc, len(args)-1, len(m.params))
		return nil
	}
	body := substituteMacro(m.body, m.params, args[1:])
	// The expanded body's positions name the macro, as httpd's config_file
	// name does; the chain leads back to the Use line.
	fname := fmt.Sprintf("macro '%s' (%s) used on line %d of \"%s\"", m.name, loc, n.Pos().Line, n.Pos().Filename)
	f, perr := l.parseConfig().ParseString(fname, body)
	if el, ok := perr.(ErrorList); ok {
		for _, e := range el {
			e.Chain = append([]ast.Position{n.Pos()}, chain...)
			l.errs = append(l.errs, e)
		}
	}
	if f == nil {
		return nil
	}
	inner := append([]ast.Position{n.Pos()}, chain...)
	expanded := l.nodes(f.Body, inner, depth, macroDepth+1)
	l.enter(expanded, inner)
	return expanded
}

// substituteMacro replaces the parameters in body as mod_macro's
// substitute_macro_args does: at each position the longest parameter that
// matches there (the first declared among equals); a parameter starting
// with '@' is replaced by its value in double quotes, with " and \
// escaped by a backslash.
func substituteMacro(body string, params, vals []string) string {
	var b strings.Builder
	for i := 0; i < len(body); {
		best := -1
		for k, p := range params {
			if p != "" && strings.HasPrefix(body[i:], p) && (best < 0 || len(p) > len(params[best])) {
				best = k
			}
		}
		if best < 0 {
			b.WriteByte(body[i])
			i++
			continue
		}
		v := vals[best]
		if params[best][0] == '@' {
			b.WriteByte('"')
			for j := 0; j < len(v); j++ {
				if v[j] == '"' || v[j] == '\\' {
					b.WriteByte('\\')
				}
				b.WriteByte(v[j])
			}
			b.WriteByte('"')
		} else {
			b.WriteString(v)
		}
		i += len(params[best])
	}
	return b.String()
}

// parsedFile is a file read (err) and parsed (file, perr).
type parsedFile struct {
	err  error
	file *ast.File
	perr error
}

// readAndParse reads and parses the file at p. The tree's strings share
// the bytes read, which nothing else holds or writes, rather than a
// string copy of them: the input is the largest part of a tree.
func readAndParse(fsys fs.FS, p string, cfg Config) parsedFile {
	src, err := fs.ReadFile(fsys, fsPath(p))
	if err != nil {
		return parsedFile{err: err}
	}
	f, perr := cfg.ParseString(p, unsafe.String(unsafe.SliceData(src), len(src)))
	return parsedFile{file: f, perr: perr}
}

// parseConfig is how the loader parses files and macro bodies.
func (l *loader) parseConfig() Config {
	return Config{SkipTrivia: l.opts.SkipTrivia, KeepComment: l.opts.KeepComment}
}

// pendingFile is a parsedFile being produced; done is closed when it is.
type pendingFile struct {
	parsedFile
	done chan struct{}
}

// prefetch starts reading and parsing the files one Include matched,
// concurrently and in order: parsing is independent of everything the
// loader evaluates, which stays sequential and in httpd's order. file()
// waits for a file's result when its turn comes, so the loader works on
// the first files while the parsers are on the next.
func (l *loader) prefetch(files []string) {
	if len(files) < 2 {
		return
	}
	if l.prefetched == nil {
		l.prefetched = map[string]*pendingFile{}
	}
	pending := make([]*pendingFile, len(files))
	next := make(chan int, len(files))
	for i, f := range files {
		pending[i] = &pendingFile{done: make(chan struct{})}
		l.prefetched[f] = pending[i]
		next <- i
	}
	close(next)
	cfg := l.parseConfig()
	for w := min(runtime.GOMAXPROCS(0), len(files)); w > 0; w-- {
		go func() {
			for i := range next {
				if !l.stop.Load() {
					pending[i].parsedFile = readAndParse(l.fsys, files[i], cfg)
				}
				close(pending[i].done)
			}
		}()
	}
}

// knownDirective is ap_exists_directive: a directive of a module loaded
// so far.
func (l *loader) knownDirective(name string) bool {
	if l.opts.KnownDirective != nil {
		return l.opts.KnownDirective(name)
	}
	return directive.Defined(name, func(id string) bool { return l.modules[id] })
}
