package lint

import "testing"

func TestSyntaxError(t *testing.T) {
	runTable(t, SyntaxError, []ruleCase{
		{name: "unclosed section", conf: "<Directory /srv>\nRequire all granted\n", want: []string{"1: <Directory> was not closed"}},
		{name: "bad vhost address", conf: "<VirtualHost *:nope>\n</VirtualHost>\n", want: []string{"1: "}},
		{name: "htaccess", conf: "<Directory /srv>\nAllowOverride All\n</Directory>\n",
			files: map[string]string{"/srv/.htaccess": "<Files x>\n"}, want: []string{"/srv/.htaccess:1: was not closed"}},
		{name: "clean", conf: "<Directory /srv>\nRequire all granted\n</Directory>\n"},
	})
}

func TestIncludeMissing(t *testing.T) {
	runTable(t, IncludeMissing, []ruleCase{
		{name: "missing", conf: "Listen 80\nInclude /etc/nope.conf\n", want: []string{"2: Could not open configuration file /etc/nope.conf"}},
		{name: "optional", conf: "IncludeOptional /etc/nope.conf\nInclude /etc/conf.d/*.conf\n"},
		{name: "present", conf: "Include /etc/a.conf\n", files: map[string]string{"/etc/a.conf": "Listen 80\n"}},
	})
}
