package audit

import (
	"encoding/json"
	"html/template"
	"io"
	"strings"
)

// WriteHTML prints a self-contained page (no external assets): a grid
// of targets × probes where each cell gives the status of the worst
// answer (red: handed out, green: refused, amber: undecided), a click
// on a cell opens its requests with the directives that decided them
// and the fix, and the benchmark findings below. The page works from a
// file:// URL; #cell-T-P opens a cell directly.
func (r *Report) WriteHTML(w io.Writer) error {
	type answerView struct {
		Answer
		Target string `json:"target_label"`
	}
	data := struct {
		Targets []Target     `json:"targets"`
		Probes  []Probe      `json:"probes"`
		Answers []answerView `json:"answers"`
		Cells   [][][]int    `json:"cells"`
	}{Targets: r.Targets, Probes: r.Probes}
	for _, a := range r.Answers {
		data.Answers = append(data.Answers, answerView{a, r.Targets[a.Target].Label})
	}
	g := r.grid()
	for _, row := range g {
		var cells [][]int
		for _, c := range row {
			cells = append(cells, append([]int{}, c.Answers...))
		}
		data.Cells = append(data.Cells, cells)
	}
	js, err := json.Marshal(data)
	if err != nil {
		return err
	}
	// </script> cannot appear inside the JSON: html/template escapes
	// '<' in a JS context, and JSON marshalling escapes it too.
	view := struct {
		R          *Report
		Grid       [][]cell
		Categories []struct {
			Name string
			Span int
		}
		Counts    string
		Data      template.JS
		Benchmark []lintJSON
	}{R: r, Grid: g, Categories: r.categories(), Counts: strings.Join(r.severityCounts(), ", "), Data: template.JS(js), Benchmark: lintFindings(r.Lint)}
	return page.Execute(w, view)
}

var page = template.Must(template.New("audit").Funcs(template.FuncMap{
	"add": func(a, b int) int { return a + b },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Exposure audit — apacheconf</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
table.grid { border-collapse: collapse; margin: 1em 0; }
.grid th, .grid td { border: 1px solid #ccc; padding: 2px 5px; text-align: center; }
.grid th.target { text-align: left; white-space: nowrap; }
.grid thead th { background: #f4f4f4; font-weight: 600; }
.grid .probe { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: normal; white-space: nowrap; }
.grid td a { display: block; text-decoration: none; color: inherit; min-width: 2.2em; }
td.exposed.error { background: #d73a49; color: #fff; }
td.exposed.warning { background: #f0883e; color: #fff; }
td.exposed.info { background: #f6e05e; }
td.protected { background: #dcf5e3; color: #276738; }
td.undecided { background: #fff3c4; }
td.absent { color: #999; }
td.selected { outline: 3px solid #0366d6; }
#panel { border: 1px solid #0366d6; padding: .5em 1em; margin: 1em 0; display: none; }
#panel.open { display: block; }
#panel h2 { font-size: 1.1em; margin: .3em 0; }
#panel .answer { border-top: 1px solid #ddd; padding: .4em 0; }
#panel ol { margin: .2em 0 .2em 1.2em; padding: 0; }
#panel code, .fix { font-family: ui-monospace, monospace; font-size: 12px; }
.fix { background: #f6f8fa; padding: 2px 4px; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 6px; }
table.bench { border-collapse: collapse; }
.bench td, .bench th { border-bottom: 1px solid #eee; padding: 3px 6px; text-align: left; vertical-align: top; }
</style>
</head>
<body>
<h1>What each virtual host would hand out</h1>
<p id="summary">{{len .R.Targets}} targets × {{len .R.Probes}} probes; {{len .R.Answers}} requests answered by the configuration; <strong id="exposed-count">{{len .R.Exposures}}</strong> exposed{{if .Counts}} ({{.Counts}}){{end}}. Each probe assumes the file it asks for exists; nothing was requested from a live server.</p>
<p class="legend"><span class="exposed error" style="background:#d73a49;color:#fff">handed out</span><span style="background:#dcf5e3">refused</span><span style="background:#fff3c4">cannot be decided statically</span> — click a cell for its requests and the directives that decide them.</p>
<table class="grid" id="grid">
<thead>
<tr><th rowspan="2">target</th>{{range .Categories}}<th colspan="{{.Span}}">{{.Name}}</th>{{end}}</tr>
<tr>{{range .R.Probes}}<th class="probe" title="{{.Why}}">{{.Method}} {{.Path}}</th>{{end}}</tr>
</thead>
<tbody>
{{range $i, $row := .Grid}}<tr><th class="target" title="{{(index $.R.Targets $i).ServerAt}}">{{(index $.R.Targets $i).Label}}</th>{{range $j, $c := $row}}<td class="{{$c.Class}}" id="cell-{{$i}}-{{$j}}" data-probe="{{(index $.R.Probes $j).ID}}"><a href="#cell-{{$i}}-{{$j}}">{{$c.Text}}</a></td>{{end}}</tr>
{{end}}</tbody>
</table>
<div id="panel" role="region" aria-live="polite"></div>
{{if .Benchmark}}<h2>Benchmark findings</h2>
<table class="bench" id="benchmark"><tr><th>rule</th><th>controls</th><th>where</th><th>finding</th></tr>
{{range .Benchmark}}<tr class="{{.Severity}}"><td>{{.Rule}} {{.Severity}}</td><td>{{range .Controls}}{{.}}<br>{{end}}</td><td><code>{{.File}}:{{.Line}}</code></td><td>{{.Message}}</td></tr>
{{end}}</table>{{end}}
<script id="audit-data" type="application/json">{{.Data}}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById("audit-data").textContent);
  var panel = document.getElementById("panel");
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function open(id) {
    var m = /^cell-(\d+)-(\d+)$/.exec(id || "");
    var prev = document.querySelector("td.selected");
    if (prev) prev.classList.remove("selected");
    if (!m) { panel.className = ""; return; }
    var t = +m[1], p = +m[2];
    var idx = (data.cells[t] || [])[p];
    if (!idx) { panel.className = ""; return; }
    var probe = data.probes[p], target = data.targets[t];
    document.getElementById(id).classList.add("selected");
    panel.textContent = "";
    panel.appendChild(el("h2", target.label + " — " + probe.category + ": " + probe.method + " " + probe.path));
    panel.appendChild(el("p", probe.why));
    idx.forEach(function (i) {
      var a = data.answers[i];
      var div = el("div", undefined, "answer " + (a.exposed ? "is-exposed" : "is-refused"));
      var head = a.method + " " + a.url + " → " + (a.status || "undecided") + (a.handler ? " " + a.handler : "") + (a.file ? " " + a.file : "");
      div.appendChild(el("strong", head));
      div.appendChild(el("p", a.reason));
      var ol = el("ol", undefined, "trace");
      (a.trace || []).forEach(function (s) {
        var li = el("li", s.what);
        if (s.at) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("code", s.at)); }
        ol.appendChild(li);
      });
      div.appendChild(ol);
      if (a.exposed) {
        var fix = el("p", "Fix: ");
        fix.appendChild(el("span", a.fix, "fix"));
        div.appendChild(fix);
      }
      panel.appendChild(div);
    });
    panel.className = "open";
    panel.setAttribute("data-cell", id);
  }
  window.addEventListener("hashchange", function () { open(location.hash.slice(1)); });
  open(location.hash.slice(1));
  document.body.setAttribute("data-ready", "1");
})();
</script>
</body>
</html>
`))
