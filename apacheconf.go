// Package apacheconf reads Apache httpd configuration the way httpd does and
// answers what cannot be seen by reading files: which virtual host serves a
// request, what configuration applies to a path, which mod_wsgi daemon
// group runs a script and whether WSGIRestrictProcess lets it.
//
// Load reads a configuration tree through an fs.FS (a directory, an archive,
// files held in memory); the returned Config answers questions:
//
//	cfg, err := apacheconf.Load(ctx, os.DirFS("/"), "/etc/apache2/apache2.conf", apacheconf.Options{})
//	if err != nil { … } // errors.As(err, &parser.ErrorList{}) gives each problem with its position
//	for _, v := range cfg.VirtualHosts() { fmt.Println(v.ServerName, v.Pos()) }
//	r := cfg.Explain(apacheconf.Request("www.example.org", "/app/"))
//	d := cfg.Resolve(apacheconf.Request("www.example.org", "/app/"))
//	findings := cfg.Lint(ctx, lint.Config{})
//
// The packages underneath do one job each, in this order: parser (bytes →
// tree, and the loader), ast (the tree, its printer and editing), scope
// (servers, requests, merges), resolve (mod_wsgi), lint (rules).
package apacheconf

import (
	"context"
	"io/fs"
	"net/netip"

	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
)

// Options control Load. The zero value is Debian's apache2: ServerRoot
// /etc/apache2, no -D, no environment.
type Options struct {
	// ServerRoot, Defines and Env are apache2's -d, -D and the process
	// environment ${VAR} falls back to (os.LookupEnv for the real one).
	ServerRoot string
	Defines    []string
	Env        func(string) (string, bool)
	// Resolver resolves host names in <VirtualHost> lines; default: the
	// system's, like httpd.
	Resolver scope.Resolver
	// Accounts, when set, checks WSGIDaemonProcess user= and group= as
	// httpd does at start-up.
	Accounts resolve.Accounts
}

// Config is a loaded configuration, ready for questions.
type Config struct {
	// Loaded is the tree httpd acts on, with every node's origin.
	Loaded *parser.Loaded
	// Server holds the main server, the virtual hosts and the indexes.
	Server *scope.Server
	// Groups is the mod_wsgi daemon process inventory.
	Groups *resolve.Inventory
	// FS is where the configuration's absolute paths are looked up.
	FS fs.FS

	loadErr error
}

// Load reads the configuration at path (absolute, or relative to
// ServerRoot) through fsys, which is rooted at "/" (pass os.DirFS("/") for
// the machine, an fstest.MapFS for files in memory). Problems httpd would
// refuse to start with come back as a parser.ErrorList; the Config is
// still returned for whatever could be read.
func Load(ctx context.Context, fsys fs.FS, path string, opts Options) (*Config, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	loaded, loadErr := parser.Load(fsys, path, parser.LoadOptions{ServerRoot: opts.ServerRoot, Defines: opts.Defines, Env: opts.Env})
	if loaded == nil {
		return nil, loadErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cfg := &Config{Loaded: loaded, FS: fsys, loadErr: loadErr}
	var errs parser.ErrorList
	addErrs := func(err error) {
		if list, ok := err.(parser.ErrorList); ok {
			errs = append(errs, list...)
		}
	}
	addErrs(loadErr)
	s, err := scope.Build(loaded.Body, scope.Options{Resolver: opts.Resolver})
	addErrs(err)
	cfg.Server = s
	inv, err := resolve.GroupsWith(s, resolve.GroupOptions{Accounts: opts.Accounts})
	addErrs(err)
	cfg.Groups = inv
	errs.Sort()
	return cfg, errs.Err()
}

// Request builds a request for host and path arriving on 127.0.0.1:80;
// set Addr and Port for another address.
func Request(host, path string) scope.Request {
	return scope.Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: host, Path: path}
}

// VirtualHosts returns the virtual hosts in definition order.
func (c *Config) VirtualHosts() []*scope.VirtualHost { return c.Server.VHosts }

// Explain says how httpd answers a GET: the virtual host, the URL mapping,
// each configuration merged, the environment, the handler and the status.
func (c *Config) Explain(req scope.Request) *scope.Result {
	return c.Server.Request(req, scope.RequestOptions{FS: c.FS})
}

// Resolve says which mod_wsgi daemon group runs the request and whether
// mod_wsgi allows it, with the directives that decided.
func (c *Config) Resolve(req scope.Request) resolve.Decision {
	return c.Groups.Resolve(c.Explain(req), resolve.Options{})
}

// Audit lists the directories whose .htaccess authors choose the daemon
// group through %{ENV:…}, and which groups they can reach.
func (c *Config) Audit() []resolve.Exposure { return c.Groups.Audit(c.Server, c.FS) }

// Lint runs every rule (as configured by cfg) and returns the findings.
func (c *Config) Lint(ctx context.Context, cfg lint.Config) []lint.Diagnostic {
	if ctx.Err() != nil {
		return nil
	}
	prog := lint.NewProgram(c.Loaded.Body, c.loadErr, lint.ProgramOptions{FS: c.FS})
	return lint.Run(prog, lint.Analyzers(), cfg)
}
