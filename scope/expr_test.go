package scope

import (
	"errors"
	"net/netip"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/parser"
)

// TestExprEval covers util_expr_eval.c's operators, functions and
// variables as the evaluator decides them (or leaves them undecided).
func TestExprEval(t *testing.T) {
	fsys := fstest.MapFS{
		"srv/conf/mode":    {Data: []byte("mode=locked\n")},
		"srv/conf/empty":   {Data: nil},
		"srv/www/.git/cfg": {Data: []byte("x")},
	}
	stat := func(p string) fileType {
		info, err := fsys.Stat(FSPath(p))
		switch {
		case err != nil:
			return noFile
		case info.IsDir():
			return dirFile
		}
		return regFile
	}
	user := ""
	env := &exprEnv{
		vars:    map[string]string{"REQUEST_URI": "/.env", "REQUEST_METHOD": "GET", "QUERY_STRING": "a=1", "REQUEST_FILENAME": "/srv/www/.env", "DOCUMENT_ROOT": "/srv/www"},
		headers: map[string]string{"Host": "b.example", "User-Agent": "SQLMap/1.7", "X-Token": "s3cret"},
		remote:  netip.MustParseAddr("127.0.0.2"),
		env: func(n string) (string, bool) {
			if n == "SECRET" {
				return "1", true
			}
			return "", false
		},
		stat: stat, fsys: fsys, user: &user,
	}
	tests := []struct {
		expr      string
		want      bool
		undecided bool
	}{
		{"%{REQUEST_URI} =~ m#/\\.(?!well-known/)#", true, false},
		{"! %{REQUEST_URI} =~ m#/\\.(git|env)#", false, false},
		{"%{REQUEST_URI} =~ m|/\\.ENV|i", true, false},
		{"not %{REQUEST_METHOD} -in {'GET','HEAD'}", false, false},
		{"%{REQUEST_METHOD} in {'POST'} or true and false", false, false},
		{"%{REQUEST_URI} =~ m#^/(\\.[a-z]+)$# && $1 == '.env'", true, false},
		{"%{REQUEST_URI} =~ /^\\/x/", false, true}, // the scanner ends the regex at the first '/'
		{"'%{HTTP_HOST}:' . %{QUERY_STRING} == 'b.example:a=1'", true, false},
		{"%{HTTP:X-Token} == 's3cret' && req('x-token') == http('X-TOKEN')", true, false},
		{"%{HTTP_USER_AGENT} =~ /sqlmap/i", true, false},
		{"%{REMOTE_ADDR} -ipmatch '127.0.0.0/30' && -R '127.0.0.2'", true, false},
		{"%{REMOTE_ADDR} -ipmatch '10.0.0.0/8'", false, false},
		{"%{REQUEST_URI} -strmatch '/.e*'", true, false},
		{"'/a/b' -strmatch '/*'", true, false},
		{"'/a/b' -fnmatch '/*'", false, false},
		{"'/A/B' -strcmatch '/a/*'", true, false},
		{"tolower('A.SQL') == 'a.sql' && toupper('x') == 'X'", true, false},
		{"escape('/a b') == '/a%20b' && unescape('%2e%65nv') == '.env' && unescape('%2f') == '%2f'", true, false},
		{"md5('a') == '0cc175b9c0f1b6a831c399e269772661' && base64('ab') == 'YWI='", true, false},
		{"reqenv('SECRET') == '1' && -z reqenv('NONE') && env('NOT_SET_ANYWHERE') == ''", true, false},
		{"10 -gt 9 && '10' > '9' == false", false, true}, // '== false' is no word: httpd refuses it
		{"10 -gt 9 && '10' < '9'", true, false},
		{"'x' -eq 0 && '12abc' -eq 12", true, false},
		{"-d '%{DOCUMENT_ROOT}/.git' && !-f %{REQUEST_FILENAME} && -f '/srv/conf/mode'", true, false},
		{"-f ''", false, false},
		{"file('/srv/conf/mode') =~ /locked/ && filesize('/srv/conf/mode') -gt 5", true, false},
		{"filesize('/srv/conf/missing') == '0' && !-s '/srv/conf/missing'", true, false},
		{"-s '/srv/conf/empty'", false, true},
		{"file('/srv/conf/empty') == ''", false, true},
		{"%{REMOTE_USER} == ''", true, false},
		{"%{TIME_HOUR} -lt 12", false, true},
		{"false && %{TIME_HOUR} -lt 12", false, false},
		{"%{TIME_HOUR} -lt 12 || true", true, false},
		{"%{SSL_CIPHER} == 'x'", false, true},
		{"env('APACHE_RUN_USER') == 'www-data'", false, true},
		{"%{NO_SUCH_VAR} == ''", false, true},
		{"nosuchfunc('x') == ''", false, true},
		{"%{REQUEST_URI} ==", false, true},
		{"'\\x41' == 'x41' && \"\\101\" == 'A'", true, false},
	}
	for _, tt := range tests {
		got, err := evalExpr(tt.expr, env)
		if tt.undecided {
			require.Error(t, err, tt.expr)
			assert.True(t, errors.Is(err, errUndecided), "%s: %v", tt.expr, err)
			continue
		}
		require.NoError(t, err, tt.expr)
		assert.Equal(t, tt.want, got, tt.expr)
	}
}

// TestExprFileFailure: file() of a missing file is httpd's evaluation
// error, not an undecided value.
func TestExprFileFailure(t *testing.T) {
	env := &exprEnv{vars: map[string]string{}, fsys: fstest.MapFS{}, env: func(string) (string, bool) { return "", false }}
	_, err := evalExpr("file('/nope') == ''", env)
	var failed *exprFailed
	assert.True(t, errors.As(err, &failed), "%v", err)
}

func TestFnmatchFlags(t *testing.T) {
	for _, tt := range []struct {
		pat, s          string
		pathname, icase bool
		want            bool
	}{
		{"*.sql", "a/b.sql", false, false, true},
		{"*.sql", "a/b.sql", true, false, false},
		{"[!.]*", ".env", false, false, false},
		{"[^.]*", "env", false, false, true},
		{"\\*", "*", false, false, true},
		{"?ENV", ".env", false, true, true},
	} {
		assert.Equal(t, tt.want, fnmatchFlags(tt.pat, tt.s, tt.pathname, tt.icase), "%q %q", tt.pat, tt.s)
	}
}

// CheckExprs reports what httpd refuses at start-up, nothing it accepts.
func TestCheckExprs(t *testing.T) {
	f, err := parser.ParseFile("t.conf", []byte(`<If "%{HTTP_X_FOO} == ''">
</If>
<ElseIf "%{HTTP:X-Foo} == '' && tolower(%{REQUEST_URI}) =~ /x/">
</ElseIf>
<Directory /srv>
  Require expr "nosuch(%{REQUEST_URI}) == ''"
  Require not expr %{REMOTE_ADDR} -ipmatch %{HTTP_HOST}
  Require expr "%{SSL_CIPHER} == 'x' || -f %{REQUEST_FILENAME}"
  <If "%{REQUEST_URI} -foo 'x'">
  </If>
</Directory>
`))
	require.NoError(t, err)
	var msgs []string
	for _, p := range CheckExprs(f.Body) {
		msgs = append(msgs, p.Pos.String()+": "+p.Msg)
	}
	assert.Equal(t, []string{
		"t.conf:1:1: Cannot parse condition clause: Variable 'HTTP_X_FOO' does not exist",
		"t.conf:6:3: Cannot parse expression in require line: Function 'nosuch' does not exist",
		"t.conf:7:3: Cannot parse expression in require line: -ipmatch requires subnet/netmask as constant argument",
		"t.conf:9:3: Cannot parse condition clause: Binary operator 'foo' does not exist",
	}, msgs)
}
