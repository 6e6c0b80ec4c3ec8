package lint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/apacheconf/apacheconf/internal/gen/bigconf"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/stretchr/testify/require"
)

// TestDebianStock lints the installed Debian configuration (apache2
// package, untouched): it must give no error-level finding.
func TestDebianStock(t *testing.T) {
	if _, err := os.Stat("/etc/apache2/apache2.conf"); err != nil {
		t.Skip("no /etc/apache2/apache2.conf")
	}
	l, err := parser.Load(os.DirFS("/"), "/etc/apache2/apache2.conf", parser.LoadOptions{ServerRoot: "/etc/apache2", Env: os.LookupEnv})
	require.NotNil(t, l)
	prog := NewProgram(l.Body, err, ProgramOptions{FS: os.DirFS("/"), Resolver: fixedResolver{}})
	ds := Run(prog, Analyzers(), Config{})
	for _, d := range ds {
		t.Logf("%s: %s: %s [%s]", d.Pos, d.Severity, d.Message, d.Rule)
		require.NotEqual(t, Error, d.Severity, "false error on Debian's stock configuration")
	}
}

// BenchmarkLint10kVHosts parses, builds and lints a 10,000-vhost
// configuration (internal/gen/bigconf) with every rule.
func BenchmarkLint10kVHosts(b *testing.B) {
	src := bigconf.VHosts(10000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f, err := parser.Config{}.ParseFile("big.conf", src)
		require.NoError(b, err)
		prog := NewProgram(f.Body, nil, ProgramOptions{Resolver: fixedResolver{}})
		ds := Run(prog, Analyzers(), Config{})
		if i == 0 {
			b.ReportMetric(float64(len(ds)), "findings")
		}
	}
}

// BenchmarkLintTree10kVHosts is what `apacheconf lint DIR` does on the
// 10,000-vhost tree scripts/bench-vs-httpd times (internal/gen/bigconf:
// document roots on disk, one in ten with a .htaccess): load, build, and
// every rule with the .htaccess files read and the document roots walked.
func BenchmarkLintTree10kVHosts(b *testing.B) {
	dir := b.TempDir()
	require.NoError(b, bigconf.Tree(dir, 10000, 100))
	fsys := os.DirFS("/")
	opts := parser.LoadOptions{ServerRoot: dir, SkipTrivia: true, KeepComment: IsSuppression}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		l, err := parser.Load(fsys, filepath.Join(dir, "apache2.conf"), opts)
		require.NotNil(b, l)
		prog := NewProgram(l.Body, err, ProgramOptions{FS: fsys, Resolver: fixedResolver{}})
		ds := Run(prog, Analyzers(), Config{})
		if i == 0 {
			b.ReportMetric(float64(len(ds)), "findings")
			b.ReportMetric(float64(len(prog.HTAccessFiles())), "htaccess")
		}
	}
}

// BenchmarkRules10kVHosts is the rules alone (tree, servers and group
// inventory built once).
func BenchmarkRules10kVHosts(b *testing.B) {
	src := bigconf.VHosts(10000)
	f, err := parser.Config{}.ParseFile("big.conf", src)
	require.NoError(b, err)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		prog := NewProgram(f.Body, nil, ProgramOptions{Resolver: fixedResolver{}})
		Run(prog, Analyzers(), Config{})
	}
}
