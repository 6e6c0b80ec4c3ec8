package probe

import (
	"fmt"
	"sort"
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
	base := e.BaseFor(d.Module)
	test := func(snippet string) (bool, string, error) {
		ok, msg, _, err := e.TestWith(base, snippet)
		return ok, msg, err
	}
	d.Args = "RAW_ARGS" // every section handler takes its header raw
	if !d.Section {
		_, msg, readTime, err := e.TestWith(base, Snippet(d.Name, nil, home))
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
			_, msg, readTime, err := e.TestWith(base, Snippet(d.Name, []string{"x", "x", "x", "x", "x"}, home))
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
		_, msg, err := test(Snippet(d.Name, args, c))
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

// ShapeVerdict is what httpd said of one argument shape of a directive in
// each context (Contexts order): refusals by ap_check_cmd_context as
// NotIn bits, the handler's own messages ("Alias must have two arguments
// when used globally", "ServerAlias only used in <VirtualHost>") by
// context; "" where it was accepted (or the context is not allowed,
// which the generic checks refuse first).
type ShapeVerdict struct {
	Shape string
	NotIn int
	Msgs  [7]string
}

// allowedIn reports whether the probes place d in context c (as Probe).
func allowedIn(d *Directive, c string) bool {
	switch {
	case c == "server":
		return inServer(d.Override) || d.Override&ExecOnRead != 0
	case d.Override&ExecOnRead != 0:
		return true
	case c == "virtualhost":
		return inServer(d.Override)
	case c == "proxy":
		return inDirectory(d.Override) || d.Override&ProxyConf != 0
	}
	return inDirectory(d.Override)
}

// genericMessage tells the refusals the registry's generic checks model
// (unknown, req_override, argument count, FLAG): not argument-dependent.
func genericMessage(d *Directive, msg string) bool {
	if strings.HasPrefix(msg, "Invalid command '") {
		return true
	}
	rest, ok := strings.CutPrefix(msg, d.Name)
	if !ok {
		return false
	}
	if strings.HasPrefix(rest, " not allowed ") || rest == " takes no arguments" || rest == " must be On or Off" {
		return true
	}
	for _, f := range argForms {
		if strings.HasPrefix(rest, f.phrase) {
			return true
		}
	}
	return false
}

// ProbeShapes runs d's handler with the real argument lists examples gives
// it in every context it is allowed in, and records the shapes whose
// verdict depends on the context (where some context accepts the
// arguments): the checks handlers make on their arguments and context
// together (Alias with two arguments in <Location>, ProxyPass with a path
// in <Location>, ServerAlias outside <VirtualHost>). A message that
// echoes an argument, or verdicts that differ between two lists of one
// shape, judge the values rather than the shape: not recorded.
func (e *Env) ProbeShapes(d *Directive, examples [][]string) error {
	if d.Section || d.Override&ExecOnRead != 0 || len(examples) == 0 {
		return nil
	}
	base := e.BaseFor(d.Module)
	byShape := map[string][][]string{}
	var order []string
	for _, args := range examples {
		sh := Shape(args)
		if len(byShape[sh]) == 0 {
			order = append(order, sh)
		}
		if len(byShape[sh]) < 2 {
			byShape[sh] = append(byShape[sh], args)
		}
	}
	sort.Strings(order)
	for _, sh := range order {
		var got *ShapeVerdict
		consistent := true
		for _, args := range byShape[sh] {
			v := ShapeVerdict{Shape: sh}
			accepted, valueSpecific := false, false
			for ci, c := range Contexts {
				if !allowedIn(d, c) {
					continue
				}
				ok, msg, _, err := e.TestWith(base, Snippet(d.Name, QuoteArgs(args), c))
				if err != nil {
					return err
				}
				if ok {
					accepted = true
					continue
				}
				msg = firstLine(msg)
				switch {
				case genericMessage(d, msg):
				case strings.Contains(msg, " cannot occur within "):
					v.NotIn |= NotInFromMessage(msg)
				case strings.Contains(msg, e.dir):
					valueSpecific = true
				case echoesSection(msg):
					// The handler judges the section's header
					// (BalancerMember outside <Proxy balancer://…>):
					// another header may be accepted. Not recorded, as
					// if accepted.
					accepted = true
				case echoes(msg, args):
					// A message naming a word argument ("CacheEnable
					// provider (disk) is missing an URL.") is kept with
					// the word as {N}; one naming a path, URL or number
					// judges that value.
					if t, ok := template(msg, args); ok {
						v.Msgs[ci] = t
					} else {
						// The handler judged that value here (a
						// balancer that does not exist): other values
						// may pass. Not recorded, as if accepted; the
						// other contexts' verdicts still are.
						accepted = true
					}
				default:
					v.Msgs[ci] = msg
				}
			}
			if !accepted || valueSpecific {
				consistent = false
				break
			}
			if got != nil && *got != v {
				consistent = false
				break
			}
			got = &v
		}
		if !consistent || got == nil {
			continue
		}
		if got.NotIn == 0 && got.Msgs == [7]string{} && d.NotIn == 0 {
			continue // what the generic checks say
		}
		d.Shapes = append(d.Shapes, *got)
	}
	return nil
}

// echoes reports whether msg quotes one of the arguments (longer than a
// character): the handler judged that value.
func echoes(msg string, args []string) bool {
	for _, a := range args {
		if len(a) > 1 && strings.Contains(msg, a) {
			return true
		}
	}
	return false
}

// template replaces the arguments msg quotes by {N} (1-based), when
// every one quoted is a plain word (ArgKind "word").
func template(msg string, args []string) (string, bool) {
	for i, a := range args {
		if len(a) > 1 && strings.Contains(msg, a) {
			if ArgKind(a) != "word" || strings.Contains(a, "{") {
				return "", false
			}
			msg = strings.ReplaceAll(msg, a, fmt.Sprintf("{%d}", i+1))
		}
	}
	return msg, true
}

// echoesSection reports whether msg quotes the probe's section header
// (<Directory /tmp>, <Location /probe> …): the handler judged that value.
func echoesSection(msg string) bool {
	return strings.Contains(msg, "/tmp") || strings.Contains(msg, "probe")
}

// QuoteArgs writes arguments back as a configuration line holds them.
func QuoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\"'") {
			a = `"` + strings.ReplaceAll(a, `"`, `\"`) + `"`
		}
		out[i] = a
	}
	return out
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }
