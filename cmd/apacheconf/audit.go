package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/apacheconf/apacheconf/audit"
	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/parser"
)

func init() {
	commands["audit"] = command{runAudit, "what every virtual host would hand out (.git, .env, backups, listings, server-status …) and CIS/STIG controls"}
}

const auditUsage = `usage: apacheconf audit [-f FILE] [-d DIR] [-D NAME]... [--chroot DIR]
                        [--profile cis-1|cis-2|stig] [--format text|json|sarif|html]
                        [--vhost NAME]... [--from IP] [--user NAME]... [--fail-on error|warning|info] [FILE|DIR]

For every virtual host (each address, each name, each address's default
server) and every directory a URL reaches (document root, Alias and
ScriptAlias targets, UserDir homes), asks the request engine what httpd
would answer to probe requests for sensitive files (assumed to exist, the
disk is not touched), server internals and risky methods. With --profile,
the benchmark's rules run on the effective configuration too. Exit status:
0 nothing at or above --fail-on (default warning), 1 findings, 2 usage or
I/O errors.
`

func runAudit(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("audit", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, auditUsage); fset.PrintDefaults() }
	var lf lintFlags
	var users, servers stringList
	var profile, format, failOn, from string
	lf.cf.register(fset)
	fset.StringVar(&lf.chroot, "chroot", "/", "directory the configuration's absolute paths are looked up under")
	fset.StringVar(&profile, "profile", "", "benchmark profile to check as well: "+strings.Join(lint.Profiles, ", "))
	fset.StringVar(&format, "format", "text", "output format: text, json, sarif or html")
	fset.StringVar(&failOn, "fail-on", "warning", "lowest severity that makes the exit status 1")
	fset.StringVar(&from, "from", "203.0.113.7", "client address the probes come from (a visitor from the Internet by default)")
	fset.Var(&servers, "vhost", "audit only the virtual host of this name (ServerName or ServerAlias); repeatable: one customer's report")
	fset.Var(&users, "user", "account whose UserDir home (/~NAME/) is probed; repeatable (default: names the configuration mentions)")
	positional, status, ok := parseInterspersed(fset, args)
	if !ok {
		return status
	}
	if len(positional) > 1 {
		fset.Usage()
		return 2
	}
	switch format {
	case "text", "json", "sarif", "html":
	default:
		fmt.Fprintf(stderr, "apacheconf audit: unknown format %q (want text, json, sarif or html)\n", format)
		return 2
	}
	failSev, err := lint.ParseSeverity(failOn)
	if err != nil {
		fmt.Fprintf(stderr, "apacheconf audit: --fail-on: %v\n", err)
		return 2
	}
	remote, err := netip.ParseAddr(from)
	if err != nil {
		fmt.Fprintf(stderr, "apacheconf audit: --from: %v\n", err)
		return 2
	}
	var analyzers []*lint.Analyzer
	if profile != "" {
		if analyzers, err = lint.Profile(profile); err != nil {
			fmt.Fprintf(stderr, "apacheconf audit: --profile: %v\n", err)
			return 2
		}
	}
	fromArg := len(positional) == 1
	if fromArg {
		if err := lf.target(positional[0]); err != nil {
			fmt.Fprintf(stderr, "apacheconf audit: %v\n", err)
			return 2
		}
	}
	lf.relative = !filepath.IsAbs(lf.cf.file)
	file, root, err := lf.paths(fromArg)
	if err != nil {
		fmt.Fprintf(stderr, "apacheconf audit: %v\n", err)
		return 2
	}
	if info, err := os.Stat(lf.chroot); err != nil || !info.IsDir() {
		fmt.Fprintf(stderr, "apacheconf audit: --chroot %s: not a directory\n", lf.chroot)
		return 2
	}
	if lf.chroot, err = filepath.Abs(lf.chroot); err != nil {
		fmt.Fprintf(stderr, "apacheconf audit: %v\n", err)
		return 2
	}
	loaded, err := parser.Load(os.DirFS("/"), file, parser.LoadOptions{ServerRoot: root, Defines: lf.cf.defines, Env: os.LookupEnv,
		SkipTrivia: true, KeepComment: lint.IsSuppression})
	var list parser.ErrorList
	if err != nil && !errors.As(err, &list) || loaded == nil {
		fmt.Fprintf(stderr, "apacheconf audit: %v\n", err)
		return 2
	}
	if len(list) > 0 {
		fail(stderr, list)
		return 1
	}
	fsys := os.DirFS(lf.chroot)
	prog := lint.NewProgram(loaded.Body, nil, lint.ProgramOptions{FS: fsys})
	if prog.Server == nil {
		fail(stderr, prog.BuildErrors)
		return 1
	}
	var ds []lint.Diagnostic
	if len(analyzers) > 0 {
		ds = lint.Run(prog, analyzers, lint.Config{})
		wd, _ := os.Getwd()
		for i := range ds {
			if lf.relative && wd != "" && wd != "/" {
				ds[i].Message = strings.ReplaceAll(ds[i].Message, wd+string(filepath.Separator), "")
			}
			ds[i].Pos.Filename = lf.display(ds[i].Pos.Filename)
		}
		lint.Sort(ds)
	}
	rep, err := audit.Run(context.Background(), prog.Server, audit.Options{FS: fsys, Remote: remote, Users: users, Lint: ds, Servers: servers})
	if err != nil {
		fmt.Fprintf(stderr, "apacheconf audit: %v\n", err)
		return 2
	}
	// Positions name files as the user named the configuration (display
	// looks at the disk: once a file).
	shown := map[string]string{}
	display := func(file string) string {
		d, ok := shown[file]
		if !ok {
			d = lf.display(file)
			shown[file] = d
		}
		return d
	}
	displayAt := func(at string) string {
		if at == "" {
			return at
		}
		file, rest, _ := strings.Cut(at, ":")
		return display(file) + ":" + rest
	}
	for i := range rep.Answers {
		a := &rep.Answers[i]
		a.FixAt.Filename = display(a.FixAt.Filename)
		for j := range a.Trace {
			a.Trace[j].At = displayAt(a.Trace[j].At)
		}
	}
	for i := range rep.Targets {
		rep.Targets[i].ServerAt = displayAt(rep.Targets[i].ServerAt)
	}
	switch format {
	case "json":
		err = rep.WriteJSON(stdout)
	case "sarif":
		err = rep.WriteSARIF(stdout)
	case "html":
		err = rep.WriteHTML(stdout)
	default:
		err = rep.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "apacheconf audit: %v\n", err)
		return 2
	}
	if rep.Max() >= failSev {
		return 1
	}
	return 0
}
