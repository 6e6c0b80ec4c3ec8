package rewrite

import (
	"bytes"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/syntax"
)

// MapType is a RewriteMap's kind (MAPTYPE_*).
type MapType uint8

// The RewriteMap kinds.
const (
	MapTxt MapType = iota
	MapRnd
	MapInt
	MapDBM
	MapPrg
	MapDBD
	MapFastDBD
)

func (t MapType) String() string {
	return [...]string{"txt", "rnd", "int", "dbm", "prg", "dbd", "fastdbd"}[t]
}

// Map is one RewriteMap.
type Map struct {
	Directive *ast.Directive
	Name      string
	Type      MapType
	File      string // txt, rnd, dbm: the file; prg: the program; int: the function; dbd: the query

	once  sync.Once
	table map[string]string
	err   error
}

var internalMaps = map[string]func(string) string{
	"toupper":  strings.ToUpper,
	"tolower":  strings.ToLower,
	"escape":   escapeURI,
	"unescape": unescapeURL,
}

// ParseMap parses a RewriteMap directive as cmd_rewritemap does. With
// mo.FS set, a txt, rnd or prg map whose file does not exist is refused
// as httpd refuses it at start-up.
func ParseMap(d *ast.Directive, mo MapOptions) (*Map, error) {
	v := d.Values()
	if len(v) < 2 || len(v) > 3 {
		return nil, errorAt(d, nil, "RewriteMap takes two or three arguments, a mapname and a filename and options")
	}
	m := &Map{Directive: d, Name: v[0]}
	a2 := v[1]
	prefix := func(p string) bool { return len(a2) >= len(p) && syntax.EqualFoldASCII(a2[:len(p)], p) }
	check := ""
	switch {
	case prefix("txt:"):
		m.Type, m.File = MapTxt, serverRootRelative(mo.ServerRoot, a2[4:])
		check = m.File
	case prefix("rnd:"):
		m.Type, m.File = MapRnd, serverRootRelative(mo.ServerRoot, a2[4:])
		check = m.File
	case prefix("dbm"):
		m.Type = MapDBM
		switch {
		case len(a2) > 3 && a2[3] == ':':
			m.File = a2[4:]
		case len(a2) > 3 && a2[3] == '=':
			if _, f, ok := strings.Cut(a2[4:], ":"); ok {
				m.File = f
			}
		}
		if m.File == "" {
			return nil, errorAt(d, nil, "RewriteMap: bad map:%s", a2)
		}
		m.File = serverRootRelative(mo.ServerRoot, m.File)
	case prefix("dbd:"), prefix("fastdbd:"):
		// Without mod_dbd httpd refuses these; whether it is loaded is
		// the caller's to check.
		m.Type, m.File = MapDBD, a2[4:]
		if prefix("fastdbd:") {
			m.Type, m.File = MapFastDBD, a2[8:]
		}
	case prefix("prg:"):
		m.Type = MapPrg
		prog := strings.Fields(a2[4:])
		if len(prog) > 0 {
			m.File = serverRootRelative(mo.ServerRoot, prog[0])
		}
		check = m.File
	case prefix("int:"):
		m.Type, m.File = MapInt, a2[4:]
		if _, ok := internalMaps[m.File]; !ok {
			return nil, errorAt(d, nil, "RewriteMap: internal map not found:%s", m.File)
		}
	default:
		m.Type, m.File = MapTxt, serverRootRelative(mo.ServerRoot, a2)
		check = m.File
	}
	if check != "" && mo.FS != nil {
		if _, err := fs.Stat(mo.FS, fsPath(check)); err != nil {
			return nil, errorAt(d, err, "RewriteMap: file for map %s not found:%s", m.Name, check)
		}
	}
	return m, nil
}

func serverRootRelative(root, p string) string {
	if p == "" || p[0] == '/' || root == "" {
		return p
	}
	return path.Join(root, p)
}

// mapResult is one map lookup: the value (found false sends do_expand to
// the default) or why it cannot be known.
type mapResult struct {
	value      string
	found      bool
	unmodelled string
}

// lookup is lookup_map. fsys reads txt and rnd files.
func (m *Map) lookup(key string, fsys fs.FS) mapResult {
	switch m.Type {
	case MapInt:
		return mapResult{value: internalMaps[m.File](key), found: true}
	case MapTxt, MapRnd:
		if fsys == nil {
			return mapResult{unmodelled: "RewriteMap " + m.Name + " (" + m.Type.String() + ":" + m.File + ") is not read: no file system given"}
		}
		m.once.Do(func() { m.table, m.err = readTxtMap(fsys, m.File) })
		if m.err != nil {
			// httpd logs AH00655 and the lookup fails: the default applies.
			return mapResult{}
		}
		v, ok := m.table[key]
		if !ok {
			return mapResult{}
		}
		if m.Type == MapRnd && strings.Contains(v, "|") {
			return mapResult{unmodelled: "RewriteMap " + m.Name + " (rnd:" + m.File + ") picks at random among " + strings.ReplaceAll(v, "|", ", ") + " for key " + key}
		}
		return mapResult{value: v, found: true}
	case MapPrg:
		return mapResult{unmodelled: "RewriteMap " + m.Name + " asks the program " + m.File + " (prg:), whose answer no static reading knows"}
	default:
		return mapResult{unmodelled: "RewriteMap " + m.Name + " (" + m.Type.String() + ":) is a database lookup, not modelled"}
	}
}

// readTxtMap reads a txt map as lookup_map_txtfile does: lines starting
// with '#' or whitespace are skipped; a key is the first word and must be
// followed by whitespace; its value is the next word; the first line for
// a key wins.
func readTxtMap(fsys fs.FS, file string) (map[string]string, error) {
	data, err := fs.ReadFile(fsys, fsPath(file))
	if err != nil {
		return nil, err
	}
	t := map[string]string{}
	for len(data) > 0 {
		// apr_file_gets keeps the newline: a key alone on the last line
		// without one is not followed by whitespace and never matches.
		var line string
		if nl := bytes.IndexByte(data, '\n'); nl >= 0 {
			line, data = string(data[:nl+1]), data[nl+1:]
		} else {
			line, data = string(data), nil
		}
		if line[0] == '#' || isSpace(line[0]) {
			continue
		}
		i := 0
		for i < len(line) && !isSpace(line[i]) {
			i++
		}
		key := line[:i]
		if i == len(line) {
			continue
		}
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		j := i
		for j < len(line) && !isSpace(line[j]) {
			j++
		}
		if j == i {
			continue
		}
		if _, dup := t[key]; !dup {
			t[key] = line[i:j]
		}
	}
	return t, nil
}
