// Command library shows apacheconf used as a Go library: load a
// configuration tree from an fs.FS, list its virtual hosts, explain one
// request and resolve its mod_wsgi daemon group.
//
//	go run ./examples/library [-root DIR] [-host HOST] [PATH]
//
// By default it reads the shipped hosting example (examples/hosting) as
// if that directory were the machine's root.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
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
	if err := run(os.Stdout, os.DirFS(*root), "/apache2.conf", *host, path); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(w io.Writer, fsys fs.FS, conf, host, path string) error {
	cfg, err := apacheconf.Load(context.Background(), fsys, conf, apacheconf.Options{ServerRoot: "/"})
	if err != nil {
		return err
	}
	for _, v := range cfg.VirtualHosts() {
		fmt.Fprintf(w, "vhost %s %v at %s\n", v.ServerName, v.Addrs, v.Pos())
	}
	r := cfg.Explain(apacheconf.Request(host, path))
	fmt.Fprintf(w, "%s%s -> %s (%s), handler %s, status %d\n", host, path, r.Filename, r.Mapping.Kind, r.Handler, r.Status)
	for _, st := range r.Steps {
		if st.Section != nil {
			fmt.Fprintf(w, "  merged <%s %s> from %s\n", st.Section.Name, st.Section.ArgText(), st.Section.Position)
		} else if st.File != "" {
			fmt.Fprintf(w, "  merged %s\n", st.File)
		}
	}
	for _, e := range r.Env {
		fmt.Fprintf(w, "  env %s=%s (set at %s)\n", e.Name, e.Value, e.By.Position)
	}
	d := cfg.Resolve(apacheconf.Request(host, path))
	fmt.Fprintf(w, "mod_wsgi: %s in group %q, application group %q\n", d.Verdict, d.ProcessGroup, d.ApplicationGroup)
	return nil
}
