package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/oracle"
	"github.com/apacheconf/apacheconf/parser"
)

// configFlags are the flags every command that reads a whole
// configuration shares; they mirror apache2's.
type configFlags struct {
	file       string
	serverRoot string
	defines    stringList
	version    string
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func (c *configFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.file, "f", "/etc/apache2/apache2.conf", "main configuration file (as apache2 -f)")
	fs.StringVar(&c.serverRoot, "d", "", "ServerRoot (as apache2 -d; default: Debian's /etc/apache2, or the directory of a relative -f)")
	fs.Var(&c.defines, "D", "define a parameter (as apache2 -D); repeatable")
	fs.StringVar(&c.version, "V", "", "httpd version <IfVersion> compares with (default: the version the directive registry was generated from, "+parser.DefaultVersion+")")
}

// load reads the configuration tree as apache2 would: -d is ServerRoot
// (Debian's /etc/apache2 by default) and a relative -f is resolved
// against it; ${VAR} falls back to the process environment, so
// `. /etc/apache2/envvars` works as it does for apache2. The commands
// that use it evaluate the tree and print none of it, so comments and
// blank lines are left out.
func (c *configFlags) load() ([]ast.Node, error) {
	cfg, err := oracle.LoadConfigWith(c.file, c.serverRoot, parser.LoadOptions{Defines: c.defines, SkipTrivia: true, Version: c.version})
	if cfg == nil {
		return nil, err
	}
	return cfg.Body, err
}

// fail prints an error, compiler style for positioned ones.
func fail(stderr interface{ Write([]byte) (int, error) }, err error) {
	if list, ok := err.(parser.ErrorList); ok {
		for _, e := range list {
			if !e.Pos.IsValid() && e.Pos.Filename == "" {
				fmt.Fprintf(stderr, "apacheconf: %s\n", e.Msg)
				continue
			}
			fmt.Fprintln(stderr, e.Error())
		}
		return
	}
	fmt.Fprintf(stderr, "apacheconf: %v\n", err)
}
