package probe

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	_ "embed"
)

// ArgKind classifies one argument as the handlers' argument-dependent
// checks tell them apart: a URL, a path, "!", a number, On/Off, a
// key=value option, or another word. directive.ArgKind is the same
// function (a test keeps them equal): the generator cannot import the
// package it generates.
func ArgKind(a string) string {
	switch {
	case a == "":
		return "empty"
	case a == "!":
		return "!"
	case urlRE.MatchString(a):
		return "url"
	case a[0] == '/':
		return "path"
	case numRE.MatchString(a):
		return "num"
	case strings.EqualFold(a, "on") || strings.EqualFold(a, "off"):
		return "flag"
	case strings.Contains(a, "="):
		return "kv"
	}
	return "word"
}

var (
	urlRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://|^unix:`)
	numRE = regexp.MustCompile(`^[0-9]+$`)
)

// MaxShapeArgs is how many arguments a shape spells out; the rest are
// summed up as "+".
const MaxShapeArgs = 4

// Shape is the argument shape of args: their kinds, space-separated.
func Shape(args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i == MaxShapeArgs {
			b.WriteString(" +")
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(ArgKind(a))
	}
	return b.String()
}

// examplesConf are argument lines as real configurations write them
// (server trees of several distributions, the module documentation's
// examples, web applications' .htaccess files), one directive a line,
// written for the probes: Debian's shipped files cover a part.
//
//go:embed examples.conf
var examplesConf string

// EtcApache2 is Debian's configuration directory, the other source of
// real argument lists.
const EtcApache2 = "/etc/apache2"

// Example is one directive line of a real-world configuration.
type Example struct {
	Name string
	Args []string
	From string // file:line
}

var commentedRE = regexp.MustCompile(`^#+\s*`)

// Examples returns the argument lists real configurations give the
// directives known (names as known spells them, looked up without regard
// to case): examples.conf, then every line of Debian's /etc/apache2
// (commented-out ones too: they are the documented alternatives) whose
// first word is a known directive. Sections and the directives the loader
// acts on are left out.
func Examples(known map[string]string) []Example {
	var out []Example
	add := func(text, from string) {
		sc := bufio.NewScanner(strings.NewReader(text))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		line := 0
		for sc.Scan() {
			line++
			l := strings.TrimSpace(sc.Text())
			commented := strings.HasPrefix(l, "#")
			l = strings.TrimSpace(commentedRE.ReplaceAllString(l, ""))
			if l == "" || strings.HasPrefix(l, "<") || strings.HasSuffix(l, "\\") {
				continue
			}
			words := SplitWords(l)
			if len(words) == 0 {
				continue
			}
			name, ok := known[strings.ToLower(words[0])]
			if !ok || loaderOnly[strings.ToLower(name)] {
				continue
			}
			// A commented-out directive is spelled as httpd spells it;
			// a comment's prose that starts with a directive's name
			// ("allow server status reports …") is not one.
			if commented && (words[0] != name || prose(words[1:])) {
				continue
			}
			out = append(out, Example{Name: name, Args: words[1:], From: fmt.Sprintf("%s:%d", from, line)})
		}
	}
	add(examplesConf, "examples.conf")
	var files []string
	filepath.WalkDir(EtcApache2, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".conf") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil {
			add(string(b), f)
		}
	}
	return out
}

// prose reports whether words read as English rather than arguments.
func prose(words []string) bool {
	for _, w := range words {
		switch strings.ToLower(strings.TrimRight(w, ".,;:")) {
		case "the", "a", "an", "to", "you", "is", "be", "of", "with", "by", "this", "that", "it", "if", "and", "than", "for", "are", "can", "will":
			return true
		}
		if strings.HasSuffix(w, ".") || strings.HasSuffix(w, ",") {
			return true
		}
	}
	return false
}

// loaderOnly are directives that act on files or on reading itself, not
// probed with real arguments.
var loaderOnly = map[string]bool{"include": true, "includeoptional": true, "loadmodule": true, "loadfile": true,
	"define": true, "undefine": true, "use": true, "undefmacro": true, "error": true, "serverroot": true,
	"defaultruntimedir": true, "pidfile": true, "errorlog": true, "customlog": true, "transferlog": true,
	"scriptlog": true, "scriptsock": true, "cgidscripttimeout": true, "typesconfig": true, "mimemagicfile": true}

// SplitWords splits a line as ap_getword_conf does: quotes group words
// and are removed, a backslash escapes a quote inside them.
func SplitWords(l string) []string {
	var out []string
	for {
		l = strings.TrimLeft(l, " \t")
		if l == "" {
			return out
		}
		if q := l[0]; q == '"' || q == '\'' {
			var b strings.Builder
			i := 1
			for ; i < len(l) && l[i] != q; i++ {
				if l[i] == '\\' && i+1 < len(l) && l[i+1] == q {
					i++
				}
				b.WriteByte(l[i])
			}
			out = append(out, b.String())
			if i < len(l) {
				i++
			}
			l = l[i:]
			continue
		}
		i := strings.IndexAny(l, " \t")
		if i < 0 {
			i = len(l)
		}
		out = append(out, l[:i])
		l = l[i:]
	}
}
