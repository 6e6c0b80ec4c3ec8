package lint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/parser"
)

// The package's analyzers run side by side, other analyzers one after
// another: copies of the analyzers (not the package's) must find exactly
// what the originals find, in the same order, on trees with .htaccess
// files, suppressions and findings of many rules (run with -race).
func TestParallelRunMatchesSequential(t *testing.T) {
	for _, dir := range []string{"../examples/hosting", "../examples/debian/etc/apache2", "../cmd/apacheconf/testdata/lint-site"} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			root, err := filepath.Abs(dir)
			require.NoError(t, err)
			main := filepath.Join(root, "apache2.conf")
			chroot := "/"
			if filepath.Base(dir) == "apache2" { // examples/debian: absolute paths under examples/debian
				chroot = filepath.Join(root, "..", "..")
			}
			l, lerr := parser.Load(os.DirFS("/"), main, parser.LoadOptions{ServerRoot: root, Env: os.LookupEnv})
			require.NotNil(t, l)
			analyzers, err := WithProfile("cis-2")
			require.NoError(t, err)
			var copies []*Analyzer
			for _, a := range analyzers {
				c := *a
				copies = append(copies, &c)
			}
			opts := ProgramOptions{FS: os.DirFS(chroot), Resolver: fixedResolver{}}
			want := Run(NewProgram(l.Body, lerr, opts), copies, Config{})
			require.NotEmpty(t, want)
			rules := map[string]bool{}
			for _, d := range want {
				rules[d.Rule] = true
			}
			t.Logf("%d findings of %d rules", len(want), len(rules))
			for i := 0; i < 4; i++ {
				require.Equal(t, want, Run(NewProgram(l.Body, lerr, opts), analyzers, Config{}))
			}
		})
	}
}
