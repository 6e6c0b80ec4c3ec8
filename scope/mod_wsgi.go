package scope

import (
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/urlmap"
)

// mod_wsgi: WSGIScriptAlias and WSGIScriptAliasMatch at translate_name
// (wsgi_hook_intercept, MIDDLE, after mod_alias); the per-directory
// WSGIProcessGroup, WSGIApplicationGroup, WSGIRestrictProcess (the
// innermost setting wins: wsgi_merge_dir_config) and WSGIHandlerScript
// (by handler name, the child's entries over the parent's); the
// handler (wsgi_hook_handler). Package resolve answers the daemon
// questions from what this module merged (Result.WSGI).

var wsgiModule = &module{name: "mod_wsgi"}

func init() {
	wsgiModule.define(module{
		checks: map[string]cmdFunc{
			"wsgiscriptalias":      wsgiScriptAliasCheck,
			"wsgiscriptaliasmatch": wsgiScriptAliasCheck,
			"wsgidaemonprocess":    wsgiDaemonCheck,
		},
		cmds: map[string]cmdFunc{
			"wsgiprocessgroup": func(_ *applier, c *dirConfig, d *ast.Directive, _ []string) {
				dirOf[wsgiDir](c, wsgiModule).processGroup = d
			},
			"wsgiapplicationgroup": func(_ *applier, c *dirConfig, d *ast.Directive, _ []string) {
				dirOf[wsgiDir](c, wsgiModule).applicationGroup = d
			},
			"wsgirestrictprocess": func(_ *applier, c *dirConfig, d *ast.Directive, _ []string) {
				dirOf[wsgiDir](c, wsgiModule).restrictProcess = d
			},
			"wsgihandlerscript": func(_ *applier, c *dirConfig, d *ast.Directive, vals []string) {
				// wsgi_add_handler_script: name, script, options.
				if len(vals) < 2 || vals[0] == "" || vals[1] == "" {
					return
				}
				w := dirOf[wsgiDir](c, wsgiModule)
				if w.handlers == nil {
					w.handlers = map[string]*ast.Directive{}
				}
				w.handlers[vals[0]] = d
			},
		},
		mergeDir: func(base, add any) any {
			b, a := base.(*wsgiDir), add.(*wsgiDir)
			c := *b
			if a.processGroup != nil {
				c.processGroup = a.processGroup
			}
			if a.applicationGroup != nil {
				c.applicationGroup = a.applicationGroup
			}
			if a.restrictProcess != nil {
				c.restrictProcess = a.restrictProcess
			}
			c.handlers = overlay(b.handlers, a.handlers, nil)
			return &c
		},
		innermost: func(conf any, name string) *ast.Directive {
			w := conf.(*wsgiDir)
			switch name {
			case "wsgiprocessgroup":
				return w.processGroup
			case "wsgiapplicationgroup":
				return w.applicationGroup
			case "wsgirestrictprocess":
				return w.restrictProcess
			}
			return nil
		},
		effective: func(conf any, out []Effective) []Effective {
			w := conf.(*wsgiDir)
			for _, d := range []*ast.Directive{w.processGroup, w.applicationGroup, w.restrictProcess} {
				if d != nil {
					out = appendInnermost(out, d)
				}
			}
			return out
		},
		newServer: func(body []ast.Node, _ *dirConfig) any {
			var s *wsgiServer
			for _, n := range body {
				if d, ok := n.(*ast.Directive); ok {
					switch d.Canonical() {
					case "wsgiscriptalias", "wsgiscriptaliasmatch":
						if s == nil {
							s = &wsgiServer{}
						}
						s.aliases = append(s.aliases, d)
					}
				}
			}
			if s == nil {
				return nil
			}
			return s
		},
		// wsgi_merge_server_config: the alias list is the virtual
		// host's, then the main server's.
		mergeServer: func(main, vhost any) any {
			m, _ := main.(*wsgiServer)
			v, _ := vhost.(*wsgiServer)
			switch {
			case v == nil:
				return main
			case m == nil:
				return vhost
			}
			return &wsgiServer{aliases: append(append([]*ast.Directive(nil), v.aliases...), m.aliases...)}
		},
		translateName: func(r *request) (Mapping, bool) {
			if s := serverOf[wsgiServer](r, wsgiModule); s != nil {
				return wsgiIntercept(r, s)
			}
			return Mapping{}, false
		},
		handlerNames: []string{wsgiHandlerName, wsgiContentType},
		ownStatus:    true, // the application's
		// The handler script whose name is the handler (configuration:
		// reported whatever the access phases answer). It runs after
		// every fixup, as wsgi_hook_handler sees the handler the fixups
		// (mod_rewrite's [H=]) left; with no handler set, the content
		// type is the name ap_invoke_handler gives it.
		lateFixups: func(r *request) {
			h := r.handler
			if h == "" {
				h = mediaType(r.contentType.Value)
			}
			if h != "" && !isWSGIHandler(h) {
				if w := peekDir[wsgiDir](r.conf, wsgiModule); w != nil {
					r.res.HandlerScript = w.handlers[h]
				}
			}
		},
		handler: func(r *request) (int, string, bool) {
			res := r.res
			// wsgi_hook_handler compares r->handler (the content type when
			// no handler is set: ap_invoke_handler) with its two names.
			switch {
			case isWSGIHandler(r.handler):
				// wsgi_hook_handler's order: ExecCGI (unless WSGIScriptAlias
				// mapped the request: wsgi_is_script_aliased), then the
				// file, then not a directory.
				if res.Options&OptExecCGI == 0 && !res.WSGIScriptAliased() {
					return 403, "Options ExecCGI is off in this directory", true
				}
				if !res.Exists {
					return 404, "Target WSGI script not found or unable to stat", true
				}
				if res.IsDir {
					return 403, "Attempt to invoke directory as WSGI application", true
				}
				if strings.HasPrefix(r.filename, "redirect:") {
					// mod_rewrite's "redirect:URI" left for its
					// redirect-handler, which a [H=] replaced: no script by
					// that name loads (conformance/routing/rw-th-dir).
					return 500, "mod_wsgi cannot load the script " + r.filename + " (a [H=] replaced mod_rewrite's redirect-handler)", true
				}
				if res.PathInfo != "" && r.rejectsPathInfo() {
					return 404, "AcceptPathInfo off disallows user's path", true
				}
				return 200, "served by mod_wsgi (see resolve for the daemon group)", true
			case res.HandlerScript != nil:
				// wsgi_hook_handler's handler-script branch: no file, directory
				// or ExecCGI checks; the script's handle_request answers.
				if res.PathInfo != "" && r.rejectsPathInfo() {
					return 404, "AcceptPathInfo off disallows user's path", true
				}
				return 200, "served by mod_wsgi's handler script " + res.HandlerScript.Values()[1] + " (WSGIHandlerScript at " + res.HandlerScript.Pos().String() + ")", true
			}
			return 0, "", false
		},
	})
}

// wsgiDir is mod_wsgi's per-directory configuration, as far as the
// resolver reads it.
type wsgiDir struct {
	processGroup, applicationGroup, restrictProcess *ast.Directive
	// handlers are the WSGIHandlerScript lines by handler name
	// (case-sensitive, an apr hash).
	handlers map[string]*ast.Directive
}

// wsgiServer is mod_wsgi's server configuration: the script aliases.
type wsgiServer struct {
	aliases []*ast.Directive
}

// wsgiHandlerName is mod_wsgi's handler; wsgiContentType the content
// type it takes as well (as a handler name: ap_invoke_handler makes the
// content type the handler when none is set).
const (
	wsgiHandlerName = "wsgi-script"
	wsgiContentType = "application/x-httpd-wsgi"
)

func isWSGIHandler(h string) bool { return h == wsgiHandlerName || h == wsgiContentType }

// IsWSGI reports whether mod_wsgi's handler takes the request.
func (r *Result) IsWSGI() bool {
	return isWSGIHandler(r.Handler) || r.HandlerScript != nil
}

// WSGIScriptAliased reports whether WSGIScriptAlias or
// WSGIScriptAliasMatch mapped the request (wsgi_is_script_aliased): its
// process-group= and application-group= options then apply.
func (r *Result) WSGIScriptAliased() bool {
	return strings.HasPrefix(r.Mapping.Kind, "wsgiscriptalias")
}

// WSGISettings are mod_wsgi's per-directory settings in force: the
// directives (nil where none is).
type WSGISettings struct {
	ProcessGroup, ApplicationGroup, RestrictProcess *ast.Directive
}

// WSGI returns mod_wsgi's per-directory settings in force for the
// request (or directory, for EffectiveAt).
func (r *Result) WSGI() WSGISettings {
	if r.conf == nil {
		return WSGISettings{}
	}
	w := peekDir[wsgiDir](r.conf, wsgiModule)
	if w == nil {
		return WSGISettings{}
	}
	return WSGISettings{ProcessGroup: w.processGroup, ApplicationGroup: w.applicationGroup, RestrictProcess: w.restrictProcess}
}

// WSGIRestrictEmbedded reads WSGIRestrictEmbedded from the main server (a
// global setting in mod_wsgi) and the line that set it.
func (s *Server) WSGIRestrictEmbedded() (bool, *ast.Directive) {
	var on bool
	var by *ast.Directive
	for _, n := range s.Main.Body {
		if d, ok := n.(*ast.Directive); ok && d.Canonical() == "wsgirestrictembedded" && len(d.Args) > 0 {
			on, by = strings.EqualFold(d.Args[0].Value, "On"), d
		}
	}
	return on, by
}

// ProcessGroupFromEnv reports whether body (at any depth) has a
// WSGIProcessGroup naming an environment variable (%{ENV:NAME}), the
// only way .htaccess authors can choose a daemon group.
func ProcessGroupFromEnv(body []ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if d, ok := n.(*ast.Directive); ok && d.Canonical() == "wsgiprocessgroup" && len(d.Args) > 0 && strings.HasPrefix(d.Args[0].Value, "%{ENV:") {
			found = true
		}
		return !found
	})
	return found
}

// wsgiScriptAliasCheck is wsgi_add_script_alias's refusals of its
// options (wsgi_parse_option: a name up to '=', case-sensitive) and
// pattern, in its order. A line with a quote in its options is not
// judged: mod_wsgi reads a quoted value after '=', which a word does not
// show.
func wsgiScriptAliasCheck(a *applier, _ *dirConfig, d *ast.Directive, vals []string) {
	if len(vals) < 2 || vals[0] == "" || vals[1] == "" {
		return // the directive registry's
	}
	for _, arg := range d.Args[2:] {
		if strings.ContainsAny(arg.Raw, "\"'") {
			return
		}
	}
	opts := map[string]string{}
	for i := 2; i < len(vals); i++ {
		k, v, ok := strings.Cut(vals[i], "=")
		if !ok || k == "" {
			a.fail(d.Pos(), "Invalid option to WSGI script alias definition.")
			return
		}
		if v == "" && i+1 < len(vals) {
			// ap_getword_conf skips the blanks after '=': the next word
			// is the value.
			i++
			v = vals[i]
		}
		opts[k] = v
		msg := ""
		switch k {
		case "application-group":
			if v == "" {
				msg = "Invalid name for WSGI application group."
			}
		case "process-group":
			if v == "" {
				msg = "Invalid name for WSGI process group."
			}
		case "callable-object":
			if v == "" {
				msg = "Invalid name for WSGI callable object."
			}
		case "pass-authorization":
			if !strings.EqualFold(v, "on") && !strings.EqualFold(v, "off") {
				msg = "Invalid value for authorization flag."
			}
		default:
			msg = "Invalid option to WSGI script alias definition."
		}
		if msg != "" {
			a.fail(d.Pos(), "%s", msg)
			return
		}
	}
	match := d.Canonical() == "wsgiscriptaliasmatch"
	if match && pcreRefuses(vals[0], false) {
		a.fail(d.Pos(), "Regular expression could not be compiled.")
		return
	}
	// Both groups named, without substitutions: the script is preloaded
	// in its daemon group, which an earlier WSGIDaemonProcess (of any
	// server) must define.
	pg, hasPG := opts["process-group"]
	ag, hasAG := opts["application-group"]
	if ag == "%{GLOBAL}" {
		ag = "" // mod_wsgi stores %{GLOBAL} as ""
	}
	if hasPG && hasAG && pg != "%{GLOBAL}" && !strings.Contains(pg, "%{") && !strings.Contains(ag, "%{") &&
		(!match || !strings.Contains(vals[1], "$")) && a.server != nil {
		if defined := runCheckOf[wsgiDaemons](a, wsgiModule); !defined.names[pg] {
			a.fail(d.Pos(), "WSGI process group not yet configured.")
		}
	}
}

// wsgiDaemons are the daemon process groups the WSGIDaemonProcess lines
// read so far define (wsgi_daemon_list, one list for every server).
type wsgiDaemons struct{ names map[string]bool }

// wsgiDaemonCheck records a WSGIDaemonProcess line's group (its refusals
// are resolve's: GroupsWith).
func wsgiDaemonCheck(a *applier, _ *dirConfig, _ *ast.Directive, vals []string) {
	if len(vals) == 0 || a.server == nil {
		return
	}
	defined := runCheckOf[wsgiDaemons](a, wsgiModule)
	if defined.names == nil {
		defined.names = map[string]bool{}
	}
	defined.names[vals[0]] = true
}

// wsgiEntry is wsgi_add_script_alias's reading of a line.
type wsgiEntry struct {
	location, application string
	options               map[string]string
}

func parseWSGI(d *ast.Directive) (wsgiEntry, bool) {
	vals := d.Values()
	if len(vals) < 2 || vals[0] == "" || vals[1] == "" {
		return wsgiEntry{}, false
	}
	e := wsgiEntry{location: vals[0], application: vals[1], options: map[string]string{}}
	for _, a := range vals[2:] {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			return e, false // "Invalid option to WSGI script alias definition."
		}
		switch k {
		case "application-group", "process-group", "callable-object":
			if v == "" {
				return e, false
			}
		case "pass-authorization":
			if !strings.EqualFold(v, "on") && !strings.EqualFold(v, "off") {
				return e, false
			}
		default:
			return e, false
		}
		e.options[k] = v
	}
	return e, true
}

// wsgiIntercept is mod_wsgi's wsgi_hook_intercept. The Options map keeps
// the values as written (a %{GLOBAL} group is stored by mod_wsgi as "").
//
// ScriptName is the URL prefix the entry consumed — uri[:matched] for
// WSGIScriptAlias (slashes as the request had them), the URI up to the
// end of the match for WSGIScriptAliasMatch, and "" for a location of
// exactly "/" (mod_wsgi then appends the whole URI to the script, so
// all of it is path info). This is the SCRIPT_NAME mod_wsgi computes
// (wsgi_script_name: r->uri minus the path info) when the target is the
// script file itself; if the target is a directory, the directory walk
// finds the script deeper and SCRIPT_NAME grows by those segments.
// %{RESOURCE} further lower-cases it and collapses repeated slashes
// (see ResourceName).
func wsgiIntercept(r *request, m *wsgiServer) (Mapping, bool) {
	if r.uri != "" && r.uri[0] != '/' {
		return Mapping{}, false
	}
	for _, d := range m.aliases {
		e, ok := parseWSGI(d)
		if !ok {
			continue
		}
		kind := d.Canonical()
		l := 0
		location, app := e.location, e.application
		if kind == "wsgiscriptaliasmatch" {
			re := compileOrNil(e.location)
			if re == nil {
				continue
			}
			loc := re.FindStringSubmatchIndex(r.uri)
			if loc == nil {
				continue
			}
			l = loc[1] // an empty match at 0 does not count (l > 0)
			location, app = r.uri[:l], urlmap.Pregsub(e.application, r.uri, loc)
		} else {
			l = urlmap.AliasMatches(r.uri, e.location)
		}
		if l <= 0 {
			continue
		}
		mp := Mapping{Kind: kind, Directive: d, Handler: "wsgi-script", Options: e.options, ScriptName: r.uri[:l]}
		if location == "/" {
			mp.Filename, mp.ScriptName = app+r.uri, ""
		} else {
			mp.Filename = app + r.uri[l:]
		}
		return mp, true
	}
	return Mapping{}, false
}
