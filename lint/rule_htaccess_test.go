package lint

import (
	"strings"
	"testing"

	"github.com/apacheconf/apacheconf/scope"
)

// fakeTable stands in for the directive registry in unit tests only:
// three directives with the classes httpd gives them.
type fakeTable map[string]int

func (t fakeTable) Classes(name string) (int, bool, bool) {
	c, ok := t[strings.ToLower(name)]
	return c, ok && c != 0, ok
}

var testTable = fakeTable{"setenv": scope.OrFileInfo, "require": scope.OrAuthCfg, "wsgidaemonprocess": 0}

func TestHTAccessNotAllowed(t *testing.T) {
	conf := "<Directory /srv/u>\nAllowOverride AuthConfig\n</Directory>\n"
	cases := []ruleCase{
		{name: "class not admitted", conf: conf, files: map[string]string{"/srv/u/.htaccess": "Require valid-user\nSetEnv X 1\n"},
			want: []string{"/srv/u/.htaccess:2: SetEnv not allowed here: AllowOverride AuthConfig at site.conf:2:1 does not admit it; httpd answers 500 for /srv/u (needs AllowOverride FileInfo)"}},
		{name: "never in htaccess", conf: conf, files: map[string]string{"/srv/u/.htaccess": "WSGIDaemonProcess x\n"}, want: []string{"/srv/u/.htaccess:1: WSGIDaemonProcess not allowed here: it is never allowed"}},
		{name: "unknown", conf: conf, files: map[string]string{"/srv/u/.htaccess": "Requier valid-user\n"}, want: []string{"/srv/u/.htaccess:1: Invalid command 'Requier'"}},
		{name: "list admits", conf: strings.Replace(conf, "AuthConfig", "AuthConfig\nAllowOverrideList SetEnv", 1), files: map[string]string{"/srv/u/.htaccess": "SetEnv X 1\n"}},
		{name: "nonfatal", conf: strings.Replace(conf, "AuthConfig", "AuthConfig Nonfatal=All", 1), files: map[string]string{"/srv/u/.htaccess": "SetEnv X 1\nRequier x\n"}},
		{name: "admitted", conf: conf, files: map[string]string{"/srv/u/.htaccess": "Require valid-user\n"}},
	}
	withTable := func(tc ruleCase) []Diagnostic {
		nodes, fsys, err := testLoad(tc.conf, tc.files)
		prog := NewProgram(nodes, err, ProgramOptions{FS: fsys, Resolver: fixedResolver{}, Directives: testTable})
		return Run(prog, []*Analyzer{HTAccessNotAllowed}, Config{})
	}
	runTableWith(t, HTAccessNotAllowed, cases, withTable)
}
