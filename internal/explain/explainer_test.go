package explain

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/semver"

	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/record"
)

// fakeVersions lists fixed versions.
type fakeVersions struct {
	modules map[string][]string
	goVers  []string
}

func (f fakeVersions) Module(_ context.Context, path string) ([]string, error) {
	return slices.Clone(f.modules[path]), nil
}

func (f fakeVersions) Go(context.Context) ([]string, error) { return slices.Clone(f.goVers), nil }

// fakeProber "builds" a cell that crashes when bad says so, and lists
// what it was asked to build, in order: toolchain, target name, modules
// (when set) and fresh.
type fakeProber struct {
	bad    func(bisection.Request) bool
	probed []string
}

func (f *fakeProber) Probe(_ context.Context, req bisection.Request) (record.Cell, error) {
	cfg := req.Config
	t := cfg.Targets[0]
	key := cfg.Toolchains[0].Name + "/" + t.Name
	if len(t.Modules) > 0 {
		key += fmt.Sprint(t.Modules)
	}
	if req.Fresh {
		key += " fresh"
	}
	f.probed = append(f.probed, key)
	cell := record.Cell{ID: fmt.Sprintf("cell%d", len(f.probed)), Outcome: record.Pass, CacheKey: "k"}
	if f.bad(req) {
		cell.Outcome, cell.Signature = record.Crash, "panic: boom in main.main"
	}
	return cell, nil
}

// moduleVersion is the version of module path a request builds with: its
// target's, else the build list's.
func moduleVersion(req bisection.Request, path, def string) string {
	if v, ok := req.Config.Targets[0].Modules[path]; ok {
		return v
	}
	return def
}

// testModule makes a Go module directory for the package target.
func testModule(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "app")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "cmd", "app"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/app\n\ngo 1.23\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cmd", "app", "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))
	return dir
}

// commitModule makes dir a git repository with one commit of its files
// and returns that commit: the commit the stored cells record ("c0" in a
// cellPair, see useCommit), which explain checks out to build them again.
func commitModule(t *testing.T, dir string) string {
	git := gitIn(t, dir)
	git("init", "-q")
	git("add", ".")
	git("-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "app")
	return git("rev-parse", "HEAD")
}

// gitIn returns a function that runs git in dir and returns its output,
// trimmed, failing the test on an error.
func gitIn(t *testing.T, dir string) func(args ...string) string {
	return func(args ...string) string {
		out, err := gitrepo.Git(context.Background(), dir, args...)
		require.NoError(t, err, "git %v", args)
		return strings.TrimSpace(out)
	}
}

// useCommit replaces the placeholder commit "c0" of runs' cells with
// commit.
func useCommit(commit string, runs ...*record.Run) {
	for _, r := range runs {
		for i := range r.Cells {
			if s := r.Cells[i].Source; s != nil && s.Commit == "c0" {
				r.Cells[i].Source = &record.SourceState{VCS: s.VCS, Commit: commit, Dirty: s.Dirty}
			}
		}
	}
}

func testConfig(t *testing.T, dir string) *config.Config {
	cfg, err := config.Parse(filepath.Join(filepath.Dir(dir), "toolchains.json"), []byte(`{
  "toolchains": [{"name": "local", "kind": "local"}, {"name": "go1.25.0", "kind": "gotoolchain", "version": "go1.25.0"}],
  "protobuf": ["v1.36.10"],
  "arch": ["native", "amd64"],
  "targets": [{"name": "app", "kind": "package", "dir": "app", "package": "./cmd/app"}]
}`))
	require.NoError(t, err)
	return cfg
}

// cellPair is a changed cell as BASE and NEW recorded it: what is left
// empty in a change is the same in both.
type cellPair struct {
	baseGo, newGo       string
	baseBuild, newBuild string
	baseMods, newMods   []record.Module
	baseSrc, newSrc     string
	baseOut, newOut     record.Outcome
	settings            [2]map[string]string
	// toolchainEntry and targetEntry are the config entries each cell
	// recorded (nil: a run made before they were), matrixHash each run's.
	toolchainEntry, targetEntry [2]map[string]string
	matrixHash                  [2]string
}

func (p cellPair) runs(id string) (*record.Run, *record.Run) {
	cell := func(goVersion, build string, mods []record.Module, src string, out record.Outcome, settings map[string]string) record.Cell {
		c := record.Cell{ID: id, Toolchain: "local", Target: "app", TargetKind: "package", Protobuf: "v1.36.10", BinaryArch: "amd64", HostArch: "amd64",
			GoVersion: goVersion, ToolchainBuild: build, BuildList: append([]record.Module{{Path: "example.com/app"}}, mods...), Outcome: out, Settings: settings}
		if src != "" {
			c.Source = &record.SourceState{VCS: "git", Commit: src}
		}
		if out == record.Crash {
			c.Signature = "panic: boom in main.main"
		}
		return c
	}
	or := func(a, b string) string {
		if a == "" {
			return b
		}
		return a
	}
	baseGo, baseBuild, baseSrc := or(p.baseGo, "go1.26.8"), or(p.baseBuild, "b1"), or(p.baseSrc, "c0")
	b := cell(baseGo, baseBuild, or2(p.baseMods), baseSrc, p.baseOut, p.settings[0])
	n := cell(or(p.newGo, baseGo), or(p.newBuild, baseBuild), or2(p.newMods, p.baseMods), or(p.newSrc, baseSrc), p.newOut, p.settings[1])
	b.ToolchainEntry, n.ToolchainEntry = p.toolchainEntry[0], p.toolchainEntry[1]
	b.TargetEntry, n.TargetEntry = p.targetEntry[0], p.targetEntry[1]
	return &record.Run{ID: "base", GoreproVersion: "v1", MatrixSHA256: p.matrixHash[0], Cells: []record.Cell{b}},
		&record.Run{ID: "new", GoreproVersion: "v1", MatrixSHA256: p.matrixHash[1], Cells: []record.Cell{n}}
}

func or2(lists ...[]record.Module) []record.Module {
	for _, l := range lists {
		if l != nil {
			return l
		}
	}
	return []record.Module{{Path: "golang.org/x/net", Version: "v0.30.0"}}
}

func mods(kv ...string) []record.Module {
	var out []record.Module
	for i := 0; i < len(kv); i += 2 {
		out = append(out, record.Module{Path: kv[i], Version: kv[i+1]})
	}
	return out
}

// TestExplainer: for each kind of change, which cells the explainer builds,
// in what order, and what it concludes.
func TestExplainer(t *testing.T) {
	tests := []struct {
		name        string
		pair        cellPair
		change      ChangedCell
		bad         func(bisection.Request) bool
		wantProbed  []string
		wantKind    string
		wantCulprit string
		wantReason  string
		wantSkipped string
		// builds are the builds of the config's toolchains here (nil: not
		// checked); anyToolchain goes on with another build.
		builds       map[string]string
		anyToolchain bool
	}{
		{
			name: "only gorepro's config: nothing is built",
			pair: cellPair{baseOut: record.Pass, newOut: record.Crash, settings: [2]map[string]string{{"runs": "1"}, {"runs": "3"}}},
			bad:  func(bisection.Request) bool { return true }, wantProbed: nil,
			wantKind: record.CauseConfig, wantCulprit: "gorepro's own config or version, nothing the cell is built from: config runs 1 → 3",
		},
		{
			name: "nothing recorded changed: not explained, nothing built",
			pair: cellPair{baseOut: record.Pass, newOut: record.Crash},
			bad:  func(bisection.Request) bool { return true }, wantProbed: nil, wantKind: record.CauseUnexplained,
			wantReason: "nothing gorepro records changed (source, build list, toolchain, config): the cell may be flaky (try --runs) or depend on the host",
		},
		{
			name: "toolchain build: NEW's cell built again, fresh",
			pair: cellPair{baseBuild: "b1", newBuild: "b2", baseOut: record.Pass, newOut: record.Crash},
			bad:  func(bisection.Request) bool { return true }, wantProbed: []string{"local/app~confirm fresh"},
			wantKind:    record.CauseToolchainBuild,
			wantCulprit: "same Go version, different build: toolchain local (go1.26.8) was build b1 in BASE and is build b2 in NEW; src/runtime/x.go differs (NEW vs BASE)",
		},
		{
			name: "Go version: the releases between the two, then the boundary again",
			pair: cellPair{baseGo: "go1.25.0", newGo: "go1.25.5", baseOut: record.Pass, newOut: record.Crash},
			bad: func(r bisection.Request) bool {
				return r.Config.Toolchains[0].Name != "go1.25.0" && r.Config.Toolchains[0].Name != "go1.25.1"
			},
			wantProbed: []string{"go1.25.0/app", "go1.25.5/app", "go1.25.1/app", "go1.25.3/app", "go1.25.1/app fresh", "go1.25.3/app fresh"},
			wantKind:   record.CauseGoVersion, wantCulprit: "Go release go1.25.3 (first bad; the release before it, go1.25.1, is not)",
		},
		{
			name: "one module: its versions between the two",
			pair: cellPair{baseMods: mods("golang.org/x/net", "v0.30.0"), newMods: mods("golang.org/x/net", "v0.33.0"), baseOut: record.Crash, newOut: record.Pass},
			bad: func(r bisection.Request) bool {
				return semver.Compare(moduleVersion(r, "golang.org/x/net", "v0.33.0"), "v0.32.0") < 0
			},
			wantProbed: []string{
				"local/app+v0.30.0map[golang.org/x/net:v0.30.0]", "local/app+v0.33.0map[golang.org/x/net:v0.33.0]",
				"local/app+v0.31.0map[golang.org/x/net:v0.31.0]", "local/app+v0.32.0map[golang.org/x/net:v0.32.0]",
				"local/app+v0.31.0map[golang.org/x/net:v0.31.0] fresh", "local/app+v0.32.0map[golang.org/x/net:v0.32.0] fresh",
			},
			wantKind: record.CauseModule, wantCulprit: "module golang.org/x/net v0.32.0 (first good; v0.31.0 is not)",
		},
		{
			name: "several modules: all applied, the smallest set, then its versions",
			pair: cellPair{
				baseMods: mods("golang.org/x/net", "v0.30.0", "golang.org/x/text", "v0.20.0"),
				newMods:  mods("golang.org/x/net", "v0.33.0", "golang.org/x/text", "v0.21.0"), baseOut: record.Pass, newOut: record.Crash,
			},
			bad: func(r bisection.Request) bool {
				return semver.Compare(moduleVersion(r, "golang.org/x/net", "v0.33.0"), "v0.31.0") >= 0
			},
			wantProbed: []string{
				// NEW's source with every module at NEW's version, then each
				// update alone (the other set back to BASE's).
				"local/app~mods-2-" + setHash(t, "golang.org/x/net", "golang.org/x/text"),
				"local/app~mods-1-" + setHash(t, "golang.org/x/net") + "map[golang.org/x/text:v0.20.0]",
				"local/app+v0.30.0map[golang.org/x/net:v0.30.0 golang.org/x/text:v0.20.0]",
				"local/app+v0.33.0map[golang.org/x/net:v0.33.0 golang.org/x/text:v0.20.0]",
				"local/app+v0.31.0map[golang.org/x/net:v0.31.0 golang.org/x/text:v0.20.0]",
				"local/app+v0.30.0map[golang.org/x/net:v0.30.0 golang.org/x/text:v0.20.0] fresh",
				"local/app+v0.31.0map[golang.org/x/net:v0.31.0 golang.org/x/text:v0.20.0] fresh",
			},
			wantKind: record.CauseModule, wantCulprit: "module golang.org/x/net v0.31.0 (first bad; v0.30.0 is not)",
		},
		{
			name: "Go version and modules: the cross-check says the toolchain",
			pair: cellPair{baseGo: "go1.25.0", newGo: "go1.25.1", baseMods: mods("golang.org/x/net", "v0.30.0"), newMods: mods("golang.org/x/net", "v0.31.0"), baseOut: record.Pass, newOut: record.Crash},
			bad:  func(r bisection.Request) bool { return r.Config.Toolchains[0].Name != "go1.25.0" },
			wantProbed: []string{
				"go1.25.0/app~base-go",
				"go1.25.0/app", "go1.25.1/app", "go1.25.0/app fresh", "go1.25.1/app fresh",
			},
			wantKind: record.CauseGoVersion, wantCulprit: "Go release go1.25.1 (first bad; the release before it, go1.25.0, is not)",
		},
		{
			name: "toolchain build and modules: the cross-check says the modules",
			pair: cellPair{baseBuild: "b1", newBuild: "b2", baseMods: mods("golang.org/x/net", "v0.30.0"), newMods: mods("golang.org/x/net", "v0.31.0"), baseOut: record.Pass, newOut: record.Crash},
			bad: func(r bisection.Request) bool {
				return moduleVersion(r, "golang.org/x/net", "v0.31.0") == "v0.31.0"
			},
			wantProbed: []string{
				"local/app~base-sourcemap[golang.org/x/net:v0.30.0]",
				"local/app+v0.30.0map[golang.org/x/net:v0.30.0]", "local/app+v0.31.0map[golang.org/x/net:v0.31.0]",
				"local/app+v0.30.0map[golang.org/x/net:v0.30.0] fresh", "local/app+v0.31.0map[golang.org/x/net:v0.31.0] fresh",
			},
			wantKind: record.CauseModule, wantCulprit: "module golang.org/x/net v0.31.0 (first bad; v0.30.0 is not)",
		},
		{
			name: "toolchain changed in the config (same Go version, another GOROOT): a toolchain change, not a config change",
			pair: cellPair{baseBuild: "b1", newBuild: "b2", baseOut: record.Pass, newOut: record.Crash,
				settings:       [2]map[string]string{{"runs": "1"}, {"runs": "1"}},
				toolchainEntry: [2]map[string]string{{"kind": "local"}, {"kind": "goroot", "goroot": "/opt/ci/go"}},
				targetEntry:    [2]map[string]string{{"kind": "package"}, {"kind": "package"}},
				matrixHash:     [2]string{"bf39", "b3cf"}},
			builds: map[string]string{"local": "b2"},
			bad:    func(bisection.Request) bool { return true }, wantProbed: []string{"local/app~confirm fresh"},
			wantKind:    record.CauseToolchainBuild,
			wantCulprit: "same Go version, different build: toolchain local (go1.26.8) was build b1 in BASE and is build b2 in NEW; src/runtime/x.go differs (NEW vs BASE)",
		},
		{
			name: "the same change in runs that recorded no entries: the matrix hash is all there is, not explained",
			pair: cellPair{baseBuild: "b1", newBuild: "b2", baseOut: record.Pass, newOut: record.Crash, matrixHash: [2]string{"bf39", "b3cf"}},
			bad:  func(bisection.Request) bool { return true }, wantProbed: []string{"local/app~confirm fresh"},
			wantKind:   record.CauseUnexplained,
			wantReason: "the toolchain's build changed (same Go version) and so did gorepro's config; BASE's config with NEW's toolchain would tell them apart",
		},
		{
			name: "the target's entry changed: a config change, nothing built",
			pair: cellPair{baseOut: record.Pass, newOut: record.Crash,
				settings:       [2]map[string]string{{"runs": "1"}, {"runs": "1"}},
				toolchainEntry: [2]map[string]string{{"kind": "local"}, {"kind": "local"}},
				targetEntry:    [2]map[string]string{{"kind": "package", "prepareWith": "local"}, {"kind": "package", "prepareWith": "toolchain"}},
				matrixHash:     [2]string{"bf39", "b3cf"}},
			bad: func(bisection.Request) bool { return true }, wantProbed: nil,
			wantKind: record.CauseConfig, wantCulprit: "gorepro's own config or version, nothing the cell is built from: target app: prepareWith local → toolchain",
		},
		{
			name:   "the go here is not the build NEW recorded: refused, nothing built",
			pair:   cellPair{baseBuild: "b1", newBuild: "b2", baseOut: record.Pass, newOut: record.Crash},
			builds: map[string]string{"local": "b3"},
			bad:    func(bisection.Request) bool { return true }, wantProbed: nil, wantKind: record.CauseUnexplained,
			wantReason: "toolchain local (local) is build b3 here, but NEW's cell was built with build b2: a probe would not be NEW's cell, so nothing was built; " +
				"point toolchain local in " + "CONFIG" + " at NEW's build (or put that go first on PATH), or pass --any-toolchain to build with this one",
		},
		{
			name:   "another build, with --any-toolchain: built all the same",
			pair:   cellPair{baseBuild: "b1", newBuild: "b2", baseOut: record.Pass, newOut: record.Crash},
			builds: map[string]string{"local": "b3"}, anyToolchain: true,
			bad: func(bisection.Request) bool { return true }, wantProbed: []string{"local/app~confirm fresh"},
			wantKind:    record.CauseToolchainBuild,
			wantCulprit: "same Go version, different build: toolchain local (go1.26.8) was build b1 in BASE and is build b2 in NEW; src/runtime/x.go differs (NEW vs BASE)",
		},
		{
			name:   "not a change of verdict: skipped",
			pair:   cellPair{baseOut: record.Pass, newOut: record.Pass},
			change: ChangedCell{Kind: "new-flaky"},
			bad:    func(bisection.Request) bool { return true }, wantSkipped: "new-flaky is not a change of verdict",
		},
		{
			name: "a build error: skipped",
			pair: cellPair{baseOut: record.Pass, newOut: record.BuildError},
			bad:  func(bisection.Request) bool { return true }, wantSkipped: "a build error is not bisected: its build log says what failed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := testModule(t)
			base, next := tt.pair.runs("local_v1.36.10_off_app_amd64")
			useCommit(commitModule(t, dir), base, next)
			change := ChangedCell{CellID: "local_v1.36.10_off_app_amd64", Kind: "new-crash", VerdictChanged: true}
			if tt.change.Kind != "" {
				change.Kind, change.VerdictChanged = tt.change.Kind, tt.change.VerdictChanged
			}
			prober := &fakeProber{bad: tt.bad}
			ex := &Explainer{
				Config: testConfig(t, dir), Base: base, Next: next, Changes: []ChangedCell{change},
				GoVersions: []string{"go1.25.0", "go1.25.1", "go1.25.3", "go1.25.5"},
				Prober:     prober,
				Versions:   fakeVersions{modules: map[string][]string{"golang.org/x/net": {"v0.30.0", "v0.31.0", "v0.32.0", "v0.33.0", "v0.34.0"}}},
				Checkouts:  &bisection.Checkouts{WorkDir: t.TempDir()},
				Files: func(_, _ *record.Toolchain, badName, goodName string) (*record.FileDifference, string) {
					return &record.FileDifference{Total: 1, Changed: []string{"src/runtime/x.go"}}, fmt.Sprintf("src/runtime/x.go differs (%s vs %s)", badName, goodName)
				},
				LocalVersion: "go1.26.8", HostArch: "amd64", AnyToolchain: tt.anyToolchain,
			}
			if tt.builds != nil {
				ex.Builds = func(_ context.Context, tc config.Toolchain) (string, error) { return tt.builds[tc.Name], nil }
			}
			tt.wantReason = strings.ReplaceAll(tt.wantReason, "CONFIG", ex.Config.Path)
			x := &record.Explain{}
			ex.Explain(context.Background(), x)
			assert.Equal(t, tt.wantProbed, prober.probed)
			if tt.wantSkipped != "" {
				require.Len(t, x.Skipped, 1)
				assert.Equal(t, tt.wantSkipped, x.Skipped[0].Reason)
				assert.Empty(t, x.Explanations)
				return
			}
			require.Len(t, x.Explanations, 1)
			got := x.Explanations[0]
			assert.Equal(t, tt.wantKind, got.Kind, got.Reason)
			assert.Equal(t, tt.wantCulprit, got.Culprit)
			assert.Equal(t, tt.wantReason, got.Reason)
			assert.Equal(t, tt.wantKind != record.CauseUnexplained, got.Explained)
		})
	}
}

func setHash(t *testing.T, paths ...string) string {
	var changes []ModuleChange
	var set []int
	for i, p := range paths {
		changes = append(changes, ModuleChange{Path: p})
		set = append(set, i)
	}
	label := setLabel(changes, set)
	_, hash, ok := strings.Cut(label, "-")
	require.True(t, ok)
	return hash
}

// TestExplainerCommits: a changed source commit is bisected over the
// commits between the two, each checked out in a worktree; a second cell
// whose inputs changed the same way is checked at that boundary with two
// probes instead of a search.
func TestExplainerCommits(t *testing.T) {
	ctx := context.Background()
	dir := testModule(t)
	git := gitIn(t, dir)
	git("init", "-q")
	var commits []string
	for i, state := range []string{"good", "good", "bad", "bad"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "state"), []byte(state+"\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(fmt.Sprintf("package main\n\n// %d\n", i)), 0o644))
		git("add", ".")
		git("-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", fmt.Sprintf("commit %d", i))
		commits = append(commits, git("rev-parse", "HEAD"))
	}
	pair := cellPair{baseSrc: commits[0], newSrc: commits[3], baseOut: record.Pass, newOut: record.Crash}
	base, next := pair.runs("one")
	base2, next2 := pair.runs("two")
	base.Cells = append(base.Cells, base2.Cells...)
	next.Cells = append(next.Cells, next2.Cells...)
	prober := &fakeProber{bad: func(r bisection.Request) bool {
		assert.NotEqual(t, dir, r.Config.Targets[0].Dir, "probes build in worktrees, never in the user's tree")
		data, err := os.ReadFile(filepath.Join(r.Config.Targets[0].Dir, "state"))
		require.NoError(t, err)
		return string(data) == "bad\n"
	}}
	checkouts := &bisection.Checkouts{WorkDir: t.TempDir()}
	defer func() { assert.Empty(t, checkouts.Close(ctx)) }()
	ex := &Explainer{
		Config: testConfig(t, dir), Base: base, Next: next, Prober: prober, Checkouts: checkouts, LocalVersion: "go1.26.8", HostArch: "amd64",
		Changes: []ChangedCell{{CellID: "one", Kind: "new-crash", VerdictChanged: true}, {CellID: "two", Kind: "new-crash", VerdictChanged: true}},
	}
	x := &record.Explain{}
	ex.Explain(ctx, x)
	short := func(i int) string { return gitrepo.Short(commits[i]) }
	assert.Equal(t, []string{
		"local/app@" + short(0), "local/app@" + short(3), "local/app@" + short(1), "local/app@" + short(2),
		"local/app@" + short(1) + " fresh", "local/app@" + short(2) + " fresh",
		// The second cell: at the boundary found for the first.
		"local/app~" + short(1), "local/app~" + short(2),
	}, prober.probed)
	require.Len(t, x.Explanations, 1, "one cause, one explanation")
	got := x.Explanations[0]
	assert.Equal(t, []string{"one", "two"}, got.Cells)
	assert.Equal(t, record.CauseCommit, got.Kind)
	assert.Equal(t, commits[1], got.Before)
	assert.Equal(t, commits[2], got.Commit.Commit)
	assert.True(t, strings.HasPrefix(got.Culprit, "commit "+short(2)+` "commit 2" by T <t@example.com>, `), got.Culprit)
}

// TestGoCandidates: the Go releases tried between two versions, in the
// direction of the change, both ends included, pre-releases left out.
func TestGoCandidates(t *testing.T) {
	ex := &Explainer{GoVersions: []string{"go1.24.9", "go1.25.0", "go1.25.1", "go1.25.2rc1", "go1.25.3", "go1.25.5", "go1.26.0"}}
	ctx := context.Background()
	assert.Equal(t, []string{"go1.25.0", "go1.25.1", "go1.25.3", "go1.25.5"}, ex.goCandidates(ctx, "go1.25.0", "go1.25.5"))
	assert.Equal(t, []string{"go1.25.5", "go1.25.3", "go1.25.1", "go1.25.0"}, ex.goCandidates(ctx, "go1.25.5", "go1.25.0"), "a downgrade is searched from BASE's version")
	assert.Equal(t, []string{"go1.25.4", "go1.25.5"}, ex.goCandidates(ctx, "go1.25.4", "go1.25.5"), "the two ends even when not listed")
	ex = &Explainer{Versions: fakeVersions{goVers: []string{"go1.25.1", "go1.25.0", "go1.25.2"}}}
	assert.Equal(t, []string{"go1.25.0", "go1.25.1", "go1.25.2"}, ex.goCandidates(ctx, "go1.25.0", "go1.25.2"), "without --go-versions, what the lister lists")
}

// TestOnlyModFiles: a change that touches only the module's go.mod and
// go.sum is a change of modules, not of source.
func TestOnlyModFiles(t *testing.T) {
	assert.True(t, onlyModFiles([]string{"go.mod", "go.sum"}, "."))
	assert.True(t, onlyModFiles([]string{"svc/go.mod"}, "svc"))
	assert.False(t, onlyModFiles([]string{"go.mod", "main.go"}, "."))
	assert.False(t, onlyModFiles([]string{"other/go.mod"}, "svc"))
	assert.False(t, onlyModFiles(nil, "."))
}

// sigProber "builds" a cell whose outcome and signature crash returns
// for the request ("" is a pass), and lists what it was asked to build.
type sigProber struct {
	crash  func(bisection.Request) string
	probed []string
}

func (f *sigProber) Probe(_ context.Context, req bisection.Request) (record.Cell, error) {
	f.probed = append(f.probed, req.Config.Targets[0].Name)
	cell := record.Cell{ID: fmt.Sprintf("cell%d", len(f.probed)), Outcome: record.Pass, CacheKey: "k"}
	if sig := f.crash(req); sig != "" {
		cell.Outcome, cell.Signature = record.Crash, sig
	}
	return cell, nil
}

// TestExplainerTwoCauses: a cell crashed with A in BASE (the toolchain's
// build) and with B in NEW (a module update), and NEW's toolchain is
// another build: A gone and B new are explained each with its own cause,
// and no step says "BASE's verdict" of a cell that passed.
func TestExplainerTwoCauses(t *testing.T) {
	const sigA, sigB = "fatal error: taggedPointerPack in runtime.netpollopen", "panic: assignment to entry in nil map in main.init.0"
	dir := testModule(t)
	base, next := cellPair{baseBuild: "b1", newBuild: "b2", baseMods: mods("golang.org/x/net", "v0.30.0"), newMods: mods("golang.org/x/net", "v0.31.0"),
		baseOut: record.Crash, newOut: record.Crash}.runs("local_v1.36.10_off_app_amd64")
	useCommit(commitModule(t, dir), base, next)
	base.Cells[0].Signature, next.Cells[0].Signature = sigA, sigB
	// Every probe is built with NEW's toolchain build (no A); B comes with
	// x/net v0.31.0.
	prober := &sigProber{crash: func(r bisection.Request) string {
		if moduleVersion(r, "golang.org/x/net", "v0.31.0") == "v0.31.0" {
			return sigB
		}
		return ""
	}}
	ex := &Explainer{
		Config: testConfig(t, dir), Base: base, Next: next, Prober: prober,
		Changes:   []ChangedCell{{CellID: "local_v1.36.10_off_app_amd64", Kind: "signature-changed", VerdictChanged: true, SignatureChanged: true}},
		Versions:  fakeVersions{modules: map[string][]string{"golang.org/x/net": {"v0.30.0", "v0.31.0"}}},
		Checkouts: &bisection.Checkouts{WorkDir: t.TempDir()}, LocalVersion: "go1.26.8", HostArch: "amd64",
		Builds: func(context.Context, config.Toolchain) (string, error) { return "b2", nil },
	}
	x := &record.Explain{}
	ex.Explain(context.Background(), x)
	require.Len(t, x.Explanations, 2)
	gone, added := x.Explanations[0], x.Explanations[1]

	assert.Equal(t, sigA, gone.Signature)
	assert.Equal(t, "fix", gone.Direction)
	assert.True(t, gone.Explained, gone.Reason)
	assert.Equal(t, record.CauseToolchainBuild, gone.Kind)
	require.NotEmpty(t, gone.Steps)
	require.Len(t, gone.Steps, 2)
	assert.Equal(t, "pass (without "+sigA+", as in NEW): the toolchain matters, not the source or modules", gone.Steps[0].Conclusion)
	// NEW's cell crashes with B: it is NEW's for A (without it), not a
	// bare "crash" that reads as A again.
	assert.Equal(t, "crash (without "+sigA+", as in NEW)", gone.Steps[1].Conclusion)

	assert.Equal(t, sigB, added.Signature)
	assert.Equal(t, "regression", added.Direction)
	assert.True(t, added.Explained, added.Reason)
	assert.Equal(t, record.CauseModule, added.Kind)
	assert.Equal(t, "module golang.org/x/net v0.31.0 (first bad; v0.30.0 is not)", added.Culprit)
	require.NotEmpty(t, added.Steps)
	assert.Equal(t, "pass (without "+sigB+", as in BASE): the source or modules matter, not the toolchain", added.Steps[0].Conclusion)

	for _, e := range x.Explanations {
		for _, s := range e.Steps {
			assert.NotContains(t, s.Conclusion, "NEW's verdict", "NEW crashed: a pass is not its verdict")
			if strings.Contains(s.Conclusion, "BASE's verdict") {
				assert.True(t, strings.HasPrefix(s.Conclusion, string(record.Crash)), "a step claims BASE's verdict (a crash) for %q", s.Conclusion)
			}
		}
	}
}

// TestExplainerBuildsWhatWasRecorded: NEW's cell is built again from the
// commit NEW recorded, not from what the checkout holds after more commits
// landed; a dirty tree or a commit the repository lacks is said, and
// nothing is built in its place.
func TestExplainerBuildsWhatWasRecorded(t *testing.T) {
	ctx := context.Background()
	dir := testModule(t)
	git := gitIn(t, dir)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "state"), []byte("recorded\n"), 0o644))
	recorded := commitModule(t, dir)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "state"), []byte("later\n"), 0o644))
	git("-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qam", "later")

	tests := []struct {
		name       string
		commit     string
		dirty      bool
		wantProbed []string
		wantReason string
	}{
		{name: "the recorded commit, though HEAD moved on", commit: recorded, wantProbed: []string{"recorded\n"}},
		{name: "a dirty tree", commit: recorded, dirty: true,
			wantReason: "NEW's cell was built from a dirty tree (uncommitted changes on " + recorded[:12] + "): no commit holds what it was built from, so nothing was built; run the nightly job on a clean checkout"},
		{name: "a commit the repository lacks", commit: strings.Repeat("1", 40), wantReason: "NEW's commit 111111111111 cannot be checked out from "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, next := cellPair{baseBuild: "b1", newBuild: "b2", baseOut: record.Pass, newOut: record.Crash}.runs("one")
			useCommit(tt.commit, base, next)
			next.Cells[0].Source.Dirty = tt.dirty
			var states []string
			prober := &fakeProber{bad: func(r bisection.Request) bool {
				assert.NotEqual(t, dir, r.Config.Targets[0].Dir, "probes build in worktrees, never in the user's tree")
				data, err := os.ReadFile(filepath.Join(r.Config.Targets[0].Dir, "state"))
				require.NoError(t, err)
				states = append(states, string(data))
				return true
			}}
			checkouts := &bisection.Checkouts{WorkDir: t.TempDir()}
			defer func() { assert.Empty(t, checkouts.Close(ctx)) }()
			ex := &Explainer{
				Config: testConfig(t, dir), Base: base, Next: next, Prober: prober, Checkouts: checkouts,
				Changes:      []ChangedCell{{CellID: "one", Kind: "new-crash", VerdictChanged: true}},
				LocalVersion: "go1.26.8", HostArch: "amd64",
			}
			x := &record.Explain{}
			ex.Explain(ctx, x)
			require.Len(t, x.Explanations, 1)
			assert.Equal(t, tt.wantProbed, states)
			if tt.wantReason == "" {
				assert.True(t, x.Explanations[0].Explained, x.Explanations[0].Reason)
				return
			}
			assert.False(t, x.Explanations[0].Explained)
			assert.True(t, strings.HasPrefix(x.Explanations[0].Reason, tt.wantReason), x.Explanations[0].Reason)
			assert.Zero(t, x.Explanations[0].Builds)
		})
	}
}
