package scope_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

// OptionsAt must answer what EffectiveAt's Result says, for every server
// and directory, also from several goroutines (the walkers are pooled);
// DirectorySectionsUnsorted must list DirectorySections' sections.
func TestOptionsAtAgreesWithEffectiveAt(t *testing.T) {
	src := `Options FollowSymLinks
<Directory />
    Options None
</Directory>
<Directory /srv>
    Options +Indexes -FollowSymLinks
    AllowOverride FileInfo
</Directory>
<Directory /srv/www/a>
    Options Includes
    AllowOverride AuthConfig Limit
    AllowOverrideList Redirect RewriteRule
</Directory>
<DirectoryMatch "^/srv/www/b">
    Options +ExecCGI
</DirectoryMatch>
<VirtualHost *:80>
    ServerName one
    Options All
    <Directory /srv/www>
        Options -Indexes +MultiViews
        AllowOverride All
    </Directory>
</VirtualHost>
<VirtualHost *:80>
    ServerName two
    <Directory /srv/www/a/deep/>
        Options +Indexes
    </Directory>
</VirtualHost>
`
	f, err := parser.ParseFile("opts.conf", []byte(src))
	require.NoError(t, err)
	s, err := scope.Build(f.Body, scope.Options{Resolver: fixedResolver{}})
	require.NoError(t, err)
	dirs := []string{"/", "/tmp", "/srv", "/srv/", "/srv/www", "/srv/www/a", "/srv/www/a/deep", "/srv/www/a/deep/er", "/srv/www/b", "/srv/www/bb/x"}
	servers := append([]*scope.VirtualHost{nil, s.Main}, s.VHosts...)
	distinct, distinctOr, lists := map[int]bool{}, map[int]bool{}, 0
	for _, v := range servers {
		for _, d := range dirs {
			want := s.EffectiveAt(v, d, nil).Options
			distinct[want] = true
			require.Equal(t, want, s.OptionsAt(v, d), "server %v dir %s", v, d)
			r := s.EffectiveAt(v, d, nil)
			wantOr, wantBy := r.AllowOverride()
			or, by, list := s.AllowOverrideAt(v, d)
			require.Equal(t, wantOr, or, "server %v dir %s", v, d)
			require.Same(t, wantBy, by, "server %v dir %s", v, d)
			require.ElementsMatch(t, r.AllowOverrideList(), list, "server %v dir %s", v, d)
			distinctOr[or] = true
			if len(list) > 0 {
				lists++
			}
		}
	}
	for _, v := range servers[1:] { // DirectorySections needs a server
		require.ElementsMatch(t, s.DirectorySections(v), s.DirectorySectionsUnsorted(v), "server %v", v)
	}
	require.Len(t, s.DirectorySectionsUnsorted(s.VHosts[0]), 5)
	require.Greater(t, len(distinct), 4, "the cases should reach several option sets")
	require.Greater(t, len(distinctOr), 2, "the cases should reach several AllowOverride sets")
	require.Positive(t, lists, "the cases should reach an AllowOverrideList")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				v, d := servers[i%len(servers)], dirs[(i/3)%len(dirs)]
				if got, want := s.OptionsAt(v, d), s.EffectiveAt(v, d, nil).Options; got != want {
					t.Errorf("concurrent: server %v dir %s: %x, want %x", v, d, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
