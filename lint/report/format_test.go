package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/lint"
	"github.com/apacheconf/apacheconf/parser"
)

const formatConf = `ServerTokens Full
TraceEnable On
<Directory />
    Require all granted
</Directory>
<Directory /srv>
</VirtualHost>
`

type fixedResolver struct{}

func (fixedResolver) LookupHost(h string) ([]netip.Addr, error) {
	return nil, fmt.Errorf("no DNS in tests")
}
func (fixedResolver) LookupAddr(netip.Addr) (string, error) { return "", fmt.Errorf("no DNS") }
func (fixedResolver) LocalHost() string                     { return "localhost" }

func formatDiags(t *testing.T) []lint.Diagnostic {
	fsys := fstest.MapFS{"site.conf": {Data: []byte(formatConf)}}
	loaded, err := parser.Load(fsys, "/site.conf", parser.LoadOptions{})
	require.NotNil(t, loaded)
	prog := lint.NewProgram(loaded.Body, err, lint.ProgramOptions{FS: fsys, Resolver: fixedResolver{}})
	ds := lint.Run(prog, lint.Analyzers(), lint.Config{})
	require.NotEmpty(t, ds)
	for i := range ds { // as the CLI shows them: relative names
		ds[i].Pos.Filename = strings.TrimPrefix(ds[i].Pos.Filename, "/")
		ds[i].End.Filename = strings.TrimPrefix(ds[i].End.Filename, "/")
	}
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

	for _, ds := range [][]lint.Diagnostic{nil, formatDiags(t)} {
		var buf bytes.Buffer
		require.NoError(t, WriteSARIF(&buf, ds, lint.Analyzers()))
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
	require.NoError(t, WriteSARIF(&buf, formatDiags(t), lint.Analyzers()))
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

func TestParseConfig(t *testing.T) {
	cfg, err := ParseConfig(".apacheconf.yaml", []byte("severity:\n  server-signature: error\n  AC5006: off\ndefines: [SSL]\nfail-on: warning\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"SSL"}, cfg.Defines)
	assert.Equal(t, lint.Warning, cfg.FailOn)
	assert.Equal(t, map[string]lint.Severity{"server-signature": lint.Error, "AC5006": lint.Off}, cfg.Severity)

	// main names the configuration's main file for apacheconf lsp; the
	// linter accepts the key and has no use for it.
	cfg, err = ParseConfig(".apacheconf.yaml", []byte("main: etc/apache2/apache2.conf\ndisable: [AC5004]\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"AC5004"}, cfg.Disable)

	for _, bad := range []string{"disable: [AC9999]\n", "severity: {AC5005: loud}\n", "severity: {no-such-rule: off}\n", "colour: red\n", "fail-on: never\n", "fail-on: off\n"} {
		_, err := ParseConfig("c", []byte(bad))
		assert.Error(t, err, bad)
	}
}
