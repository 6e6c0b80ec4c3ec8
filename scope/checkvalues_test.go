package scope

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/parser"
)

// handlerCheckModules are the modules the handler-check cases load (the
// oracle's base set, with mod_proxy).
var handlerCheckModules = []string{"mpm_event", "authz_core", "authz_host", "alias", "rewrite", "setenvif",
	"headers", "mime", "dir", "env", "wsgi", "proxy", "proxy_http", "proxy_balancer", "slotmem_shm", "lbmethod_byrequests"}

// handlerCheckCases are site files and the refusals CheckHandlers
// reports in them ("LINE: message"), httpd's first one first. Every
// case is also run through apache2 -t where it is installed
// (TestCheckHandlersAgreeWithHTTPD): the first refusal must be httpd's,
// at the same line, and a case without one must start.
var handlerCheckCases = []struct {
	name, conf string
	want       []string
}{
	// mod_alias: add_redirect_internal, add_alias_regex.
	{"redirect status without URL", "Redirect 301 /x\n", []string{"1: URL to redirect to is missing"}},
	{"redirect temp without URL in a vhost", "<VirtualHost *:80>\nRedirect temp /a\n</VirtualHost>\n", []string{"2: URL to redirect to is missing"}},
	{"redirect bad first of three", "Redirect foo /a /b\n", []string{"1: Redirect: invalid first argument (of three)"}},
	{"redirect 410 with URL", "Redirect 410 /a /b\n", []string{"1: Redirect URL not valid for this status"}},
	{"redirect to non-URL", "Redirect /a b\n", []string{"1: Redirect to non-URL"}},
	{"redirectpermanent to non-URL", "RedirectPermanent /a b\n", []string{"1: Redirect to non-URL"}},
	{"redirect to non-URL in a directory", "<Directory /d>\nRedirect /a b\n</Directory>\n", []string{"2: Redirect to non-URL"}},
	{"redirectmatch bad regex", "RedirectMatch 301 (x /b\n", []string{"1: Regular expression could not be compiled."}},
	{"aliasmatch bad regex", "AliasMatch (x /b\n", []string{"1: Regular expression could not be compiled."}},
	{"scriptaliasmatch bad regex", "ScriptAliasMatch (x /b\n", []string{"1: Regular expression could not be compiled."}},
	{"aliasmatch PCRE-only syntax", "AliasMatch \"^/(a++)\\K(?P<n>x)\\h\" /b\nAliasMatch \"(*UTF8)^/\\_\" /c\n", nil},
	{"redirect expression forms in sections", "<Location /l>\nRedirect 301 /a\nRedirect gone /b\n</Location>\n<Directory /d>\nRedirect 301 /a\n</Directory>\n", nil},
	{"redirects that start", "Redirect /a http://x/\nRedirect gone /g\nRedirect 301 /p /q\nRedirectMatch ^/(.*) /n/$1\nRedirectTemp /t /u\n", nil},

	// mod_rewrite: its handlers (internal/rewrite).
	{"rewritecond bad flag delimiters", "RewriteEngine On\nRewriteCond %{HTTP:X} -gt 5\nRewriteRule ^/ /x\n", []string{"2: RewriteCond: bad flag delimiters"}},
	{"rewriterule unknown flag", "RewriteRule ^/ /x [Q]\n", []string{"1: RewriteRule: unknown flag 'Q'"}},
	{"rewritecond unknown flag", "RewriteCond %{X} y [Bogus]\nRewriteRule ^ /\n", []string{"1: RewriteCond: unknown flag 'Bogus'"}},
	{"rewriteoptions unknown", "RewriteOptions Bogus\n", []string{"1: RewriteOptions: unknown option 'Bogus'"}},
	{"rewriterule bad regex in a directory", "<Directory /d>\nRewriteRule (x /y\n</Directory>\n", []string{"2: RewriteRule: cannot compile regular expression '(x'"}},
	{"rewritecond without pattern", "RewriteCond %{X}\nRewriteRule ^ /\n", []string{"1: RewriteCond: bad argument line '%{X}'"}},
	{"rewriteoptions 2.2 word", "RewriteOptions InheritDown LongURLOptimization AllowAnyURI MergeBase IgnoreInherit\n", []string{"1: RewriteOptions: unknown option 'LongURLOptimization'"}},
	{"rewritemap unknown internal map", "RewriteMap m int:bogus\n", []string{"1: RewriteMap: internal map not found:bogus"}},
	{"rewriterule bad redirect code", "RewriteRule ^/a /b [L,R=700]\n", []string{"1: RewriteRule: invalid HTTP response code '700' for flag 'R'"}},
	{"rewrite lines that start", "<If \"true\">\nRewriteBase /x\n</If>\n<Directory /d>\n<Files x>\nRewriteBase /x\nRewriteRule ^ - [F]\n</Files>\n</Directory>\n" +
		"RewriteRule ^/a /b [P]\nRewriteRule ^/a /b [R=abc]\nRewriteCond %{X} !=y [OR,NC]\nRewriteRule ^ /\nRewriteRule ^/a /b [E=]\nRewriteRule ^/a /b [CO=x]\n" +
		"<Location /l>\nRewriteRule ^a b [S=x]\n</Location>\nRewriteOptions MaxRedirects=3\n" +
		"RewriteRule ^/a /b [QSA,QSD,QSL,NE,NS,END,DPI,B=x,BNP,BCTLS,BNE=y,UnsafeAllow3F,UnsafePrefixStat]\n", nil},
	{"rewriterule PCRE-only regex", "RewriteRule ^/a++$ /y\n", nil},
	{"rewriteengine extra word", "RewriteEngine On please\n", nil},
	{"rewritebase in a location", "<Location /l>\nRewriteBase /x\n</Location>\n", nil},

	// mod_proxy: add_pass.
	{"proxypass without URL", "ProxyPass /a\n", []string{"1: ProxyPass|ProxyPassMatch needs a path when not defined in a location"}},
	{"proxypass unknown key", "ProxyPass /a http://x/ foo=bar\n", []string{"1: ProxyPass unknown Worker parameter"}},
	{"proxypass not absolute", "ProxyPass /a nourl\n", []string{"1: ProxyPass URL must be absolute!: nourl"}},
	{"proxypass not absolute before its keys", "ProxyPass /b nourl bogus=1\n", []string{"1: ProxyPass URL must be absolute!: nourl"}},
	{"proxypass unix without bar", "ProxyPass /a unix:/tmp/s\n", []string{"1: ProxyPass URL must be absolute!: unix:/tmp/s"}},
	{"proxypassmatch bad regex", "ProxyPassMatch (x http://x/\n", []string{"1: Regular expression could not be compiled."}},
	{"proxypass unknown balancer key", "ProxyPass /a balancer://b bogus=1\n", []string{"1: ProxyPass unknown Balancer parameter"}},
	{"proxypass unknown mapping", "ProxyPass /a http://x/ mapping=zz\n", []string{"1: unknown mapping"}},
	{"proxypass in location not absolute", "<Location /l>\nProxyPass nourl\n</Location>\n", []string{"2: ProxyPass URL must be absolute!: nourl"}},
	{"proxypass in location unknown key", "<Location /l>\nProxyPass http://x/ bogus=1\n</Location>\n", []string{"2: ProxyPass unknown Worker parameter"}},
	{"proxypass in location bare word", "<Location /l>\nProxyPass http://x/ foo\n</Location>\n", []string{"2: Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'."}},
	{"proxypass URL apr cannot parse", "ProxyPass /a 127.0.0.1:8080/\n", []string{"1: ProxyPass Unable to parse URL: 127.0.0.1:8080/"}},
	{"proxypass URL without scheme", "ProxyPass /a localhost/x\n", []string{"1: ProxyPass URL must be absolute!: localhost/x"}},
	{"proxypass URL with a bad port", "ProxyPass /a http://h:abc/\n", []string{"1: ProxyPass Unable to parse URL: http://h:abc/"}},
	{"proxypass URL without host", "ProxyPass /a http:///x\n", []string{"1: ProxyPass URL must be absolute!: http:///x"}},
	{"proxypass URL unclosed IPv6", "ProxyPass /a http://[::1/\n", []string{"1: ProxyPass Unable to parse URL: http://[::1/"}},
	{"proxypass scheme-like word", "ProxyPass /a h:80\n", []string{"1: ProxyPass URL must be absolute!: h:80"}},
	{"proxypass empty port, unknown key", "ProxyPass /a http://h: bogus=1\n", []string{"1: ProxyPass unknown Worker parameter"}},
	{"proxypass URLs that start", "ProxyPass /a unix:/run/x.sock|http://\nProxyPass /b unix:/run/y.sock|fcgi:\nProxyPass /c http://h:+80/ retry=0\nProxyPassMatch ^/(.*) http://h:8$1/\n", nil},
	{"proxypass timeout zero", "ProxyPass /a http://h/ timeout=0\n", []string{"1: ProxyPass Timeout must be at least one second"}},
	{"proxypass timeout word", "ProxyPass /a http://h/ timeout=abc\n", []string{"1: ProxyPass Timeout must be at least one second"}},
	{"proxypass retry negative", "ProxyPass /a http://h/ retry=-1\n", []string{"1: ProxyPass Retry must be a positive value"}},
	{"proxypass keepalive word", "ProxyPass /a http://h/ keepalive=yes\n", []string{"1: ProxyPass KeepAlive must be On|Off"}},
	{"proxypass keys in order: unknown first", "ProxyPass /a http://h/ bogus=1 timeout=0\n", []string{"1: ProxyPass unknown Worker parameter"}},
	{"proxypass keys in order: value first", "ProxyPass /a http://h/ timeout=0 bogus=1\n", []string{"1: ProxyPass Timeout must be at least one second"}},
	{"proxypass loadfactor below one", "ProxyPass /a http://h/ loadfactor=0.5\n", []string{"1: ProxyPass LoadFactor must be a number between 1..100"}},
	{"proxypass lbset", "ProxyPass /a http://h/ loadfactor=1.5 lbset=100\n", []string{"1: ProxyPass lbset must be between 0 and 99"}},
	{"proxypass iobuffersize", "ProxyPass /a http://h/ iobuffersize=100\n", []string{"1: ProxyPass IOBufferSize must be >= 512 bytes, or 0 for system default."}},
	{"proxypass flushpackets", "ProxyPass /a http://h/ flushpackets=maybe\n", []string{"1: ProxyPass flushpackets must be on|off|auto"}},
	{"proxypass flushwait", "ProxyPass /a http://h/ flushwait=2000\n", []string{"1: ProxyPass flushwait must be <= 1000, or 0 for system default of 10 millseconds."}},
	{"proxypass ttl", "ProxyPass /a http://h/ ttl=0\n", []string{"1: ProxyPass TTL must be at least one second"}},
	{"proxypass enablereuse", "ProxyPass /a http://h/ enablereuse=x\n", []string{"1: ProxyPass EnableReuse must be On|Off"}},
	{"proxypass min", "ProxyPass /a http://h/ min=-1 max=5 smax=-2\n", []string{"1: ProxyPass Min must be a positive number"}},
	{"proxypass health-check key without mod_proxy_hcheck", "ProxyPass /a http://h/ hcmethod=GET\n", []string{"1: ProxyPass unknown Worker parameter"}},
	{"proxypass key given twice: the last value", "ProxyPass /a http://h/ timeout=0 timeout=5\n", nil},
	{"proxypass values that start", "ProxyPass /a http://h/ retry=0 timeout=5 ttl=60 keepalive=On disablereuse=off flushpackets=auto flushwait=10 lbset=1 loadfactor=100 responsefieldsize=0 receivebuffersize=0\n", nil},
	{"proxypass worker shared ignores keys", "ProxyPass /a http://x/\nProxyPass /b http://x/c bogus=1\n", nil},
	{"proxypass worker not shared", "ProxyPass /a http://x/c\nProxyPass /b http://x/d bogus=1\n", []string{"2: ProxyPass unknown Worker parameter"}},
	{"proxypass vhost has its own workers", "ProxyPass /a http://x/\n<VirtualHost *:80>\nProxyPass /b http://x/ bogus=1\n</VirtualHost>\n", []string{"3: ProxyPass unknown Worker parameter"}},
	{"proxypass that starts", "ProxyPass /a http://x/ retry=0 timeout=5 nocanon\nProxyPass /b !\nProxyPassMatch ^/(.*)$ http://y/$1\n<Location /l>\nProxyPass http://z/ keepalive=On\n</Location>\n", nil},

	// mod_proxy: add_member.
	{"balancermember unknown key", "<Proxy balancer://b>\nBalancerMember http://h/ bogus=1\n</Proxy>\n", []string{"2: BalancerMember unknown Worker parameter"}},
	{"balancermember timeout", "<Proxy balancer://b>\nBalancerMember http://h/ timeout=0\n</Proxy>\n", []string{"2: BalancerMember Timeout must be at least one second"}},
	{"balancermember not absolute", "<Proxy balancer://b>\nBalancerMember nourl\n</Proxy>\n", []string{"2: BalancerMember URL must be absolute!: nourl"}},
	{"balancermember server level timeout", "BalancerMember balancer://b http://h/ timeout=0\n", []string{"1: BalancerMember Timeout must be at least one second"}},
	{"balancermember name in a section", "<Proxy balancer://b>\nBalancerMember http://h/ x y\n</Proxy>\n", []string{"2: BalancerMember can not have a balancer name when defined in a location"}},
	{"balancermember bare word", "BalancerMember balancer://b http://h/ x\n", []string{"1: Invalid BalancerMember parameter. Parameter must be in the form 'key=value'"}},
	{"balancermember bad unix URL", "<Proxy balancer://b>\nBalancerMember unix:/s|http\n</Proxy>\n", []string{"2: BalancerMember uses an invalid \"unix:\" URL"}},
	{"balancermember shared worker", "<Proxy balancer://b>\nBalancerMember http://h/\nBalancerMember http://h/x bogus=1\n</Proxy>\n", nil},
	{"balancer members that start", "<Proxy balancer://b>\nBalancerMember http://h1/ route=a loadfactor=50\nBalancerMember http://h2/ status=+H\n</Proxy>\nProxyPass /a balancer://b/\n", nil},

	{"proxypass balancer unknown lbmethod", "ProxyPass /a balancer://b lbmethod=bogus\n", []string{"1: ProxyPass unknown lbmethod"}},
	{"proxypass balancer lbmethod not loaded", "ProxyPass /a balancer://b lbmethod=bytraffic\n", []string{"1: ProxyPass unknown lbmethod"}},
	{"proxypass balancer nofailover", "ProxyPass /a balancer://b nofailover=x\n", []string{"1: ProxyPass failover must be On|Off"}},
	{"proxypass balancer keys in order: value first", "ProxyPass /a balancer://b timeout=0 bogus=1\n", []string{"1: ProxyPass timeout must be at least one second"}},
	{"proxypass balancer keys in order: unknown first", "ProxyPass /a balancer://b bogus=1 timeout=0\n", []string{"1: ProxyPass unknown Balancer parameter"}},
	{"proxypass balancer failonstatus", "ProxyPass /a balancer://b failonstatus=500,abc\n", []string{"1: ProxyPass failonstatus must be one or more HTTP response codes"}},
	{"proxypass balancer growth", "ProxyPass /a balancer://b growth=0\n", []string{"1: ProxyPass growth must be between 1 and 100"}},
	{"proxypass balancer stickysessionsep", "ProxyPass /a balancer://b stickysessionsep=ab\n", []string{"1: ProxyPass stickysessionsep must be a single character or Off"}},
	{"proxypass balancer without name", "ProxyPass /a balancer://\n", []string{"1: ProxyPass Bad syntax for a balancer name (balancer://)"}},
	{"proxypass balancer values that start", "ProxyPass /a balancer://b stickysession=JSESSIONID|jsessionid stickysessionsep=. nofailover=On timeout=3 maxattempts=2 " +
		"lbmethod=byrequests scolonpathdelim=on failonstatus=502,503 failontimeout=on growth=5 forcerecovery=off nonce=None\nProxyPass /c balancer:///x\n", nil},

	// mod_setenvif: add_setenvif_core.
	{"setenvif bad regex", "SetEnvIf Remote_Addr (x A=1\n", []string{"1: SetEnvIf regex could not be compiled."}},
	{"setenvif without regex", "SetEnvIf Remote_Addr\n", []string{"1: Missing regular expression for SetEnvIf"}},
	{"setenvif without variables", "SetEnvIf Remote_Addr x\n", []string{"1: Missing envariable expression for SetEnvIf"}},
	{"setenvif bad header regex", "SetEnvIf (x y A=1\n", []string{"1: SetEnvIfHeader name regex could not be compiled."}},
	{"setenvifnocase without header", "SetEnvIfNoCase\n", []string{"1: Missing header-field name for SetEnvIfNoCase"}},
	{"browsermatch without regex", "BrowserMatch\n", []string{"1: Missing regular expression for BrowserMatch"}},
	{"browsermatchnocase bad regex", "BrowserMatchNoCase (x A\n", []string{"1: BrowserMatchNoCase regex could not be compiled."}},
	{"setenvif empty regex in a directory", "<Directory /d>\nSetEnvIf X \"\" A\n</Directory>\n", []string{"2: Missing regular expression for SetEnvIf"}},
	{"setenvif empty word ends the list", "SetEnvIf X y \"\" A\n", []string{"1: Missing envariable expression for SetEnvIf"}},
	{"setenvif PCRE-only regex", "SetEnvIf X a++ A\n", nil},

	// mod_headers: header_cmd, header_inout_cmd.
	{"header unknown action", "Header foo X y\n", []string{"1: first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', 'echo', 'note', 'edit', or 'edit*'."}},
	{"header always unknown action", "Header always foo X y\n", []string{"1: first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', 'echo', 'note', 'edit', or 'edit*'."}},
	{"header without value", "Header set X\n", []string{"1: Header requires three arguments"}},
	{"header edit without substitution", "Header edit X y\n", []string{"1: Header edit requires a match and a substitution"}},
	{"header edit bad regex", "Header edit X (y z\n", []string{"1: Header edit regex could not be compiled"}},
	{"header too many", "Header set X y z w\n", []string{"1: Too many arguments to directive"}},
	{"header far too many", "Header set X y a b c\n", []string{"1: Header has too many arguments"}},
	{"header unset too many", "Header unset X y z\n", []string{"1: header unset takes two arguments"}},
	{"requestheader echo", "RequestHeader echo X\n", []string{"1: Header echo only valid on Header directives"}},
	{"header echo bad regex", "Header echo (X\n", []string{"1: Header echo regex could not be compiled"}},
	{"header echo unknown parameter", "Header echo X y\n", []string{"1: Unknown parameter: y"}},
	{"header env without name", "Header set X y env=\n", []string{"1: error: missing environment variable name. envclause should be in the form env=envar "}},
	{"header unknown parameter", "Header set X y bogus\n", []string{"1: Unknown parameter: bogus"}},
	{"header unknown format", "Header set X \"a %Q b\"\n", []string{"1: Unrecognized header format %Q"}},
	{"header unterminated format", "Header set X \"a %{foo\"\n", []string{"1: Unrecognized header format %"}},
	{"headers that start", "Header set X \"a %{foo}e %% %t %D b %\"\n<Directory /d>\nHeader set X y early\nHeader always unset X env=!Y\nRequestHeader edit* X ^a b\n</Directory>\n", nil},

	// mod_authz_core: add_authz_provider.
	{"require unknown provider", "<Location /l>\nRequire bogus x\n</Location>\n", []string{"2: Unknown Authz provider: bogus"}},
	{"require provider is case-sensitive", "<Location /l>\nRequire All granted\n</Location>\n", []string{"2: Unknown Authz provider: All"}},
	{"require provider of a module not loaded", "<Location /l>\nRequire valid-user\n</Location>\n", []string{"2: Unknown Authz provider: valid-user"}},
	{"require not unknown provider", "<Location /l>\nRequire not bogus\n</Location>\n", []string{"2: Unknown Authz provider: bogus"}},
	{"require not in the default section", "<Location /l>\nRequire not ip 1.2.3.4\n</Location>\n", []string{"2: negative Require directive has no effect in <RequireAny> directive"}},
	{"require not in limit", "<Location /l>\n<Limit GET>\nRequire not ip 1.2.3.4\n</Limit>\n</Location>\n", []string{"3: negative Require directive has no effect in <RequireAny> directive"}},
	{"require not in requireany", "<Directory /d>\n<RequireAny>\nRequire not env X\nRequire all granted\n</RequireAny>\n</Directory>\n", []string{"3: negative Require directive has no effect in <RequireAny> directive"}},
	{"require all bad word", "<Location /l>\nRequire all grant\n</Location>\n", []string{"2: Argument for 'Require all' must be 'granted' or 'denied'"}},
	{"require all two words", "<Location /l>\nRequire all granted denied\n</Location>\n", []string{"2: Argument for 'Require all' must be 'granted' or 'denied'"}},
	{"require not in requireall", "<Location /l>\n<RequireAll>\nRequire not ip 1.2.3.4\nRequire all granted\n</RequireAll>\n</Location>\n", nil},
	{"require provider alias", "<AuthzProviderAlias ip myip 1.2.3.4>\n</AuthzProviderAlias>\n<Location /l>\nRequire myip\n</Location>\n", nil},

	// mod_wsgi: wsgi_add_script_alias.
	{"wsgiscriptalias unknown option", "WSGIScriptAlias /a /b bogus=1\n", []string{"1: Invalid option to WSGI script alias definition."}},
	{"wsgiscriptalias option case", "WSGIScriptAlias /a /b Process-Group=x\n", []string{"1: Invalid option to WSGI script alias definition."}},
	{"wsgiscriptalias empty option name", "WSGIScriptAlias /a /b =x\n", []string{"1: Invalid option to WSGI script alias definition."}},
	{"wsgiscriptalias empty process group", "WSGIScriptAlias /a /b process-group=\n", []string{"1: Invalid name for WSGI process group."}},
	{"wsgiscriptalias empty callable", "WSGIScriptAlias /a /b callable-object=\n", []string{"1: Invalid name for WSGI callable object."}},
	{"wsgiscriptalias bad authorization flag", "WSGIScriptAlias /a /b pass-authorization=maybe\n", []string{"1: Invalid value for authorization flag."}},
	{"wsgiscriptaliasmatch bad regex", "WSGIScriptAliasMatch (x /b\n", []string{"1: Regular expression could not be compiled."}},
	{"wsgiscriptalias value after blank", "WSGIScriptAlias /a /b application-group= process-group=x\n", nil},
	{"wsgiscriptalias group not yet configured", "<VirtualHost *:80>\nWSGIScriptAlias /a /b process-group=x application-group=%{GLOBAL} pass-authorization=On callable-object=app\n</VirtualHost>\n",
		[]string{"2: WSGI process group not yet configured."}},
	{"wsgiscriptalias group defined later", "WSGIScriptAlias /a /b process-group=x application-group=%{GLOBAL}\nWSGIDaemonProcess x\n", []string{"1: WSGI process group not yet configured."}},
	{"wsgiscriptalias group defined", "WSGIDaemonProcess x\n<VirtualHost *:80>\nWSGIScriptAlias /a /b process-group=x application-group=%{GLOBAL}\n</VirtualHost>\n", nil},
	{"wsgiscriptalias not preloaded", "WSGIScriptAlias /a /b process-group=%{GLOBAL} application-group=y\nWSGIScriptAliasMatch ^/(.*) /b/$1 process-group=x application-group=y\n", nil},
}

func loadedSet(names []string) func(string) bool {
	set := map[string]bool{}
	for _, n := range names {
		set[n+"_module"] = true
	}
	return func(id string) bool { return set[id] }
}

func TestCheckHandlers(t *testing.T) {
	for _, tt := range handlerCheckCases {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parser.ParseFile("site.conf", []byte(tt.conf))
			require.NoError(t, err)
			var got []string
			for _, p := range CheckHandlers(f.Body, CheckOptions{Loaded: loadedSet(handlerCheckModules)}) {
				got = append(got, strconv.Itoa(p.Pos.Line)+": "+p.Msg)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// A directive of a module that is not loaded is the registry's error
// (Invalid command): its handler does not run.
func TestCheckHandlersSkipsModulesNotLoaded(t *testing.T) {
	f, err := parser.ParseFile("site.conf", []byte("Redirect 301 /x\nRewriteRule ^/ /x [Q]\nProxyPass /a\n"))
	require.NoError(t, err)
	assert.Empty(t, CheckHandlers(f.Body, CheckOptions{Loaded: loadedSet([]string{"mpm_event"})}))
	assert.Len(t, CheckHandlers(f.Body, CheckOptions{}), 3, "nil Loaded: every module")
}

// RewriteMap's handler looks at its file, relative to ServerRoot.
func TestCheckHandlersRewriteMapFile(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "here.txt"), nil, 0o644))
	f, err := parser.ParseFile("site.conf", []byte("RewriteMap a txt:here.txt\nRewriteMap b txt:gone.txt\n"))
	require.NoError(t, err)
	probs := CheckHandlers(f.Body, CheckOptions{FS: os.DirFS("/"), ServerRoot: root})
	require.Len(t, probs, 1)
	assert.Equal(t, "RewriteMap: file for map b not found:"+root+"/gone.txt", probs[0].Msg)
	assert.Empty(t, CheckHandlers(f.Body, CheckOptions{}), "no FS: no look")
}

// Every case against apache2 -t: the first refusal is httpd's, at the
// same line; a case without one starts.
func TestCheckHandlersAgreeWithHTTPD(t *testing.T) {
	const modules = "/usr/lib/apache2/modules"
	if _, err := exec.LookPath("apache2"); err != nil || testing.Short() {
		t.Skip("needs apache2 (apt-get install apache2 libapache2-mod-wsgi-py3)")
	}
	var loads strings.Builder
	for _, m := range handlerCheckModules {
		file := filepath.Join(modules, "mod_"+m+".so")
		if _, err := os.Stat(file); err != nil {
			t.Skipf("needs %s", file)
		}
		loads.WriteString("LoadModule " + m + "_module " + file + "\n")
	}
	syntaxErr := regexp.MustCompile(`AH00526: Syntax error on line (\d+) of .*site\.conf:`)
	for _, tt := range handlerCheckCases {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			main := "ServerRoot " + root + "\n" + loads.String() + "ServerName localhost\nPidFile " + root + "/pid\nErrorLog " + root +
				"/error.log\nListen 127.0.0.1:1\nInclude " + root + "/site.conf\n"
			require.NoError(t, os.WriteFile(filepath.Join(root, "httpd.conf"), []byte(main), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(root, "site.conf"), []byte(tt.conf), 0o644))
			cmd := exec.Command("apache2", "-t", "-f", filepath.Join(root, "httpd.conf"))
			cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C"}
			out, _ := cmd.CombinedOutput()
			lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
			got := ""
			for i, l := range lines {
				if m := syntaxErr.FindStringSubmatch(l); m != nil && i+1 < len(lines) {
					got = m[1] + ": " + lines[i+1]
					break
				}
			}
			if len(tt.want) == 0 {
				assert.Contains(t, string(out), "Syntax OK", "httpd refuses what we accept")
				return
			}
			assert.Equal(t, tt.want[0], got, "apache2 -t said:\n%s", out)
		})
	}
}

// FuzzCheckHandlers: any configuration the parser reads is checked
// without a panic, each refusal at a directive's position.
func FuzzCheckHandlers(f *testing.F) {
	for _, tt := range handlerCheckCases {
		f.Add(tt.conf)
	}
	f.Fuzz(func(t *testing.T, src string) {
		file, err := parser.ParseFile("site.conf", []byte(src))
		if err != nil {
			return
		}
		for _, p := range CheckHandlers(file.Body, CheckOptions{}) {
			if !p.Pos.IsValid() || p.Msg == "" {
				t.Fatalf("refusal without a position or message: %+v", p)
			}
		}
	})
}

// TestEnclosingRefusesAsCheckLoaded: what CheckHandlers remembers of a
// list of enclosing sections judges every directive and section as
// directive.CheckLoaded does.
func TestEnclosingRefusesAsCheckLoaded(t *testing.T) {
	names := []string{"VirtualHost", "Directory", "directorymatch", "Location", "Files", "If", "Else", "Proxy",
		"Limit", "LimitExcept", "IfModule", "RequireAll"}
	args := [][]string{nil, {""}, {"a"}, {"/p", "http://x/"}, {"/p", "/q"}, {"/p", "w", "w"}, {"On"}, {"a", "b", "c", "k=v"}, {"w", "x", "y", "z", "v"}}
	var paths []*enclosing
	var grow func(p *enclosing, depth int)
	grow = func(p *enclosing, depth int) {
		paths = append(paths, p)
		if depth == 2 {
			return
		}
		for _, n := range names {
			grow(p.in(n), depth+1)
		}
	}
	for _, loaded := range []directive.Modules{nil, func(id string) bool { return id != "proxy_module" }} {
		grow(&enclosing{}, 0) // what is remembered depends on the modules
		for _, info := range directive.All() {
			row := registryRow(info.Name, loaded)
			for _, p := range paths {
				for _, a := range args {
					want := directive.CheckLoaded(info.Name, a, directive.Context{Sections: p.ctx.Sections}, loaded) != nil
					if got := p.refuses(row, a); got != want {
						t.Fatalf("%s %q in %v: refused %v, CheckLoaded %v", info.Name, a, p.ctx.Sections, got, want)
					}
				}
			}
		}
		paths = paths[:0]
	}
}
