package lint

import "testing"

func TestDuplicateServerName(t *testing.T) {
	runTable(t, DuplicateServerName, []ruleCase{
		{name: "same name", conf: "<VirtualHost *:80>\nServerName a.example\n</VirtualHost>\n<VirtualHost *:80>\nServerName A.example\nServerAlias b.example\n</VirtualHost>\n",
			want: []string{"5: a.example on *:80 is already served by the virtual host at site.conf:1"}},
		{name: "alias clash", conf: "<VirtualHost *:80>\nServerName a.example\nServerAlias www.a.example\n</VirtualHost>\n<VirtualHost *:80>\nServerName b.example\nServerAlias www.a.example\n</VirtualHost>\n",
			want: []string{"7: www.a.example"}},
		{name: "other port", conf: "<VirtualHost *:80>\nServerName a.example\n</VirtualHost>\n<VirtualHost *:443>\nServerName a.example\n</VirtualHost>\n"},
		{name: "other address", conf: "<VirtualHost *:80>\nServerName a.example\n</VirtualHost>\n<VirtualHost 10.0.0.1:80>\nServerName a.example\n</VirtualHost>\n"},
	})
}

func TestVHostUnreachable(t *testing.T) {
	runTable(t, VHostUnreachable, []ruleCase{
		{name: "shadowed", conf: "<VirtualHost *:80>\nServerName a.example\nServerAlias b.example\n</VirtualHost>\n<VirtualHost *:80>\nServerName b.example\n</VirtualHost>\n",
			want: []string{"5: virtual host b.example is never selected"}},
		{name: "one name left", conf: "<VirtualHost *:80>\nServerName a.example\n</VirtualHost>\n<VirtualHost *:80>\nServerName a.example\nServerAlias c.example\n</VirtualHost>\n"},
		{name: "default of another address", conf: "<VirtualHost *:80>\nServerName a.example\n</VirtualHost>\n<VirtualHost *:80 *:8080>\nServerName a.example\n</VirtualHost>\n"},
	})
}

func TestListenWithoutVHost(t *testing.T) {
	runTable(t, ListenWithoutVHost, []ruleCase{
		{name: "443 uncovered", conf: "Listen 80\nListen 443\n<VirtualHost *:80>\nServerName a.example\n</VirtualHost>\n", want: []string{"2: no virtual host is defined for port 443"}},
		{name: "covered", conf: "Listen 80\nListen 10.0.0.1:8080\n<VirtualHost *:80 *:8080>\nServerName a.example\n</VirtualHost>\n"},
		{name: "no vhosts at all", conf: "Listen 80\n"},
	})
}

func TestVHostNotListening(t *testing.T) {
	runTable(t, VHostNotListening, []ruleCase{
		{name: "no listen", conf: "Listen 80\n<VirtualHost *:8080>\nServerName a.example\n</VirtualHost>\n", want: []string{"2: defined for *:8080, but httpd does not listen there"}},
		{name: "other address", conf: "Listen 10.0.0.1:80\n<VirtualHost 10.0.0.2:80>\nServerName a.example\n</VirtualHost>\n", want: []string{"2: 10.0.0.2:80"}},
		{name: "listening", conf: "Listen 80\nListen [::]:8443\n<VirtualHost *:80 *:8443>\nServerName a.example\n</VirtualHost>\n"},
	})
}

func TestStartupWarning(t *testing.T) {
	runTable(t, StartupWarning, []ruleCase{
		{name: "unresolved", conf: "<VirtualHost nowhere.invalid:80>\nServerName a\n</VirtualHost>\n", want: []string{"1: AH00547: Could not resolve host name nowhere.invalid"}},
		{name: "addresses", conf: "<VirtualHost *:80 10.0.0.1:80 [::1]:80>\nServerName a\n</VirtualHost>\n"},
	})
}

func TestMissingServerName(t *testing.T) {
	runTable(t, MissingServerName, []ruleCase{
		{name: "none", conf: "# comment\nListen 80\n<VirtualHost *:80>\nServerName a\n</VirtualHost>\n", want: []string{"2: no global ServerName"}},
		{name: "set", conf: "Listen 80\nServerName www.example.com\n"},
	})
}
