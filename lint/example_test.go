package lint_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/parser"
)

func ExampleRunContext() {
	fsys := fstest.MapFS{"etc/apache2/apache2.conf": {Data: []byte("ServerName www.example.org\nServerTokens Full\nTraceEnable On\n")}}
	loaded, err := parser.Load(fsys, "/etc/apache2/apache2.conf", parser.LoadOptions{})
	prog := lint.NewProgram(loaded.Body, err, lint.ProgramOptions{FS: fsys, Fragment: true}) // a part: no MPM loaded

	// Rules by name or ID; Off switches one off.
	cfg := lint.Config{Severity: map[string]lint.Severity{"trace-enable": lint.Off}, FailOn: lint.Info}
	ds, err := lint.RunContext(context.Background(), prog, lint.Analyzers(), cfg)
	if err != nil {
		panic(err)
	}
	for _, d := range ds {
		fmt.Println(d.Pos, d.Severity, d.Rule, d.Name)
	}
	fmt.Println("fails:", cfg.Fails(ds))

	// A rule that does not exist is an error, not a silent no-op.
	fmt.Println(lint.Config{Disable: []string{"server-tokens-full"}}.Check())
	// Output:
	// /etc/apache2/apache2.conf:2:1 info AC5004 server-tokens
	// fails: true
	// disable: unknown rule "server-tokens-full"; apacheconf lint -rules lists them
}
