package lint

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vhost wraps a body in a name-based virtual host with a document root.
func vhost(body string) string {
	return "<VirtualHost *:80>\nServerName a.example\nDocumentRoot /srv/a\n" + body + "</VirtualHost>\n"
}

func TestModuleRules(t *testing.T) {
	runTable(t, WebDAVModules, []ruleCase{
		{name: "dav", conf: "LoadModule dav_module m/mod_dav.so\nLoadModule dav_fs_module m/mod_dav_fs.so\n", want: []string{"1: dav_module is loaded", "2: dav_fs_module is loaded"}},
		{name: "skipped by IfDefine", conf: "<IfDefine DAV>\nLoadModule dav_module m/mod_dav.so\n</IfDefine>\n"},
	})
	runTable(t, StatusModule, []ruleCase{
		{name: "loaded", conf: "LoadModule status_module m/mod_status.so\n", want: []string{"1: status_module is loaded"}},
		{name: "absent", conf: "LoadModule dir_module m/mod_dir.so\n"},
	})
	runTable(t, AutoindexModule, []ruleCase{
		{name: "loaded", conf: "LoadModule autoindex_module m/mod_autoindex.so\n", want: []string{"1: autoindex_module"}},
		{name: "absent", conf: ""},
	})
	runTable(t, ProxyModules, []ruleCase{
		{name: "loaded", conf: "LoadModule proxy_module m/mod_proxy.so\nLoadModule proxy_http_module m/mod_proxy_http.so\n", want: []string{"1: proxy_module", "2: proxy_http_module"}},
		{name: "absent", conf: ""},
	})
	runTable(t, UserDirModule, []ruleCase{
		{name: "loaded", conf: "LoadModule userdir_module m/mod_userdir.so\n", want: []string{"1: userdir_module"}},
		{name: "absent", conf: ""},
	})
	runTable(t, InfoModule, []ruleCase{
		{name: "loaded", conf: "LoadModule info_module m/mod_info.so\n", want: []string{"1: info_module"}},
		{name: "absent", conf: ""},
	})
	runTable(t, BasicDigestModules, []ruleCase{
		{name: "loaded", conf: "LoadModule auth_basic_module m/mod_auth_basic.so\n", want: []string{"1: auth_basic_module"}},
		{name: "absent", conf: ""},
	})
	runTable(t, LogConfigModule, []ruleCase{
		{name: "built in", conf: "Listen 80\n"}, // Debian compiles mod_log_config in
	})
	positive[LogConfigModule.ID] = true // cannot be unloaded on Debian's build
}

func TestAccessControlRules(t *testing.T) {
	runTable(t, RootAccess, []ruleCase{
		{name: "nothing denies", conf: "DocumentRoot /srv/a\n", want: []string{"1: no Require is in force on /"}},
		{name: "granted", conf: "<Directory />\nRequire all granted\n</Directory>\n", want: []string{"2: the OS root / is not denied"}},
		{name: "vhost reopens /", conf: "<Directory />\nRequire all denied\n</Directory>\n" + vhost("<Directory />\nRequire ip 10.0.0.0/8\n</Directory>\n"),
			want: []string{"8: the OS root / is not denied for the virtual host a.example"}},
		{name: "denied", conf: "<Directory />\nRequire all denied\n</Directory>\n"},
	})
	runTable(t, RootOverride, []ruleCase{
		{name: "all", conf: "<Directory />\nAllowOverride All\nRequire all denied\n</Directory>\n", want: []string{"2: AllowOverride admits .htaccess files on /"}},
		{name: "default none", conf: "<Directory />\nRequire all denied\n</Directory>\n"},
	})
	runTable(t, OverrideEverywhere, []ruleCase{
		{name: "inherited by a subdirectory", conf: "<Directory /srv>\nAllowOverride FileInfo\n</Directory>\n<Directory /srv/a>\nRequire all granted\n</Directory>\n",
			want: []string{"2: AllowOverride admits .htaccess files in /srv of the main server"}},
		{name: "none", conf: "<Directory /srv>\nAllowOverride None\n</Directory>\n"},
	})
	runTable(t, RootOptions, []ruleCase{
		{name: "default FollowSymLinks", conf: "<Directory />\nRequire all denied\n</Directory>\n", want: []string{"1: Options FollowSymLinks in force on / of the main server (httpd's default"}},
		{name: "none", conf: "<Directory />\nOptions None\n</Directory>\n"},
	})
	runTable(t, WebRootOptions, []ruleCase{
		{name: "indexes", conf: "DocumentRoot /srv/a\n<Directory /srv>\nOptions Indexes\n</Directory>\n", want: []string{"3: Options Indexes in force on /srv/a"}},
		{name: "multiviews", conf: "DocumentRoot /srv/a\n<Directory /srv/a>\nOptions MultiViews\n</Directory>\n"},
	})
	runTable(t, IncludesOptions, []ruleCase{
		{name: "includes", conf: "<Directory /srv>\nOptions Includes\n</Directory>\n", want: []string{"2: Options Includes (with #exec)"}},
		{name: "noexec", conf: "<Directory /srv>\nOptions IncludesNOEXEC\n</Directory>\n"},
	})
	runTable(t, HTTPMethods, []ruleCase{
		{name: "unrestricted", conf: "DocumentRoot /srv/a\n", want: []string{"1: methods other than GET"}},
		{name: "limitexcept in a parent", conf: "DocumentRoot /srv/a\n<Directory /srv>\n<LimitExcept GET POST OPTIONS>\nRequire all denied\n</LimitExcept>\n</Directory>\n"},
	})
}

func TestServerSettingRules(t *testing.T) {
	runTable(t, TraceEnabled, []ruleCase{
		{name: "default", conf: "Listen 80\n", want: []string{"1: TraceEnable is not set for the main server, and httpd's default is On"}},
		{name: "vhost turns it on", conf: "TraceEnable Off\n" + vhost("TraceEnable On\n"), want: []string{"5: TraceEnable On is in force for the virtual host a.example"}},
		{name: "off, inherited", conf: "TraceEnable Off\n" + vhost("")},
	})
	runTable(t, OldProtocols, []ruleCase{
		{name: "main rules not inherited", conf: "RewriteEngine On\nRewriteCond %{THE_REQUEST} !HTTP/1\\.1$\nRewriteRule .* - [F]\n" + vhost(""),
			want: []string{"4: the virtual host a.example answers HTTP/1.0"}},
		{name: "vhost's own", conf: vhost("RewriteEngine On\nRewriteCond %{THE_REQUEST} !HTTP/1\\.1$\nRewriteRule .* - [F]\n")},
	})
	runTable(t, ListenAddress, []ruleCase{
		{name: "port only", conf: "Listen 80\nListen 0.0.0.0:443\nListen [::]:8080\n", want: []string{"1: Listen 80 accepts", "2: Listen 0.0.0.0:443", "3: Listen [::]:8080"}},
		{name: "address", conf: "Listen 192.0.2.10:80\nListen [2001:db8::1]:80\n"},
	})
	runTable(t, ServerTokensEffective, []ruleCase{
		{name: "default Full", conf: "Listen 80\n", want: []string{"1: ServerTokens is not set and httpd's default is Full"}},
		{name: "last wins", conf: "ServerTokens Prod\nServerTokens OS\n", want: []string{"2: ServerTokens OS is in force"}},
		{name: "prod", conf: "ServerTokens OS\nServerTokens Prod\n"},
	})
	runTable(t, ServerSignatureEffective, []ruleCase{
		{name: "per directory", conf: "ServerSignature Off\nDocumentRoot /srv/a\n<Directory /srv/a>\nServerSignature EMail\n</Directory>\n", want: []string{"4: ServerSignature EMail is in force on /srv/a"}},
		{name: "off by default", conf: "DocumentRoot /srv/a\n"},
	})
	runTable(t, FileETagInode, []ruleCase{
		{name: "inode", conf: "FileETag INode MTime Size\n", want: []string{"1: FileETag INode MTime Size puts inode numbers"}},
		{name: "default has none", conf: "Listen 80\n"},
	})
	runTable(t, DefaultContent, []ruleCase{
		{name: "status", conf: "<Location /server-status>\nSetHandler server-status\n</Location>\n", want: []string{"2: SetHandler server-status publishes"}},
		{name: "none", conf: "<Location /app>\nSetHandler none\n</Location>\n"},
	})
	runTable(t, IconsAlias, []ruleCase{
		{name: "icons", conf: "Alias /icons/ /usr/share/apache2/icons/\n", want: []string{"1: Alias /icons/"}},
		{name: "other", conf: "Alias /static/ /srv/static/\n"},
	})
	runTable(t, Timeout, []ruleCase{
		{name: "default", conf: "Listen 80\n", want: []string{"1: Timeout 60 (httpd's default)"}},
		{name: "ten", conf: "Timeout 10\n"},
	})
	runTable(t, TimeoutSTIG, []ruleCase{
		{name: "300", conf: "Timeout 300\n", want: []string{"1: Timeout 300 for the main server"}},
		{name: "default 60", conf: "Listen 80\n"},
	})
	runTable(t, KeepAlive, []ruleCase{
		{name: "off and short", conf: "KeepAlive Off\nMaxKeepAliveRequests 50\nKeepAliveTimeout 30\n", want: []string{"1: KeepAlive Off", "2: MaxKeepAliveRequests 50", "3: KeepAliveTimeout 30"}},
		{name: "defaults", conf: "Listen 80\n"},
	})
	runTable(t, RequestReadTimeout, []ruleCase{
		{name: "not loaded", conf: "Listen 80\n", want: []string{"1: mod_reqtimeout is not loaded"}},
		{name: "too long", conf: "LoadModule reqtimeout_module m/mod_reqtimeout.so\nRequestReadTimeout header=20-60,MinRate=500 body=0\n",
			want: []string{"2: RequestReadTimeout header=20-60,MinRate=500", "2: RequestReadTimeout body=0"}},
		{name: "module defaults", conf: "LoadModule reqtimeout_module m/mod_reqtimeout.so\n"},
	})
	runTable(t, RequestLimits, []ruleCase{
		{name: "defaults", conf: "DocumentRoot /srv/a\n", want: []string{"1: LimitRequestLine 8190", "1: LimitRequestFieldSize 8190", "1: LimitRequestBody 1073741824"}},
		{name: "bounded", conf: "DocumentRoot /srv/a\nLimitRequestLine 512\nLimitRequestFields 100\nLimitRequestFieldSize 1024\nLimitRequestBody 102400\n"},
	})
}

func TestLoggingRules(t *testing.T) {
	runTable(t, ErrorLogging, []ruleCase{
		{name: "warn", conf: "ErrorLog /var/log/e.log\nLogLevel warn\n", want: []string{"2: LogLevel warn for the main server drops notices"}},
		{name: "unset", conf: "Listen 80\n", want: []string{"1: LogLevel is not set", "1: no ErrorLog is set"}},
		{name: "good", conf: "ErrorLog /var/log/e.log\nLogLevel notice core:info\n"},
	})
	combined := "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %O \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\"\" combined\n"
	runTable(t, AccessLog, []ruleCase{
		{name: "none", conf: vhost(""), want: []string{"1: the virtual host a.example writes no access log"}},
		{name: "common lacks fields", conf: "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b\" common\n" + vhost("CustomLog /var/log/a.log common\n"), want: []string{"5: lacks %{Referer}i %{User-agent}i"}},
		{name: "inherited combined", conf: combined + "CustomLog /var/log/a.log combined\n" + vhost("")},
	})
	runTable(t, AccessLogSTIG, []ruleCase{
		{name: "combined lacks STIG fields", conf: combined + vhost("CustomLog /var/log/a.log combined\n"), want: []string{"5: lacks %a %A %H %m %U"}},
		{name: "stig format", conf: "LogFormat \"%a %A %h %H %l %m %s %t %u %U \\\"%{Referer}i\\\"\" stig\nCustomLog /var/log/a.log stig\n"},
	})
	runTable(t, SyslogErrorLog, []ruleCase{
		{name: "file", conf: "ErrorLog /var/log/e.log\n", want: []string{"1: the error log does not go to syslog"}},
		{name: "syslog", conf: "ErrorLog syslog:local1\n"},
	})
	runTable(t, ModSecurity, []ruleCase{
		{name: "absent", conf: "Listen 80\n", want: []string{"1: mod_security2 is not loaded"}},
		{name: "loaded", conf: "LoadModule security2_module m/mod_security2.so\n"},
	})
	runTable(t, ErrorDocuments, []ruleCase{
		{name: "none", conf: vhost(""), want: []string{"1: the virtual host a.example answers errors with httpd's built-in pages"}},
		{name: "main server's", conf: "ErrorDocument 404 /404.html\n" + vhost("")},
	})
}

func TestTLSRules(t *testing.T) {
	tls := func(body string) string {
		return "LoadModule ssl_module m/mod_ssl.so\n<VirtualHost *:443>\nServerName s.example\nDocumentRoot /srv/s\nSSLEngine on\n" + body + "</VirtualHost>\n"
	}
	runTable(t, SSLModule, []ruleCase{
		{name: "not loaded", conf: "Listen 80\n", want: []string{"1: mod_ssl is not loaded"}},
		{name: "no engine", conf: "LoadModule ssl_module m/mod_ssl.so\n", want: []string{"1: mod_ssl is loaded but no server has SSLEngine on"}},
		{name: "tls vhost", conf: tls("")},
	})
	runTable(t, TLSProtocols, []ruleCase{
		{name: "default", conf: tls(""), want: []string{"2: mod_ssl's default SSLProtocol (all -SSLv3) enables tlsv1, tlsv1.1"}},
		{name: "inherited from main", conf: "SSLProtocol all -SSLv3\n" + tls(""), want: []string{"1: SSLProtocol enables tlsv1, tlsv1.1 for the virtual host s.example"}},
		{name: "vhost's own wins", conf: "SSLProtocol all\n" + tls("SSLProtocol -all +TLSv1.2 +TLSv1.3\n")},
	})
	runTable(t, TLSCiphers, []ruleCase{
		{name: "unset", conf: tls(""), want: []string{"2: no SSLCipherSuite is set"}},
		{name: "weak and no kills", conf: tls("SSLCipherSuite HIGH:3DES:RC4-SHA\n"), want: []string{"6: admits weak ciphers (3DES, RC4-SHA)", "6: does not remove NULL", "6: does not remove export", "6: does not remove anonymous"}},
		{name: "strong", conf: tls("SSLCipherSuite ECDHE-RSA-AES128-GCM-SHA256:!aNULL:!eNULL:!EXP\n")},
	})
	runTable(t, TLSRenegotiation, []ruleCase{
		{name: "on", conf: tls("SSLInsecureRenegotiation on\n"), want: []string{"6: SSLInsecureRenegotiation on"}},
		{name: "default off", conf: tls("")},
	})
	runTable(t, TLSCompression, []ruleCase{
		{name: "on", conf: tls("SSLCompression on\n"), want: []string{"6: SSLCompression on"}},
		{name: "default off", conf: tls("")},
	})
	runTable(t, OCSPStapling, []ruleCase{
		{name: "default off", conf: tls(""), want: []string{"2: SSLUseStapling off (the default)"}},
		{name: "on", conf: tls("SSLUseStapling on\n")},
	})
	runTable(t, HSTS, []ruleCase{
		{name: "short", conf: tls("Header always set Strict-Transport-Security \"max-age=60\"\n"), want: []string{"2: sends no Strict-Transport-Security"}},
		{name: "year", conf: tls("Header always set Strict-Transport-Security \"max-age=31536000; includeSubDomains\"\n")},
	})
	runTable(t, HTTPSRedirect, []ruleCase{
		{name: "serves", conf: vhost(""), want: []string{"1: the virtual host a.example serves content over plain HTTP"}},
		{name: "redirects", conf: vhost("Redirect permanent / https://a.example/\n")},
	})
}

func TestOtherRules(t *testing.T) {
	runTable(t, ForwardProxy, []ruleCase{
		{name: "on", conf: "LoadModule proxy_module m/mod_proxy.so\nProxyRequests On\n", want: []string{"2: ProxyRequests On"}},
		{name: "module not loaded", conf: "<IfModule proxy_module>\nProxyRequests On\n</IfModule>\n"},
	})
	runTable(t, ShellHandlers, []ruleCase{
		{name: "exe", conf: "AddHandler cgi-script .exe .sh\nAction text/x-sh /bin/sh\n", want: []string{"1: AddHandler maps .exe", "2: Action runs a shell"}},
		{name: "cgi", conf: "AddHandler cgi-script .cgi\n"},
	})
	headers := "Header always append X-Frame-Options SAMEORIGIN\nHeader always set Referrer-Policy \"strict-origin-when-cross-origin\"\nHeader always set Permissions-Policy \"camera=()\"\n"
	runTable(t, FramingHeader, []ruleCase{
		{name: "none", conf: vhost(""), want: []string{"1: the virtual host a.example sends neither X-Frame-Options"}},
		{name: "csp frame-ancestors", conf: vhost("Header set Content-Security-Policy \"frame-ancestors 'self'\"\n")},
		{name: "main server's", conf: headers + vhost("")},
	})
	runTable(t, ReferrerPolicy, []ruleCase{
		{name: "unsafe", conf: vhost("Header set Referrer-Policy unsafe-url\n"), want: []string{"1: the virtual host a.example sends no Referrer-Policy (or an unsafe one)"}},
		{name: "set", conf: headers + vhost("")},
	})
	runTable(t, PermissionsPolicy, []ruleCase{
		{name: "none", conf: vhost(""), want: []string{"1: sends no Permissions-Policy"}},
		{name: "set", conf: headers + vhost("")},
	})
}

// The probe rules ask the engine: a FilesMatch in one vhost does not
// protect another, an exact-name match misses variants.
func TestProbeRules(t *testing.T) {
	base := "<Directory />\nRequire all denied\n</Directory>\n<Directory /srv>\nRequire all granted\n</Directory>\n"
	runTable(t, HTFilesServed, []ruleCase{
		{name: "other vhost protected", conf: base + vhost("") + "<VirtualHost *:80>\nServerName b.example\nDocumentRoot /srv/b\n<FilesMatch \"^\\.ht\">\nRequire all denied\n</FilesMatch>\n</VirtualHost>\n",
			want: []string{"9: the virtual host a.example would hand out .htaccess/.htpasswd files (GET /.htaccess, /.htpasswd"}},
		{name: "main server protects all", conf: base + "<FilesMatch \"^\\.ht\">\nRequire all denied\n</FilesMatch>\n" + vhost("")},
	})
	runTable(t, GitServed, []ruleCase{
		{name: "files only", conf: base + "<FilesMatch \"^\\.git\">\nRequire all denied\n</FilesMatch>\n" + vhost(""),
			want: []string{"12: (GET /.git/config, /.git/HEAD → 200"}},
		{name: "directorymatch", conf: base + "<DirectoryMatch \"/\\.git\">\nRequire all denied\n</DirectoryMatch>\n" + vhost("")},
	})
	runTable(t, SVNServed, []ruleCase{
		{name: "unprotected", conf: base + vhost(""), want: []string{"9: would hand out Subversion metadata"}},
		{name: "redirectmatch 404", conf: base + vhost("RedirectMatch 404 /\\.svn\n")},
	})
	runTable(t, IPHostRequests, []ruleCase{
		{name: "default serves", conf: base + vhost(""), want: []string{"9: a request with Host: 192.0.2.1"}},
		{name: "default refuses", conf: base + "<VirtualHost *:80>\nServerName default.invalid\nDocumentRoot /srv/none\n<Location />\nRequire all denied\n</Location>\n</VirtualHost>\n" + vhost("")},
	})
}

func TestProfiles(t *testing.T) {
	ids := func(name string) []string {
		as, err := Profile(name)
		require.NoError(t, err)
		var out []string
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	cis1, cis2, st := ids("cis-1"), ids("cis-2"), ids("stig")
	assert.Contains(t, cis1, "AC5001")
	assert.Contains(t, cis1, "AC6017")
	assert.NotContains(t, cis1, "AC6007", "auth_basic is Level 2")
	assert.Contains(t, cis2, "AC6007")
	assert.Subset(t, cis2, cis1)
	assert.Contains(t, st, "AC6050")
	assert.NotContains(t, st, "AC6032", "the STIG's Timeout bound is AC6033")
	_, err := Profile("cis-3")
	assert.Error(t, err)
	for _, a := range BenchmarkAnalyzers() {
		assert.NotEmpty(t, Controls(a.ID), a.ID)
		assert.Equal(t, a, Lookup(a.ID), "suppressions and .apacheconf.yaml name benchmark rules too")
	}
	// A plain lint run is unchanged.
	for _, a := range Analyzers() {
		assert.NotRegexp(t, `^AC6`, a.ID)
	}
}
