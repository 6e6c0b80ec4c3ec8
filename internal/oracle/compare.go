package oracle

import (
	"fmt"
	"net/netip"
	"os"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
)

// Outcome is our engine's answer for one request, in expected.txt's terms.
type Outcome struct {
	Status     int
	Group, App string
	Verdict    string
	Reason     string
}

// Line formats the outcome as expected.txt does (without why=).
func (o Outcome) Line() string {
	g, a := dash(o.Group), dash(o.App)
	if o.Status != 200 {
		g, a = "-", "-"
	}
	return fmt.Sprintf("%d group=%s app=%s", o.Status, g, a)
}

// Want formats a recorded answer the same way.
func (r Request) Want() string {
	return fmt.Sprintf("%d group=%s app=%s", r.Status, dash(r.Group), dash(r.App))
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Engine evaluates requests of one materialised case.
type Engine struct {
	Server *scope.Server
	Groups *resolve.Inventory
	Opts   scope.RequestOptions
}

// NewEngine builds the engine for a loaded configuration tree. Like
// httpd, it refuses a configuration apache2 -t rejects (Validate): the
// error is the first one.
func NewEngine(nodes []ast.Node, opts scope.RequestOptions) (*Engine, error) {
	if opts.FS == nil {
		opts.FS = os.DirFS("/")
	}
	// The cases' paths are absolute: ServerRoot does not matter.
	s, errs, _ := Validate(nodes, ValidateOptions{FS: opts.FS, ServerRoot: parser.DefaultServerRoot})
	if len(errs) > 0 {
		return nil, errs[0]
	}
	inv, err := resolve.GroupsWith(s, resolve.GroupOptions{Accounts: resolve.SystemAccounts{}})
	if err != nil {
		return nil, err
	}
	return &Engine{Server: s, Groups: inv, Opts: opts}, nil
}

// Answer evaluates one recorded request.
func (e *Engine) Answer(r Request) Outcome {
	res := e.Server.Request(scope.Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: r.Port(), Host: r.Host, Path: r.Path}, e.Opts)
	d := e.Groups.Resolve(res, resolve.Options{})
	return Outcome{Status: d.Status, Group: d.ProcessGroup, App: d.ApplicationGroup, Verdict: string(d.Verdict), Reason: d.Reason}
}

// Agrees reports whether our outcome matches the recorded one.
func Agrees(r Request, o Outcome) bool { return strings.TrimSpace(r.Want()) == o.Line() }
