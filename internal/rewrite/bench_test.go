package rewrite

import (
	"runtime"
	"testing"
)

// tenRules is a typical ten-rule set: host canonicalisation, legacy
// redirects, dotfile protection, a front controller.
const tenRules = `RewriteEngine On
RewriteCond %{HTTP_HOST} !^www\. [NC]
RewriteRule ^/(.*)$ http://www.example.com/$1 [R=301,L]
RewriteRule (^|/)\. - [F]
RewriteRule ^/old/(.*)$ /new/$1 [R=301,L]
RewriteRule ^/blog/(\d+)/(\d+)/(.*)$ /posts/$3?y=$1&m=$2 [PT,L]
RewriteRule ^/gone/ - [G]
RewriteCond %{REQUEST_METHOD} =POST
RewriteRule ^/api/ - [E=API_POST:1]
RewriteRule ^/static/(.*)$ /assets/$1 [L]
RewriteRule ^/shop/(.*)$ /store/$1 [QSA,PT]
RewriteCond %{REQUEST_URI} !-f
RewriteRule ^/app/(.*)$ /index.php/$1 [L]
`

// BenchmarkTenRules: one request through ten server rules (the last one
// matches, after every other was tried).
func BenchmarkTenRules(b *testing.B) {
	s, base := serverConfig(b, tenRules)
	req := &fakeReq{headers: map[string]string{"Host": "www.example.com"}, vars: map[string]string{"REQUEST_METHOD": "GET"}}
	in := request("/app/users/42?x=1", "www.example.com", req)
	b.ReportAllocs()
	b.ResetTimer()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		res := s.Translate(base, in)
		if res.Action != Rewritten {
			b.Fatalf("%+v", res)
		}
	}
}
