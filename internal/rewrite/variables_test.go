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

// TestOracleVariables replays testdata/oracle/rewrite-variables; the
// expr condition with -ipmatch is the one answer we leave Undecided.
func TestOracleVariables(t *testing.T) {
	const caseDir = "testdata/oracle/rewrite-variables"
	cases, err := oraclecase.Load(caseDir)
	require.NoError(t, err)
	site, err := os.ReadFile(caseDir + "/site.conf")
	require.NoError(t, err)
	s, base := &ServerConfig{}, NewDirConfig("")
	for _, d := range directives(t, string(site)) {
		if strings.HasPrefix(d.Canonical(), "rewrite") {
			require.NoError(t, s.AddServer(d, base, MapOptions{}))
		}
	}
	for _, rq := range cases[0].Requests {
		t.Run(rq.Line, func(t *testing.T) {
			u, err := url.Parse(rq.Path)
			require.NoError(t, err)
			remote := rq.Remote
			if remote == "" {
				remote = "127.0.0.1"
			}
			env := map[string]string{}
			if rq.Headers["X-Tag"] == "t" { // SetEnvIf X-Tag ^t$ TAGGED=yes
				env["TAGGED"] = "yes"
			}
			req := &fakeReq{headers: rq.Headers, env: env,
				vars: map[string]string{"REMOTE_ADDR": remote, "THE_REQUEST": rq.Method + " " + rq.Path + " HTTP/1.1"}}
			res := s.Translate(base, request(rq.Path, rq.Host, req))
			if u.Path == "/ip" {
				require.Equal(t, Undecided, res.Action)
				assert.Contains(t, strings.Join(res.Unmodelled, "; "), "-ipmatch")
				return
			}
			switch {
			case rq.Status == 403:
				assert.Equal(t, Status, res.Action, "%+v", res)
				assert.Equal(t, 403, res.Status)
			case rq.Status == 302:
				require.Equal(t, Redirect, res.Action, "%+v", res)
				assert.Equal(t, rq.Location, res.Location)
			default:
				assert.Equal(t, Declined, res.Action, "%+v", res)
			}
		})
	}
}
