package rewrite

import (
	"strings"
	"testing"

	"github.com/apacheconf/apacheconf/ast"
)

func directive(name, args string) *ast.Directive {
	return &ast.Directive{Name: name, Args: ast.NewArgs(strings.Fields(args)...)}
}

// FuzzRuleFlags: any RewriteRule line parses or is refused with an
// Error, never panics; a parsed rule runs against a request without
// panicking either.
func FuzzRuleFlags(f *testing.F) {
	for _, s := range []string{"^/(.*)$ /x/$1 [R=301,L]", "^ - [F]", "a b [B=&?,BNP,QSA,QSL,E=X:%{ENV:Y}]",
		"^/a /b? [QSA]", "x ${m:$1|d} [N=3,S=2,C]", "^ - []", "^ - [R=abc]", "^( - [F]", "a", "^/(.*) http://h/$1 [P,NE]",
		`^/a \$1\%{x}${ [T=a,H=b,CO=c:d:e,END,DPI,UNC,UnsafeAllow3F]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, err := ParseRule(directive("RewriteRule", line), nil)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("not an *Error: %v", err)
			}
			return
		}
		if r.Has(FlagStatus) && !r.Has(FlagNoSub) {
			t.Fatalf("a status rule has a substitution: %+v", r)
		}
		s := &ServerConfig{Engine: true, Rules: []*Rule{r}, Maps: map[string]*Map{"m": {Name: "m", Type: MapInt, File: "toupper"}}}
		in := request("/a/b?c=d", "h", &fakeReq{})
		in.Maps = s.Maps
		res := s.Translate(&DirConfig{Engine: true}, in)
		if res.Action == Redirect && (res.Status < 300 || res.Status > 399) {
			t.Fatalf("redirect with status %d", res.Status)
		}
		d := NewDirConfig("/srv/app")
		d.Engine, d.Rules = true, []*Rule{r}
		d.Fixup(&Input{Filename: "/srv/app/x", PathInfo: "/y", Req: &fakeReq{}, SymLinksAllowed: true, Maps: s.Maps})
	})
}

// FuzzCondFlags: any RewriteCond line parses or is refused with an Error;
// a parsed condition is evaluated without panicking.
func FuzzCondFlags(f *testing.F) {
	for _, s := range []string{"%{HTTP_HOST} !^www\\. [NC]", "%{X} -gt41", "%{X} !-ne5 [OR]", "%{REQUEST_FILENAME} !-f",
		`%{X} =""`, "expr \"true\"", "a b [OR,FOO]", "a (", "%{HTTP:X} >=abc [NC,NV]", "%{TIME_HOUR} <12", "%{ENV:X ^$"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c, err := ParseCond(directive("RewriteCond", line))
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("not an *Error: %v", err)
			}
			return
		}
		rule, err := ParseRule(directive("RewriteRule", "^ - [F]"), []*Cond{c})
		if err != nil {
			t.Fatal(err)
		}
		s := &ServerConfig{Engine: true, Rules: []*Rule{rule}}
		res := s.Translate(&DirConfig{Engine: true}, request("/a", "h", &fakeReq{headers: map[string]string{"X": "5"}}))
		if res.Action == Undecided && len(res.Unmodelled) == 0 {
			t.Fatal("undecided without a reason")
		}
	})
}
