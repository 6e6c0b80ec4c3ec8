package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// parseOne reads and parses a file; .htaccess files get httpd's
// .htaccess line limit.
func parseOne(path string) (*ast.File, []byte, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	cfg := parser.Config{HTAccess: filepath.Base(path) == ".htaccess"}
	f, err := cfg.ParseFile(path, src)
	return f, src, err
}

// expandPaths replaces each directory argument by the config files below
// it (*.conf and .htaccess, in lexical order).
func expandPaths(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil || !info.IsDir() {
			out = append(out, a) // a missing file is reported when read
			continue
		}
		err = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && (strings.HasSuffix(p, ".conf") || d.Name() == ".htaccess") {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// syntaxErrors extracts the parser's positioned errors from err.
func syntaxErrors(err error) (parser.ErrorList, bool) {
	var list parser.ErrorList
	if errors.As(err, &list) {
		return list, true
	}
	return nil, false
}

type jsonError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"error"`
}

type jsonConfig struct {
	File   string          `json:"file"`
	Status string          `json:"status"`
	Errors []jsonError     `json:"errors"`
	Tree   json.RawMessage `json:"tree,omitempty"`
}

func runParse(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print each file's tree as JSON (crossplane-like envelope)")
	quiet := fs.Bool("q", false, "print nothing for files without errors")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: apacheconf parse [--json] [-q] FILE|DIR...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	paths, err := expandPaths(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "apacheconf: %v\n", err)
		return 2
	}
	status := 0
	var out struct {
		Status string       `json:"status"`
		Errors []jsonError  `json:"errors"`
		Config []jsonConfig `json:"config"`
	}
	out.Status, out.Errors = "ok", []jsonError{}
	for _, path := range paths {
		f, _, err := parseOne(path)
		cfg := jsonConfig{File: path, Status: "ok", Errors: []jsonError{}}
		if err != nil {
			list, ok := syntaxErrors(err)
			if !ok { // I/O
				fmt.Fprintf(stderr, "apacheconf: %v\n", err)
				return 2
			}
			status = 1
			cfg.Status, out.Status = "failed", "failed"
			for _, e := range list {
				if !*asJSON {
					fmt.Fprintln(stderr, e.Error())
				}
				je := jsonError{File: e.Pos.Filename, Line: e.Pos.Line, Column: e.Pos.Column, Message: e.Msg}
				cfg.Errors = append(cfg.Errors, je)
				out.Errors = append(out.Errors, je)
			}
		}
		if !*asJSON && !*quiet && err == nil {
			fmt.Fprintf(stdout, "%s: ok: %s\n", path, census(f))
		}
		if *asJSON {
			var tree bytes.Buffer
			enc := json.NewEncoder(&tree)
			enc.SetEscapeHTML(false) // configs are full of <Sections>
			if err := enc.Encode(f); err != nil {
				fmt.Fprintf(stderr, "apacheconf: %v\n", err)
				return 2
			}
			cfg.Tree = tree.Bytes()
			out.Config = append(out.Config, cfg)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "apacheconf: %v\n", err)
			return 2
		}
	}
	return status
}

func runFmt(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fmt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("w", false, "write the result to the file instead of standard output")
	diff := fs.Bool("d", false, "print a unified diff instead of the result")
	list := fs.Bool("l", false, "list files whose layout differs from fmt's")
	indent := fs.String("indent", "", "indentation per section level (default: the file's own, else four spaces)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: apacheconf fmt [-w] [-d] [-l] [-indent S] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	status := 0
	for _, path := range fs.Args() {
		f, src, err := parseOne(path)
		if err != nil {
			if list, ok := syntaxErrors(err); ok {
				// Formatting a file httpd rejects would hide the problem.
				for _, e := range list {
					fmt.Fprintln(stderr, e.Error())
				}
				status = 1
				continue
			}
			fmt.Fprintf(stderr, "apacheconf: %v\n", err)
			return 2
		}
		ast.Reformat(f, *indent)
		res, err := ast.Format(f)
		if err != nil {
			fmt.Fprintf(stderr, "apacheconf: %v\n", err)
			return 2
		}
		changed := string(res) != string(src)
		switch {
		case *list:
			if changed {
				fmt.Fprintln(stdout, path)
				status = max(status, 1)
			}
		case *diff:
			if changed {
				d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
					A: difflib.SplitLines(string(src)), B: difflib.SplitLines(string(res)),
					FromFile: path + ".orig", ToFile: path, Context: 3,
				})
				fmt.Fprint(stdout, d)
				if !strings.HasSuffix(d, "\n") {
					fmt.Fprintln(stdout)
				}
				status = max(status, 1)
			}
		case *write:
			if changed {
				info, err := os.Stat(path)
				if err != nil {
					fmt.Fprintf(stderr, "apacheconf: %v\n", err)
					return 2
				}
				if err := os.WriteFile(path, res, info.Mode().Perm()); err != nil {
					fmt.Fprintf(stderr, "apacheconf: %v\n", err)
					return 2
				}
			}
		default:
			if _, err := stdout.Write(res); err != nil {
				return 2
			}
		}
	}
	return status
}

// census counts a tree's directives, sections and comments.
func census(f *ast.File) string {
	var dirs, secs, comments int
	ast.Inspect(f.Body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.Directive:
			dirs++
		case *ast.Section:
			secs++
		case *ast.Comment:
			comments++
		}
		return true
	})
	return fmt.Sprintf("%d directives, %d sections, %d comments", dirs, secs, comments)
}
