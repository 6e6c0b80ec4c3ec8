package oracle

import (
	"fmt"
	"net/netip"
	"os"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/oraclecase"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
)

// Outcome is our engine's answer for one request, in expected.txt's terms.
type Outcome struct {
	Status     int
	Group, App string
	// Backend, BackendPath, Script and Location are as on Request, with
	// run.py's placeholders put back (Unsubst). The engine reports none
	// of them yet (issue 18), so a proxied or redirected request shows
	// exactly what it lacks.
	Backend     string
	BackendPath string
	Script      string
	Location    string
	Verdict     string
	Reason      string
}

// Line formats the outcome as expected.txt does (without why=).
func (o Outcome) Line() string {
	g, a := oraclecase.Dash(o.Group), oraclecase.Dash(o.App)
	if o.Status != 200 {
		g, a = "-", "-"
	}
	return oraclecase.AnswerLine(o.Status, g, a, o.Backend, o.BackendPath, o.Script, o.Location)
}

// Engine evaluates requests of one materialised case.
type Engine struct {
	Server *scope.Server
	Groups *resolve.Inventory
	Opts   scope.RequestOptions
	// Root is the folder the case was materialised in (Materialize's
	// root), put back as @ROOT@ in the answer's script and location; ""
	// leaves them as they are.
	Root string
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
// A request line's client address that is not an IP address is
// reported as the answer's reason (run.py would fail to bind it).
func (e *Engine) Answer(r Request) Outcome {
	sr := scope.Request{Addr: netip.MustParseAddr("127.0.0.1"), Port: r.Port(), Host: r.Host, Path: r.Path, Headers: r.Headers}
	if r.Remote != "" {
		remote, err := netip.ParseAddr(r.Remote)
		if err != nil {
			return Outcome{Verdict: "bad request line", Reason: fmt.Sprintf("from=%s: %v", r.Remote, err)}
		}
		sr.Remote = remote
	}
	// TODO(issue 18): pass r.Method once scope.Request has a Method
	// field (the request-engine restructuring, issue 17, adds it); until
	// then every request is answered as a GET.
	res := e.Server.Request(sr, e.Opts)
	d := e.Groups.Resolve(res, resolve.Options{})
	// TODO(issue 18): fill Backend/BackendPath/Script/Location (through
	// Unsubst(…, e.Root)) once the engine reports proxy targets and
	// redirects; a Location is compared only where the case records
	// it (Request.RecordsLocation), as run.py does.
	o := Outcome{Status: d.Status, Group: d.ProcessGroup, App: d.ApplicationGroup, Verdict: string(d.Verdict), Reason: d.Reason}
	// The Location header as httpd writes it (scope.Result.Location),
	// with run.py's placeholders put back.
	o.Location = Unsubst(res.Location, e.Root)
	if !r.RecordsLocation {
		o.Location = ""
	}
	return o
}

// Agrees reports whether our outcome matches the recorded one.
func Agrees(r Request, o Outcome) bool { return strings.TrimSpace(r.Want()) == o.Line() }
