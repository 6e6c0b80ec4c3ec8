// Package apacheconf reads Apache httpd configuration the way httpd does and
// answers what cannot be seen by reading files: which virtual host serves a
// request, what configuration applies to a path, which mod_wsgi daemon
// group runs a script and whether WSGIRestrictProcess lets it — and edits
// the files it read, keeping every byte it does not change.
//
// Load reads a configuration tree through an fs.FS (a directory, an archive,
// files held in memory); the returned Config answers questions:
//
//	cfg, err := apacheconf.Load(ctx, os.DirFS("/"), "/etc/apache2/apache2.conf", apacheconf.Options{})
//	if err != nil { … } // errors.Is(err, fs.ErrNotExist); errors.As(err, &parser.ErrorList{}) gives each problem with its position
//	for _, v := range cfg.VirtualHosts() { fmt.Println(v.ServerName, v.Pos()) }
//	r, err := cfg.Explain(ctx, apacheconf.Request("www.example.org", "/app/"))
//	d, err := cfg.Resolve(ctx, apacheconf.Request("www.example.org", "/app/"))
//	findings, err := cfg.Lint(ctx, lint.Config{})
//
// Config.Edit starts an edit session: any node of the loaded tree (from
// cfg, an Explain trace, a lint finding) maps to its file's editable
// tree, and the session gives back a unified diff and the files to write.
//
// The packages underneath do one job each, in this order: parser (bytes →
// tree, and the loader), ast (the tree, its printer and editing), scope
// (servers, requests, merges), resolve (mod_wsgi), lint (rules) and
// lint/report (output formats).
package apacheconf

import (
	"context"
	"fmt"
	"io/fs"
	"net/netip"
	"os"

	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
)

// Options control Load. The zero value is Debian's apache2: ServerRoot
// /etc/apache2, no -D, no environment.
type Options struct {
	// ServerRoot, Defines and Env are apache2's -d, -D and the process
	// environment ${VAR} falls back to (os.LookupEnv for the real one;
	// ReadEnvvars for what Debian's apache2ctl gives apache2). Env is also
	// the environment %{ENV:NAME} falls back to in Resolve.
	ServerRoot string
	Defines    []string
	Env        func(string) (string, bool)
	// Resolver resolves host names in <VirtualHost> lines; default: the
	// system's, like httpd.
	Resolver scope.Resolver
	// Accounts, when set, checks WSGIDaemonProcess user= and group= as
	// httpd does at start-up.
	Accounts resolve.Accounts
	// Content is where the configuration's absolute paths (DocumentRoot,
	// <Directory>, Alias targets, .htaccess) are looked up, when not in
	// the fs.FS the configuration is read from. Chroot is the CLI's
	// --chroot: a directory of this machine standing for "/" there
	// (os.DirFS(Chroot)); Content wins when both are set.
	Content fs.FS
	Chroot  string
}

// Config is a loaded configuration, ready for questions.
type Config struct {
	// Loaded is the tree httpd acts on, with every node's origin.
	Loaded *parser.Loaded
	// Server holds the main server, the virtual hosts and the indexes.
	Server *scope.Server
	// Groups is the mod_wsgi daemon process inventory.
	Groups *resolve.Inventory
	// FS is where the configuration was read from; Content where its
	// absolute paths are looked up (FS unless Options say otherwise).
	FS, Content fs.FS

	opts                      Options
	loadErr, buildErr, grpErr error
}

// Load reads the configuration at path (absolute, or relative to
// ServerRoot) through fsys, which is rooted at "/" (pass os.DirFS("/") for
// the machine, an fstest.MapFS for files in memory).
//
// Problems httpd would refuse to start with come back as a
// parser.ErrorList, each with its position and include chain; the Config
// is still returned for whatever could be read. A file that could not be
// read (the main file, an Include) is an error that wraps the fs error:
// errors.Is(err, fs.ErrNotExist) tells a mistyped path. A done ctx stops
// the load at its next file and Load returns ctx's error.
func Load(ctx context.Context, fsys fs.FS, path string, opts Options) (*Config, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cfs := newCtxFS(ctx, fsys)
	loaded, loadErr := parser.Load(cfs, path, parser.LoadOptions{ServerRoot: opts.ServerRoot, Defines: opts.Defines, Env: opts.Env})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if loaded == nil {
		return nil, loadErr
	}
	cfg := &Config{Loaded: loaded, FS: fsys, Content: opts.Content, opts: opts, loadErr: loadErr}
	if cfg.Content == nil {
		cfg.Content = fsys
		if opts.Chroot != "" {
			cfg.Content = os.DirFS(opts.Chroot)
		}
	}
	var errs parser.ErrorList
	addErrs := func(err error) {
		if list, ok := err.(parser.ErrorList); ok {
			errs = append(errs, list...)
		}
	}
	addErrs(loadErr)
	s, err := scope.Build(loaded.Body, scope.Options{Resolver: opts.Resolver})
	cfg.buildErr = err
	addErrs(err)
	cfg.Server = s
	inv, err := resolve.GroupsWith(s, resolve.GroupOptions{Accounts: opts.Accounts})
	cfg.grpErr = err
	addErrs(err)
	cfg.Groups = inv
	errs.Sort()
	return cfg, errs.Err()
}

// Request builds a GET request for host and path from 127.0.0.1
// arriving on 127.0.0.1:80; set Addr and Port for another address, and
// give what else the request carries with options (WithMethod,
// WithHeader, WithRemote) and what its proxy backends do (WithBackends).
func Request(host, path string, opts ...RequestOption) scope.Request {
	r := scope.Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: 80, Host: host, Path: path}
	for _, o := range opts {
		o(&r)
	}
	return r
}

// A RequestOption sets what a request carries besides its host and path.
type RequestOption func(*scope.Request)

// WithMethod sets the request method (GET when unset). httpd's method
// names are case-sensitive: <Limit get> does not cover GET.
func WithMethod(method string) RequestOption {
	return func(r *scope.Request) { r.Method = method }
}

// WithHeader adds a request header, which SetEnvIf, <If> and RewriteCond
// %{HTTP:…} read; give the Host header as Request's host.
func WithHeader(name, value string) RequestOption {
	return func(r *scope.Request) {
		if r.Headers == nil {
			r.Headers = map[string]string{}
		}
		r.Headers[name] = value
	}
}

// WithRemote sets the client's address (127.0.0.1 when unset), which
// Require ip, Allow/Deny and SetEnvIf Remote_Addr read.
func WithRemote(addr netip.Addr) RequestOption {
	return func(r *scope.Request) { r.Remote = addr }
}

// WithBackends declares which proxy backends answer, which no
// configuration says (scope.Backends): without it a proxied request's
// status is left to the backend (Status 0, Unmodelled says so); with it
// a backend in b.Up answers 200, and in a closed world (b.Closed) any
// other refuses the connection (httpd answers 503) and a host name that
// does not resolve gives httpd's 500.
func WithBackends(b scope.Backends) RequestOption {
	return func(r *scope.Request) { r.Backends = &b }
}

// VirtualHosts returns the virtual hosts in definition order.
func (c *Config) VirtualHosts() []*scope.VirtualHost { return c.Server.VHosts }

// Explain says how httpd answers a GET: the virtual host, the URL mapping,
// each configuration merged, the environment, the handler and the status.
// The .htaccess files on the way are read from Content; a done ctx stops
// that and Explain returns ctx's error.
func (c *Config) Explain(ctx context.Context, req scope.Request) (*scope.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := c.Server.Request(req, scope.RequestOptions{FS: newCtxFS(ctx, c.Content)})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// Resolve says which mod_wsgi daemon group runs the request and whether
// mod_wsgi allows it, with the directives that decided; ctx as Explain.
func (c *Config) Resolve(ctx context.Context, req scope.Request) (resolve.Decision, error) {
	r, err := c.Explain(ctx, req)
	if err != nil {
		return resolve.Decision{}, err
	}
	return c.Groups.Resolve(r, resolve.Options{Getenv: c.opts.Env}), nil
}

// Audit lists the directories whose .htaccess authors choose the daemon
// group through %{ENV:…}, and which groups they can reach; ctx as
// Explain.
func (c *Config) Audit(ctx context.Context) ([]resolve.Exposure, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := c.Groups.Audit(c.Server, newCtxFS(ctx, c.Content))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Lint runs the rules (as cfg chooses them) over the servers Load built
// and returns the findings; cfg.Fails tells whether they fail a CI step.
// It returns an error when cfg names an unknown rule or a define the
// configuration was not loaded with (Options.Defines), and ctx's error
// when ctx is done first.
func (c *Config) Lint(ctx context.Context, cfg lint.Config) ([]lint.Diagnostic, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	for _, d := range cfg.Defines {
		if !c.Loaded.Defines[d] {
			return nil, fmt.Errorf("lint.Config.Defines: %s was not defined when the configuration was loaded; pass it in Options.Defines", d)
		}
	}
	prog := lint.NewProgram(c.Loaded.Body, c.loadErr, lint.ProgramOptions{
		FS:     newCtxFS(ctx, c.Content),
		Server: c.Server, BuildErr: c.buildErr,
		Inventory: c.Groups, GroupErr: c.grpErr,
	})
	return lint.RunContext(ctx, prog, lint.Analyzers(), cfg)
}
