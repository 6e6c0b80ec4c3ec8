package lint

import "testing"

func TestStartupError(t *testing.T) {
	const mpm = "LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so\n"
	const ssl = mpm + "LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\n"
	// The modules, and the directory of the default error log
	// (ServerRoot /etc/apache2, logs/error_log).
	modules := map[string]string{"/usr/lib/apache2/modules/mod_mpm_prefork.so": "", "/usr/lib/apache2/modules/mod_ssl.so": "x", "/etc/apache2/logs/.keep": ""}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range modules {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	runTable(t, StartupError, []ruleCase{
		{name: "no MPM", conf: "ServerName localhost\nListen 80\n", want: []string{"1: AH00534: apache2: Configuration error: No MPM loaded."}},
		{name: "an MPM", conf: mpm + "ServerName localhost\n", files: modules},
		{name: "Directory without path", conf: mpm + "<Directory>\n</Directory>\n", files: modules, want: []string{"2: <Directory> directive requires additional arguments"}},
		{name: "Else without If", conf: mpm + "<IfDefine NOPE>\n</IfDefine>\n<Else>\n</Else>\n", files: modules, want: []string{"4: <Else> or <ElseIf> section without previous <If> or <ElseIf> section in same scope"}},
		{name: "Else after If", conf: mpm + "<If \"true\">\n</If>\nServerAdmin a@b\n<Else>\n</Else>\n", files: modules},
		{name: "built-in module", conf: mpm + "LoadModule so_module x.so\n", files: modules, want: []string{"2: module so_module is built-in and can't be loaded"}},
		{name: "module file missing", conf: mpm + "LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so\n", files: modules, want: []string{"2: Cannot load /usr/lib/apache2/modules/mod_rewrite.so into server"}},
		{name: "no modules directory: not judged", conf: mpm + "LoadModule rewrite_module /opt/none/mod_rewrite.so\n", files: modules},
		{name: "Mutex directory missing", conf: mpm + "Mutex file:/var/lock/apache2 default\n", files: modules, want: []string{"2: Invalid Mutex directory in argument file:/var/lock/apache2"}},
		{name: "Mutex directory", conf: mpm + "Mutex file:/var/lock/apache2 default\nMutex sysvsem ssl-cache\n", files: with(map[string]string{"/var/lock/apache2/x": ""})},
		{name: "pass phrase program missing", conf: ssl + "SSLPassPhraseDialog exec:/usr/share/apache2/ask-for-passphrase\n", files: modules, want: []string{"3: SSLPassPhraseDialog: file '/usr/share/apache2/ask-for-passphrase' does not exist"}},
		{name: "pass phrase program", conf: ssl + "SSLPassPhraseDialog exec:/usr/share/apache2/ask-for-passphrase\n", files: with(map[string]string{"/usr/share/apache2/ask-for-passphrase": "#!/bin/sh\n"})},
		{name: "certificate missing", conf: ssl + "<VirtualHost *:443>\nSSLCertificateFile /etc/ssl/certs/site.pem\n</VirtualHost>\n", files: modules, want: []string{"4: SSLCertificateFile: file '/etc/ssl/certs/site.pem' does not exist or is empty"}},
		{name: "log directory missing", conf: mpm + "ErrorLog /var/log/httpd/error_log\n", files: with(map[string]string{"/var/log/syslog": ""}), want: []string{"2: Cannot access directory '/var/log/httpd/' for main error log"}},
		{name: "default error log's directory missing", conf: mpm + "ServerName localhost\n", files: map[string]string{"/usr/lib/apache2/modules/mod_mpm_prefork.so": "", "/etc/apache2/apache2.conf": ""}, want: []string{"1: Cannot access directory '/etc/apache2/logs/' for main error log"}},
		{name: "no server layout: logs not judged", conf: mpm + "ErrorLog /var/log/httpd/error_log\n", files: modules},
		// Without the variable's value ServerRoot's directory is looked in.
		{name: "undefined variable: not judged", conf: mpm + "ErrorLog ${APACHE_LOG_DIR}/error.log\n", files: modules},
		{name: "ServerRoot not a directory", conf: "ServerRoot /etc/httpd\n" + mpm, files: with(map[string]string{"site.conf": ""}), want: []string{"1: ServerRoot must be a valid directory"}},
		{name: "ServerRoot of another file system", conf: "ServerRoot /etc/httpd\n" + mpm, files: modules},
		{name: "Options word", conf: mpm + "<Directory /x>\nOptions +Bogus\n</Directory>\n", files: modules, want: []string{"3: Illegal option Bogus"}},
	})
	runTableWith(t, StartupError, []ruleCase{
		{name: "a fragment needs no MPM", conf: "ServerName localhost\nListen 80\n"},
	}, func(tc ruleCase) []Diagnostic {
		nodes, fsys, err := testLoad(tc.conf, tc.files)
		return Run(NewProgram(nodes, err, ProgramOptions{FS: fsys, Resolver: fixedResolver{}, Fragment: true}), []*Analyzer{StartupError}, Config{})
	})
}
