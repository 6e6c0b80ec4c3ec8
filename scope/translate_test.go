package scope

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// translate runs the translate_name phase alone for a request to v.
func (s *Server) translate(v *VirtualHost, path string, stat func(string) fileType) Mapping {
	comp := s.compiledFor(v)
	r := &request{s: s, v: v, comp: comp, srv: comp.servers(s),
		topts: translateOptions{homeDir: s.homeDirFn, exists: func(p string) bool { return stat(p) != noFile }}}
	return r.translate(path)
}

// translateBodies runs translate_name for uri on a main server body and,
// when given, a virtual host's body over it.
func translateBodies(main, vhost []ast.Node, uri string, o translateOptions) Mapping {
	build := func(body []ast.Node) *dirConfig { return (&applier{ctx: CtxServer}).build(body) }
	srv := newServerConfs(main, build(main))
	if vhost != nil {
		srv = mergeServerConfs(srv, newServerConfs(vhost, build(vhost)))
	}
	r := &request{srv: srv, topts: o}
	return r.translate(uri)
}

func parseBody(t *testing.T, src string) []ast.Node {
	t.Helper()
	f, err := parser.ParseFile("t.conf", []byte(src))
	require.NoError(t, err)
	return f.Body
}

var homes = map[string]string{"bob": "/home/bob", "joe": "/home/joe", "root": "/root", "Alice": "/home/Alice"}

func testOpts() translateOptions {
	return translateOptions{
		homeDir: func(u string) (string, bool) { h, ok := homes[u]; return h, ok },
		exists:  func(p string) bool { return p == "/home/joe/www" },
	}
}

// want lists the fields a case checks; zero fields are checked too
// except Line (0: don't check which directive answered).
type wantMapping struct {
	Kind, Filename, Handler, ScriptName, URI string
	Status                                   int
	Redirect                                 *Redirect
	Options                                  map[string]string
	Line                                     int // line of the answering directive in main (or vhost if InVhost)
	InVhost                                  bool
}

func TestTranslateName(t *testing.T) {
	const mainAliases = `DocumentRoot /srv/www
Alias /icons/ /usr/share/apache2/icons/
Alias /doc /usr/share/doc
ScriptAlias /cgi-bin/ /usr/lib/cgi-bin/
AliasMatch ^/img/(\w+)\.(png|gif)$ /srv/img/$2/$1
ScriptAliasMatch ^/run/([^/]+) /srv/cgi/$1.cgi
Alias /rel relative/dir
`
	cases := []struct {
		name  string
		main  string
		vhost string
		uri   string
		opts  func(*translateOptions)
		want  wantMapping
	}{
		// core
		{name: "docroot default", main: "", uri: "/index.html",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/index.html", URI: "/index.html"}},
		{name: "docroot configured", main: "DocumentRoot /srv/www/", uri: "/a/b",
			want: wantMapping{Kind: "docroot", Filename: "/srv/www/a/b", URI: "/a/b", Line: 1}},
		{name: "docroot root", main: "DocumentRoot /srv/www", uri: "/",
			want: wantMapping{Kind: "docroot", Filename: "/srv/www", URI: "/", Line: 1}},
		{name: "docroot relative to ServerRoot", main: "DocumentRoot htdocs", uri: "/x",
			want: wantMapping{Kind: "docroot", Filename: "/etc/apache2/htdocs/x", URI: "/x", Line: 1}},
		{name: "docroot trailing slash kept", main: "DocumentRoot /srv/www", uri: "/dir/",
			want: wantMapping{Kind: "docroot", Filename: "/srv/www/dir/", URI: "/dir/", Line: 1}},
		{name: "vhost docroot wins", main: "DocumentRoot /srv/main", vhost: "DocumentRoot /srv/vh", uri: "/x",
			want: wantMapping{Kind: "docroot", Filename: "/srv/vh/x", URI: "/x", Line: 1, InVhost: true}},
		{name: "vhost without docroot inherits main", main: "DocumentRoot /srv/main", vhost: "ServerName v", uri: "/x",
			want: wantMapping{Kind: "docroot", Filename: "/srv/main/x", URI: "/x", Line: 1}},

		// normalisation before translate_name (ap_normalize_path, ap_unescape_url_ex).
		// Verified on Apache 2.4.71 (materialised oracle config, CustomLog with
		// %>s|%U|%f|%{Location}o): //icons//a.png, /x/%2e%2E/y → /y, /../x → 400,
		// /a%zz → 400, /a%2Fb → 404 (URI /a/b), /a%00 → 404 (URI /a),
		// /%69cons/a%20b.png → the /icons/ alias.
		{name: "double slashes merged", main: mainAliases, uri: "//icons//a.png",
			want: wantMapping{Kind: "alias", Filename: "/usr/share/apache2/icons/a.png", ScriptName: "/icons/", URI: "/icons/a.png", Line: 2}},
		{name: "MergeSlashes Off keeps runs; alias_matches eats them", main: mainAliases, uri: "/icons//a.png",
			opts: func(o *translateOptions) { o.mergeSlashesOff = true },
			want: wantMapping{Kind: "alias", Filename: "/usr/share/apache2/icons/a.png", ScriptName: "/icons//", URI: "/icons//a.png", Line: 2}},
		{name: "dot segments removed", main: mainAliases, uri: "/x/../icons/./a.png",
			want: wantMapping{Kind: "alias", Filename: "/usr/share/apache2/icons/a.png", ScriptName: "/icons/", URI: "/icons/a.png", Line: 2}},
		{name: "encoded dot-dot removed", main: "", uri: "/a/%2e%2E/b",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/b", URI: "/b"}},
		{name: "dot-dot above root is 400", main: "", uri: "/../etc/passwd",
			want: wantMapping{Kind: "none", Status: 400, URI: "/etc/passwd"}},
		{name: "relative request path is 400", main: "", uri: "index.html",
			want: wantMapping{Kind: "none", Status: 400, URI: "index.html"}},
		{name: "bad escape is 400", main: "", uri: "/a%zz",
			want: wantMapping{Kind: "none", Status: 400, URI: "/a%zz"}},
		{name: "encoded slash is 404 by default", main: "", uri: "/a%2Fb",
			want: wantMapping{Kind: "none", Status: 404, URI: "/a/b"}},
		{name: "encoded slash decoded with AllowEncodedSlashes On", main: "", uri: "/a%2Fb",
			opts: func(o *translateOptions) { o.allowEncodedSlashes = "On" },
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/a/b", URI: "/a/b"}},
		{name: "encoded slash kept with NoDecode", main: "", uri: "/a%2fb",
			opts: func(o *translateOptions) { o.allowEncodedSlashes = "NoDecode" },
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/a%2fb", URI: "/a%2fb"}},
		// Verified on 2.4.71 (vhosts nd.example, on.example).
		{name: "AllowEncodedSlashes On re-normalises", main: "", uri: "/e/x/..%2F..%2Fy",
			opts: func(o *translateOptions) { o.allowEncodedSlashes = "On" },
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/y", URI: "/y"}},
		{name: "AllowEncodedSlashes NoDecode: alias sees %2F", main: "Alias /e/ /enc/", uri: "/e/a%2Fb",
			opts: func(o *translateOptions) { o.allowEncodedSlashes = "NoDecode" },
			want: wantMapping{Kind: "alias", Filename: "/enc/a%2Fb", ScriptName: "/e/", URI: "/e/a%2Fb", Line: 1}},
		{name: "encoded NUL is 404", main: "", uri: "/a%00",
			want: wantMapping{Kind: "none", Status: 404, URI: "/a"}},
		{name: "percent-decoding before alias match", main: mainAliases, uri: "/%69cons/a%20b.png",
			want: wantMapping{Kind: "alias", Filename: "/usr/share/apache2/icons/a b.png", ScriptName: "/icons/", URI: "/icons/a b.png", Line: 2}},
		{name: "query string is not part of the URI", main: mainAliases, uri: "/doc/x?y=/icons/",
			want: wantMapping{Kind: "alias", Filename: "/usr/share/doc/x", ScriptName: "/doc", URI: "/doc/x", Line: 3}},

		// mod_alias. Verified on 2.4.71: /icons (alias "/icons/") and /docs,
		// /DOC/x (alias "/doc") fall to DocumentRoot; /doc maps; AliasMatch
		// with \$1, $1 unset and $9 gives "$1--q-".
		{name: "alias with slash does not match without", main: mainAliases, uri: "/icons",
			want: wantMapping{Kind: "docroot", Filename: "/srv/www/icons", URI: "/icons", Line: 1}},
		{name: "alias without slash matches bare", main: mainAliases, uri: "/doc",
			want: wantMapping{Kind: "alias", Filename: "/usr/share/doc", ScriptName: "/doc", URI: "/doc", Line: 3}},
		{name: "alias without slash matches subpath", main: mainAliases, uri: "/doc/x/",
			want: wantMapping{Kind: "alias", Filename: "/usr/share/doc/x/", ScriptName: "/doc", URI: "/doc/x/", Line: 3}},
		{name: "alias ends at a component boundary", main: mainAliases, uri: "/docs",
			want: wantMapping{Kind: "docroot", Filename: "/srv/www/docs", URI: "/docs", Line: 1}},
		{name: "alias is case-sensitive", main: mainAliases, uri: "/DOC/x",
			want: wantMapping{Kind: "docroot", Filename: "/srv/www/DOC/x", URI: "/DOC/x", Line: 1}},
		{name: "alias target relative to ServerRoot", main: mainAliases, uri: "/rel/f",
			want: wantMapping{Kind: "alias", Filename: "/etc/apache2/relative/dir/f", ScriptName: "/rel", URI: "/rel/f", Line: 7}},
		{name: "scriptalias forces cgi-script", main: mainAliases, uri: "/cgi-bin/test.sh/extra",
			want: wantMapping{Kind: "scriptalias", Handler: "cgi-script", Filename: "/usr/lib/cgi-bin/test.sh/extra", ScriptName: "/cgi-bin/", URI: "/cgi-bin/test.sh/extra", Line: 4}},
		{name: "aliasmatch backrefs", main: mainAliases, uri: "/img/logo.png",
			want: wantMapping{Kind: "aliasmatch", Filename: "/srv/img/png/logo", ScriptName: "/img/logo.png", URI: "/img/logo.png", Line: 5}},
		{name: "scriptaliasmatch backrefs", main: mainAliases, uri: "/run/job/more",
			want: wantMapping{Kind: "scriptaliasmatch", Handler: "cgi-script", Filename: "/srv/cgi/job.cgi", ScriptName: "/run/job", URI: "/run/job/more", Line: 6}},
		{name: "first alias in config order wins: Alias before ScriptAlias", main: "Alias /x /a\nScriptAlias /x/y /b", uri: "/x/y/z",
			want: wantMapping{Kind: "alias", Filename: "/a/y/z", ScriptName: "/x", URI: "/x/y/z", Line: 1}},
		{name: "first alias in config order wins: ScriptAlias before Alias", main: "ScriptAlias /x /b\nAlias /x /a", uri: "/x/y",
			want: wantMapping{Kind: "scriptalias", Handler: "cgi-script", Filename: "/b/y", ScriptName: "/x", URI: "/x/y", Line: 1}},
		{name: "vhost aliases before main's", main: "Alias /x /main", vhost: "Alias /x /vhost", uri: "/x/f",
			want: wantMapping{Kind: "alias", Filename: "/vhost/f", ScriptName: "/x", URI: "/x/f", Line: 1, InVhost: true}},
		{name: "main alias applies in vhost", main: "Alias /m /main", vhost: "Alias /x /vhost", uri: "/m/f",
			want: wantMapping{Kind: "alias", Filename: "/main/f", ScriptName: "/m", URI: "/m/f", Line: 1}},
		{name: "pregsub escapes and missing groups", main: `AliasMatch ^/p(x)?/(.*) /srv/\$1-$1-$2-$9`, uri: "/p/q",
			want: wantMapping{Kind: "aliasmatch", Filename: "/srv/$1--q-", ScriptName: "/p/q", URI: "/p/q", Line: 1}},

		// redirects. Verified on 2.4.71: "/old/a%20b" → …/n/a%20b, the query
		// appended, RedirectMatch query "?q=a b" left unescaped and path
		// "a%20b" escaped, Redirect 404 → 404 without Location, RedirectMatch
		// to "z$1" → 500 (AH00674), Redirect before an earlier Alias, a local
		// target made absolute (ap_construct_url, here BaseURL).
		{name: "redirect before alias regardless of order", main: "Alias /old /srv/old\nRedirect /old http://new.example/n", uri: "/old/a b",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 302, Location: "http://new.example/n/a%20b"}, URI: "/old/a b", Line: 2}},
		{name: "redirect permanent keyword", main: "Redirect permanent /o https://x/", uri: "/o",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 301, Location: "https://x/"}, URI: "/o", Line: 1}},
		{name: "redirect appends query", main: "Redirect 303 /o http://x/n", uri: "/o/p?a=1",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 303, Location: "http://x/n/p?a=1"}, URI: "/o/p", Line: 1}},
		{name: "RedirectPermanent", main: "RedirectPermanent /o http://x/n", uri: "/o",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 301, Location: "http://x/n"}, URI: "/o", Line: 1}},
		{name: "RedirectTemp", main: "RedirectTemp /o http://x/n", uri: "/o/",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 302, Location: "http://x/n/"}, URI: "/o/", Line: 1}},
		{name: "redirect gone", main: "Redirect gone /dead", uri: "/dead/x",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 410, Location: ""}, URI: "/dead/x", Line: 1}},
		{name: "redirect 404 status", main: "Redirect 404 /nothere", uri: "/nothere",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 404, Location: ""}, URI: "/nothere", Line: 1}},
		{name: "redirect to local path made absolute with BaseURL", main: "Redirect /o /n", uri: "/o/x",
			opts: func(o *translateOptions) { o.baseURL = "http://www.example.com" },
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 302, Location: "http://www.example.com/n/x"}, URI: "/o/x", Line: 1}},
		{name: "redirectmatch backrefs escaped, query kept", main: `RedirectMatch ^/u/(.*)$ http://x/v?q=$1`, uri: "/u/a%20b",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 302, Location: "http://x/v?q=a b"}, URI: "/u/a b", Line: 1}},
		{name: "redirectmatch path escaped", main: `RedirectMatch 301 ^/u/(.*)$ http://x/w/$1`, uri: "/u/a%20b",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 301, Location: "http://x/w/a%20b"}, URI: "/u/a b", Line: 1}},
		{name: "redirectmatch gone", main: `RedirectMatch gone \.bak$`, uri: "/a.bak",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 410, Location: ""}, URI: "/a.bak", Line: 1}},
		{name: "redirectmatch to non-URL is 500", main: `RedirectMatch ^/z(.*) z$1`, uri: "/zz",
			want: wantMapping{Kind: "redirect", Status: 500, URI: "/zz", Line: 1}},
		{name: "vhost redirect before main redirect", main: "Redirect /r http://main/", vhost: "Redirect /r http://vh/", uri: "/r",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 302, Location: "http://vh/"}, URI: "/r", Line: 1, InVhost: true}},
		{name: "main redirect before vhost alias", main: "Redirect /r http://main/", vhost: "Alias /r /srv/r", uri: "/r",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 302, Location: "http://main/"}, URI: "/r", Line: 1}},

		// Verified on 2.4.71 (vhost order.example): remainders escaped with
		// lower-case hex, RedirectMatch results split at '?' and '#'.
		{name: "redirect remainder escapes ? and % in lower-case hex", main: "Redirect /e http://e.example/n", uri: "/e/a%3Fb%25",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 302, Location: "http://e.example/n/a%3fb%25"}, URI: "/e/a?b%", Line: 1}},
		{name: "redirect remainder escapes UTF-8", main: "Redirect /e http://e.example/n", uri: "/e/%C3%A9",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 302, Location: "http://e.example/n/%c3%a9"}, URI: "/e/\u00e9", Line: 1}},
		{name: "redirectmatch result keeps decoded ? as query", main: `RedirectMatch ^/rm/(.*)$ http://x.example/w/$1`, uri: "/rm/a%3Fb",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 302, Location: "http://x.example/w/a?b"}, URI: "/rm/a?b", Line: 1}},
		{name: "redirectmatch result keeps decoded # as fragment", main: `RedirectMatch ^/rm/(.*)$ http://x.example/w/$1`, uri: "/rm/a%23b",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 302, Location: "http://x.example/w/a#b"}, URI: "/rm/a#b", Line: 1}},
		{name: "alias with slash, target without: names glue", main: "Alias /doc/ /share/doc", uri: "/doc/x",
			want: wantMapping{Kind: "alias", Filename: "/share/docx", ScriptName: "/doc/", URI: "/doc/x", Line: 1}},
		{name: "redirect gone prefix", main: "Redirect gone /dead", uri: "/dead",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 410, Location: ""}, URI: "/dead", Line: 1}},

		// mod_wsgi. Verified on 2.4.71 + mod_wsgi 4.9.4: /api/v1 under
		// "WSGIScriptAlias /api" has application group "localhost|/api";
		// /API2/V1 under "/API2" → "localhost|/api2" (ResourceName lower-cases);
		// WSGIScriptAliasMatch ^/m/([^/]+)/api with /m/shop/api/items runs
		// shop.wsgi with group "localhost|/m/shop/api".
		{name: "wsgi alias after mod_alias", main: "Alias /app /srv/static\nWSGIScriptAlias /app /srv/app.wsgi", uri: "/app/x",
			want: wantMapping{Kind: "alias", Filename: "/srv/static/x", ScriptName: "/app", URI: "/app/x", Line: 1}},
		{name: "wsgi alias options and path", main: "WSGIScriptAlias /api /x/app.wsgi process-group=g application-group=%{GLOBAL} pass-authorization=On", uri: "/api/v1",
			want: wantMapping{Kind: "wsgiscriptalias", Handler: "wsgi-script", Filename: "/x/app.wsgi/v1", ScriptName: "/api", URI: "/api/v1", Line: 1,
				Options: map[string]string{"process-group": "g", "application-group": "%{GLOBAL}", "pass-authorization": "On"}}},
		{name: "wsgi alias at root keeps URI as path info", main: "WSGIScriptAlias / /x/app.wsgi", uri: "/a/b",
			want: wantMapping{Kind: "wsgiscriptalias", Handler: "wsgi-script", Filename: "/x/app.wsgi/a/b", ScriptName: "", URI: "/a/b", Line: 1, Options: map[string]string{}}},
		{name: "wsgi alias before userdir", main: "UserDir public_html\nWSGIScriptAlias /~bob /x/bob.wsgi", uri: "/~bob/p",
			want: wantMapping{Kind: "wsgiscriptalias", Handler: "wsgi-script", Filename: "/x/bob.wsgi/p", ScriptName: "/~bob", URI: "/~bob/p", Line: 2, Options: map[string]string{}}},
		{name: "wsgi alias match backrefs", main: `WSGIScriptAliasMatch ^/([^/]+)/api /srv/$1/app.wsgi callable-object=app`, uri: "/shop/api/items",
			want: wantMapping{Kind: "wsgiscriptaliasmatch", Handler: "wsgi-script", Filename: "/srv/shop/app.wsgi/items", ScriptName: "/shop/api", URI: "/shop/api/items", Line: 1,
				Options: map[string]string{"callable-object": "app"}}},
		{name: "wsgi bad option line ignored", main: "WSGIScriptAlias /w /x/w.wsgi bogus=1", uri: "/w",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/w", URI: "/w"}},
		{name: "wsgi vhost list first", main: "WSGIScriptAlias /w /main.wsgi", vhost: "WSGIScriptAlias /w /vh.wsgi", uri: "/w",
			want: wantMapping{Kind: "wsgiscriptalias", Handler: "wsgi-script", Filename: "/vh.wsgi", ScriptName: "/w", URI: "/w", Line: 1, InVhost: true, Options: map[string]string{}}},

		// Verified on 2.4.71 (vhost em.example): an empty match at 0 does not
		// count (l > 0); a match of exactly "/" is the root form.
		{name: "wsgi alias match empty match declines", main: "WSGIScriptAliasMatch ^ /x/a.wsgi", uri: "/q",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/q", URI: "/q"}},
		{name: "wsgi alias match of / keeps URI as path info", main: "WSGIScriptAliasMatch ^/(x)? /x/s.wsgi", uri: "/q",
			want: wantMapping{Kind: "wsgiscriptaliasmatch", Handler: "wsgi-script", Filename: "/x/s.wsgi/q", ScriptName: "", URI: "/q", Line: 1, Options: map[string]string{}}},
		{name: "wsgi alias match with optional group", main: "WSGIScriptAliasMatch ^/(x)? /x/s.wsgi", uri: "/x",
			want: wantMapping{Kind: "wsgiscriptaliasmatch", Handler: "wsgi-script", Filename: "/x/s.wsgi", ScriptName: "/x", URI: "/x", Line: 1, Options: map[string]string{}}},

		// mod_userdir. Verified on 2.4.71: /~bob and /~bob/ map to
		// ~bob/public_html (no trailing-slash redirect at translate time; mod_dir
		// redirects later if it is a directory), "UserDir disabled ALICE"
		// refuses /~alice/ (case-insensitive table), the URL form
		// "http://users.example/*/" redirects /~bob/a to
		// http://users.example/bob/a (the text after '*' is dropped) and /~bob
		// to http://users.example/bob, "UserDir /srv/u" maps /~zed/a.
		{name: "userdir relative form", main: "UserDir public_html", uri: "/~bob/x.html",
			want: wantMapping{Kind: "userdir", Filename: "/home/bob/public_html/x.html", ScriptName: "/~bob", URI: "/~bob/x.html", Line: 1}},
		{name: "userdir without trailing slash maps the directory", main: "UserDir public_html", uri: "/~bob",
			want: wantMapping{Kind: "userdir", Filename: "/home/bob/public_html", ScriptName: "/~bob", URI: "/~bob", Line: 1}},
		{name: "userdir unknown user declines", main: "UserDir public_html", uri: "/~nobody1/x",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/~nobody1/x", URI: "/~nobody1/x"}},
		{name: "userdir disabled user", main: "UserDir public_html\nUserDir disabled root", uri: "/~root/",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/~root/", URI: "/~root/"}},
		{name: "userdir disabled table is case-insensitive", main: "UserDir public_html\nUserDir disabled ALICE", uri: "/~Alice/",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/~Alice/", URI: "/~Alice/"}},
		{name: "userdir globally disabled, enabled user", main: "UserDir public_html\nUserDir disabled\nUserDir enabled bob", uri: "/~bob/",
			want: wantMapping{Kind: "userdir", Filename: "/home/bob/public_html/", ScriptName: "/~bob", URI: "/~bob/", Line: 1}},
		{name: "userdir globally disabled, other user", main: "UserDir public_html\nUserDir disabled\nUserDir enabled bob", uri: "/~joe/",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/~joe/", URI: "/~joe/"}},
		{name: "userdir absolute form", main: "UserDir /srv/users", uri: "/~zed/a",
			want: wantMapping{Kind: "userdir", Filename: "/srv/users/zed/a", ScriptName: "/~zed", URI: "/~zed/a", Line: 1}},
		{name: "userdir star form", main: "UserDir /srv/*/site", uri: "/~zed/a",
			want: wantMapping{Kind: "userdir", Filename: "/srv/zed/site/a", ScriptName: "/~zed", URI: "/~zed/a", Line: 1}},
		{name: "userdir URL form redirects", main: "UserDir http://users.example/*/", uri: "/~zed/a",
			want: wantMapping{Kind: "redirect", Redirect: &Redirect{Status: 302, Location: "http://users.example/zed/a"}, URI: "/~zed/a", Line: 1}},
		{name: "userdir list: existing earlier entry", main: "UserDir public_html www", uri: "/~joe/",
			want: wantMapping{Kind: "userdir", Filename: "/home/joe/www/", ScriptName: "/~joe", URI: "/~joe/", Line: 1}},
		{name: "userdir list: last entry used unchecked", main: "UserDir www public_html", uri: "/~bob/",
			want: wantMapping{Kind: "userdir", Filename: "/home/bob/public_html/", ScriptName: "/~bob", URI: "/~bob/", Line: 1}},
		{name: "userdir not configured", main: "", uri: "/~bob/",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/~bob/", URI: "/~bob/"}},
		// Verified on 2.4.71: /~a./x maps, /~./x is declined.
		{name: "userdir user a. accepted", main: "UserDir /srv/u", uri: "/~a./x",
			want: wantMapping{Kind: "userdir", Filename: "/srv/u/a./x", ScriptName: "/~a.", URI: "/~a./x", Line: 1}},
		{name: "userdir user . declined", main: "UserDir /srv/u", uri: "/~./x",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/~./x", URI: "/~./x"}},
		// Verified on 2.4.71 (vhost with MergeSlashes Off): leading slashes
		// always collapse (ap_parse_uri), inner ones stay in r->uri.
		{name: "MergeSlashes Off still collapses leading slashes", main: "", uri: "//x//y",
			opts: func(o *translateOptions) { o.mergeSlashesOff = true },
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/x/y", URI: "/x//y"}},
		{name: "absolute-form request target", main: "", uri: "http://h.example/a/b?c",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/a/b", URI: "/a/b"}},
		// Verified on Apache 2.4.71 (vhosts vh, vh3, vh4, vh6 in the report's
		// check): a vhost without UserDir keeps main's tables; one with any
		// UserDir line has only its own.
		{name: "vhost without UserDir keeps main's disabled list", main: "UserDir public_html\nUserDir disabled root", vhost: "ServerName v", uri: "/~root/",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/~root/", URI: "/~root/"}},
		{name: "vhost with its own UserDir line drops main's disabled list", main: "UserDir public_html\nUserDir disabled root", vhost: "UserDir disabled bob", uri: "/~root/",
			want: wantMapping{Kind: "userdir", Filename: "/root/public_html/", ScriptName: "/~root", URI: "/~root/", Line: 1}},
		{name: "vhost UserDir disabled user", main: "UserDir public_html", vhost: "UserDir disabled bob", uri: "/~bob/",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/~bob/", URI: "/~bob/"}},
		{name: "vhost UserDir directory list wins", main: "UserDir public_html\nUserDir disabled bob", vhost: "UserDir www", uri: "/~bob/x",
			want: wantMapping{Kind: "userdir", Filename: "/home/bob/www/x", ScriptName: "/~bob", URI: "/~bob/x", Line: 1, InVhost: true}},
		{name: "vhost UserDir disabled globally", main: "UserDir public_html", vhost: "UserDir disabled", uri: "/~bob/",
			want: wantMapping{Kind: "docroot", Filename: "/var/www/html/~bob/", URI: "/~bob/"}},
		{name: "alias beats userdir", main: "UserDir public_html\nAlias /~bob /srv/bob", uri: "/~bob/x",
			want: wantMapping{Kind: "alias", Filename: "/srv/bob/x", ScriptName: "/~bob", URI: "/~bob/x", Line: 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mainBody := parseBody(t, tc.main)
			var vhostBody []ast.Node
			if tc.vhost != "" {
				vhostBody = parseBody(t, tc.vhost)
			}
			o := testOpts()
			if tc.opts != nil {
				tc.opts(&o)
			}
			got := translateBodies(mainBody, vhostBody, tc.uri, o)
			w := tc.want
			assert.Equal(t, w.Kind, got.Kind, "Kind")
			assert.Equal(t, w.Filename, got.Filename, "Filename")
			assert.Equal(t, w.Handler, got.Handler, "Handler")
			assert.Equal(t, w.ScriptName, got.ScriptName, "ScriptName")
			assert.Equal(t, w.URI, got.URI, "URI")
			assert.Equal(t, w.Status, got.Status, "Status (%s)", got.Reason)
			assert.Equal(t, w.Redirect, got.Redirect, "Redirect")
			assert.Equal(t, w.Options, got.Options, "Options")
			if w.Line != 0 {
				require.NotNil(t, got.Directive, "Directive")
				assert.Equal(t, w.Line, got.Directive.Pos().Line, "Directive line")
				src := mainBody
				if w.InVhost {
					src = vhostBody
				}
				found := false
				for _, n := range src {
					if n == ast.Node(got.Directive) {
						found = true
					}
				}
				assert.True(t, found, "directive from the expected body")
			}
		})
	}
}
