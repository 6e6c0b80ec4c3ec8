package directive

import (
	"strconv"
	"strings"
)

// ShapeRule is httpd's verdict, found by probing, on one argument shape of
// a directive in each context: the checks a handler makes on its
// arguments and its context together (Alias with two arguments cannot
// occur in <Location>; ProxyPass with a path in <Location> "can not have
// a path when defined in a location"; ServerAlias outside <VirtualHost>
// is "only used in <VirtualHost>"). Where a rule exists for the
// arguments' shape it replaces the directive's NotIn.
type ShapeRule struct {
	// Shape is the arguments' kinds (see Shape).
	Shape string
	// NotIn are the ap_check_cmd_context refusals for this shape.
	NotIn NotIn
	// Msgs are the handler's own refusals in each context kind (server,
	// virtual host, directory, location, files, limit, proxy); "" where
	// it accepts. {N} stands for the N-th argument, a word the handler
	// names ("CacheEnable provider ({1}) is missing an URL.").
	Msgs [7]string
}

// Context kinds of ShapeRule.Msgs, as the generator's probes place a
// directive.
const (
	kindServer = iota
	kindVirtualHost
	kindDirectory
	kindLocation
	kindFiles
	kindLimit
	kindProxy
)

// ArgKind classifies an argument as handlers' argument checks tell them
// apart: "url" (scheme://… or unix:…), "path" (/…), "!", "num" (digits),
// "flag" (On/Off), "kv" (key=value), "empty", or "word".
func ArgKind(a string) string {
	switch {
	case a == "":
		return "empty"
	case a == "!":
		return "!"
	case isURL(a):
		return "url"
	case a[0] == '/':
		return "path"
	case isDigits(a):
		return "num"
	case strings.EqualFold(a, "on") || strings.EqualFold(a, "off"):
		return "flag"
	case strings.Contains(a, "="):
		return "kv"
	}
	return "word"
}

func isURL(a string) bool {
	if strings.HasPrefix(a, "unix:") {
		return true
	}
	i := strings.Index(a, "://")
	if i < 1 {
		return false
	}
	for j := 0; j < i; j++ {
		c := a[j]
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if j == 0 && !letter || !letter && !('0' <= c && c <= '9' || c == '+' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func isDigits(a string) bool {
	for i := 0; i < len(a); i++ {
		if a[i] < '0' || a[i] > '9' {
			return false
		}
	}
	return a != ""
}

// MaxShapeArgs is how many arguments a shape spells out; more are
// written "+".
const MaxShapeArgs = 4

// Shape is the argument shape of args: their kinds, space-separated
// ("path url"), the ones past MaxShapeArgs as "+".
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

// shapeRule returns the rule for args' shape, if the probes found one.
// Trailing key=value options (ProxyPass's retry=0 timeout=5 …) are not
// counted where the probes showed that one more does not change the
// verdict: "path url kv kv kv" is judged as "path url" when "path url"
// and "path url kv" have the same rule.
func (i *Info) shapeRule(args []string) *ShapeRule {
	if len(i.Shapes) == 0 {
		return nil
	}
	// The shape's words, compared with the rules' without building the
	// string (Shape's): a line's check allocates nothing.
	var words [MaxShapeArgs + 2]string
	sh := shapeWords(args, words[:0])
	if r := i.ruleOf(sh); r != nil {
		return r
	}
	base := sh
	for len(base) > 1 && (base[len(base)-1] == "kv" || base[len(base)-1] == "+") {
		base = base[:len(base)-1]
	}
	if len(base) == len(sh) {
		return nil
	}
	r := i.ruleOf(base)
	if r == nil {
		return nil
	}
	// base+" kv", written over sh's next word (sh is not read again).
	r1 := i.ruleOf(append(base, "kv"))
	if r1 != nil && r.NotIn == r1.NotIn && r.Msgs == r1.Msgs {
		return r
	}
	return nil
}

// shapeWords appends the words of args' shape (Shape's) to words.
func shapeWords(args []string, words []string) []string {
	for i, a := range args {
		if i == MaxShapeArgs {
			return append(words, "+")
		}
		words = append(words, ArgKind(a))
	}
	return words
}

// ruleOf is the rule recorded for the shape of these words, or nil.
func (i *Info) ruleOf(words []string) *ShapeRule {
	for k := range i.Shapes {
		if shapeIs(i.Shapes[k].Shape, words) {
			return &i.Shapes[k]
		}
	}
	return nil
}

// shapeIs reports whether the shape sh is these words, space-separated.
func shapeIs(sh string, words []string) bool {
	for i, w := range words {
		if i > 0 {
			if sh == "" || sh[0] != ' ' {
				return false
			}
			sh = sh[1:]
		}
		if !strings.HasPrefix(sh, w) {
			return false
		}
		sh = sh[len(w):]
	}
	return sh == ""
}

// kind is the context kind of ctx as the probes wrote it: <Limit> first
// (it sits in a per-directory section), then the innermost per-directory
// section, then <VirtualHost>; .htaccess is read as a directory.
func (ctx Context) kind() int {
	if ctx.HTAccess {
		return kindDirectory
	}
	k := kindServer
	for _, s := range ctx.Sections {
		switch fold(s) {
		case "limit", "limitexcept":
			return kindLimit
		case "virtualhost":
			k = kindVirtualHost
		case "directory", "directorymatch":
			k = kindDirectory
		case "location", "locationmatch":
			k = kindLocation
		case "files", "filesmatch", "if", "elseif", "else":
			k = kindFiles
		case "proxy", "proxymatch":
			k = kindProxy
		}
	}
	return k
}

// CheckArgsContext is the handler's check of its context: for an
// argument shape the probes found context-dependent, httpd's verdict for
// that shape (ap_check_cmd_context with the shape's bits, then the
// handler's own message); otherwise ap_check_cmd_context with the
// directive's NotIn (CheckHandlerContext).
func (i *Info) CheckArgsContext(args []string, ctx Context) *Error {
	r := i.shapeRule(args)
	if r == nil {
		return i.CheckHandlerContext(ctx)
	}
	if err := notInCheck(i.Name, r.NotIn, &ctx); err != nil {
		return err
	}
	if m := r.Msgs[ctx.kind()]; m != "" {
		return &Error{Kind: ArgsInContext, Directive: i.Name, Msg: expand(m, args)}
	}
	return nil
}

// expand puts the arguments into a message the probes recorded with
// {N} for the N-th (a word argument the handler names).
func expand(msg string, args []string) string {
	if !strings.Contains(msg, "{") {
		return msg
	}
	for n := len(args); n >= 1; n-- { // {10} before {1}
		msg = strings.ReplaceAll(msg, "{"+strconv.Itoa(n)+"}", args[n-1])
	}
	return msg
}
