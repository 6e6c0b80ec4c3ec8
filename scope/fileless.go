package scope

// A fileless handler answers a request by itself, with no file behind the
// URL: mod_status's server-status, mod_info's server-info, the balancer
// manager. httpd's handler checks only r->handler (and the method): the
// directory walk, the location walk and the access phases run as for any
// request, a missing file or path info does not matter. When the module
// is not loaded nothing takes the handler name and core's default
// handler serves the file, or answers 404 (recorded: conformance/cases/
// handler-fileless-unloaded; loaded: handler-fileless-loaded).

// filelessHandler is a module's handler hook for the handler names it
// takes, active when the module (by LoadModule identifier) is loaded.
// The engine answers GET (and HEAD) requests: for those the handler
// always answers 200.
func filelessHandler(moduleID, what string, names ...string) func(r *request) (int, string, bool) {
	return func(r *request) (int, string, bool) {
		if !takesHandler(r, moduleID, names) {
			return 0, "", false
		}
		return 200, what + " (" + r.handler + " handler of " + moduleID + ")", true
	}
}

func takesHandler(r *request, moduleID string, names []string) bool {
	if !r.s.Loaded(moduleID) {
		return false
	}
	for _, n := range names {
		if r.handler == n {
			return true
		}
	}
	return false
}
