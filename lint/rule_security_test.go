package lint

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOptionsIndexes(t *testing.T) {
	runTable(t, OptionsIndexes, []ruleCase{
		{name: "debian default", conf: "DocumentRoot /var/www/html\n<Directory /var/www/>\nOptions Indexes FollowSymLinks\n</Directory>\n",
			want: []string{"3: Options Indexes is in force on the document root /var/www/html of the main server"}},
		{name: "vhost plus", conf: "<VirtualHost *:80>\nServerName a\nDocumentRoot /srv/a\n<Directory /srv/a>\nOptions +Indexes\n</Directory>\n</VirtualHost>\n", want: []string{"5: /srv/a of the virtual host a"}},
		{name: "removed below", conf: "DocumentRoot /var/www/html\n<Directory /var/www/>\nOptions Indexes FollowSymLinks\n</Directory>\n<Directory /var/www/html>\nOptions -Indexes\n</Directory>\n"},
		{name: "none", conf: "DocumentRoot /var/www/html\n<Directory /var/www/>\nOptions FollowSymLinks\n</Directory>\n"},
		// The rule walks only servers an Options line of their own or of
		// the main server can turn Indexes on for.
		{name: "vhost inherits main", conf: "<Directory /srv>\nOptions indexes\n</Directory>\n<VirtualHost *:80>\nServerName a\nDocumentRoot /srv/a\n</VirtualHost>\n", want: []string{"2: /srv/a of the virtual host a"}},
		{name: "all in vhost", conf: "<VirtualHost *:80>\nServerName b\nDocumentRoot /srv/b\nOptions All\n</VirtualHost>\n<VirtualHost *:80>\nServerName c\nDocumentRoot /srv/c\nOptions -Indexes\n</VirtualHost>\n", want: []string{"4: /srv/b of the virtual host b"}},
	})
}

func TestRequireAllGrantedRoot(t *testing.T) {
	runTable(t, RequireAllGrantedRoot, []ruleCase{
		{name: "granted", conf: "<Directory />\n    Require all granted\n</Directory>\n", want: []string{"2: opens the whole file system"}},
		{name: "denied", conf: "<Directory />\nRequire all denied\n</Directory>\n<Directory /srv>\nRequire all granted\n</Directory>\n"},
	})
}

func TestAllowOverrideAllUserContent(t *testing.T) {
	runTable(t, AllowOverrideAllUserContent, []ruleCase{
		{name: "home", conf: "<Directory /home/*/public_html>\nAllowOverride All\n</Directory>\n", want: []string{"2: AllowOverride All on /home/*/public_html"}},
		{name: "userdir", conf: "UserDir sites\n<Directory /srv/users/*/sites>\nAllowOverride All\n</Directory>\n", want: []string{"3: "}},
		{name: "limited", conf: "<Directory /home>\nAllowOverride AuthConfig FileInfo\n</Directory>\n<Directory /var/www>\nAllowOverride All\n</Directory>\n"},
	})
}

func TestServerTokensFull(t *testing.T) {
	runTable(t, ServerTokensFull, []ruleCase{
		{name: "full", conf: "ServerTokens Full\n", want: []string{"1: ServerTokens Full"}},
		{name: "prod", conf: "ServerTokens Prod\n"},
	})
}

func TestServerSignatureOn(t *testing.T) {
	runTable(t, ServerSignatureOn, []ruleCase{
		{name: "on", conf: "<VirtualHost *:80>\nServerSignature EMail\n</VirtualHost>\n", want: []string{"2: ServerSignature EMail"}},
		{name: "off", conf: "ServerSignature Off\n"},
	})
}

func TestTraceEnableOn(t *testing.T) {
	runTable(t, TraceEnableOn, []ruleCase{
		{name: "on", conf: "TraceEnable on\n", want: []string{"1: TraceEnable on echoes"}},
		{name: "off", conf: "TraceEnable Off\n"},
	})
}

func TestWeakTLS(t *testing.T) {
	runTable(t, WeakTLS, []ruleCase{
		{name: "all", conf: "SSLProtocol all -SSLv3\n", want: []string{"1: SSLProtocol enables tlsv1, tlsv1.1"}},
		{name: "explicit", conf: "SSLProtocol TLSv1 +TLSv1.2\n", want: []string{"1: enables tlsv1;"}},
		{name: "rc4", conf: "SSLCipherSuite HIGH:RC4-SHA:!aNULL\n", want: []string{"1: weak ciphers (RC4-SHA)"}},
		{name: "3des proto", conf: "SSLCipherSuite SSL DES-CBC3-SHA:HIGH\n", want: []string{"1: DES-CBC3-SHA"}},
		{name: "modern", conf: "SSLProtocol -all +TLSv1.2 +TLSv1.3\nSSLProtocol all -SSLv3 -TLSv1 -TLSv1.1\nSSLCipherSuite HIGH:!aNULL:!MD5:!3DES:!RC4\n"},
	})
}

func TestFixes(t *testing.T) {
	conf := "<Directory />\n    Require all granted\n</Directory>\nTraceEnable  On\r\nDocumentRoot /var/www\n<Directory /var/www>\n\tOptions Indexes \"FollowSymLinks\"\n</Directory>\n"
	var all []Diagnostic
	for _, a := range []*Analyzer{RequireAllGrantedRoot, TraceEnableOn, OptionsIndexes} {
		all = append(all, lintString(a, conf, nil)...)
	}
	require.Len(t, all, 3)
	out, err := ApplyEdits([]byte(conf), Edits(all)["site.conf"])
	require.NoError(t, err)
	// an edited line is printed canonically by the ast printer, but for
	// its indentation, the gap before its first argument and its line end
	assert.Equal(t, "<Directory />\n    Require all denied\n</Directory>\nTraceEnable  Off\r\nDocumentRoot /var/www\n<Directory /var/www>\n\tOptions FollowSymLinks\n</Directory>\n", string(out))
}
