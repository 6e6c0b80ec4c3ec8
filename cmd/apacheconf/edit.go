package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apacheconf/apacheconf"
	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/internal/syntax"
)

func init() {
	commands["edit"] = command{runEdit, "change a configuration idempotently, by section path (set, ensure, delete; --diff, --check, -w)"}
}

const editUsage = `usage: apacheconf edit [-f FILE] [-d DIR] [-D NAME]... [--in FILE] [--diff] [--check] [-w]
                       OP ADDRESS [VALUE...] | -e 'OP ADDRESS [VALUE...]'...

Changes the configuration httpd would read from -f (Include files and all),
keeping every byte it does not change, for configuration-management tools
(Ansible, Puppet, Salt: the role augtool plays for Augeas). Each operation
is idempotent: a second run changes nothing.

  set ADDRESS/Directive VALUE...  the directive holds these values in that
                                  context (keyed ones — SetEnv, Header,
                                  Alias, Listen … — by their key); sections
                                  on the way are created
  ensure ADDRESS                  the sections exist
  delete ADDRESS[/Directive] [VALUE...]
                                  remove the section, or the directive
                                  (with VALUE...: only that key or value)

ADDRESS is a path of sections from the main server, each NAME or
NAME[PREDICATE]...: [WORDS] are the section's arguments, [Directive=VALUE]
a directive it holds, e.g.

  VirtualHost[*:80][ServerName=www.example.org]/Directory[/srv/www]

A directive is found where httpd reads it — in an Include'd file, inside
<IfModule> — and edited there; a new one goes to the end of its section, or
of the main file (--in FILE: of that file; then only FILE is edited, as one
file, and created when missing). Without -w the changes are printed as a
unified diff and nothing is written. An edit after which apache2 -t would
refuse the configuration (where it accepted it before) is refused too,
unless --force. Exit status: 0 done (or, with --check,
nothing would change), 1 with --check when something would change, 2 usage,
I/O or configuration errors (a path matching several sections is one).
`

type editFlags struct {
	cf          configFlags
	in          string
	diff, check bool
	write       bool
	envvars     string
	force       bool
	ops         stringList
	// loadFile and loadOpts are how the configuration was loaded, to
	// load the edited one the same way.
	loadFile string
	loadOpts apacheconf.Options
	stderr   io.Writer
}

func runEdit(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("edit", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, editUsage); fset.PrintDefaults() }
	ef := editFlags{stderr: stderr}
	ef.cf.register(fset)
	fset.StringVar(&ef.in, "in", "", "edit this file alone: new sections and directives go there (created when missing)")
	fset.BoolVar(&ef.diff, "diff", false, "print the changes as a unified diff (the default without -w and --check)")
	fset.BoolVar(&ef.check, "check", false, "change nothing; exit 1 when something would change")
	fset.BoolVar(&ef.write, "w", false, "write the changed files")
	fset.StringVar(&ef.envvars, "envvars", "", "shell file of the environment ${VAR} reads (default: ServerRoot/envvars when present, as Debian's apache2ctl)")
	fset.Var(&ef.ops, "e", "an operation 'OP ADDRESS [VALUE...]' (repeatable)")
	fset.BoolVar(&ef.force, "force", false, "write even when apache2 -t would refuse the result where it accepted the original")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var ops []editOp
	for _, text := range ef.ops {
		var words []string
		for _, w := range syntax.Words(nil, text) {
			words = append(words, w.Value)
		}
		op, err := parseOp(words)
		if err != nil {
			fmt.Fprintf(stderr, "apacheconf edit: -e %q: %v\n", text, err)
			return 2
		}
		ops = append(ops, op)
	}
	if fset.NArg() > 0 {
		// Only the switches: -f, -d, -D are also words of RewriteCond
		// and <If> expressions.
		for _, w := range fset.Args() {
			if name := strings.TrimLeft(w, "-"); name != w && len(w)-len(name) <= 2 && isSwitch(fset.Lookup(name)) {
				fmt.Fprintf(stderr, "apacheconf edit: %s after the operation would be one of its values: flags go before the operation (or give it with -e)\n", w)
				return 2
			}
		}
		op, err := parseOp(fset.Args())
		if err != nil {
			fmt.Fprintf(stderr, "apacheconf edit: %v\n", err)
			return 2
		}
		ops = append(ops, op)
	}
	if len(ops) == 0 || ef.check && ef.write {
		fset.Usage()
		return 2
	}

	ctx := context.Background()
	ed, root, err := ef.session(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "apacheconf edit: %v\n", err)
		return 2
	}
	for _, op := range ops {
		if err := op.apply(ed, root); err != nil {
			fmt.Fprintf(stderr, "apacheconf edit: %s: %v\n", op, err)
			return 2
		}
	}
	changes, err := ed.Changes()
	if err != nil {
		fmt.Fprintf(stderr, "apacheconf edit: %v\n", err)
		return 2
	}
	if len(changes) > 0 && ef.loadFile != "" && !ef.force {
		refused, err := refusals(ctx, ef.loadFile, ef.loadOpts, changes)
		if err != nil {
			fmt.Fprintf(stderr, "apacheconf edit: checking the result: %v\n", err)
			return 2
		}
		if len(refused) > 0 {
			fmt.Fprintln(stderr, "apacheconf edit: httpd would refuse the result (nothing written; --force writes anyway):")
			for _, r := range refused {
				fmt.Fprintln(stderr, "\t"+strings.ReplaceAll(r, "\n", "\n\t"))
			}
			return 2
		}
	}
	if ef.diff || !ef.write && !ef.check {
		for _, c := range changes {
			fmt.Fprint(stdout, c.Diff())
		}
	}
	if ef.check {
		if len(changes) > 0 {
			return 1
		}
		return 0
	}
	if ef.write {
		written, err := ed.Write(apacheconf.Dir("/"))
		for _, c := range written {
			fmt.Fprintf(stderr, "apacheconf edit: wrote %s\n", c.Path)
		}
		if err != nil {
			fmt.Fprintf(stderr, "apacheconf edit: %v\n", err)
			return 2
		}
	}
	return 0
}

// isSwitch reports whether f is a flag that takes no value (-w, --check).
func isSwitch(f *flag.Flag) bool {
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// session loads the configuration (or, with --in, opens the one file)
// and returns the edit session and the root context.
func (ef *editFlags) session(ctx context.Context) (*apacheconf.Edit, *place, error) {
	fsys := os.DirFS("/")
	root := ef.cf.serverRoot
	if root == "" {
		root = "/etc/apache2"
		if filepath.IsAbs(ef.cf.file) {
			root = filepath.Dir(ef.cf.file)
		}
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, nil, err
	}
	file := ef.cf.file
	if !filepath.IsAbs(file) {
		file = filepath.Join(root, file)
	}
	if ef.in != "" {
		abs, err := filepath.Abs(ef.in)
		if err != nil {
			return nil, nil, err
		}
		ed := apacheconf.NewEdit(fsys)
		// A new file is indented like the main file, when there is one.
		_, _ = ed.File(file)
		f, err := ed.NewFile(abs)
		if err != nil {
			return nil, nil, err
		}
		return ed, &place{ed: ed, file: f}, nil
	}
	env := os.LookupEnv
	envfile := ef.envvars
	if envfile == "" {
		if _, err := os.Stat(filepath.Join(root, "envvars")); err == nil {
			envfile = filepath.Join(root, "envvars")
		}
	}
	if envfile != "" {
		abs, err := filepath.Abs(envfile)
		if err != nil {
			return nil, nil, err
		}
		vars, err := apacheconf.ReadEnvvars(fsys, abs, nil)
		if err != nil {
			return nil, nil, err
		}
		env = func(name string) (string, bool) {
			if v, ok := vars.Lookup(name); ok {
				return v, true
			}
			return os.LookupEnv(name)
		}
	}
	ef.loadFile = file
	ef.loadOpts = apacheconf.Options{ServerRoot: root, Defines: ef.cf.defines, Env: env, Resolver: offlineResolver{}}
	cfg, err := apacheconf.Load(ctx, fsys, file, ef.loadOpts)
	if cfg == nil {
		return nil, nil, err
	}
	if err != nil {
		// Editing is how a broken configuration gets fixed: go on, but
		// say what httpd would refuse.
		fail(ef.stderr, err)
	}
	ed := cfg.Edit()
	return ed, &place{cfg: cfg, ed: ed}, nil
}

// place is a context an address leads to: the main server (sec nil),
// the file of --in (file set), or a section — of the loaded tree, or one
// of the session's own.
type place struct {
	cfg  *apacheconf.Config // nil with --in
	ed   *apacheconf.Edit
	file *ast.File
	sec  *ast.Section
}

func (p *place) String() string {
	if p.sec == nil {
		return "the main server"
	}
	return fmt.Sprintf("<%s %s>", p.sec.Name, p.sec.ArgText())
}

// container is what p edits with the ast package's functions (--in):
// its section, else its file.
func (p *place) container() ast.Container {
	if p.sec != nil {
		return p.sec
	}
	return p.file
}

// sections are the sections named name at p matching the step.
func (p *place) sections(st step) ([]*ast.Section, error) {
	var cands []*ast.Section
	switch {
	case p.file != nil && p.sec == nil:
		cands = ast.LookupSections(p.file, st.name)
	case p.file != nil:
		cands = ast.LookupSections(p.sec, st.name)
	case ast.IsConditional(&ast.Section{Name: st.name}) && (p.sec == nil || p.sec.Pos().IsValid()):
		// The loaded tree has no conditional sections (true ones are
		// opened, false ones dropped): look for them as written, in the
		// files read (the main server) or in the section's own file.
		if p.sec != nil {
			sec, err := p.ed.Section(p.sec)
			if err != nil {
				return nil, err
			}
			cands = ast.LookupSections(sec, st.name)
			break
		}
		for _, f := range p.cfg.Loaded.Files {
			tree, err := p.ed.File(f.Path)
			if tree == nil {
				return nil, err
			}
			cands = append(cands, ast.LookupSections(tree, st.name)...)
		}
	default:
		var err error
		if cands, err = p.ed.Sections(p.sec, st.name); err != nil {
			return nil, err
		}
	}
	var out []*ast.Section
	for _, s := range cands {
		if st.matches(s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// enter returns the place of the section st names at p, creating it when
// create is set; nil when there is none.
func (p *place) enter(st step, create bool) (*place, error) {
	found, err := p.sections(st)
	if err != nil {
		return nil, err
	}
	switch {
	case len(found) > 1:
		var where []string
		for _, s := range found {
			where = append(where, s.Pos().String())
		}
		return nil, fmt.Errorf("%s matches %d sections in %s (%s): add a predicate", st, len(found), p, strings.Join(where, ", "))
	case len(found) == 1:
		return &place{cfg: p.cfg, ed: p.ed, file: p.file, sec: found[0]}, nil
	case !create:
		return nil, nil
	}
	// Every section but <Else> names what it applies to (httpd's
	// handlers check that themselves, the registry's RAW_ARGS does not).
	if st.args == nil && !strings.EqualFold(st.name, "Else") {
		return nil, fmt.Errorf("cannot create %s: <%s> takes arguments, give them as %s[ARGS]", st, st.name, st.name)
	}
	// None matches all the predicates: a new section, even where one
	// with the same arguments exists.
	s := ast.NewSection(st.name, st.args...)
	if p.file != nil {
		ast.Append(p.container(), s)
	} else if err := p.ed.Add(p.sec, s); err != nil {
		return nil, err
	}
	next := &place{cfg: p.cfg, ed: p.ed, file: p.file, sec: s}
	for _, h := range st.has {
		if _, err := next.set(h.name, h.values); err != nil {
			return nil, err
		}
	}
	return next, nil
}

func (p *place) set(name string, values []string) (*ast.Directive, error) {
	if p.file != nil {
		return ast.Set(p.container(), name, values...), nil
	}
	return p.ed.Set(p.sec, name, values...)
}

// step is one part of an address: a section (or, last, a directive) name
// and its predicates.
type step struct {
	name string
	args []string // [WORDS]: the section's arguments (nil: any)
	has  []has    // [Directive=VALUE]
	text string
}

type has struct {
	name   string
	values []string
}

func (s step) String() string { return s.text }

// isSection tells a section step from a directive name: predicates, or
// a name the registry knows as a section.
func (s step) isSection() bool {
	if s.args != nil || len(s.has) > 0 {
		return true
	}
	info, ok := directive.Lookup("<" + s.name)
	return ok && info.Section
}

func (s step) matches(sec *ast.Section) bool {
	if s.args != nil && !slices.Equal(sec.Values(), s.args) {
		return false
	}
	for _, h := range s.has {
		found := false
		for _, d := range ast.Lookup(sec, h.name) {
			if slices.Equal(d.Values(), h.values) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// parseAddress splits ADDRESS into steps: '/' separates them outside
// brackets, so [/srv/www] stays one predicate.
func parseAddress(addr string) ([]step, error) {
	var steps []step
	addr = strings.TrimPrefix(addr, "/")
	for addr != "" {
		i, depth := 0, 0
		for ; i < len(addr); i++ {
			c := addr[i]
			if c == '[' {
				depth++
			} else if c == ']' {
				depth--
			} else if c == '/' && depth == 0 {
				break
			}
		}
		if depth != 0 {
			return nil, fmt.Errorf("address %q: unbalanced [ ]", addr)
		}
		st, err := parseStep(addr[:i])
		if err != nil {
			return nil, err
		}
		steps = append(steps, st)
		addr = strings.TrimPrefix(addr[i:], "/")
	}
	return steps, nil
}

func parseStep(text string) (step, error) {
	st := step{text: text}
	name, rest, _ := strings.Cut(text, "[")
	st.name = strings.TrimPrefix(name, "<")
	if st.name == "" || strings.ContainsAny(st.name, " ]=") {
		return st, fmt.Errorf("%q: want NAME or NAME[PREDICATE]", text)
	}
	if rest == "" && strings.Contains(text, "[") {
		return st, fmt.Errorf("%q: empty predicate", text)
	}
	for rest != "" {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return st, fmt.Errorf("%q: unclosed [", text)
		}
		pred := rest[:end]
		rest = rest[end+1:]
		if rest != "" {
			if rest[0] != '[' {
				return st, fmt.Errorf("%q: text after ]", text)
			}
			rest = rest[1:]
		}
		var words []string
		if k, v, ok := strings.Cut(pred, "="); ok && isName(k) {
			for _, w := range syntax.Words(nil, v) {
				words = append(words, w.Value)
			}
			st.has = append(st.has, has{name: k, values: words})
			continue
		}
		if st.args != nil {
			return st, fmt.Errorf("%q: two argument predicates", text)
		}
		words = []string{}
		for _, w := range syntax.Words(nil, pred) {
			words = append(words, w.Value)
		}
		st.args = words
	}
	return st, nil
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// editOp is one operation.
type editOp struct {
	verb   string
	steps  []step
	values []string
	text   string
}

func (o editOp) String() string { return o.text }

func parseOp(words []string) (editOp, error) {
	if len(words) < 2 {
		return editOp{}, errors.New("want OP ADDRESS [VALUE...]")
	}
	op := editOp{verb: words[0], values: words[2:], text: strings.Join(words, " ")}
	steps, err := parseAddress(words[1])
	if err != nil {
		return op, err
	}
	if len(steps) == 0 {
		return op, errors.New("empty address")
	}
	op.steps = steps
	last := steps[len(steps)-1]
	switch op.verb {
	case "set":
		if last.isSection() {
			return op, fmt.Errorf("set: %s is a section; the address ends with a directive name (ensure creates sections)", last)
		}
		if len(op.values) == 0 {
			return op, errors.New("set: no values (delete removes a directive)")
		}
	case "ensure":
		if len(op.values) > 0 {
			return op, errors.New("ensure takes no values")
		}
		for _, st := range steps {
			if !st.isSection() {
				return op, fmt.Errorf("ensure: %s is not a section (set sets directives)", st)
			}
		}
	case "delete":
		if last.isSection() && len(op.values) > 0 {
			return op, errors.New("delete: values are for a directive")
		}
	default:
		return op, fmt.Errorf("unknown operation %q (want set, ensure or delete)", op.verb)
	}
	return op, nil
}

func (o editOp) apply(ed *apacheconf.Edit, root *place) error {
	sections := o.steps
	last := o.steps[len(o.steps)-1]
	if o.verb != "ensure" {
		sections = o.steps[:len(o.steps)-1]
	}
	create := o.verb != "delete"
	at := root
	for _, st := range sections {
		next, err := at.enter(st, create)
		if err != nil {
			return err
		}
		if next == nil {
			return nil // nothing to delete
		}
		at = next
	}
	switch o.verb {
	case "set":
		_, err := at.set(last.name, o.values)
		return err
	case "ensure":
		return nil
	}
	if last.isSection() {
		target, err := at.enter(last, false)
		if err != nil || target == nil {
			return err
		}
		return ed.Remove(target.sec) // --in's file is the session's too
	}
	if at.file != nil {
		c := at.container()
		for _, d := range ast.Lookup(c, last.name) {
			if len(o.values) == 0 || keyMatches(last.name, d.Values(), o.values) {
				ast.Remove(c, d)
			}
		}
		return nil
	}
	_, err := ed.Delete(at.sec, last.name, o.values...)
	return err
}

func keyMatches(name string, have, want []string) bool {
	if k, keyed := ast.KeyOf(name, want); keyed {
		hk, _ := ast.KeyOf(name, have)
		return hk == k
	}
	return slices.Equal(have, want)
}

// offlineResolver answers no name: editing needs no DNS, and a <VirtualHost
// www.example.org> is found by its words all the same.
type offlineResolver struct{}

func (offlineResolver) LookupHost(string) ([]netip.Addr, error) {
	return nil, errors.New("not resolved while editing")
}
func (offlineResolver) LookupAddr(netip.Addr) (string, error) {
	return "", errors.New("not resolved while editing")
}
func (offlineResolver) LocalHost() string { return "localhost" }
