package scope

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/parser"
)

// DirectorySections reads the order from the sections' words without
// compiling the server: it must be compiledFor's order exactly, regexes,
// "~" forms, depths, unclean paths and ties with the main server's
// sections included.
func TestDirectorySectionOrderMatchesCompiled(t *testing.T) {
	src := `<Directory /srv/www>
</Directory>
<DirectoryMatch "^/srv/(a|b)">
</DirectoryMatch>
<Directory />
</Directory>
<Directory /srv/www/a/b/>
</Directory>
<VirtualHost *:80>
    ServerName one
    <Directory ~ "^/srv">
    </Directory>
    <Directory /srv//www/./x/../a>
    </Directory>
    <Directory /srv>
    </Directory>
    <Directory />
    </Directory>
    <DirectoryMatch "[">
    </DirectoryMatch>
    <Directory "/srv/www/*/c">
    </Directory>
    <Directory /srv/www>
    </Directory>
</VirtualHost>
<VirtualHost *:80>
    ServerName two
</VirtualHost>
<VirtualHost *:80>
    ServerName three
    <DirectoryMatch "^/x">
    </DirectoryMatch>
</VirtualHost>
`
	f, err := parser.ParseFile("order.conf", []byte(src))
	require.NoError(t, err)
	s, _ := Build(f.Body, Options{})
	require.NotNil(t, s)
	for _, v := range append([]*VirtualHost{s.Main}, s.VHosts...) {
		got := s.DirectorySections(v)
		var want []string
		for _, d := range s.compiledFor(v).dirSecs {
			want = append(want, d.sec.Pos().String())
		}
		var have []string
		for _, sec := range got {
			have = append(have, sec.Pos().String())
		}
		require.Equal(t, want, have, "server %s", v.ServerName)
	}
	require.Len(t, s.DirectorySections(s.VHosts[0]), 11)
}
