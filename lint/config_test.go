package lint

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSuppressAndConfig(t *testing.T) {
	conf := "ServerName localhost\n# apacheconf:ignore AC5004 wanted on this test box\nServerTokens Full\n# apacheconf:ignore all\n\nTraceEnable On\nServerSignature On\n"
	nodes, fsys, err := testLoad(conf, nil)
	// A fragment: a server without an MPM would be an error (AC2006).
	prog := NewProgram(nodes, err, ProgramOptions{FS: fsys, Resolver: fixedResolver{}, Fragment: true})
	ds := Run(prog, Analyzers(), Config{})
	require.Len(t, ds, 1)
	assert.Equal(t, "AC5005", ds[0].Rule)
	assert.Equal(t, Info, ds[0].Severity)

	// Rules by name or ID; Off from code.
	cfg := Config{Severity: map[string]Severity{"server-signature": Error, "AC5006": Off}, FailOn: Warning}
	ds = Run(NewProgram(nodes, nil, ProgramOptions{Resolver: fixedResolver{}, Fragment: true}), Analyzers(), cfg)
	require.Len(t, ds, 1)
	assert.Equal(t, Error, ds[0].Severity)

	assert.True(t, cfg.Fails(ds))
	assert.False(t, Config{}.Fails([]Diagnostic{{Severity: Warning}}), "FailOn 0 is error")

	cfg = Config{Disable: []string{"AC5005"}}
	assert.Empty(t, Run(prog, Analyzers(), cfg))
	cfg = Config{Enable: []string{"Trace-Enable"}}
	assert.Empty(t, Run(prog, Analyzers(), cfg)) // suppressed by "all"

	for _, bad := range []Config{
		{Disable: []string{"AC9999"}},
		{Enable: []string{"server-sig"}},
		{Severity: map[string]Severity{"serversignature": Off}},
		{Severity: map[string]Severity{"AC5005": 7}},
		{FailOn: 9},
	} {
		assert.Error(t, bad.Check(), "%+v", bad)
		_, err := RunContext(context.Background(), prog, Analyzers(), bad)
		assert.Error(t, err, "%+v", bad)
	}
	err = Config{Severity: map[string]Severity{"serversignature": Off}}.Check()
	assert.ErrorContains(t, err, "did you mean server-signature?")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = RunContext(ctx, prog, Analyzers(), Config{})
	assert.ErrorIs(t, err, context.Canceled)
}
