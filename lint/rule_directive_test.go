package lint

import (
	"sort"
	"testing"
)

// fakeSpecs stands in for the generated directive registry in unit
// tests only.
type fakeSpecs map[string]Spec

func (f fakeSpecs) Lookup(name string) (Spec, bool) {
	for k, s := range f {
		if equalFold(k, name) {
			return s, true
		}
	}
	return Spec{}, false
}

func (f fakeSpecs) Names() []string {
	var out []string
	for k := range f {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func equalFold(a, b string) bool { return len(a) == len(b) && editDistance(lower(a), lower(b)) == 0 }

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

var testSpecs = fakeSpecs{
	"ServerName":           {Name: "ServerName", Module: "core", ReqOverride: reqRSRC, MinArgs: 1, MaxArgs: 1, ArgsHow: "TAKE1", Usage: "The hostname and port of the server"},
	"Listen":               {Name: "Listen", Module: "mpm_event_module", ReqOverride: reqRSRC, MinArgs: 1, MaxArgs: 2, ArgsHow: "TAKE12", Usage: "A port number or a numeric IP address and a port number, and an optional protocol"},
	"ContentDigest":        {Name: "ContentDigest", Module: "core", ReqOverride: reqOrOptions, MinArgs: 1, MaxArgs: 1, ArgsHow: "FLAG"},
	"Require":              {Name: "Require", Module: "authz_core_module", ReqOverride: reqOrAuthCfg, MinArgs: 1, MaxArgs: -1, ArgsHow: "RAW_ARGS"},
	"WSGIRestrictEmbedded": {Name: "WSGIRestrictEmbedded", Module: "wsgi_module", ReqOverride: reqRSRC, MinArgs: 1, MaxArgs: 1, ArgsHow: "FLAG", NotIn: notInVirtualHost},
	"WSGIDaemonProcess":    {Name: "WSGIDaemonProcess", Module: "wsgi_module", ReqOverride: reqRSRC, MinArgs: 1, MaxArgs: -1, ArgsHow: "RAW_ARGS"},
	"<Directory":           {Name: "<Directory", Module: "core", ReqOverride: reqRSRC, MinArgs: -1, MaxArgs: -1, ArgsHow: "RAW_ARGS"},
	"<VirtualHost":         {Name: "<VirtualHost", Module: "core", ReqOverride: reqRSRC, MinArgs: -1, MaxArgs: -1, ArgsHow: "RAW_ARGS"},
	"LoadModule":           {Name: "LoadModule", Module: "so_module", ReqOverride: reqRSRC, MinArgs: 2, MaxArgs: 2, ArgsHow: "TAKE2"},
}

func lintSpecs(a *Analyzer) func(ruleCase) []Diagnostic { return lintSpecsWith(a, false) }

func lintSpecsWith(a *Analyzer, fragment bool) func(ruleCase) []Diagnostic {
	return func(tc ruleCase) []Diagnostic {
		nodes, fsys, err := testLoad(tc.conf, tc.files)
		prog := NewProgram(nodes, err, ProgramOptions{FS: fsys, Resolver: fixedResolver{}, Specs: testSpecs, Fragment: fragment})
		return Run(prog, []*Analyzer{a}, Config{})
	}
}

const loadWSGI = "LoadModule wsgi_module /usr/lib/apache2/modules/mod_wsgi.so\nLoadModule authz_core_module x.so\nLoadModule mpm_event_module y.so\n"

func TestUnknownDirective(t *testing.T) {
	runTableWith(t, UnknownDirective, []ruleCase{
		{name: "typo", conf: "ServerNmae www.example.com\n", want: []string{"1: Invalid command 'ServerNmae', perhaps misspelled or defined by a module not included in the server configuration (did you mean ServerName?)"}},
		{name: "nothing close", conf: "Frobnicate on\n", want: []string{"1: Invalid command 'Frobnicate'"}},
		{name: "known, any case", conf: "servername www.example.com\n<Directory /x>\nRequire all granted\n</Directory>\n"},
	}, lintSpecs(UnknownDirective))
	ds := lintSpecs(UnknownDirective)(ruleCase{conf: "ServerNmae www.example.com\n"})
	out, err := ApplyEdits([]byte("ServerNmae www.example.com\n"), Edits(ds)["site.conf"])
	if err != nil || string(out) != "ServerName www.example.com\n" {
		t.Fatalf("fix: %q %v", out, err)
	}
}

func TestModuleNotLoaded(t *testing.T) {
	runTableWith(t, ModuleNotLoaded, []ruleCase{
		{name: "wsgi not loaded", conf: "LoadModule env_module x.so\nWSGIDaemonProcess a\n", want: []string{"2: WSGIDaemonProcess is defined by wsgi_module, which no LoadModule loads (a2enmod wsgi)"}},
		{name: "loaded", conf: loadWSGI + "WSGIDaemonProcess a\n"},
		{name: "a server without LoadModule is judged", conf: "WSGIDaemonProcess a\n", want: []string{"1: WSGIDaemonProcess is defined by wsgi_module"}},
	}, lintSpecs(ModuleNotLoaded))
	runTableWith(t, ModuleNotLoaded, []ruleCase{
		{name: "a fragment is not judged", conf: "WSGIDaemonProcess a\n"},
	}, lintSpecsWith(ModuleNotLoaded, true))
}

func TestWrongContext(t *testing.T) {
	runTableWith(t, WrongContext, []ruleCase{
		{name: "server directive in directory", conf: loadWSGI + "<Directory /x>\nWSGIDaemonProcess a\n</Directory>\n", want: []string{"5: WSGIDaemonProcess not allowed in <Directory> context"}},
		{name: "require at server level", conf: loadWSGI + "Require all granted\n", want: []string{"4: Require not allowed here"}},
		{name: "require in vhost", conf: loadWSGI + "<VirtualHost *:80>\nRequire all granted\n</VirtualHost>\n", want: []string{"5: Require not allowed in <VirtualHost> context"}},
		{name: "not in vhost", conf: loadWSGI + "<VirtualHost *:80>\nWSGIRestrictEmbedded On\n</VirtualHost>\n", want: []string{"5: WSGIRestrictEmbedded cannot occur within <VirtualHost> section"}},
		{name: "right places", conf: loadWSGI + "WSGIRestrictEmbedded On\n<VirtualHost *:80>\nServerName a\n<Directory /x>\nRequire all granted\nContentDigest On\n</Directory>\n</VirtualHost>\n"},
	}, lintSpecs(WrongContext))
}

func TestBadArguments(t *testing.T) {
	runTableWith(t, BadArguments, []ruleCase{
		{name: "two names", conf: "ServerName a.example b.example\n", want: []string{"1: ServerName takes one argument, The hostname and port of the server"}},
		{name: "flag", conf: "ContentDigest yes\n", want: []string{"1: ContentDigest must be On or Off"}},
		{name: "listen none", conf: "Listen\n", want: []string{"1: Listen takes 1-2 arguments, A port number or a numeric IP address and a port number, and an optional protocol"}},
		{name: "fine", conf: "ServerName a.example\nContentDigest off\nListen 80 http\nRequire all granted\n"},
	}, lintSpecs(BadArguments))
}

// The directive rules with the registry generated from apache2 (the
// default): httpd's verdicts and words.
func TestDirectiveRulesGeneratedRegistry(t *testing.T) {
	generatedCase := func(a *Analyzer) func(ruleCase) []Diagnostic {
		return func(tc ruleCase) []Diagnostic {
			nodes, fsys, err := testLoad(tc.conf, tc.files)
			return Run(NewProgram(nodes, err, ProgramOptions{FS: fsys, Resolver: fixedResolver{}}), []*Analyzer{a}, Config{})
		}
	}
	runTableWith(t, BadArguments, []ruleCase{
		{name: "FLAG reads one word", conf: "KeepAlive On extra\n"},
		{name: "FLAG value", conf: "KeepAlive maybe\n", want: []string{"1: KeepAlive must be On or Off"}},
		{name: "empty quoted", conf: "SetEnv \"\"\n", want: []string{"1: SetEnv takes 1-2 arguments, an environment variable name and optional value to pass to CGI."}},
	}, generatedCase(BadArguments))
	const mods = "LoadModule mpm_event_module x.so\nLoadModule alias_module x.so\nLoadModule proxy_module x.so\nLoadModule ssl_module x.so\n"
	runTableWith(t, WrongContext, []ruleCase{
		{name: "Listen in vhost", conf: mods + "<VirtualHost *:80>\nListen 81\n</VirtualHost>\n", want: []string{"6: Listen cannot occur within <VirtualHost> section"}},
		// The handlers' argument-dependent checks, as apache2 -t words them.
		{name: "Alias two args in Directory", conf: mods + "<Directory /x>\nAlias /a /b\n</Directory>\n", want: []string{"6: Alias cannot occur within directory context"}},
		{name: "Alias one arg globally", conf: mods + "Alias /b\n", want: []string{"5: Alias must have two arguments when used globally"}},
		{name: "Alias one arg in Location", conf: mods + "<Location /a>\nAlias /b\n</Location>\n"},
		{name: "ServerAlias outside VirtualHost", conf: mods + "ServerAlias www.example.com\n", want: []string{"5: ServerAlias only used in <VirtualHost>"}},
		{name: "ProxyPass with a path in Location", conf: mods + "<Location /a>\nProxyPass /a http://b/\n</Location>\n", want: []string{"6: ProxyPass|ProxyPassMatch can not have a path when defined in a location."}},
		{name: "ProxyPass without a path in Location", conf: mods + "<Location /a>\nProxyPass http://b/\n</Location>\n"},
		{name: "SSLProxy in Proxy (PROXY_CONF)", conf: mods + "<Proxy http://b/>\nSSLProxyVerify none\n</Proxy>\n"},
		{name: "Define in Directory (EXEC_ON_READ)", conf: mods + "<Directory /x>\nDefine X\n</Directory>\n"},
	}, generatedCase(WrongContext))
	// Every MPM's directives, judged by the MPM loaded.
	const prefork = "LoadModule mpm_prefork_module x.so\n"
	runTableWith(t, ModuleNotLoaded, []ruleCase{
		{name: "prefork's directives", conf: prefork + "Listen 80\nStartServers 5\nMinSpareServers 5\nMaxSpareServers 10\nMaxRequestWorkers 150\nMaxConnectionsPerChild 0\n"},
		{name: "worker's directives", conf: "LoadModule mpm_worker_module x.so\nListen 80\nStartServers 2\nMinSpareThreads 25\nMaxSpareThreads 75\nThreadLimit 64\nThreadsPerChild 25\nMaxRequestWorkers 150\n"},
		{name: "threads on prefork", conf: prefork + "ThreadsPerChild 25\n", want: []string{"2: ThreadsPerChild is defined by mpm_event_module or mpm_worker_module, which no LoadModule loads (this server's MPM is mpm_prefork_module"}},
	}, generatedCase(ModuleNotLoaded))
	runTableWith(t, WrongContext, []ruleCase{
		{name: "prefork's in vhost", conf: prefork + "<VirtualHost *:80>\nMaxSpareServers 10\n</VirtualHost>\n", want: []string{"3: MaxSpareServers cannot occur within <VirtualHost> section"}},
	}, generatedCase(WrongContext))
	runTableWith(t, ModuleNotLoaded, []ruleCase{
		{name: "ScriptLog from cgid", conf: "LoadModule cgid_module x.so\nScriptLog /tmp/x\n"},
		{name: "rewrite missing", conf: "LoadModule cgid_module x.so\nRewriteEngine On\n", want: []string{"2: RewriteEngine is defined by rewrite_module"}},
	}, generatedCase(ModuleNotLoaded))
}
