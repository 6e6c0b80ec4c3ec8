package lint

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apacheconf/apacheconf/internal/oracle"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// routingAnalyzers are the AC7xxx rules.
var routingAnalyzers = []*Analyzer{ProxyPassShadowed, ProxyPassSlash, FCGIMissingFiles, RewriteSymlinksOff, RewriteAfterCatchAll, RedirectLoop, OpenForwardProxy}

// routingCase lints one case of conformance/routing (recorded by the real
// server through ../shared/oracle/run.py) with the routing rules: its
// site.conf under the oracle's base configuration, @ROOT@ as "/", the
// ports run.py --materialize uses, and its files/ tree as the file
// system.
func routingCase(t *testing.T, dir string, analyzers []*Analyzer) ([]Diagnostic, string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(dir, "site.conf"))
	if err != nil {
		t.Fatal(err)
	}
	expected, err := os.ReadFile(filepath.Join(dir, "expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	subst := strings.NewReplacer("@ROOT@", "", "@PORT@", "8081", "@PORT2@", "8082", "@BACKEND@", "8083", "@BACKEND2@", "8084", "@FCGI@", "8085")
	// The parts of run.py's BASE that bear on routing.
	base := "Listen 8081\nListen 8082\nServerName localhost\nDocumentRoot /htdocs\n<Directory />\n  AllowOverride None\n  Require all denied\n</Directory>\n"
	fsys := fstest.MapFS{"site.conf": {Data: []byte(base + subst.Replace(string(src)))}}
	root := filepath.Join(dir, "files")
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: []byte(subst.Replace(string(b)))}
		}
		return nil
	})
	l, lerr := parser.Load(fsys, "/site.conf", parser.LoadOptions{ServerRoot: "/"})
	if l == nil {
		t.Fatalf("%s: %v", dir, lerr)
	}
	prog := NewProgram(l.Body, lerr, ProgramOptions{FS: fsys, Resolver: fixedResolver{}})
	return Run(prog, analyzers, Config{}), string(expected)
}

// routingWant is a finding a routing case must give: the rule, where,
// and the recorded answer that shows httpd doing what the finding says
// (in the case itself, or, with "@case " before it, in another case with
// the same configuration pattern).
type routingWant struct {
	rule, at, evidence string
}

const fcgiEvidence = "@fcgi-filesmatch-basic php.example /missing.php -> 200 group=- app=- backend=fcgi"

// routingFindings are the findings of the routing rules on the recorded
// routing cases; every other case must give none (the false-positive
// check: httpd's answers show those configurations doing what they say).
var routingFindings = map[string][]routingWant{
	"fcgi-addhandler":         {{"AC7003", "/site.conf:15", "php.example /a.php.txt -> 200 group=- app=- backend=fcgi"}},
	"fcgi-alias":              {{"AC7003", "/site.conf:17", "php.example /tools/missing.php -> 200 group=- app=- backend=fcgi"}},
	"fcgi-dirindex":           {{"AC7003", "/site.conf:17", fcgiEvidence}},
	"fcgi-filesmatch-basic":   {{"AC7003", "/site.conf:16", "php.example /missing.php -> 200 group=- app=- backend=fcgi"}},
	"fcgi-guards":             {{"AC7003", "/site.conf:32", "php.example /none/missing.php -> 200 group=- app=- backend=fcgi"}},
	"lint-fcgi-guards-server": {{"AC7003", "/site.conf:17", "eo.example /missing.php -> 200 group=- app=- backend=fcgi"}},
	"mix-dirindex-targets":    {{"AC7003", "/site.conf:20", fcgiEvidence}},
	"lint-open-forward-proxy": {
		{"AC7007", "/site.conf:15", "fwd.example http://127.0.0.1:1/x from=127.0.0.2 -> 503"},
		{"AC7007", "/site.conf:20", "granted.example:port2 http://127.0.0.1:1/x from=127.0.0.3 -> 503"},
	},
	"lint-proxy-slash": {
		{"AC7002", "/site.conf:15", "p.example /bare/x -> 500"},
		{"AC7002", "/site.conf:20", "p.example /loc/x -> 200 group=- app=- backend=b2 path=/l//x"},
	},
	"proxy-down-badport": {
		{"AC7002", "/site.conf:15", "p.example /bare/x -> 500"},
		{"AC7002", "/site.conf:16", "p.example /one/x -> 500"},
		{"AC7002", "/site.conf:17", "p.example /noport/x -> 500"},
		{"AC7002", "/site.conf:18", "p.example /name/x -> 500"},
		{"AC7002", "/site.conf:19", "p.example /colon/x -> 500"},
		{"AC7002", "/site.conf:20", "p.example /fcgibare/x -> 500"},
	},
	"proxy-down-fcgi": {{"AC7003", "/site.conf:17", "f.example /php/missing.php -> 503"}},
	"lint-redirect-loop": {
		{"AC7006", "/site.conf:12", "a.example /old/new/x -> 302 group=- app=- location=http://a.example/old/new/new/x"},
		{"AC7006", "/site.conf:13", "a.example /m/v2/a -> 302 group=- app=- location=http://a.example/m/v2/v2/a"},
		{"AC7006", "/site.conf:20", "r.example /shop/en/x -> 301 group=- app=- location=http://r.example/shop/en/en/x"},
		{"AC7006", "/site.conf:23", "r.example /abs/x/y -> 302 group=- app=- location=http://r.example/abs/x/x/y"},
	},
	"lint-rules-after-catchall": {
		{"AC7005", "/site.conf:10", "i.example /inherited -> 404"},
		{"AC7005", "/site.conf:16", "r.example /old -> 404"},
		{"AC7005", "/site.conf:24", "d.example /d/old -> 404"},
	},
	"proxy-balancer":             {{"AC7002", "/site.conf:22", "p.example /lb2/x -> 500"}},
	"proxy-exclusions":           {{"AC7001", "/site.conf:18", "p.example /app/private/p -> 200 group=- app=- backend=b1 path=/private/p"}},
	"lint-proxymatch-shadowed":   {{"AC7001", "/site.conf:16", "p.example /app/x.php -> 200 group=- app=- backend=b1 path=/x.php"}},
	"proxy-location-vs-server":   {{"AC7001", "/site.conf:22", "p.example /z/w/1 -> 200 group=- app=- backend=b2 path=/zloc/w/1"}},
	"proxy-server-level-inherit": {{"AC7001", "/site.conf:17", "a.example /both/x -> 200 group=- app=- backend=b1 path=/main-both/x"}},
	"proxy-trailing-slash": {
		{"AC7002", "/site.conf:15", "p.example /api/x -> 200 group=- app=- backend=b1 path=/v1//x"},
		{"AC7002", "/site.conf:16", "p.example /svc/x -> 200 group=- app=- backend=b1 path=/sx"},
	},
	// Real applications' deployments (rw-app-*): <FilesMatch \.php$>
	// SetHandler proxy:fcgi with no -f guard where the application's
	// .htaccess does not catch every missing file.
	"rw-app-alias-subdirs": {{"AC7003", "/site.conf:26", "alias.example /missing.php -> 200 group=- app=- backend=fcgi script=proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/htdocs/missing.php"}},
	"rw-app-allowoverride": {
		{"AC7003", "/site.conf:20", "none.example /missing.php -> 200 group=- app=- backend=fcgi script=proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/sites/none/missing.php"},
		{"AC7003", "/site.conf:31", "fileinfo.example /missing.php -> 200 group=- app=- backend=fcgi script=proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/sites/fileinfo/missing.php"},
		{"AC7003", "/site.conf:42", "fileinfo-options.example /missing.php -> 200 group=- app=- backend=fcgi script=proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/sites/fileinfo-options/missing.php"},
		{"AC7003", "/site.conf:53", "limited.example /missing.php -> 200 group=- app=- backend=fcgi script=proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/sites/limited/missing.php"},
		{"AC7003", "/site.conf:64", "all.example /missing.php -> 200 group=- app=- backend=fcgi script=proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/sites/all/missing.php"},
	},
	"rw-app-dokuwiki-phpbb":       {{"AC7003", "/site.conf:20", "community.example /missing.php -> 200 group=- app=- backend=fcgi script=proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/htdocs/missing.php"}},
	"rw-app-htaccess-snippets":    {{"AC7003", "/site.conf:20", "www.tips.example /x.y.php -> 200 group=- app=- backend=fcgi script=proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/site/x.y.php"}},
	"rw-app-nextcloud":            {{"AC7003", "/site.conf:20", "files.example /base/jobs.php -> 200 group=- app=- backend=fcgi script=proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/cloud/base/jobs.php"}},
	"rw-app-roundcube":            {{"AC7003", "/site.conf:22", "mail.example /missing.php -> 200 group=- app=- backend=fcgi script=proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/htdocs/missing.php"}},
	"rw-app-wordpress":            {{"AC7003", "/site.conf:25", "journal.example /missing.php -> 200 group=- app=- backend=fcgi script=proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/htdocs/missing.php"}},
	"rw-app-wordpress-multisite":  {{"AC7003", "/site.conf:20", "network.example /site1/missing.php -> 200 group=- app=- backend=fcgi script=proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/htdocs/missing.php"}},
	"rwdir-end-vs-l":              {{"AC7006", "/htdocs/l/.htaccess:2", "d.example /l/a.txt -> 500"}},
	"rwwsgi-fc-missing-cond-loop": {{"AC7006", "/users/bob/web/.htaccess:2", "h.example /~bob/x -> 500"}},
	"rwdir-followsymlinks-off": {
		{"AC7004", "/htdocs/engineonly/.htaccess:1", "d.example /engineonly/plain.txt -> 403"},
		{"AC7004", "/htdocs/nofs/.htaccess:1", "d.example /nofs/plain.txt -> 403"},
	},
}

// TestRoutingOracleCases lints every routing case recorded by the real
// server: the cases that show a rule's finding give exactly it, with the
// recorded answer as evidence; all the others give no routing finding.
func TestRoutingOracleCases(t *testing.T) {
	dirs, _ := filepath.Glob("../conformance/routing/*")
	n := 0
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "site.conf")); err != nil {
			continue
		}
		n++
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			ds, expected := routingCase(t, dir, routingAnalyzers)
			var got []string
			for _, d := range ds {
				got = append(got, fmt.Sprintf("%s %s:%d", d.Rule, d.Pos.Filename, d.Pos.Line))
			}
			var want []string
			for _, w := range routingFindings[name] {
				want = append(want, w.rule+" "+w.at)
				ev, other := w.evidence, expected
				if c, rest, ok := strings.Cut(ev, " "); ok && strings.HasPrefix(c, "@") {
					c = c[1:]
					b, err := os.ReadFile(filepath.Join(filepath.Dir(dir), c, "expected.txt"))
					require.NoError(t, err)
					ev, other = rest, string(b)
				}
				assert.Contains(t, other, ev, "the recorded answer that shows %s %s", w.rule, w.at)
			}
			assert.ElementsMatch(t, want, got, "findings:\n%s", messages(ds))
		})
	}
	require.GreaterOrEqual(t, n, 116, "routing cases")
	for name := range routingFindings {
		_, err := os.Stat(filepath.Join("../conformance/routing", name, "site.conf"))
		assert.NoError(t, err, "case named in routingFindings")
	}
}

func messages(ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s:%d [%s] %s\n", d.Pos.Filename, d.Pos.Line, d.Rule, d.Message)
	}
	return b.String()
}

// TestRoutingMaterialised lints the cases that show a routing rule (and
// the guarded variants beside them) as run.py --materialize writes them
// for the real server — its whole base configuration, the case's tree
// under a temporary root — and expects the same rules on the same files.
func TestRoutingMaterialised(t *testing.T) {
	const runPy = "../../shared/oracle/run.py"
	if testing.Short() {
		t.Skip("materialising cases runs python")
	}
	if _, err := os.Stat(runPy); err != nil {
		t.Skip("no oracle beside the repository (../shared/oracle/run.py)")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is needed to materialise cases")
	}
	names := []string{"fcgi-wordpress", "proxy-requests-forward"}
	for name := range routingFindings {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			conf, err := oracle.Materialize(runPy, filepath.Join("../conformance/routing", name), root)
			require.NoError(t, err)
			nodes, err := oracle.LoadTree(conf, "")
			require.NoError(t, err)
			prog := NewProgram(nodes, nil, ProgramOptions{FS: os.DirFS("/"), Resolver: fixedResolver{}})
			var got, want []string
			for _, d := range Run(prog, routingAnalyzers, Config{}) {
				got = append(got, d.Rule+" "+strings.TrimPrefix(d.Pos.Filename, root))
			}
			for _, w := range routingFindings[name] {
				file, _, _ := strings.Cut(w.at, ":")
				want = append(want, w.rule+" "+file)
			}
			assert.ElementsMatch(t, want, got)
		})
	}
}
