package lint

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/scope"
)

// HTAccess is a .htaccess file httpd would read: one in a directory a
// <Directory> section or DocumentRoot names, where AllowOverride (or
// AllowOverrideList) lets httpd look for it.
type HTAccess struct {
	// Dir is the directory (absolute path as in the configuration).
	Dir string
	// Server is the first server whose configuration reaches it.
	Server *scope.VirtualHost
	// File is the parsed file; its positions name Dir/.htaccess.
	File *ast.File
	// Override and OverrideBy are the AllowOverride classes in force
	// (scope.Or*) and the directive that set them; List the names
	// AllowOverrideList admits.
	Override   int
	OverrideBy *ast.Directive
	List       []string
	// Errors are its syntax errors.
	Errors parser.ErrorList
}

// HTAccessFiles reads the .htaccess files of the directories the
// configuration names (needs ProgramOptions.FS). Subdirectories are not
// searched.
func (p *Program) HTAccessFiles() []*HTAccess {
	if p.htaccessDone {
		return p.htaccess
	}
	p.htaccessDone = true
	if p.FS == nil || p.Server == nil {
		return nil
	}
	name := ".htaccess"
	for _, n := range p.Server.Main.Body {
		if d, ok := n.(*ast.Directive); ok && d.Is("AccessFileName") && len(d.Args) > 0 {
			name = d.Args[0].Value
		}
	}
	seen := map[string]bool{}  // directories whose file was taken
	tried := map[string]bool{} // files looked for
	servers := append([]*scope.VirtualHost{p.Server.Main}, p.Server.VHosts...)
	for _, v := range servers {
		// AccessFileName is per server: a vhost's own replaces main's.
		access := name
		for _, n := range v.Body {
			if d, ok := n.(*ast.Directive); ok && d.Is("AccessFileName") && len(d.Args) > 0 {
				access = d.Args[0].Value
			}
		}
		var dirs []string
		for _, s := range p.Server.DirectorySections(v) {
			if !s.Is("Directory") || len(s.Args) != 1 || s.Args[0].Value == "~" {
				continue
			}
			dirs = append(dirs, s.Args[0].Value)
		}
		for _, d := range documentRoots(v) {
			dirs = append(dirs, d.Args[0].Value)
		}
		sort.Strings(dirs)
		for _, dir := range dirs {
			if strings.ContainsAny(dir, "*?[") || !path.IsAbs(dir) {
				continue
			}
			dir = path.Clean(dir)
			file := path.Join(dir, access)
			// Each server sees the main server's directories: read each
			// file once, found or not.
			if seen[dir] || tried[file] {
				continue
			}
			tried[file] = true
			src, err := fs.ReadFile(p.FS, scope.FSPath(file))
			if err != nil {
				continue
			}
			seen[dir] = true
			r := p.Server.EffectiveAt(v, dir, nil)
			or, by := r.AllowOverride()
			list := r.AllowOverrideList()
			if or == 0 && len(list) == 0 {
				continue // httpd does not read it
			}
			f, perr := parser.ParseHTAccess(file, src)
			p.htaccess = append(p.htaccess, &HTAccess{Dir: dir, Server: v, File: f, Override: or, OverrideBy: by, List: list, Errors: asList(perr)})
		}
	}
	return p.htaccess
}

// documentRoots are the DocumentRoot directives of a server's own body.
func documentRoots(v *scope.VirtualHost) []*ast.Directive {
	var out []*ast.Directive
	for _, n := range v.Body {
		if d, ok := n.(*ast.Directive); ok && d.Is("DocumentRoot") && len(d.Args) == 1 {
			out = append(out, d)
		}
	}
	return out
}
