package directive_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/parser"
)

func TestTableCoversTheServer(t *testing.T) {
	all := directive.All()
	// 772 command_recs with Debian's modules and mod_wsgi loaded (apache2
	// 2.4.71); TestTableMatchesListing compares them one by one.
	assert.GreaterOrEqual(t, len(all), 770)
	httpd, wsgi := directive.Versions()
	assert.True(t, strings.HasPrefix(httpd, "Apache/2.4."), httpd)
	assert.NotEmpty(t, wsgi)
	for _, d := range all {
		assert.NotEmpty(t, d.Module, d.Name)
		assert.NotEmpty(t, d.ModuleID, d.Name)
		assert.NotZero(t, d.Override, d.Name)
		assert.Equal(t, strings.HasPrefix(d.Name, "<"), d.Section, d.Name)
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name, want, module, id string
	}{
		{"servername", "ServerName", "core.c", "core_module"},
		{"SETENV", "SetEnv", "mod_env.c", "env_module"},
		{"<directory", "<Directory", "core.c", "core_module"},
		{"Directory", "<Directory", "core.c", "core_module"}, // a section without its bracket
		{"WSGIRestrictProcess", "WSGIRestrictProcess", "mod_wsgi.c", "wsgi_module"},
		{"Listen", "Listen", "event.c", "mpm_event_module"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := directive.Lookup(tt.name)
			require.True(t, ok)
			assert.Equal(t, tt.want, d.Name)
			assert.Equal(t, tt.module, d.Module)
			assert.Equal(t, tt.id, d.ModuleID)
		})
	}
	_, ok := directive.Lookup("NoSuchDirective")
	assert.False(t, ok)
}

// The three facts, as the server told the generator.
func TestKnownFacts(t *testing.T) {
	rp, ok := directive.Lookup("WSGIRestrictProcess")
	require.True(t, ok)
	assert.True(t, rp.InServer(), "server config and virtual host")
	assert.True(t, rp.InDirectory(), "directory sections")
	assert.False(t, rp.InHTAccess(), "not in .htaccess under any AllowOverride")
	for _, name := range []string{"SetEnv", "AddHandler"} {
		d, ok := directive.Lookup(name)
		require.True(t, ok)
		assert.Equal(t, directive.OrFileInfo, d.Override&directive.OrAll, name)
		assert.Nil(t, directive.Check(name, []string{"a", "b"}, directive.Context{HTAccess: true, Override: directive.OrFileInfo}))
		err := directive.Check(name, []string{"a", "b"}, directive.Context{HTAccess: true, Override: directive.OrAuthCfg | directive.OrOptions})
		require.NotNil(t, err)
		assert.Equal(t, directive.NotAllowed, err.Kind)
		assert.Equal(t, name+" not allowed here", err.Msg)
	}
	err := directive.Check("WSGIRestrictProcess", []string{"g"}, directive.Context{HTAccess: true, Override: directive.OrAll})
	require.NotNil(t, err)
	assert.Equal(t, "WSGIRestrictProcess not allowed here", err.Msg)
	// AllowOverrideList admits a directive by name.
	assert.Nil(t, directive.Check("ServerSignature", []string{"Off"}, directive.Context{HTAccess: true, OverrideList: []string{"serversignature"}}))
}

func TestCheck(t *testing.T) {
	server := directive.Context{}
	vhost := directive.Context{Sections: []string{"VirtualHost"}}
	dir := directive.Context{Sections: []string{"Directory"}}
	tests := []struct {
		name string
		args []string
		ctx  directive.Context
		kind directive.ErrorKind
		msg  string
	}{
		{"ServerName", []string{"a"}, server, 0, ""},
		{"ServerName", nil, server, directive.WrongArgs, "ServerName takes one argument, The hostname and port of the server"},
		{"ServerName", []string{"a", "b"}, vhost, directive.WrongArgs, "ServerName takes one argument, The hostname and port of the server"},
		{"ServerName", []string{"a"}, dir, directive.NotAllowed, "ServerName not allowed in <Directory> context"},
		{"ServerName", []string{"a"}, directive.Context{Sections: []string{"IfModule", "Directory", "IfDefine"}}, directive.NotAllowed, "ServerName not allowed in <Directory> context"},
		{"Require", []string{"all", "granted"}, server, directive.NotAllowed, "Require not allowed here"},
		{"Require", []string{"all", "granted"}, directive.Context{Sections: []string{"IfModule"}}, directive.NotAllowed, "Require not allowed here"},
		{"KeepAlive", []string{"maybe"}, server, directive.WrongArgs, "KeepAlive must be On or Off"},
		{"KeepAlive", []string{"ON", "extra"}, server, 0, ""}, // FLAG reads one word
		{"SetEnv", []string{"A"}, dir, 0, ""},
		{"SetEnv", []string{"A", "b", "c"}, dir, directive.WrongArgs, "SetEnv takes 1-2 arguments, an environment variable name and optional value to pass to CGI."},
		{"SetEnv", []string{""}, dir, directive.WrongArgs, "SetEnv takes 1-2 arguments, an environment variable name and optional value to pass to CGI."},
		{"AddHandler", []string{"h"}, dir, directive.WrongArgs, "AddHandler requires at least two arguments, a handler name followed by one or more file extensions"},
		{"WSGIRestrictEmbedded", []string{"On"}, vhost, directive.NotInSection, "WSGIRestrictEmbedded cannot occur within <VirtualHost> section"},
		{"WSGIDaemonProcess", []string{"g"}, dir, directive.NotAllowed, "WSGIDaemonProcess not allowed in <Directory> context"},
		{"Listen", []string{"80"}, vhost, directive.NotInSection, "Listen cannot occur within <VirtualHost> section"},
		{"<VirtualHost", []string{"*:80"}, vhost, directive.NotInSection, "<VirtualHost> cannot occur within <VirtualHost> section"},
		{"<Files", []string{"x"}, directive.Context{Sections: []string{"Location"}}, directive.NotInSection, "<Files> cannot occur within <Location> section"},
		// Checked with apache2 -t: with two arguments mod_alias refuses
		// every per-directory section alike; with one, it needs one.
		{"Alias", []string{"/a", "/b"}, dir, directive.NotInSection, "Alias cannot occur within directory context"},
		{"Alias", []string{"/a", "/b"}, directive.Context{Sections: []string{"VirtualHost", "Location"}}, directive.NotInSection, "Alias cannot occur within directory context"},
		{"Alias", []string{"/b"}, server, directive.ArgsInContext, "Alias must have two arguments when used globally"},
		{"Alias", []string{"/b"}, dir, directive.NotInSection, "Alias cannot occur within <Directory> section"},
		{"ServerAlias", []string{"www.example.com"}, server, directive.ArgsInContext, "ServerAlias only used in <VirtualHost>"},
		{"ServerAlias", []string{"www.example.com"}, vhost, 0, ""},
		{"ProxyPass", []string{"/app", "http://127.0.0.1:8080/"}, directive.Context{Sections: []string{"LocationMatch"}}, directive.ArgsInContext, "ProxyPass|ProxyPassMatch can not have a path when defined in a location."},
		{"ProxyPass", []string{"http://127.0.0.1:8080/"}, directive.Context{Sections: []string{"Location"}}, 0, ""},
		// More options than the probes gave: judged as with one.
		{"ProxyPass", []string{"/app", "http://b/", "retry=0", "timeout=5", "keepalive=On", "ttl=60"}, directive.Context{Sections: []string{"Location"}}, directive.ArgsInContext, "ProxyPass|ProxyPassMatch can not have a path when defined in a location."},
		{"Alias", []string{"/b"}, directive.Context{Sections: []string{"Location"}}, 0, ""},
		{"NoSuch", nil, server, directive.Unknown, "Invalid command 'NoSuch', perhaps misspelled or defined by a module not included in the server configuration"},
		{"Directory", []string{"/"}, server, directive.Unknown, "Invalid command 'Directory', perhaps misspelled or defined by a module not included in the server configuration"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+strings.Join(tt.args, ","), func(t *testing.T) {
			err := directive.Check(tt.name, tt.args, tt.ctx)
			if tt.kind == 0 {
				assert.Nil(t, err)
				return
			}
			require.NotNil(t, err)
			assert.Equal(t, tt.kind, err.Kind)
			assert.Equal(t, tt.msg, err.Error())
		})
	}
}

func TestArgsBounds(t *testing.T) {
	tests := []struct {
		how      directive.ArgsHow
		min, max int
	}{
		{directive.NoArgs, 0, 0}, {directive.Take1, 1, 1}, {directive.Take12, 1, 2}, {directive.Take13, 1, 3},
		{directive.Take23, 2, 3}, {directive.Iterate, 1, -1}, {directive.Iterate2, 2, -1}, {directive.RawArgs, 0, -1},
	}
	for _, tt := range tests {
		lo, hi := tt.how.Bounds()
		assert.Equal(t, tt.min, lo, tt.how.String())
		assert.Equal(t, tt.max, hi, tt.how.String())
	}
	d, _ := directive.Lookup("SetEnv")
	assert.Equal(t, 1, d.MinArgs())
	assert.Equal(t, 2, d.MaxArgs())
}

func TestSuggest(t *testing.T) {
	assert.Equal(t, "ServerName", directive.Suggest("ServerNmae"))
	assert.Equal(t, "DocumentRoot", directive.Suggest("DocumentRot"))
	assert.Equal(t, "<Directory", directive.Suggest("<Directroy"))
	assert.Equal(t, "WSGIProcessGroup", directive.Suggest("WSGIProcesGroup"))
	assert.Equal(t, "", directive.Suggest("Zzzzzzzzzz"))
}

func TestOverrideString(t *testing.T) {
	assert.Equal(t, "AuthConfig or Limit", (directive.OrAuthCfg | directive.OrLimit).String())
	assert.Equal(t, "None", directive.Override(0).String())
}

func TestCheckTree(t *testing.T) {
	src := "LoadModule wsgi_module x.so\n" +
		"ServerNmae a\n" +
		"SetEnv A b\n" +
		"<VirtualHost *:80>\n  WSGIRestrictEmbedded On\n  <Directory /srv>\n    WSGIDaemonProcess g\n    Options +Indexes\n  </Directory>\n</VirtualHost>\n" +
		"<Macro M $x>\n  Nonsense $x\n</Macro>\n" +
		"DavLockDB /x\n"
	f, err := parser.ParseFile("t.conf", []byte(src))
	require.NoError(t, err)
	loaded := func(id string) bool { return id == "wsgi_module" || id == "env_module" }
	var got []string
	for _, e := range directive.CheckTree(f.Body, loaded) {
		got = append(got, e.Error())
	}
	assert.Equal(t, []string{
		"t.conf:2:1: Invalid command 'ServerNmae', perhaps misspelled or defined by a module not included in the server configuration",
		"t.conf:5:3: WSGIRestrictEmbedded cannot occur within <VirtualHost> section",
		"t.conf:7:5: WSGIDaemonProcess not allowed in <Directory> context",
		"t.conf:11:1: Invalid command '<Macro', perhaps misspelled or defined by a module not included in the server configuration",
		"t.conf:14:1: Invalid command 'DavLockDB', perhaps misspelled or defined by a module not included in the server configuration",
	}, got)
	var de *directive.Error
	require.ErrorAs(t, directive.CheckTree(f.Body, loaded)[0], &de)
	assert.Equal(t, directive.Unknown, de.Kind)
	var pe *parser.Error // the library's one positioned error
	require.ErrorAs(t, error(directive.CheckTree(f.Body, loaded)[1]), &pe)
	assert.Equal(t, "t.conf:5:3", pe.Pos.String())
	assert.Equal(t, "WSGIRestrictEmbedded cannot occur within <VirtualHost> section", pe.Msg)
	assert.Empty(t, directive.CheckTree(f.Body[:1], nil))
}

// Names fold as httpd's strcasecmp does in the C locale: ASCII only. The
// Kelvin sign is not a K.
func TestLookupFoldsASCIIOnly(t *testing.T) {
	_, ok := directive.Lookup("KEEPALIVE")
	assert.True(t, ok)
	_, ok = directive.Lookup("\u212AeepAlive")
	assert.False(t, ok)
}

// A path section's extra word is refused after its body, as dirsection
// does once ap_walk_config has read it; "~" and its regex are one path.
func TestCheckTreeExtraSectionArgs(t *testing.T) {
	for src, want := range map[string][]string{
		"<Directory /a b>\nNoSuch x\n</Directory>\n": {
			"t.conf:2:1: Invalid command 'NoSuch', perhaps misspelled or defined by a module not included in the server configuration",
			"t.conf:1:1: Multiple <Directory> arguments not (yet) supported.",
		},
		"<Directory ~ ^/a>\n</Directory>\n":         nil,
		"<Location ~ ^/a b>\n</Location>\n":         {"t.conf:1:1: Multiple <Location> arguments not (yet) supported."},
		"<LocationMatch ~ ^/a>\n</LocationMatch>\n": {"t.conf:1:1: Multiple <LocationMatch> arguments not (yet) supported."},
		"<VirtualHost *:80 *:81>\n</VirtualHost>\n": nil,
	} {
		f, err := parser.ParseFile("t.conf", []byte(src))
		require.NoError(t, err)
		var got []string
		for _, e := range directive.CheckTree(f.Body, nil) {
			got = append(got, e.Error())
		}
		assert.Equal(t, want, got, src)
	}
}

// CheckSections is CheckTree's section errors alone, in its order: the
// sections' own checks still decide which bodies are read (an unknown
// section's body is not).
func TestCheckSectionsIsCheckTreeFiltered(t *testing.T) {
	src := "<If \"true\">\n</If>\nServerNmae x\n<Else>\n</Else>\n<ElseIf \"false\">\n</ElseIf>\n" +
		"<Directory /a b>\n<Else>\n</Else>\nNoSuch x\n</Directory>\n" +
		"<Location ~ ^/a b>\n</Location>\n<Files>\n</Files>\n" +
		"<NoSuchSection x>\n<Else>\n</Else>\n</NoSuchSection>\n" +
		"<RequireAll>\n</RequireAll>\n<Macro M>\n<Else>\n</Else>\n</Macro>\n" +
		"<VirtualHost *:80>\n<If \"1\">\n</If>\nSetEnv a b\n<Else>\n</Else>\n</VirtualHost>\n"
	f, err := parser.ParseFile("t.conf", []byte(src))
	require.NoError(t, err)
	for _, loaded := range []directive.Modules{nil, func(id string) bool { return id == "env_module" }} {
		var want, got []string
		for _, e := range directive.CheckTree(f.Body, loaded) {
			if de := e.Err.(*directive.Error); de.Kind == directive.SectionArgs || de.Kind == directive.ElseWithoutIf {
				want = append(want, e.Error())
			}
		}
		for _, e := range directive.CheckSections(f.Body, loaded) {
			got = append(got, e.Error())
		}
		require.NotEmpty(t, want)
		assert.Equal(t, want, got)
	}
}
