package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/apacheconf/apacheconf/internal/lsp"
)

func init() {
	commands["lsp"] = command{runLSP, "language server (LSP over stdio) for editors: diagnostics, hover, completion, definition …"}
}

const lspUsage = `usage: apacheconf lsp [-v] [--log FILE]

Runs a Language Server Protocol server on standard input and output, for
editors (setup: docs/editors.md). A file belongs to the configuration that
includes it: the nearest apache2.conf or httpd.conf above it, unless the
client's initializationOptions name one ({"mainFile": …, "serverRoot": …,
"defines": […], "chroot": …, "config": …}).
`

// stdio is standard input and output as one connection.
type stdio struct {
	io.Reader
	io.Writer
}

func (stdio) Close() error { return os.Stdin.Close() }

func runLSP(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("lsp", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, lspUsage); fset.PrintDefaults() }
	logPath := fset.String("log", "", "append the server's log (analysis times, internal errors) to this file")
	verbose := fset.Bool("v", false, "write the server's log to standard error (editors keep it in their LSP log)")
	fset.Bool("stdio", true, "talk over standard input and output (the only transport; editors pass it)")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var log io.Writer = io.Discard
	if *verbose {
		log = stderr
	}
	if *logPath != "" {
		f, err := os.OpenFile(*logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "apacheconf lsp: %v\n", err)
			return 2
		}
		defer f.Close()
		log = f
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := lsp.Serve(ctx, stdio{os.Stdin, stdout}, lsp.Options{Log: log}); err != nil {
		fmt.Fprintf(stderr, "apacheconf lsp: %v\n", err)
		return 1
	}
	return 0
}
