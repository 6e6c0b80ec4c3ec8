package lint

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkRoutingRules runs the routing rules over 1000 virtual hosts,
// each with a ten-entry ProxyPass table, a rewrite rule set with a
// redirect and a FastCGI handler.
func BenchmarkRoutingRules(b *testing.B) {
	var c strings.Builder
	c.WriteString(proxyLoads + "ProxyPass /shared/ http://b/shared/\n")
	for i := range 1000 {
		fmt.Fprintf(&c, "<VirtualHost *:80>\nServerName h%d.example\nDocumentRoot /srv/h%d\n", i, i)
		for j := range 10 {
			fmt.Fprintf(&c, "ProxyPass /p%d/ http://127.0.0.1:%d/p%d/\n", j, 9000+j, j)
		}
		c.WriteString("RewriteEngine On\nRewriteCond %{REQUEST_URI} !^/new/\nRewriteRule ^/old/(.*)$ /new/$1 [R=301,L]\nRewriteRule ^/(.*)$ /index.php/$1 [L]\n")
		c.WriteString("<FilesMatch \\.php$>\n<If \"-f %{REQUEST_FILENAME}\">\nSetHandler proxy:fcgi://127.0.0.1:9000\n</If>\n</FilesMatch>\n</VirtualHost>\n")
	}
	nodes, fsys, err := testLoad(c.String(), nil)
	if err != nil {
		b.Fatal(err)
	}
	prog := NewProgram(nodes, nil, ProgramOptions{FS: fsys, Resolver: fixedResolver{}})
	b.ResetTimer()
	for range b.N {
		prog.routing = nil // parse afresh, as one lint run does
		ds := Run(prog, routingAnalyzers, Config{})
		if len(ds) != 0 {
			b.Fatalf("%d findings, first: %s", len(ds), ds[0].Message)
		}
	}
}
