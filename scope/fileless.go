package scope

import "slices"

// A fileless handler answers a request by itself, with no file behind the
// URL: mod_status's server-status, mod_info's server-info, the balancer
// manager. httpd's handler checks only r->handler (and the method): the
// directory walk, the location walk and the access phases run as for any
// request, a missing file or path info does not matter. When the module
// is not loaded nothing takes the handler name and core's default
// handler serves the file, or answers 404 (recorded: conformance/cases/
// handler-fileless-unloaded; loaded: handler-fileless-loaded).

// filelessHandler is a module's handler hook for the handler names it
// takes, active when the module (by LoadModule identifier) is loaded:
// it answers 200 for the methods it serves (HEAD counts as GET) and
// declines others, which then reach the default handler (POST: the file
// or 404; PUT: 405; OPTIONS: 200).
func filelessHandler(moduleID, what string, methods []string, names ...string) func(r *request) (int, string, bool) {
	return func(r *request) (int, string, bool) {
		if !takesHandler(r, moduleID, names) || !slices.Contains(methods, methodNumber(r.req.MethodOrGET())) {
			return 0, "", false
		}
		return 200, what + " (" + r.handler + " handler of " + moduleID + ")", true
	}
}

func takesHandler(r *request, moduleID string, names []string) bool {
	return r.s.Loaded(moduleID) && slices.Contains(names, r.handler)
}
