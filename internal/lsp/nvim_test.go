package lsp

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/uri"
)

// TestNeovim drives the built apacheconf binary from Neovim's own LSP
// client, headless, on examples/hosting: the test an editor user would
// make by hand.
func TestNeovim(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		t.Skip("nvim not installed (Debian: apt-get install neovim); the editor test is skipped")
	}
	if testing.Short() {
		t.Skip("builds the binary and starts Neovim")
	}
	root, _, site := hosting(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "apacheconf")
	build := exec.Command("go", "build", "-o", bin, "github.com/apacheconf/apacheconf/cmd/apacheconf")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	script, err := filepath.Abs("testdata/nvim.lua")
	if err != nil {
		t.Fatal(err)
	}
	result := filepath.Join(dir, "result.json")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "--clean", "-c", "luafile "+script)
	cmd.Env = append(os.Environ(), "APACHECONF_BIN="+bin, "HOSTING="+root, "RESULT="+result, "XDG_STATE_HOME="+dir, "XDG_DATA_HOME="+dir)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, out)
	}
	var got struct {
		Error       string
		Diagnostics []struct {
			Code    string
			Line    int
			Message string
		}
		Hover   string
		Symbols []struct {
			Name   string
			Kind   int
			Detail string
		}
		Completion []string
		Definition []string
	}
	b, err := os.ReadFile(result)
	if err != nil {
		t.Fatalf("no result from nvim: %v", err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	t.Logf("nvim: %s", b)
	if got.Error != "" {
		t.Fatalf("script failed: %s", got.Error)
	}
	found := false
	for _, d := range got.Diagnostics {
		if d.Code == "AC4006" && d.Line == int(at(t, site, "<Directory /home/joe", 0).Line) {
			found = true
		}
	}
	if !found {
		t.Errorf("no AC4006 on the joe <Directory> line: %+v", got.Diagnostics)
	}
	if !strings.Contains(got.Hover, "**AddHandler**") || !strings.Contains(got.Hover, "mod_mime") {
		t.Errorf("hover on AddHandler does not name mod_mime:\n%s", got.Hover)
	}
	if !slices.Contains(got.Definition, string(uri.File(site))) {
		t.Errorf("definition on the IncludeOptional glob: %v, want %s", got.Definition, uri.File(site))
	}
	if !slices.Contains(got.Completion, "WSGIRestrictProcess") {
		t.Errorf("completion inside <VirtualHost>: %v", got.Completion)
	}
	if len(got.Symbols) != 1 || got.Symbols[0].Name != "www.site.com" || got.Symbols[0].Detail != "<VirtualHost *:80>" {
		t.Errorf("outline: %+v", got.Symbols)
	}
}
