package main

import (
	"strings"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/parser"
	"github.com/apacheconf/apacheconf/resolve"
	"github.com/apacheconf/apacheconf/scope"
)

// The JSON the CLI prints is defined here, apart from the library's
// types: a library type can change without changing what scripts read.
// The golden files in testdata/ hold the CLI to it.

// decisionJSON is resolve --format json: one object per path.
type decisionJSON struct {
	Host             string      `json:"host"`
	Path             string      `json:"path"`
	VHost            vhostJSON   `json:"vhost"`
	Filename         string      `json:"filename"`
	Handler          string      `json:"handler"`
	Status           int         `json:"status"`
	ProcessGroup     string      `json:"process_group"`
	ApplicationGroup string      `json:"application_group"`
	SelectableGroups []string    `json:"selectable_groups"`
	Restrict         []string    `json:"restrict"` // null: no WSGIRestrictProcess
	Verdict          string      `json:"verdict"`
	Reason           string      `json:"reason"`
	Trace            []traceJSON `json:"trace"`
	// Issue 18: present only when there is something to say.
	Location   string        `json:"location,omitempty"`
	Rewrites   []rewriteJSON `json:"rewrites,omitempty"`
	Unmodelled []string      `json:"unmodelled,omitempty"`
	proxyJSON
}

// rewriteJSON is one RewriteRule that acted (scope.RewriteStep).
type rewriteJSON struct {
	Phase string `json:"phase"`
	Rule  string `json:"rule"`
	File  string `json:"file"`
	Line  int    `json:"line"`
	Input string `json:"input"`
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
	Note  string `json:"note,omitempty"`
}

func rewritesJSON(steps []scope.RewriteStep) []rewriteJSON {
	var out []rewriteJSON
	for _, st := range steps {
		rj := rewriteJSON{Phase: st.Phase, Input: st.Input, From: st.From, To: st.To, Note: st.Note}
		if st.Rule != nil {
			rj.Rule = strings.TrimSpace(ast.JoinContinuations(strings.TrimPrefix(st.Rule.Raw, st.Rule.Indent())))
			p := st.Rule.Pos()
			rj.File, rj.Line = p.Filename, p.Line
		}
		out = append(out, rj)
	}
	return out
}

type vhostJSON struct {
	ServerName string `json:"server_name"`
	File       string `json:"file"`
	Line       int    `json:"line"`
}

type traceJSON struct {
	Directive string `json:"directive"`
	File      string `json:"file"`
	Line      int    `json:"line"`
}

func newDecisionJSON(d resolve.Decision) decisionJSON {
	out := decisionJSON{
		Host: d.Host, Path: d.Path, Filename: d.Filename, Handler: d.Handler, Status: d.Status,
		ProcessGroup: d.ProcessGroup, ApplicationGroup: d.ApplicationGroup, SelectableGroups: d.SelectableGroups,
		Restrict: d.RestrictGroups, Verdict: string(d.Verdict), Reason: d.Reason,
	}
	if d.VHost != nil {
		out.VHost.ServerName = d.VHost.ServerName
		if p := d.VHost.Pos(); p.IsValid() {
			out.VHost.File, out.VHost.Line = p.Filename, p.Line
		}
	}
	for _, t := range d.Trace {
		out.Trace = append(out.Trace, traceJSON{Directive: t.Text, File: t.Pos.Filename, Line: t.Pos.Line})
	}
	out.Location, out.Rewrites, out.Unmodelled = d.Location, rewritesJSON(d.Rewrites), d.Unmodelled
	return out
}

// positionJSON is an ast.Position as dump --json prints it.
type positionJSON struct {
	Filename string `json:"file,omitempty"`
	Offset   int    `json:"offset"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

func positionsJSON(ps []ast.Position) []positionJSON {
	var out []positionJSON
	for _, p := range ps {
		out = append(out, positionJSON(p))
	}
	return out
}

// includedFileJSON is a parser.IncludedFile as dump --json prints it.
type includedFileJSON struct {
	Path     string `json:"path"`
	Depth    int    `json:"depth"`
	Line     int    `json:"line"`
	DumpLine int    `json:"dump_line"`
}

func includedFilesJSON(files []parser.IncludedFile) []includedFileJSON {
	var out []includedFileJSON
	for _, f := range files {
		out = append(out, includedFileJSON(f))
	}
	return out
}

// proxyJSON is where mod_proxy sends a request, added to explain's and
// resolve's JSON only for a proxied request (the fields are omitted
// otherwise, so the answers for other requests read as before).
type proxyJSON struct {
	// ProxyURL is the URL the backend is asked for.
	ProxyURL string `json:"proxy_url,omitempty"`
	// ProxyBy is the directive that proxied the request (file:line).
	ProxyBy string `json:"proxy_by,omitempty"`
	// ScriptFilename and PathInfo are what a FastCGI backend receives.
	ScriptFilename string `json:"script_filename,omitempty"`
	PathInfo       string `json:"fcgi_path_info,omitempty"`
	// Balancer and BalancerMembers: the balancer:// and its members'
	// URLs.
	Balancer        string   `json:"balancer,omitempty"`
	BalancerMembers []string `json:"balancer_members,omitempty"`
	// ProxyVia is the remote proxy (ProxyRemote) the request goes
	// through, host:port.
	ProxyVia string `json:"proxy_via,omitempty"`
	// BackendState is what connecting to the backend meets in the
	// world the request declares (--backend-up, --backends-closed): up,
	// refused (503), unresolved (500) or unknown.
	BackendState string `json:"backend_state,omitempty"`
	// ProxyPreserveHost is set when ProxyPreserveHost is in force.
	ProxyPreserveHost *bool `json:"proxy_preserve_host,omitempty"`
	// ProxyUnmodelled says what decides the answer that no static
	// reading can know (a balancer's choice among several members …).
	ProxyUnmodelled []string `json:"proxy_unmodelled,omitempty"`
}

func newProxyJSON(p *scope.ProxyOutcome) proxyJSON {
	if p == nil {
		return proxyJSON{}
	}
	out := proxyJSON{ProxyURL: p.URL, ScriptFilename: p.ScriptFilename, PathInfo: p.PathInfo,
		Balancer: p.Balancer, BalancerMembers: p.Members, ProxyVia: p.Via, BackendState: p.BackendState, ProxyUnmodelled: p.Unmodelled}
	if p.By != nil {
		out.ProxyBy = p.By.Pos().String()
	}
	if p.PreserveHostBy != nil {
		v := p.PreserveHost
		out.ProxyPreserveHost = &v
	}
	return out
}
