package gosource_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/cli"
	"github.com/gorepro/gorepro/internal/crashfixture"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
)

// explainGoCommit is the explain part of the journey (run by
// TestGoCommitJourney after its first bisection, whose toolchains it
// takes from the shared cache, so that it runs no make.bash): a nightly
// matrix whose toolchain is kind gosource moves from the release's commit
// (BASE: passes; the installed Go counts as its build) to the bug's (NEW:
// a fast build, crashes with taggedPointerPack). gorepro explain --go-repo
// names the bug's commit as the regression (hash, subject, Reviewed-on
// link), with ⌈log2 n⌉+2 search probes at most besides the two
// confirmations, and says how many toolchains it built.
func explainGoCommit(t *testing.T, h *crashfixture.GoHistory, dir string, gorepro func(argv ...string) (int, string)) {
	require.NoError(t, os.MkdirAll(dir, 0o755))
	night := func(name, rev string) string {
		cfg, err := json.Marshal(map[string]any{
			"toolchains": []map[string]any{{"name": "tip", "kind": "gosource", "repo": h.Dir, "rev": rev, "fast": true}},
			"protobuf":   []string{"v1.36.10"},
			"arch":       []string{"amd64"},
			"targets":    []map[string]any{{"name": "repro", "kind": "repro"}},
		})
		require.NoError(t, err)
		config := filepath.Join(dir, name+".json")
		require.NoError(t, os.WriteFile(config, cfg, 0o644))
		out := filepath.Join(dir, name)
		code, stdout := gorepro("matrix", "--config", config, "--out", out, "--fail-on", "none")
		require.Equal(t, 0, code, stdout)
		return out
	}
	base, next := night("night1", h.Release), night("night2", h.Bug)
	var run record.Run
	data, err := os.ReadFile(filepath.Join(next, "latest", "results.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &run))
	require.Len(t, run.Cells, 1)
	require.Equal(t, record.Crash, run.Cells[0].Outcome, "NEW's toolchain, the bug's commit, crashes")
	require.NotNil(t, run.Cells[0].GoSource)
	assert.Equal(t, "fast", run.Cells[0].GoSource.Mode)

	code, stdout := gorepro("explain", filepath.Join(base, "latest"), filepath.Join(next, "latest"), "--go-repo", h.Dir,
		"--out", filepath.Join(dir, "explained"), "--format", "json")
	require.Equal(t, 0, code, stdout)
	var x record.Explain
	require.NoError(t, json.Unmarshal([]byte(stdout), &x))
	t.Logf("the explanation:\n%s", report.ExplainText(&x))
	require.Len(t, x.Explanations, 1, stdout)
	got := x.Explanations[0]
	bug := gitrepo.Short(h.Bug)
	release, err := gitrepo.Git(context.Background(), h.Dir, "rev-parse", h.Release)
	require.NoError(t, err)
	from := gitrepo.Short(strings.TrimSpace(release)) + " (" + h.Release + ")"
	assert.Equal(t, record.DirectionRegression, got.Direction)
	assert.Equal(t, record.CauseGoCommit, got.Kind, got.Reason)
	assert.True(t, got.Explained)
	assert.Contains(t, got.Culprit, "Go commit "+bug+` "runtime: pack tagged pointers with 47 address bits on amd64" by Gopher <gopher@example.com>, 2026-11-03, Reviewed-on: `+h.BugReview)
	assert.Contains(t, got.Culprit, "(first bad commit of "+from+".."+bug+" in "+h.Dir+"; the commit before it, "+gitrepo.Short(h.Doc)+", is not)")
	require.NotNil(t, got.Commit)
	assert.Equal(t, h.Bug, got.Commit.Commit)
	assert.Equal(t, h.Doc, got.Before)
	var search *record.ExplainStep
	for i, s := range got.Steps {
		t.Logf("step %s: %s (%d built, probes %v)", s.What, s.Conclusion, s.Builds, s.Probes)
		if strings.HasPrefix(s.What, "bisect Go commits ") {
			search = &got.Steps[i]
		}
	}
	require.NotNil(t, search, "a step searched the Go commits")
	assert.Equal(t, "bisect Go commits "+from+".."+bug+" (3)", search.What)
	assert.Contains(t, search.Conclusion, "regression: first bad "+bug)
	// The journey's first bisection built these toolchains already.
	assert.Contains(t, search.Conclusion, "; Go toolchains built: 0 full, 0 fast")
	assert.LessOrEqual(t, len(search.Probes), int(math.Ceil(math.Log2(3)))+2+2, "search probes and the two confirmations")
	var sides []string
	for _, ev := range got.Evidence {
		t.Logf("evidence %s %s: %s %s", ev.Side, ev.Input, ev.Outcome, ev.Signature)
		if ev.Input == bug || ev.Input == gitrepo.Short(h.Doc) {
			sides = append(sides, ev.Side+" "+ev.Input+" "+string(ev.Outcome)+" "+ev.Signature)
		}
	}
	// The bug's full build crashes building itself: judged a crash.
	assert.Equal(t, []string{"before " + gitrepo.Short(h.Doc) + " pass ", "after " + bug + " crash fatal error: taggedPointerPack in runtime.netpollopen"}, sides)
}

// goreproWith returns a function that runs gorepro's command line with
// GOREPRO_CACHE set to cache and returns its exit status and stdout; its
// stderr (progress) is logged, and shown as it comes with -v.
func goreproWith(t *testing.T, cache string) func(argv ...string) (int, string) {
	return func(argv ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		var progress io.Writer = &stderr
		if testing.Verbose() {
			progress = io.MultiWriter(&stderr, os.Stderr)
		}
		deps := cli.Deps{Stdout: &stdout, Stderr: progress, Version: "test", Getenv: func(k string) string {
			if k == "GOREPRO_CACHE" {
				return cache
			}
			return os.Getenv(k)
		}}
		start := time.Now()
		code := cli.Main(context.Background(), argv, deps)
		t.Logf("gorepro %s: %s\n%s", strings.Join(argv[:min(len(argv), 3)], " "), time.Since(start).Round(time.Second), stderr.String())
		return code, stdout.String()
	}
}
