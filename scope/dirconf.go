package scope

import (
	"sort"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Options bits, as include/http_core.h defines them.
const (
	OptIndexes       = 1
	OptIncludes      = 2
	OptFollowSymlink = 4
	OptExecCGI       = 8
	optUnset         = 16
	OptIncWithExec   = 32
	OptSymOwner      = 64
	OptMultiViews    = 128
	OptAll           = OptIndexes | OptIncludes | OptIncWithExec | OptFollowSymlink | OptExecCGI
)

// Override classes for AllowOverride (OR_* in http_config.h).
const (
	OrLimit    = 1
	OrOptions  = 2
	OrFileInfo = 4
	OrAuthCfg  = 8
	OrIndexes  = 16
	orUnset    = 32
	OrAll      = OrLimit | OrOptions | OrFileInfo | OrAuthCfg | OrIndexes
	// NonfatalOverride and NonfatalUnknown turn .htaccess errors into warnings.
	NonfatalOverride = 64
	NonfatalUnknown  = 128
)

// Setting is a value and the directive that set it.
type Setting struct {
	Value string
	By    *ast.Directive
}

// dirConfig is one per-directory configuration: what a section or an
// .htaccess file sets, and what merging such configurations yields. Each
// group of fields merges as its module's merge function does.
type dirConfig struct {
	// core: merge_core_dir_configs
	opts, optsAdd, optsRemove int
	optsBy                    []*ast.Directive
	override                  int
	overrideBy                *ast.Directive
	overrideOpts              int
	overrideList              map[string]bool
	handler                   *Setting // SetHandler ("" after SetHandler None)
	forceType                 *Setting
	// mod_env: merge_env_dir_configs (names are case-insensitive)
	env      confEnv
	envUnset []string // names UnsetEnv removes from the parent's
	// mod_mime: AddHandler/RemoveHandler and AddType/RemoveType by
	// extension (lower case, no dot)
	extHandler map[string]Setting
	extType    map[string]Setting
	// mod_wsgi: WSGIHandlerScript by handler name (case-sensitive, an
	// apr hash); the child's entries overlay the parent's.
	wsgiHandlers map[string]*ast.Directive
	// mod_authz_core: the Require lines of the innermost section that has
	// some, or the merge of several under AuthMerging.
	authz *authzConfig
	// generic: the last directive of each name (canonical), for
	// directives whose module keeps the innermost setting.
	last *lastSet
	// mod_setenvif: per-directory conditionals accumulate
	// (merge_setenvif_config appends).
	setEnvIf []*ast.Directive
	// mod_dir: DirectoryIndex names (nil: unset; the child's list wins)
	// and DirectorySlash.
	dirIndex    []string
	dirIndexBy  *ast.Directive
	dirSlashOff *bool
	// mod_headers: Header and RequestHeader lines accumulate in merge
	// order (the parent's first), and run in that order.
	headers []*ast.Directive
	// mod_alias per-directory redirects (fixup_redir): the child's list,
	// then the parent's; redirectAll is the one-argument <Location> form.
	redirects   []*ast.Directive
	redirectAll *ast.Directive
	// mod_access_compat: the innermost section's set (no merge function)
	access *accessCompat
	// mod_rewrite: the innermost section's rule set (see mergeRewrite)
	rewrite *rewriteSet
	// sections that later walks evaluate (sec_file, sec_if)
	files []*ast.Section
	ifs   []*ast.Section
}

// lastSet is the generic "innermost wins" table: a section's own
// entries over its parent's. Merging links rather than copies, since
// every virtual host and every request merges onto the main server's
// table.
type lastSet struct {
	own    lastTable
	parent *lastSet
}

// lastTable maps canonical names to directives. Most sections set a few
// names, so entries are a slice searched in order (a Go map costs
// several hundred bytes even for one entry, and there is a table per
// section and per virtual host); an index is built past smallTable.
type lastTable struct {
	entries []lastEntry
	index   map[string]int32 // name → entries index, once large
}

type lastEntry struct {
	name string
	d    *ast.Directive
}

const smallTable = 16

func (t *lastTable) find(name string) int {
	if t.index != nil {
		if i, ok := t.index[name]; ok {
			return int(i)
		}
		return -1
	}
	for i := range t.entries {
		if t.entries[i].name == name {
			return i
		}
	}
	return -1
}

func (l *lastSet) set(name string, d *ast.Directive) {
	t := &l.own
	if i := t.find(name); i >= 0 {
		t.entries[i].d = d
		return
	}
	t.entries = append(t.entries, lastEntry{name, d})
	switch {
	case t.index != nil:
		t.index[name] = int32(len(t.entries) - 1)
	case len(t.entries) > smallTable:
		t.index = make(map[string]int32, 2*len(t.entries))
		for i, e := range t.entries {
			t.index[e.name] = int32(i)
		}
	}
}

// get returns the innermost directive of that canonical name, or nil.
func (l *lastSet) get(name string) *ast.Directive {
	for ; l != nil; l = l.parent {
		if i := l.own.find(name); i >= 0 {
			return l.own.entries[i].d
		}
	}
	return nil
}

// over returns add's entries over l's (l itself when add has none).
func (l *lastSet) over(add *lastSet) *lastSet {
	if add == nil || len(add.own.entries) == 0 && add.parent == nil {
		return l
	}
	if add.parent != nil { // not a section's own table: flatten it
		flat := &lastSet{}
		add.each(func(k string, d *ast.Directive) { flat.set(k, d) })
		add = flat
	}
	return &lastSet{own: add.own, parent: l}
}

// each calls f once per name with the innermost directive: the
// innermost table's names in the order they were set, then the next's.
func (l *lastSet) each(f func(name string, d *ast.Directive)) {
	seen := map[string]bool{}
	for ; l != nil; l = l.parent {
		for _, e := range l.own.entries {
			if !seen[e.name] {
				seen[e.name] = true
				f(e.name, e.d)
			}
		}
	}
}

// newServerDirConfig is the configuration httpd starts a request from
// before any section: create_core_dir_config with dir == NULL.
func newServerDirConfig() *dirConfig {
	return &dirConfig{
		opts:         optUnset | OptFollowSymlink,
		override:     orUnset,
		overrideOpts: optUnset | OptAll | OptSymOwner | OptMultiViews,
	}
}

// newSectionDirConfig is a fresh per-section configuration.
func newSectionDirConfig() *dirConfig {
	return &dirConfig{
		opts:         optUnset,
		override:     orUnset,
		overrideOpts: optUnset | OptAll | OptSymOwner | OptMultiViews,
	}
}

// merge returns base merged with add, the way ap_merge_per_dir_configs
// runs every module's merge function.
func merge(base, add *dirConfig) *dirConfig {
	c := *base
	// core: Options (merge_core_dir_configs)
	if add.opts&optUnset != 0 {
		c.optsAdd = (c.optsAdd &^ add.optsRemove) | add.optsAdd
		c.optsRemove = (c.optsRemove &^ add.optsAdd) | add.optsRemove
		c.opts = (c.opts &^ c.optsRemove) | c.optsAdd
		if base.opts&(OptIncludes|OptIncWithExec) == OptIncludes|OptIncWithExec &&
			add.opts&(OptIncludes|OptIncWithExec) == OptIncludes {
			c.opts &^= OptIncWithExec
		}
	} else {
		c.opts, c.optsAdd, c.optsRemove = add.opts, add.optsAdd, add.optsRemove
	}
	if len(add.optsBy) > 0 {
		c.optsBy = append(append([]*ast.Directive(nil), base.optsBy...), add.optsBy...)
	}
	if add.override&orUnset == 0 {
		c.override, c.overrideBy = add.override, add.overrideBy
	}
	if add.overrideOpts&optUnset == 0 {
		c.overrideOpts = add.overrideOpts
	}
	if add.overrideList != nil {
		c.overrideList = add.overrideList
	}
	if add.handler != nil {
		c.handler = add.handler
	}
	if add.forceType != nil {
		c.forceType = add.forceType
	}
	// mod_env
	if len(add.envUnset) > 0 || len(add.env) > 0 {
		c.env = append(make(confEnv, 0, len(base.env)+len(add.env)), base.env...)
		for _, name := range add.envUnset {
			c.env.unset(name)
		}
		for _, v := range add.env {
			c.env.set(v)
		}
	}
	// mod_mime: extension maps overlay, RemoveHandler/RemoveType entries
	// (empty values) delete; mod_wsgi's handler scripts overlay by name.
	c.extHandler = overlay(base.extHandler, add.extHandler, func(v Setting) bool { return v.Value == "" })
	c.wsgiHandlers = overlay(base.wsgiHandlers, add.wsgiHandlers, nil)
	c.extType = overlay(base.extType, add.extType, func(v Setting) bool { return v.Value == "" })
	// mod_authz_core
	c.authz = mergeAuthz(base.authz, add.authz)
	// generic
	c.last = base.last.over(add.last)
	c.rewrite = mergeRewrite(base.rewrite, add.rewrite)
	if add.access != nil {
		c.access = add.access
	}
	if len(add.headers) > 0 {
		c.headers = append(append([]*ast.Directive(nil), base.headers...), add.headers...)
	}
	if len(add.redirects) > 0 {
		c.redirects = append(append([]*ast.Directive(nil), add.redirects...), base.redirects...)
	}
	if add.redirectAll != nil {
		c.redirectAll = add.redirectAll
	}
	if add.dirIndex != nil {
		c.dirIndex, c.dirIndexBy = add.dirIndex, add.dirIndexBy
	}
	if add.dirSlashOff != nil {
		c.dirSlashOff = add.dirSlashOff
	}
	if len(add.setEnvIf) > 0 {
		c.setEnvIf = append(append([]*ast.Directive(nil), base.setEnvIf...), add.setEnvIf...)
	}
	// sec_file and sec_if accumulate (apr_array_append).
	if len(add.files) > 0 {
		c.files = append(append([]*ast.Section(nil), base.files...), add.files...)
	}
	if len(add.ifs) > 0 {
		c.ifs = append(append([]*ast.Section(nil), base.ifs...), add.ifs...)
	}
	return &c
}

// Env returns the environment variables the configuration sets, sorted
// by name.
func (c *dirConfig) envList() []EnvVar {
	out := append([]EnvVar(nil), c.env...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// EnvVar is one environment variable of the request, with its origin.
type EnvVar struct {
	Name  string
	Value string
	By    *ast.Directive
}

// confEnv is mod_env's table of one configuration: SetEnv's variables,
// names compared without ASCII case as apr tables do. A slice: a section sets
// none or a few, and a Go map costs hundreds of bytes even for one entry,
// with a table per section and per virtual host.
type confEnv []EnvVar

func (t confEnv) find(name string) int {
	for i := range t {
		if syntax.EqualFoldASCII(t[i].Name, name) {
			return i
		}
	}
	return -1
}

// set sets the variable, in place when its name is set already.
func (t *confEnv) set(v EnvVar) {
	if i := t.find(v.Name); i >= 0 {
		(*t)[i] = v
		return
	}
	*t = append(*t, v)
}

// unset removes the named variable. It never writes to the array it was
// given: merged tables share their parent's until they change.
func (t *confEnv) unset(name string) {
	if i := t.find(name); i >= 0 {
		*t = append((*t)[:i:i], (*t)[i+1:]...)
	}
}

// overlay is apr_hash_overlay / mod_mime's extension merge: add's
// entries over base's, an entry for which drop is true deleting the key.
// base is returned unchanged (shared) when add is empty.
func overlay[K comparable, V any](base, add map[K]V, drop func(V) bool) map[K]V {
	if len(add) == 0 {
		return base
	}
	out := make(map[K]V, len(base)+len(add))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range add {
		if drop != nil && drop(v) {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}
