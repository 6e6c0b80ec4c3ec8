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
	type triple struct {
		d       *directive.Info
		context string
		args    []string
	}
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

	type result struct {
		ok  bool
		msg string
		err error
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
			ok, msg, err := env.Test(probe.Snippet(tr.d.Name, tr.args, tr.context))
			results[i] = result{ok, msg, err}
		}()
	}
	wg.Wait()

	agree := 0
	var disagreements []string
	for i, tr := range triples {
		r := results[i]
		require.NoError(t, r.err)
		// httpd runs the first module's command_rec of a name defined
		// twice (HeartbeatStorage), as Lookup returns.
		first, _ := directive.Lookup(tr.d.Name)
		theirs := !r.ok && genericRefusal(first, r.msg)
		ours := directive.Check(tr.d.Name, tr.args, directive.Context{Sections: probe.ContextSections[tr.context]})
		switch {
		case theirs != (ours != nil):
			disagreements = append(disagreements, fmt.Sprintf("%s %q in %s: httpd %v %q, ours %v", tr.d.Name, tr.args, tr.context, r.ok, r.msg, ours))
		case ours != nil && ours.Msg != firstLine(r.msg) && ours.Msg != r.msg:
			disagreements = append(disagreements, fmt.Sprintf("%s %q in %s: httpd says %q, we say %q", tr.d.Name, tr.args, tr.context, r.msg, ours.Msg))
		default:
			agree++
		}
	}
	sort.Strings(disagreements)
	t.Logf("registry vs apache2 -t: %d/%d triples agree (seed %d)", agree, len(triples), seed)
	assert.Empty(t, disagreements)
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }
