package directive_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/directive"
	"github.com/apacheconf/apacheconf/internal/gen/registry/probe"
	"github.com/apacheconf/apacheconf/parser"
)

func serverEnv(t *testing.T) *probe.Env {
	t.Helper()
	if testing.Short() || !probe.Available() {
		t.Skip("needs apache2 and Debian's modules (apt-get install apache2 libapache2-mod-wsgi-py3)")
	}
	env, err := probe.NewEnv()
	require.NoError(t, err)
	t.Cleanup(env.Close)
	return env
}

// The checked-in table lists exactly the directives of a fresh `apache2
// -L`, with the same module, help text and req_override.
func TestTableMatchesListing(t *testing.T) {
	env := serverEnv(t)
	listed, err := env.Directives()
	require.NoError(t, err)
	type key struct{ name, module string }
	fresh := map[key]probe.Directive{}
	for _, d := range listed {
		fresh[key{d.Name, d.Module}] = d
	}
	ours := map[key]*directive.Info{}
	for _, d := range directive.All() {
		ours[key{d.Name, d.Module}] = d
	}
	for k, d := range fresh {
		o, ok := ours[k]
		if !assert.True(t, ok, "%s (%s) is in apache2 -L but not in the table: go generate ./directive", k.name, k.module) {
			continue
		}
		assert.Equal(t, d.Usage, o.Usage, k.name)
		assert.Equal(t, directive.Override(d.Override), o.Override&^(directive.ProxyConf|directive.ExecOnRead), k.name)
	}
	for k := range ours {
		_, ok := fresh[k]
		assert.True(t, ok, "%s (%s) is in the table but not in apache2 -L", k.name, k.module)
	}
}

// genericRefusal tells whether httpd's message is one of the checks the
// registry models (unknown directive, context, argument count, FLAG,
// ap_check_cmd_context). Other messages come from the handler judging the
// dummy values, after every generic check passed.
func genericRefusal(d *directive.Info, msg string) bool {
	if strings.HasPrefix(msg, "Invalid command '") {
		return true
	}
	name := d.Name
	if d.Section {
		if rest, ok := strings.CutPrefix(msg, name+">"); ok && strings.HasPrefix(rest, " cannot occur within ") {
			return true
		}
	}
	rest, ok := strings.CutPrefix(msg, name)
	if !ok {
		return false
	}
	for _, s := range []string{" not allowed here", " not allowed in <", " cannot occur within "} {
		if strings.HasPrefix(rest, s) {
			return true
		}
	}
	if rest == " must be On or Off" || rest == " takes no arguments" {
		return true
	}
	// invoke_cmd's count messages carry the usage text; a handler's own
	// "requires at least two arguments" does not.
	for _, s := range []string{" takes one argument", " takes two arguments", " takes 1-2 arguments", " takes three arguments",
		" takes two or three arguments", " takes one, two or three arguments", " takes one or three arguments",
		" requires at least one argument", " requires at least two arguments"} {
		if d.Usage == "" && rest == s || rest == s+", "+d.Usage {
			return true
		}
	}
	return false
}

// For random (directive, context, argument count) triples our verdict
// equals apache2 -t's, and where both refuse, the message is httpd's.
func TestTriplesAgreeWithServer(t *testing.T) {
	env := serverEnv(t)
	seed := uint64(20261125)
	if s := os.Getenv("APACHECONF_REGISTRY_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	n := 240
	if s := os.Getenv("APACHECONF_REGISTRY_TRIPLES"); s != "" {
		fmt.Sscan(s, &n)
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	all := directive.All()
	var triples []triple
	for len(triples) < n {
		d := all[rng.IntN(len(all))]
		switch strings.ToLower(d.Name) {
		case "<macro", "use", "include", "includeoptional", "loadmodule", "loadfile", "error", "<ifversion":
			continue // act on files or stop the server by design
		}
		args := make([]string, rng.IntN(5))
		for i := range args {
			args[i] = "x"
			if d.Args == directive.Flag && rng.IntN(2) == 0 {
				args[i] = "On"
			}
		}
		triples = append(triples, triple{d, probe.Contexts[rng.IntN(len(probe.Contexts))], args})
	}
	agree, disagreements, _ := runTriples(t, env, triples, true)
	t.Logf("registry vs apache2 -t: %d/%d triples agree (seed %d)", agree, len(triples), seed)
	assert.Empty(t, disagreements)
}

// For random (directive, context, argument list) triples, the argument
// lists taken from real configurations (probe.Examples: Debian's
// /etc/apache2 and the generator's examples.conf), our verdict equals
// apache2 -t's, the checks handlers make of their arguments in their
// context included, and where both refuse the message is httpd's. A
// directive several MPMs define is tried with one of them loaded, and
// judged by that one. httpd's refusals of a value in every context (a
// file that does not exist, a malformed size) are handler checks the
// registry does not model: counted apart, not disagreements; so are the
// handlers' judgements of the enclosing section's header (BalancerMember
// outside <Proxy balancer://…>: "Bad syntax for a balancer name (/probe)"),
// which the registry does not record by shape.
//
//	APACHECONF_SHAPE_TRIPLES=1000 go test ./directive -run TestShapeTriplesAgreeWithServer -v
//	APACHECONF_SHAPE_TRIPLES=all …  (every argument list in every context)
func TestShapeTriplesAgreeWithServer(t *testing.T) {
	env := serverEnv(t)
	seed := uint64(20261202)
	if s := os.Getenv("APACHECONF_REGISTRY_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	n := 200
	all := os.Getenv("APACHECONF_SHAPE_TRIPLES") == "all"
	if s := os.Getenv("APACHECONF_SHAPE_TRIPLES"); s != "" && !all {
		fmt.Sscan(s, &n)
	}
	known := map[string]string{}
	rows := map[string][]*directive.Info{}
	for _, d := range directive.All() {
		known[strings.ToLower(d.Name)] = d.Name
		rows[d.Name] = append(rows[d.Name], d)
	}
	examples := probe.Examples(known)
	require.NotEmpty(t, examples)
	rng := rand.New(rand.NewPCG(seed, seed))
	var triples []triple
	if all { // every distinct argument list, every row, every context
		seen := map[string]bool{}
		for _, ex := range examples {
			k := ex.Name + "\x00" + strings.Join(ex.Args, "\x00")
			if seen[k] {
				continue
			}
			seen[k] = true
			for _, r := range rows[ex.Name] {
				for _, c := range probe.Contexts {
					triples = append(triples, triple{r, c, ex.Args})
				}
			}
		}
		n = 0
	}
	for len(triples) < n {
		ex := examples[rng.IntN(len(examples))]
		r := rows[ex.Name]
		triples = append(triples, triple{r[rng.IntN(len(r))], probe.Contexts[rng.IntN(len(probe.Contexts))], ex.Args})
	}
	agree, disagreements, values := runTriples(t, env, triples, false)
	t.Logf("registry vs apache2 -t on real argument lists: %d/%d triples agree (%d of them values httpd refuses in every context, not modelled; seed %d)",
		agree, len(triples), values, seed)
	assert.Empty(t, disagreements)
}

type triple struct {
	d       *directive.Info
	context string
	args    []string
}

// runTriples runs each triple through apache2 -t (with the MPM of the
// directive's module, for an MPM's) and compares with our verdict. With
// dummy arguments ("x"), a refusal other than the generic checks' is the
// handler judging the value: not modelled.
func runTriples(t *testing.T, env *probe.Env, triples []triple, dummy bool) (agree int, disagreements []string, values int) {
	type result struct {
		ok      bool
		msg     string
		homeMsg string // the refusal in a context of the other kind
		err     error
	}
	results := make([]result, len(triples))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, tr := range triples {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			base := env.BaseFor(tr.d.Module)
			ok, msg, _, err := env.TestWith(base, probe.Snippet(tr.d.Name, probe.QuoteArgs(tr.args), tr.context))
			r := result{ok: ok, msg: withoutLogLines(msg), err: err}
			if !ok && err == nil {
				// The same arguments in a context of the other kind: a
				// server context for a per-directory one and back.
				other := "server"
				switch tr.context {
				case "server", "virtualhost":
					other = "virtualhost"
					if tr.d.InDirectory() {
						other = "location"
					}
				default:
					if !tr.d.InServer() {
						other = "directory"
						if tr.context == "directory" {
							other = "location"
						}
					}
				}
				if _, r.homeMsg, _, r.err = env.TestWith(base, probe.Snippet(tr.d.Name, probe.QuoteArgs(tr.args), other)); r.homeMsg == "" {
					r.homeMsg = "(accepted)"
				}
				r.homeMsg = withoutLogLines(r.homeMsg)
			}
			results[i] = r
		}()
	}
	wg.Wait()

	for i, tr := range triples {
		r := results[i]
		require.NoError(t, r.err)
		// The MPM loaded is the directive's (or event); every other
		// module is.
		mpm := probe.MPMSources[tr.d.Module]
		if mpm == "" {
			mpm = probe.MPMs[0]
		}
		loaded := func(id string) bool {
			if m, ok := strings.CutPrefix(id, "mpm_"); ok {
				return "mpm_"+strings.TrimSuffix(m, "_module") == mpm
			}
			return true
		}
		ours := directive.CheckLoaded(tr.d.Name, tr.args, directive.Context{Sections: probe.ContextSections[tr.context]}, loaded)
		theirs := firstLine(r.msg)
		switch {
		case r.ok && ours == nil:
			agree++
		case r.ok:
			disagreements = append(disagreements, fmt.Sprintf("%s %q in %s: httpd accepts, we say %q", tr.d.Name, tr.args, tr.context, ours.Msg))
		case ours != nil && (ours.Msg == theirs || ours.Msg == r.msg):
			agree++
		case ours == nil && !genericRefusal(tr.d, theirs) &&
			(dummy || r.homeMsg == r.msg || echoesSection(theirs) || genericRefusal(tr.d, firstLine(r.homeMsg))):
			// The same refusal in a context of the other kind (or one
			// where the directive is not allowed at all, which tells
			// nothing): the handler judges the value, whatever the
			// context (or the section's header).
			agree++
			values++
			if testing.Verbose() {
				t.Logf("value refused in every context (not modelled): %s %q in %s: %q", tr.d.Name, tr.args, tr.context, theirs)
			}
		case ours == nil:
			disagreements = append(disagreements, fmt.Sprintf("%s %q in %s: httpd says %q, we accept", tr.d.Name, tr.args, tr.context, r.msg))
		default:
			disagreements = append(disagreements, fmt.Sprintf("%s %q in %s: httpd says %q, we say %q", tr.d.Name, tr.args, tr.context, r.msg, ours.Msg))
		}
	}
	sort.Strings(disagreements)
	return agree, disagreements, values
}

// echoesSection reports whether httpd's message quotes the probe's
// section header (<Directory /tmp>, <Location /probe>, <Files probe>,
// <Proxy http://probe/>).
func echoesSection(msg string) bool {
	return strings.Contains(msg, "(/tmp") || strings.Contains(msg, "probe")
}

// withoutLogLines drops the warnings httpd logs on the way ("[time]
// [core:warn] … AH00111: Config variable ${X} is not defined"), which
// carry the time and pid.
func withoutLogLines(msg string) string {
	var keep []string
	for _, l := range strings.Split(msg, "\n") {
		if !strings.HasPrefix(l, "[") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// Every section of the table with no header, and <Else>/<ElseIf> after
// the sections that break an <If> chain or not: CheckTree refuses what
// apache2 -t refuses, with its message.
func TestSectionChecksAgreeWithServer(t *testing.T) {
	env := serverEnv(t)
	snippets := []string{
		"<IfDefine NOPE>\n</IfDefine>\n<Else>\n</Else>\n",
		"<IfModule alias_module>\n</IfModule>\n<ElseIf \"true\">\n</ElseIf>\n",
		"<If \"true\">\n</If>\n<IfDefine NOPE>\n</IfDefine>\n<Else>\n</Else>\n",
		"<If \"true\">\n</If>\nServerAdmin a@b.example\n<Else>\n</Else>\n",
		"<If \"true\">\n</If>\n<Else>\n</Else>\n<Else>\n</Else>\n",
		"<If \"true\">\n</If>\n<ElseIf \"false\">\n</ElseIf>\n<Else>\n</Else>\n",
		"<If \"true\">\n</If>\n<VirtualHost 127.0.0.1:9>\n<Else>\n</Else>\n</VirtualHost>\n",
		"<Directory /tmp>\n<If \"true\">\n</If>\n</Directory>\n<Else>\n</Else>\n",
		"<Directory \"\">\n</Directory>\n",
		// A path section refuses a second word, after reading its body;
		// "~" and a regex are one path (but the *Match forms' pattern).
		"<directory /a b>\n</directory>\n",
		"<Directory /a \"\">\n</Directory>\n",
		"<Directory \"/a b\">\n</Directory>\n",
		"<Directory ~ ^/srv>\n</Directory>\n",
		"<Directory ~ ^/srv x>\n</Directory>\n",
		"<Directory ~>\n</Directory>\n",
		"<DirectoryMatch ~ ^/srv>\n</DirectoryMatch>\n",
		"<Files ~ x>\n</Files>\n",
		"<Files ~ x y>\n</Files>\n",
		"<Location ~ x>\n</Location>\n",
		"<Location ~ x y>\n</Location>\n",
		"<LocationMatch ~ x>\n</LocationMatch>\n",
		"<FilesMatch ~ x>\n</FilesMatch>\n",
		"<ProxyMatch ~ x>\n</ProxyMatch>\n",
		"<VirtualHost *:80>\n<Directory /a b>\n</Directory>\n</VirtualHost>\n",
		"<Directory /a>\n<Files a b>\n</Files>\n</Directory>\n",
		"<Directory /a b>\nNoSuch x\n</Directory>\n",
	}
	for _, name := range []string{"<Directory", "<DirectoryMatch", "<Location", "<LocationMatch", "<Files", "<FilesMatch", "<ProxyMatch"} {
		snippets = append(snippets, probe.Snippet(name, []string{"/srv/x", "y"}, "server"))
	}
	for _, d := range directive.All() {
		if !d.Section {
			continue
		}
		switch strings.ToLower(d.Name) {
		case "<macro", "<ifmodule", "<ifdefine", "<ifversion", "<iffile", "<ifdirective", "<ifsection", "<limit", "<limitexcept":
			continue // the loader's, or refused at server level before their header is read
		}
		ctx := "server"
		if !d.InServer() {
			ctx = "directory"
		}
		snippets = append(snippets, probe.Snippet(d.Name, nil, ctx))
	}
	for _, sn := range snippets {
		ok, msg, err := env.Test(sn)
		require.NoError(t, err)
		f, perr := parser.Config{}.ParseString("snippet.conf", sn)
		require.NoError(t, perr)
		errs := directive.CheckTree(f.Body, nil)
		if ok {
			assert.Empty(t, errs, "%q: httpd accepts", sn)
			continue
		}
		if assert.NotEmpty(t, errs, "%q: httpd says %q", sn, msg) {
			assert.Equal(t, firstLine(msg), errs[0].Msg, "%q", sn)
		}
	}
}

// The generator's argument shapes are the package's (it cannot import
// the package it generates).
func TestShapeMatchesGenerator(t *testing.T) {
	for _, a := range []string{"", "!", "http://x/", "balancer://c", "unix:/run/php.sock|fcgi://localhost/", "/var/www", "301", "On", "off",
		"retry=0", "word", "1x", "x://", "://x", "-Indexes", "+FollowSymLinks", "^/(.*)$", "fcgi://127.0.0.1:9000/$1", "ÿ"} {
		assert.Equal(t, probe.ArgKind(a), directive.ArgKind(a), "%q", a)
	}
	args := []string{"/a", "http://b/", "k=v", "x", "y", "z"}
	assert.Equal(t, probe.Shape(args), directive.Shape(args))
	assert.Equal(t, "path url kv word +", directive.Shape(args))
}
