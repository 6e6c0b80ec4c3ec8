package scope

import (
	"bufio"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/apacheconf/apacheconf/internal/urlmap"
)

// mod_negotiation's MultiViews (modules/mappers/mod_negotiation.c,
// handle_multi, a type_checker at APR_HOOK_FIRST): a request for a file
// that does not exist, in a directory with Options MultiViews, looks for
// "name.*" in that directory (read_types_multi). A sibling is a variant
// when it is a regular file, its sub-request passes (a <Files> deny drops
// it), mod_mime finds metadata in its extensions (find_ct's
// ap-mime-exceptions-list: by default only extensions with a type,
// encoding, language or charset count; MultiviewsMatch Any counts every
// one, Handlers and Filters also AddHandler's and the filters'), and the
// extensions mod_mime does not know spell the requested name in order
// (dump.sql for /dump: sql is a type; config.php.bak for /config.php: php
// is no type in /etc/mime.types, so it is part of the name). Siblings
// but no variant: 404 (AH00687). One variant: it becomes the request
// (ap_internal_fast_redirect). Several: content negotiation by the Accept*
// headers, type qualities, languages and sizes chooses, which is not
// modelled: the answer is left undecided unless every variant is a plain
// file the default handler serves without a request Accept* header (then
// 200, the file not named).
//
// Modelled as the first fixup (the table puts the module before
// mod_rewrite): it runs after the access phases and mod_mime's
// type_checker, as handle_multi does, before every other fixup.
// Type maps (type-map handler, .var files) are not modelled: a type map
// among the variants leaves the request undecided.

var negotiationModule = &module{name: "mod_negotiation"}

func init() {
	negotiationModule.define(module{fixups: multiViews})
}

func multiViews(r *request) *answer {
	res := r.res
	if !r.mayAnswer || res.Exists || r.conf.core.opts&OptMultiViews == 0 || !r.s.Loaded("negotiation_module") {
		return nil
	}
	if r.filename == "" || !strings.HasPrefix(r.filename, "/") || strings.HasPrefix(r.filename, "proxy:") {
		return nil
	}
	slash := strings.LastIndexByte(r.filename, '/')
	dir, filp := r.filename[:slash+1], r.filename[slash+1:]
	if r.opts.FS == nil {
		return nil
	}
	entries, err := fs.ReadDir(r.opts.FS, FSPath(dir))
	if err != nil {
		// apr_dir_open fails (AH00686).
		return &answer{status: 403, reason: "cannot read directory for multi: " + dir}
	}
	if res.PathInfo != "" {
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), filp+".") {
				return undecidedMulti(r, "MultiViews with path info "+res.PathInfo+" (variants of "+r.filename+") is not modelled")
			}
		}
		return nil
	}
	uriDir := r.uri[:len(r.uri)-len(filp)]
	if !strings.HasSuffix(r.uri, filp) {
		return nil
	}
	known := mimeKnowledge(r)
	anymatch := false
	type variant struct {
		name string
		sub  *Result
	}
	var variants []variant
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, filp+".") || e.IsDir() {
			continue
		}
		anymatch = true
		found, decided := known.variantMatches(filp, name)
		if !decided {
			return undecidedMulti(r, "whether mod_mime knows the extensions of "+name+" (AddEncoding/AddLanguage/AddCharset or filters in force are not modelled)")
		}
		if !found {
			continue
		}
		uri := uriDir + name
		if r.args != "" {
			uri += "?" + r.args
		}
		sub := r.subRequest(uri)
		if sub == nil {
			return undecidedMulti(r, "sub-requests nest too deep")
		}
		status, ok := subRequestStatus(sub)
		if !ok {
			return undecidedMulti(r, "the sub-request for the variant "+name+" is undecided")
		}
		if status != 200 || !sub.Exists || sub.IsDir {
			continue
		}
		if !known.hasType(name, sub) {
			// read_types_multi: no content type, not a variant
			// (MultiviewsMatch Any does not change that).
			continue
		}
		if sub.Handler == "type-map" || strings.HasSuffix(strings.ToLower(name), ".var") && sub.Handler != "" {
			return undecidedMulti(r, "the type map "+name+" is not modelled")
		}
		variants = append(variants, variant{name, sub})
	}
	switch {
	case len(variants) == 0 && anymatch:
		return &answer{status: 404, reason: "Negotiation: discovered file(s) matching request: " + r.filename + " (None could be negotiated)."}
	case len(variants) == 0:
		return nil
	case len(variants) == 1:
		v := variants[0]
		return &answer{become: v.sub, phase: "type_checker", note: "MultiViews: " + r.uri + " served by its only variant " + dir + v.name + " (mod_negotiation)"}
	}
	names := make([]string, len(variants))
	plain := true
	for i, v := range variants {
		names[i] = v.name
		plain = plain && v.sub.Handler == ""
	}
	for _, h := range []string{"Accept", "Accept-Language", "Accept-Charset", "Accept-Encoding"} {
		if _, ok := r.attrs.header(h); ok {
			plain = false
		}
	}
	if !plain {
		return undecidedMulti(r, "content negotiation among "+strings.Join(names, ", ")+" is not modelled")
	}
	r.noteNotModelled("content negotiation among " + strings.Join(names, ", ") + " (which file is served)")
	return &answer{status: 200, reason: "MultiViews: one of " + strings.Join(names, ", ") + " served by the default handler (the choice is not modelled)"}
}

func undecidedMulti(r *request, why string) *answer {
	r.noteNotModelled(why)
	return &answer{status: 0, reason: "MultiViews: " + why}
}

// mimeKnow is what mod_mime's find_ct knows of extensions for the
// variants' directory.
type mimeKnow struct {
	types     map[string]bool // TypesConfig's extensions (nil: not readable)
	dir       *mimeDir
	any       bool // MultiviewsMatch Any
	handlers  bool // MultiviewsMatch Handlers
	unmodeled bool // AddEncoding, AddLanguage, AddCharset or filters in force
}

func mimeKnowledge(r *request) *mimeKnow {
	k := &mimeKnow{dir: peekDir[mimeDir](r.conf, mimeModule)}
	if d := r.conf.core.last.get("multiviewsmatch"); d != nil {
		for _, a := range d.Args {
			switch strings.ToLower(a.Value) {
			case "any":
				k.any = true
			case "handlers":
				k.handlers = true
			}
		}
	}
	for _, name := range []string{"addencoding", "addlanguage", "addcharset", "addinputfilter", "addoutputfilter", "defaultlanguage"} {
		if name != "defaultlanguage" && r.conf.core.last.get(name) != nil {
			k.unmodeled = true
		}
	}
	path := "mime.types"
	if r.comp.base != nil {
		if d := r.comp.base.core.last.get("typesconfig"); d != nil && len(d.Args) > 0 {
			path = d.Args[0].Value
		}
	}
	k.types = readMimeTypes(r.opts.FS, urlmap.MergePath(urlmap.DefaultServerRoot, path))
	return k
}

// hasType is whether the variant's sub-request has a content type: an
// extension with a type (TypesConfig, AddType), ForceType, or a handler
// (read_types_multi then gives it CGI_MAGIC_TYPE).
func (k *mimeKnow) hasType(name string, sub *Result) bool {
	if sub.Handler != "" {
		return true
	}
	if sub.conf != nil {
		if ft := sub.conf.core.forceType; ft != nil && ft.Value != "" && !strings.EqualFold(ft.Value, "none") {
			return true
		}
	}
	for _, ext := range strings.Split(strings.TrimLeft(name, "."), ".")[1:] {
		ext = strings.ToLower(ext)
		if k.types[ext] {
			return true
		}
		if k.dir != nil {
			if s, ok := k.dir.ctype[ext]; ok && s.Value != "" {
				return true
			}
		}
	}
	return false
}

// found is whether find_ct finds metadata in ext (lower case), decided
// false when it cannot tell.
func (k *mimeKnow) found(ext string) (found, decided bool) {
	if k.any {
		return true, true
	}
	if k.dir != nil {
		if s, ok := k.dir.ctype[ext]; ok && s.Value != "" {
			return true, true
		}
		if s, ok := k.dir.handler[ext]; ok && s.Value != "" && k.handlers {
			return true, true
		}
	}
	if k.types == nil {
		return false, false
	}
	if k.types[ext] {
		return true, true
	}
	return false, !k.unmodeled
}

// variantMatches is find_ct's exception list for name checked against
// the requested filp as read_types_multi does: some extension carries
// metadata, and the ones that do not spell filp's segments in order.
func (k *mimeKnow) variantMatches(filp, name string) (ok, decided bool) {
	fn := name
	base := strings.TrimLeft(fn, ".")
	lead := len(fn) - len(base)
	var exceptions []string
	if i := strings.IndexByte(base, '.'); i >= 0 {
		exceptions = append(exceptions, fn[:lead+i])
		fn = base[i+1:]
	} else {
		exceptions = append(exceptions, fn)
		fn = ""
	}
	metadata := false
	decided = true
	for _, ext := range strings.Split(fn, ".") {
		if ext == "" {
			continue
		}
		f, d := k.found(strings.ToLower(ext))
		if !d {
			decided = false
		}
		if f {
			metadata = true
		} else {
			exceptions = append(exceptions, ext)
		}
	}
	if !metadata {
		return false, decided
	}
	segs := strings.Split(filp, ".")
	n := 0
	for _, s := range segs {
		if n < len(exceptions) && s == exceptions[n] {
			n++
		}
	}
	return n == len(exceptions), decided
}

type mimeTypesKey struct {
	path  string
	size  int64
	mtime time.Time
}

var mimeTypesCache sync.Map // mimeTypesKey → map[string]bool

// readMimeTypes reads a TypesConfig file's extensions (nil when it
// cannot be read).
func readMimeTypes(fsys fs.FS, path string) map[string]bool {
	if fsys == nil {
		return nil
	}
	info, err := fs.Stat(fsys, FSPath(path))
	if err != nil || !info.Mode().IsRegular() {
		return nil
	}
	key := mimeTypesKey{path, info.Size(), info.ModTime()}
	if m, ok := mimeTypesCache.Load(key); ok {
		return m.(map[string]bool)
	}
	f, err := fsys.Open(FSPath(path))
	if err != nil {
		return nil
	}
	defer f.Close()
	m := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		for _, ext := range fields[min(1, len(fields)):] {
			m[strings.ToLower(ext)] = true
		}
	}
	mimeTypesCache.Store(key, m)
	return m
}
