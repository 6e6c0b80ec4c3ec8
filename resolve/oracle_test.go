package resolve_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/internal/oracle"
	"github.com/apacheconf/apacheconf/scope"
)

// TestOracleCases: status, process group and application group equal
// what the real Apache + mod_wsgi answered for every recorded request.
func TestOracleCases(t *testing.T) {
	cases, err := oracle.Load("../../shared/oracle/cases/*", "testdata/cases/*")
	require.NoError(t, err)
	if len(cases) == 0 {
		t.Skip("no oracle cases found (../shared/oracle/cases)")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is needed to materialize oracle cases")
	}
	total, agree := 0, 0
	var diffs []string
	for _, c := range cases {
		if c.Requests[0].ConfigError != "" {
			continue
		}
		root := t.TempDir()
		conf, err := oracle.Materialize("../../shared/oracle/run.py", c.Dir, root)
		require.NoError(t, err)
		nodes, err := oracle.LoadTree(conf, "")
		require.NoError(t, err, c.Dir)
		eng, err := oracle.NewEngine(nodes, scope.RequestOptions{})
		require.NoError(t, err, c.Dir)
		for _, rq := range c.Requests {
			o := eng.Answer(rq)
			total++
			if oracle.Agrees(rq, o) {
				agree++
			} else {
				diffs = append(diffs, fmt.Sprintf("%s: %s: want %s, got %s (%s: %s)", filepath.Base(c.Dir), rq.Line, rq.Want(), o.Line(), o.Verdict, o.Reason))
			}
		}
	}
	t.Logf("agreement with the real server: %d/%d requests", agree, total)
	for _, d := range diffs {
		t.Log(d)
	}
	assert.Empty(t, diffs)
}
