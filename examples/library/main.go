// Command library shows apacheconf used as a Go library: load a
// configuration tree from an fs.FS, list its virtual hosts, explain one
// request and resolve its mod_wsgi daemon group.
//
//	go run ./examples/library [-root DIR] [-host HOST] [PATH]
//	go run ./examples/library -root examples/debian -host localhost /index.html
//
// By default it reads the shipped hosting example (examples/hosting) as
// if that directory were the machine's root; a root holding
// etc/apache2/apache2.conf (examples/debian: Debian's stock apache2
// configuration, as the package installs it) is read the Debian way.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"

	"github.com/apacheconf/apacheconf"
)

func main() {
	root := flag.String("root", "examples/hosting", "directory that stands for / (configuration and content)")
	host := flag.String("host", "www.site.com", "Host header")
	flag.Parse()
	path := "/~bob/blog.wsgi"
	if flag.NArg() > 0 {
		path = flag.Arg(0)
	}
	run := func() error { return run(os.Stdout, os.DirFS(*root), "/apache2.conf", *host, path) }
	if _, err := os.Stat(*root + "/etc/apache2/apache2.conf"); err == nil {
		run = func() error { return runDebian(os.Stdout, os.DirFS(*root), *host, path) }
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(w io.Writer, fsys fs.FS, conf, host, path string) error {
	return runWith(w, fsys, conf, apacheconf.Options{ServerRoot: "/"}, host, path)
}

// runDebian reads a Debian layout (etc/apache2, var/www under root),
// with the environment apache2ctl gives apache2 (/etc/apache2/envvars).
func runDebian(w io.Writer, fsys fs.FS, host, path string) error {
	env, err := apacheconf.ReadEnvvars(fsys, "/etc/apache2/envvars", noEnv)
	if err != nil {
		return err
	}
	return runWith(w, fsys, "/etc/apache2/apache2.conf", apacheconf.Options{ServerRoot: "/etc/apache2", Env: env.Lookup, Resolver: noDNS{}}, host, path)
}

// noEnv is an empty process environment: the output does not depend on
// the machine's.
func noEnv(string) (string, bool) { return "", false }

// noDNS stands for the machine's resolver so that the output does not
// depend on the machine: without a global ServerName httpd names the main
// server after the host's name.
type noDNS struct{}

func (noDNS) LookupHost(string) ([]netip.Addr, error) { return nil, errors.New("no DNS here") }
func (noDNS) LookupAddr(netip.Addr) (string, error)   { return "", errors.New("no DNS here") }
func (noDNS) LocalHost() string                       { return "debian.example" }

func runWith(w io.Writer, fsys fs.FS, conf string, opts apacheconf.Options, host, path string) error {
	ctx := context.Background()
	cfg, err := apacheconf.Load(ctx, fsys, conf, opts)
	if err != nil {
		return err
	}
	for _, v := range cfg.VirtualHosts() {
		fmt.Fprintf(w, "vhost %s %v at %s\n", v.ServerName, v.Addrs, v.Pos())
	}
	r, err := cfg.Explain(ctx, apacheconf.Request(host, path))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s%s -> %s (%s), handler %s, status %d\n", host, path, r.Filename, r.Mapping.Kind, r.Handler, r.Status)
	for _, st := range r.Steps {
		if st.Section != nil {
			fmt.Fprintf(w, "  merged <%s %s> from %s\n", st.Section.Name, st.Section.ArgText(), st.Section.Pos())
		} else if st.File != "" {
			fmt.Fprintf(w, "  merged %s\n", st.File)
		}
	}
	for _, e := range r.Env {
		fmt.Fprintf(w, "  env %s=%s (set at %s)\n", e.Name, e.Value, e.By.Pos())
	}
	d, err := cfg.Resolve(ctx, apacheconf.Request(host, path))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "mod_wsgi: %s in group %q, application group %q\n", d.Verdict, d.ProcessGroup, d.ApplicationGroup)
	return nil
}
