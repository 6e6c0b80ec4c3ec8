package oracle

import (
	"fmt"
	"net/netip"
	"os"
	"strconv"
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
	// run.py's placeholders put back (Unsubst).
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
	// Backends is the world the proxied requests meet: NewEngine sets
	// the oracle's (Backends()).
	Backends *scope.Backends
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
	return &Engine{Server: s, Groups: inv, Opts: opts, Backends: Backends()}, nil
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
	sr.Method, sr.Backends = r.Method, e.Backends
	res := e.Server.Request(sr, e.Opts)
	d := e.Groups.Resolve(res, resolve.Options{})
	o := Outcome{Status: d.Status, Group: d.ProcessGroup, App: d.ApplicationGroup, Verdict: string(d.Verdict), Reason: d.Reason}
	// The Location header as httpd writes it (scope.Result.Location),
	// with run.py's placeholders put back.
	o.Location = Unsubst(res.Location, e.Root)
	// run.py reads the backend's answer and mod_wsgi's groups from the
	// body, which a HEAD answer has none of.
	if r.Method == "HEAD" {
		o.Group, o.App = "", ""
	} else if p := res.Proxy; p != nil {
		o.Backend, o.BackendPath, o.Script = backendOf(p, e.Root, e.Backends)
	}
	if !r.RecordsLocation {
		o.Location = ""
	}
	return o
}

// Agrees reports whether our outcome matches the recorded one.
func Agrees(r Request, o Outcome) bool { return strings.TrimSpace(r.Want()) == o.Line() }

// backendOf names the oracle's backend a proxied request reaches, as
// run.py records it: "b1"/"b2" with the request target for the HTTP
// backends at @BACKEND@/@BACKEND2@, "fcgi" with SCRIPT_FILENAME for the
// FastCGI responder at @FCGI@. A URL to another address names no
// backend of the case. A host name is looked up in the world's Hosts.
func backendOf(p *scope.ProxyOutcome, root string, world *scope.Backends) (backend, path, script string) {
	hostPort := p.URL
	if i := strings.Index(hostPort, "://"); i >= 0 {
		hostPort = hostPort[i+3:]
	}
	if i := strings.IndexByte(hostPort, '/'); i >= 0 {
		hostPort = hostPort[:i]
	}
	if p.Via != "" {
		hostPort = p.Via // a remote proxy (ProxyRemote) receives the request
	}
	if c := strings.LastIndexByte(hostPort, ':'); c > 0 && world != nil {
		if addrs := world.Hosts[strings.ToLower(hostPort[:c])]; len(addrs) > 0 {
			hostPort = addrs[0].String() + hostPort[c:]
		}
	}
	switch hostPort {
	case "127.0.0.1:" + strconv.Itoa(BackendPort):
		backend = "b1"
	case "127.0.0.1:" + strconv.Itoa(Backend2Port):
		backend = "b2"
	case "127.0.0.1:" + strconv.Itoa(FCGIPort):
		return "fcgi", "", Unsubst(p.ScriptFilename, root)
	default:
		return "", "", ""
	}
	path = p.Path
	if strings.HasPrefix(path, "//") {
		// run.py's backend (http.server) reports "//x" as "/x".
		path = "/" + strings.TrimLeft(path, "/")
	}
	return backend, Unsubst(path, root), ""
}
