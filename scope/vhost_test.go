package scope_test

import (
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

var recordHTTPD = flag.Bool("record-httpd", false, "re-record testdata/*_httpd.json with the real apache2")

const sBase = "ServerRoot /etc/apache2\n" +
	"LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n" +
	"LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so\n" +
	"ErrorLog /dev/null\nPidFile /tmp/apacheconf-scope.pid\n"

// vhostCases: configurations whose `apache2 -S` VirtualHost block we must
// reproduce line for line.
var vhostCases = []struct{ name, conf string }{
	{"name-based-default-first", "ServerName main.example\n<VirtualHost *:80>\nServerName a.example\n</VirtualHost>\n<VirtualHost *:80>\nServerName b.example\nServerAlias www.b.example *.b.example b?.example\n</VirtualHost>\n"},
	{"single-ip-based", "ServerName main.example\n<VirtualHost 10.1.2.3:80>\nServerName ten.example\n</VirtualHost>\n"},
	{"mixed-ports-order", "ServerName m.example\n<VirtualHost *:81>\nServerName a\n</VirtualHost>\n<VirtualHost *:80>\nServerName b\n</VirtualHost>\n<VirtualHost *:81>\nServerName c\n</VirtualHost>\n"},
	{"wildcard-port", "ServerName m.example\n<VirtualHost *>\nServerName star\n</VirtualHost>\n<VirtualHost *:*>\nServerName starstar\n</VirtualHost>\n<VirtualHost *:80>\nServerName eighty\n</VirtualHost>\n"},
	{"default-keyword", "ServerName m.example\n<VirtualHost _default_:443>\n</VirtualHost>\n<VirtualHost _default_:443>\nServerName second\n</VirtualHost>\n"},
	{"ip-hash-order", "ServerName m.example\n<VirtualHost 127.0.0.1:80 127.0.0.2>\nServerName ip\n</VirtualHost>\n<VirtualHost 10.0.0.1:80>\nServerName ten\n</VirtualHost>\n<VirtualHost 127.0.0.1:80>\nServerName ip2\n</VirtualHost>\n<VirtualHost [::1]:80>\nServerName v6\n</VirtualHost>\n<VirtualHost 192.168.1.1:8080>\nServerName c\n</VirtualHost>\n"},
	{"servername-port", "ServerName m.example:8080\n<VirtualHost *>\nServerName inherits-port\n</VirtualHost>\n<VirtualHost *:80>\nServerName own.example:8443\n</VirtualHost>\n"},
	{"main-port-set-after-vhost", "<VirtualHost *>\nServerName early\n</VirtualHost>\nServerName m.example:8080\n<VirtualHost *>\nServerName late\n</VirtualHost>\n"},
	{"no-servername-inherits-main", "ServerName main.example\n<VirtualHost *:80>\n</VirtualHost>\n<VirtualHost *:80>\nServerName b\n</VirtualHost>\n"},
	{"ip-vhost-without-name-reverse-dns", "ServerName main.example\n<VirtualHost 127.0.0.1:80>\n</VirtualHost>\n"},
	{"same-vhost-two-wildcards", "ServerName m\n<VirtualHost *:80 *:80>\nServerName dup\n</VirtualHost>\n<VirtualHost *:80 *:81>\nServerName two\n</VirtualHost>\n"},
	{"continued-header-line", "ServerName m\n<VirtualHost \\\n *:80>\nServerName cont\n</VirtualHost>\n"},
	{"servername-last-wins-and-scheme", "ServerName m\n<VirtualHost *:80>\nServerName first\nServerName https://second.example\n</VirtualHost>\n"},
	{"alias-case-kept", "ServerName m\n<VirtualHost *:80>\nServerName A.Example\nServerAlias WWW.A.Example\n</VirtualHost>\n<VirtualHost *:80>\nServerName b\n</VirtualHost>\n"},
	{"same-name-two-ports", "ServerName m\n<VirtualHost *:80>\nServerName www.site.com\n</VirtualHost>\n<VirtualHost *:8080>\nServerName www.site.com\n</VirtualHost>\n"},
	{"no-vhosts", "ServerName m\n"},
	{"ip-without-port-inherits-main-port", "ServerName m:8080\n<VirtualHost 127.0.0.3>\nServerName three\n</VirtualHost>\n<VirtualHost 127.0.0.4 *:90>\nServerName four\n</VirtualHost>\n"},
	{"localhost-name-resolves", "ServerName m\n<VirtualHost localhost:80>\nServerName lh\n</VirtualHost>\n"},
}

// dumpHTTPD runs apache2 -S and returns its VirtualHost block, with the
// temp dir replaced by @DIR@.
func dumpHTTPD(t *testing.T, dir, conf string) string {
	out, _ := exec.Command("apache2", "-S", "-f", conf).CombinedOutput()
	var block []string
	in := false
	for _, line := range strings.Split(string(out), "\n") {
		if line == "VirtualHost configuration:" {
			in = true
		} else if in && (strings.HasPrefix(line, "ServerRoot:") || line == "") {
			break
		}
		if in {
			block = append(block, strings.ReplaceAll(line, dir, "@DIR@"))
		}
	}
	if !in {
		t.Fatalf("apache2 -S printed no VirtualHost block:\n%s", out)
	}
	return strings.Join(block, "\n") + "\n"
}

func TestDumpVHostsMatchesApache(t *testing.T) {
	goldenPath := filepath.Join("testdata", "vhosts_httpd.json")
	golden := map[string]string{}
	if data, err := os.ReadFile(goldenPath); err == nil {
		require.NoError(t, json.Unmarshal(data, &golden))
	}
	_, lookErr := exec.LookPath("apache2")
	live := lookErr == nil
	if *recordHTTPD {
		require.True(t, live, "-record-httpd needs apache2")
	}
	agree := 0
	for _, c := range vhostCases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			conf := filepath.Join(dir, "httpd.conf")
			src := sBase + c.conf
			require.NoError(t, os.WriteFile(conf, []byte(src), 0o644))
			f, err := parser.ParseFile(conf, []byte(src))
			require.NoError(t, err)
			s, err := scope.Build(f.Body, scope.Options{})
			require.NoError(t, err)
			var b strings.Builder
			s.DumpVHosts(&b)
			got := strings.ReplaceAll(b.String(), dir, "@DIR@")
			if live {
				h := dumpHTTPD(t, dir, conf)
				if *recordHTTPD {
					golden[c.name] = h
				} else {
					assert.Equal(t, golden[c.name], h, "recorded apache2 -S output differs from the live binary")
				}
			}
			want, ok := golden[c.name]
			require.True(t, ok, "no recorded apache2 -S output: go test ./scope -run TestDumpVHosts -record-httpd")
			if assert.Equal(t, want, got) {
				agree++
			}
		})
	}
	t.Logf("apache2 -S agreement: %d/%d configurations", agree, len(vhostCases))
	if *recordHTTPD {
		data, err := json.MarshalIndent(golden, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(goldenPath, append(data, '\n'), 0o644))
	}
}
