package matrix

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/cellbuild"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/toolchain"
)

func TestBuildAfterWarm(t *testing.T) {
	plans := schedPlans([]string{"local"}, []string{"v1", "v2"}, []bool{false, true}, []string{"app"}, []string{"amd64"})
	// local/v1/off, local/v1/on, local/v2/off, local/v2/on
	after := buildAfter(plans, []bool{false, true, false, false})
	assert.Equal(t, []int{-1, -1, 0, 2}, after, "the warm cover cell waits for no one; the cold ones as before")
	assert.Equal(t, []int{-1, -1, -1, -1}, buildAfter(plans, []bool{true, true, true, true}))
}

// warmCache makes a go build cache directory as the go command leaves it
// (its entry directory 00 exists).
func warmCache(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "00"), 0o755))
	return dir
}

func TestWarmBuilds(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	w := warmBuilds{dir: filepath.Join(t.TempDir(), "warm"), now: func() time.Time { return now }}

	t.Run("recorded build is warm, only for its key and cache", func(t *testing.T) {
		gocache, other := warmCache(t), warmCache(t)
		assert.False(t, w.isWarm("k1", gocache), "nothing recorded yet")
		w.built("k1", gocache)
		assert.True(t, w.isWarm("k1", gocache))
		assert.False(t, w.isWarm("k2", gocache), "another key")
		assert.False(t, w.isWarm("k1", other), "another build cache")
	})
	t.Run("go clean -cache removes the token with the entries", func(t *testing.T) {
		gocache := warmCache(t)
		w.built("k1", gocache)
		require.True(t, w.isWarm("k1", gocache))
		require.NoError(t, os.RemoveAll(filepath.Join(gocache, "00")))
		assert.False(t, w.isWarm("k1", gocache))
		require.NoError(t, os.MkdirAll(filepath.Join(gocache, "00"), 0o755)) // the go command makes it again
		assert.False(t, w.isWarm("k1", gocache), "a new cache is cold though the path is the same")
		w.built("k2", gocache)
		assert.False(t, w.isWarm("k1", gocache), "the new cache's token is not the old one")
		assert.True(t, w.isWarm("k2", gocache))
	})
	t.Run("a removed and recreated GOCACHE is cold", func(t *testing.T) {
		gocache := warmCache(t)
		w.built("k1", gocache)
		require.NoError(t, os.RemoveAll(gocache))
		assert.False(t, w.isWarm("k1", gocache))
		require.NoError(t, os.MkdirAll(filepath.Join(gocache, "00"), 0o755))
		assert.False(t, w.isWarm("k1", gocache))
	})
	t.Run("records older than the go command's trimming are cold", func(t *testing.T) {
		gocache := warmCache(t)
		w.built("k1", gocache)
		old := warmBuilds{dir: w.dir, now: func() time.Time { return now.Add(warmFor + time.Hour) }}
		require.NoError(t, os.Chtimes(filepath.Join(w.dir, "k1"), now, now))
		assert.False(t, old.isWarm("k1", gocache))
		assert.True(t, w.isWarm("k1", gocache))
	})
	t.Run("a failed build forgets", func(t *testing.T) {
		gocache := warmCache(t)
		w.built("k1", gocache)
		w.forget("k1")
		assert.False(t, w.isWarm("k1", gocache))
	})
	t.Run("no cache, no record", func(t *testing.T) {
		none := warmBuilds{now: time.Now}
		gocache := warmCache(t)
		none.built("k1", gocache)
		assert.False(t, none.isWarm("k1", gocache))
		assert.False(t, w.isWarm("k1", ""))
	})
}

func TestBuildCacheOf(t *testing.T) {
	host := &toolchain.Resolved{BuildCache: "/home/u/.cache/go-build"}
	for _, tt := range []struct {
		name string
		p    plan
		want string
	}{
		{"host toolchain", plan{tc: host, target: config.Target{Kind: config.TargetRepro}}, "/home/u/.cache/go-build"},
		{"cache off", plan{tc: &toolchain.Resolved{BuildCache: "off"}}, ""},
		{"unknown", plan{tc: &toolchain.Resolved{}}, ""},
		{"image toolchain", plan{tc: &toolchain.Resolved{BuildCache: "/x", Container: &toolchain.Container{}}}, ""},
		{"dockerfile target", plan{tc: host, target: config.Target{Kind: config.TargetDockerfile}}, ""},
		{"target sets its own GOCACHE", plan{tc: host, target: config.Target{Kind: config.TargetPackage, BuildEnv: map[string]string{"GOCACHE": "/y"}}}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, buildCacheOf(tt.p)) })
	}
}

// TestWarmCellsDoNotWait runs a real matrix (the local toolchain, cover
// off and on, -j2) three times with --rebuild: the first run's cover cell
// waits for the build of its leader (cover off); the second run's does
// not, since both were built against this build cache; when the records
// name another build cache it waits again.
func TestWarmCellsDoNotWait(t *testing.T) {
	if testing.Short() {
		t.Skip("builds real binaries")
	}
	cfg := &config.Config{
		Toolchains:   []config.Toolchain{{Name: "local", Kind: config.KindLocal}},
		Protobuf:     []string{"v1.36.10"},
		Cover:        []bool{false, true},
		Arch:         []string{config.ArchNative},
		Targets:      []config.Target{{Name: "repro", Kind: config.TargetRepro}},
		Runs:         1,
		Timeout:      config.Duration(time.Minute),
		BuildTimeout: config.Duration(5 * time.Minute),
	}
	workDir, cacheDir := t.TempDir(), t.TempDir()
	var mu sync.Mutex
	var events []string
	// leaderHolds, when set, makes the leader's build wait (bounded) until
	// the cover cell's build has started: a run that orders them would
	// never start it.
	leaderHolds := false
	coverStarted := make(chan struct{})
	run := func() (*record.Run, *toolchain.Resolved) {
		t.Helper()
		events = nil
		var tc *toolchain.Resolved
		e := &Runner{
			Config: cfg, WorkDir: workDir, CacheDir: cacheDir, Jobs: 2, NoCache: true, Relink: true, Version: "v0.0.0-test",
			Build: func(ctx context.Context, s cellbuild.Spec) *cellbuild.Result {
				mu.Lock()
				tc = s.Toolchain
				name := "leader"
				if s.Cover {
					name = "cover"
				}
				events = append(events, name+" started")
				mu.Unlock()
				if s.Cover && leaderHolds {
					close(coverStarted)
				}
				if !s.Cover && leaderHolds {
					select {
					case <-coverStarted:
					case <-time.After(2 * time.Minute):
						t.Error("the cover cell's build did not start while its warm leader built")
					}
				}
				res := cellbuild.Build(ctx, s)
				mu.Lock()
				events = append(events, name+" built")
				mu.Unlock()
				return res
			},
		}
		r, err := e.Run(context.Background(), "run", nil)
		require.NoError(t, err)
		for _, c := range r.Cells {
			require.Equal(t, record.Pass, c.Outcome, "%s: %s", c.ID, c.Reason)
		}
		return r, tc
	}

	_, tc := run()
	assert.Equal(t, []string{"leader started", "leader built", "cover started", "cover built"}, events,
		"a first run builds the cover cell after its leader")
	require.NotEmpty(t, tc.BuildCache, "go env GOCACHE of the local toolchain")

	leaderHolds = true
	run()
	assert.ElementsMatch(t, []string{"leader started", "cover started"}, events[:2], "warm cells start together")

	// Records of another build cache (its token differs) are cold. The
	// shared build cache's own token is never touched by the test: other
	// tests use it; TestWarmBuilds removes tokens of caches of its own.
	records, err := os.ReadDir(filepath.Join(cacheDir, "warm"))
	require.NoError(t, err)
	require.Len(t, records, 2, "one record per cell")
	for _, rec := range records {
		require.NoError(t, os.WriteFile(filepath.Join(cacheDir, "warm", rec.Name()), []byte("0123456789abcdef0123456789abcdef\n"), 0o644))
	}
	leaderHolds = false
	run()
	assert.Equal(t, []string{"leader started", "leader built", "cover started", "cover built"}, events,
		"once the build cache is not known to hold their packages, the cells are ordered again")
	assert.FileExists(t, filepath.Join(tc.BuildCache, filepath.FromSlash(warmTokenFile)))
}

func TestWarmTokenNeverReplaced(t *testing.T) {
	gocache := warmCache(t)
	w := warmBuilds{dir: t.TempDir(), now: time.Now}
	first := w.token(gocache, true)
	require.Len(t, first, 32)
	var wg sync.WaitGroup
	tokens := make([]string, 8)
	for i := range tokens {
		wg.Go(func() { tokens[i] = w.token(gocache, true) })
	}
	wg.Wait()
	for _, tok := range tokens {
		assert.Equal(t, first, tok)
	}
	require.NoError(t, os.Remove(filepath.Join(gocache, filepath.FromSlash(warmTokenFile))))
	for i := range tokens {
		wg.Go(func() { tokens[i] = w.token(gocache, true) })
	}
	wg.Wait()
	assert.NotEqual(t, first, tokens[0], "a removed token is made anew")
	for _, tok := range tokens {
		assert.Equal(t, tokens[0], tok, "processes racing to make a token agree on one")
	}
	entries, err := os.ReadDir(filepath.Join(gocache, "00"))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary files left")
}
