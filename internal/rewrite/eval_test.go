package rewrite

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// routingRedirects is the vhost of the oracle case
// routing/routing-rewrite-redirects (ServerName www.r.example).
const routingRedirects = `RewriteEngine On
RewriteCond %{HTTP_HOST} !^www\. [NC]
RewriteRule ^/(.*)$ http://www.r.example/$1 [R=301,L]
RewriteRule ^/old/(.*)$ /new/$1 [R,L]
RewriteRule ^/keep/(.*)$ /new/$1?from=keep [R=302,QSA,L]
RewriteRule ^/drop/(.*)$ /new/$1 [R=303,QSD,L]
RewriteRule ^/gone/ - [G]
RewriteRule ^/forbidden - [F]
RewriteRule ^/internal/(.*)$ /new/$1 [PT]
RewriteRule ^/chain/a$ /chain/b
RewriteRule ^/chain/b$ /new/c.txt [L]
RewriteRule ^/both/(.*)$ /new/$1 [R=301,L]
`

// request makes the Input of a request for target (path?query) with
// Host host, as a server on port 80 named www.r.example sees it.
func request(target, host string, req Request) *Input {
	u, _ := url.Parse(target)
	return &Input{URI: u.Path, Query: u.RawQuery, HasQuery: strings.Contains(target, "?"),
		Scheme: "http", ServerName: host, Port: 80, NamePort: 80, Req: req, ProxyAvailable: true, SymLinksAllowed: true,
		DocumentRoot: "/srv/htdocs"}
}

func TestServerRules(t *testing.T) {
	s, base := serverConfig(t, routingRedirects)
	tests := []struct {
		host, target string
		action       Action
		status       int
		location     string
		uri          string // Passthrough
		filename     string // Rewritten
	}{
		// Expected answers recorded by httpd in routing-rewrite-redirects.
		{host: "r.example", target: "/a/b?q=1", action: Redirect, status: 301, location: "http://www.r.example/a/b?q=1"},
		{host: "old.example", target: "/", action: Redirect, status: 301, location: "http://www.r.example/"},
		{host: "www.r.example", target: "/old/x.txt", action: Redirect, status: 302, location: "http://www.r.example/new/x.txt"},
		{host: "www.r.example", target: "/keep/x.txt?a=1", action: Redirect, status: 302, location: "http://www.r.example/new/x.txt?from=keep&a=1"},
		{host: "www.r.example", target: "/drop/x.txt?a=1", action: Redirect, status: 303, location: "http://www.r.example/new/x.txt"},
		{host: "www.r.example", target: "/gone/x", action: Status, status: 410},
		{host: "www.r.example", target: "/forbidden/x", action: Status, status: 403},
		{host: "www.r.example", target: "/internal/x.txt", action: Passthrough, uri: "/new/x.txt"},
		{host: "www.r.example", target: "/chain/a", action: Rewritten, filename: "/new/c.txt"},
		// mod_rewrite's translate_name runs before mod_alias's: its 301 wins over Redirect 307.
		{host: "www.r.example", target: "/both/x.txt", action: Redirect, status: 301, location: "http://www.r.example/new/x.txt"},
		{host: "www.r.example", target: "/other", action: Declined},
	}
	for _, tt := range tests {
		t.Run(tt.host+tt.target, func(t *testing.T) {
			req := &fakeReq{headers: map[string]string{"Host": tt.host}}
			in := request(tt.target, tt.host, req)
			res := s.Translate(base, in)
			require.Equal(t, tt.action, res.Action, "%+v", res)
			assert.Equal(t, tt.status, res.Status)
			assert.Equal(t, tt.location, res.Location)
			assert.Equal(t, tt.uri, res.URI)
			assert.Equal(t, tt.filename, res.Filename)
			if tt.action == Rewritten {
				assert.True(t, res.TranslateURI, "/new does not exist: core prefixes the DocumentRoot")
			}
			assert.Empty(t, res.Unmodelled)
		})
	}
}

func TestServerRulesTrace(t *testing.T) {
	s, base := serverConfig(t, routingRedirects)
	res := s.Translate(base, request("/chain/a", "www.r.example", &fakeReq{headers: map[string]string{"Host": "www.r.example"}}))
	var matched []string
	for _, st := range res.Steps {
		if st.Matched {
			matched = append(matched, st.From+" -> "+st.To)
		}
	}
	assert.Equal(t, []string{"/chain/a -> /chain/b", "/chain/b -> /new/c.txt"}, matched)
	// The first rule's condition was tested and did not hold.
	require.NotEmpty(t, res.Steps[0].Conds)
	assert.Equal(t, "www.r.example", res.Steps[0].Conds[0].Input)
	assert.False(t, res.Steps[0].Conds[0].Matched)
	assert.Equal(t, 3, res.Steps[0].Rule.Pos().Line)
}

// frontController is routing-wsgi-front-controller's blog/.htaccess.
const frontController = `RewriteEngine On
RewriteBase /~bob/blog/
RewriteCond %{REQUEST_FILENAME} !-f
RewriteRule ^(.*)$ site.wsgi/$1 [QSA,PT,L]
RewriteRule ^admin/(.*)$ admin.wsgi/$1 [L]
`

func TestPerDirFrontController(t *testing.T) {
	const blog = "/r/home/bob/public_html/blog"
	c := dirConfig(t, blog, frontController)
	req := &fakeReq{files: map[string]FileInfo{
		blog: dir, blog + "/site.wsgi": file(10), blog + "/admin.wsgi": file(10), blog + "/static/s.css": file(3),
	}}
	tests := []struct {
		name               string
		filename, pathInfo string
		query              string
		action             Action
		uri, wantQuery     string
	}{
		// The server answered site.wsgi (group bob:2) for these.
		{"directory", blog + "/", "", "", InternalRedirect, "/~bob/blog/site.wsgi/", ""},
		{"path info and query", blog + "/2024", "/05/post", "x=1", InternalRedirect, "/~bob/blog/site.wsgi/2024/05/post", "x=1"},
		{"admin path", blog + "/admin", "/users", "", InternalRedirect, "/~bob/blog/site.wsgi/admin/users", ""},
		// Existing files are served as they are.
		{"static file", blog + "/static/s.css", "", "", Declined, "", ""},
		{"the app itself", blog + "/site.wsgi", "", "", Declined, "", ""},
		// /~bob/blog without the slash: mod_dir's redirect comes first.
		{"no slash", blog, "", "", Declined, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &Input{Filename: tt.filename, PathInfo: tt.pathInfo, Query: tt.query, HasQuery: tt.query != "",
				Req: req, SymLinksAllowed: true, DocumentRoot: "/r/htdocs"}
			res := c.Fixup(in)
			require.Equal(t, tt.action, res.Action, "%+v", res)
			assert.Equal(t, tt.uri, res.URI)
			assert.Equal(t, tt.wantQuery, res.Query)
		})
	}
}

func TestPerDirNeedsSymlinkOption(t *testing.T) {
	// joe's directory in routing-wsgi-front-controller has Options ExecCGI
	// only: httpd answers 403 for every request that reaches the rules.
	c := dirConfig(t, "/r/home/joe/public_html", "RewriteEngine On\nRewriteCond %{REQUEST_FILENAME} !-f\nRewriteRule ^(.*)$ app.wsgi/$1 [QSA,PT,L]\n")
	res := c.Fixup(&Input{Filename: "/r/home/joe/public_html/anything", Req: &fakeReq{}})
	assert.Equal(t, Status, res.Action)
	assert.Equal(t, 403, res.Status)
}

func TestPerDirNoBaseStripsDocumentRoot(t *testing.T) {
	c := dirConfig(t, "/srv/htdocs/app", "RewriteEngine On\nRewriteRule ^old/(.*)$ new/$1\n")
	res := c.Fixup(&Input{Filename: "/srv/htdocs/app/old/x", Req: &fakeReq{}, SymLinksAllowed: true, DocumentRoot: "/srv/htdocs/"})
	assert.Equal(t, InternalRedirect, res.Action)
	assert.Equal(t, "/app/new/x", res.URI)
}

func TestPerDirRedirectUsesBase(t *testing.T) {
	c := dirConfig(t, "/srv/htdocs/app", "RewriteEngine On\nRewriteBase /myapp/\nRewriteRule ^old/(.*)$ new/$1 [R=301]\n")
	in := &Input{Filename: "/srv/htdocs/app/old/x", Req: &fakeReq{}, SymLinksAllowed: true, Scheme: "http", ServerName: "h.example", Port: 8080}
	res := c.Fixup(in)
	require.Equal(t, Redirect, res.Action)
	assert.Equal(t, 301, res.Status)
	assert.Equal(t, "http://h.example:8080/myapp/new/x", res.Location)
}

func TestConditions(t *testing.T) {
	req := &fakeReq{
		headers: map[string]string{"User-Agent": "Mobile Safari", "X-Num": "42"},
		vars:    map[string]string{"REMOTE_ADDR": "10.1.2.3", "REQUEST_METHOD": "POST", "HTTPS": "off"},
		files:   map[string]FileInfo{"/d": dir, "/f": file(5), "/empty": file(0), "/l": {Symlink: true}, "/x": {Regular: true, Exec: true}},
		unknown: map[string]bool{"/maybe": true},
	}
	tests := []struct {
		cond string
		want Action // Status (F) when the condition holds, Declined when not, Undecided
	}{
		{`%{HTTP_USER_AGENT} mobile [NC]`, Status},
		{`%{HTTP_USER_AGENT} mobile`, Declined},
		// The number follows the operator in the same word: httpd reads
		// "-gt 41" as the regex "-gt" and flags "41" (bad flag delimiters).
		{`%{HTTP:X-Num} -gt41`, Status},
		{`%{HTTP:X-Num} -lt41`, Declined},
		{`%{HTTP:X-Num} -ne42`, Declined},
		{`%{HTTP:X-Num} -eq42`, Status},
		{`%{HTTP:X-Num} -ge42`, Status},
		{`%{HTTP:X-Num} -le41`, Declined},
		{`%{REQUEST_METHOD} =POST`, Status},
		{`%{REQUEST_METHOD} =post [NC]`, Status},
		{`%{REQUEST_METHOD} !=POST`, Declined},
		{`%{HTTP:X-None} =""`, Status},
		// Lexicographic: a longer string is greater, whatever its bytes.
		{`%{HTTP:X-Num} >9`, Status},
		{`%{HTTP:X-Num} <=42`, Status},
		{`%{HTTP:X-Num} <42`, Declined},
		{`%{HTTP:X-Num} >=43`, Declined},
		{`%{REMOTE_ADDR} ^10\.`, Status},
		{`/d -d`, Status},
		{`/f -d`, Declined},
		{`/f -f`, Status},
		{`/d -f`, Declined},
		{`/f -s`, Status},
		{`/empty -s`, Declined},
		{`/l -l`, Status},
		{`/l -L`, Status},
		{`/l -h`, Status},
		{`/x -x`, Status},
		{`/f -x`, Declined},
		{`/nothing !-f`, Status},
		{`/maybe -f`, Undecided},
		{`%{HTTP_X_NUM} ^$`, Status}, // not a variable mod_rewrite knows: empty
		{`%{TIME_HOUR} ^0`, Undecided},
		{`%{SSL:SSL_PROTOCOL} TLS`, Undecided},
		{`/u -U`, Undecided}, // no sub-requests without a SubRequester
		{`expr "true"`, Status},
		{`expr "%{REMOTE_ADDR} -ipmatch '10.0.0.0/8'"`, Undecided},
		{`%{HTTPS} =off`, Status},
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			s, base := serverConfig(t, "RewriteEngine On\nRewriteCond "+tt.cond+"\nRewriteRule ^/ - [F]\n")
			res := s.Translate(base, request("/p", "h", req))
			assert.Equal(t, tt.want, res.Action, "%+v", res)
			if tt.want == Undecided {
				assert.NotEmpty(t, res.Unmodelled)
			}
		})
	}
}

func TestOrConditions(t *testing.T) {
	req := &fakeReq{files: map[string]FileInfo{"/f": file(1)}, unknown: map[string]bool{"/maybe": true}}
	tests := []struct {
		conds string
		want  Action
	}{
		{"RewriteCond /f -f [OR]\nRewriteCond /g -f\n", Status},
		{"RewriteCond /g -f [OR]\nRewriteCond /f -f\n", Status},
		{"RewriteCond /g -f [OR]\nRewriteCond /h -f\n", Declined},
		// An unknown member of an OR group another member satisfies does not matter.
		{"RewriteCond /maybe -f [OR]\nRewriteCond /f -f\n", Status},
		{"RewriteCond /maybe -f [OR]\nRewriteCond /g -f\n", Undecided},
		// A false condition after the group decides.
		{"RewriteCond /maybe -f [OR]\nRewriteCond /f -f\nRewriteCond /g -f\n", Declined},
	}
	for _, tt := range tests {
		s, base := serverConfig(t, "RewriteEngine On\n"+tt.conds+"RewriteRule ^/ - [F]\n")
		res := s.Translate(base, request("/p", "h", req))
		assert.Equal(t, tt.want, res.Action, tt.conds)
	}
}

func TestSubRequester(t *testing.T) {
	req := subFakeReq{&fakeReq{subreq: map[string]int{"/u": 200, "/v": 404}}}
	s, base := serverConfig(t, "RewriteEngine On\nRewriteCond %{REQUEST_URI} -U\nRewriteRule ^/ - [F]\n")
	assert.Equal(t, Status, s.Translate(base, request("/u", "h", req)).Action)
	assert.Equal(t, Declined, s.Translate(base, request("/v", "h", req)).Action)
}

func TestSubstitutions(t *testing.T) {
	req := &fakeReq{headers: map[string]string{"Host": "h.example"}, env: map[string]string{"FOO": "bar"},
		files: map[string]FileInfo{"/srv": dir}}
	tests := []struct {
		name, rules, target string
		check               func(t *testing.T, r *Result)
	}{
		{"back-references", `RewriteCond %{HTTP_HOST} ^(h)\.(example)$
RewriteRule ^/a/(\w+)/(\w+)$ /b/$2/$1/%2/%1 [PT]`, "/a/x/y", func(t *testing.T, r *Result) {
			assert.Equal(t, "/b/y/x/example/h", r.URI)
		}},
		{"escapes", `RewriteRule ^/a$ /\$1\%{x} [PT]`, "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, "/$1%{x}", r.URI)
		}},
		{"env var", `RewriteRule ^/a$ /%{ENV:FOO} [PT]`, "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, "/bar", r.URI)
		}},
		{"E= then ENV", "RewriteRule ^/a - [E=X:1,E=Y:%{ENV:X}2]\nRewriteRule ^/a /%{ENV:Y} [PT]", "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, "/12", r.URI)
			assert.Equal(t, []EnvChange{{Name: "X", Value: "1", Rule: r.Steps[0].Rule}, {Name: "Y", Value: "12", Rule: r.Steps[0].Rule}}, r.Env)
		}},
		{"unset env", "RewriteRule ^/a - [E=!FOO]\nRewriteRule ^/a /x%{ENV:FOO} [PT]", "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, "/x", r.URI)
			assert.True(t, r.Env[0].Unset)
		}},
		{"B escapes back-references", `RewriteRule ^/s/(.*)$ /q?term=$1 [B,PT]`, "/s/a b&c", func(t *testing.T, r *Result) {
			assert.Equal(t, "/q", r.URI)
			assert.Equal(t, "term=a+b%26c", r.Query)
		}},
		{"BNP", `RewriteRule ^/s/(.*)$ /q?term=$1 [BNP,B,PT]`, "/s/a b", func(t *testing.T, r *Result) {
			assert.Equal(t, "term=a%20b", r.Query)
		}},
		{"B=chars", `RewriteRule ^/s/(.*)$ /q?term=$1 [B=&,PT]`, "/s/a b&c", func(t *testing.T, r *Result) {
			assert.Equal(t, "term=a b%26c", r.Query)
		}},
		{"unsafe question mark", `RewriteRule ^/s/(.*)$ /q/$1`, "/s/a?b", func(t *testing.T, r *Result) {
			assert.Equal(t, Status, r.Action)
			assert.Equal(t, 403, r.Status)
		}},
		{"UnsafeAllow3F", `RewriteRule ^/s/(.*)$ /q/$1 [UnsafeAllow3F,PT]`, "/s/a?b", func(t *testing.T, r *Result) {
			assert.Equal(t, "/q/a", r.URI)
			assert.Equal(t, "b", r.Query)
		}},
		{"literal question mark first is safe", `RewriteRule ^/s/(.*)$ /q?x=$1 [PT]`, "/s/a?b", func(t *testing.T, r *Result) {
			assert.Equal(t, Passthrough, r.Action)
			assert.Equal(t, "x=a?b", r.Query)
		}},
		{"trailing ? drops the query", `RewriteRule ^/a$ /b? [PT]`, "/a?x=1", func(t *testing.T, r *Result) {
			assert.Equal(t, "/b", r.URI)
			assert.False(t, r.HasQuery)
		}},
		{"new query replaces", `RewriteRule ^/a$ /b?y=2 [PT]`, "/a?x=1", func(t *testing.T, r *Result) {
			assert.Equal(t, "y=2", r.Query)
		}},
		{"QSA", `RewriteRule ^/a$ /b?y=2 [QSA,PT]`, "/a?x=1", func(t *testing.T, r *Result) {
			assert.Equal(t, "y=2&x=1", r.Query)
		}},
		{"QSL", `RewriteRule ^/a$ /b?c?d=1 [QSL,PT]`, "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, "/b?c", r.URI)
			assert.Equal(t, "d=1", r.Query)
		}},
		{"relative becomes root-relative", `RewriteRule ^/a$ b [PT]`, "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, "/b", r.URI)
		}},
		{"leading slashes merged", `RewriteRule ^/a(.*)$ /$1 [PT]`, "/a//b", func(t *testing.T, r *Result) {
			assert.Equal(t, "/b", r.URI)
		}},
		{"reduced to a local path", `RewriteRule ^/a$ http://h.example/b [PT]`, "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, Passthrough, r.Action)
			assert.Equal(t, "/b", r.URI)
		}},
		{"other host redirects 302", `RewriteRule ^/a$ http://other.example/b`, "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, Redirect, r.Action)
			assert.Equal(t, 302, r.Status)
			assert.Equal(t, "http://other.example/b", r.Location)
		}},
		{"redirect escapes", `RewriteRule ^/a/(.*)$ /b/$1 [R]`, "/a/x y", func(t *testing.T, r *Result) {
			assert.Equal(t, "http://h.example/b/x%20y", r.Location)
		}},
		{"NE", `RewriteRule ^/a/(.*)$ /b/$1#frag [R,NE]`, "/a/x", func(t *testing.T, r *Result) {
			assert.Equal(t, "http://h.example/b/x#frag", r.Location)
		}},
		{"R=404 is a status", `RewriteRule ^/a - [R=404]`, "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, Status, r.Action)
			assert.Equal(t, 404, r.Status)
		}},
		{"skip", "RewriteRule ^/a - [S=1]\nRewriteRule ^/a /skipped [PT]\nRewriteRule ^/a /reached [PT]", "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, "/reached", r.URI)
		}},
		{"chain broken", "RewriteRule ^/b /c [C]\nRewriteRule ^/c /d [PT]\nRewriteRule ^/a /e [PT]", "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, "/e", r.URI)
		}},
		{"chain", "RewriteRule ^/a /c [C]\nRewriteRule ^/c /d [PT]", "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, "/d", r.URI)
		}},
		{"chain head fails: the chained rule is skipped", "RewriteRule ^/x /c [C]\nRewriteRule ^/a /d [PT]\nRewriteRule ^/a /e [PT]", "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, "/e", r.URI)
		}},
		{"N loops", "RewriteRule ^/a(.*)b$ /a$1 [N]\nRewriteRule ^/a$ /done [PT]", "/abbb", func(t *testing.T, r *Result) {
			assert.Equal(t, "/done", r.URI)
		}},
		{"N limit", "RewriteRule ^/a /a [N=5]", "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, Status, r.Action)
			assert.Equal(t, 500, r.Status)
		}},
		{"END", "RewriteRule ^/a /b [END]\nRewriteRule ^/b /c [PT]", "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, Rewritten, r.Action)
			assert.True(t, r.End)
			assert.Equal(t, "/b", r.Filename)
		}},
		{"file path kept when its first segment exists", `RewriteRule ^/a$ /srv/x`, "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, Rewritten, r.Action)
			assert.Equal(t, "/srv/x", r.Filename)
			assert.False(t, r.TranslateURI)
		}},
		{"proxy", `RewriteRule ^/api/(.*)$ http://127.0.0.1:9000/$1 [P]`, "/api/items?x=1", func(t *testing.T, r *Result) {
			assert.Equal(t, Proxy, r.Action)
			assert.Equal(t, "http://127.0.0.1:9000/items", r.ProxyURL)
			assert.Equal(t, "x=1", r.Query)
		}},
		{"proxy NE keeps the query in the URL", `RewriteRule ^/api/(.*)$ http://127.0.0.1:9000/$1 [P,NE]`, "/api/items?x=1", func(t *testing.T, r *Result) {
			assert.Equal(t, "http://127.0.0.1:9000/items?x=1", r.ProxyURL)
			assert.True(t, r.NoCanon)
		}},
		{"proxy relative target qualified", `RewriteRule ^/api/(.*)$ /v1/$1 [P]`, "/api/items", func(t *testing.T, r *Result) {
			assert.Equal(t, "http://h.example/v1/items", r.ProxyURL)
		}},
		{"T and H", `RewriteRule \.php$ - [T=Application/X-Test,H=proxy:fcgi://127.0.0.1:9000]`, "/a.php", func(t *testing.T, r *Result) {
			assert.Equal(t, Declined, r.Action)
			assert.Equal(t, "application/x-test", r.Type)
			assert.Equal(t, "proxy:fcgi://127.0.0.1:9000", r.Handler)
		}},
		{"negated pattern has no $N", `RewriteRule !^/(a)$ /x$1 [PT]`, "/b", func(t *testing.T, r *Result) {
			assert.Equal(t, "/x", r.URI)
		}},
		{"query with a space from a substitution", `RewriteRule ^/a$ /b?x=%{HTTP:X-Sp} [PT]`, "/a", func(t *testing.T, r *Result) {
			assert.Equal(t, Status, r.Action)
			assert.Equal(t, 403, r.Status)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, base := serverConfig(t, "RewriteEngine On\n"+tt.rules+"\n")
			r := req
			if tt.name == "query with a space from a substitution" {
				r = &fakeReq{headers: map[string]string{"X-Sp": "a b"}}
			}
			in := request(tt.target, "h.example", r)
			if strings.Contains(tt.target, " ") { // url.Parse refuses spaces
				in.URI, in.Query, in.HasQuery = tt.target, "", false
			}
			if q := strings.IndexByte(tt.target, '?'); q >= 0 && strings.HasPrefix(tt.target, "/s/") {
				in.URI, in.Query, in.HasQuery = tt.target, "", false // a decoded %3F in the path
			}
			tt.check(t, s.Translate(base, in))
		})
	}
}

func TestMaps(t *testing.T) {
	fsys := mapFS{"etc/hosts.map": "# comment\nold new\n  indented x\ndup first\ndup second\nlast"}
	tests := []struct {
		name, mapDef, subst, target, want string
		undecided                         bool
	}{
		{"txt hit", "txt:/etc/hosts.map", "/${m:old|def}", "/a", "/new", false},
		{"txt miss with default", "txt:/etc/hosts.map", "/${m:nope|def}", "/a", "/def", false},
		{"txt miss without default", "txt:/etc/hosts.map", "/x${m:nope}", "/a", "/x", false},
		{"first line wins", "txt:/etc/hosts.map", "/${m:dup}", "/a", "/first", false},
		{"key without newline at the end never matches", "txt:/etc/hosts.map", "/${m:last|no}", "/a", "/no", false},
		{"int toupper", "int:toupper", "/${m:$1}", "/abc", "/ABC", false},
		{"int escape", "int:escape", "/${m:%{HTTP:X-V}}", "/a", "/a%20b%3f", false},
		{"int unescape", "int:unescape", "/${m:%{HTTP:X-E}}", "/a", "/a b", false},
		{"rnd with one choice", "rnd:/etc/hosts.map", "/${m:old}", "/a", "/new", false},
		{"prg", "prg:/bin/cat", "/${m:old}", "/a", "", true},
		{"unknown map uses the default", "int:tolower", "/${other:x|d}", "/a", "/d", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, base := serverConfig(t, "RewriteEngine On\nRewriteMap m "+tt.mapDef+"\nRewriteRule ^/(.*)$ "+tt.subst+" [PT]\n")
			req := &fakeReq{headers: map[string]string{"X-V": "a b?", "X-E": "a%20b"}}
			in := request(tt.target, "h", req)
			in.Maps, in.FS = s.Maps, fsys
			res := s.Translate(base, in)
			if tt.undecided {
				assert.Equal(t, Undecided, res.Action)
				require.NotEmpty(t, res.Unmodelled)
				return
			}
			require.Equal(t, Passthrough, res.Action, "%+v", res)
			assert.Equal(t, tt.want, res.URI)
		})
	}
}

func TestRndMapReportsChoices(t *testing.T) {
	fsys := mapFS{"m.txt": "k a|b|c\n"}
	s, base := serverConfig(t, "RewriteEngine On\nRewriteMap m rnd:/m.txt\nRewriteRule ^/(.*)$ /${m:k} [PT]\n")
	in := request("/x", "h", &fakeReq{})
	in.Maps, in.FS = s.Maps, fsys
	res := s.Translate(base, in)
	require.Equal(t, Undecided, res.Action)
	assert.Contains(t, res.Unmodelled[0], "a, b, c")
}

func TestEngineOffAndAnyURI(t *testing.T) {
	s, base := serverConfig(t, "RewriteEngine On\nRewriteRule ^ - [F]\n")
	off := MergeDir(base, dirConfig(t, "/loc", "RewriteEngine Off\n"))
	assert.Equal(t, Declined, s.Translate(off, request("/a", "h", &fakeReq{})).Action)
	in := request("/a", "h", &fakeReq{})
	in.URI = "*"
	assert.Equal(t, Declined, s.Translate(base, in).Action, "not a URL-path without AllowAnyURI")
	in.EndSeen = true
	in.URI = "/a"
	assert.Equal(t, Declined, s.Translate(base, in).Action, "an earlier [END]")
}
