package probe

import (
	"fmt"
	"strings"
)

// Contexts the probes place a directive in, and how each is written.
var Contexts = []string{"server", "virtualhost", "directory", "location", "files", "limit", "proxy"}

var contextWrap = map[string][2]string{
	"server":      {"", ""},
	"virtualhost": {"<VirtualHost 127.0.0.1:9>\n", "</VirtualHost>\n"},
	"directory":   {"<Directory /tmp>\n", "</Directory>\n"},
	"location":    {"<Location /probe>\n", "</Location>\n"},
	"files":       {"<Files probe>\n", "</Files>\n"},
	"limit":       {"<Directory /tmp>\n<Limit GET>\n", "</Limit>\n</Directory>\n"},
	"proxy":       {"<Proxy http://probe/>\n", "</Proxy>\n"},
}

// ContextSections is each context's enclosing sections, as the registry's
// Context takes them.
var ContextSections = map[string][]string{
	"server": nil, "virtualhost": {"VirtualHost"}, "directory": {"Directory"}, "location": {"Location"},
	"files": {"Files"}, "limit": {"Directory", "Limit"}, "proxy": {"Proxy"},
}

// Snippet writes the directive (or, for "<Name", an empty section) with
// args in the context.
func Snippet(name string, args []string, context string) string {
	w, ok := contextWrap[context]
	if !ok {
		panic("probe: unknown context " + context)
	}
	line := name
	if len(args) > 0 {
		line += " " + strings.Join(args, " ")
	}
	if strings.HasPrefix(name, "<") {
		line = fmt.Sprintf("%s>\n</%s>", line, name[1:])
	}
	return w[0] + line + "\n" + w[1]
}

// argForms are invoke_cmd's messages for each args_how, as they follow the
// directive's name.
var argForms = []struct{ phrase, how string }{
	{" takes one argument", "TAKE1"},
	{" takes two arguments", "TAKE2"},
	{" takes 1-2 arguments", "TAKE12"},
	{" takes three arguments", "TAKE3"},
	{" takes two or three arguments", "TAKE23"},
	{" takes one, two or three arguments", "TAKE123"},
	{" takes one or three arguments", "TAKE13"},
	{" requires at least one argument", "ITERATE"},
	{" requires at least two arguments", "ITERATE2"},
	{" must be On or Off", "FLAG"},
}

// http_config.h's EXEC_ON_READ and PROXY_CONF.
const (
	ExecOnRead = 256
	ProxyConf  = 2048
)

func inServer(o int) bool    { return o&(128|2|4|16) != 0 }
func inDirectory(o int) bool { return o&(64|31) != 0 }

// DummyArgs are arguments that satisfy the form's count.
func DummyArgs(how string) []string {
	switch how {
	case "FLAG":
		return []string{"On"}
	case "TAKE2", "TAKE23", "ITERATE2":
		return []string{"x", "x"}
	case "TAKE3":
		return []string{"x", "x", "x"}
	case "NO_ARGS":
		return nil
	}
	return []string{"x"}
}

// Probe finds d's argument form (the message httpd gives for no
// arguments, then for five) and the contexts its handler refuses
// (ap_check_cmd_context's messages in each context -L allows).
func (e *Env) Probe(d *Directive) error {
	home := "server"
	if !inServer(d.Override) {
		home = "directory"
	}
	d.Args = "RAW_ARGS" // every section handler takes its header raw
	if !d.Section {
		_, msg, readTime, err := e.TestAt(Snippet(d.Name, nil, home))
		if err != nil {
			return err
		}
		if readTime {
			d.Override |= ExecOnRead
		}
		if strings.Contains(msg, " not allowed ") {
			return fmt.Errorf("refused in %s, which -L allows: %s", home, msg)
		}
		found := false
		for _, f := range argForms {
			// invoke_cmd appends the usage text; a handler's own message
			// that starts alike ("requires at least one argument!") is
			// not the form's.
			want := d.Name + f.phrase
			if d.Usage != "" && f.how != "FLAG" {
				want += ", " + d.Usage
			}
			if strings.EqualFold(msg, want) {
				d.Args, found = f.how, true
				break
			}
		}
		if !found {
			_, msg, readTime, err := e.TestAt(Snippet(d.Name, []string{"x", "x", "x", "x", "x"}, home))
			if err != nil {
				return err
			}
			if readTime {
				d.Override |= ExecOnRead
			}
			if msg == d.Name+" takes no arguments" {
				d.Args = "NO_ARGS"
			}
		}
	}
	args := DummyArgs(d.Args)
	lOverride := d.Override
	for _, c := range Contexts {
		var allowed bool
		switch {
		case c == "server":
			continue
		case d.Override&ExecOnRead != 0:
			// Run while reading, before any section applies: httpd
			// checks them as in the server configuration.
			allowed = true
		case c == "virtualhost":
			allowed = inServer(lOverride)
		case c == "proxy":
			// PROXY_CONF (2048), which -L does not show, admits server
			// directives in <Proxy> (mod_ssl's SSLProxy*).
			allowed = true
		default:
			allowed = inDirectory(lOverride)
		}
		if !allowed {
			continue
		}
		_, msg, err := e.Test(Snippet(d.Name, args, c))
		if err != nil {
			return err
		}
		if c == "proxy" && !inDirectory(lOverride) && d.Override&ExecOnRead == 0 {
			if strings.Contains(msg, " not allowed in <Proxy> context") {
				continue
			}
			d.Override |= ProxyConf
		}
		d.NotIn |= NotInFromMessage(msg)
	}
	return nil
}

// NotInFromMessage reads ap_check_cmd_context's message into its bits.
func NotInFromMessage(msg string) int {
	_, where, ok := strings.Cut(msg, " cannot occur within ")
	if !ok {
		return 0
	}
	where = strings.ToLower(where)
	switch {
	case strings.HasPrefix(where, "<virtualhost>"):
		return 0x01
	case strings.HasPrefix(where, "<limit> or <limitexcept>"):
		return 0x02
	case strings.HasPrefix(where, "directory context"):
		return 0x04 | 0x08 | 0x10
	case strings.HasPrefix(where, "<directory"):
		return 0x04
	case strings.HasPrefix(where, "<location"):
		return 0x08
	case strings.HasPrefix(where, "<files"), strings.HasPrefix(where, "<if"), strings.HasPrefix(where, "<else"):
		return 0x10
	case strings.HasPrefix(where, "htaccess"):
		return 0x20
	case strings.HasPrefix(where, "<proxy"):
		return 0x40
	}
	return 0
}
