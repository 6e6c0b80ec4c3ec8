package scope

import "strings"

// mod_cgi / mod_cgid: the cgi-script handler (cgi_handler) runs the file
// as a CGI script, after its checks: Options ExecCGI unless ScriptAlias
// mapped the request, a file that exists, not a directory, and no path
// info under AcceptPathInfo Off. Either module provides the handler; with
// neither loaded the name falls to the default handler, which serves the
// script as a file (conformance/probes/probe-source-cgi-unloaded). What
// the script itself answers is its own: the engine reports 200 for a
// script that runs.

var cgiModule = &module{name: "mod_cgi"}

// cgiContentType is mod_cgi's CGI_MAGIC_TYPE.
const cgiContentType = "application/x-httpd-cgi"

func init() {
	cgiModule.define(module{
		handlerNames: []string{"cgi-script", cgiContentType},
		ownStatus:    true,
		handler: func(r *request) (int, string, bool) {
			if r.handler != "cgi-script" && r.handler != cgiContentType {
				return 0, "", false
			}
			if !r.s.Loaded("cgi_module") && !r.s.Loaded("cgid_module") {
				return 0, "", false
			}
			res := r.res
			// is_scriptaliased: the translation forced the handler
			// (mod_alias's alias-forced-type note).
			scriptAliased := res.Mapping.Handler == "cgi-script"
			switch {
			case res.Options&OptExecCGI == 0 && !scriptAliased:
				return 403, "Options ExecCGI is off in this directory: " + res.Filename, true
			case !res.Exists:
				return 404, "script not found or unable to stat: " + res.Filename, true
			case res.IsDir:
				return 403, "attempt to invoke directory as script: " + res.Filename, true
			case res.PathInfo != "" && r.rejectsPathInfo():
				return 404, "AcceptPathInfo off disallows user's path", true
			}
			return 200, "runs the CGI script " + res.Filename + " (its own answer)", true
		},
	})
}

// rejectsPathInfo is AcceptPathInfo Off in force.
func (r *request) rejectsPathInfo() bool {
	d := r.conf.core.last.get("acceptpathinfo")
	return d != nil && len(d.Args) > 0 && strings.EqualFold(d.Args[0].Value, "off")
}
