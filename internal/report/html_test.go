package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordedHTML renders the recorded run as WriteHTML does for a stored run.
func recordedHTML(t *testing.T) (*record.Run, string) {
	t.Helper()
	run, dir := runfixture.Recorded(t, "recorded")
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, run, os.DirFS(dir)))
	return run, buf.String()
}

func TestHTMLGolden(t *testing.T) {
	_, html := recordedHTML(t)
	for i, line := range strings.Split(html, "\n") {
		assert.Equal(t, strings.TrimRight(line, " \t"), line, "trailing space on line %d", i+1)
	}
	runfixture.CheckGolden(t, "report.html.golden", []byte(html))
	assert.Less(t, len(html), 1<<20, "the recorded run's report stays small")
}

func TestHTMLGridLinksEveryCellToItsDetails(t *testing.T) {
	run, html := recordedHTML(t)
	// One grid per target, with one link per cell to an existing section.
	assert.Equal(t, 3, strings.Count(html, `<table class="grid">`))
	links := regexp.MustCompile(`<td><a class="(o-[a-z-]+)" href="#([^"]+)"`).FindAllStringSubmatch(html, -1)
	require.Len(t, links, len(run.Cells))
	classes := map[string]int{}
	for _, l := range links {
		classes[l[1]]++
		assert.Contains(t, html, `<details class="cell" id="`+l[2]+`">`, "the grid cell %s links to its details", l[2])
	}
	assert.Equal(t, map[string]int{"o-pass": 20, "o-crash": 8, "o-timeout": 2, "o-build-error": 6, "o-unavailable": 12}, classes)

	// A flaky cell shows n/N, and its details the crash and its logs.
	assert.Contains(t, html, `href="#cell-local_v1.33.0_nocover_controller_amd64" title="local (go1.26.8) · controller · v1.33.0 nocover: crash (flaky) 1/3 — panic: assignment to entry in nil map in main.reconcile">💥 1/3</a>`)
	section := htmlSection(t, html, "cell-local_v1.33.0_nocover_controller_amd64")
	assert.Contains(t, section, `<p><b>Signature:</b> <code>panic: assignment to entry in nil map in main.reconcile</code></p>`)
	assert.Contains(t, section, `<li><code>main.reconcile</code></li>`)
	assert.Contains(t, section, `<pre class="script">cd /work/main/results/testdata/recorded-src/app &amp;&amp; env GOTOOLCHAIN=local`)
	assert.Contains(t, section, "<code>build.log</code>")
	// The run that crashed is the log shown open.
	assert.Contains(t, section, "<details class=\"log\" open>\n<summary><code>run-2.log</code>")
	assert.Contains(t, section, "panic: assignment to entry in nil map\n\ngoroutine 1 [running]:")

	// The signature with | and a backtick is escaped, not interpreted.
	assert.Contains(t, html, "panic: reconcile: bad | column in /apis/v1|pods `x` in main.reconcile")
	// Unavailable and build-error cells say why.
	assert.Contains(t, htmlSection(t, html, "cell-ubi9-go-1.25_v1.33.0_nocover_repro_amd64"), "image not known locally")
	assert.Contains(t, htmlSection(t, html, "cell-go1.27.3_v1.33.0_cover_webhook_amd64"), "undefined: proto.CloneOf")
}

func TestHTMLEnvironment(t *testing.T) {
	_, html := recordedHTML(t)
	for _, want := range []string{
		"<tr><th>gorepro</th><td>(devel)</td></tr>",
		"<tr><th>Host</th><td>linux/amd64 (vm), 2 CPUs</td></tr>",
		"<tr><th>Container engine</th><td>podman 4.3.1 (engine host amd64)</td></tr>",
		"<tr><th>Emulation</th><td>none: every binary ran natively</td></tr>",
		`<div><code class="nowrap">GOTOOLCHAIN=go1.27.3</code></div>`,
		"<div>image: <code>localhost/gorepro-test/go:local @ sha256:43417f0f7d7ebccd3c11f7e388149635913d5934eb7492858187dbbbea1f45c3, amd64</code></div>",
		"<p class=\"summary\"><b>Summary:</b> 48 cells: 20 pass, 2 timeout, 8 crash (2 flaky), 6 build-error, 12 unavailable</p>",
	} {
		assert.Contains(t, html, want)
	}
}

// htmlSection returns the <details> section with id anchor.
func htmlSection(t *testing.T, html, anchor string) string {
	t.Helper()
	start := strings.Index(html, `<details class="cell" id="`+anchor+`">`)
	require.GreaterOrEqual(t, start, 0, "no section %s", anchor)
	end := strings.Index(html[start:], "\n</div>\n</details>")
	require.Greater(t, end, 0)
	return html[start : start+end]
}

func TestHTMLRedactsSecrets(t *testing.T) {
	_, html := recordedHTML(t)
	_, dir := runfixture.Recorded(t, "recorded")
	log, err := os.ReadFile(filepath.Join(dir, "cells/local_v1.33.0_cover_controller_amd64/run-1.log"))
	require.NoError(t, err)
	require.Contains(t, string(log), "GITHUB_TOKEN=ghp_", "the recorded controller prints a fake token")
	assert.NotContains(t, html, "ghp_")
	assert.NotContains(t, html, "0123456789abcdefghijABCDEFGHIJ0123")
	assert.Contains(t, html, "starting controller (GITHUB_TOKEN=REDACTED")

	// Secrets anywhere in the run: signature, reason, frames, script, logs,
	// go env, config path.
	token := "ghp_" + strings.Repeat("Z", 36)
	run := &record.Run{
		ID:     "20261127T113000Z-beef",
		Config: "https://user:hunter2@example.com/toolchains.json",
		Toolchains: []record.Toolchain{{Name: "local", Kind: "local", Available: true,
			GoEnv: map[string]string{"GOFLAGS": "-ldflags=-X=main.key=" + token}}},
		Cells: []record.Cell{{
			ID: "c1", Toolchain: "local", Target: "t", Outcome: record.Crash, Runs: 1,
			Signature: "panic: token " + token + " leaked",
			Reason:    "Authorization: Bearer abcdefghijklmnop",
			Frames:    []string{"main.f(" + token + ")"},
			Reproduce: record.Reproduce{Script: "env NPM_TOKEN=s3cr3tvalue ./bin"},
			Logs:      record.Logs{Build: "cells/c1/build.log"},
		}},
	}
	files := fstest.MapFS{"cells/c1/build.log": {Data: []byte("GOPROXY=https://me:pa55word@proxy.example/\n" + token + "\n")}}
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, run, files))
	out := buf.String()
	for _, secret := range []string{token, "hunter2", "abcdefghijklmnop", "s3cr3tvalue", "pa55word"} {
		assert.NotContains(t, out, secret)
	}
	assert.Contains(t, out, "NPM_TOKEN=REDACTED")
}

func TestHTMLEscapesEverything(t *testing.T) {
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	run := &record.Run{
		ID: "r<b>",
		Cells: []record.Cell{{
			ID: `c"><script>x</script>`, Toolchain: evil, Target: evil, Protobuf: evil, Outcome: record.Crash, Runs: 1,
			Signature: evil, Reason: evil, Frames: []string{evil}, Reproduce: record.Reproduce{Script: evil},
			KnownIssues: []record.KnownIssueMatch{{ID: evil, URL: "javascript:alert(3)", Verdict: evil}},
			Logs:        record.Logs{Runs: []string{"cells/c/run-1.log"}},
			RunResults:  []record.RunResult{{Index: 1, Outcome: record.Crash, Signature: evil}},
		}},
	}
	files := fstest.MapFS{"cells/c/run-1.log": {Data: []byte(evil + "\x00\x1b[31m\xff")}}
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, run, files))
	out := buf.String()
	assert.NotContains(t, out, "<script>alert")
	assert.NotContains(t, out, "<img")
	assert.NotContains(t, out, "javascript:")
	assert.NotContains(t, out, "\x00")
	assert.NotContains(t, out, "\x1b")
	assert.Contains(t, out, "&lt;script&gt;alert(1)&lt;/script&gt;")
	assert.Equal(t, 1, strings.Count(out, "<script>"), "only the report's own script")
	assert.Contains(t, out, `id="cell-c---script-x--script-"`, "anchors keep to safe characters")
}

func TestHTMLIsSelfContained(t *testing.T) {
	_, page := recordedHTML(t)
	for _, bad := range []string{"<link", " src=", "@import", "url(", "<iframe", "<object", "<embed", "<img"} {
		assert.NotContains(t, page, bad)
	}
	// The only network addresses are links a person may follow; none in
	// this run.
	assert.NotRegexp(t, `(?i)(src|href|action)="(https?:)?//`, page)

	// The Content-Security-Policy forbids loading anything and allows
	// exactly the inline style sheet and script the page has.
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]+)">`).FindStringSubmatch(page)
	require.NotNil(t, csp)
	policy := html.UnescapeString(csp[1])
	assert.Contains(t, policy, "default-src 'none'")
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(page)
	script := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindStringSubmatch(page)
	require.NotNil(t, style)
	require.NotNil(t, script)
	assert.Contains(t, policy, "style-src 'sha256-"+sha256Base64(style[1])+"'")
	assert.Contains(t, policy, "script-src 'sha256-"+sha256Base64(script[1])+"'")
}

func sha256Base64(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func TestHTMLWithoutRunDirectory(t *testing.T) {
	run, _ := runfixture.Recorded(t, "recorded")
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, run, nil))
	assert.Contains(t, buf.String(), "not quoted: the report was rendered without the run directory")
	assert.NotContains(t, buf.String(), "<pre>$ ")
}

func TestHTMLTrimsLongLogs(t *testing.T) {
	var log strings.Builder
	for i := range 5000 {
		log.WriteString("line " + strings.Repeat("x", 20) + " " + string(rune('a'+i%26)) + "\n")
	}
	log.WriteString("panic: the end\n")
	data := "first line\n" + log.String()
	run := &record.Run{ID: "r", Cells: []record.Cell{{ID: "c", Outcome: record.Crash, Runs: 1, Logs: record.Logs{Runs: []string{"cells/c/run-1.log"}}}}}
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, run, fstest.MapFS{"cells/c/run-1.log": {Data: []byte(data)}}))
	out := buf.String()
	assert.Contains(t, out, "<pre>first line\n")
	assert.Contains(t, out, "panic: the end\n</pre>")
	assert.Regexp(t, `— cut: \d+\.\d KiB \(\d+ lines\) from the middle; the first 8\.0 KiB and the last \d\.\d KiB are shown`, out)
	assert.Regexp(t, `\[… gorepro cut \d+\.\d KiB \(\d+ lines\) here; the whole log is in the run directory …\]`, out)
	assert.Less(t, len(out), len(data)/2+40<<10, "the middle of the log is not in the report")
}

func TestTrimLog(t *testing.T) {
	short := "a\nb\n"
	got, note := trimLog(short, 4, 4)
	assert.Equal(t, short, got)
	assert.Empty(t, note)

	got, note = trimLog("1111\n2222\n3333\n4444\n5555\n", 7, 7)
	assert.Equal(t, "1111\n\n[… gorepro cut 15 B (3 lines) here; the whole log is in the run directory …]\n\n5555\n", got)
	assert.Equal(t, "cut: 15 B (3 lines) from the middle; the first 5 B and the last 5 B are shown", note)

	// Without line ends it still cuts on rune boundaries.
	got, _ = trimLog(strings.Repeat("é", 100), 9, 9)
	assert.True(t, strings.HasPrefix(got, "éééé\n"), got)
	assert.True(t, strings.HasSuffix(got, "\n\néééé"), got)
}

func TestHTMLLogBudget(t *testing.T) {
	files := fstest.MapFS{"l": {Data: []byte("hello\n")}}
	budget := 0
	l := readHTMLLog(files, "l", &budget)
	assert.Empty(t, l.Text)
	assert.Equal(t, "not quoted: the report already quotes 4.0 MiB of logs; see l in the run directory", l.Note)
	budget = 100
	l = readHTMLLog(files, "l", &budget)
	assert.Equal(t, "hello\n", l.Text)
	assert.Equal(t, 94, budget)
	l = readHTMLLog(files, "missing", &budget)
	assert.Contains(t, l.Note, "not quoted: open missing: file does not exist")
}

func TestHTMLIsRegistered(t *testing.T) {
	assert.Contains(t, Formats(), "html")
	render, ok := RendererFor("html")
	require.True(t, ok)
	var buf bytes.Buffer
	require.NoError(t, render(&buf, runfixture.SampleRun(), nil))
	assert.True(t, strings.HasPrefix(buf.String(), "<!DOCTYPE html>"))
}

func TestHTMLBisectShardAndKnownIssues(t *testing.T) {
	run := runfixture.SampleRun()
	run.Shard = &record.Shard{Index: 2, Count: 4, Assigned: 3, Total: 12}
	run.Runners = []record.Runner{{RunID: "r1", Source: "shard1", Host: record.Host{GOOS: "linux", GOARCH: "arm64"}, Cells: 3}}
	run.Cells[1].KnownIssues = []record.KnownIssueMatch{{ID: "golang/go#69255", URL: "https://github.com/golang/go/issues/69255",
		Verdict: "cause", Why: []string{"go1.25.3 < go1.25.5"}, Workaround: "use go1.25.5"}}
	run.Cells[1].Warnings = []string{"toolchain is go1.25.3, expected go1.25.4"}
	run.Bisect = &record.Bisect{
		Axis: "protobuf", Fixed: map[string]string{"toolchain": "local"}, BadIf: "crash",
		BisectSearch: record.BisectSearch{
			Candidates: []string{"v1.33.0", "v1.36.10"}, Direction: "fix", Boundary: &record.BisectBoundary{Before: "v1.33.0", After: "v1.36.10"},
			Probes: []record.BisectProbe{{Version: "v1.33.0", Outcome: "crash", Verdict: "bad", Runs: 3, BadRuns: 1, Built: true,
				CellID: run.Cells[2].ID, Signature: "fatal error: x"}},
			Builds: 1, Conclusion: "fix: first good v1.36.10 (last bad v1.33.0)",
		},
	}
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, run, nil))
	out := buf.String()
	for _, want := range []string{
		"<h2>Bisection over <code>protobuf</code></h2>",
		"<p><b>fix: first good v1.36.10 (last bad v1.33.0)</b></p>",
		`<td><a href="#cell-go1.25.3_v1.33.0_nocover_repro_amd64">v1.33.0</a></td>`,
		"<tr><th>Shard</th><td>2/4: 3 of 12 cells</td></tr>",
		"<tr><th>Merged from</th><td>r1 (shard1, linux/arm64, 3 cells)</td></tr>",
		"<tr><th>Emulation</th><td>1 cell under rosetta</td></tr>",
		`<p><b>Known issue:</b> <a href="https://github.com/golang/go/issues/69255">golang/go#69255</a> — cause (go1.25.3 &lt; go1.25.5); workaround: use go1.25.5</p>`,
		`<p class="warning">toolchain is go1.25.3, expected go1.25.4</p>`,
		"<dt>Protobuf note</dt><dd>asked v1.33.0 but MVS selected v1.36.10 (required by k8s.io/apimachinery v0.31.0)</dd>",
		"<dt>Cached</dt><dd>the result of an identical earlier cell was reused</dd>",
	} {
		assert.Contains(t, out, want)
	}
}

// TestHTMLFailTells: a failed cell's details show the last lines it
// printed and the hint, escaped.
func TestHTMLFailTells(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, runfixture.SampleRun(), nil))
	html := buf.String()
	assert.Contains(t, html, "<p><b>The last lines it printed:</b></p>\n<pre>flag provided but not defined: -x\nUsage of app:\n  -v\tverbose | ```\n</pre>")
	assert.Contains(t, html, `<p><b>Hint:</b> the target has no pass rule, so only exit status 0 passes: if exit status 2 is how it ends here, give the target &#34;pass&#34;: {&#34;exitCodes&#34;: [0, 2]}</p>`)
}
