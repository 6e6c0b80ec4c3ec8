// Package directive is the registry of Apache httpd 2.4 configuration
// directives: every directive of httpd, of the modules Debian's apache2
// package ships and of mod_wsgi, with the module that defines it, where it
// is allowed, which AllowOverride class admits it in .htaccess and what
// arguments it takes.
//
// The table is generated from the real server (see internal/gen/registry:
// `apache2 -L` for the command_rec texts, then `apache2 -t` on generated
// snippets for argument forms and the context checks handlers make), so
// the library needs no apache2 at run time. [Versions] tells which httpd
// and mod_wsgi it was generated from.
//
// Lookups are case-insensitive, as httpd's (ap_find_command). Sections are
// named with their opening bracket, as httpd names them: "<Directory",
// "<IfModule".
//
// The checks ([Info.CheckArgs], [Info.CheckContext], [Check]) are httpd's
// own (invoke_cmd and ap_check_cmd_context in server/config.c and
// server/core.c) and return its messages, so a tool can print what httpd
// would print when refusing to start.
package directive

//go:generate go run ../internal/gen/registry -o table.go

import (
	"sort"
	"strings"

	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Override is a command_rec's req_override: where a directive may appear
// (http_config.h).
type Override uint16

// Override bits. The Or* bits are the AllowOverride classes that admit a
// directive in .htaccess; AccessConf and RsrcConf allow it in per-directory
// sections and in the server configuration.
const (
	OrLimit    Override = 1  // AllowOverride Limit
	OrOptions  Override = 2  // AllowOverride Options
	OrFileInfo Override = 4  // AllowOverride FileInfo
	OrAuthCfg  Override = 8  // AllowOverride AuthConfig
	OrIndexes  Override = 16 // AllowOverride Indexes
	AccessConf Override = 64
	RsrcConf   Override = 128
	// ExecOnRead: httpd runs the directive while reading the file, before
	// sections apply (Define, Include, <IfModule> …), so it is checked as
	// in the server configuration wherever it is (EXEC_ON_READ; probed).
	ExecOnRead Override = 256
	// ProxyConf admits a server directive in <Proxy> (PROXY_CONF; `apache2
	// -L` does not show it, the generator probes for it).
	ProxyConf Override = 2048

	// OrAll is AllowOverride All.
	OrAll = OrLimit | OrOptions | OrFileInfo | OrAuthCfg | OrIndexes
)

// Overrides in the server configuration and a <VirtualHost>, and in the
// per-directory sections (<Directory>, <Location>, <Files>, <If> …), as
// httpd's config reader sets cmd->override there.
const (
	ServerOverride    = (RsrcConf | OrAll) &^ (OrAuthCfg | OrLimit)
	DirectoryOverride = AccessConf | OrAll
	// ProxyOverride is <Proxy>'s (mod_proxy's proxysection).
	ProxyOverride = DirectoryOverride | ProxyConf
)

// String names the AllowOverride classes of o, as `apache2 -L` does
// ("AuthConfig or Limit").
func (o Override) String() string {
	var parts []string
	for _, c := range overrideClasses {
		if o&c.bit != 0 {
			parts = append(parts, c.name)
		}
	}
	if len(parts) == 0 {
		return "None"
	}
	return strings.Join(parts, " or ")
}

var overrideClasses = []struct {
	bit  Override
	name string
}{{OrAuthCfg, "AuthConfig"}, {OrLimit, "Limit"}, {OrOptions, "Options"}, {OrFileInfo, "FileInfo"}, {OrIndexes, "Indexes"}}

// ArgsHow is a command_rec's args_how: how httpd splits and counts the
// arguments before calling the directive's handler.
type ArgsHow uint8

// Argument forms (http_config.h cmd_how). TAKE_ARGV cannot be told from
// RAW_ARGS from outside the binary (neither is counted by httpd), so the
// generated table calls both RawArgs.
const (
	RawArgs ArgsHow = iota
	TakeArgv
	NoArgs
	Take1
	Take2
	Take12
	Take3
	Take23
	Take123
	Take13
	Iterate
	Iterate2
	Flag
)

var argsHowNames = [...]string{"RAW_ARGS", "TAKE_ARGV", "NO_ARGS", "TAKE1", "TAKE2", "TAKE12", "TAKE3", "TAKE23", "TAKE123", "TAKE13", "ITERATE", "ITERATE2", "FLAG"}

func (a ArgsHow) String() string {
	if int(a) < len(argsHowNames) {
		return argsHowNames[a]
	}
	return "ArgsHow(?)"
}

// Bounds returns the fewest and most arguments the form admits (max -1:
// no bound). FLAG reads one word and ignores the rest, as httpd does.
func (a ArgsHow) Bounds() (min, max int) {
	switch a {
	case NoArgs:
		return 0, 0
	case Take1:
		return 1, 1
	case Take2:
		return 2, 2
	case Take12:
		return 1, 2
	case Take3:
		return 3, 3
	case Take23:
		return 2, 3
	case Take123, Take13:
		return 1, 3
	case Iterate, Flag:
		return 1, -1
	case Iterate2:
		return 2, -1
	}
	return 0, -1
}

// NotIn are the contexts a directive's handler refuses through
// ap_check_cmd_context (http_config.h NOT_IN_* bits), found by probing.
type NotIn uint16

// ap_check_cmd_context bits.
const (
	NotInVirtualHost NotIn = 0x01
	NotInLimit       NotIn = 0x02
	NotInDirectory   NotIn = 0x04
	NotInLocation    NotIn = 0x08
	NotInFiles       NotIn = 0x10 // also <If>, <ElseIf>, <Else>
	NotInHTAccess    NotIn = 0x20
	NotInProxy       NotIn = 0x40
	// NotInDirLocFile: "cannot occur within directory context", any of
	// <Directory>, <Location>, <Files>, <If> (ap_check_cmd_context tests
	// cmd->path).
	NotInDirLocFile = NotInDirectory | NotInLocation | NotInFiles
	// NotInDirContext adds <Limit> and <Proxy>.
	NotInDirContext = NotInLimit | NotInDirLocFile | NotInProxy
	// GlobalOnly: the main server configuration only.
	GlobalOnly = NotInVirtualHost | NotInDirContext
)

// Info is what the registry knows of one directive.
type Info struct {
	// Name is the canonical spelling ("ServerName", "<Directory").
	Name string
	// Module is the source file httpd names the module by ("core.c",
	// "mod_env.c"), ModuleID its identifier ("core_module", "env_module");
	// <IfModule> accepts either.
	Module, ModuleID string
	// Builtin: the module is compiled into apache2 (no LoadModule needed).
	Builtin bool
	// Usage is the command's help text (its errmsg), which httpd appends
	// to argument count errors.
	Usage string
	// Override is where the directive may appear; the Or* bits are the
	// AllowOverride classes that admit it in .htaccess.
	Override Override
	// Args is the argument form.
	Args ArgsHow
	// NotIn are contexts the handler refuses although Override allows them.
	NotIn NotIn
	// Section: the directive opens a section (<Name …> … </Name>).
	Section bool
	// Shapes are the argument shapes whose verdict depends on the
	// context, sorted by Shape (see CheckArgsContext).
	Shapes []ShapeRule
}

// MinArgs is the fewest arguments httpd accepts.
func (i *Info) MinArgs() int { n, _ := i.Args.Bounds(); return n }

// MaxArgs is the most arguments httpd accepts (-1: no bound).
func (i *Info) MaxArgs() int { _, n := i.Args.Bounds(); return n }

// InServer reports whether the directive is allowed in the server
// configuration and in <VirtualHost> (before the handler's own checks).
func (i *Info) InServer() bool { return i.Override&ServerOverride != 0 }

// InDirectory reports whether the directive is allowed in the
// per-directory sections.
func (i *Info) InDirectory() bool { return i.Override&DirectoryOverride != 0 }

// InHTAccess reports whether some AllowOverride admits the directive in
// .htaccess.
func (i *Info) InHTAccess() bool { return i.Override&OrAll != 0 && i.NotIn&NotInHTAccess == 0 }

// folded maps the names of the table as httpd spells them (with and
// without a section's '<') to lower case: configs mostly use that
// spelling, and strings.ToLower would allocate for every line checked.
var folded = func() map[string]string {
	m := make(map[string]string, 2*len(table))
	for i := range table {
		n := table[i].Name
		m[n] = strings.ToLower(n)
		if rest, ok := strings.CutPrefix(n, "<"); ok {
			m[rest] = strings.ToLower(rest)
		}
	}
	return m
}()

// fold lowers a name's ASCII letters (httpd's ap_find_command compares
// with strcasecmp in the C locale), without allocating for a name of the
// table.
func fold(name string) string {
	if l, ok := folded[name]; ok {
		return l
	}
	return syntax.ToLowerASCII(name)
}

// byName holds the row httpd finds for each name with every module
// loaded: of several modules defining a name, the one loaded last
// (ap_find_command_in_modules starts at the top module), which is the
// last row; the rows of the MPMs other than event, which the table lists
// after all others, only where event has none. LookupLoaded chooses
// among the rows by the modules a server loads.
var byName = func() map[string]*Info {
	m := make(map[string]*Info, len(table))
	for i := range table {
		k := strings.ToLower(table[i].Name)
		if _, ok := m[k]; ok && otherMPM[table[i].ModuleID] {
			continue
		}
		m[k] = &table[i]
	}
	return m
}()

// otherMPM are the MPMs whose directives are listed after the table's
// other rows (the generator loads event with every module).
var otherMPM = map[string]bool{"mpm_worker_module": true, "mpm_prefork_module": true}

// Lookup returns the directive named name, in any case: of several
// modules defining it, the one httpd uses with every module loaded and
// the event MPM (see LookupLoaded for a server's own). Sections are
// looked up with their bracket ("<Directory"); a section name without it
// is found too when no directive has that name.
func Lookup(name string) (*Info, bool) {
	ln := fold(name)
	if i, ok := byName[ln]; ok {
		return i, true
	}
	if !strings.HasPrefix(ln, "<") {
		if i, ok := byName["<"+ln]; ok {
			return i, true
		}
	}
	return nil, false
}

// All returns every directive, sorted by name (case-insensitively).
func All() []*Info {
	out := make([]*Info, len(table))
	for i := range table {
		out[i] = &table[i]
	}
	sort.SliceStable(out, func(a, b int) bool { return strings.ToLower(out[a].Name) < strings.ToLower(out[b].Name) })
	return out
}

// Names returns every directive name, sorted.
func Names() []string {
	all := All()
	out := make([]string, len(all))
	for i, d := range all {
		out[i] = d.Name
	}
	return out
}

// Versions returns the httpd and mod_wsgi versions the table was generated
// from.
func Versions() (httpd, wsgi string) { return httpdVersion, wsgiVersion }

// Suggest returns the known directive nearest to name (for did-you-mean),
// or "" when none is close: an edit distance of at most a third of the
// name's length, and at least one.
func Suggest(name string) string {
	best, bestD := "", len(name)/3+1
	ln := strings.ToLower(strings.TrimPrefix(name, "<"))
	for i := range table {
		cand := table[i].Name
		if table[i].Section != strings.HasPrefix(name, "<") {
			continue // a section for a section, a directive for a directive
		}
		d := editDistance(ln, strings.ToLower(strings.TrimPrefix(cand, "<")))
		if d < bestD || (d == bestD && best != "" && cand < best) {
			best, bestD = cand, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance with a transposition counting
// one (typos swap letters).
func editDistance(a, b string) int {
	if a == b {
		return 0
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// ModuleID returns the identifier of a module named either way
// ("mod_env.c" or "env_module"), for the modules that define directives.
func ModuleID(name string) (string, bool) {
	for i := range table {
		if strings.EqualFold(table[i].Module, name) || table[i].ModuleID == name {
			return table[i].ModuleID, true
		}
	}
	return "", false
}

// ParseArgsHow reads an argument form's name ("TAKE12"), as ArgsHow's
// String writes it.
func ParseArgsHow(s string) (ArgsHow, bool) {
	for i, n := range argsHowNames {
		if n == s {
			return ArgsHow(i), true
		}
	}
	return RawArgs, false
}

// Distance is the edit distance Suggest uses: Levenshtein, with a
// transposition of neighbours counting one.
func Distance(a, b string) int { return editDistance(a, b) }

// Mutexes returns the mutexes a module (by identifier; "core_module" for
// what is built in) registers, which `apache2 -S` lists ("Mutex
// ssl-cache: using_defaults"), sorted.
func Mutexes(moduleID string) []string { return moduleMutexes[moduleID] }
