package gosource_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/crashfixture"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/record"
)

// TestGoCommitJourney walks the user's path from "this Go release
// crashes" to the Go commit that broke it, on a real history of Go (a git
// repository of a copy of the local GOROOT, see crashfixture.GoHistory)
// with real make.bash builds and the real taggedPointerPack crash: gorepro
// bisect --axis go-commit names the bug commit as the regression, with
// its subject, author, date and review link, within ⌈log2 n⌉+2 probes
// (re-confirmations aside), confirms the boundary with full builds, and a
// second run builds no toolchain. Over the later range, from the bug
// commit to the next release, it names the fix commit as the fix, within
// as many probes, with one make.bash (the fix's own): the full build of
// the last bad commit that confirms the boundary is the first bisection's,
// from the cache. In between, gorepro explain follows a nightly matrix's
// gosource toolchain from the release to the bug into the commits between
// them (explainGoCommit).
func TestGoCommitJourney(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("the taggedPointerPack crash of 47 address bits needs an amd64 host; this one is %s", runtime.GOARCH)
	}
	dir := t.TempDir()
	start := time.Now()
	h, err := crashfixture.MakeGoHistory(crashfixture.LocalGOROOT(t), filepath.Join(dir, "go"))
	require.NoError(t, err)
	t.Logf("Go history made in %s", time.Since(start).Round(time.Second))
	repoState := func() string {
		var state string
		for _, args := range [][]string{{"status", "--porcelain"}, {"for-each-ref"}, {"worktree", "list", "--porcelain"}, {"rev-parse", "HEAD"}} {
			out, err := gitrepo.Git(context.Background(), h.Dir, args...)
			require.NoError(t, err)
			state += out + "\n"
		}
		return state
	}
	before := repoState()
	config := filepath.Join(dir, "toolchains.json")
	require.NoError(t, os.WriteFile(config, []byte(`{
  "toolchains": [{"name": "local", "kind": "local"}],
  "protobuf": ["v1.36.10"],
  "targets": [{"name": "repro", "kind": "repro"}]
}`), 0o644))
	cache := filepath.Join(dir, "cache") // shared by both runs: the second builds nothing
	gorepro := goreproWith(t, cache)
	bisect := func(from, to string, args ...string) (*record.Bisect, string) {
		argv := append([]string{"bisect", "--axis", "go-commit", "--go-repo", h.Dir, "--from", from, "--to", to,
			"--config", config, "--target", "repro", "--arch", "amd64", "--out", filepath.Join(dir, "results")}, args...)
		code, stdout := gorepro(argv...)
		require.Equal(t, 0, code, "stdout:\n%s", stdout)
		if len(args) > 0 && args[0] == "--json" {
			var b record.Bisect
			require.NoError(t, json.Unmarshal([]byte(stdout), &b))
			return &b, ""
		}
		return nil, stdout
	}

	b, _ := bisect(h.Release, h.Doc2, "--json")
	bug, doc := gitrepo.Short(h.Bug), gitrepo.Short(h.Doc)
	checkAnswer(t, b, record.DirectionRegression, doc, bug, 6)
	assert.Contains(t, b.Conclusion, `"runtime: pack tagged pointers with 47 address bits on amd64" by Gopher <gopher@example.com>, 2026-11-03`)
	assert.Contains(t, b.Conclusion, "Reviewed-on: "+h.BugReview)
	for _, p := range b.Probes {
		if p.Version == bug && !p.Confirmation {
			assert.Contains(t, p.Toolchain, "fast", "only the runtime differs from the release: a fast build")
		}
		if p.Version == bug {
			assert.Equal(t, "crash", string(p.Outcome))
			assert.Contains(t, p.Signature, "taggedPointerPack")
		}
	}
	// The release's sources are the installed Go's; the commit after the
	// go command's change and the confirmation of the bug need make.bash.
	assert.Equal(t, 2, b.GoBuilds.Full, b.Conclusion)
	assert.GreaterOrEqual(t, b.GoBuilds.Fast, 1, b.Conclusion)

	// A nightly matrix of a gosource toolchain that moved from the release
	// to the bug: explain names the bug's commit, from the toolchains the
	// bisection built.
	explainGoCommit(t, h, filepath.Join(dir, "explain"), gorepro)

	// The later range: from the bug to the next release, the fix.
	f, _ := bisect(h.Bug, h.Next, "--json")
	fix, doc2 := gitrepo.Short(h.Fix), gitrepo.Short(h.Doc2)
	checkAnswer(t, f, record.DirectionFix, doc2, fix, 5)
	assert.Contains(t, f.Conclusion, "first good commit: "+fix+` "runtime: pack tagged pointers with 48+1 address bits again" by Gopher <gopher@example.com>, 2026-11-07`)
	for _, p := range f.Probes {
		if p.Version == fix {
			assert.Equal(t, "pass", string(p.Outcome))
		}
		if p.Version == doc2 && p.Confirmation {
			assert.Contains(t, p.Toolchain, "make.bash failed (remembered)", "the first bisection's full build of the same sources, from the cache")
		}
	}
	// The fix's make.bash is the only one: the other commits are fast
	// builds on its tools, and the full build of the last bad commit
	// (the sources of the first range's end) comes from the cache.
	assert.Equal(t, 1, f.GoBuilds.Full, f.Conclusion)

	// A second run finds every toolchain in the cache.
	_, text := bisect(h.Release, h.Doc2)
	assert.Contains(t, text, "regression: first bad "+bug)
	assert.Contains(t, text, "first bad commit: "+bug)
	assert.Contains(t, text, "Reviewed-on: "+h.BugReview)
	assert.Contains(t, text, "Go toolchains built: 0 full, 0 fast")
	assert.Equal(t, before, repoState(), "the Go repository is only read")
}

// checkAnswer checks the answer of a go-commit bisection b over n
// candidates: its direction, its boundary (last before, first after),
// re-confirmed with full builds, within ⌈log2 n⌉+2 search probes, each
// saying how its toolchain was made, and never redone.
func checkAnswer(t *testing.T, b *record.Bisect, direction, before, after string, n int) {
	t.Helper()
	assert.Equal(t, direction, b.Direction)
	require.NotNil(t, b.Boundary, b.Conclusion)
	assert.Equal(t, after, b.Boundary.After, b.Conclusion)
	assert.Equal(t, before, b.Boundary.Before, b.Conclusion)
	assert.Len(t, b.Candidates, n)
	searchProbes := 0
	for _, p := range b.Probes {
		t.Logf("%s probe %s (confirmation %v): %s %s; toolchain %s", direction, p.Version, p.Confirmation, p.Verdict, p.Outcome, p.Toolchain)
		assert.NotEmpty(t, p.Toolchain, "probe %s says how its toolchain was made", p.Version)
		if p.Confirmation {
			assert.Contains(t, p.Toolchain, "full", "the boundary is confirmed with full builds: %s", p.Version)
		} else {
			searchProbes++
		}
	}
	assert.LessOrEqual(t, searchProbes, int(math.Ceil(math.Log2(float64(n))))+2)
	require.NotNil(t, b.GoBuilds)
	assert.False(t, b.GoBuilds.Redone)
}
