package scope_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

// selectCases: each vhost answers /which with a redirect to http://vN/,
// so the live server tells which one it chose. @P1@ and @P2@ become free
// ports. Requests are "ADDR PORTVAR HOST" ("-" for no Host header).
var selectCases = []struct {
	name     string
	conf     string
	requests []string
}{
	{"name-based", `Listen 127.0.0.1:@P1@
<VirtualHost *:@P1@>
ServerName a.example
Redirect 302 /which http://v0/
</VirtualHost>
<VirtualHost *:@P1@>
ServerName b.example
ServerAlias www.b.example *.wild.example b?.q.example
Redirect 302 /which http://v1/
</VirtualHost>
`, []string{"127.0.0.1 P1 a.example", "127.0.0.1 P1 b.example", "127.0.0.1 P1 WWW.B.EXAMPLE", "127.0.0.1 P1 www.b.example.",
		"127.0.0.1 P1 x.y.wild.example", "127.0.0.1 P1 b1.q.example", "127.0.0.1 P1 b12.q.example", "127.0.0.1 P1 unknown.example",
		"127.0.0.1 P1 b.example:9999", "127.0.0.1 P1 -"}},
	{"ip-and-wildcard", `Listen 127.0.0.1:@P1@
Listen 127.0.0.2:@P1@
Listen 127.0.0.1:@P2@
<VirtualHost *:@P1@>
ServerName star.example
Redirect 302 /which http://v0/
</VirtualHost>
<VirtualHost 127.0.0.2:@P1@>
ServerName two.example
Redirect 302 /which http://v1/
</VirtualHost>
<VirtualHost 127.0.0.2:@P1@>
ServerName two-b.example
Redirect 302 /which http://v2/
</VirtualHost>
<VirtualHost *:@P1@>
ServerName star2.example
Redirect 302 /which http://v3/
</VirtualHost>
Redirect 302 /which http://main/
`, []string{"127.0.0.1 P1 star2.example", "127.0.0.1 P1 two.example", "127.0.0.2 P1 star2.example", "127.0.0.2 P1 two-b.example",
		"127.0.0.2 P1 127.0.0.2", "127.0.0.2 P1 nothing", "127.0.0.1 P2 star.example", "127.0.0.1 P2 -"}},
	{"ports-and-wildcard-port", `Listen 127.0.0.1:@P1@
Listen 127.0.0.1:@P2@
<VirtualHost *:@P2@>
ServerName p2.example
Redirect 302 /which http://v0/
</VirtualHost>
<VirtualHost *>
ServerName any.example
Redirect 302 /which http://v1/
</VirtualHost>
<VirtualHost *:*>
ServerName any2.example
Redirect 302 /which http://v2/
</VirtualHost>
<VirtualHost 127.0.0.1>
ServerName ip.example
Redirect 302 /which http://v3/
</VirtualHost>
`, []string{"127.0.0.1 P1 any2.example", "127.0.0.1 P1 p2.example", "127.0.0.1 P1 ip.example", "127.0.0.1 P2 any.example",
		"127.0.0.1 P2 p2.example", "127.0.0.1 P2 ip.example"}},
}

const liveBase = "ServerRoot /etc/apache2\n" +
	"LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n" +
	"LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so\n" +
	"LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so\n" +
	"ServerName main.example\nUser nobody\nGroup nogroup\n" +
	"ErrorLog @DIR@/error.log\nPidFile @DIR@/httpd.pid\n"

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// which asks the live server and returns the redirect target's host.
func which(addr string, port int, host string) string {
	req, _ := http.NewRequest("GET", fmt.Sprintf("http://%s:%d/which", addr, port), nil)
	if host == "-" {
		req.Host = ""
		req.Close = true
	} else {
		req.Host = host
	}
	c := http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		return "error: " + err.Error()
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	loc = strings.TrimPrefix(loc, "http://")
	return strings.TrimSuffix(loc, "/")
}

func TestSelectVHostAgainstApache(t *testing.T) {
	goldenPath := filepath.Join("testdata", "select_httpd.json")
	golden := map[string]string{}
	if data, err := os.ReadFile(goldenPath); err == nil {
		require.NoError(t, json.Unmarshal(data, &golden))
	}
	_, lookErr := exec.LookPath("apache2")
	live := lookErr == nil && os.Geteuid() == 0 && os.Getenv("APACHECONF_NO_LIVE") == ""
	if *recordHTTPD {
		require.True(t, live, "-record-httpd needs apache2 and root")
	}
	total, agree := 0, 0
	for _, c := range selectCases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.Chmod(dir, 0o755))
			p1, p2 := freePort(t), freePort(t)
			conf := strings.NewReplacer("@P1@", strconv.Itoa(p1), "@P2@", strconv.Itoa(p2), "@DIR@", dir).Replace(liveBase + c.conf)
			path := filepath.Join(dir, "httpd.conf")
			require.NoError(t, os.WriteFile(path, []byte(conf), 0o644))
			if live {
				out, err := exec.Command("apache2", "-f", path, "-k", "start").CombinedOutput()
				require.NoError(t, err, "%s", out)
				defer exec.Command("apache2", "-f", path, "-k", "stop").Run()
				for i := 0; i < 100; i++ {
					if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p1)); err == nil {
						c.Close()
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
			f, err := parser.ParseFile(path, []byte(conf))
			require.NoError(t, err)
			s, err := scope.Build(f.Body, scope.Options{})
			require.NoError(t, err)
			for _, r := range c.requests {
				parts := strings.Fields(r)
				port := p1
				if parts[1] == "P2" {
					port = p2
				}
				key := c.name + " " + r
				if live {
					h := which(parts[0], port, parts[2])
					if *recordHTTPD {
						golden[key] = h
					} else {
						assert.Equal(t, golden[key], h, "%s: recorded answer differs from the live server", r)
					}
				}
				want, ok := golden[key]
				require.True(t, ok, "no recorded answer for %q: go test ./scope -run TestSelectVHost -record-httpd", key)
				host := parts[2]
				if host == "-" {
					host = ""
				}
				sel := s.SelectVHost(netip.MustParseAddr(parts[0]), port, host)
				got := "main"
				for i, v := range s.VHosts {
					if v == sel.Server {
						got = "v" + strconv.Itoa(i)
					}
				}
				total++
				if assert.Equal(t, want, got, "%s (chosen by %s)", r, sel.How) {
					agree++
				}
			}
		})
	}
	t.Logf("vhost selection agreement with the live server: %d/%d requests", agree, total)
	if *recordHTTPD {
		data, err := json.MarshalIndent(golden, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(goldenPath, append(data, '\n'), 0o644))
	}
}
