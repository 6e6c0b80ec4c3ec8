package scope

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/internal/urlmap"
)

// core.go is core.c's part of the engine: its per-directory
// configuration (Options, AllowOverride, SetHandler, ForceType, the
// <Files> and <If> sections later walks read, and the "innermost wins"
// table for every directive no module claims) and its DocumentRoot
// translation. The phases themselves run in request.go and walk.go.

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

// coreDir is core_dir_config, as far as the engine reads it.
type coreDir struct {
	opts, optsAdd, optsRemove int
	optsBy                    []*ast.Directive
	override                  int
	overrideBy                *ast.Directive
	overrideOpts              int
	overrideList              map[string]bool
	handler                   *Setting // SetHandler ("" after SetHandler None)
	forceType                 *Setting
	// errorDocs are the ErrorDocument lines by status code
	// (response_code_exprs): one entry per code, a child's over its
	// parent's; "ErrorDocument N default" is an entry too (it restores
	// httpd's own answer).
	errorDocs map[int]*ast.Directive
	// last is the generic table: the last directive of each name
	// (canonical) no module claims, innermost wins.
	last *lastSet
	// sections that later walks evaluate (sec_file, sec_if)
	files []*ast.Section
	ifs   []*ast.Section
}

// newServerDirConfig is the configuration httpd starts a request from
// before any section: create_core_dir_config with dir == NULL.
func newServerDirConfig() *dirConfig {
	return &dirConfig{core: coreDir{
		opts:         optUnset | OptFollowSymlink,
		override:     orUnset,
		overrideOpts: optUnset | OptAll | OptSymOwner | OptMultiViews,
	}}
}

// newSectionDirConfig is a fresh per-section configuration.
func newSectionDirConfig() *dirConfig {
	c := sectionDirConfig()
	return &c
}

// sectionDirConfig is a section's configuration before its directives.
func sectionDirConfig() dirConfig {
	return dirConfig{core: coreDir{
		opts:         optUnset,
		override:     orUnset,
		overrideOpts: optUnset | OptAll | OptSymOwner | OptMultiViews,
	}}
}

// mergeCore is merge_core_dir_configs.
func mergeCore(base, add *coreDir) coreDir {
	c := *base
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
	c.errorDocs = overlay(base.errorDocs, add.errorDocs, nil)
	c.last = base.last.over(add.last)
	// sec_file and sec_if accumulate (apr_array_append).
	if len(add.files) > 0 {
		c.files = append(append([]*ast.Section(nil), base.files...), add.files...)
	}
	if len(add.ifs) > 0 {
		c.ifs = append(append([]*ast.Section(nil), base.ifs...), add.ifs...)
	}
	return c
}

var coreModule = &module{name: "core"}

func init() {
	coreModule.define(module{
		cmds: map[string]cmdFunc{
			"options": func(a *applier, c *dirConfig, d *ast.Directive, vals []string) { a.options(&c.core, d, vals) },
			"allowoverride": func(a *applier, c *dirConfig, d *ast.Directive, vals []string) {
				if a.ctx == CtxHTAccess {
					a.fail(d.Pos(), "AllowOverride not allowed here")
					return
				}
				a.allowOverride(&c.core, d, vals)
			},
			"allowoverridelist": func(a *applier, c *dirConfig, d *ast.Directive, vals []string) {
				c.core.overrideList = map[string]bool{}
				for _, v := range vals {
					if strings.EqualFold(v, "None") {
						c.core.overrideList = map[string]bool{}
						break
					}
					c.core.overrideList[strings.ToLower(v)] = true
				}
			},
			"sethandler": func(a *applier, c *dirConfig, d *ast.Directive, vals []string) {
				if len(vals) > 0 {
					h := strings.ToLower(vals[0])
					if strings.HasPrefix(h, "proxy:") {
						h = "proxy:" + vals[0][len("proxy:"):] // a socket path or URL keeps its case
					}
					if h == "none" {
						h = ""
					}
					c.core.handler = &Setting{Value: h, By: d}
				}
			},
			"forcetype": func(a *applier, c *dirConfig, d *ast.Directive, vals []string) {
				if len(vals) > 0 {
					c.core.forceType = &Setting{Value: vals[0], By: d}
				}
			},
			"errordocument": setErrorDocument,
		},
		sections: map[string]sectionFunc{
			"files":       func(a *applier, c *dirConfig, s *ast.Section) { c.core.files = append(c.core.files, s) },
			"filesmatch":  func(a *applier, c *dirConfig, s *ast.Section) { c.core.files = append(c.core.files, s) },
			"if":          func(a *applier, c *dirConfig, s *ast.Section) { c.core.ifs = append(c.core.ifs, s) },
			"elseif":      func(a *applier, c *dirConfig, s *ast.Section) { c.core.ifs = append(c.core.ifs, s) },
			"else":        func(a *applier, c *dirConfig, s *ast.Section) { c.core.ifs = append(c.core.ifs, s) },
			"limit":       limitSection,
			"limitexcept": limitSection,
			"ifmodule":    condSection,
			"ifdefine":    condSection,
			"ifversion":   condSection,
			"iffile":      condSection,
			"ifdirective": condSection,
			"ifsection":   condSection,
		},
		newServer: func(body []ast.Node, _ *dirConfig) any {
			// DocumentRoot: within one body, the last line with an argument.
			var root *ast.Directive
			for _, n := range body {
				if d, ok := n.(*ast.Directive); ok && isDocumentRoot(d) && len(d.Args) > 0 {
					root = d
				}
			}
			if root == nil {
				return nil
			}
			return &coreServer{docRoot: root}
		},
	})
}

// isDocumentRoot reports whether d is a DocumentRoot line.
// (Is, not Canonical: a comparison that stops at the length is cheaper
// than the canonical name's lookup, for every line of every server.)
func isDocumentRoot(d *ast.Directive) bool { return d.Is("DocumentRoot") }

// accessFileName is AccessFileName in force (default .htaccess).
func accessFileName(c *dirConfig) string {
	if d := c.core.last.get("accessfilename"); d != nil && len(d.Args) > 0 {
		return d.Args[0].Value
	}
	return ".htaccess"
}

// coreServer is the part of core_server_config translation reads.
type coreServer struct {
	docRoot *ast.Directive
}

// limitSection is <Limit>/<LimitExcept> (ap_limit_section): the body is
// read for every method, with cmd->limited narrowed to the methods
// listed (or, for LimitExcept, the others). Only the access modules read
// it (Require, Allow, Deny, Order, Satisfy); every other directive in the
// body applies to all methods.
func limitSection(a *applier, c *dirConfig, s *ast.Section) {
	outer := a.limit
	a.limit = &methodLimit{methods: s.Values(), except: s.Canonical() == "limitexcept", outer: outer}
	a.apply(c, s.Body)
	a.limit = outer
}

// condSection is a conditional section: in a loaded tree these are
// evaluated already; in .htaccess httpd reads the body only when the
// condition holds.
func condSection(a *applier, c *dirConfig, s *ast.Section) {
	if a.cond != nil {
		if holds, known := a.cond(s); known && !holds {
			return
		}
	}
	a.apply(c, s.Body)
}

// options is set_options (core.c).
func (a *applier) options(c *coreDir, d *ast.Directive, vals []string) {
	first, mergeMode, allNone := true, false, false
	for _, w := range vals {
		action := byte(0)
		if w != "" && (w[0] == '+' || w[0] == '-') {
			action, w = w[0], w[1:]
			if !mergeMode && !first && !allNone {
				a.fail(d.Pos(), "Either all Options must start with + or -, or no Option may.")
				return
			}
			mergeMode = true
		} else if first {
			c.opts = 0
		} else if mergeMode {
			a.fail(d.Pos(), "Either all Options must start with + or -, or no Option may.")
			return
		}
		var opt int
		switch strings.ToLower(w) {
		case "indexes":
			opt = OptIndexes
		case "includes":
			opt = OptIncludes | OptIncWithExec
		case "includesnoexec":
			opt = OptIncludes
		case "followsymlinks":
			opt = OptFollowSymlink
		case "symlinksifownermatch":
			opt = OptSymOwner
		case "execcgi":
			opt = OptExecCGI
		case "multiviews":
			opt = OptMultiViews
		case "runscripts":
			opt = OptMultiViews | OptExecCGI
		case "none":
			if !first {
				a.fail(d.Pos(), "'Options None' must be the first Option given.")
				return
			}
			opt, allNone = 0, true
		case "all":
			if !first {
				a.fail(d.Pos(), "'Options All' must be the first option given.")
				return
			}
			opt, allNone = OptAll, true
		default:
			a.fail(d.Pos(), "Illegal option %s", w)
			return
		}
		if a.ctx == CtxHTAccess && a.overrideOpts&opt != opt {
			a.fail(d.Pos(), "Option %s not allowed here", w)
			return
		}
		switch action {
		case '-':
			c.optsRemove |= opt
			c.optsAdd &^= opt
			c.opts &^= opt
		case '+':
			c.optsAdd |= opt
			c.optsRemove &^= opt
			c.opts |= opt
		default:
			c.opts |= opt
		}
		first = false
	}
	c.optsBy = append(c.optsBy, d)
}

// allowOverride is set_override (core.c).
func (a *applier) allowOverride(c *coreDir, d *ast.Directive, vals []string) {
	c.override = 0
	for _, w := range vals {
		k, v, hasV := strings.Cut(w, "=")
		switch strings.ToLower(k) {
		case "limit":
			c.override |= OrLimit
		case "options":
			c.override |= OrOptions
			if hasV {
				c.overrideOpts = allowOpts(v)
			} else {
				c.overrideOpts = OptAll
			}
		case "fileinfo":
			c.override |= OrFileInfo
		case "authconfig":
			c.override |= OrAuthCfg
		case "indexes":
			c.override |= OrIndexes
		case "nonfatal":
			switch strings.ToLower(v) {
			case "override":
				c.override |= NonfatalOverride
			case "unknown":
				c.override |= NonfatalUnknown
			case "all":
				c.override |= NonfatalOverride | NonfatalUnknown
			}
		case "none":
			c.override = 0
		case "all":
			c.override = OrAll
		default:
			a.fail(d.Pos(), "Illegal override option %s", w)
		}
	}
	c.overrideBy = d
}

// allowOpts is set_allow_opts: the Options=… list of AllowOverride.
func allowOpts(list string) int {
	opts := 0
	for _, w := range strings.Split(list, ",") {
		switch strings.ToLower(w) {
		case "indexes":
			opts |= OptIndexes
		case "includes":
			opts |= OptIncludes | OptIncWithExec
		case "includesnoexec":
			opts |= OptIncludes
		case "followsymlinks":
			opts |= OptFollowSymlink
		case "symlinksifownermatch":
			opts |= OptSymOwner
		case "execcgi":
			opts |= OptExecCGI
		case "multiviews":
			opts |= OptMultiViews
		case "runscripts":
			opts |= OptMultiViews | OptExecCGI
		case "all":
			opts |= OptAll
		}
	}
	return opts
}

// coreTranslate is ap_core_translate (APR_HOOK_REALLY_LAST): DocumentRoot
// merged with the URI (leading slashes skipped; apr_filepath_merge drops
// empty and "." segments).
func coreTranslate(r *request) Mapping {
	if r.uri == "" || r.uri[0] != '/' && r.uri != "*" {
		return Mapping{Kind: "none", Status: 400, Reason: "Invalid URI in request"}
	}
	dr := urlmap.DefaultDocumentRoot
	var root *ast.Directive
	if sc := serverOf[coreServer](r, coreModule); sc != nil {
		root = sc.docRoot
		dr = root.Args[0].Value
	}
	dr = urlmap.MergePath(urlmap.DefaultServerRoot, dr)
	return Mapping{Kind: "docroot", Directive: root, Filename: urlmap.MergePath(dr, strings.TrimLeft(r.uri, "/"))}
}

// coreTypes is ap_core_override_type: SetHandler (but not SetHandler
// None) replaces the handler translation or mod_mime chose; ForceType
// the content type.
func coreTypes(r *request) {
	c := &r.conf.core
	if c.handler != nil && c.handler.Value != "" {
		r.handler, r.handlerBy = c.handler.Value, c.handler.By
	}
	if c.forceType != nil && c.forceType.Value != "" && !strings.EqualFold(c.forceType.Value, "none") {
		r.contentType = *c.forceType
	}
}

// setErrorDocument is set_error_document: the code must be one httpd
// knows (500 stands for any it does not); a full URL for 401 is ignored
// (httpd logs a notice at start-up); the entry replaces the code's.
func setErrorDocument(a *applier, c *dirConfig, d *ast.Directive, vals []string) {
	if len(vals) < 2 {
		return // the registry checks the argument count
	}
	code := atoi(vals[0])
	if !knownStatus(code) {
		a.fail(d.Pos(), "Unsupported HTTP response code %s", vals[0])
		return
	}
	if code == 401 && errorDocumentKind(vals[1]) == errorDocRemote {
		return
	}
	if c.core.errorDocs == nil {
		c.core.errorDocs = map[int]*ast.Directive{}
	}
	c.core.errorDocs[code] = d
}

// phaseErrorDocument is the trace phase of what an ErrorDocument did
// (Step.Phase).
const phaseErrorDocument = "errordocument"

// Kinds of ErrorDocument target (set_error_document's heuristic).
const (
	errorDocText   = iota // a message (it has a space, or is neither a path nor a URL)
	errorDocLocal         // a local URL path: an internal redirect
	errorDocRemote        // a full URL: a 302 to it
)

// errorDocumentKind is set_error_document's reading of its second
// argument (quotes already removed by the parser).
func errorDocumentKind(msg string) int {
	switch {
	case strings.Contains(msg, " "):
		return errorDocText
	case strings.HasPrefix(msg, "/"):
		return errorDocLocal
	case isURL(msg):
		return errorDocRemote
	}
	return errorDocText
}

// isURL is ap_is_url: a scheme (letters, digits, '+', '-', '.') and a
// colon.
func isURL(u string) bool {
	i := strings.IndexByte(u, ':')
	if i <= 0 {
		return false
	}
	for _, c := range u[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// knownStatus reports whether httpd has a status line for code
// (http_protocol.c's status_lines): ap_index_of_response maps any other
// to 500's entry.
func knownStatus(code int) bool {
	switch {
	case code >= 100 && code <= 102, code >= 200 && code <= 208, code == 226,
		code >= 300 && code <= 305, code == 307, code == 308,
		code >= 400 && code <= 417, code >= 421 && code <= 424, code == 426, code == 428, code == 429, code == 431, code == 451,
		code >= 500 && code <= 508, code == 510, code == 511:
		return true
	}
	return false
}

// errorDocument is ap_response_code_string: the ErrorDocument in force
// in c for status (nil: none, or "default").
func (c *coreDir) errorDocument(status int) *ast.Directive {
	if !knownStatus(status) {
		status = 500
	}
	d := c.errorDocs[status]
	if d == nil || len(d.Args) < 2 || strings.EqualFold(d.Args[1].Value, "default") {
		return nil
	}
	return d
}

// coreEffective lists core's settings and the innermost-wins table.
func coreEffective(c *coreDir, out []Effective) []Effective {
	if len(c.optsBy) > 0 {
		out = append(out, Effective{Name: "Options", Values: optionNames(c.opts &^ optUnset), Rule: RuleOptions, By: c.optsBy})
	}
	if c.overrideBy != nil {
		out = append(out, Effective{Name: "AllowOverride", Values: c.overrideBy.Values(), Rule: RuleInnermost, By: []*ast.Directive{c.overrideBy}})
	}
	if c.handler != nil && c.handler.By != nil {
		out = append(out, Effective{Name: "SetHandler", Values: []string{c.handler.Value}, Rule: RuleInnermost, By: []*ast.Directive{c.handler.By}})
	}
	for _, code := range slices.Sorted(maps.Keys(c.errorDocs)) {
		d := c.errorDocs[code]
		out = append(out, Effective{Name: d.Name, Key: strconv.Itoa(code), Values: d.Values()[1:], Rule: RuleByName, By: []*ast.Directive{d}})
	}
	c.last.each(func(_ string, d *ast.Directive) {
		// Server-only directives (DocumentRoot, Listen, LoadModule …)
		// are not per-directory configuration: the registry says which.
		out = appendInnermost(out, d)
	})
	return out
}

// appendInnermost adds a directive whose innermost setting wins, unless
// it is a server-only directive (the registry says which).
func appendInnermost(out []Effective, d *ast.Directive) []Effective {
	if info, ok := directive.Lookup(d.Name); ok && !info.InDirectory() {
		return out
	}
	return append(out, Effective{Name: d.Name, Values: d.Values(), Rule: RuleInnermost, By: []*ast.Directive{d}})
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

// Setting kinds: how a value came to be in force.
const (
	RuleInnermost = "innermost"  // the last section that set it wins
	RuleOptions   = "options"    // Options with +/- merging (merge_core_dir_configs)
	RuleByName    = "by-name"    // one value per variable or extension (mod_env, mod_mime)
	RuleAuthz     = "authz"      // Require lines in force (mod_authz_core, AuthMerging)
	RuleRewrite   = "rewrite"    // the innermost section's rewrite rules (mod_rewrite)
	RuleSetEnvIf  = "accumulate" // every level's conditionals run in order (mod_setenvif)
	RuleHeaders   = "in-order"   // every level's Header lines, parent's first (mod_headers)
)

// defaultHandlerMethod is default_handler's test of the method: GET
// (HEAD) and POST are served from the file (deliver_script is on by
// default): done false; OPTIONS is answered whatever the file; another
// method httpd knows is not allowed, one it does not know is not
// implemented.
func defaultHandlerMethod(method string) (status int, reason string, done bool) {
	switch m := methodNumber(method); {
	case m == "GET" || m == "POST":
		return 0, "", false
	case m == "OPTIONS":
		return 200, "OPTIONS answered by the default handler (ap_send_http_options)", true
	case knownMethods[m]:
		return 405, "the default handler does not accept the " + m + " method", true
	default:
		return 501, "Invalid method in request " + m + " (httpd does not know it)", true
	}
}

// knownMethods are the methods httpd registers itself (M_GET … M_MERGE;
// HEAD counts as GET): another is M_INVALID, which the default handler
// answers with 501.
var knownMethods = map[string]bool{
	"GET": true, "PUT": true, "POST": true, "DELETE": true, "CONNECT": true, "OPTIONS": true, "TRACE": true,
	"PATCH": true, "PROPFIND": true, "PROPPATCH": true, "MKCOL": true, "COPY": true, "MOVE": true, "LOCK": true,
	"UNLOCK": true, "VERSION-CONTROL": true, "CHECKOUT": true, "UNCHECKOUT": true, "CHECKIN": true, "UPDATE": true,
	"LABEL": true, "REPORT": true, "MKWORKSPACE": true, "MKACTIVITY": true, "BASELINE-CONTROL": true, "MERGE": true,
}
