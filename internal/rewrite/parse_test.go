package rewrite

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/ast"
)

// TestParseErrors: each message is what apache2 -t (httpd 2.4.71) printed
// for the line, server context.
func TestParseErrors(t *testing.T) {
	tests := []struct{ line, want string }{
		{`RewriteRule ^ - [X]`, "RewriteRule: unknown flag 'X'"},
		{`RewriteRule ^ - [R=999]`, "RewriteRule: invalid HTTP response code '999' for flag 'R'"},
		{`RewriteRule ^ - F`, "RewriteRule: bad flag delimiters"},
		{`RewriteRule ^( - [F]`, "RewriteRule: cannot compile regular expression '^('"},
		{`RewriteRule a`, "RewriteRule: bad argument line 'a'"},
		{`RewriteRule ^ - [ L , NC ]`, "RewriteRule: bad flag delimiters"},
		{`RewriteRule ^ - []`, "RewriteRule: unknown flag ''"},
		{`RewriteRule ^ - [BNE]`, "RewriteRule: flag 'BNE' wants a list of characters (i.e. [BNE=...])"},
		{`RewriteCond a b [OR,FOO]`, "RewriteCond: unknown flag 'FOO'"},
		{`RewriteCond a (`, "RewriteCond: cannot compile regular expression '('"},
		// httpd 2.4 has no -ipmatch: "-ipmatch" is a regex and the
		// network is read as the flags field.
		{`RewriteCond %{REMOTE_ADDR} -ipmatch 10.0.0.0/8`, "RewriteCond: bad flag delimiters"},
		{`RewriteCond %{HTTP:X} -gt 41`, "RewriteCond: bad flag delimiters"},
		{`RewriteBase /x`, "RewriteBase: only valid in per-directory config files"},
		{`RewriteOptions Foo`, "RewriteOptions: unknown option 'Foo'"},
		{`RewriteOptions LongURLOptimization`, "RewriteOptions: unknown option 'LongURLOptimization'"},
		{`RewriteEngine maybe`, "RewriteEngine must be On or Off"},
		{`RewriteMap m int:foo`, "RewriteMap: internal map not found:foo"},
		{`RewriteMap m txt:/nonexist`, "RewriteMap: file for map m not found:/nonexist"},
		{`RewriteMap m`, "RewriteMap takes two or three arguments, a mapname and a filename and options"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			d := directives(t, tt.line)[0]
			err := (&ServerConfig{}).AddServer(d, NewDirConfig(""), MapOptions{FS: mapFS{}})
			require.Error(t, err)
			var re *Error
			require.True(t, errors.As(err, &re))
			assert.Equal(t, tt.want, re.Msg)
			assert.Equal(t, 1, re.Pos.Line)
			assert.Equal(t, "test.conf:1:1: "+tt.want, err.Error())
		})
	}
}

// TestParseAccepted: lines apache2 -t accepts.
func TestParseAccepted(t *testing.T) {
	for _, line := range []string{
		`RewriteRule ^ - [D]`, `RewriteRule ^ - [DX]`, `RewriteRule ^ - [R=permanent,L]`,
		`RewriteRule ^ - [R=200]`, `RewriteRule ^ - [R=abc]`, `RewriteRule ^ - [N=abc]`,
		`RewriteRule "^a b" - [L]`, `RewriteRule 'a' "b c" [L]`, `RewriteCond expr "!true"`,
		`RewriteOptions inherit maxredirects=4 "ALLOWNOSLASH"`, `RewriteMap m prg:/bin/cat`,
		`RewriteCond %{HTTP:X} -gt41`,
	} {
		d := directives(t, line)[0]
		assert.NoError(t, (&ServerConfig{}).AddServer(d, NewDirConfig(""), MapOptions{}), line)
	}
}

func TestParseRuleFlags(t *testing.T) {
	tests := []struct {
		line   string
		flags  RuleFlag
		status int
		check  func(t *testing.T, r *Rule)
	}{
		{line: `RewriteRule ^/a /b [R=301,L,NC]`, flags: FlagForceRedirect | FlagLast | FlagNoCase, status: 301},
		{line: `RewriteRule ^/a /b [redirect=seeother]`, flags: FlagForceRedirect, status: 303},
		{line: `RewriteRule ^/a /b [R=abc]`, flags: FlagForceRedirect, status: 0},
		{line: `RewriteRule ^/a - [F]`, flags: FlagStatus | FlagNoSub, status: 403},
		{line: `RewriteRule ^/a - [gone]`, flags: FlagStatus | FlagNoSub, status: 410},
		{line: `RewriteRule ^/a /b [R=404]`, flags: FlagForceRedirect | FlagStatus | FlagNoSub, status: 404},
		{line: `RewriteRule ^/a /b [END,PT,NS,QSA,QSD,NE,DPI,UNC]`, flags: FlagEnd | FlagPassThrough | FlagIgnoreOnSubreq | FlagQSAppend | FlagQSDiscard | FlagNoEscape | FlagDiscardPathInfo | FlagUNC | FlagQSNone, status: 302},
		{line: `RewriteRule ^/a /b? [QSA]`, flags: FlagQSAppend | FlagQSLast, status: 302, check: func(t *testing.T, r *Rule) {
			assert.Equal(t, "/b?", r.Substitution)
		}},
		{line: `RewriteRule ^/a /b?`, flags: FlagQSNone, status: 302, check: func(t *testing.T, r *Rule) {
			assert.Equal(t, "/b", r.Substitution)
		}},
		{line: `RewriteRule ^/a /b [QSD]`, flags: FlagQSDiscard | FlagQSNone, status: 302},
		{line: `RewriteRule !^/a /b [C,S=2,N=10,E=A:1,env=B:2,CO=c:v:d,T=text/plain,H=h,B=&?,BNE=/,BNP]`,
			flags: FlagNotMatch | FlagChain | FlagNewRound | FlagEscapeBackref | FlagEscapeNoPlus, status: 302,
			check: func(t *testing.T, r *Rule) {
				assert.Equal(t, 2, r.Skip)
				assert.Equal(t, 10, r.MaxRounds)
				assert.Equal(t, []string{"A:1", "B:2"}, r.Env)
				assert.Equal(t, []string{"c:v:d"}, r.Cookies)
				assert.Equal(t, "text/plain", r.Type)
				assert.Equal(t, "h", r.Handler)
				assert.Equal(t, "&?", r.Escapes)
				assert.Equal(t, "/", r.NoEscapes)
				assert.Equal(t, "^/a", r.Pattern)
			}},
		{line: `RewriteRule ^/a /b [P]`, flags: FlagProxy, status: 302, check: func(t *testing.T, r *Rule) {
			assert.Equal(t, DefaultMaxRounds, r.MaxRounds)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			r, err := ParseRule(directives(t, tt.line)[0], nil)
			require.NoError(t, err)
			assert.Equal(t, tt.flags, r.Flags, "flags %b", r.Flags)
			assert.Equal(t, tt.status, r.Status)
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestParseCondForms(t *testing.T) {
	tests := []struct {
		line    string
		kind    CondKind
		pattern string
		negate  bool
		nocase  bool
	}{
		{`RewriteCond %{X} ^a [NC,OR]`, CondRegex, "^a", false, true},
		{`RewriteCond %{X} !-f`, CondFileExists, "-f", true, false},
		{`RewriteCond %{X} -F`, CondLookupFile, "-F", false, false},
		{`RewriteCond %{X} -ne5`, CondIntEQ, "5", true, false},
		{`RewriteCond %{X} !-ne5`, CondIntEQ, "5", false, false},
		{`RewriteCond %{X} >=abc`, CondStrGE, "abc", false, false},
		{`RewriteCond %{X} <abc [NC]`, CondStrLT, "abc", false, true},
		{`RewriteCond %{X} =""`, CondStrEQ, "", false, false},
		// NC is dropped (httpd warns AH00665) for file and number tests.
		{`RewriteCond %{X} -d [NC]`, CondFileDir, "-d", false, false},
		{`RewriteCond expr "%{X} == 'y'"`, CondExpr, "%{X} == 'y'", false, false},
		// Too short to be an operator: a regex.
		{`RewriteCond %{X} -`, CondRegex, "-", false, false},
		{`RewriteCond %{X} -lt`, CondRegex, "-lt", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			c, err := ParseCond(directives(t, tt.line)[0])
			require.NoError(t, err)
			assert.Equal(t, tt.kind, c.Kind)
			assert.Equal(t, tt.pattern, c.Pattern)
			assert.Equal(t, tt.negate, c.Negate)
			assert.Equal(t, tt.nocase, c.NoCase)
		})
	}
}

func TestParseArgLine(t *testing.T) {
	a1, a2, a3, has3, ok := parseArgLine(`  "a b"  'c' [L]`)
	assert.True(t, ok)
	assert.True(t, has3)
	assert.Equal(t, []string{"a b", "c", "[L]"}, []string{a1, a2, a3})
	// A backslash before a space keeps the space (and the backslash).
	a1, a2, _, has3, ok = parseArgLine(`a\ b c`)
	assert.True(t, ok)
	assert.False(t, has3)
	assert.Equal(t, []string{`a\ b`, "c"}, []string{a1, a2})
}

func TestMerge(t *testing.T) {
	rule := func(name string) *Rule { return &Rule{Directive: &ast.Directive{Name: name}} }
	names := func(rs []*Rule) (out []string) {
		for _, r := range rs {
			out = append(out, r.Directive.Name)
		}
		return out
	}
	parent := &DirConfig{Engine: true, EngineSet: true, Rules: []*Rule{rule("p")}, Base: "/p/", BaseSet: true}
	tests := []struct {
		name      string
		parentOpt Options
		childOpt  Options
		want      []string
		base      string
	}{
		{"alone", 0, 0, []string{"c"}, ""},
		{"Inherit: after", 0, OptInherit, []string{"c", "p"}, ""},
		{"InheritBefore", 0, OptInheritBefore, []string{"p", "c"}, ""},
		{"InheritDown from the parent", OptInheritDown, 0, []string{"c", "p"}, ""},
		{"InheritDownBefore from the parent", OptInheritDownBefore, 0, []string{"p", "c"}, ""},
		{"IgnoreInherit", OptInheritDown, OptIgnoreInherit, []string{"c"}, ""},
		{"MergeBase", 0, OptMergeBase, []string{"c"}, "/p/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := *parent
			p.Options, p.OptionsSet = tt.parentOpt, tt.parentOpt != 0
			c := &DirConfig{Directory: "/c/", Rules: []*Rule{rule("c")}, Options: tt.childOpt, OptionsSet: tt.childOpt != 0}
			m := MergeDir(&p, c)
			assert.Equal(t, tt.want, names(m.Rules))
			assert.Equal(t, tt.base, m.Base)
			assert.True(t, m.Engine, "the engine state is inherited")
			assert.Equal(t, "/c/", m.Directory)
		})
	}
	// Server merge: the vhost's rules alone unless it inherits; maps too.
	main := &ServerConfig{Engine: true, EngineSet: true, Rules: []*Rule{rule("main")}, Maps: map[string]*Map{"m": {Name: "main"}}}
	vhost := &ServerConfig{Declared: true, Rules: []*Rule{rule("vhost")}, Maps: map[string]*Map{"m": {Name: "vhost"}}, Options: OptInherit, OptionsSet: true}
	m := MergeServer(main, vhost)
	assert.Equal(t, []string{"vhost", "main"}, names(m.Rules))
	assert.Equal(t, "vhost", m.Maps["m"].Name)
	assert.True(t, m.Engine)
	vhost.Options = OptInheritBefore
	m = MergeServer(main, vhost)
	assert.Equal(t, []string{"main", "vhost"}, names(m.Rules))
	assert.Equal(t, "main", m.Maps["m"].Name)
	vhost.Options, vhost.OptionsSet = 0, false
	m = MergeServer(main, vhost)
	assert.Equal(t, []string{"vhost"}, names(m.Rules))
	// A vhost without any mod_rewrite directive shares the main server's
	// record, and its server rules never run (conformance/routing
	// rw-options-inheritdown: plain.example answered 404).
	m = MergeServer(main, &ServerConfig{})
	assert.True(t, m.Shared)
	res := m.Translate(&DirConfig{Engine: true}, request("/main/y", "plain.example", &fakeReq{}))
	assert.Equal(t, Declined, res.Action)
}

func TestServerEngineSetsBase(t *testing.T) {
	s, base := serverConfig(t, "RewriteEngine On\nRewriteOptions Inherit\nRewriteCond a b\nRewriteRule ^ -\nRewriteCond left over\n")
	assert.True(t, s.Engine)
	assert.True(t, base.Engine)
	assert.Equal(t, OptInherit, base.Options)
	require.Len(t, s.Rules, 1)
	assert.Len(t, s.Rules[0].Conds, 1)
	assert.Empty(t, base.Rules, "server rules are not per-directory rules")
}
