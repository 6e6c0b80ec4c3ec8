package scope

import (
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/internal/urlmap"
)

// mod_speling (modules/mappers/mod_speling.c): CheckSpelling,
// CheckCaseOnly, CheckBasenameMatch. Its fixup (check_speling,
// APR_HOOK_LAST, after mod_dir's) answers a GET for a file that does not
// exist by reading the directory it would be in: one entry that differs
// only in case or by one typo is a 301 to it (even when that file is
// denied: the redirect alone reveals the name), several equally good
// ones or only a same-basename entry a 300 with the list. The module has
// no merge function: the innermost section with one of its directives
// replaces the outer one whole.

var spelingModule = &module{name: "mod_speling"}

// spelingConf is spconfig.
type spelingConf struct {
	enabled, caseOnly bool
	basenameOff       bool // CheckBasenameMatch Off (default On)
	by                *ast.Directive
}

func init() {
	flag := func(set func(c *spelingConf, on bool)) cmdFunc {
		return func(_ *applier, c *dirConfig, d *ast.Directive, vals []string) {
			x := dirOf[spelingConf](c, spelingModule)
			set(x, len(vals) > 0 && strings.EqualFold(vals[0], "on"))
			if d.Canonical() == "checkspelling" {
				x.by = d
			}
		}
	}
	spelingModule.define(module{
		cmds: map[string]cmdFunc{
			"checkspelling":      flag(func(c *spelingConf, on bool) { c.enabled = on }),
			"checkcaseonly":      flag(func(c *spelingConf, on bool) { c.caseOnly = on }),
			"checkbasenamematch": flag(func(c *spelingConf, on bool) { c.basenameOff = !on }),
		},
		// No mergeDir: as httpd without merge_dir_config, the child's
		// configuration replaces the parent's.
		fixups: spelingFixup,
	})
}

// spelling qualities (sp_reason), best first.
const (
	spMiscapitalized = 1 + iota
	spTransposition
	spMissingChar
	spExtraChar
	spSimpleTypo
	spVeryDifferent
)

// spdist is mod_speling's spdist: how one name is a typo of another,
// ignoring case.
func spdist(s, t string) int {
	ls, lt := strings.ToLower(s), strings.ToLower(t)
	i := 0
	for i < len(ls) && i < len(lt) && ls[i] == lt[i] {
		i++
	}
	if i == len(ls) && i == len(lt) {
		return spMiscapitalized
	}
	s, t = ls[i:], lt[i:]
	if s != "" {
		if t != "" {
			if len(s) > 1 && len(t) > 1 && s[0] == t[1] && t[0] == s[1] && s[2:] == t[2:] {
				return spTransposition
			}
			if s[1:] == t[1:] {
				return spSimpleTypo
			}
		}
		if s[1:] == t {
			return spExtraChar
		}
	}
	if t != "" && s == t[1:] {
		return spMissingChar
	}
	return spVeryDifferent
}

func spelingFixup(r *request) *answer {
	c := peekDir[spelingConf](r.conf, spelingModule)
	if c == nil || !c.enabled || !r.mayAnswer || !r.s.Loaded("speling_module") {
		return nil
	}
	res := r.res
	if methodNumber(r.req.MethodOrGET()) != "GET" || res.Exists || r.opts.depth > 0 || r.opts.FS == nil ||
		r.filename == "" || strings.HasPrefix(r.filename, "proxy:") {
		return nil
	}
	filoc := strings.LastIndexByte(r.filename, '/')
	if filoc < 0 || r.uri == "/" {
		return nil
	}
	good, bad := r.filename[:filoc], r.filename[filoc+1:]
	postgood := bad + res.PathInfo
	if !strings.HasSuffix(r.uri, postgood) {
		return nil
	}
	url := r.uri[:len(r.uri)-len(postgood)]
	entries, err := fs.ReadDir(r.opts.FS, FSPath(good))
	if err != nil {
		return nil // not a directory
	}
	names := []string{".", ".."} // apr_dir_read lists them too
	for _, e := range entries {
		names = append(names, e.Name())
	}
	dotloc := strings.IndexByte(bad, '.')
	if dotloc < 0 {
		dotloc = len(bad)
	}
	type candidate struct {
		name    string
		quality int
	}
	var cands []candidate
	for _, name := range names {
		switch {
		case name == bad:
			return nil // a broken link or such: no redirect to itself
		case strings.EqualFold(name, bad):
			cands = append(cands, candidate{name, spMiscapitalized})
		case !c.caseOnly && spdist(bad, name) != spVeryDifferent:
			cands = append(cands, candidate{name, spdist(bad, name)})
		case !c.basenameOff:
			entloc := strings.IndexByte(name, '.')
			if entloc < 0 {
				entloc = len(name)
			}
			if entloc == dotloc && strings.EqualFold(bad[:dotloc], name[:dotloc]) {
				cands = append(cands, candidate{name, spVeryDifferent})
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	// qsort by quality: which of equally good names comes first depends on
	// the directory's order, but not the status.
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].quality < cands[j].quality })
	by := " (CheckSpelling at " + c.by.Pos().String() + ")"
	if cands[0].quality != spVeryDifferent && (len(cands) == 1 || cands[0].quality != cands[1].quality) {
		nuri := urlmap.EscapePath(url + cands[0].name + res.PathInfo)
		if _, q, ok := strings.Cut(r.path, "?"); ok {
			nuri += "?" + q // r->parsed_uri.query: as sent
		}
		loc := r.serverURL() + nuri
		return &answer{status: 301, reason: "Fixed spelling: " + r.uri + " to " + nuri + by,
			redirect: &Redirect{Status: 301, Location: loc}}
	}
	list := make([]string, len(cands))
	for i, cd := range cands {
		list[i] = url + cd.name + res.PathInfo
	}
	return &answer{status: 300, reason: "Spelling fix: " + r.uri + ": " + strconv.Itoa(len(cands)) + " candidates (" + strings.Join(list, ", ") + ")" + by}
}
