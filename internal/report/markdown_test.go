package report

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// recordedToken is the fake GitHub token the recorded run's controller
// prints.
const recordedToken = "ghp_0123456789abcdefghijABCDEFGHIJ0123"

func renderMarkdown(t *testing.T, run *record.Run, files fs.FS) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, WriteMarkdown(&buf, run, files))
	return buf.String()
}

func TestMarkdownBugReportGolden(t *testing.T) {
	run, dir := runfixture.Recorded(t, "recorded")
	doc := renderMarkdown(t, run, os.DirFS(dir))
	runfixture.CheckGolden(t, "bugreport.md.golden", []byte(doc))
	checkGitHubMarkdown(t, doc, recordedToken)

	// The template's questions, in its order.
	var at []int
	for _, heading := range []string{
		"## What version of Go are you using (`go version`)?",
		"## What operating system and processor architecture are you using (`go env`)?",
		"## What did you do?",
		"## What did you see happen?",
		"## What did you expect to see?",
	} {
		i := strings.Index(doc, "\n"+heading+"\n")
		require.GreaterOrEqual(t, i, 0, heading)
		at = append(at, i)
	}
	assert.IsIncreasing(t, at)

	// The facts a Go bug report needs, from the recorded run.
	for _, want := range []string{
		"- **gorepro:** (devel)",
		"- **Host:** linux/amd64 (vm), kernel `6.18.44-fc-v782`, 2 CPUs",
		"- **Container engine:** podman 4.3.1, engine host amd64",
		"- **Emulation:** no — none of the 30 cells that ran used an emulator",
		"go1.27.3 (gotoolchain)  go version go1.27.3 linux/amd64",
		"digest `sha256:43417f0f7d7ebccd3c11f7e388149635913d5934eb7492858187dbbbea1f45c3`",
		"runtime image `localhost/gorepro-test/runtime:latest` (digest `sha256:eabf0f078c994989f44082ed8f7ba7963f96c32e4c0682de7c8c9fe6e31cfab0`",
		"GOAMD64=v1\nCGO_ENABLED=1\nGOFLAGS=-buildvcs=false\nGOEXPERIMENT=\nGOTOOLCHAIN=go1.27.3\n",
		"# gorepro's builds set per cell: GOARCH=amd64 CGO_ENABLED=0 GOFLAGS= GOTOOLCHAIN=local",
		"| local (go1.26.8) | 💥 1/3 B | 💥 A | ✅ | 💥 A |",
		"| go1.27.3 | ⏱ | 💥 A | ⏱ | 💥 A |",
		"#### A: ``panic: reconcile: bad | column in /apis/v1|pods `x` in main.reconcile``",
		"#### B: `panic: assignment to entry in nil map in main.reconcile`",
		"- **Runs:** crashed in 2 of 6; flaky in 2 cells",
		// A real stack, from the crash line through the crashing goroutine.
		"```\npanic: reconcile: bad | column in /apis/v1|pods `x`\n\ngoroutine 1 [running]:\nmain.reconcile(",
		"main.go:39 +0x119\n```\n",
		"cmd/webhook/main.go:13:13: undefined: proto.CloneOf\n```",
		"<summary>Commands that reproduce the crash: cell <code>local_v1.36.10_cover_controller_amd64</code></summary>",
		"<summary>Commands of a passing cell: <code>local_v1.36.10_nocover_controller_amd64</code>, which differs only in cover (off)</summary>",
		"env GITHUB_TOKEN=REDACTED GOCOVERDIR=",
		"`main.go`:\n\n```go\n// Command repro is gorepro's generated minimal reproducer",
		"`go.mod`:\n\n```\nmodule gorepro.local/repro\n",
		"### Which axes matter",
	} {
		assert.Contains(t, doc, want)
	}
	assert.NotContains(t, doc, "Trimmed", "the recorded run fits untrimmed")
	t.Logf("the recorded run's report: %d characters", utf8.RuneCountInString(doc))
}

func TestMarkdownWithoutRunDirectory(t *testing.T) {
	run, _ := runfixture.Recorded(t, "recorded")
	doc := renderMarkdown(t, run, nil)
	checkGitHubMarkdown(t, doc, recordedToken)
	assert.NotContains(t, doc, "goroutine 1 [running]", "no logs, no stacks")
	assert.NotContains(t, doc, "The reproducer's source")
	assert.Contains(t, doc, "#### A: ")
	assert.Contains(t, doc, "Commands that reproduce the crash")
}

// hostile is text with everything that can break Markdown, HTML or a GFM
// table, and secrets.
const hostile = "a|b \\| `c` ``d`` <script>alert(1)</script> *e* _f_ ~~g~~ [h](javascript:x) &amp; </details>"

// secrets are what a hostile run hides in its logs, scripts, env and
// reasons; none may reach a report.
var secrets = []string{
	"ghp_" + "AAAAbbbbCCCCddddEEEEffff0000",
	"hunter2secret",
	"s3cr3tpass",
	"glpat-" + "abcdefghij0123456789",
	"xyzzyprivate",
}

// hostileRun is a run whose names, signatures, paths, reasons, scripts and
// logs hold hostile text and secrets.
func hostileRun() (*record.Run, fstest.MapFS) {
	tok, pass := secrets[0], secrets[1]
	files := fstest.MapFS{}
	log := strings.Join([]string{
		"$ ./app",
		"GITHUB_TOKEN=" + tok + " DB_PASSWORD=" + pass,
		"\x1b[31mred\x1b[0m \x00 \xff",
		"panic: " + hostile + " token " + tok,
		"",
		"goroutine 1 [running]:",
		"main.explode(...)",
		"\t/src/a|b/main.go:12 +0x1d",
		"```` fence ````` inside",
		"</details><script>alert(2)</script>",
		"fetching https://user:" + secrets[2] + "@proxy.example/mod",
		"",
		"goroutine 2 [sleep]:",
		"not part of the crash",
	}, "\n")
	files["cells/c|1/run-1.log"] = &fstest.MapFile{Data: []byte(log)}
	files["cells/c|3/build.log"] = &fstest.MapFile{Data: []byte("# x\nAuthorization: Bearer " + secrets[4] + "\n./main.go:3: " + hostile + "\n")}
	files["cells/c|4/sources/go.mod"] = &fstest.MapFile{Data: []byte("module x|y\n\n// token " + secrets[3] + "\n")}
	files["cells/c|4/sources/main.go.txt"] = &fstest.MapFile{Data: []byte("package main\n\n// ``` " + hostile + "\nfunc main() {}\n")}

	name := "tc|`1`<script>*x*_y_"
	script := "cd '/src/a|b' && env GITHUB_TOKEN=" + tok + " GOPROXY=https://u:" + secrets[2] + "@p.example go build ``` .\n./app"
	base := record.Cell{Toolchain: name, ToolchainKind: "image|k", GoVersion: "go1.26.8", Protobuf: "v1.36.10|x", ProtobufLinked: "v1.36.10|x",
		Target: "t|<b>", TargetKind: "repro", BinaryArch: "arm64", HostArch: "amd64", GOOS: "linux", Runs: 1,
		Emulated: true, Emulator: "qemu|user",
		Container: &record.Container{Engine: "podman|x", EngineVersion: "5 <b>", EngineHostArch: "amd64", Image: "img|`x`", ImageDigest: "sha256:" + hostile}}
	crash := base
	crash.ID, crash.Outcome, crash.Signature = "c|1", record.Crash, "panic: "+hostile+" in main.explode"
	crash.Frames = []string{"main.explode|x", "main.`main`"}
	crash.Reason = "exit status 2 DB_PASSWORD=" + pass
	crash.KnownIssues = []record.KnownIssueMatch{
		{ID: "golang/go#1|<x>", URL: "javascript:alert(1)", Verdict: "similar|x", Why: []string{hostile}, Workaround: "DB_PASSWORD=" + pass},
		{ID: "golang/go#2", URL: "https://github.com/golang/go/issues/2", Verdict: "cause"},
	}
	crash.RunResults = []record.RunResult{{Index: 1, Outcome: record.Crash, Signature: crash.Signature, Log: "cells/c|1/run-1.log"}}
	crash.Logs = record.Logs{Runs: []string{"cells/c|1/run-1.log"}}
	crash.Reproduce = record.Reproduce{Script: script, Env: []string{"GOARCH=arm64", "GOFLAGS=-tags=a|b", "GITHUB_TOKEN=" + tok}}
	pass1 := base
	pass1.ID, pass1.Outcome, pass1.Cover = "c|2", record.Pass, true
	pass1.Reproduce = record.Reproduce{Script: script + " -cover"}
	buildErr := base
	buildErr.ID, buildErr.Outcome, buildErr.Runs, buildErr.Protobuf = "c|3", record.BuildError, 0, "v1.33.0"
	buildErr.Reason = hostile + " https://user:" + secrets[2] + "@h.example"
	buildErr.Logs = record.Logs{Build: "cells/c|3/build.log"}
	repro := base
	repro.ID, repro.Outcome, repro.Target = "c|4", record.Timeout, "repro"
	repro.Reason = "timed out " + hostile
	repro.Reproduce = record.Reproduce{Sources: "cells/c|4/sources", Script: "GOFLAGS=x ./repro"}
	fail := base
	fail.ID, fail.Outcome, fail.Target, fail.Reason = "c|5", record.Fail, "x|y", "exit status 3: DB_PASSWORD="+pass+" "+hostile
	unavailable := base
	unavailable.ID, unavailable.Outcome, unavailable.Runs, unavailable.Toolchain = "c|6", record.Unavailable, 0, "other|tc"
	unavailable.Reason = "image not known " + hostile
	probe := pass1
	probe.ID, probe.Target = "c|7", "probe|"
	probe.EnvProbe = &record.EnvFacts{GOOS: "linux", GOARCH: "arm64", UnameMachine: hostile, CPUModel: "cpu|x", BinfmtMounted: true, Binfmt: []string{"qemu|aarch64 enabled"}}

	started := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	run := &record.Run{
		SchemaVersion: record.SchemaVersion, ID: "run|`1`", GoreproVersion: "v0|<b>", Started: started, Finished: started.Add(time.Minute),
		Config: "/cfg/a|b.json", Host: record.Host{GOOS: "linux", GOARCH: "amd64", Hostname: "h|<i>", Kernel: "6.1|`k`", NumCPU: 4},
		Cells: []record.Cell{crash, pass1, buildErr, repro, fail, unavailable, probe},
		Toolchains: []record.Toolchain{
			{Name: name, Kind: "image|k", GoVersion: "go1.26.8", Experiments: "a|b", Available: true, Warning: "expected " + hostile,
				GoEnv:     map[string]string{"GOARCH": "arm64", "GOARM64": "v8.0", "CGO_ENABLED": "0", "GOFLAGS": "-x=|`y`", "GOEXPERIMENT": "", "GOTOOLCHAIN": "local", "GOPRIVATE_TOKEN": secrets[3]},
				Container: &record.Container{Engine: "podman|x", EngineVersion: "5 <b>", EngineHostArch: "arm64", Image: "img|`x`", ImageDigest: "sha256:" + hostile, ImageID: "0123456789abcdef", RuntimeImage: "rt|<i>", RuntimeImageDigest: "sha256:|"}},
			{Name: "other|tc", Kind: "local", Available: false, Reason: "not found: DB_PASSWORD=" + pass + " " + hostile},
		},
		Runners: []record.Runner{
			{RunID: "r|1", Source: "/shards/a|b`c`", Host: record.Host{GOOS: "linux", GOARCH: "arm64", Hostname: "arm|<b>", Kernel: "k|1", NumCPU: 2}, Cells: 4,
				Shard: &record.Shard{Index: 1, Count: 2}, Started: started},
			{RunID: "r2", Source: "https://u:" + secrets[2] + "@ci.example/x", Host: record.Host{GOOS: "linux", GOARCH: "amd64"}, Cells: 3},
		},
		Analysis: &record.Analysis{Targets: []record.TargetAnalysis{{Target: "t|" + hostile, Failing: "crash iff " + hostile, Summary: "crash iff " + hostile,
			Alternatives: []record.Alternative{{Failing: "crash iff " + hostile, Separating: hostile}}, Builds: []record.BuildDifference{{Bad: hostile, Differences: []string{hostile}}}}},
			Summary: "t: crash iff " + hostile},
		Bisect: &record.Bisect{Axis: "protobuf|x", Fixed: map[string]string{"t|": "v|"}, BadIf: hostile,
			BisectSearch: record.BisectSearch{Candidates: []string{"v1|", "v2"}, Conclusion: "fix " + hostile,
				Probes: []record.BisectProbe{{Version: "v1|", Outcome: "crash", Verdict: "bad", Signature: hostile, Runs: 1, BadRuns: 1},
					{Version: "v2", Outcome: "fail", Verdict: "skip", Reason: "DB_PASSWORD=" + pass}}},
			Reproduce: map[string]string{"before": script, "after": "GITHUB_TOKEN=" + tok + " ./x"}},
	}
	return run, files
}

func TestMarkdownHostileRunIsValidGitHubMarkdown(t *testing.T) {
	run, files := hostileRun()
	doc := renderMarkdown(t, run, files)
	html := checkGitHubMarkdown(t, doc, secrets...)

	// What was hostile arrives whole, as text: table cells were not split
	// at its "|", code spans hold their backticks.
	assert.Contains(t, html, "<td>tc|`1`&lt;script&gt;*x*_y_</td>", "toolchain name in the all-cells table")
	assert.Contains(t, html, "<td>panic: a|b \\| `c` ``d`` &lt;script&gt;alert(1)&lt;/script&gt; *e* _f_ ~~g~~ [h](javascript:x) &amp;amp; &lt;/details&gt; in main.explode</td>")
	assert.Contains(t, html, "<td><code>/shards/a|b`c`</code></td>", "a path with | and backticks as inline code in a table")
	assert.Contains(t, html, "<code>panic: a|b \\| `c` ``d`` &lt;script&gt;alert(1)&lt;/script&gt; *e* _f_ ~~g~~ [h](javascript:x) &amp;amp; &lt;/details&gt; in main.explode</code>")
	assert.Contains(t, html, "<summary>The stack of one crash: <code>cells/c|1/run-1.log</code></summary>")
	// The stack excerpt: from the panic through the first goroutine, with
	// terminal escapes neutralised; not the next goroutine.
	assert.Contains(t, html, "panic: a|b \\| `c` ``d`` &lt;script&gt;alert(1)&lt;/script&gt; *e* _f_ ~~g~~ [h](javascript:x) &amp;amp; &lt;/details&gt; token REDACTED\n\ngoroutine 1 [running]:\nmain.explode(...)\n\t/src/a|b/main.go:12 +0x1d\n```` fence ````` inside\n&lt;/details&gt;&lt;script&gt;alert(2)&lt;/script&gt;\nfetching https://REDACTED@proxy.example/mod\n</code></pre>")
	assert.NotContains(t, html, "not part of the crash")
	assert.Contains(t, doc, "- **Emulation:** **yes** — in 5 of the 5 cells that ran, the binary ran under emulation: arm64/amd64 under qemu\\|user (5 cells)")
	assert.Contains(t, doc, "- **Known issue:** golang/go#1\\|\\<x> — similar\\|x (a\\|b", "no link for a javascript: URL")
	assert.NotContains(t, html, `href="javascript`)
	assert.Contains(t, html, `<a href="https://github.com/golang/go/issues/2">golang/go#2</a>`)
	assert.Contains(t, doc, "- **Runners:** merged from 2 runs:")
	assert.Contains(t, doc, "### Bisection over protobuf\\|x")
	assert.Contains(t, doc, "### Environment inside the cells")
}

// checkGitHubMarkdown renders doc with goldmark's GitHub-flavoured
// Markdown and checks what GitHub needs: under the comment limit, every
// table row with as many cells as its header (also by GFM's own rule on
// the source: a "|" not preceded by a backslash splits cells), no raw HTML
// but balanced <details>/<summary> blocks, and none of secrets. It returns
// the HTML.
func checkGitHubMarkdown(t *testing.T, doc string, secrets ...string) string {
	t.Helper()
	assert.LessOrEqual(t, utf8.RuneCountInString(doc), maxMarkdownRunes, "characters")
	assert.True(t, utf8.ValidString(doc))
	for _, secret := range secrets {
		assert.NotContains(t, doc, secret)
	}
	for i, line := range strings.Split(doc, "\n") {
		assert.Equal(t, strings.TrimRight(line, " \t"), line, "trailing space on line %d", i+1)
	}

	md := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	source := []byte(doc)
	root := md.Parser().Parse(text.NewReader(source))
	detailsLine := regexp.MustCompile(`^(<details><summary>([^<>]|<code>|</code>)*</summary>|</details>)$`)
	tables := 0
	require.NoError(t, ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *east.Table:
			tables++
			header := n.FirstChild()
			require.IsType(t, &east.TableHeader{}, header)
			want := header.ChildCount()
			for row := header.NextSibling(); row != nil; row = row.NextSibling() {
				assert.Equal(t, want, row.ChildCount(), "cells of a table row")
			}
		case *ast.HTMLBlock:
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				line := strings.TrimRight(string(seg.Value(source)), "\n")
				assert.Regexp(t, detailsLine, line, "raw HTML block")
			}
			if n.HasClosure() {
				closure := n.ClosureLine
				assert.Regexp(t, detailsLine, strings.TrimRight(string(closure.Value(source)), "\n"))
			}
		case *ast.RawHTML:
			assert.Fail(t, "raw inline HTML", "%q", string(n.Segments.Value(source)))
		}
		return ast.WalkContinue, nil
	}))
	checkTableSource(t, doc)

	var out bytes.Buffer
	require.NoError(t, md.Renderer().Render(&out, source, root))
	rendered := out.String()
	depth := 0
	for _, tag := range regexp.MustCompile(`</?details>`).FindAllString(rendered, -1) {
		if tag == "<details>" {
			depth++
		} else {
			depth--
		}
		require.GreaterOrEqual(t, depth, 0, "</details> without <details>")
	}
	assert.Zero(t, depth, "unclosed <details>")
	assert.Equal(t, strings.Count(rendered, "<details>"), strings.Count(rendered, "<summary>"))
	assert.NotRegexp(t, `(?i)<script|<b>|<i>|href="javascript`, rendered)
	for _, secret := range secrets {
		assert.NotContains(t, rendered, secret)
	}
	if strings.Contains(doc, "\n| ") {
		assert.Positive(t, tables, "tables parsed")
	}
	return rendered
}

// checkTableSource checks every table of doc outside code blocks by GFM's
// rule: each row has as many unescaped "|" as its header.
func checkTableSource(t *testing.T, doc string) {
	t.Helper()
	fence := ""
	header := -1
	for i, line := range strings.Split(doc, "\n") {
		if fence != "" {
			if strings.TrimSpace(line) != "" && strings.Trim(line, "`") == "" && len(line) >= len(fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(line, "```") {
			fence = line[:len(line)-len(strings.TrimLeft(line, "`"))]
			continue
		}
		if !strings.HasPrefix(line, "|") {
			header = -1
			continue
		}
		pipes := 0
		for j := 0; j < len(line); j++ {
			if line[j] == '|' && (j == 0 || line[j-1] != '\\') {
				pipes++
			}
		}
		if header < 0 {
			header = pipes
			continue
		}
		assert.Equal(t, header, pipes, "cell separators on line %d: %s", i+1, line)
	}
}

// hugeRun is a run of hundreds of cells with many distinct crash signatures
// and megabyte logs.
func hugeRun(t *testing.T) (*record.Run, fs.FS) {
	t.Helper()
	files := fstest.MapFS{}
	var filler strings.Builder
	for filler.Len() < 1<<20 {
		fmt.Fprintf(&filler, "log line %d of a chatty program GITHUB_TOKEN=%s\n", filler.Len(), secrets[0])
	}
	// Every crash log is the same megabyte of output and then a deep
	// stack; every build log the same megabyte and then an error.
	var stack strings.Builder
	stack.WriteString(filler.String())
	stack.WriteString("panic: failure\n\ngoroutine 1 [running]:\n")
	for f := 0; f < 60; f++ {
		fmt.Fprintf(&stack, "main.frame%d(0x%x)\n\t/src/%s/main.go:%d +0x%x\n", f, f, strings.Repeat("deep/", 20), f, f)
	}
	crashLog := []byte(stack.String())
	buildLog := []byte(filler.String() + "cmd/x/main.go:1:2: undefined: proto.Thing\n")
	var cells []record.Cell
	toolchains := []string{"local", "go1.27.3", "go1.25.3", "builder-1.26", "builder-1.25", "ubi9-go-1.24"}
	protobufs := []string{"v1.33.0", "v1.34.2", "v1.35.0", "v1.36.10"}
	for _, target := range []string{"controller", "webhook", "scheduler", "repro"} {
		for ti, tc := range toolchains {
			for pi, pb := range protobufs {
				for _, cover := range []bool{false, true} {
					id := fmt.Sprintf("%s_%s_%v_%s_amd64", tc, pb, cover, target)
					c := record.Cell{ID: id, Toolchain: tc, ToolchainKind: "local", GoVersion: "go1.26.8", Protobuf: pb, ProtobufLinked: pb, Cover: cover,
						Target: target, TargetKind: "package", BinaryArch: "amd64", HostArch: "amd64", GOOS: "linux", Runs: 3,
						Reproduce: record.Reproduce{Script: "cd /src && go build ./cmd/" + target + " # " + strings.Repeat("long argument ", 40)}}
					switch n := len(cells); {
					case n%5 == 0:
						c.Outcome = record.Pass
					case n%7 == 0:
						c.Outcome, c.Runs = record.BuildError, 0
						c.Reason = fmt.Sprintf("cmd/%s/main.go:%d:2: undefined: proto.Thing%d", target, ti, pi)
						c.Logs.Build = "cells/" + id + "/build.log"
						files[c.Logs.Build] = &fstest.MapFile{Data: buildLog}
					case n%11 == 0:
						c.Outcome, c.Reason = record.Timeout, fmt.Sprintf("timed out; main goroutine in pkg%d.Wait", n%4)
					default:
						c.Outcome = record.Crash
						sig := fmt.Sprintf("panic: failure number %d in main.handler%d", n%97, n%97)
						c.Signature, c.Frames = sig, []string{fmt.Sprintf("main.handler%d", n%97), "main.main"}
						c.Crashes = 3
						log := "cells/" + id + "/run-1.log"
						c.RunResults = []record.RunResult{{Index: 1, Outcome: record.Crash, Signature: sig, Log: log}}
						c.Logs.Runs = []string{log}
						files[log] = &fstest.MapFile{Data: crashLog}
					}
					cells = append(cells, c)
				}
			}
		}
	}
	run := &record.Run{SchemaVersion: record.SchemaVersion, ID: "huge", GoreproVersion: "v1", Host: record.Host{GOOS: "linux", GOARCH: "amd64"}, Cells: cells}
	run.Analysis = compare.Analyze(run.Cells, nil)
	return run, files
}

func TestMarkdownHugeRunStaysUnderGitHubLimit(t *testing.T) {
	run, files := hugeRun(t)
	require.Greater(t, len(run.Cells), 150)
	start := time.Now()
	doc := renderMarkdown(t, run, files)
	t.Logf("%d cells, %d crash signatures: %d characters in %s", len(run.Cells), len(newMarkdownReport(run, nil).crashes),
		utf8.RuneCountInString(doc), time.Since(start).Round(time.Millisecond))
	assert.Less(t, utf8.RuneCountInString(doc), githubCommentLimit)
	checkGitHubMarkdown(t, doc, secrets[0])
	assert.Contains(t, doc, "> **Trimmed to fit GitHub's 65,536-character limit:** ")
	assert.Regexp(t, `stack excerpts shortened to \d+ lines`, doc)
	assert.Contains(t, doc, "full logs are in cells/\\<cell id>/run-N.log and build.log of the run directory")
	assert.Contains(t, doc, "goroutine 1 [running]:", "some stack is still quoted")
	assert.Contains(t, doc, "**Target `controller`** (package):", "the pivot tables stay")
}

func TestMarkdownLevelsTrimStepByStep(t *testing.T) {
	run, files := hugeRun(t)
	r := newMarkdownReport(run, files)
	levels := markdownLevels()
	assert.Equal(t, fullLimits(), levels[0])
	assert.Empty(t, r.trimNotes(levels[0]))
	assert.Equal(t, []string{"stack excerpts shortened to 25 lines", "build logs shortened to their last 12 lines",
		"full logs are in cells/<cell id>/run-N.log and build.log of the run directory"}, r.trimNotes(levels[1]))
	prev := utf8.RuneCountInString(r.document(levels[0]))
	for i, lim := range levels[1:] {
		size := utf8.RuneCountInString(r.document(lim))
		assert.LessOrEqual(t, size, prev, "level %d is no larger than the one before", i+1)
		prev = size
	}
	minimal := r.minimal()
	assert.Less(t, utf8.RuneCountInString(minimal), maxMarkdownRunes)
	checkGitHubMarkdown(t, minimal, secrets[0])
}

func TestStackExcerpt(t *testing.T) {
	long := strings.Repeat("x", 10000)
	files := fstest.MapFS{
		"fatal.log": {Data: []byte("starting\nruntime: not this one\nbetween\nruntime: taggedPointerPack invalid packing: ptr=0x7f7baf418e00 tag=0x1\nfatal error: taggedPointerPack\n\nruntime stack:\nruntime.throw({0x1, 0x2})\n\t/go/src/runtime/panic.go:1 +0x1\n\n" +
			"goroutine 1 gp=0xc0 m=0 mp=0x1 [running]:\nruntime.netpollopen(...)\n\t/go/x.go:1\n\ngoroutine 2 [idle]:\nother\n[gorepro: exit status 2 after 0.1s]\n")},
		"sigquit.log": {Data: []byte("waiting\nSIGQUIT: quit\nPC=0x1 m=0 sigcode=0\n\ngoroutine 0 gp=0x1 m=0 mp=0x2 [idle]:\nruntime.futex(...)\n\ngoroutine 1 [sleep]:\nmain.main()\n")},
		"nocrash.log": {Data: []byte("one\ntwo\nthree " + long + "\nfour\n[gorepro: killed]\n")},
		"cut.log":     {Data: []byte("panic: boom\n\ngoroutine 1 [running]:\n" + strings.Repeat("main.f()\n\t/x.go:1\n", 50))},
	}
	lr := newLogReader(files)

	ex, err := lr.stackExcerpt("fatal.log", 40)
	require.NoError(t, err)
	assert.True(t, ex.FromCrash)
	assert.False(t, ex.Cut)
	assert.Equal(t, []string{"runtime: taggedPointerPack invalid packing: ptr=0x7f7baf418e00 tag=0x1", "fatal error: taggedPointerPack", "", "runtime stack:", "runtime.throw({0x1, 0x2})", "\t/go/src/runtime/panic.go:1 +0x1", "",
		"goroutine 1 gp=0xc0 m=0 mp=0x1 [running]:", "runtime.netpollopen(...)", "\t/go/x.go:1"}, ex.Lines)

	ex, err = lr.stackExcerpt("sigquit.log", 40)
	require.NoError(t, err)
	assert.Equal(t, []string{"SIGQUIT: quit", "PC=0x1 m=0 sigcode=0", "", "goroutine 0 gp=0x1 m=0 mp=0x2 [idle]:", "runtime.futex(...)"}, ex.Lines)

	ex, err = lr.stackExcerpt("nocrash.log", 3)
	require.NoError(t, err)
	assert.False(t, ex.FromCrash)
	require.Len(t, ex.Lines, 3)
	assert.Equal(t, "two", ex.Lines[0])
	assert.Equal(t, maxExcerptLineRunes, utf8.RuneCountInString(ex.Lines[1]), "long lines are cut")
	assert.Equal(t, "four", ex.Lines[2])

	ex, err = lr.stackExcerpt("cut.log", 10)
	require.NoError(t, err)
	assert.Len(t, ex.Lines, 10)
	assert.True(t, ex.Cut)

	_, err = lr.stackExcerpt("missing.log", 10)
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestPickCommandCellsPrefersOneAxisApart(t *testing.T) {
	cell := func(id, tc, pb string, cover bool, o record.Outcome, flaky bool) record.Cell {
		return record.Cell{ID: id, Toolchain: tc, Protobuf: pb, Cover: cover, Target: "t", Outcome: o, Flaky: flaky, BinaryArch: "amd64", HostArch: "amd64",
			Reproduce: record.Reproduce{Script: "./" + id}}
	}
	run := &record.Run{Cells: []record.Cell{
		cell("timeout", "a", "v1", false, record.Timeout, false),
		cell("flaky", "a", "v1", true, record.Crash, true),
		cell("crash-far", "b", "v2", true, record.Crash, false),
		cell("crash", "a", "v2", true, record.Crash, false),
		cell("pass-far", "b", "v1", false, record.Pass, false),
		cell("pass", "a", "v2", false, record.Pass, false),
	}}
	r := newMarkdownReport(run, nil)
	assert.Equal(t, "crash", r.failing.ID)
	assert.Equal(t, "pass", r.passing.ID)
	assert.Equal(t, []string{"cover"}, r.differ)

	run.Cells = run.Cells[:3]
	r = newMarkdownReport(run, nil)
	assert.Equal(t, "crash-far", r.failing.ID, "a crash that failed every run first")
	assert.Nil(t, r.passing)
}

func TestMdTableCodeKeepsPipesInTheCell(t *testing.T) {
	assert.Equal(t, "`a\\|b`", mdTableCode("a|b"))
	assert.Equal(t, "`` `x`\\|y ``", mdTableCode("`x`|y"))
	assert.Equal(t, "a\\|b \\`c\\` \\<d> \\&e \\~f", mdText("a|b `c` <d> &e ~f"))
}

func TestSignatureLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		assert.Equal(t, want, signatureLetter(i), i)
	}
}

func TestMarkdownFallsBackToMinimalReport(t *testing.T) {
	// Thousands of targets: even the pivot tables alone are too big.
	var cells []record.Cell
	for i := range 3000 {
		cells = append(cells, record.Cell{ID: fmt.Sprintf("c%d", i), Toolchain: "local", Target: fmt.Sprintf("target-%d-%s", i, strings.Repeat("x", 20)),
			Protobuf: "v1.36.10", Outcome: record.Crash, Runs: 1, Signature: fmt.Sprintf("panic: %d|%s", i, strings.Repeat("y", 40))})
	}
	run := &record.Run{ID: "many", Host: record.Host{GOOS: "linux", GOARCH: "amd64"}, Cells: cells}
	doc := renderMarkdown(t, run, nil)
	checkGitHubMarkdown(t, doc)
	assert.Contains(t, doc, "only the summary, the toolchains and the crash signatures are listed")
	assert.True(t, strings.HasSuffix(doc, "… (the rest is left out to fit)\n"))
}

func TestRecordedLogTokenIsRedactedWhenQuoted(t *testing.T) {
	// The controller prints its environment's fake token before it
	// crashes: quoting the log's end shows that line, redacted.
	_, dir := runfixture.Recorded(t, "recorded")
	lr := newLogReader(os.DirFS(dir))
	tail, err := lr.logTail("cells/local_v1.33.0_cover_controller_amd64/run-1.log", 20)
	require.NoError(t, err)
	assert.Contains(t, tail, "starting controller (GITHUB_TOKEN=REDACTED") // the value runs to the next space
	raw, err := os.ReadFile(filepath.Join(dir, "cells/local_v1.33.0_cover_controller_amd64/run-1.log"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), recordedToken, "the recorded log really holds the token")
}
