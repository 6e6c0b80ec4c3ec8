package directive

import (
	"strings"
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

// transparentSections are evaluated while reading: their bodies become the
// parent's.
var transparentSections = map[string]bool{
	"ifmodule": true, "ifdefine": true, "ifversion": true, "iffile": true,
	"ifdirective": true, "ifsection": true,
}

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
	if err := i.CheckContext(ctx); err != nil {
		return err
	}
	if err := i.CheckArgs(args); err != nil {
		return err
	}
	return i.CheckArgsContext(args, ctx)
}

// override returns cmd->override for a directive in ctx and the innermost
// enclosing section httpd names in "not allowed in <X> context".
func (ctx Context) override() (ov Override, parent string) {
	ov = ServerOverride
	if ctx.HTAccess {
		ov = ctx.Override
	}
	for _, s := range ctx.Sections {
		ls := fold(s)
		if transparentSections[ls] {
			continue
		}
		parent = s
		switch ls {
		case "virtualhost":
			ov = ServerOverride
		case "proxy", "proxymatch":
			ov = ProxyOverride
		case "directory", "directorymatch", "location", "locationmatch",
			"files", "filesmatch", "if", "elseif", "else":
			// dirsection, urlsection, filesection, ifsection, proxysection;
			// <Files> and <If> keep .htaccess's override.
			if !ctx.HTAccess {
				ov = DirectoryOverride
			}
		}
	}
	return ov, parent
}

// CheckContext is invoke_cmd's test of req_override against the context
// (and, in .htaccess, AllowOverride and AllowOverrideList).
func (i *Info) CheckContext(ctx Context) *Error {
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
	return notInCheck(i.Name, i.NotIn, ctx)
}

func notInCheck(name string, notIn NotIn, ctx Context) *Error {
	if notIn == 0 {
		return nil
	}
	directive := name
	if strings.HasPrefix(name, "<") && !strings.HasSuffix(name, ">") {
		name += ">"
	}
	fail := func(where string) *Error {
		return &Error{Kind: NotInSection, Directive: directive, Msg: name + " cannot occur within " + where}
	}
	var inVHost, inLimit, hasPath bool
	var dir, loc, files, proxy string
	for _, s := range ctx.Sections {
		switch fold(s) {
		case "virtualhost":
			inVHost = true
		case "limit", "limitexcept":
			inLimit = true
		case "directory", "directorymatch":
			hasPath = true
			dir = s // the innermost, as find_parent finds it
		case "location", "locationmatch":
			hasPath = true
			loc = s // the innermost, as find_parent finds it
		case "files", "filesmatch", "if", "elseif", "else":
			hasPath = true
			files = s // the innermost, as find_parent finds it
		case "proxy", "proxymatch":
			hasPath = true
			proxy = s // the innermost, as find_parent finds it
		}
	}
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
	for _, c := range []struct {
		bit NotIn
		sec string
	}{{NotInDirectory, dir}, {NotInLocation, loc}, {NotInFiles, files}, {NotInProxy, proxy}} {
		if notIn&c.bit != 0 && c.sec != "" {
			return fail("<" + c.sec + "> section")
		}
	}
	return nil
}
