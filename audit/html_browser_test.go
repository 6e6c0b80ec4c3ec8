package audit_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromiumFlags run Debian's chromium headless without touching the
// network or the user's profile.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--virtual-time-budget=5000"}

// dumpDOM loads url in headless Chromium and returns the DOM after the
// page's scripts ran.
func dumpDOM(t *testing.T, url string) string {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium): the HTML report is not checked in a browser")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append(append([]string{}, chromiumFlags...), "--user-data-dir="+t.TempDir(), "--dump-dom", url)
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "chromium: %s", stderr.String())
	return stdout.String()
}

// TestHTMLInBrowser opens the report in a real browser at a cell's
// fragment and reads what the page shows: the grid's cells with their
// verdicts, and the trace the script opened for that cell.
func TestHTMLInBrowser(t *testing.T) {
	rep := run(t)
	var b bytes.Buffer
	require.NoError(t, rep.WriteHTML(&b))
	assert.NotRegexp(t, `(src|href)="(https?:)?//`, b.String(), "the report must not load external assets")
	file := filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, os.WriteFile(file, b.Bytes(), 0o644))

	// The cell of open.example × .git/config.
	ti, pi := -1, -1
	for i, tg := range rep.Targets {
		if tg.Label == "open.example on *:80" {
			ti = i
		}
	}
	for i, p := range rep.Probes {
		if p.ID == "git-config" {
			pi = i
		}
	}
	require.True(t, ti >= 0 && pi >= 0)
	id := "cell-" + itoa(ti) + "-" + itoa(pi)
	dom := dumpDOM(t, "file://"+file+"#"+id)

	assert.Contains(t, dom, `data-ready="1"`, "the page's script ran")
	cells := regexp.MustCompile(`<td class="([^"]*)" id="cell-(\d+)-(\d+)"`).FindAllStringSubmatch(dom, -1)
	assert.Len(t, cells, len(rep.Targets)*len(rep.Probes), "one cell per target and probe")
	class := map[string]string{}
	for _, c := range cells {
		class["cell-"+c[2]+"-"+c[3]] = c[1]
	}
	assert.Contains(t, class[id], "exposed")
	assert.Contains(t, class[id], "selected", "the opened cell is highlighted")
	safe := "cell-0-" + itoa(pi) // safe.example
	assert.Equal(t, "protected", class[safe])

	panel := regexp.MustCompile(`(?s)<div id="panel"[^>]*class="open"[^>]*>(.*?)</div>\s*(<h2>|<script)`).FindStringSubmatch(dom)
	require.NotNil(t, panel, "the trace panel is open")
	text := panel[1]
	assert.Contains(t, text, "open.example on *:80 — VCS metadata: GET .git/config")
	assert.Contains(t, text, "GET /static/.git/config → 200 default-handler /opt/static/.git/config")
	assert.Contains(t, text, "mapping: Alias /static/ /opt/static/ -&gt; /opt/static/.git/config")
	assert.Contains(t, text, "/etc/apache2/apache2.conf:", "trace steps carry their positions")
	assert.Contains(t, text, "Fix: ")
	assert.Equal(t, 2, strings.Count(text, `class="answer is-exposed"`), "both roots of open.example hand it out")

	// Without a fragment no trace is open.
	dom = dumpDOM(t, "file://"+file)
	assert.NotContains(t, dom, `<div id="panel" role="region" aria-live="polite" class="open"`)
}

func itoa(i int) string { return strconv.Itoa(i) }
