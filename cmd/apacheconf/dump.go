package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// runDump implements
//
//	apacheconf dump -f CONF [-d SERVERROOT] [-D NAME]... [--includes|--json]
//
// It loads the configuration as httpd does (parser.Load over the real file
// system) and prints the resulting tree; --includes prints the files read
// exactly as apache2 -t -D DUMP_INCLUDES lists them; --json prints the tree,
// the files and the errors as JSON. The exit status is 1 when the
// configuration has errors (the output still shows all that was read), 2 on
// bad usage.
func runDump(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dump", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		file, root       string
		defines          stringList
		includes, asJSON bool
	)
	fs.StringVar(&file, "f", "/etc/apache2/apache2.conf", "main configuration file (as apache2 -f)")
	fs.StringVar(&root, "d", parser.DefaultServerRoot, "ServerRoot (as apache2 -d)")
	fs.Var(&defines, "D", "define a parameter (as apache2 -D); repeatable")
	fs.BoolVar(&includes, "includes", false, "list the files read, as apache2 -t -D DUMP_INCLUDES")
	fs.BoolVar(&asJSON, "json", false, "print the tree, files and errors as JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || (includes && asJSON) {
		fmt.Fprintln(stderr, "usage: apacheconf dump -f CONF [-d SERVERROOT] [-D NAME]... [--includes|--json]")
		return 2
	}
	cfg, err := parser.Load(os.DirFS("/"), file, parser.LoadOptions{
		ServerRoot: root,
		Defines:    defines,
		Env:        os.LookupEnv,
	})
	var el parser.ErrorList
	if err != nil && !errors.As(err, &el) {
		fmt.Fprintln(stderr, err)
		return 1
	}
	switch {
	case includes:
		if werr := parser.WriteIncludes(stdout, cfg.Files); werr != nil {
			fmt.Fprintln(stderr, werr)
			return 1
		}
	case asJSON:
		type jsonErr struct {
			Pos   positionJSON   `json:"pos"`
			Msg   string         `json:"message"`
			Chain []positionJSON `json:"chain,omitempty"`
		}
		out := struct {
			Files  []includedFileJSON `json:"files"`
			Config *ast.File          `json:"config"`
			Errors []jsonErr          `json:"errors"`
		}{Files: includedFilesJSON(cfg.Files), Config: &ast.File{Name: file, Body: cfg.Body}, Errors: []jsonErr{}}
		for _, e := range el {
			out.Errors = append(out.Errors, jsonErr{positionJSON(e.Pos), e.Msg, positionsJSON(e.Chain)})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if werr := enc.Encode(out); werr != nil {
			fmt.Fprintln(stderr, werr)
			return 1
		}
	default:
		if werr := ast.Fprint(stdout, &ast.File{Name: file, Body: cfg.Body}); werr != nil {
			fmt.Fprintln(stderr, werr)
			return 1
		}
	}
	for _, e := range el {
		fmt.Fprintln(stderr, e)
	}
	if len(el) > 0 {
		return 1
	}
	return 0
}
