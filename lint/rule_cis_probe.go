package lint

import (
	"fmt"
	"net/netip"
	"path"
	"strings"

	"github.com/apacheconf/apacheconf/scope"
	"github.com/apacheconf/apacheconf/whatif"
)

// The controls below are about what a request gets, so these rules ask
// the request engine, with the sensitive file assumed to exist in the
// document root (package whatif): a <FilesMatch> in another virtual
// host, a <DirectoryMatch> whose regex misses, or a RedirectMatch that
// covers only some names are exactly what grep cannot judge.

// probeRequest is a request that reaches v: its first address and
// port, its ServerName as Host.
func probeRequest(v *scope.VirtualHost, uri string) scope.Request {
	req := scope.Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: v.ServerName, Path: uri}
	if len(v.Addrs) > 0 {
		a := v.Addrs[0]
		if !a.Wildcard() && a.IP.IsValid() {
			req.Addr = a.IP
		}
		if a.Port != 0 {
			req.Port = a.Port
		}
	} else if v.Port != 0 {
		req.Port = v.Port
	}
	return req
}

// probeServed asks the engine for uri on v with file assumed to exist
// under v's document root, and returns the result when the request is
// answered 200 by v itself.
func probeServed(p *Pass, v *scope.VirtualHost, root, uri string) (*scope.Result, bool) {
	file := path.Join(root, uri)
	res := p.Server.Request(probeRequest(v, uri), scope.RequestOptions{FS: whatif.FS(p.FS, file)})
	return res, res.Server == v && res.Status == 200
}

// probeRule reports servers that would hand out the files of uris.
func probeRule(id, name, doc string, uris []string, what, fix string, cs ...Control) *Analyzer {
	return registerBenchmark(&Analyzer{ID: id, Name: name, Doc: doc, Severity: Warning, Run: func(p *Pass) {
		if p.Server == nil {
			return
		}
		o := once{}
		for _, v := range servers(p) {
			root, rootBy := docRoot(p, v)
			if root == "" {
				continue
			}
			var served []string
			for _, uri := range uris {
				if _, ok := probeServed(p, v, root, uri); ok {
					served = append(served, uri)
				}
			}
			if len(served) > 0 {
				o.report(p, rootBy, fmt.Sprintf("%s would hand out %s (GET %s → 200 if the file is there); %s", serverLabel(v), what, strings.Join(served, ", "), fix))
			}
		}
	}}, cs...)
}

var (
	HTFilesServed = probeRule("AC6019", "ht-files-served", "a virtual host would serve .ht* files",
		[]string{"/.htaccess", "/.htpasswd"}, ".htaccess/.htpasswd files",
		`deny them server-wide: <FilesMatch "^\.ht"> Require all denied </FilesMatch>`, cis("5.10", 1))
	GitServed = probeRule("AC6020", "git-served", "a virtual host would serve .git metadata",
		[]string{"/.git/config", "/.git/HEAD"}, "Git metadata (the whole history can be rebuilt from it)",
		`deny it server-wide: <DirectoryMatch "/\.git"> Require all denied </DirectoryMatch> and <FilesMatch "^\.git"> Require all denied </FilesMatch>`, cis("5.11", 1))
	SVNServed = probeRule("AC6021", "svn-served", "a virtual host would serve .svn metadata",
		[]string{"/.svn/entries", "/.svn/wc.db"}, "Subversion metadata",
		`deny it server-wide: <DirectoryMatch "/\.svn"> Require all denied </DirectoryMatch>`, cis("5.12", 1))
)

// IPHostRequests reports address sets whose default server answers a
// request whose Host is an IP address.
var IPHostRequests = registerBenchmark(&Analyzer{
	ID: "AC6022", Name: "ip-host-requests", Doc: "requests by IP address (no name) get content", Severity: Warning,
	Run: runIPHostRequests,
}, cis("5.14", 2))

func runIPHostRequests(p *Pass) {
	if p.Server == nil {
		return
	}
	o := once{}
	for _, v := range servers(p) {
		req := probeRequest(v, "/index.html")
		req.Host = req.Addr.String()
		if req.Addr.String() == "127.0.0.1" {
			req.Host = "192.0.2.1" // any literal address no ServerName holds
		}
		sel := p.Server.SelectVHost(req.Addr, req.Port, req.Host)
		if sel.Server != v {
			continue // this server is not the default of its address
		}
		root, rootBy := docRoot(p, v)
		if root == "" {
			continue
		}
		res := p.Server.Request(req, scope.RequestOptions{FS: whatif.FS(p.FS, path.Join(root, "index.html"))})
		if res.Status == 200 {
			o.report(p, rootBy, fmt.Sprintf("a request with Host: %s (an IP address, no name) is answered by %s, the default server of its address, with its content; make the first <VirtualHost> of each address refuse unnamed requests (Require all denied, or a RewriteCond %%{HTTP_HOST} check)", req.Host, serverLabel(v)))
		}
	}
}
