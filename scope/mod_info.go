package scope

// mod_info: the server-info handler (display_info) answers the server's
// configuration without a file. GET and HEAD only (another method falls
// to the default handler).

var infoModule = &module{name: "mod_info"}

var infoHandlers = []string{"server-info"}

func init() {
	infoModule.define(module{
		handler: filelessHandler("info_module", "mod_info answers the server configuration", []string{"GET"}, infoHandlers...),
	})
}
