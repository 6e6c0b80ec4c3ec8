package scope

// mod_proxy_balancer's balancer-manager handler (balancer_handler)
// answers its management page without a file (GET, and POST to change
// the balancers; another method falls to the default handler).

var balancerModule = &module{name: "mod_proxy_balancer"}

var balancerHandlers = []string{"balancer-manager"}

func init() {
	balancerModule.define(module{
		handler: filelessHandler("proxy_balancer_module", "the balancer manager answers", []string{"GET", "POST"}, balancerHandlers...),
	})
}
