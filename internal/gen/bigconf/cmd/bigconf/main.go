// Command bigconf writes a generated configuration for benchmarks:
//
//	go run ./internal/gen/bigconf/cmd/bigconf -size 5000000 -o /tmp/big.conf
//	go run ./internal/gen/bigconf/cmd/bigconf -vhosts 10000 -o /tmp/10k.conf
//	go run ./internal/gen/bigconf/cmd/bigconf -vhosts 10000 -tree /tmp/tree10k
//
// -modules prepends the LoadModule lines apache2 -t needs to accept it.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/apacheconf/apacheconf/internal/gen/bigconf"
)

func main() {
	size := flag.Int("size", 0, "write at least this many bytes")
	vhosts := flag.Int("vhosts", 0, "write this many virtual hosts")
	out := flag.String("o", "", "output file (default: standard output)")
	modules := flag.Bool("modules", false, "prepend LoadModule lines for Debian's apache2")
	tree := flag.String("tree", "", "write a Debian-style tree (apache2.conf, sites-enabled/, document roots) into this directory")
	perFile := flag.Int("per-file", 100, "with -tree: virtual hosts per sites-enabled file")
	flag.Parse()
	if *tree != "" {
		if err := bigconf.Tree(*tree, *vhosts, *perFile); err != nil {
			fmt.Fprintln(os.Stderr, "bigconf:", err)
			os.Exit(1)
		}
		return
	}
	var data []byte
	switch {
	case *vhosts > 0:
		data = bigconf.VHosts(*vhosts)
	case *size > 0:
		data = bigconf.Config(*size)
	default:
		fmt.Fprintln(os.Stderr, "bigconf: give -size or -vhosts")
		os.Exit(2)
	}
	if *modules {
		data = append([]byte(bigconf.DebianModules), data...)
	}
	if *out == "" {
		os.Stdout.Write(data)
		return
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "bigconf:", err)
		os.Exit(1)
	}
}
