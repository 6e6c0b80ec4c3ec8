package apacheconf

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Env is a process environment for ${VAR} in the configuration
// (Options.Env takes its Lookup).
type Env map[string]string

// Lookup returns the value of name.
func (e Env) Lookup(name string) (string, bool) {
	v, ok := e[name]
	return v, ok
}

// ReadEnvvars reads Debian's /etc/apache2/envvars (path, through fsys
// rooted at "/"): the shell file apache2ctl sources before starting
// apache2, which apache2.conf's ${APACHE_RUN_USER}, ${APACHE_LOG_DIR} …
// come from. It evaluates what that file does: NAME=VALUE assignments
// (with or without export) whose $NAME and ${NAME} references expand to
// what was assigned before or, failing that, to os's environment when
// env is nil, or env. Other commands (unset, sourcing /etc/default
// files) and the branches of if … fi are not run: the SUFFIX these
// compute is empty for the stock /etc/apache2, which is what assigning
// nothing gives. Quotes around a value are removed.
func ReadEnvvars(fsys fs.FS, path string, env func(string) (string, bool)) (Env, error) {
	src, err := fs.ReadFile(fsys, fsPath(path))
	if err != nil {
		return nil, err
	}
	if env == nil {
		env = os.LookupEnv
	}
	out := Env{}
	lookup := func(name string) string {
		if v, ok := out[name]; ok {
			return v
		}
		v, _ := env(name)
		return v
	}
	depth := 0 // inside if … fi
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		first, _, _ := strings.Cut(text, " ")
		switch first {
		case "if", "case":
			depth++
			continue
		case "fi", "esac":
			depth--
			continue
		}
		if depth > 0 || text == "" || text[0] == '#' {
			continue
		}
		text = strings.TrimPrefix(text, "export ")
		name, value, ok := strings.Cut(text, "=")
		if !ok || !isShellName(name) {
			continue
		}
		v, err := shellValue(value, lookup)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		out[name] = v
	}
	return out, sc.Err()
}

func isShellName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// shellValue expands a simple shell word: quotes, $NAME, ${NAME}.
func shellValue(w string, lookup func(string) string) (string, error) {
	var b strings.Builder
	quote := byte(0)
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case c == quote:
			quote = 0
		case quote == 0 && (c == ' ' || c == '\t' || c == ';'):
			return b.String(), nil // a comment or a second command follows
		case c == '$' && quote != '\'':
			rest := w[i+1:]
			if strings.HasPrefix(rest, "{") {
				end := strings.IndexByte(rest, '}')
				if end < 0 {
					return "", fmt.Errorf("unclosed ${ in %q", w)
				}
				name := rest[1:end]
				if !isShellName(name) {
					return "", fmt.Errorf("${%s}: only plain ${NAME} is read", name)
				}
				b.WriteString(lookup(name))
				i += end + 1
				continue
			}
			n := 0
			for n < len(rest) && isShellName(rest[:n+1]) {
				n++
			}
			if n == 0 {
				b.WriteByte('$')
				continue
			}
			b.WriteString(lookup(rest[:n]))
			i += n
		default:
			b.WriteByte(c)
		}
	}
	if quote != 0 {
		return "", fmt.Errorf("unclosed quote in %q", w)
	}
	return b.String(), nil
}
