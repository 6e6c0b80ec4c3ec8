package scope

import (
	"path"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

// mod_mime: handlers and content types by file extension (AddHandler,
// RemoveHandler, AddType, RemoveType), merged as merge_mime_dir_configs
// does; its type_checker (find_ct) looks at every extension of the
// file's name, the last match winning.

var mimeModule = &module{name: "mod_mime"}

func init() {
	mimeModule.define(module{
		cmds: map[string]cmdFunc{
			"addhandler":    mimeExtCmd(true, false),
			"removehandler": mimeExtCmd(false, false),
			"addtype":       mimeExtCmd(true, true),
			"removetype":    mimeExtCmd(false, true),
		},
		mergeDir: func(base, add any) any {
			b, a := base.(*mimeDir), add.(*mimeDir)
			removed := func(v Setting) bool { return v.Value == "" }
			return &mimeDir{handler: overlay(b.handler, a.handler, removed), ctype: overlay(b.ctype, a.ctype, removed)}
		},
		effective: func(conf any, out []Effective) []Effective {
			for ext, h := range conf.(*mimeDir).handler {
				if h.Value != "" {
					out = append(out, Effective{Name: "AddHandler", Key: "." + ext, Values: []string{h.Value}, Rule: RuleByName, By: []*ast.Directive{h.By}})
				}
			}
			return out
		},
		typeChecker: func(r *request) {
			m := peekDir[mimeDir](r.conf, mimeModule)
			if m == nil || r.res.IsDir {
				// find_ct gives a directory the directory type and no
				// handler, whatever its name's extensions
				// (conformance/cases/cgi-handler /exec/dir.cgi/).
				return
			}
			h, ct := Setting{}, Setting{}
			for _, ext := range strings.Split(path.Base(r.filename), ".")[1:] {
				if s, ok := m.handler[strings.ToLower(ext)]; ok && s.Value != "" {
					h = s
				}
				if s, ok := m.ctype[strings.ToLower(ext)]; ok && s.Value != "" {
					ct = s
				}
			}
			// A handler the translation forced (ScriptAlias) stays.
			if h.Value != "" && r.handler == "" {
				r.handler, r.handlerBy = h.Value, h.By
			}
			if ct.Value != "" {
				r.contentType = ct
			}
		},
	})
}

// mimeDir maps extensions (lower case, no dot) to handlers and types; an
// empty value is a Remove* line, which deletes the parent's entry.
type mimeDir struct {
	handler map[string]Setting
	ctype   map[string]Setting
}

// mimeExtCmd is add_extension_info / remove_extension_info.
func mimeExtCmd(add, ctype bool) cmdFunc {
	return func(a *applier, c *dirConfig, d *ast.Directive, vals []string) {
		if len(vals) == 0 {
			return
		}
		v, exts := "", vals
		if add {
			v, exts = strings.ToLower(vals[0]), vals[1:]
		}
		m := dirOf[mimeDir](c, mimeModule)
		table := &m.handler
		if ctype {
			table = &m.ctype
		}
		if *table == nil {
			*table = map[string]Setting{}
		}
		for _, e := range exts {
			(*table)[strings.ToLower(strings.TrimPrefix(e, "."))] = Setting{Value: v, By: d}
		}
	}
}

// overlay is apr_hash_overlay / mod_mime's extension merge: add's
// entries over base's, an entry for which drop is true deleting the key.
// base is returned unchanged (shared) when add is empty.
func overlay[K comparable, V any](base, add map[K]V, drop func(V) bool) map[K]V {
	if len(add) == 0 {
		return base
	}
	out := make(map[K]V, len(base)+len(add))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range add {
		if drop != nil && drop(v) {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}
