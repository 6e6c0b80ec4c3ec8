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
// searched. The files are looked for and parsed from several goroutines
// (ProgramOptions.FS must allow that, as os.DirFS and fstest.MapFS do);
// the result is in the order a sequential search gives.
func (p *Program) HTAccessFiles() []*HTAccess {
	p.htaccessOnce.Do(p.readHTAccess)
	return p.htaccess
}

// htFile is an access file: path.Join(dir, name), as its directory
// (clean) and name, without making that path for each of the many
// directories that have none.
type htFile struct{ dir, name string }

// fileIn is the access file name in the directory dir (absolute, clean).
func fileIn(dir, name string) htFile {
	if name != "" && name != "." && name != ".." && !strings.Contains(name, "/") {
		return htFile{dir, name}
	}
	d, n := path.Split(path.Join(dir, name))
	return htFile{path.Clean(d), n}
}

func (f htFile) path() string { return path.Join(f.dir, f.name) }

func (p *Program) readHTAccess() {
	if p.FS == nil || p.Server == nil {
		p.htDone.Store(true)
		return
	}
	name := ".htaccess"
	for _, n := range p.Server.Main.Body {
		if d, ok := n.(*ast.Directive); ok && d.Is("AccessFileName") && len(d.Args) > 0 {
			name = d.Args[0].Value
		}
	}
	servers := append([]*scope.VirtualHost{p.Server.Main}, p.Server.VHosts...)
	// Each server's directories, sorted by name (the sections' merge
	// order is not needed), one server's after another's in dirs: server
	// i's end at ends[i]. One array, not one for each of thousands.
	// Sized for the main server's sections in each and three of its own
	// (a DocumentRoot and its <Directory>, another <Directory>).
	dirs := make([]string, 0, len(servers)*(len(p.Server.DirectorySectionsUnsorted(p.Server.Main))+3))
	ends := make([]int, len(servers))
	access := make([]string, len(servers))
	for i, v := range servers {
		// AccessFileName is per server: a vhost's own replaces main's.
		access[i] = name
		for _, n := range v.Body {
			if d, ok := n.(*ast.Directive); ok && d.Is("AccessFileName") && len(d.Args) > 0 {
				access[i] = d.Args[0].Value
			}
		}
		start := len(dirs)
		for _, s := range p.Server.DirectorySectionsUnsorted(v) {
			if !s.Is("Directory") || len(s.Args) != 1 || s.Args[0].Value == "~" {
				continue
			}
			dirs = append(dirs, s.Args[0].Value)
		}
		for _, n := range v.Body { // documentRoots(v)
			if d, ok := n.(*ast.Directive); ok && d.Is("DocumentRoot") && len(d.Args) == 1 {
				dirs = append(dirs, d.Args[0].Value)
			}
		}
		ds := dirs[start:]
		sort.Strings(ds)
		out := ds[:0]
		for _, dir := range ds {
			if strings.ContainsAny(dir, "*?[") || !path.IsAbs(dir) {
				continue
			}
			out = append(out, path.Clean(dir))
		}
		dirs = dirs[:start+len(out)]
		ends[i] = len(dirs)
	}
	// Every distinct file, read once (most are not there). A server's
	// directory named twice (DocumentRoot and <Directory>) is named once.
	// Indexed by directory for the main server's name, which servers
	// seldom change (no path made for each directory), else by file.
	named, start := 0, 0 // the directories named, a server's once: at most as many files
	for _, end := range ends {
		for j := start; j < end; j++ {
			if j == start || dirs[j] != dirs[j-1] {
				named++
			}
		}
		start = end
	}
	byDir := make(map[string]int32, named)
	byFile := map[htFile]int32{}
	mainName := fileIn("/", name).name
	files := make([]htFile, 0, named)
	fileOf := make([]int32, len(dirs)) // the file looked for in each of dirs
	start = 0
	for i, end := range ends {
		for j := start; j < end; j++ {
			dir := dirs[j]
			if j > start && dir == dirs[j-1] {
				fileOf[j] = fileOf[j-1]
				continue
			}
			file := fileIn(dir, access[i])
			var f int32
			var ok bool
			if file.name == mainName {
				f, ok = byDir[file.dir]
			} else {
				f, ok = byFile[file]
			}
			if !ok {
				f = int32(len(files))
				if file.name == mainName {
					byDir[file.dir] = f
				} else {
					byFile[file] = f
				}
				files = append(files, file)
			}
			fileOf[j] = f
		}
		start = end
	}
	found := make([]bool, len(files))
	// With the routing rules' search to do too, from the directories'
	// listings it reads (most files are not there), which keeps what it
	// reads; otherwise opening a file that is not there costs less than
	// listing its directory.
	shared, done := p.sharedDirs()
	var srcs [][]byte
	if shared == nil {
		srcs = make([][]byte, len(files))
	}
	parallel(len(files), func(i int) {
		var src []byte
		var err error
		if f := files[i]; shared != nil {
			_, _, err = shared.accessFile(scope.FSPath(f.dir), f.dir, f.name)
		} else {
			src, err = fs.ReadFile(p.FS, scope.FSPath(f.path()))
			srcs[i] = src
		}
		found[i] = err == nil
	})
	done()
	// Which server's search takes each file, as httpd's first reading
	// server would: each server sees the main server's directories, so a
	// file is taken once, by the first server that finds it.
	type take struct {
		v   *scope.VirtualHost
		dir string
		i   int32
	}
	var takes []take
	seen := map[string]bool{}         // directories whose file was taken
	tried := make([]bool, len(files)) // files looked for
	start = 0
	for si, end := range ends {
		for j := start; j < end; j++ {
			dir, file := dirs[j], fileOf[j]
			if seen[dir] || tried[file] {
				continue
			}
			tried[file] = true
			if !found[file] {
				continue
			}
			seen[dir] = true
			takes = append(takes, take{servers[si], dir, file})
		}
		start = end
	}
	got := make([]*HTAccess, len(takes))
	parallel(len(takes), func(k int) {
		t := takes[k]
		// The configuration alone decides (as EffectiveAt(v, dir, nil)),
		// without keeping the server's merged configuration.
		or, by, list := p.Server.AllowOverrideAt(t.v, t.dir)
		if or == 0 && len(list) == 0 {
			return // httpd does not read it
		}
		hf := files[t.i]
		file := hf.path()
		var f *ast.File
		var perr error
		if shared != nil {
			// Read (kept by the cache), and parsed once for both searches.
			_, src, _ := shared.accessFile(scope.FSPath(hf.dir), hf.dir, hf.name)
			f, perr = shared.parseHTAccess(file, src)
		} else {
			f, perr = parser.ParseHTAccess(file, srcs[t.i])
		}
		got[k] = &HTAccess{Dir: t.dir, Server: t.v, File: f, Override: or, OverrideBy: by, List: list, Errors: asList(perr)}
	})
	for _, h := range got {
		if h != nil {
			p.htaccess = append(p.htaccess, h)
		}
	}
	p.htDone.Store(true)
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
