package scope

import (
	"io/fs"
	"net/netip"

	"github.com/apacheconf/apacheconf/internal/urlmap"
)

// Request is what the scope engine needs to know about a request.
type Request struct {
	// Addr and Port are the local address and port the connection
	// arrived on (they select the virtual host's address set).
	Addr netip.Addr
	Port int
	// Host is the Host header ("" for none).
	Host string
	// Path is the URL path as sent (percent-encoded), without the query.
	Path string
	// Remote is the client's address, for Require ip. Default 127.0.0.1.
	Remote netip.Addr
	// Headers are request headers other than Host (for SetEnvIf,
	// BrowserMatch). A plain client sends none that matter.
	Headers map[string]string
}

// Mapping is the result of httpd's translate_name phase; see urlmap.
type Mapping = urlmap.Mapping

// Redirect is a redirect answer found while mapping; see urlmap.
type Redirect = urlmap.Redirect

// Env is a read-only file system view used for the parts of the walk
// that look at files: existence, directories, .htaccess. Paths are
// absolute paths without the leading slash, as io/fs wants them (see
// FSPath).
type Env struct {
	FS fs.FS
}

// FSPath converts an absolute path to the io/fs form ("/srv/www" →
// "srv/www", "/" → ".").
func FSPath(abs string) string {
	for len(abs) > 0 && abs[0] == '/' {
		abs = abs[1:]
	}
	for len(abs) > 0 && abs[len(abs)-1] == '/' {
		abs = abs[:len(abs)-1]
	}
	if abs == "" {
		return "."
	}
	return abs
}
