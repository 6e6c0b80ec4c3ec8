package scope

import (
	"net/netip"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const proxyLoads = `LoadModule proxy_module mod_proxy.so
LoadModule proxy_http_module mod_proxy_http.so
LoadModule proxy_fcgi_module mod_proxy_fcgi.so
LoadModule proxy_balancer_module mod_proxy_balancer.so
`

const proxyConf = `DocumentRoot /srv/www
<Directory /srv/www>
  Require all granted
</Directory>
<Proxy balancer://one>
  BalancerMember http://127.0.0.1:9100/m
</Proxy>
<Proxy balancer://two>
  BalancerMember http://127.0.0.1:9101
  BalancerMember http://127.0.0.1:9102
</Proxy>
<Proxy http://127.0.0.1:9000/secret>
  Require all denied
</Proxy>
ProxyPass /api/private !
ProxyPass /api/ http://127.0.0.1:9000/v1/
ProxyPass /sec/ http://127.0.0.1:9000/secret/
ProxyPassMatch ^/fpm/(.*\.php)$ fcgi://127.0.0.1:9001/srv/www/$1
ProxyPass /lb/ balancer://one/
ProxyPass /lb2/ balancer://two/
ProxyPass /nolb/ balancer://none/
<Location /legacy/>
  ProxyPass http://127.0.0.1:9000/old/
  ProxyPreserveHost On
</Location>
<LocationMatch ^/lm/>
  ProxyPass http://127.0.0.1:9000/never/
</LocationMatch>
<FilesMatch \.php$>
  SetHandler "proxy:fcgi://127.0.0.1:9001"
</FilesMatch>
<Location /sh/>
  SetHandler "proxy:unix:/run/php/FPM.sock|fcgi://localhost"
</Location>
`

// mod_proxy as a module: what each request is mapped to, the URL the
// backend is asked for, FastCGI's SCRIPT_FILENAME and PATH_INFO, the
// status, on one configuration (ProxyPass, exclusions, <Location> and
// <LocationMatch> one-argument forms, <Proxy> access, balancers,
// SetHandler proxy:…).
func TestProxyModule(t *testing.T) {
	fsys := fstest.MapFS{
		"srv/www/a.php":          {Data: []byte("<?php")},
		"srv/www/readme.txt":     {Data: []byte("x")},
		"srv/www/api/private/p":  {Data: []byte("x")},
		"srv/www/sh/index.html":  {Data: []byte("x")},
		"srv/www/lm/x":           {Data: []byte("x")},
		"srv/www/legacy/on-disk": {Data: []byte("x")},
	}
	s := moduleServer(t, proxyLoads+proxyConf)
	tests := []struct {
		path, method           string
		status                 int
		url, script, pathInfo  string
		members                []string
		unmodelled, preserveOn bool
	}{
		{path: "/api/users?x=1", status: 200, url: "http://127.0.0.1:9000/v1/users?x=1"},
		{path: "/api/private/p", status: 200}, // excluded: the file
		{path: "/sec/x", status: 403},         // <Proxy …/secret> denies
		{path: "/legacy/a/b", status: 200, url: "http://127.0.0.1:9000/old/a/b", preserveOn: true},
		{path: "/lm/x", status: 200}, // one-argument ProxyPass in <LocationMatch> never proxies
		{path: "/fpm/a.php", status: 200, url: "fcgi://127.0.0.1:9001/srv/www/a.php", script: "proxy:fcgi://127.0.0.1:9001/srv/www/a.php"},
		{path: "/a.php/x/y", status: 200, url: "fcgi://127.0.0.1:9001/srv/www/a.php", script: "proxy:fcgi://127.0.0.1:9001/srv/www/a.php", pathInfo: "/x/y"},
		{path: "/missing.php", status: 200, url: "fcgi://127.0.0.1:9001/srv/www/missing.php", script: "proxy:fcgi://127.0.0.1:9001/srv/www/missing.php"},
		{path: "/readme.txt", status: 200},
		{path: "/lb/x?y=1", status: 200, url: "http://127.0.0.1:9100/m/x?y=1", members: []string{"http://127.0.0.1:9100/m"}},
		{path: "/lb2/x", status: 200, members: []string{"http://127.0.0.1:9101", "http://127.0.0.1:9102"}, unmodelled: true},
		{path: "/nolb/x", status: 503}, // a balancer without members: no worker
		{path: "/api/users", method: "DELETE", status: 200, url: "http://127.0.0.1:9000/v1/users"}, // the backend answers any method
		{path: "/readme.txt", method: "DELETE", status: 405},
	}
	// Every backend answers (TestProxyBackends: what else happens).
	up := &Backends{Up: []string{"127.0.0.1:9000", "127.0.0.1:9001", "127.0.0.1:9100", "127.0.0.1:9101", "127.0.0.1:9102", "unix:/run/php/FPM.sock"}}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: tt.path, Method: tt.method, Backends: up}, RequestOptions{FS: fsys})
			assert.Equal(t, tt.status, res.Status, res.Reason)
			if tt.url == "" && tt.members == nil {
				assert.Nil(t, res.Proxy, "not proxied")
				return
			}
			require.NotNil(t, res.Proxy, res.Reason)
			if tt.url != "" {
				assert.Equal(t, tt.url, res.Proxy.URL)
			}
			assert.Equal(t, tt.script, res.Proxy.ScriptFilename)
			assert.Equal(t, tt.pathInfo, res.Proxy.PathInfo)
			assert.Equal(t, tt.members, res.Proxy.Members)
			assert.Equal(t, tt.unmodelled, len(res.Proxy.Unmodelled) > 0, res.Proxy.Unmodelled)
			assert.Equal(t, tt.preserveOn, res.Proxy.PreserveHost)
		})
	}
	// A unix: socket keeps its case (SetHandler is not lower-cased past
	// "proxy:") and the directory keeps the URI's slash.
	res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: "/sh/x.txt"}, RequestOptions{FS: fsys})
	require.NotNil(t, res.Proxy, res.Reason)
	assert.Equal(t, "unix:/run/php/FPM.sock", res.Proxy.Socket)
	assert.Equal(t, "proxy:fcgi://localhost/srv/www/sh/x.txt", res.Proxy.ScriptFilename)
}

// Without LoadModule proxy_module httpd refuses ProxyPass at start-up;
// a SetHandler "proxy:…" alone is no handler anyone takes, and the
// default handler serves the file.
func TestProxyNotLoaded(t *testing.T) {
	fsys := fstest.MapFS{"srv/www/a.php": {Data: []byte("<?php")}}
	s := moduleServer(t, "DocumentRoot /srv/www\n<FilesMatch \\.php$>\nSetHandler \"proxy:fcgi://127.0.0.1:9001\"\n</FilesMatch>\n")
	res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: "/a.php"}, RequestOptions{FS: fsys})
	assert.Nil(t, res.Proxy)
	assert.Equal(t, 200, res.Status)
	assert.Equal(t, "file served by the default handler", res.Reason)
	// mod_proxy without mod_proxy_fcgi: no canon handler takes fcgi://.
	s = moduleServer(t, "LoadModule proxy_module mod_proxy.so\nDocumentRoot /srv/www\n<FilesMatch \\.php$>\nSetHandler \"proxy:fcgi://127.0.0.1:9001\"\n</FilesMatch>\n")
	res = s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: "/a.php"}, RequestOptions{FS: fsys})
	assert.Nil(t, res.Proxy)
}

// Whoever maps the request to "proxy:URL" (mod_rewrite's [P] does, at
// translate_name), mod_proxy takes it off the file system, merges the
// <Proxy> sections for its URL and serves it.
func TestProxyServesAnyProxyFilename(t *testing.T) {
	s := moduleServer(t, proxyLoads+proxyConf)
	opts := RequestOptions{FS: fstest.MapFS{}, Map: func(_ *Server, _ *VirtualHost, uri string) Mapping {
		return Mapping{Kind: "rewrite", Filename: "proxy:http://127.0.0.1:9000" + uri, Handler: "proxy-server", URI: uri}
	}}
	res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: "/users", Backends: &Backends{Up: []string{"127.0.0.1:9000"}}}, opts)
	require.NotNil(t, res.Proxy, res.Reason)
	assert.Equal(t, 200, res.Status)
	assert.Equal(t, "http://127.0.0.1:9000/users", res.Proxy.URL)
	res = s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: "/secret/x"}, opts)
	assert.Equal(t, 403, res.Status, "<Proxy http://127.0.0.1:9000/secret> applies: %s", res.Reason)
}

// <Limit>/<LimitExcept> narrow the access directives to their methods
// (HEAD is GET; a method nobody names is covered by every LimitExcept);
// Require method; the default handler by method.
func TestMethods(t *testing.T) {
	fsys := fstest.MapFS{"srv/www/x.txt": {Data: []byte("x")}, "srv/www/ro/x.txt": {Data: []byte("x")}}
	s := moduleServer(t, `DocumentRoot /srv/www
<Directory /srv/www>
  <LimitExcept GET>
    Require ip 10.0.0.0/8
  </LimitExcept>
</Directory>
<Directory /srv/www/ro>
  Require method GET OPTIONS
</Directory>
`)
	tests := []struct {
		path, method, remote string
		status               int
	}{
		{"/x.txt", "", "", 200},
		{"/x.txt", "HEAD", "", 200},
		{"/x.txt", "POST", "", 403},
		{"/x.txt", "POST", "10.2.3.4", 200},
		{"/x.txt", "PUT", "10.2.3.4", 405},
		{"/x.txt", "FOO", "10.2.3.4", 501},
		{"/x.txt", "FOO", "", 403},
		{"/missing", "OPTIONS", "10.2.3.4", 200},
		{"/x.txt", "TRACE", "", 200},
		{"/ro/x.txt", "HEAD", "", 200},
		{"/ro/x.txt", "OPTIONS", "", 200},
		{"/ro/x.txt", "get", "", 403}, // method names are case-sensitive
	}
	for _, tt := range tests {
		req := Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: tt.path, Method: tt.method}
		if tt.remote != "" {
			req.Remote = netip.MustParseAddr(tt.remote)
		}
		res := s.Request(req, RequestOptions{FS: fsys})
		assert.Equal(t, tt.status, res.Status, "%s %s from %s: %s", tt.method, tt.path, tt.remote, res.Reason)
	}
}

// ProxyRequests On: an absolute URI naming another server is forwarded
// (guarded by <Proxy *>); one naming this server, or any with
// ProxyRequests Off, is served locally, its host choosing the virtual
// host over the Host header.
func TestForwardProxy(t *testing.T) {
	s := moduleServer(t, proxyLoads+`Listen 80
<VirtualHost *:80>
  ServerName fwd.example
  DocumentRoot /srv/fwd
  ProxyRequests On
  <Proxy "*">
    Require ip 127.0.0.1
  </Proxy>
</VirtualHost>
<VirtualHost *:80>
  ServerName local.example
  DocumentRoot /srv/local
</VirtualHost>
`)
	fsys := fstest.MapFS{"srv/local/x.txt": {Data: []byte("x")}, "srv/fwd/y.txt": {Data: []byte("x")}}
	ask := func(host, target, remote string) *Result {
		return s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: host, Path: target,
			Remote: netip.MustParseAddr(remote)}, RequestOptions{FS: fsys})
	}
	res := ask("fwd.example", "http://backend.example:8080/a?b=1", "127.0.0.1")
	require.NotNil(t, res.Proxy, res.Reason)
	assert.Equal(t, 0, res.Status, "whether backend.example:8080 answers is not known")
	assert.Equal(t, "unknown", res.Proxy.BackendState)
	assert.Equal(t, "http://backend.example:8080/a?b=1", res.Proxy.URL)
	assert.Equal(t, 403, ask("fwd.example", "http://backend.example:8080/a", "127.0.0.2").Status)
	res = ask("fwd.example", "http://local.example/x.txt", "127.0.0.1")
	assert.Nil(t, res.Proxy)
	assert.Equal(t, "local.example", res.Server.ServerName, "the URI's host chooses the virtual host")
	assert.Equal(t, 200, res.Status, res.Reason)
	res = ask("whatever", "http://fwd.example/y.txt", "127.0.0.1")
	assert.Nil(t, res.Proxy, "names this server: served locally")
	assert.Equal(t, 200, res.Status, res.Reason)
}

// What happens once mod_proxy has picked a target depends on the world
// (Request.Backends): nothing declared, the status is the backend's
// (0, Unmodelled); declared, httpd's own 503 for a refused connection
// and 500 for a host name that does not resolve
// (conformance/routing/proxy-down-*).
func TestProxyBackends(t *testing.T) {
	s := moduleServer(t, proxyLoads+`DocumentRoot /srv/www
<Proxy balancer://onedead>
  BalancerMember http://127.0.0.1:1/m
  BalancerMember http://127.0.0.1:9000/m
</Proxy>
<Proxy balancer://alldead>
  BalancerMember http://127.0.0.1:1
  BalancerMember http://127.0.0.1:2
</Proxy>
<Proxy balancer://mixeddns>
  BalancerMember http://nosuch.invalid
  BalancerMember http://127.0.0.1:9000
</Proxy>
ProxyPass /up/ http://127.0.0.1:9000/
ProxyPass /down/ http://127.0.0.1:1/
ProxyPass /lh/ http://localhost:9000/
ProxyPass /nodns/ http://nosuch.invalid/
ProxyPass /bare/ http://127.0.0.1:9000
ProxyPass /one/ http://127.0.0.1:1
ProxyPass /sock/ unix:/run/fpm.sock|fcgi://localhost/srv/
ProxyPass /onedead/ balancer://onedead/
ProxyPass /alldead/ balancer://alldead/
ProxyPass /mixeddns/ balancer://mixeddns/
`)
	closed := &Backends{Up: []string{"127.0.0.1:9000"}, Closed: true}
	open := &Backends{Up: []string{"127.0.0.1:9000"}}
	tests := []struct {
		path     string
		world    *Backends
		status   int
		state    string
		url      string
		inReason string
	}{
		{"/up/x", nil, 0, "unknown", "http://127.0.0.1:9000/x", "whether 127.0.0.1:9000 accepts connections is not in the configuration"},
		{"/up/x", closed, 200, "up", "http://127.0.0.1:9000/x", "declared up"},
		{"/down/x", nil, 0, "unknown", "http://127.0.0.1:1/x", "not modelled"},
		{"/down/x", open, 0, "unknown", "http://127.0.0.1:1/x", "not modelled"},
		{"/down/x", closed, 503, "refused", "http://127.0.0.1:1/x", "AH01114"},
		{"/lh/x", closed, 200, "up", "http://localhost:9000/x", ""},
		{"/nodns/x", open, 0, "unknown", "http://nosuch.invalid/x", ""},
		{"/nodns/x", closed, 500, "unresolved", "http://nosuch.invalid/x", "DNS lookup failure for: nosuch.invalid"},
		// The rest glued onto the port: a host name with a ':' resolves
		// in no world (500); digits make the port (400 beyond 65535).
		{"/bare/x", nil, 500, "unresolved", "http://[127.0.0.1:9000x]/", "DNS lookup failure for: 127.0.0.1:9000x"},
		{"/bare/123", nil, 400, "", "", "Invalid host/port"},
		{"/one/2", closed, 503, "refused", "http://127.0.0.1:12/", ""},
		{"/sock/a.php", closed, 503, "refused", "fcgi://localhost/srv/a.php", "AH02454"},
		{"/sock/a.php", &Backends{Up: []string{"unix:/run/fpm.sock"}, Closed: true}, 200, "up", "fcgi://localhost/srv/a.php", ""},
		// mod_proxy_balancer retries a refused member on another one.
		{"/onedead/x", closed, 200, "up", "http://127.0.0.1:9000/m/x", ""},
		{"/onedead/x", nil, 0, "unknown", "balancer://onedead/x", "decided per request by its lbmethod, and whether they accept connections"},
		{"/alldead/x", closed, 503, "refused", "balancer://alldead/x", "AH01170"},
		{"/mixeddns/x", closed, 0, "unknown", "balancer://mixeddns/x", "DNS lookup failure"},
	}
	for _, tt := range tests {
		name := tt.path + " " + tt.state
		res := s.Request(Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Path: tt.path, Backends: tt.world}, RequestOptions{FS: fstest.MapFS{}})
		assert.Equal(t, tt.status, res.Status, "%s: %s", name, res.Reason)
		assert.Contains(t, res.Reason, tt.inReason, name)
		assert.Equal(t, tt.status == 0, len(res.Unmodelled) > 0, "%s: %v", name, res.Unmodelled)
		if tt.state == "" {
			assert.Nil(t, res.Proxy, name)
			continue
		}
		if assert.NotNil(t, res.Proxy, name) {
			assert.Equal(t, tt.state, res.Proxy.BackendState, name)
			assert.Equal(t, tt.url, res.Proxy.URL, name)
		}
	}
}
