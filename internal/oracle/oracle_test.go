package oracle

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRequestLine(t *testing.T) {
	tests := []struct {
		line    string
		want    Request
		wantErr string
	}{
		{line: "a.example /x", want: Request{Host: "a.example", Path: "/x", Method: "GET"}},
		{line: "a.example:port2 /x?q=1", want: Request{Host: "a.example", Port2: true, Path: "/x?q=1", Method: "GET"}},
		// routing-request-attributes: method, client address and headers.
		{line: "a.example /write/x POST", want: Request{Host: "a.example", Path: "/write/x", Method: "POST"}},
		{line: "a.example /admin/ from=127.0.0.2", want: Request{Host: "a.example", Path: "/admin/", Method: "GET", Remote: "127.0.0.2"}},
		{line: "a.example /app/app.wsgi X-Group:Desktop User-Agent:curl/8", want: Request{Host: "a.example", Path: "/app/app.wsgi", Method: "GET",
			Headers: map[string]string{"X-Group": "Desktop", "User-Agent": "curl/8"}}},
		// A header value may hold a colon (split at the first, as run.py).
		{line: "a.example / Referer:http://x/ DELETE", want: Request{Host: "a.example", Path: "/", Method: "DELETE",
			Headers: map[string]string{"Referer": "http://x/"}}},
		{line: "a.example / get", wantErr: `bad request token "get"`},
		{line: "a.example", wantErr: "want HOST PATH"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, err := ParseRequestLine(tt.line)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			tt.want.Line = tt.line
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseExpectedRouting(t *testing.T) {
	tests := []struct {
		req, exp string
		check    func(t *testing.T, r Request)
	}{
		{"p.example /api/users?id=7", "p.example /api/users?id=7 -> 200 group=- app=- backend=b1 path=/v1/users?id=7",
			func(t *testing.T, r Request) {
				assert.Equal(t, "b1", r.Backend)
				assert.Equal(t, "/v1/users?id=7", r.BackendPath)
				assert.Equal(t, "200 group=- app=- backend=b1 path=/v1/users?id=7", r.Want())
			}},
		{"php.example /plain/a.php", "php.example /plain/a.php -> 200 group=- app=- backend=fcgi script=proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/htdocs/plain/a.php",
			func(t *testing.T, r Request) {
				assert.Equal(t, "fcgi", r.Backend)
				assert.Equal(t, "proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/htdocs/plain/a.php", r.Script)
			}},
		{"php.example /idx", "php.example /idx -> 301 group=- app=- location=http://php.example/idx/",
			func(t *testing.T, r Request) {
				assert.Equal(t, "http://php.example/idx/", r.Location)
				assert.Equal(t, "301 group=- app=- location=http://php.example/idx/", r.Want())
			}},
		{"a.example /api/items DELETE", "a.example /api/items DELETE -> 403 group=- app=-",
			func(t *testing.T, r Request) {
				assert.Equal(t, "DELETE", r.Method)
				assert.Equal(t, "/api/items", r.Path)
				assert.Equal(t, 403, r.Status)
			}},
		// [NE] writes a space into the Location as it is.
		{"x.example /ne/a%20b", "x.example /ne/a%20b -> 302 group=- app=- location=http://x.example/new/a b",
			func(t *testing.T, r Request) {
				assert.Equal(t, "http://x.example/new/a b", r.Location)
				assert.Equal(t, "302 group=- app=- location=http://x.example/new/a b", r.Want())
			}},
		{"h /x", "h /x -> 302 group=- app=- location=http://h/y why=denied",
			func(t *testing.T, r Request) {
				assert.Equal(t, "http://h/y", r.Location)
				assert.Equal(t, "denied", r.Why)
			}},
		// An old-style line is unchanged.
		{"w.example /a.wsgi", "w.example /a.wsgi -> 500 group=- app=- why=no-such-group",
			func(t *testing.T, r Request) {
				assert.Equal(t, "500 group=- app=-", r.Want())
				assert.Equal(t, "no-such-group", r.Why)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.req, func(t *testing.T) {
			r, err := parseExpected(tt.req, tt.exp)
			require.NoError(t, err)
			tt.check(t, r)
		})
	}
}

func TestAgreesComparesRoutingFields(t *testing.T) {
	r, err := parseExpected("p.example /api/x", "p.example /api/x -> 200 group=- app=- backend=b1 path=/v1/x")
	require.NoError(t, err)
	assert.False(t, Agrees(r, Outcome{Status: 200}), "a proxied answer needs the backend")
	assert.False(t, Agrees(r, Outcome{Status: 200, Backend: "b1", BackendPath: "/v1/y"}))
	assert.True(t, Agrees(r, Outcome{Status: 200, Backend: "b1", BackendPath: "/v1/x"}))

	loc, err := parseExpected("r.example /old", "r.example /old -> 302 group=- app=- location=http://r.example/new")
	require.NoError(t, err)
	assert.False(t, Agrees(loc, Outcome{Status: 302}))
	assert.True(t, Agrees(loc, Outcome{Status: 302, Location: "http://r.example/new"}))
}

func TestUnsubst(t *testing.T) {
	assert.Equal(t, "proxy:fcgi://127.0.0.1:@FCGI@@ROOT@/htdocs/a.php",
		Unsubst("proxy:fcgi://127.0.0.1:8085/tmp/case1/htdocs/a.php", "/tmp/case1"))
	assert.Equal(t, "http://h:@PORT2@/x http://h:9999/ http://h:8081x", Unsubst("http://h:8082/x http://h:9999/ http://h:8081x", ""))
}

func TestLoadRecordsLocationOption(t *testing.T) {
	dir := t.TempDir()
	c := filepath.Join(dir, "c")
	require.NoError(t, os.MkdirAll(c, 0o755))
	write := func(name, text string) { require.NoError(t, os.WriteFile(filepath.Join(c, name), []byte(text), 0o644)) }
	write("requests.txt", "h /x from=127.0.0.3 Accept:text/html\n")
	write("expected.txt", "h /x from=127.0.0.3 Accept:text/html -> 302 group=- app=- location=http://h/y\n")
	write("options.txt", "location\n")
	cases, err := Load(c)
	require.NoError(t, err)
	require.Len(t, cases, 1)
	r := cases[0].Requests[0]
	assert.True(t, r.RecordsLocation)
	assert.Equal(t, "127.0.0.3", r.Remote)
	assert.Equal(t, map[string]string{"Accept": "text/html"}, r.Headers)
	assert.Equal(t, "http://h/y", r.Location)
}
