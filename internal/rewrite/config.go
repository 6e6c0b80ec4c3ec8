package rewrite

import (
	"io/fs"
	"path"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Options are RewriteOptions (OPTION_*).
type Options uint16

// The RewriteOptions words.
const (
	OptInherit             Options = 1 << iota // Inherit
	OptInheritBefore                           // InheritBefore
	OptNoSlash                                 // AllowNoSlash
	OptAnyURI                                  // AllowAnyURI
	OptMergeBase                               // MergeBase
	OptIgnoreContextInfo                       // IgnoreContextInfo
	OptInheritDown                             // InheritDown
	OptInheritDownBefore                       // InheritDownBefore
	OptIgnoreInherit                           // IgnoreInherit
	OptLegacyPrefixDocRoot                     // LegacyPrefixDocRoot
	OptUnsafePrefixStat                        // UnsafePrefixStat
)

var optionWords = []struct {
	word string
	opt  Options
}{
	{"inherit", OptInherit}, {"inheritbefore", OptInheritBefore},
	{"inheritdown", OptInheritDown}, {"inheritdownbefore", OptInheritDownBefore},
	{"ignoreinherit", OptIgnoreInherit}, {"allownoslash", OptNoSlash},
	{"allowanyuri", OptAnyURI}, {"mergebase", OptMergeBase},
	{"ignorecontextinfo", OptIgnoreContextInfo}, {"legacyprefixdocroot", OptLegacyPrefixDocRoot},
	{"unsafeprefixstat", OptUnsafePrefixStat},
}

// ParseOptions reads a RewriteOptions line as cmd_rewriteoptions does.
// MaxRedirects=… is accepted and ignored (httpd warns AH00664); any other
// word is an error. LongURLOptimization, a word of the trunk (2.5)
// documentation, is one: apache2 -t of httpd 2.4.71 says
// "RewriteOptions: unknown option 'LongURLOptimization'", and so does this.
func ParseOptions(d *ast.Directive) (Options, error) {
	var o Options
	for _, w := range d.Values() {
		found := false
		for _, ow := range optionWords {
			if syntax.EqualFoldASCII(w, ow.word) {
				o |= ow.opt
				found = true
				break
			}
		}
		if !found && len(w) >= 13 && syntax.EqualFoldASCII(w[:13], "MaxRedirects=") {
			found = true
		}
		if !found {
			return o, errorAt(d, nil, "RewriteOptions: unknown option '%s'", w)
		}
	}
	return o, nil
}

// ServerConfig is mod_rewrite's per-server configuration
// (rewrite_server_conf): the rules of the server context, run at
// translate_name.
type ServerConfig struct {
	// Declared: a mod_rewrite directive appeared in this server's
	// context, its sections included (AddServer sets it; a caller that
	// reads a <Directory> of the vhost with DirConfig.Add sets it too).
	// httpd creates a virtual host's record only then; without one the
	// vhost shares the main server's and its server rules never run
	// (hook_uri2file: conf->server != r->server), InheritDown or not.
	Declared bool
	// Shared is set by MergeServer for such a virtual host.
	Shared            bool
	Engine, EngineSet bool
	Options           Options
	OptionsSet        bool
	Maps              map[string]*Map
	Rules             []*Rule
	pending           []*Cond // RewriteConds waiting for their rule
}

// DirConfig is mod_rewrite's per-directory configuration
// (rewrite_perdir_conf). Every server has one for its base (Directory
// ""): server-context RewriteEngine and RewriteOptions set it too.
// Rules of a <Directory>, <Location>, <Files> or .htaccess context are
// run at fixups, against the file name with Directory stripped.
type DirConfig struct {
	Engine, EngineSet bool
	Options           Options
	OptionsSet        bool
	Base              string // RewriteBase
	BaseSet           bool
	Directory         string // the context's path with a trailing '/', "" for the server's base
	Rules             []*Rule
	pending           []*Cond
}

// NewDirConfig is config_perdir_create for a section or .htaccess whose
// path is dir ("" for the server's base configuration).
func NewDirConfig(dir string) *DirConfig {
	c := &DirConfig{}
	if dir != "" {
		if !strings.HasSuffix(dir, "/") {
			dir += "/"
		}
		c.Directory = dir
	}
	return c
}

// MapOptions is what RewriteMap needs to check its file at start-up.
type MapOptions struct {
	FS         fs.FS  // the file system, absolute paths without their leading '/'; nil skips the check
	ServerRoot string // for relative map paths
}

// AddServer records a directive of the server context (the main server
// or a <VirtualHost>): RewriteEngine and RewriteOptions set both s and
// base (the server's base DirConfig), rules go to s.
func (s *ServerConfig) AddServer(d *ast.Directive, base *DirConfig, mo MapOptions) error {
	if strings.HasPrefix(d.Canonical(), "rewrite") {
		s.Declared = true
	}
	switch d.Canonical() {
	case "rewriteengine":
		on, err := parseEngine(d)
		if err != nil {
			return err
		}
		s.Engine, s.EngineSet = on, true
		if base != nil {
			base.Engine, base.EngineSet = on, true
		}
	case "rewriteoptions":
		o, err := ParseOptions(d)
		if err != nil {
			return err
		}
		s.Options |= o
		s.OptionsSet = true
		if base != nil {
			base.Options |= o
			base.OptionsSet = true
		}
	case "rewritebase":
		return errorAt(d, nil, "RewriteBase: only valid in per-directory config files")
	case "rewritecond":
		c, err := ParseCond(d)
		if err != nil {
			return err
		}
		s.pending = append(s.pending, c)
	case "rewriterule":
		r, err := ParseRule(d, s.pending)
		s.pending = nil
		if err != nil {
			return err
		}
		s.Rules = append(s.Rules, r)
	case "rewritemap":
		m, err := ParseMap(d, mo)
		if err != nil {
			return err
		}
		if s.Maps == nil {
			s.Maps = map[string]*Map{}
		}
		s.Maps[m.Name] = m
	}
	return nil
}

// Add records a directive of a per-directory context (a <Directory>,
// <Location> or <Files> section, or .htaccess).
func (c *DirConfig) Add(d *ast.Directive) error {
	switch d.Canonical() {
	case "rewriteengine":
		on, err := parseEngine(d)
		if err != nil {
			return err
		}
		c.Engine, c.EngineSet = on, true
	case "rewriteoptions":
		o, err := ParseOptions(d)
		if err != nil {
			return err
		}
		c.Options |= o
		c.OptionsSet = true
	case "rewritebase":
		v := d.Values()
		if len(v) != 1 {
			return errorAt(d, nil, "RewriteBase takes one argument, the base URL of the per-directory context")
		}
		switch {
		case v[0] == "":
			return errorAt(d, nil, "RewriteBase: empty URL not allowed")
		case v[0][0] != '/':
			return errorAt(d, nil, "RewriteBase: argument is not a valid URL")
		}
		c.Base, c.BaseSet = v[0], true
	case "rewritecond":
		cd, err := ParseCond(d)
		if err != nil {
			return err
		}
		c.pending = append(c.pending, cd)
	case "rewriterule":
		r, err := ParseRule(d, c.pending)
		c.pending = nil
		if err != nil {
			return err
		}
		c.Rules = append(c.Rules, r)
	case "rewritemap":
		return errorAt(d, nil, "RewriteMap not allowed in <Directory> context")
	}
	return nil
}

func parseEngine(d *ast.Directive) (bool, error) {
	v := d.Values()
	// FLAG: invoke_cmd reads the first word and ignores the rest.
	if len(v) >= 1 {
		switch {
		case syntax.EqualFoldASCII(v[0], "on"):
			return true, nil
		case syntax.EqualFoldASCII(v[0], "off"):
			return false, nil
		}
	}
	return false, errorAt(d, nil, "RewriteEngine must be On or Off")
}

// inherits reports which way rules are inherited: +1 after the local
// ones (Inherit, or the parent's InheritDown), -1 before them
// (InheritBefore, InheritDownBefore), 0 not at all.
func inherits(merged, base Options) int {
	switch {
	case merged&OptInherit != 0 || (base&OptInheritDown != 0 && merged&OptIgnoreInherit == 0):
		return 1
	case merged&OptInheritBefore != 0 || (base&OptInheritDownBefore != 0 && merged&OptIgnoreInherit == 0):
		return -1
	}
	return 0
}

func joinRules(local, inherited []*Rule, how int) []*Rule {
	switch how {
	case 1:
		return append(append(make([]*Rule, 0, len(local)+len(inherited)), local...), inherited...)
	case -1:
		return append(append(make([]*Rule, 0, len(local)+len(inherited)), inherited...), local...)
	}
	return local
}

// MergeServer is config_server_merge: a virtual host (over) over the
// main server (base). The engine state and options are the vhost's where
// it sets them; rules and maps are the vhost's alone unless it (or, with
// InheritDown, the main server) asks for inheritance.
func MergeServer(base, over *ServerConfig) *ServerConfig {
	if base == nil {
		return over
	}
	if over == nil || !over.Declared {
		m := *base
		m.Shared = true
		return &m
	}
	m := &ServerConfig{Declared: true, Engine: base.Engine, Options: base.Options}
	if over.EngineSet {
		m.Engine = over.Engine
	}
	m.EngineSet = over.EngineSet || base.EngineSet
	if over.OptionsSet {
		m.Options = over.Options
	}
	m.OptionsSet = over.OptionsSet || base.OptionsSet
	how := inherits(m.Options, base.Options)
	m.Rules = joinRules(over.Rules, base.Rules, how)
	m.Maps = over.Maps
	if how != 0 && len(base.Maps) > 0 {
		// apr_hash_overlay(overlay, base): the overlay's entries win; it
		// is the vhost's maps with Inherit, the main server's with
		// InheritBefore.
		m.Maps = map[string]*Map{}
		first, second := over.Maps, base.Maps
		if how < 0 {
			first, second = base.Maps, over.Maps
		}
		for k, v := range second {
			m.Maps[k] = v
		}
		for k, v := range first {
			m.Maps[k] = v
		}
	}
	return m
}

// MergeDir is config_perdir_merge: a section or .htaccess (over) over
// what applies around it (base).
func MergeDir(base, over *DirConfig) *DirConfig {
	if base == nil {
		return over
	}
	if over == nil {
		return base
	}
	m := &DirConfig{Engine: base.Engine, Options: base.Options, Directory: over.Directory}
	if over.EngineSet {
		m.Engine = over.Engine
	}
	m.EngineSet = over.EngineSet || base.EngineSet
	if over.OptionsSet {
		m.Options = over.Options
	}
	m.OptionsSet = over.OptionsSet || base.OptionsSet
	if m.Options&OptMergeBase != 0 {
		m.Base, m.BaseSet = base.Base, base.BaseSet
		if over.BaseSet {
			m.Base = over.Base
		}
		m.BaseSet = over.BaseSet || base.BaseSet
	} else {
		m.Base, m.BaseSet = over.Base, over.BaseSet
	}
	m.Rules = joinRules(over.Rules, base.Rules, inherits(m.Options, base.Options))
	return m
}

// HasRules reports whether hook_fixup runs for this configuration: the
// engine is on and the configuration came from a per-directory context
// (dconf->directory set). It may still have no rules.
func (c *DirConfig) HasRules() bool { return c != nil && c.Engine && c.Directory != "" }

// fsPath turns an absolute path into an fs.FS name.
func fsPath(p string) string {
	p = path.Clean(p)
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return "."
	}
	return p
}
