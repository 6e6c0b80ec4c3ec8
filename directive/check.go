package directive

import (
	"strings"

	"github.com/apacheconf/apacheconf/internal/syntax"
)

// Context is where a directive appears, as httpd's config reader sees it.
type Context struct {
	// Sections are the enclosing sections, outermost first, by name as
	// written without the bracket ("VirtualHost", "Directory"). The
	// conditional sections the loader evaluates (<IfModule>, <IfDefine>,
	// <IfVersion>, <IfFile>, <IfDirective>, <IfSection>) are skipped:
	// httpd splices their bodies into the parent.
	Sections []string
	// HTAccess: the directive is read from a .htaccess file, where
	// AllowOverride (Override) and AllowOverrideList (OverrideList) in
	// force decide what is admitted.
	HTAccess     bool
	Override     Override
	OverrideList []string

	// at is what the checks read of Sections, worked out by in one
	// section at a time so that a walk does not go over every enclosing
	// section again for each directive (zero, or made for other
	// Sections: worked out from Sections). A value: a pointer would
	// cost an allocation per section.
	at place
}

// place is what the checks read of a context's sections: override's,
// notInCheck's. Sections are named by index+1 in Sections (0: none).
type place struct {
	// first and n are the Sections it was worked out for (&Sections[0]
	// and its length), htaccess and override the context's own.
	first    *string
	n        int32
	override Override
	htaccess bool

	ov Override // cmd->override
	// inVHost, inLimit and hasPath (.htaccess aside) are notInCheck's.
	inVHost, inLimit, hasPath bool
	// parent is the innermost section httpd names in "not allowed in
	// <X> context"; dir, loc, files and proxy the innermost of each
	// kind, as find_parent finds them.
	parent, dir, loc, files, proxy int32
}

// in returns the context of a body inside the innermost of sections in
// ctx: sections are ctx.Sections and that section (by name as written,
// without the bracket), and what the checks read of them is worked out
// once for every directive of the body. sections must not change while
// the result is used.
func (ctx Context) in(sections []string) Context {
	p := *ctx.settle()
	n := len(sections)
	p.step(sections[n-1], int32(n))
	ctx.Sections = sections
	p.first, p.n = &sections[0], int32(n)
	ctx.at = p
	return ctx
}

// settle returns what the checks read of ctx's sections: in's, or
// worked out from Sections (and kept in ctx.at).
func (ctx *Context) settle() *place {
	if p := &ctx.at; p.n > 0 && int(p.n) == len(ctx.Sections) && p.first == &ctx.Sections[0] &&
		p.htaccess == ctx.HTAccess && p.override == ctx.Override {
		return p
	}
	p := place{htaccess: ctx.HTAccess, override: ctx.Override, ov: ServerOverride}
	if ctx.HTAccess {
		p.ov = ctx.Override
	}
	for i, s := range ctx.Sections {
		p.step(s, int32(i+1))
	}
	if len(ctx.Sections) > 0 {
		p.first, p.n = &ctx.Sections[0], int32(len(ctx.Sections))
	}
	ctx.at = p
	return &ctx.at
}

// section is the section i (index+1) names in ctx.Sections ("" for 0).
func (ctx *Context) section(i int32) string {
	if i == 0 {
		return ""
	}
	return ctx.Sections[i-1]
}

// step adds the section s, innermost, at index i-1, to p.
func (p *place) step(s string, i int32) {
	k := sectionKindOf(s)
	switch k {
	case secVirtualHost:
		p.inVHost = true
	case secLimit:
		p.inLimit = true
	case secDirectory:
		p.hasPath = true
		p.dir = i
	case secLocation:
		p.hasPath = true
		p.loc = i
	case secFiles:
		p.hasPath = true
		p.files = i
	case secProxy:
		p.hasPath = true
		p.proxy = i
	}
	if k == secTransparent {
		return
	}
	p.parent = i
	switch k {
	case secVirtualHost:
		p.ov = ServerOverride
	case secProxy:
		p.ov = ProxyOverride
	case secDirectory, secLocation, secFiles:
		// dirsection, urlsection, filesection, ifsection, proxysection;
		// <Files> and <If> keep .htaccess's override.
		if !p.htaccess {
			p.ov = DirectoryOverride
		}
	}
}

// sectionKind is what the context checks tell a section by.
type sectionKind uint8

const (
	secOther       sectionKind = iota
	secVirtualHost             // <VirtualHost>
	secLimit                   // <Limit>, <LimitExcept>
	secDirectory               // <Directory>, <DirectoryMatch>
	secLocation                // <Location>, <LocationMatch>
	secFiles                   // <Files>, <FilesMatch>, <If>, <ElseIf>, <Else>
	secProxy                   // <Proxy>, <ProxyMatch>
	// secTransparent sections are evaluated while reading: their bodies
	// become the parent's.
	secTransparent
)

// sectionKinds holds each kind's sections by name, as httpd spells
// them and in lower case.
var sectionKinds = func() map[string]sectionKind {
	m := map[string]sectionKind{}
	for k, names := range [...][]string{
		secVirtualHost: {"VirtualHost"},
		secLimit:       {"Limit", "LimitExcept"},
		secDirectory:   {"Directory", "DirectoryMatch"},
		secLocation:    {"Location", "LocationMatch"},
		secFiles:       {"Files", "FilesMatch", "If", "ElseIf", "Else"},
		secProxy:       {"Proxy", "ProxyMatch"},
		secTransparent: {"IfModule", "IfDefine", "IfVersion", "IfFile", "IfDirective", "IfSection"},
	} {
		for _, name := range names {
			m[name], m[syntax.ToLowerASCII(name)] = sectionKind(k), sectionKind(k)
		}
	}
	return m
}()

// sectionKindOf returns the kind of the section named s, in any case
// (secOther for the others). The name as written is looked up first:
// configurations mostly spell names as httpd does, and folding costs
// for every section of a walk.
func sectionKindOf(s string) sectionKind {
	if k, ok := sectionKinds[s]; ok {
		return k
	}
	return sectionKinds[fold(s)]
}

// ErrorKind classifies an Error.
type ErrorKind uint8

// Error kinds, in the order httpd checks them.
const (
	// Unknown: no loaded module defines the directive.
	Unknown ErrorKind = iota + 1
	// NotAllowed: req_override excludes the context ("X not allowed
	// here", "X not allowed in <Directory> context"); in .htaccess, the
	// AllowOverride in force does not admit it.
	NotAllowed
	// WrongArgs: the argument count or a FLAG value ("X takes one
	// argument", "X must be On or Off").
	WrongArgs
	// NotInSection: the handler refuses the enclosing section ("X cannot
	// occur within <VirtualHost> section").
	NotInSection
	// ArgsInContext: the handler refuses these arguments in this context
	// with a message of its own ("Alias must have two arguments when used
	// globally", "ServerAlias only used in <VirtualHost>").
	ArgsInContext
	// SectionArgs: a section whose handler needs a header has none
	// ("<Directory> directive requires additional arguments"), or has
	// more words than its path ("Multiple <Directory> arguments not (yet)
	// supported.").
	SectionArgs
	// ElseWithoutIf: <Else> or <ElseIf> follows neither <If> nor <ElseIf>
	// in its scope.
	ElseWithoutIf
)

// Error is a directive httpd refuses, with httpd's message.
type Error struct {
	Kind      ErrorKind
	Directive string
	Msg       string
}

func (e *Error) Error() string { return e.Msg }

// Check validates one directive (or a section, by "<Name") with its
// argument values (quotes removed) in ctx, as httpd does when reading the
// configuration: Unknown, then the context (invoke_cmd), the arguments,
// then the handler's checks of its context (ap_check_cmd_context, and
// what it says of these arguments in this context: CheckArgsContext).
// Nil means httpd's generic checks pass; the handler may still refuse a
// value.
func Check(name string, args []string, ctx Context) *Error {
	info, ok := Lookup(name)
	if !ok || (strings.HasPrefix(name, "<") != info.Section) {
		return unknown(name)
	}
	return info.Check(args, ctx)
}

// Check is the package's Check for this directive.
func (i *Info) Check(args []string, ctx Context) *Error {
	if err := i.checkContext(&ctx); err != nil {
		return err
	}
	if err := i.CheckArgs(args); err != nil {
		return err
	}
	return i.CheckArgsContext(args, ctx)
}

// override returns cmd->override for a directive in ctx and the innermost
// enclosing section httpd names in "not allowed in <X> context".
func (ctx *Context) override() (ov Override, parent string) {
	p := ctx.settle()
	return p.ov, ctx.section(p.parent)
}

// CheckContext is invoke_cmd's test of req_override against the context
// (and, in .htaccess, AllowOverride and AllowOverrideList).
func (i *Info) CheckContext(ctx Context) *Error { return i.checkContext(&ctx) }

func (i *Info) checkContext(ctx *Context) *Error {
	// Outside .htaccess the override is the server's, a directory's or
	// <Proxy>'s: a directive all three admit needs no look at the
	// sections.
	if !ctx.HTAccess && i.Override&ServerOverride != 0 && i.Override&DirectoryOverride != 0 && i.Override&ProxyOverride != 0 {
		return nil
	}
	ov, parent := ctx.override()
	if i.Override&ExecOnRead != 0 && !ctx.HTAccess {
		ov, parent = ServerOverride, ""
	}
	if i.Override&ov != 0 {
		return nil
	}
	if ctx.HTAccess {
		for _, n := range ctx.OverrideList {
			if strings.EqualFold(n, i.Name) {
				return nil
			}
		}
	}
	name := i.Name
	if parent != "" {
		return &Error{Kind: NotAllowed, Directive: name, Msg: name + " not allowed in <" + parent + "> context"}
	}
	return &Error{Kind: NotAllowed, Directive: name, Msg: name + " not allowed here"}
}

// CheckArgs is invoke_cmd's argument check for the directive's form, with
// httpd's message (the usage text appended as httpd appends it).
func (i *Info) CheckArgs(args []string) *Error {
	n := len(args)
	word := func(k int) string { // ap_getword_conf's k-th word; "" past the end
		if k < n {
			return args[k]
		}
		return ""
	}
	var bad bool
	var what string
	switch i.Args {
	case RawArgs, TakeArgv:
		return nil
	case NoArgs:
		if n != 0 {
			return &Error{Kind: WrongArgs, Directive: i.Name, Msg: i.Name + " takes no arguments"}
		}
		return nil
	case Take1:
		bad, what = word(0) == "" || n > 1, " takes one argument"
	case Take2:
		bad, what = word(0) == "" || word(1) == "" || n > 2, " takes two arguments"
	case Take12:
		bad, what = word(0) == "" || n > 2, " takes 1-2 arguments"
	case Take3:
		bad, what = word(0) == "" || word(1) == "" || word(2) == "" || n > 3, " takes three arguments"
	case Take23:
		bad, what = word(0) == "" || word(1) == "" || n > 3, " takes two or three arguments"
	case Take123:
		bad, what = word(0) == "" || n > 3, " takes one, two or three arguments"
	case Take13:
		// w2 given and non-empty without w3.
		bad, what = word(0) == "" || (n >= 2 && word(1) != "" && n < 3) || n > 3, " takes one or three arguments"
	case Iterate:
		bad, what = word(0) == "", " requires at least one argument"
	case Iterate2:
		bad, what = word(0) == "" || n < 2, " requires at least two arguments"
	case Flag:
		w := word(0)
		if !strings.EqualFold(w, "on") && !strings.EqualFold(w, "off") {
			return &Error{Kind: WrongArgs, Directive: i.Name, Msg: i.Name + " must be On or Off"}
		}
		return nil
	}
	if !bad {
		return nil
	}
	msg := i.Name + what
	if i.Usage != "" {
		msg += ", " + i.Usage
	}
	return &Error{Kind: WrongArgs, Directive: i.Name, Msg: msg}
}

// CheckHandlerContext is ap_check_cmd_context with the NotIn bits the
// directive's handler passes, in its order.
func (i *Info) CheckHandlerContext(ctx Context) *Error {
	return notInCheck(i.Name, i.NotIn, &ctx)
}

func notInCheck(name string, notIn NotIn, ctx *Context) *Error {
	if notIn == 0 {
		return nil
	}
	fail := func(where string) *Error {
		n := name
		if strings.HasPrefix(n, "<") && !strings.HasSuffix(n, ">") {
			n += ">"
		}
		return &Error{Kind: NotInSection, Directive: name, Msg: n + " cannot occur within " + where}
	}
	p := ctx.settle()
	inVHost, inLimit, hasPath := p.inVHost, p.inLimit, p.hasPath
	dir, loc, files, proxy := ctx.section(p.dir), ctx.section(p.loc), ctx.section(p.files), ctx.section(p.proxy)
	if ctx.HTAccess {
		hasPath = true
	}
	if notIn&NotInVirtualHost != 0 && inVHost {
		return fail("<VirtualHost> section")
	}
	if notIn&NotInDirContext != 0 && inLimit {
		return fail("<Limit> or <LimitExcept> section")
	}
	if notIn&NotInHTAccess != 0 && ctx.HTAccess {
		return fail("htaccess files")
	}
	if notIn&NotInDirLocFile == NotInDirLocFile && hasPath {
		return fail("directory context")
	}
	// find_parent walks up from the directive: the nearest match of each
	// kind, tried in this order.
	switch {
	case notIn&NotInDirectory != 0 && dir != "":
		return fail("<" + dir + "> section")
	case notIn&NotInLocation != 0 && loc != "":
		return fail("<" + loc + "> section")
	case notIn&NotInFiles != 0 && files != "":
		return fail("<" + files + "> section")
	case notIn&NotInProxy != 0 && proxy != "":
		return fail("<" + proxy + "> section")
	}
	return nil
}
