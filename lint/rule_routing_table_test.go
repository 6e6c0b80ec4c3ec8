package lint

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const proxyLoads = "LoadModule proxy_module m/mod_proxy.so\nLoadModule proxy_http_module m/mod_proxy_http.so\n"

// fixed applies the first fix of each finding of a to conf.
func fixed(t *testing.T, a *Analyzer, conf string, files map[string]string) string {
	t.Helper()
	ds := lintString(a, conf, files)
	out, err := ApplyEdits([]byte(conf), Edits(ds)["site.conf"])
	require.NoError(t, err)
	return string(out)
}

func TestProxyPassShadowed(t *testing.T) {
	runTable(t, ProxyPassShadowed, []ruleCase{
		{name: "exclusion after broader", conf: proxyLoads + "ProxyPass /app/ http://b/\nProxyPass /app/private !\n",
			want: []string{"4: the exclusion ProxyPass /app/private ! never applies: ProxyPass /app/ http://b/ (site.conf:3), checked first"}},
		{name: "exclusion first", conf: proxyLoads + "ProxyPass /app/private !\nProxyPass /app/ http://b/\n"},
		{name: "main server first", conf: proxyLoads + "ProxyPass /both/ http://m/\n<VirtualHost *:80>\nServerName a.example\nProxyPass /both/ http://v/\n</VirtualHost>\n",
			want: []string{"6: ProxyPass /both/ http://v/ never applies for the virtual host a.example: the main server's ProxyPass /both/ http://m/ (site.conf:3)"}},
		{name: "location first", conf: proxyLoads + "<VirtualHost *:80>\nServerName a.example\n<Location /z/>\nProxyPass http://l/\n</Location>\nProxyPass /z/w/ http://s/\n</VirtualHost>\n",
			want: []string{"8: ProxyPass /z/w/ http://s/ never applies for the virtual host a.example: <Location /z/> (site.conf:5)"}},
		{name: "segment boundary", conf: proxyLoads + "ProxyPass /api http://b/api\nProxyPass /apix http://b/x\n"},
		{name: "match after broader prefix", conf: proxyLoads + "ProxyPass /app/ http://b/\nProxyPassMatch ^/app/(.*\\.php)$ fcgi://127.0.0.1:9000/srv/$1\n",
			want: []string{"4: ProxyPassMatch ^/app/(.*\\.php)$ fcgi://127.0.0.1:9000/srv/$1 never applies: ProxyPass /app/ http://b/ (site.conf:3)"}},
		{name: "match exclusion after broader prefix", conf: proxyLoads + "ProxyPass /app http://b/app\nProxyPassMatch ^/app/static/ !\n",
			want: []string{"4: the exclusion ProxyPassMatch ^/app/static/ ! never applies"}},
		{name: "match in mid-segment", conf: proxyLoads + "ProxyPass /api http://b/api\nProxyPassMatch ^/apix(.*)$ http://b/x$1\n"},
		{name: "unanchored match", conf: proxyLoads + "ProxyPass /app/ http://b/\nProxyPassMatch \\.php$ fcgi://127.0.0.1:9000/srv/\n"},
		{name: "earlier regex not judged", conf: proxyLoads + "ProxyPassMatch ^/app/ http://b/\nProxyPass /app/x !\n"},
		{name: "no mod_proxy", conf: "LoadModule rewrite_module m/mod_rewrite.so\nProxyPass /app/ http://b/\nProxyPass /app/private !\n"},
	})
	assert.Equal(t, proxyLoads+"ProxyPass /app/private !\nProxyPass /app/ http://b/\n",
		fixed(t, ProxyPassShadowed, proxyLoads+"ProxyPass /app/ http://b/\nProxyPass /app/private !\n", nil))
	assert.Equal(t, proxyLoads+"ProxyPass /a/b !\nProxyPass /a http://b/\n<VirtualHost *:80>\nServerName a.example\n</VirtualHost>\n",
		fixed(t, ProxyPassShadowed, proxyLoads+"ProxyPass /a http://b/\nProxyPass /a/b !\n<VirtualHost *:80>\nServerName a.example\n</VirtualHost>\n", nil))
	assert.Equal(t, proxyLoads+"<VirtualHost *:80>\n  ProxyPass /a/b !\n  ProxyPass /a http://b/\n</VirtualHost>\n",
		fixed(t, ProxyPassShadowed, proxyLoads+"<VirtualHost *:80>\n  ProxyPass /a http://b/\n  ProxyPass /a/b !\n</VirtualHost>\n", nil))
}

func TestProxyPassSlash(t *testing.T) {
	runTable(t, ProxyPassSlash, []ruleCase{
		{name: "double slash", conf: proxyLoads + "ProxyPass /api http://b/v1/\n", want: []string{"3: ProxyPass path /api has no trailing '/' but the URL http://b/v1/ does: /api/x is sent as http://b/v1//x"}},
		{name: "glued", conf: proxyLoads + "ProxyPass /svc/ http://b/s\n", want: []string{"3: so /svc/x is sent as http://b/sx"}},
		{name: "bare host", conf: proxyLoads + "ProxyPass /bare/ http://b:8080\n", want: []string{"3: (an invalid URL: httpd answers 500)"}},
		{name: "balancer", conf: proxyLoads + "ProxyPass /lb/ balancer://pool\n", want: []string{"3: sent as balancer://poolx"}},
		{name: "location", conf: proxyLoads + "<Location /loc>\nProxyPass http://b/l/\n</Location>\n", want: []string{"4: ProxyPass path /loc has no trailing '/'"}},
		{name: "agree", conf: proxyLoads + "ProxyPass /ok/ http://b/ok/\nProxyPass /n http://b:1\nProxyPass /x !\nProxyPass / http://b/\nProxyPass /q/ http://b/q?x=1\n"},
	})
	assert.Equal(t, proxyLoads+"ProxyPass /api http://b/v1\n", fixed(t, ProxyPassSlash, proxyLoads+"ProxyPass /api http://b/v1/\n", nil))
	assert.Equal(t, proxyLoads+"ProxyPass /svc/ http://b/s/ retry=0\n", fixed(t, ProxyPassSlash, proxyLoads+"ProxyPass /svc/ http://b/s retry=0\n", nil))
	assert.Equal(t, proxyLoads+"ProxyPass /api http://b\n", fixed(t, ProxyPassSlash, proxyLoads+"ProxyPass /api http://b/\n", nil))
}

func TestFCGIMissingFiles(t *testing.T) {
	vh := func(body string) string {
		return "<VirtualHost *:80>\nServerName a.example\nDocumentRoot /srv\n" + body + "</VirtualHost>\n"
	}
	files := "<FilesMatch \\.php$>\nSetHandler \"proxy:fcgi://127.0.0.1:9000\"\n</FilesMatch>\n"
	guard := map[string]string{"/srv/.htaccess": "RewriteEngine On\nRewriteCond %{REQUEST_FILENAME} !-f\nRewriteRule \\.php$ - [R=404]\n"}
	runTable(t, FCGIMissingFiles, []ruleCase{
		{name: "filesmatch", conf: vh(files), want: []string{"5: SetHandler proxy:fcgi://127.0.0.1:9000: requests for files that do not exist go to FastCGI too"}},
		{name: "if guard", conf: vh("<FilesMatch \\.php$>\n<If \"-f %{REQUEST_FILENAME}\">\nSetHandler \"proxy:fcgi://127.0.0.1:9000\"\n</If>\n</FilesMatch>\n")},
		{name: "rewrite guard", conf: vh("<Directory /srv>\nAllowOverride FileInfo\n</Directory>\n" + files), files: guard},
		{name: "rewrite guard not read", conf: vh(files), files: guard, want: []string{"5: requests for files that do not exist"}},
		{name: "error override is no guard", conf: vh("ProxyErrorOverride On\n" + files), want: []string{"6: requests for files that do not exist"}},
		{name: "server try-files", conf: vh("RewriteEngine On\nRewriteCond %{DOCUMENT_ROOT}%{REQUEST_URI} !-f\nRewriteRule \\.php$ - [R=404]\n" + files)},
		{name: "addhandler", conf: vh("AddHandler \"proxy:fcgi://127.0.0.1:9000\" .php\n"),
			want: []string{"4: AddHandler proxy:fcgi://127.0.0.1:9000 .php: requests for files that do not exist go to FastCGI too for the virtual host a.example (httpd sends SCRIPT_FILENAME for the missing file and PHP-FPM answers for it); guard it with <If \"-f %{REQUEST_FILENAME}\">; AddHandler matches .php anywhere in a name, so a.php.txt"}},
		{name: "addhandler guarded", conf: vh("<If \"-f %{REQUEST_FILENAME}\">\nAddHandler \"proxy:fcgi://127.0.0.1:9000\" .php\n</If>\n"), want: []string{"5: AddHandler proxy:fcgi://127.0.0.1:9000 .php: AddHandler matches .php anywhere"}},
		{name: "location app", conf: vh("<Location /app/>\nSetHandler \"proxy:fcgi://127.0.0.1:9000\"\n</Location>\n")},
		{name: "addhandler without extension", conf: vh("AddHandler \"proxy:fcgi://127.0.0.1:9000\"\n")},
		{name: "not fastcgi", conf: vh("<FilesMatch \\.py$>\nSetHandler wsgi-script\n</FilesMatch>\n")},
	})
	assert.Equal(t, vh("<FilesMatch \\.php$>\n<If \"-f %{REQUEST_FILENAME}\">\n  SetHandler \"proxy:fcgi://127.0.0.1:9000\"\n</If>\n</FilesMatch>\n"), fixed(t, FCGIMissingFiles, vh(files), nil))
	assert.Equal(t, vh("  <FilesMatch \"\\\\.(php|phtml)$\">\n    <If \"-f %{REQUEST_FILENAME}\">\n      SetHandler \"proxy:fcgi://127.0.0.1:9000\"\n    </If>\n  </FilesMatch>\n"),
		fixed(t, FCGIMissingFiles, vh("  AddHandler \"proxy:fcgi://127.0.0.1:9000\" .php .phtml\n"), nil))
}

func TestRewriteSymlinksOff(t *testing.T) {
	runTable(t, RewriteSymlinksOff, []ruleCase{
		{name: "directory", conf: "<Directory /srv>\nOptions None\nRewriteEngine On\nRewriteRule ^a$ b\n</Directory>\n",
			want: []string{"3: RewriteEngine On in <Directory /srv>, but neither FollowSymLinks nor SymLinksIfOwnerMatch is in force there (Options: Options None (site.conf:2)): httpd answers 403"}},
		{name: "main's directory, many vhosts", conf: "<Directory /srv>\nOptions None\nRewriteEngine On\n</Directory>\n<VirtualHost *:80>\nServerName a.example\n</VirtualHost>\n<VirtualHost *:80>\nServerName b.example\n</VirtualHost>\n",
			want: []string{"3: for every request into /srv, whether"}},
		{name: "owner match", conf: "<Directory /srv>\nOptions SymLinksIfOwnerMatch\nRewriteEngine On\nRewriteRule ^a$ b\n</Directory>\n"},
		{name: "engine off", conf: "<Directory /srv>\nOptions None\nRewriteEngine Off\nRewriteRule ^a$ b\n</Directory>\n"},
		{name: "default options", conf: "<Directory /srv>\nRewriteEngine On\n</Directory>\n"},
		{name: "server engine only", conf: "Options None\nRewriteEngine On\nRewriteRule ^/a$ /b\n"},
		{name: "htaccess", conf: "DocumentRoot /srv\n<Directory /srv>\nOptions Indexes\nAllowOverride FileInfo\n</Directory>\n",
			files: map[string]string{"/srv/sub/.htaccess": "RewriteEngine On\n"},
			want:  []string{"/srv/sub/.htaccess:1: RewriteEngine On in /srv/sub/.htaccess, but neither"}},
		{name: "htaccess not read", conf: "DocumentRoot /srv\n<Directory /srv>\nOptions Indexes\nAllowOverride None\n</Directory>\n",
			files: map[string]string{"/srv/sub/.htaccess": "RewriteEngine On\n"}},
	})
	assert.Equal(t, "<Directory /srv>\nOptions None\nOptions +SymLinksIfOwnerMatch\nRewriteEngine On\nRewriteRule ^a$ b\n</Directory>\n",
		fixed(t, RewriteSymlinksOff, "<Directory /srv>\nOptions None\nRewriteEngine On\nRewriteRule ^a$ b\n</Directory>\n", nil))
}

func TestRewriteAfterCatchAll(t *testing.T) {
	runTable(t, RewriteAfterCatchAll, []ruleCase{
		{name: "server", conf: "RewriteEngine On\nRewriteRule ^/(.*)$ /x/$1 [L]\nRewriteRule ^/old$ /new\nRewriteRule ^/b$ /c\n",
			want: []string{"3: RewriteRule ^/old$ /new never runs: RewriteRule ^/(.*)$ /x/$1 [L] (site.conf:2)", "4: RewriteRule ^/b$ /c never runs"}},
		{name: "conditional", conf: "RewriteEngine On\nRewriteCond %{REQUEST_URI} !^/x/\nRewriteRule ^/(.*)$ /x/$1 [L]\nRewriteRule ^/old$ /new\n"},
		{name: "skipped over", conf: "RewriteEngine On\nRewriteCond %{REQUEST_URI} ^/s/\nRewriteRule ^ - [S=1]\nRewriteRule ^/(.*)$ /x/$1 [L]\nRewriteRule ^/s/a$ /new\n"},
		{name: "redirect goes on", conf: "RewriteEngine On\nRewriteRule ^ /x [R]\nRewriteRule ^/old$ /new\n"},
		{name: "engine off", conf: "RewriteRule ^ - [L]\nRewriteRule ^/old$ /new\n"},
		{name: "per-directory dot", conf: "<Directory /srv>\nRewriteEngine On\nRewriteRule . index.php [L]\nRewriteRule ^a$ b\n</Directory>\n"},
		{name: "per-directory", conf: "<Directory /srv>\nRewriteEngine On\nRewriteRule ^ - [L]\nRewriteRule ^a$ b\n</Directory>\n",
			want: []string{"4: RewriteRule ^a$ b never runs: RewriteRule ^ - [L] (site.conf:3)"}},
		{name: "inherit", conf: "RewriteEngine On\nRewriteRule ^/main$ /m\n<VirtualHost *:80>\nServerName a.example\nRewriteEngine On\nRewriteOptions Inherit\nRewriteRule ^ /front.php [PT]\n</VirtualHost>\n",
			want: []string{"2: RewriteRule ^/main$ /m never runs for the virtual host a.example (RewriteOptions merges the main server's rules with its own): RewriteRule ^ /front.php [PT] (site.conf:7)"}},
	})
}

func TestRedirectLoop(t *testing.T) {
	vh := func(body string) string {
		return "<VirtualHost *:80>\nServerName a.example\nDocumentRoot /srv\n" + body + "</VirtualHost>\n"
	}
	dir := "<Directory /srv>\nAllowOverride FileInfo\n</Directory>\n"
	runTable(t, RedirectLoop, []ruleCase{
		{name: "redirect", conf: vh("Redirect /old /old/new\n"), want: []string{"4: Redirect /old /old/new redirects to a URL it redirects again on the same host: /old/new → /old/new/new"}},
		{name: "redirect elsewhere", conf: vh("Redirect /old /new\nRedirect / https://a.example/\nRedirect /b http://b.example/b/c\n")},
		{name: "redirectmatch", conf: vh("RedirectMatch 301 ^/(.*)$ http://a.example/en/$1\n"), want: []string{"4: RedirectMatch 301 ^/(.*)$ http://a.example/en/$1 redirects"}},
		{name: "rewrite", conf: vh("RewriteEngine On\nRewriteRule ^/shop/(.*)$ /shop/en/$1 [R=301,L]\n"), want: []string{"5: RewriteRule ^/shop/(.*)$ /shop/en/$1 [R=301,L] redirects to a URL it redirects again"}},
		{name: "rewrite guarded", conf: vh("RewriteEngine On\nRewriteCond %{REQUEST_URI} !^/shop/en/\nRewriteRule ^/shop/(.*)$ /shop/en/$1 [R=301,L]\n")},
		{name: "rewrite https", conf: vh("RewriteEngine On\nRewriteRule ^/(.*)$ https://a.example/$1 [R=301,L]\n")},
		{name: "unknown condition", conf: vh("RewriteEngine On\nRewriteCond %{HTTP:X-Forwarded-Proto} !https\nRewriteRule ^/(.*)$ /s/$1 [R=301,L]\n")},
		{name: "internal loop", conf: vh(dir), files: map[string]string{"/srv/l/.htaccess": "RewriteEngine On\nRewriteRule ^(.*)$ sub/$1 [L]\n"},
			want: []string{"/srv/l/.htaccess:2: RewriteRule ^(.*)$ sub/$1 [L] in /srv/l/.htaccess rewrites its own result again"}},
		{name: "internal end", conf: vh(dir), files: map[string]string{"/srv/l/.htaccess": "RewriteEngine On\nRewriteRule ^(.*)$ sub/$1 [END]\n"}},
		{name: "internal loop under Alias", conf: vh("Alias /tools /opt/tools\n<Directory /opt/tools>\nAllowOverride FileInfo\n</Directory>\n"), files: map[string]string{"/opt/tools/.htaccess": "RewriteEngine On\nRewriteRule ^(.*)$ v2/$1 [L]\n"},
			want: []string{"/opt/tools/.htaccess:2: RewriteRule ^(.*)$ v2/$1 [L] in /opt/tools/.htaccess rewrites its own result again: a per-directory rewrite is an internal redirect after which the rules run again (/tools/lintx → /tools/v2/lintx"}},
		{name: "internal loop under UserDir", conf: vh("UserDir /home/*/www\n<Directory /home>\nAllowOverride FileInfo\n</Directory>\n"), files: map[string]string{"/home/bob/www/.htaccess": "RewriteEngine On\nRewriteRule ^(.*)$ app.wsgi/$1 [L]\n", "/home/joe/www/.htaccess": "RewriteEngine On\nRewriteRule ^(.*)$ app.wsgi [L]\n"},
			want: []string{"/home/bob/www/.htaccess:2: (/~bob/lintx → /~bob/app.wsgi/lintx"}},
		{name: "front controller", conf: vh(dir), files: map[string]string{"/srv/.htaccess": "RewriteEngine On\nRewriteRule ^(.*)$ index.php [L]\n"}},
	})
}

func TestOpenForwardProxy(t *testing.T) {
	runTable(t, OpenForwardProxy, []ruleCase{
		{name: "open", conf: proxyLoads + "ProxyRequests On\n", want: []string{"3: ProxyRequests On makes the main server an open forward proxy: no <Proxy \"*\"> section restricts"}},
		{name: "restricted", conf: proxyLoads + "ProxyRequests On\n<Proxy \"*\">\nRequire ip 10.0.0.0/8\n</Proxy>\n"},
		{name: "granted", conf: proxyLoads + "ProxyRequests On\n<Proxy *>\nRequire all granted\n</Proxy>\n", want: []string{"3: ProxyRequests On (site.conf:3) makes the main server an open forward proxy: <Proxy *> (site.conf:4) grants every client"}},
		{name: "vhost", conf: proxyLoads + "<VirtualHost *:80>\nServerName a.example\nProxyRequests On\n</VirtualHost>\n", want: []string{"5: makes the virtual host a.example an open forward proxy"}},
		{name: "off", conf: proxyLoads + "ProxyRequests Off\n"},
		{name: "inherited by every vhost", conf: proxyLoads + "ProxyRequests On\n<VirtualHost *:80>\nServerName a.example\n</VirtualHost>\n<VirtualHost *:80>\nServerName b.example\n</VirtualHost>\n",
			want: []string{"3: ProxyRequests On makes the main server and 2 more server(s) an open forward proxy"}},
		{name: "scheme wildcard restricts", conf: proxyLoads + "ProxyRequests On\n<Proxy \"http://*\">\nRequire ip 10.0.0.0/8\n</Proxy>\n"},
	})
}

func TestAnchoredPrefix(t *testing.T) {
	for pat, want := range map[string]string{
		`^/app/(.*\.php)$`: "/app/",
		`^/app/x`:          "/app/x",
		`\.php$`:           "",
		`^/(a|b)/`:         "/",
		`^/ap+/`:           "/a",
		`^(?i)/app/`:       "",
		`^/a(?=b)`:         "",
	} {
		assert.Equal(t, want, anchoredPrefix(pat), pat)
	}
}

// Malformed lines are other rules' findings (AC1001, AC2005); the
// routing rules must not panic on them.
func TestRoutingMalformed(t *testing.T) {
	lines := []string{"ProxyPass", "ProxyPass /x", "ProxyPass /x/ !!", "ProxyPassMatch", "ProxyPassMatch ^/(x !",
		"Redirect", "Redirect 301", "Redirect 301 /a", "RedirectMatch ( /x", "RedirectMatch 3xx ^/a /a/b",
		"RewriteEngine", "RewriteEngine maybe\nRewriteRule ^/(.*)$ /x/$1 [L]\nRewriteRule ^/a /b", "RewriteRule", "RewriteRule ^( /x [R]", "RewriteRule ^/(.*) /a/$1 [R=abc]",
		"ProxyRequests", "ProxyRequests On\n<Proxy>\n</Proxy>", "<Location>\nProxyPass http://b/\n</Location>",
		"UserDir /a/*/b/*", "Alias /x", "SetHandler", "AddHandler", "<FilesMatch>\nSetHandler proxy:fcgi://x\n</FilesMatch>",
		"<Directory>\nRewriteEngine On\n</Directory>", "<Directory /srv>\nOptions\nRewriteEngine On\n</Directory>"}
	for _, l := range lines {
		conf := proxyLoads + "<VirtualHost *:80>\nServerName a.example\nDocumentRoot /srv\n" + l + "\n</VirtualHost>\n"
		assert.NotPanics(t, func() {
			nodes, fsys, err := testLoad(conf, map[string]string{"/srv/.htaccess": l + "\n"})
			prog := NewProgram(nodes, err, ProgramOptions{FS: fsys, Resolver: fixedResolver{}})
			Run(prog, routingAnalyzers, Config{})
		}, l)
	}
}
