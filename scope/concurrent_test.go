package scope_test

import (
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/internal/gen/bigconf"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

// Requests and directory queries on one Server may run side by side: the
// configurations they build (each virtual host's, each section's, the
// modules' server configurations) are built once and shared. Every
// goroutine must get the answer a lone request gets (run with -race).
func TestConcurrentRequestsShareConfigurations(t *testing.T) {
	f, err := parser.ParseFile("big.conf", bigconf.VHosts(40))
	require.NoError(t, err)
	build := func() *scope.Server {
		s, err := scope.Build(f.Body, scope.Options{Resolver: fixedResolver{}})
		require.NoError(t, err)
		return s
	}
	fsys := fstest.MapFS{}
	for i := 0; i < 40; i++ {
		fsys[fmt.Sprintf("srv/www/site%d/public_html/index.html", i)] = &fstest.MapFile{Data: []byte("x")}
		fsys[fmt.Sprintf("srv/www/site%d/public_html/sub/a.txt", i)] = &fstest.MapFile{Data: []byte("x")}
	}
	req := func(i int) scope.Request {
		return scope.Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80,
			Host: fmt.Sprintf("site%d.example.com", i%40), Path: []string{"/index.html", "/", "/sub", "/missing"}[i%4]}
	}
	type answer struct {
		status int
		reason string
		steps  int
		opts   int
	}
	lone := build()
	want := make([]answer, 160)
	for i := range want {
		r := lone.Request(req(i), scope.RequestOptions{FS: fsys})
		want[i] = answer{r.Status, r.Reason, len(r.Steps), r.Options}
	}
	shared := build()
	var wg sync.WaitGroup
	got := make([]answer, 160)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < 160; i += 8 {
				shared.EffectiveAt(shared.VHosts[i%40], fmt.Sprintf("/srv/www/site%d/public_html", i%40), fsys)
				r := shared.Request(req(i), scope.RequestOptions{FS: fsys})
				got[i] = answer{r.Status, r.Reason, len(r.Steps), r.Options}
			}
		}(g)
	}
	wg.Wait()
	assert.Equal(t, want, got)
	reasons := map[string]bool{}
	for _, a := range want {
		reasons[a.reason] = true
	}
	assert.GreaterOrEqual(t, len(reasons), 3, "a file, a directory, a missing file: %v", reasons)
}
