package scope

// mod_status: the server-status handler (status_handler) answers the
// server's scoreboard without a file; also for the content type
// application/x-httpd-status. GET and HEAD only (another method falls to
// the default handler).

var statusModule = &module{name: "mod_status"}

var statusHandlers = []string{"server-status", statusContentType}

// statusContentType is mod_status's STATUS_MAGIC_TYPE.
const statusContentType = "application/x-httpd-status"

func init() {
	statusModule.define(module{
		handler:      filelessHandler("status_module", "mod_status answers the server status", []string{"GET"}, statusHandlers...),
		handlerNames: statusHandlers,
	})
}
