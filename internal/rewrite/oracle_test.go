package rewrite

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/internal/oraclecase"
)

// TestOracleRewriteFlags replays testdata/oracle/rewrite-flags, recorded
// by httpd, through the server-context rules (and, for /sub/ and /dpi/,
// the .htaccess rules with the file names httpd's directory walk gives).
func TestOracleRewriteFlags(t *testing.T) {
	const caseDir = "testdata/oracle/rewrite-flags"
	const root = "/ROOT"
	cases, err := oraclecase.Load(caseDir)
	require.NoError(t, err)
	require.Len(t, cases, 1)
	subst := func(s string) string {
		return strings.NewReplacer("@ROOT@", root, "@BACKEND@", "8083", "@PORT@", "8081").Replace(s)
	}
	site, err := os.ReadFile(caseDir + "/site.conf")
	require.NoError(t, err)
	s, base := &ServerConfig{}, NewDirConfig("")
	for _, d := range directives(t, subst(string(site))) {
		if strings.HasPrefix(d.Canonical(), "rewrite") {
			require.NoError(t, s.AddServer(d, base, MapOptions{}))
		}
	}
	htaccess := func(dir string) *DirConfig {
		text, err := os.ReadFile(caseDir + "/files/htdocs/" + dir + "/.htaccess")
		require.NoError(t, err)
		c := NewDirConfig(root + "/htdocs/" + dir)
		for _, d := range directives(t, subst(string(text))) {
			require.NoError(t, c.Add(d))
		}
		return c
	}
	sub, dpi := htaccess("sub"), htaccess("dpi")
	files := &fakeReq{files: map[string]FileInfo{root: dir, root + "/htdocs": dir, root + "/htdocs/new/x.txt": file(3), root + "/htdocs/dpi/x.txt": file(2)}}
	for _, rq := range cases[0].Requests {
		t.Run(rq.Line, func(t *testing.T) {
			req := *files
			req.headers = map[string]string{"Host": rq.Host}
			for k, v := range rq.Headers {
				req.headers[k] = v
			}
			u, err := url.Parse(rq.Path)
			require.NoError(t, err)
			in := &Input{URI: u.Path, Query: u.RawQuery, HasQuery: strings.Contains(rq.Path, "?"), Scheme: "http",
				ServerName: "x.example", Port: 80, Req: &req, ProxyAvailable: true, SymLinksAllowed: true,
				DocumentRoot: root + "/htdocs"}
			var res *Result
			switch {
			case strings.HasPrefix(u.Path, "/sub/"):
				in.Filename = root + "/htdocs" + u.Path
				res = sub.Fixup(in)
			case strings.HasPrefix(u.Path, "/dpi/"):
				in.Filename = root + "/htdocs" + u.Path
				if strings.HasPrefix(u.Path, "/dpi/x.txt/") {
					in.Filename, in.PathInfo = root+"/htdocs/dpi/x.txt", strings.TrimPrefix(u.Path, "/dpi/x.txt")
				}
				res = dpi.Fixup(in)
			default:
				res = s.Translate(base, in)
			}
			switch {
			case rq.Status >= 300 && rq.Status < 400:
				require.Equal(t, Redirect, res.Action, "%+v", res)
				assert.Equal(t, rq.Status, res.Status)
				assert.Equal(t, subst(rq.Location), res.Location)
			case rq.Backend != "":
				require.Equal(t, Proxy, res.Action, "%+v", res)
				// The URL before mod_proxy_http canonicalises it (the
				// proxy package's job): the back-reference decoded.
				want, _ := url.PathUnescape(rq.BackendPath)
				got := strings.TrimPrefix(res.ProxyURL, "http://127.0.0.1:8083")
				if res.HasQuery && !res.NoCanon {
					got += "?" + res.Query
				}
				assert.Equal(t, want, got)
			case rq.Status == 403 && res.Action == Proxy:
				// [P,NE]: the space is refused by proxy_http_canon (AH10415).
				assert.True(t, res.NoCanon)
				assert.Contains(t, res.ProxyURL, " ")
			case rq.Status >= 400 && rq.Status != 404:
				require.Equal(t, Status, res.Action, "%+v", res)
				assert.Equal(t, rq.Status, res.Status)
			default: // 200 or 404: decided later, by the file found
				assert.Contains(t, []Action{Declined, Rewritten, InternalRedirect}, res.Action, "%+v", res)
			}
			assert.Empty(t, res.Unmodelled)
		})
	}
}
