package report

// htmlCSS is the report's only style sheet, inline. The outcome colours
// are the --pass … --unavailable variables (the same in light and dark
// mode, so a screenshot can find them).
const htmlCSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --code: #f6f8fa; --link: #0969da;
  --pass: #2da44e; --crash: #cf222e; --timeout: #fb8500; --fail: #e9c46a; --build-error: #8250df;
  --unavailable: #8c959f; --unknown: #57606a;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --code: #151b23; --link: #4493f8; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 1rem 1.5rem 3rem; background: var(--bg); color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .4rem; }
a { color: var(--link); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
code { background: var(--code); padding: 0 .25em; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem;
  overflow: auto; max-height: 32rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.nowrap { white-space: nowrap; overflow-wrap: normal; }
.summary { font-size: 1.05rem; }
.warning { border-left: 4px solid var(--timeout); padding-left: .6rem; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem; margin: .5rem 0 1rem; padding: 0; list-style: none; }
.legend li { padding: .15rem .6rem; border-radius: 4px; }
table { border-collapse: collapse; }
table.info td, table.info th, table.list td, table.list th { border: 1px solid var(--line); padding: .25rem .5rem;
  text-align: left; vertical-align: top; }
table.grid { border-spacing: 3px; border-collapse: separate; margin-bottom: .5rem; }
table.grid th { padding: .2rem .6rem; font-weight: 600; text-align: center; white-space: nowrap; }
table.grid th.row { text-align: right; }
table.grid td { padding: 0; }
table.grid td a { display: block; min-width: 6.5rem; padding: .55rem .6rem; text-align: center; font-weight: 600;
  text-decoration: none; border-radius: 4px; white-space: nowrap; }
table.grid td a:hover, table.grid td a:focus { outline: 3px solid var(--fg); outline-offset: 1px; }
table.grid td.none { min-width: 6.5rem; border: 1px dashed var(--line); border-radius: 4px; }
.o-pass { background: var(--pass); color: #ffffff; }
.o-crash { background: var(--crash); color: #ffffff; }
.o-timeout { background: var(--timeout); color: #1f2328; }
.o-fail { background: var(--fail); color: #1f2328; }
.o-build-error { background: var(--build-error); color: #ffffff; }
.o-unavailable { background: var(--unavailable); color: #ffffff; }
.o-unknown { background: var(--unknown); color: #ffffff; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 4px; font-weight: 600; white-space: nowrap; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .5rem 0; }
dl.fields dt { color: var(--muted); }
dl.fields dd { margin: 0; overflow-wrap: anywhere; }
details.cell { border: 1px solid var(--line); border-radius: 6px; margin: .4rem 0; }
details.cell > summary { padding: .4rem .6rem; cursor: pointer; overflow-wrap: anywhere; }
details.cell[open] > summary { border-bottom: 1px solid var(--line); }
details.cell > .body { padding: .2rem .9rem .8rem; }
details.cell:target { box-shadow: 0 0 0 3px var(--link); }
details.log > summary { cursor: pointer; margin: .3rem 0; }
`

// htmlScript is the report's only script, inline: it opens the <details>
// a link or the address's #fragment points at, so a click on a grid cell
// shows that cell. Without it the links still scroll to the (closed)
// section.
const htmlScript = `
(function () {
  function show(id) {
    var el = null;
    try { el = document.getElementById(decodeURIComponent(id)); } catch (e) { return; }
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[href^='#']");
    if (a) { show(a.getAttribute("href").slice(1)); }
  });
  window.addEventListener("hashchange", function () { show(location.hash.slice(1)); });
  if (location.hash.length > 1) {
    show(location.hash.slice(1));
    var target = document.getElementById(location.hash.slice(1));
    if (target) { target.scrollIntoView(); }
  }
})();
`

// htmlTemplate is the page; html/template escapes every value.
const htmlTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gorepro">
<title>gorepro {{.ID}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<header>
<h1>gorepro run <code>{{.ID}}</code></h1>
<p class="summary"><b>Summary:</b> {{.Summary}}</p>
{{- if .Interrupted}}
<p class="warning">The run was interrupted before every cell finished.</p>
{{- end}}
{{- range .Analysis}}
<p class="analysis"><b>Which axes matter</b>{{.}}</p>
{{- end}}
</header>

<main>
<section id="matrix">
<h2>Matrix</h2>
<p class="muted">One grid per target: rows are toolchains, columns protobuf version × cover. Click a cell for its details and logs.</p>
<ul class="legend">
{{- range .Legend}}
<li class="{{.Class}}">{{.Symbol}} {{.Outcome}}</li>
{{- end}}
</ul>
{{- range .Tables}}
<h3>Target <code>{{.Target}}</code>{{with .Kind}} <span class="muted">({{.}})</span>{{end}}</h3>
<table class="grid">
<thead>
{{- if .Groups}}
<tr><th class="row" rowspan="2">toolchain</th>
{{- range .Groups}}<th colspan="{{.Span}}">protobuf {{.Label}}</th>{{end}}</tr>
<tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr>
{{- else}}
<tr><th class="row">toolchain</th>{{range .Columns}}<th>{{.}}</th>{{end}}</tr>
{{- end}}
</thead>
<tbody>
{{- range .Rows}}
<tr><th class="row">{{.Label}}</th>
{{- range .Cells}}
{{- if .}}<td><a class="{{.Class}}" href="#{{.Anchor}}" title="{{.Title}}">{{.Text}}</a></td>
{{- else}}<td class="none"></td>{{end}}
{{- end}}</tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>No cells.</p>
{{- end}}
</section>
{{- with .Bisect}}

<section id="bisect">
<h2>Bisection over <code>{{.Axis}}</code></h2>
<p><b>{{.Conclusion}}</b></p>
<table class="info">
{{- range .Facts}}
<tr><th>{{.Name}}</th><td>{{.Value}}</td></tr>
{{- end}}
</table>
<h3>Probes</h3>
<table class="list">
<tr><th>#</th><th>version</th><th>verdict</th><th>outcome</th><th>runs</th><th>built</th><th>signature or reason</th></tr>
{{- range $i, $p := .Probes}}
<tr><td>{{$i}}</td><td>{{if $p.Anchor}}<a href="#{{$p.Anchor}}">{{$p.Version}}</a>{{else}}{{$p.Version}}{{end}}</td><td>{{$p.Verdict}}</td><td><span class="badge {{$p.Class}}">{{$p.Outcome}}</span></td><td>{{$p.Runs}}</td><td>{{$p.Built}}</td><td>{{$p.Detail}}</td></tr>
{{- end}}
</table>
</section>
{{- end}}

<section id="environment">
<h2>Environment</h2>
<table class="info">
{{- range .Environment}}
<tr><th>{{.Name}}</th><td>{{.Value}}</td></tr>
{{- end}}
</table>
{{- if .Toolchains}}
<h3>Toolchains</h3>
<table class="list">
<tr><th>toolchain</th><th>kind</th><th>go version</th><th>GOROOT</th><th>go env</th><th>container</th><th>status</th></tr>
{{- range .Toolchains}}
<tr><td><code class="nowrap">{{.Name}}</code></td><td>{{.Kind}}</td><td class="nowrap">{{.GoVersion}}</td><td>{{with .GOROOT}}<code>{{.}}</code>{{end}}</td>
<td>{{range .GoEnv}}<div><code class="nowrap">{{.Name}}={{.Value}}</code></div>{{end}}</td>
<td>{{range .Container}}<div>{{.Name}}: <code>{{.Value}}</code></div>{{end}}</td>
<td>{{if .Available}}{{.Status}}{{else}}<span class="badge o-unavailable">unavailable</span> {{.Status}}{{end}}{{with .Warning}}<div class="warning">{{.}}</div>{{end}}</td></tr>
{{- end}}
</table>
{{- end}}
</section>

<section id="cells">
<h2>Cells</h2>
{{- range .Cells}}
<details class="cell" id="{{.Anchor}}">
<summary><span class="badge {{.Class}}">{{.Symbol}} {{.Outcome}}</span> <code>{{.ID}}</code>{{with .Headline}} — {{.}}{{end}}</summary>
<div class="body">
<dl class="fields">
{{- range .Fields}}
<dt>{{.Name}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>
{{- with .Signature}}
<p><b>Signature:</b> <code>{{.}}</code></p>
{{- end}}
{{- with .Frames}}
<p><b>Frames:</b></p>
<ol>{{range .}}<li><code>{{.}}</code></li>{{end}}</ol>
{{- end}}
{{- with .Reason}}
<p><b>Reason:</b> {{.}}</p>
{{- end}}
{{- range .KnownIssues}}
<p><b>Known issue:</b> <a href="{{.URL}}">{{.ID}}</a> — {{.Text}}</p>
{{- end}}
{{- range .Warnings}}
<p class="warning">{{.}}</p>
{{- end}}
{{- with .Runs}}
<table class="list">
<tr><th>run</th><th>outcome</th><th>exit</th><th>time</th><th>signature or reason</th></tr>
{{- range .}}
<tr><td>{{.Index}}</td><td><span class="badge {{.Class}}">{{.Outcome}}</span></td><td>{{.Exit}}</td><td>{{.Seconds}}</td><td>{{.Detail}}</td></tr>
{{- end}}
</table>
{{- end}}
{{- with .Script}}
<p><b>Reproduce:</b></p>
<pre class="script">{{.}}</pre>
{{- end}}
{{- range .Logs}}
<details class="log"{{if .Open}} open{{end}}>
<summary><code>{{.Name}}</code>{{with .Size}} <span class="muted">{{.}}</span>{{end}}{{with .Note}} <span class="muted">— {{.}}</span>{{end}}</summary>
{{- if .Text}}
<pre>{{.Text}}</pre>
{{- end}}
</details>
{{- end}}
</div>
</details>
{{- end}}
</section>
</main>
<footer><p class="muted">Generated by gorepro. This file is self-contained: it loads nothing from the network.</p></footer>
<script>{{.Script}}</script>
</body>
</html>
`
