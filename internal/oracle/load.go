package oracle

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
)

// LoadTree loads a configuration from the real file system as apache2
// would (parser.Load: Include, Define, If*, Macro, ${VAR} from the
// process environment), with serverRoot ("" for Debian's /etc/apache2)
// as ServerRoot and file relative to it.
func LoadTree(file, serverRoot string, defines ...string) ([]ast.Node, error) {
	cfg, err := LoadConfig(file, serverRoot, defines...)
	if cfg == nil {
		return nil, err
	}
	return cfg.Body, err
}

// LoadConfig is LoadTree returning the whole parser.Loaded.
func LoadConfig(file, serverRoot string, defines ...string) (*parser.Loaded, error) {
	return LoadConfigWith(file, serverRoot, parser.LoadOptions{Defines: defines})
}

// LoadConfigWith is LoadConfig with further options; ServerRoot and Env
// are set here.
func LoadConfigWith(file, serverRoot string, opts parser.LoadOptions) (*parser.Loaded, error) {
	return LoadConfigFrom(os.DirFS("/"), file, serverRoot, opts)
}

// LoadConfigFrom is LoadConfigWith reading through fsys, the real file
// system rooted at "/" (a wrapper that counts what is read, say).
func LoadConfigFrom(fsys fs.FS, file, serverRoot string, opts parser.LoadOptions) (*parser.Loaded, error) {
	if serverRoot == "" {
		serverRoot = parser.DefaultServerRoot
	}
	root, err := filepath.Abs(serverRoot)
	if err != nil {
		return nil, err
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(root, file)
	}
	opts.ServerRoot, opts.Env = root, os.LookupEnv
	return parser.Load(fsys, file, opts)
}
