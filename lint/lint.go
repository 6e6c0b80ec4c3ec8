// Package lint checks an Apache httpd configuration for mistakes httpd
// would refuse, silently ignore, or run insecurely with.
//
// A rule is a value, shaped like golang.org/x/tools/go/analysis: an
// Analyzer has a stable ID (AC1001 …), a name, a severity, a doc page
// (docs/rules/ID.md) and a Run function that inspects a Program — the
// loaded tree, the servers scope.Build made of it, the mod_wsgi group
// inventory — and reports Diagnostics through its Pass:
//
//	prog := lint.NewProgram(nodes, loadErr, lint.ProgramOptions{FS: os.DirFS("/")})
//	diags, err := lint.RunContext(ctx, prog, lint.Analyzers(), lint.Config{})
//	if cfg.Fails(diags) { … }
//
// (apacheconf.Config.Lint does this for a loaded configuration.) Run
// applies the configuration (rules by ID or name turned off, severities
// changed) and the suppression comments found in the files:
//
//	# apacheconf:ignore AC5004 the banner is wanted here
//	ServerSignature On
//
// A comment of that form silences the listed rules (or "all") for the
// node that follows it. Formatters for text, JSON, SARIF 2.1.0, GitHub
// Actions annotations and checkstyle XML, and the .apacheconf.yaml
// reader, are in package lint/report.
package lint

import (
	"context"
	"fmt"
	"io/fs"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
)

// Severity orders findings: Info < Warning < Error. Off, in a
// Config, switches a rule off.
type Severity int

// Severities.
const (
	Off  Severity = -1
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	case Off:
		return "off"
	}
	return "none"
}

// ParseSeverity reads "error", "warning", "info" or "off" (any case).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "off", "none":
		return Off, nil
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info", "note":
		return Info, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning, info or off)", s)
}

// Analyzer is one rule.
type Analyzer struct {
	// ID is stable across releases (suppressions and configs name it).
	ID string
	// Name is a short kebab-case name.
	Name string
	// Doc is a one-line summary; the full page is docs/rules/ID.md.
	Doc string
	// Severity is the default severity of its findings.
	Severity Severity
	// Run inspects pass.Program and reports findings.
	Run func(*Pass)
}

// DocURL is where an analyzer's page lives, relative to the repository.
func (a *Analyzer) DocURL() string { return "docs/rules/" + a.ID + ".md" }

// TextEdit replaces the bytes [Offset, End) of a file with NewText.
type TextEdit struct {
	Filename string
	Offset   int
	End      int
	NewText  string
}

// SuggestedFix is a change that resolves a finding.
type SuggestedFix struct {
	Message string
	Edits   []TextEdit
}

// Diagnostic is one finding.
type Diagnostic struct {
	Pos, End ast.Position
	Message  string
	Fixes    []SuggestedFix
	// Rule, Name and Severity are filled in by Run from the analyzer
	// and the configuration.
	Rule     string
	Name     string
	Severity Severity
}

// Pass is what an analyzer's Run gets.
type Pass struct {
	Analyzer *Analyzer
	*Program
	diags []Diagnostic
}

// Report records a finding.
func (p *Pass) Report(d Diagnostic) {
	p.diags = append(p.diags, d)
}

// Reportf records a finding at a node.
func (p *Pass) Reportf(n ast.Node, format string, args ...any) {
	p.Report(Diagnostic{Pos: n.Pos(), End: endOfLine(n), Message: fmt.Sprintf(format, args...)})
}

// endOfLine is the end of a node's first line (for a section: its
// opening line), which is what editors should underline.
func endOfLine(n ast.Node) ast.Position {
	switch n := n.(type) {
	case *ast.Section:
		raw := strings.TrimRight(n.Raw[len(n.Indent()):], "\r\n")
		return n.Pos().Advance(raw)
	case *ast.Directive:
		raw := strings.TrimRight(n.Raw[len(n.Indent()):], "\r\n")
		return n.Pos().Advance(raw)
	}
	return n.End()
}

// ProgramOptions control NewProgram.
type ProgramOptions struct {
	// FS is the file system that the configuration's absolute paths
	// refer to (DocumentRoot, <Directory>, .htaccess), as io/fs paths
	// (see scope.FSPath). nil: no file is read.
	FS fs.FS
	// Resolver resolves names in <VirtualHost> lines; default: the
	// system's, like httpd.
	Resolver scope.Resolver
	// Directives is the directive registry as scope uses it for
	// .htaccess, and Specs as the directive rules use it; nil means the
	// registry generated from apache2 (DefaultRegistry).
	Directives scope.DirectiveTable
	Specs      Registry
	// Server, when set, is the scope.Build of nodes already made (with
	// BuildErr its error), and Inventory with GroupErr the mod_wsgi
	// groups of it: NewProgram then builds nothing again, and Resolver
	// is not used. apacheconf.Config.Lint passes what Load built.
	Server    *scope.Server
	BuildErr  error
	Inventory *resolve.Inventory
	GroupErr  error
	// Fragment: the configuration is a part of a server's (a site file
	// linted alone), not one httpd starts with: which modules are loaded
	// is unknown, so directives of modules not loaded (AC2004) and a
	// missing MPM (AC2006) are not reported.
	Fragment bool
}

// Program is the configuration under analysis.
type Program struct {
	// Nodes is the loaded tree (Include expanded).
	Nodes []ast.Node
	// LoadErrors are the loader's problems: syntax errors, missing
	// Include files.
	LoadErrors parser.ErrorList
	// Server is scope.Build's view; BuildErrors what stopped it.
	Server      *scope.Server
	BuildErrors parser.ErrorList
	// Inventory is mod_wsgi's daemon groups; GroupErrors what mod_wsgi
	// refuses to start with.
	Inventory   *resolve.Inventory
	GroupErrors parser.ErrorList
	FS          fs.FS
	// Registry and Specs are ProgramOptions.Directives and Specs.
	Registry scope.DirectiveTable
	Specs    Registry
	// Fragment is ProgramOptions.Fragment.
	Fragment bool

	// Caches shared by the analyzers, which run side by side: each is
	// filled once (a sync.Once) or under a lock.
	htaccess     []*HTAccess
	htaccessOnce sync.Once
	bySection    map[*ast.Section]*scope.VirtualHost
	bySecOnce    sync.Once
	byName       map[string][]dirRef
	parentSets   []chain              // the distinct chains of enclosing sections
	chainStore   []*ast.Section       // what they are slices of
	dirNames     map[string]*nodeName // by the spelling of a directive's name
	secNames     map[string]*nodeName // by the spelling of a section's name
	indexOnce    sync.Once
	addrs        []*addrSet // the virtual hosts by address (rule_vhost.go)
	addrOnce     sync.Once
	routing      *routingCache // what the routing rules parse once (rule_routing.go)
	routingMu    sync.Mutex
	// dirs is what both .htaccess searches read of FS while a run has
	// them both to do (prepare), dropped when the last is done.
	dirs      *fsCache
	dirsUsers atomic.Int32
	htDone    atomic.Bool // readHTAccess has run
}

// NewProgram prepares a loaded tree for analysis. loadErr is the
// loader's error (a parser.ErrorList), kept for the syntax rules.
func NewProgram(nodes []ast.Node, loadErr error, opts ProgramOptions) *Program {
	p := &Program{Nodes: nodes, FS: opts.FS, Registry: opts.Directives, Specs: opts.Specs, Fragment: opts.Fragment}
	if p.Registry == nil {
		p.Registry = DefaultRegistry()
	}
	if p.Specs == nil {
		p.Specs = DefaultRegistry()
	}
	p.LoadErrors = asList(loadErr)
	if opts.Server != nil {
		p.Server, p.BuildErrors = opts.Server, asList(opts.BuildErr)
		p.Inventory, p.GroupErrors = opts.Inventory, asList(opts.GroupErr)
		if p.Inventory == nil {
			inv, err := resolve.Groups(p.Server)
			p.Inventory, p.GroupErrors = inv, asList(err)
		}
		return p
	}
	s, err := scope.Build(nodes, scope.Options{Resolver: opts.Resolver})
	p.BuildErrors = asList(err)
	p.Server = s
	if s != nil {
		// The rules' directive index reads the modules Build found, not
		// the groups: made side by side with them (a core idle else),
		// as Run would make it first anyway.
		indexed := make(chan struct{})
		go func() {
			defer close(indexed)
			p.indexOnce.Do(p.indexNodes)
		}()
		inv, err := resolve.Groups(s)
		p.Inventory = inv
		p.GroupErrors = asList(err)
		<-indexed
	}
	return p
}

func asList(err error) parser.ErrorList {
	if err == nil {
		return nil
	}
	if l, ok := err.(parser.ErrorList); ok {
		return l
	}
	return parser.ErrorList{{Msg: err.Error()}}
}

// Walk visits every node of the loaded tree with its enclosing sections.
func (p *Program) Walk(f func(n ast.Node, parents []*ast.Section) bool) {
	ast.Walk(p.Nodes, f)
}

type dirRef struct {
	d       *ast.Directive
	parents int32 // index in Program.parentSets
	seq     int32
}

// chain is a chain of enclosing sections: Program.chainStore[start:end]
// (two numbers rather than a slice for each section of the tree).
type chain struct{ start, end int32 }

// parents is the chain of sections numbered set.
func (p *Program) parents(set int32) []*ast.Section {
	c := p.parentSets[set]
	return p.chainStore[c.start:c.end:c.end]
}

// nodeName is one spelling of a name in the tree ("ServerName",
// "<Directory" for a section) with what the directive registry says of
// it, looked up once per spelling rather than once per line.
type nodeName struct {
	name  string
	spec  Spec
	known bool
	info  *directive.Info // Program.info(name, spec), when known
}

// Directives calls f for each directive (not section) named by one of
// names, in source order, with its enclosing sections. The first call
// indexes the tree.
func (p *Program) Directives(f func(d *ast.Directive, parents []*ast.Section), names ...string) {
	p.indexOnce.Do(p.indexNodes)
	if len(names) == 1 {
		for _, r := range p.byName[ast.Canonical(names[0])] {
			f(r.d, p.parents(r.parents))
		}
		return
	}
	// The names' lists, each in source order, merged (not copied and
	// sorted: rules ask on every run, some for the most common names).
	var buf [4][]dirRef
	lists := buf[:0]
	for _, name := range names {
		if l := p.byName[ast.Canonical(name)]; len(l) > 0 {
			lists = append(lists, l)
		}
	}
	for {
		next := -1
		for i, l := range lists {
			if len(l) > 0 && (next < 0 || l[0].seq < lists[next][0].seq) {
				next = i
			}
		}
		if next < 0 {
			return
		}
		r := lists[next][0]
		lists[next] = lists[next][1:]
		f(r.d, p.parents(r.parents))
	}
}

// indexNodes indexes the tree once for every rule: byName in two
// passes, so that each name's list is allocated once at its size
// (siblings share one chain of parents), and the names spelled, looked
// up in the registry once per spelling rather than once per line.
func (p *Program) indexNodes() {
	p.dirNames, p.secNames = map[string]*nodeName{}, map[string]*nodeName{}
	spell := func(names map[string]*nodeName, name, key string) {
		if _, ok := names[name]; ok {
			return
		}
		nn := &nodeName{name: key}
		if p.Specs != nil {
			if nn.spec, nn.known = p.Specs.Lookup(key); nn.known {
				nn.info = p.info(key, nn.spec)
			}
		}
		names[name] = nn
	}
	// Each spelling's entry, the canonical name's (one map lookup for a
	// line in each pass, not one per map).
	type entry struct {
		count int
		refs  []dirRef
	}
	bySpelling, byKey := map[string]*entry{}, map[string]*entry{}
	entryOf := func(name string) *entry {
		e, ok := bySpelling[name]
		if !ok {
			k := ast.Canonical(name)
			if e = byKey[k]; e == nil {
				e = &entry{}
				byKey[k] = e
			}
			bySpelling[name] = e
			spell(p.dirNames, name, name)
		}
		return e
	}
	total, sections, chains := 0, 0, 0
	var depth func(body []ast.Node, d int)
	depth = func(body []ast.Node, d int) {
		for _, n := range body {
			switch n := n.(type) {
			case *ast.Directive:
				entryOf(n.Name).count++
				total++
			case *ast.Section:
				if _, ok := p.secNames[n.Name]; !ok {
					spell(p.secNames, n.Name, "<"+n.Name)
				}
				sections++
				chains += d + 1
				depth(n.Body, d+1)
			}
		}
	}
	depth(p.Nodes, 0)
	all := make([]dirRef, 0, total)
	for _, e := range byKey {
		e.refs = all[len(all) : len(all) : len(all)+e.count]
		all = all[:len(all)+e.count]
	}
	// Every section's chain of parents, carved from one array.
	p.parentSets = make([]chain, 1, sections+1)
	store := make([]*ast.Section, 0, chains)
	seq := int32(0)
	var index func(body []ast.Node, set int32)
	index = func(body []ast.Node, set int32) {
		for _, n := range body {
			switch n := n.(type) {
			case *ast.Directive:
				e := bySpelling[n.Name]
				e.refs = append(e.refs, dirRef{n, set, seq})
				seq++
			case *ast.Section:
				start, c := len(store), p.parentSets[set]
				store = append(append(store, store[c.start:c.end]...), n)
				p.parentSets = append(p.parentSets, chain{int32(start), int32(len(store))})
				index(n.Body, int32(len(p.parentSets)-1))
			}
		}
	}
	index(p.Nodes, 0)
	p.chainStore = store
	p.byName = make(map[string][]dirRef, len(byKey))
	for k, e := range byKey {
		p.byName[k] = e.refs
	}
}

// Run runs the analyzers over prog and returns their findings, with the
// configuration and suppression comments applied, sorted by position. It
// is RunContext without a context, for a cfg known to be valid: it panics
// when cfg names a rule that does not exist (Config.Check says so).
func Run(prog *Program, analyzers []*Analyzer, cfg Config) []Diagnostic {
	ds, err := RunContext(context.Background(), prog, analyzers, cfg)
	if err != nil {
		panic("lint.Run: " + err.Error())
	}
	return ds
}

// RunContext runs the analyzers over prog as Run does. It returns an
// error when cfg names an unknown rule or severity (see Config.Check),
// and ctx's error when ctx is done before the last analyzer has run.
//
// The package's own analyzers (Analyzers, BenchmarkAnalyzers) run side by
// side on the available cores: they only read prog, or fill its caches
// under a sync.Once or a lock; what several of them share (the directive
// index, the routing rules' .htaccess walk) is started first. Other
// analyzers run one after another, after them. Either way the findings
// are the same and in the same order.
func RunContext(ctx context.Context, prog *Program, analyzers []*Analyzer, cfg Config) ([]Diagnostic, error) {
	rc, err := cfg.compile()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type result struct {
		a     *Analyzer
		sev   Severity
		diags []Diagnostic
	}
	var results, builtins, foreign []*result
	routing := 0   // routing rules to run, which share Program.routing
	walk := false  // a rule reads the .htaccess files below the document roots
	files := false // AC2006 looks at the DocumentRoots (scope.CheckFiles)
	for _, a := range analyzers {
		sev, on := rc.severity(a)
		if !on {
			continue
		}
		r := &result{a: a, sev: sev}
		results = append(results, r)
		switch {
		case !builtin(a):
			foreign = append(foreign, r)
		default:
			builtins = append(builtins, r)
			if routingRule(a) {
				routing++
			}
			walk = walk || readsRewriteHTAccess[a]
			files = files || a == StartupError
		}
	}
	run := func(r *result) {
		if ctx.Err() != nil {
			return
		}
		pass := &Pass{Analyzer: r.a, Program: prog}
		r.a.Run(pass)
		r.diags = pass.diags
	}
	// The jobs: first the longest part of a rule made of parts (the
	// handlers' checks of AC2006), then what several rules share and the
	// first of them would otherwise build while the others wait on its
	// sync.Once (a worker waiting is a core idle), then the rules. The
	// longest first: the last job to end is then a short one, and the
	// other cores are not idle while it runs.
	var lead, jobs []func()
	jobs = append(jobs, prog.prepare(len(builtins) > 0, walk, files)...)
	var left atomic.Int64
	left.Store(int64(routing))
	// The members of a group run in one job, where they share work.
	grouped := make([][]*result, len(analyzerGroups))
	for _, r := range builtins {
		if g := groupOf(r.a); g >= 0 {
			if grouped[g] == nil {
				jobs = append(jobs, func() {
					if ctx.Err() != nil {
						return
					}
					passes := make([]*Pass, len(grouped[g]))
					for i, r := range grouped[g] {
						passes[i] = &Pass{Analyzer: r.a, Program: prog}
					}
					analyzerGroups[g].run(prog, passes)
					for i, r := range grouped[g] {
						r.diags = passes[i].diags
					}
				})
			}
			grouped[g] = append(grouped[g], r)
			continue
		}
		split := splitAnalyzers[r.a]
		if split == nil {
			jobs = append(jobs, func() {
				run(r)
				if routingRule(r.a) && left.Add(-1) == 0 {
					// Only the routing rules read their cache, and they
					// are done: let the collector have it while the
					// others run.
					prog.dropRouting()
				}
			})
			continue
		}
		pass := &Pass{Analyzer: r.a, Program: prog}
		parts, finish := split(pass)
		if len(parts) == 0 {
			parts = []func(){func() {}}
		}
		var todo atomic.Int64
		todo.Store(int64(len(parts)))
		for i, part := range parts {
			job := func() {
				if ctx.Err() == nil {
					part()
				}
				// The last part to end reports; a run cancelled
				// returns no findings.
				if todo.Add(-1) == 0 && ctx.Err() == nil {
					finish()
					r.diags = pass.diags
				}
			}
			if i == 0 {
				lead = append(lead, job)
			} else {
				jobs = append(jobs, job)
			}
		}
	}
	jobs = append(lead, jobs...)
	parallel(len(jobs), func(i int) { jobs[i]() })
	for _, r := range foreign {
		run(r)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sup := collectSuppressions(prog)
	n := 0
	for _, r := range results {
		n += len(r.diags)
	}
	var out []Diagnostic
	if n > 0 {
		out = make([]Diagnostic, 0, n) // made once: a large configuration has thousands
	}
	for _, r := range results {
		for _, d := range r.diags {
			if sup.suppressed(d.Pos, r.a.ID) {
				continue
			}
			d.Rule, d.Name, d.Severity = r.a.ID, r.a.Name, r.sev
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		out = nil // all suppressed: none, as without findings
	}
	Sort(out)
	return out, nil
}

// prepare returns the work that fills the caches several analyzers
// share, to be started before them: the directive index (rules), and
// the routing rules' search for .htaccess files with mod_rewrite
// directives (walk), the longest. With files, AC2006's look at the
// DocumentRoots (scope.CheckFiles) asks the searches' listings too.
func (p *Program) prepare(rules, walk, files bool) []func() {
	var prep []func()
	if walk && p.FS != nil && p.Server != nil {
		if !p.htDone.Load() && p.dirs == nil {
			// Both searches to do: they share what they read.
			p.dirs = newFSCache(p.FS, serverDirs(p.Server))
			p.dirsUsers.Store(2)
			if files {
				p.dirsUsers.Add(1)
			}
		}
		prep = append(prep, func() { p.rewriteHTAccess() })
	}
	if rules {
		prep = append(prep, func() { p.indexOnce.Do(p.indexNodes) })
	}
	return prep
}

// serverDirs is about how many directories the .htaccess searches look
// at: a virtual host has a DocumentRoot and a <Directory> or two.
func serverDirs(s *scope.Server) int {
	return 2 * (len(s.VHosts) + 1)
}

// sharedDirs is the cache of the .htaccess searches, and the function
// to call when the search is done with it.
func (p *Program) sharedDirs() (*fsCache, func()) {
	if c := p.dirs; c != nil {
		return c, func() {
			if p.dirsUsers.Add(-1) == 0 {
				p.dirs = nil
			}
		}
	}
	return nil, func() {}
}

// splitAnalyzers are the package's analyzers whose Run is made of parts
// that do not depend on each other: RunContext runs the parts side by
// side, and finish, after the last, reports as Run does.
var splitAnalyzers = map[*Analyzer]func(*Pass) (parts []func(), finish func()){
	StartupError: startupErrorParts,
}

// analyzerGroup is package analyzers that share work when they run
// together: run fills each of passes (those of the members that are on)
// as its analyzer's Run would.
type analyzerGroup struct {
	members []*Analyzer
	run     func(prog *Program, passes []*Pass)
}

// analyzerGroups: the directive rules that look at every node of the
// tree (one walk), the rules of the virtual hosts' names (one map of
// the names of each address).
var analyzerGroups = []analyzerGroup{
	{[]*Analyzer{UnknownDirective, WrongContext, ModuleNotLoaded, BadArguments}, visitNodes},
	{[]*Analyzer{DuplicateServerName, VHostUnreachable}, vhostNameRules},
}

// groupOf is the index of a's group in analyzerGroups, or -1.
func groupOf(a *Analyzer) int {
	for g, group := range analyzerGroups {
		if slices.Contains(group.members, a) {
			return g
		}
	}
	return -1
}

// routingRule reports whether a is a routing rule (AC7xxx), which share
// Program.routing (rule_routing.go).
func routingRule(a *Analyzer) bool {
	return strings.HasPrefix(a.ID, "AC7")
}

// builtin reports whether a is one of the package's analyzers, which may
// run side by side.
func builtin(a *Analyzer) bool {
	builtinOnce.Do(func() {
		builtinSet = map[*Analyzer]bool{}
		for _, b := range append(registry[:len(registry):len(registry)], benchmark...) {
			builtinSet[b] = true
		}
	})
	return builtinSet[a]
}

var (
	builtinOnce sync.Once
	builtinSet  map[*Analyzer]bool
)

// parallel calls f(0) … f(n-1) from up to GOMAXPROCS goroutines, taking
// indexes in order, and returns when every call has.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

// Sort orders diagnostics by file, line, column, then rule.
func Sort(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Pos.Filename != b.Pos.Filename {
			return a.Pos.Filename < b.Pos.Filename
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Column != b.Pos.Column {
			return a.Pos.Column < b.Pos.Column
		}
		return a.Rule < b.Rule
	})
}

// Max returns the highest severity among ds (0 for none).
func Max(ds []Diagnostic) Severity {
	var m Severity
	for _, d := range ds {
		m = max(m, d.Severity)
	}
	return m
}

var registry []*Analyzer

func register(a *Analyzer) *Analyzer {
	registry = append(registry, a)
	return a
}

// Analyzers returns every rule, ordered by ID.
func Analyzers() []*Analyzer {
	out := append([]*Analyzer(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup finds an analyzer by ID or name (benchmark rules too).
func Lookup(idOrName string) *Analyzer {
	for _, a := range append(registry[:len(registry):len(registry)], benchmark...) {
		if strings.EqualFold(a.ID, idOrName) || strings.EqualFold(a.Name, idOrName) {
			return a
		}
	}
	return nil
}
