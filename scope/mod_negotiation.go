package scope

import (
	"bufio"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apacheconf/apacheconf/ast"
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
// but no variant: 404 (AH00687). The request's Accept and
// Accept-Language headers then leave the acceptable variants
// (do_negotiation: q > 0 for the type's most specific range and for the
// language, ForceLanguagePriority Fallback forgiving a language): none
// is 406, one becomes the request (ap_internal_fast_redirect). Among
// several, type qualities, languages and sizes choose, which is not
// modelled: the answer is left undecided unless every acceptable variant
// is a plain file the default handler serves (then 200, the file not
// named).
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
	if r.filename == "" || !strings.HasPrefix(r.filename, "/") || strings.HasPrefix(r.filename, "proxy:") || r.opts.FS == nil {
		return nil
	}
	slash := strings.LastIndexByte(r.filename, '/')
	dir, filp := r.filename[:slash+1], r.filename[slash+1:]
	entries, err := fs.ReadDir(r.opts.FS, FSPath(dir))
	if err != nil {
		// apr_dir_open fails (AH00686).
		return &answer{status: 403, reason: "cannot read directory for multi: " + dir}
	}
	// ap_sub_req_lookup_dirent (AP_SUBREQ_MERGE_ARGS): the variant's URI
	// is the directory's, its name, then the path info.
	uri := strings.TrimSuffix(r.uri, res.PathInfo)
	if !strings.HasSuffix(uri, filp) {
		return nil
	}
	uriDir := uri[:len(uri)-len(filp)]
	known := mimeKnowledge(r)
	anymatch := false
	var variants []negVariant
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, filp+".") || e.IsDir() {
			continue
		}
		anymatch = true
		found, decided := known.variantMatches(filp, name)
		if !decided {
			return undecidedMulti(r, "whether mod_mime finds metadata in the extensions of "+name+" (an AddLanguage/AddCharset/AddEncoding or filter inside a section names one)")
		}
		if !found {
			continue
		}
		vuri := uriDir + name + res.PathInfo
		if r.args != "" {
			vuri += "?" + r.args
		}
		sub := r.subRequest(vuri)
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
		v := known.describe(name, sub)
		if v.ctype == "" {
			// read_types_multi: no content type, not a variant
			// (MultiviewsMatch Any does not change that).
			continue
		}
		if v.ctype == "application/x-type-map" || sub.Handler == "type-map" {
			return undecidedMulti(r, "the type map "+name+" is not modelled")
		}
		variants = append(variants, v)
	}
	switch {
	case len(variants) == 0 && anymatch:
		return &answer{status: 404, reason: "Negotiation: discovered file(s) matching request: " + r.filename + " (None could be negotiated)."}
	case len(variants) == 0:
		return nil
	}
	acceptable, why := negotiate(r, known, variants)
	names := make([]string, len(variants))
	for i, v := range variants {
		names[i] = v.name
	}
	switch {
	case why != "":
		return undecidedMulti(r, why)
	case len(acceptable) == 0:
		return &answer{status: 406, reason: "no acceptable variant among " + strings.Join(names, ", ") + " (mod_negotiation, AH00690)"}
	case len(acceptable) == 1:
		v := acceptable[0]
		return &answer{become: v.sub, phase: "type_checker", note: "MultiViews: " + r.uri + " served by the variant " + dir + v.name + " (mod_negotiation)"}
	}
	plain := true
	names = names[:0]
	for _, v := range acceptable {
		names = append(names, v.name)
		plain = plain && v.sub.Handler == "" && v.sub.PathInfo == ""
	}
	if !plain {
		return undecidedMulti(r, "content negotiation among "+strings.Join(names, ", ")+" (which is served decides the handler) is not modelled")
	}
	r.noteNotModelled("content negotiation among " + strings.Join(names, ", ") + " (which file is served)")
	return &answer{status: 200, reason: "MultiViews: one of " + strings.Join(names, ", ") + " served by the default handler (the choice is not modelled)"}
}

func undecidedMulti(r *request, why string) *answer {
	r.noteNotModelled(why)
	return &answer{status: 0, reason: "MultiViews: " + why}
}

// negVariant is a variant's var_rec as far as it decides acceptability.
type negVariant struct {
	name     string
	sub      *Result
	ctype    string // without parameters
	language string
	encoding bool // AddEncoding names an extension
	charset  bool // AddCharset names an extension
}

// negotiate is do_negotiation as far as it decides which variants the
// request's Accept* headers leave acceptable (q > 0): Accept against the
// types (the most specific range decides), Accept-Language against the
// languages (a variant without one is acceptable; ForceLanguagePriority
// Fallback keeps a language mismatch from refusing). why is set where
// the headers use what is not modelled.
func negotiate(r *request, k *mimeKnow, vs []negVariant) (acceptable []negVariant, why string) {
	accept, hasAccept := r.attrs.header("Accept")
	lang, hasLang := r.attrs.header("Accept-Language")
	_, hasEnc := r.attrs.header("Accept-Encoding")
	_, hasCharset := r.attrs.header("Accept-Charset")
	fallback := false
	if d := r.conf.core.last.get("forcelanguagepriority"); d != nil {
		for _, a := range d.Args {
			fallback = fallback || strings.EqualFold(a.Value, "fallback")
		}
	}
	ranges := parseAccept(accept)
	langs := parseAccept(lang)
	for _, v := range vs {
		if hasEnc && v.encoding || hasCharset && v.charset {
			return nil, "Accept-Encoding/Accept-Charset against the variant " + v.name + "'s encoding or charset is not modelled"
		}
		if hasAccept {
			q, ok := typeQuality(ranges, v.ctype)
			if !ok {
				return nil, "the Accept header " + accept + " (parameters) is not modelled"
			}
			if q <= 0 {
				continue
			}
		}
		if hasLang && v.language != "" && !fallback && langQuality(langs, v.language) <= 0 {
			continue
		}
		acceptable = append(acceptable, v)
	}
	return acceptable, ""
}

type acceptRange struct {
	name   string
	q      float64
	params bool // parameters other than q
}

// parseAccept reads an Accept* header (do_header_line).
func parseAccept(h string) []acceptRange {
	var out []acceptRange
	for _, part := range strings.Split(h, ",") {
		fields := strings.Split(part, ";")
		name := strings.ToLower(strings.TrimSpace(fields[0]))
		if name == "" {
			continue
		}
		ar := acceptRange{name: name, q: 1}
		for _, p := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					ar.q = f
				}
			} else {
				ar.params = true
			}
		}
		out = append(out, ar)
	}
	return out
}

// typeQuality is the quality Accept gives a content type: the most
// specific matching range's (type/subtype, type/*, */*), 0 for none.
func typeQuality(ranges []acceptRange, ctype string) (float64, bool) {
	major, _, _ := strings.Cut(ctype, "/")
	best, spec := 0.0, -1
	for _, ar := range ranges {
		s := -1
		switch {
		case ar.name == ctype:
			s = 2
		case ar.name == major+"/*":
			s = 1
		case ar.name == "*/*" || ar.name == "*":
			s = 0
		}
		if s < 0 {
			continue
		}
		if ar.params && s == 2 {
			return 0, false
		}
		if s > spec {
			best, spec = ar.q, s
		}
	}
	return best, true
}

// langQuality is the quality Accept-Language gives a language: a range
// equal to it or a prefix of it ("en" for "en-us"), or "*".
func langQuality(ranges []acceptRange, lang string) float64 {
	lang = strings.ToLower(lang)
	best, bestLen := 0.0, -1
	for _, ar := range ranges {
		l := -1
		switch {
		case ar.name == lang:
			l = len(lang) + 1
		case strings.HasPrefix(lang, ar.name+"-"):
			l = len(ar.name)
		case ar.name == "*":
			l = 0
		}
		if l > bestLen {
			best, bestLen = ar.q, l
		}
	}
	return best
}

// mimeKnow is what mod_mime's find_ct knows of extensions for the
// variants' directory.
type mimeKnow struct {
	types    map[string]string // TypesConfig: extension → type (nil: not readable)
	dir      *mimeDir
	any      bool // MultiviewsMatch Any
	handlers bool // MultiviewsMatch Handlers
	filters  bool // MultiviewsMatch Filters
	// What AddLanguage, AddEncoding, AddCharset and the filter
	// directives say at server level (in the main server's or the
	// virtual host's own body): extension → language; sets.
	langs          map[string]string
	encs, charsets map[string]bool
	filterExts     map[string]bool
	maybe          map[string]bool // named by one inside a section: may apply
	unmodeled      bool            // one in force we did not see (.htaccess)
}

var mimeMetaDirectives = map[string]bool{"addlanguage": true, "addencoding": true, "addcharset": true,
	"addinputfilter": true, "addoutputfilter": true}

func mimeKnowledge(r *request) *mimeKnow {
	k := &mimeKnow{dir: peekDir[mimeDir](r.conf, mimeModule), langs: map[string]string{}, encs: map[string]bool{},
		charsets: map[string]bool{}, filterExts: map[string]bool{}, maybe: map[string]bool{}}
	if d := r.conf.core.last.get("multiviewsmatch"); d != nil {
		for _, a := range d.Args {
			switch strings.ToLower(a.Value) {
			case "any":
				k.any = true
			case "handlers":
				k.handlers = true
			case "filters":
				k.filters = true
			}
		}
	}
	seen := map[*ast.Directive]bool{}
	var walk func(body []ast.Node, top bool)
	walk = func(body []ast.Node, top bool) {
		for _, n := range body {
			switch n := n.(type) {
			case *ast.Directive:
				name := n.Canonical()
				if !mimeMetaDirectives[name] {
					continue
				}
				seen[n] = true
				vals := n.Values()
				if len(vals) < 2 {
					continue
				}
				for _, e := range vals[1:] {
					ext := strings.ToLower(strings.TrimPrefix(e, "."))
					if !top {
						k.maybe[ext] = true
						continue
					}
					switch name {
					case "addlanguage":
						k.langs[ext] = vals[0]
					case "addencoding":
						k.encs[ext] = true
					case "addcharset":
						k.charsets[ext] = true
					default:
						k.filterExts[ext] = true
					}
				}
			case *ast.Section:
				switch n.Canonical() {
				case "virtualhost":
					if n == r.v.Section {
						walk(n.Body, true)
					}
				case "ifmodule", "ifdefine", "ifversion", "ifdirective", "ifsection", "iffile":
					walk(n.Body, top)
				default:
					walk(n.Body, false)
				}
			}
		}
	}
	walk(r.s.mainBody, true)
	for name := range mimeMetaDirectives {
		if d := r.conf.core.last.get(name); d != nil && !seen[d] {
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

// describe is the variant's var_rec: its content type (find_ct: the
// last extension with a type; ForceType; a handler without a type is
// CGI_MAGIC_TYPE), language, encoding and charset.
func (k *mimeKnow) describe(name string, sub *Result) negVariant {
	v := negVariant{name: name, sub: sub}
	for _, ext := range strings.Split(strings.TrimLeft(name, "."), ".")[1:] {
		ext = strings.ToLower(ext)
		if t := k.types[ext]; t != "" {
			v.ctype = t
		}
		if k.dir != nil {
			if s, ok := k.dir.ctype[ext]; ok && s.Value != "" {
				v.ctype = s.Value
			}
		}
		if l := k.langs[ext]; l != "" && v.language == "" {
			v.language = l
		}
		v.encoding = v.encoding || k.encs[ext]
		v.charset = v.charset || k.charsets[ext]
	}
	if sub.conf != nil {
		if ft := sub.conf.core.forceType; ft != nil && ft.Value != "" && !strings.EqualFold(ft.Value, "none") {
			v.ctype = ft.Value
		}
	}
	if v.ctype == "" && sub.Handler != "" {
		v.ctype = "application/x-httpd-cgi"
	}
	v.ctype, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(v.ctype)), ";")
	v.ctype = strings.TrimSpace(v.ctype)
	return v
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
	if k.types[ext] != "" || k.langs[ext] != "" || k.encs[ext] || k.charsets[ext] || k.filters && k.filterExts[ext] {
		return true, true
	}
	return false, !k.maybe[ext] && !k.unmodeled
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

var mimeTypesCache sync.Map // mimeTypesKey → map[string]string

// readMimeTypes reads a TypesConfig file: extension → type (nil when it
// cannot be read).
func readMimeTypes(fsys fs.FS, path string) map[string]string {
	if fsys == nil {
		return nil
	}
	info, err := fs.Stat(fsys, FSPath(path))
	if err != nil || !info.Mode().IsRegular() {
		return nil
	}
	key := mimeTypesKey{path, info.Size(), info.ModTime()}
	if m, ok := mimeTypesCache.Load(key); ok {
		return m.(map[string]string)
	}
	f, err := fsys.Open(FSPath(path))
	if err != nil {
		return nil
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		for _, ext := range fields[min(1, len(fields)):] {
			m[strings.ToLower(ext)] = strings.ToLower(fields[0])
		}
	}
	mimeTypesCache.Store(key, m)
	return m
}
