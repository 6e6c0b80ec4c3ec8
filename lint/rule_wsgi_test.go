package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWSGIDuplicateGroup(t *testing.T) {
	runTable(t, WSGIDuplicateGroup, []ruleCase{
		{name: "dup across vhosts", conf: "WSGIDaemonProcess a\n<VirtualHost *:80>\nServerName x\nWSGIDaemonProcess a\n</VirtualHost>\n", want: []string{"4: Name duplicates previous WSGI daemon definition."}},
		{name: "distinct", conf: "WSGIDaemonProcess a\nWSGIDaemonProcess b\n"},
	})
}

func TestWSGIInvalidOption(t *testing.T) {
	runTable(t, WSGIInvalidOption, []ruleCase{
		{name: "unknown option", conf: "WSGIDaemonProcess a proceses=2\n", want: []string{"1: Invalid option to WSGI daemon process definition."}},
		{name: "valid", conf: "WSGIDaemonProcess a processes=2 threads=15 user=www-data\n"},
	})
}

func TestWSGIUndefinedGroup(t *testing.T) {
	runTable(t, WSGIUndefinedGroup, []ruleCase{
		{name: "undefined", conf: "<VirtualHost *:80>\nServerName a\nWSGIProcessGroup nope\n</VirtualHost>\n", want: []string{"3: No WSGI daemon process called 'nope'"}},
		{name: "other server", conf: "<VirtualHost *:80>\nServerName a\nWSGIDaemonProcess ga\n</VirtualHost>\n<VirtualHost *:80>\nServerName b\nWSGIScriptAlias / /srv/b.wsgi process-group=ga\n</VirtualHost>\n",
			want: []string{"7: cannot be accessed by this WSGI application"}},
		{name: "same name other vhost", conf: "<VirtualHost *:80>\nServerName a\nWSGIDaemonProcess ga\n</VirtualHost>\n<VirtualHost *:443>\nServerName a\nWSGIProcessGroup ga\n</VirtualHost>\n"},
		{name: "global and expanded", conf: "WSGIDaemonProcess g\n<VirtualHost *:80>\nServerName a\nWSGIProcessGroup g\n<Directory /srv>\nWSGIProcessGroup %{ENV:G}\n</Directory>\n</VirtualHost>\n"},
	})
}

func TestWSGIRestrictUnselectable(t *testing.T) {
	runTable(t, WSGIRestrictUnselectable, []ruleCase{
		{name: "typo and other server", conf: "<VirtualHost *:80>\nServerName a\nWSGIDaemonProcess a1\n</VirtualHost>\n<VirtualHost *:80>\nServerName b\nWSGIDaemonProcess b1\n<Directory /srv/b>\nWSGIRestrictProcess b1 b2 a1\n</Directory>\n</VirtualHost>\n",
			want: []string{"9: 'b2', which the virtual host b cannot select: no such daemon group", "9: 'a1'"}},
		{name: "ok", conf: "WSGIDaemonProcess g\n<VirtualHost *:80>\nServerName b\nWSGIDaemonProcess b1\n<Directory /srv/b>\nWSGIRestrictProcess b1 g %{GLOBAL}\n</Directory>\n</VirtualHost>\n"},
	})
}

const restrictConf = "<VirtualHost *:80>\nServerName www\nWSGIDaemonProcess bob user=bob\nWSGIDaemonProcess joe user=joe\nWSGIProcessGroup %{ENV:PG}\n<Directory /home/bob>\nAllowOverride FileInfo\n</Directory>\n</VirtualHost>\n"

func TestWSGIRestrictInHTAccess(t *testing.T) {
	runTable(t, WSGIRestrictInHTAccess, []ruleCase{
		{name: "in htaccess", conf: restrictConf, files: map[string]string{"/home/bob/.htaccess": "SetEnv PG bob\nWSGIRestrictProcess bob\n"},
			want: []string{"/home/bob/.htaccess:2: WSGIRestrictProcess not allowed here"}},
		{name: "htaccess not read", conf: strings.Replace(restrictConf, "FileInfo", "None", 1), files: map[string]string{"/home/bob/.htaccess": "WSGIRestrictProcess bob\n"}},
		{name: "in config", conf: strings.Replace(restrictConf, "FileInfo", "FileInfo\nWSGIRestrictProcess bob", 1)},
	})
}

func TestWSGIEnvGroupSelection(t *testing.T) {
	runTable(t, WSGIEnvGroupSelection, []ruleCase{
		{name: "unrestricted", conf: restrictConf, want: []string{"6: can pick any of 2 daemon groups through %{ENV:PG} and so run code as bob (bob) or joe (joe); add WSGIRestrictProcess"}},
		{name: "restricted to two users", conf: strings.Replace(restrictConf, "FileInfo", "FileInfo\nWSGIRestrictProcess bob joe", 1), want: []string{"8: can run code as bob (bob) or joe (joe) through"}},
		{name: "restricted", conf: strings.Replace(restrictConf, "FileInfo", "FileInfo\nWSGIRestrictProcess bob", 1)},
		{name: "no override", conf: strings.Replace(restrictConf, "FileInfo", "AuthConfig", 1)},
	})
}

func TestWSGIEmbeddedRestricted(t *testing.T) {
	runTable(t, WSGIEmbeddedRestricted, []ruleCase{
		{name: "embedded alias", conf: "WSGIRestrictEmbedded On\n<VirtualHost *:80>\nServerName a\nWSGIScriptAlias / /srv/a.wsgi\n</VirtualHost>\n", want: []string{"4: WSGIScriptAlias runs in embedded mode"}},
		{name: "global group", conf: "WSGIRestrictEmbedded On\nWSGIDaemonProcess g\n<VirtualHost *:80>\nServerName a\nWSGIProcessGroup %{GLOBAL}\n</VirtualHost>\n", want: []string{"5: selects embedded mode"}},
		{name: "daemon", conf: "WSGIRestrictEmbedded On\n<VirtualHost *:80>\nServerName a\nWSGIDaemonProcess a\nWSGIScriptAlias / /srv/a.wsgi process-group=a\n</VirtualHost>\n"},
		{name: "embedded allowed", conf: "<VirtualHost *:80>\nServerName a\nWSGIScriptAlias / /srv/a.wsgi\n</VirtualHost>\n"},
	})
}

// TestSeedRestrict is the seed scenario of the shared oracle: with its
// WSGIRestrictProcess line the security rule is quiet, without it the
// rule fires on bob's directory.
func TestSeedRestrict(t *testing.T) {
	dir := "/work/shared/oracle/cases/seed-restrict"
	src, err := os.ReadFile(filepath.Join(dir, "site.conf"))
	if err != nil {
		t.Skip("seed case not available:", err)
	}
	conf := strings.NewReplacer("@ROOT@", "", "@PORT@", "80").Replace(string(src))
	files := map[string]string{}
	root := filepath.Join(dir, "files")
	require.NoError(t, filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[strings.TrimPrefix(p, root)] = string(b)
		return err
	}))
	ds := lintString(WSGIEnvGroupSelection, conf, files)
	assert.Empty(t, ds, "with WSGIRestrictProcess")

	var without []string
	for _, l := range strings.SplitAfter(conf, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "WSGIRestrictProcess") {
			without = append(without, l)
		}
	}
	ds = lintString(WSGIEnvGroupSelection, strings.Join(without, ""), files)
	require.Len(t, ds, 1)
	assert.Equal(t, Error, ds[0].Severity)
	assert.Contains(t, ds[0].Message, "/home/bob/public_html")
	assert.Contains(t, ds[0].Message, "joe (joe:1, joe:2, joe:3) or the Apache user (default)")
	t.Log(ds[0].Pos, ds[0].Message)
}

func TestWSGIEmbeddedRestrictedHandler(t *testing.T) {
	conf := "WSGIDaemonProcess a\nWSGIRestrictEmbedded On\n<VirtualHost *:80>\nServerName w\nDocumentRoot /www\n<Directory /www>\nAddHandler wsgi-script .wsgi\n</Directory>\n<Location /d>\nWSGIProcessGroup a\n</Location>\n</VirtualHost>\n"
	runTable(t, WSGIEmbeddedRestricted, []ruleCase{
		{name: "handler without group", conf: conf, want: []string{"7: WSGI scripts under /www run in embedded mode"}},
		{name: "handler with group", conf: strings.Replace(conf, "AddHandler wsgi-script .wsgi\n", "AddHandler wsgi-script .wsgi\nWSGIProcessGroup a\n", 1)},
	})
}

func TestWSGIRestrictedGroup(t *testing.T) {
	base := "WSGIDaemonProcess ok\nWSGIDaemonProcess nope\nWSGIRestrictProcess ok\n<VirtualHost *:80>\nServerName a\nDocumentRoot /www\n<Directory /www>\nAddHandler wsgi-script .wsgi\n</Directory>\nWSGIProcessGroup nope\n</VirtualHost>\n"
	runTable(t, WSGIRestrictedGroup, []ruleCase{
		{name: "main-level restriction", conf: base, want: []string{"3: run in daemon group 'nope' (WSGIProcessGroup at site.conf:10)"}},
		{name: "embedded not listed", conf: "WSGIDaemonProcess a\n<VirtualHost *:80>\nServerName x\nDocumentRoot /www\n<Directory /www>\nAddHandler wsgi-script .wsgi\n</Directory>\nWSGIRestrictProcess a\n</VirtualHost>\n", want: []string{"8: run in embedded mode"}},
		{name: "listed", conf: strings.Replace(base, "WSGIProcessGroup nope", "WSGIProcessGroup ok", 1)},
		{name: "per-location group", conf: strings.Replace(base, "WSGIProcessGroup nope", "<Location /x>\nWSGIProcessGroup nope\n</Location>", 1), want: []string{"11: WSGIProcessGroup nope for <Location /x>"}},
		{name: "per-location group listed", conf: strings.Replace(base, "WSGIProcessGroup nope", "<Location /x>\nWSGIProcessGroup ok\n</Location>", 1)},
		{name: "no wsgi handler", conf: strings.Replace(base, "AddHandler wsgi-script .wsgi", "AddHandler cgi-script .cgi", 1)},
	})
}

func TestWSGIRestrictedGroupLocation(t *testing.T) {
	conf := "WSGIDaemonProcess ok\nWSGIDaemonProcess nope\n<VirtualHost *:80>\nServerName w\nDocumentRoot /www\n<Directory /www>\nAddHandler wsgi-script .wsgi\n</Directory>\nWSGIRestrictProcess ok\nWSGIProcessGroup ok\n<Location /n>\nWSGIProcessGroup nope\n</Location>\n</VirtualHost>\n"
	runTable(t, WSGIRestrictedGroup, []ruleCase{
		{name: "location group not listed", conf: conf, want: []string{"12: WSGIProcessGroup nope for <Location /n> is not in the WSGIRestrictProcess in force (site.conf:9)"}},
		{name: "directory restriction decides", conf: strings.Replace(conf, "AddHandler wsgi-script .wsgi\n", "AddHandler wsgi-script .wsgi\nWSGIRestrictProcess ok nope\n", 1)},
	})
}
