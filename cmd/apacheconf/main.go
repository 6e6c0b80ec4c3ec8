// Command apacheconf reads Apache httpd configuration the way httpd does.
//
//	apacheconf lint [flags] [FILE|DIR]    findings for CI (text, json, sarif, github, checkstyle)
//	apacheconf check [-f FILE] [-d DIR]   apache2 -t: load and validate, every error with its position
//	apacheconf vhosts                     the virtual hosts, as apache2 -S prints them
//	apacheconf explain --host H PATH      how httpd answers a request: vhost, mapping, merge, outcome
//	apacheconf resolve --host H PATH...   which mod_wsgi daemon group serves each path, and whether it may
//	apacheconf audit [--profile cis-1]    what every virtual host would hand out; CIS/STIG controls
//	apacheconf dump                       files read (DUMP_INCLUDES) or the loaded tree as JSON
//	apacheconf parse [--json] FILE|DIR... check syntax; print the tree as JSON
//	apacheconf fmt [-w] [-d] [-l] FILE... normalise layout
//	apacheconf conformance                compare with cases recorded by the real server
//
// "apacheconf help" lists the commands and "apacheconf COMMAND -h" their
// flags. Exit status: 0 when all is well, 1 for findings or errors in the
// configuration, 2 for usage and I/O errors.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
)

// command is one subcommand: it gets the arguments after its name and
// returns the exit status.
type command struct {
	run     func(args []string, stdout, stderr io.Writer) int
	summary string
}

var commands = map[string]command{
	"parse": {runParse, "check syntax of files; --json prints the tree"},
	"fmt":   {runFmt, "normalise the layout of files (-w write, -d diff, -l list)"},
}

func main() {
	stop := startProfiles(os.Stderr)
	status := run(os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(status)
}

// startProfiles starts the profiles named by the environment, for
// performance work on the real commands (go tool pprof reads them):
// APACHECONF_CPUPROFILE=FILE and APACHECONF_MEMPROFILE=FILE (the heap live
// at exit, after a collection, and everything allocated on the way).
func startProfiles(stderr io.Writer) (stop func()) {
	cpu, mem := os.Getenv("APACHECONF_CPUPROFILE"), os.Getenv("APACHECONF_MEMPROFILE")
	var cpuFile *os.File
	if cpu != "" {
		f, err := os.Create(cpu)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "apacheconf: cpu profile: %v\n", err)
		}
		cpuFile = f
	}
	return func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if mem == "" {
			return
		}
		f, err := os.Create(mem)
		if err == nil {
			runtime.GC() // the profile shows the heap as of the last collection
			err = pprof.WriteHeapProfile(f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "apacheconf: memory profile: %v\n", err)
		}
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "apacheconf: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: apacheconf COMMAND [flags] ...")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, n := range names {
		fmt.Fprintf(w, "  %-*s  %s\n", width, n, commands[n].summary)
	}
}
