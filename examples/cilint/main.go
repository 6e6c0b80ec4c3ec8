// Command cilint is the lint step of a CI pipeline written with the
// library: load the configuration, lint it, print the findings as GitHub
// Actions annotations (or another format of lint/report), and fail the
// step when one reaches fail-on. A mistyped path fails the step too:
// nothing passes silently.
//
//	go run ./examples/cilint -d examples/hosting -f apache2.conf [-format github] [-fail-on warning]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/apacheconf/apacheconf"
	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/lint/report"
)

func main() {
	root := flag.String("d", "/etc/apache2", "ServerRoot")
	file := flag.String("f", "apache2.conf", "main configuration file, relative to ServerRoot")
	format := flag.String("format", "github", "output format: text, json, sarif, github or checkstyle")
	failOn := flag.String("fail-on", "error", "lowest severity that fails the step")
	flag.Parse()
	sev, err := lint.ParseSeverity(*failOn)
	abs, aerr := filepath.Abs(*root)
	if err != nil || aerr != nil {
		fmt.Fprintln(os.Stderr, "cilint:", err, aerr)
		os.Exit(2)
	}
	code, err := run(os.Stdout, os.DirFS("/"), abs, *file, *format, lint.Config{FailOn: sev})
	if err != nil {
		fmt.Fprintln(os.Stderr, "cilint:", err)
	}
	os.Exit(code)
}

// run lints and returns the exit status: 0 pass, 1 findings at or above
// fail-on, 2 the configuration could not be read (or the step ran out of
// time).
func run(w io.Writer, fsys fs.FS, root, file, format string, cfg lint.Config) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conf, err := apacheconf.Load(ctx, fsys, file, apacheconf.Options{ServerRoot: root, Env: os.LookupEnv})
	if conf == nil || errors.Is(err, fs.ErrNotExist) {
		return 2, err // syntax errors are findings; a missing file is not
	}
	findings, err := conf.Lint(ctx, cfg)
	if err != nil {
		return 2, err
	}
	if err := report.Write(w, format, findings, lint.Analyzers()); err != nil {
		return 2, err
	}
	if cfg.Fails(findings) {
		return 1, nil
	}
	return 0, nil
}
