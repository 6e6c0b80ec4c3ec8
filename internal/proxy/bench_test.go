package proxy

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkProxyPassTable100: one request through a 100-entry ProxyPass
// table (prefixes and a few regexes); the last entry matches.
func BenchmarkProxyPassTable100(b *testing.B) {
	var conf strings.Builder
	for i := 0; i < 99; i++ {
		if i%10 == 0 {
			fmt.Fprintf(&conf, "ProxyPassMatch ^/svc%d/(.*)\\.json$ http://10.0.%d.1:8080/$1\n", i, i)
			continue
		}
		fmt.Fprintf(&conf, "ProxyPass /svc%d/ http://10.0.%d.1:8080/api/ retry=0\n", i, i)
	}
	conf.WriteString("ProxyPass /last/ http://10.0.200.1:8080/v1/\n")
	s, _ := build(b, conf.String())
	req := Request{URI: "/last/users/42", UnparsedURI: "/last/users/42?x=1", Query: "x=1", HasQuery: true}
	b.ReportAllocs()
	b.ResetTimer()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		m := Translate(s, nil, req)
		c := Canon(m.Filename, CanonOptions{Query: req.Query, HasQuery: true})
		if c.Path != "/v1/users/42?x=1" {
			b.Fatal(c)
		}
	}
}
