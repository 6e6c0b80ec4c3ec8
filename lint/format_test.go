package lint

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const formatConf = `ServerTokens Full
TraceEnable On
<Directory />
    Require all granted
</Directory>
<Directory /srv>
</VirtualHost>
`

func formatDiags(t *testing.T) []Diagnostic {
	nodes, fsys, err := testLoad(formatConf, nil)
	prog := NewProgram(nodes, err, ProgramOptions{FS: fsys, Resolver: fixedResolver{}})
	ds := Run(prog, Analyzers(), Config{})
	require.NotEmpty(t, ds)
	return ds
}

// TestSARIFSchema validates the SARIF output against the OASIS SARIF
// 2.1.0 JSON schema (testdata/sarif-schema-2.1.0.json, see its README),
// with format assertions on.
func TestSARIFSchema(t *testing.T) {
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	require.NoError(t, c.AddResource(url, doc))
	sch, err := c.Compile(url)
	require.NoError(t, err)

	for _, ds := range [][]Diagnostic{nil, formatDiags(t)} {
		var buf bytes.Buffer
		require.NoError(t, WriteSARIF(&buf, ds, Analyzers()))
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
		require.NoError(t, err)
		require.NoError(t, sch.Validate(inst), buf.String())

		// and the schema would catch a broken log
		var m map[string]any
		require.NoError(t, json.Unmarshal(buf.Bytes(), &m))
		m["version"] = "2.0.0"
		assert.Error(t, sch.Validate(m))
	}

	var buf bytes.Buffer
	require.NoError(t, WriteSARIF(&buf, formatDiags(t), Analyzers()))
	assert.Contains(t, buf.String(), `"ruleId": "AC5002"`)
	assert.Contains(t, buf.String(), `"insertedContent"`)
}

func TestFormats(t *testing.T) {
	ds := formatDiags(t)
	var text, gh, cs, js bytes.Buffer
	require.NoError(t, Write(&text, "text", ds, nil))
	assert.Contains(t, text.String(), "site.conf:4:5: error: Require all granted on <Directory /> opens the whole file system; deny there and grant per directory [AC5002]\n")
	require.NoError(t, Write(&gh, "github", ds, nil))
	assert.Contains(t, gh.String(), "::error file=site.conf,line=4,col=5,endLine=4,endColumn=24,title=AC5002 require-all-granted-root::Require all granted")
	assert.Contains(t, gh.String(), "::notice file=site.conf,line=1,")
	require.NoError(t, Write(&cs, "checkstyle", ds, nil))
	var parsed struct {
		Files []struct {
			Name   string `xml:"name,attr"`
			Errors []struct {
				Line   int    `xml:"line,attr"`
				Source string `xml:"source,attr"`
			} `xml:"error"`
		} `xml:"file"`
	}
	require.NoError(t, xml.Unmarshal(cs.Bytes(), &parsed))
	require.Len(t, parsed.Files, 1)
	assert.Len(t, parsed.Files[0].Errors, len(ds))
	require.NoError(t, Write(&js, "json", ds, nil))
	var j struct {
		Diagnostics []map[string]any `json:"diagnostics"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &j))
	assert.Len(t, j.Diagnostics, len(ds))
	assert.Error(t, Write(&js, "yaml", ds, nil))
	assert.True(t, strings.HasPrefix(cs.String(), "<?xml"))
}

func TestSuppressAndConfig(t *testing.T) {
	conf := "ServerName localhost\n# apacheconf:ignore AC5004 wanted on this test box\nServerTokens Full\n# apacheconf:ignore all\n\nTraceEnable On\nServerSignature On\n"
	nodes, fsys, err := testLoad(conf, nil)
	prog := NewProgram(nodes, err, ProgramOptions{FS: fsys, Resolver: fixedResolver{}})
	ds := Run(prog, Analyzers(), Config{})
	require.Len(t, ds, 1)
	assert.Equal(t, "AC5005", ds[0].Rule)
	assert.Equal(t, Info, ds[0].Severity)

	cfg, err := ParseConfig(".apacheconf.yaml", []byte("severity:\n  server-signature: error\n  AC5006: off\ndefines: [SSL]\nfail-on: warning\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"SSL"}, cfg.Defines)
	assert.Equal(t, Warning, cfg.FailOn)
	ds = Run(NewProgram(nodes, nil, ProgramOptions{Resolver: fixedResolver{}}), Analyzers(), cfg)
	require.Len(t, ds, 1)
	assert.Equal(t, Error, ds[0].Severity)

	cfg, err = ParseConfig("c", []byte("disable: [AC5005]\n"))
	require.NoError(t, err)
	assert.Empty(t, Run(prog, Analyzers(), cfg))
	cfg, err = ParseConfig("c", []byte("enable: [trace-enable]\n"))
	require.NoError(t, err)
	assert.Empty(t, Run(prog, Analyzers(), cfg)) // suppressed by "all"

	for _, bad := range []string{"disable: [AC9999]\n", "severity: {AC5005: loud}\n", "colour: red\n", "fail-on: never\n"} {
		_, err := ParseConfig("c", []byte(bad))
		assert.Error(t, err, bad)
	}
}
