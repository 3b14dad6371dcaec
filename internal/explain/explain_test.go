package explain

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/record"
)

// TestMinimalSet: delta debugging finds the one bad change among many, a
// pair that is bad only together, and steps around subsets that do not
// build; it asks each subset once.
func TestMinimalSet(t *testing.T) {
	tests := []struct {
		name string
		n    int
		// bad reports whether a subset is bad; unbuildable whether it
		// does not build.
		bad, unbuildable func(set []int) bool
		want             []int
	}{
		{"one of five", 5, func(s []int) bool { return slices.Contains(s, 3) }, nil, []int{3}},
		{"the only change", 1, func(s []int) bool { return len(s) == 1 }, nil, []int{0}},
		{"two together", 6, func(s []int) bool { return slices.Contains(s, 1) && slices.Contains(s, 4) }, nil, []int{1, 4}},
		{"around unbuildable subsets", 5, func(s []int) bool { return slices.Contains(s, 2) },
			func(s []int) bool { return slices.Contains(s, 2) && !slices.Contains(s, 0) }, []int{0, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked := map[string]int{}
			got, err := MinimalSet(context.Background(), tt.n, func(_ context.Context, set []int) (bisect.Verdict, error) {
				asked[fmtSet(set)]++
				switch {
				case tt.unbuildable != nil && tt.unbuildable(set):
					return bisect.Skip, nil
				case tt.bad(set):
					return bisect.Bad, nil
				}
				return bisect.Good, nil
			})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			for set, n := range asked {
				assert.Equal(t, 1, n, "subset %s probed %d times", set, n)
			}
		})
	}
}

func fmtSet(s []int) string {
	b := []byte{}
	for _, i := range s {
		b = append(b, byte('0'+i))
	}
	return string(b)
}

// TestInputs: what differs between two cells' recorded inputs.
func TestInputs(t *testing.T) {
	base := &record.Run{MatrixSHA256: "aaaa", GoreproVersion: "v1"}
	next := &record.Run{MatrixSHA256: "aaaa", GoreproVersion: "v1"}
	mods := func(pairs ...string) []record.Module {
		list := []record.Module{{Path: "example.com/app"}}
		for i := 0; i < len(pairs); i += 2 {
			list = append(list, record.Module{Path: pairs[i], Version: pairs[i+1]})
		}
		return list
	}
	b := record.Cell{TargetKind: "package", GoVersion: "go1.26.8", ToolchainBuild: "goroot:1", Source: &record.SourceState{Commit: "c1"},
		BuildList: mods("example.com/a", "v1.0.0", "example.com/b", "v1.0.0", "example.com/gone", "v0.1.0")}
	n := b
	n.Source = &record.SourceState{Commit: "c2"}
	n.ToolchainBuild = "goroot:2"
	n.BuildList = mods("example.com/a", "v1.1.0", "example.com/b", "v1.0.0", "example.com/new", "v0.2.0")
	d := Inputs(base, b, next, n)
	assert.Equal(t, []string{"commit", "modules", "toolchain-build"}, d.Kinds())
	assert.Equal(t, []ModuleChange{{"example.com/a", "v1.0.0", "v1.1.0"}, {"example.com/gone", "v0.1.0", ""}, {"example.com/new", "", "v0.2.0"}}, d.Modules)
	assert.Equal(t, []string{
		"source commit c1 → c2",
		"3 modules: example.com/a v1.0.0 → v1.1.0, example.com/gone v0.1.0 → (none), example.com/new (none) → v0.2.0",
		"toolchain build goroot:1 → goroot:2 (same Go version)",
	}, d.Lines())

	// Only the config changed.
	next2 := &record.Run{MatrixSHA256: "bbbb", GoreproVersion: "v1", Config: "toolchains.json"}
	d = Inputs(base, b, next2, b)
	assert.Empty(t, d.Kinds())
	assert.Equal(t, []string{"matrix settings (toolchains.json): hash aaaa → bbbb"}, d.Config)

	// A different Go version is not also a different build.
	n3 := b
	n3.GoVersion = "go1.27.3"
	n3.ToolchainBuild = "goroot:3"
	assert.Equal(t, []string{"go-version"}, Inputs(base, b, base, n3).Kinds())

	// Cells recorded before gorepro recorded inputs.
	old := record.Cell{TargetKind: "package", GoVersion: "go1.26.8"}
	assert.Equal(t, []string{"source commit", "build list", "toolchain build"}, Inputs(base, old, base, old).Unknown)
}

// TestInputsEnvironment: the go env of the cell's toolchain and the
// environment the runs' builds inherited are named when they differ (and
// nothing else the cell is built from does); a run that did not record its
// environment names none.
func TestInputsEnvironment(t *testing.T) {
	run := func(env map[string]string, goenv map[string]string) *record.Run {
		var recorded *map[string]string
		if env != nil {
			recorded = &env
		}
		return &record.Run{MatrixSHA256: "aaaa", GoreproVersion: "v1", Host: record.Host{Environment: recorded},
			Toolchains: []record.Toolchain{{Name: "local", GoVersion: "go1.26.8", GoEnv: goenv}}}
	}
	c := record.Cell{Toolchain: "local", TargetKind: "repro", GoVersion: "go1.26.8", ToolchainBuild: "gorootfiles:1", BuildList: []record.Module{{Path: "m"}}}
	base := run(map[string]string{}, map[string]string{"GOAMD64": "v1"})
	next := run(map[string]string{"GODEBUG": "asyncpreemptoff=1"}, map[string]string{"GOAMD64": "v3"})
	d := Inputs(base, c, next, c)
	assert.Empty(t, d.Kinds())
	assert.Equal(t, []string{"go env GOAMD64 v1 → v3", "environment GODEBUG (none) → asyncpreemptoff=1"}, d.Environment)
	assert.Equal(t, d.Environment, d.Lines())

	var x record.Explanation
	nothingBuilt(&x, d)
	assert.False(t, x.Explained, "a changed environment is named, not claimed as the cause")
	assert.Equal(t, "nothing the cell is built from changed, only the environment its builds and runs inherited (go env GOAMD64 v1 → v3; environment GODEBUG (none) → asyncpreemptoff=1): run NEW's matrix again with BASE's values to tell whether it did it (or the cell is flaky: try --runs)", x.Reason)

	older := run(nil, map[string]string{"GOAMD64": "v1"})
	assert.Empty(t, Inputs(older, c, run(map[string]string{"GODEBUG": "x=1"}, map[string]string{"GOAMD64": "v1"}), c).Environment, "an older run recorded no environment")
}

// TestInputsImageDigest: a tag that moved between two runs (same Go
// version, another image) names the digests as well as the build.
func TestInputsImageDigest(t *testing.T) {
	run := &record.Run{}
	const d1 = "sha256:95e84492c4eed0fb91d6ef39213d4acb0076efba56cf1c402adecf8358b90697"
	const d2 = "sha256:08a5eaf8a3f6ad6f663475ea0362a6d73a99e1e2d8a1c4b6088b44bbeec48cbf"
	b := record.Cell{GoVersion: "go1.26.8", ToolchainBuild: "image:1", BuildList: []record.Module{{Path: "m"}},
		Container: &record.Container{Image: "r/go-toolset:latest", ImageID: "1", ImageDigest: d1, RuntimeImageDigest: d1}}
	n := b
	n.ToolchainBuild = "image:2"
	n.Container = &record.Container{Image: "r/go-toolset:latest", ImageID: "2", ImageDigest: d2, RuntimeImageDigest: d1}
	d := Inputs(run, b, run, n)
	assert.Equal(t, []string{"toolchain-build"}, d.Kinds())
	assert.Equal(t, []string{
		"toolchain build image:1 → image:2 (same Go version)",
		"image digest changed: sha256:95e84492c4ee… → sha256:08a5eaf8a3f6…",
	}, d.Lines())

	// No digest recorded (a local image): nothing said of digests.
	n.Container = &record.Container{ImageID: "2"}
	assert.Empty(t, Inputs(run, b, run, n).Images)
	n.Container = nil
	assert.Empty(t, Inputs(run, b, run, n).Images)
}

// TestSettingChanges: the cell settings that differ, named, sorted; cells
// recorded before settings were compare as unchanged.
func TestSettingChanges(t *testing.T) {
	assert.Equal(t, []string{"config args [\"-v\"] → (none)", "config timeout 20s → 300ms"},
		SettingChanges(map[string]string{"timeout": "20s", "runs": "1", "args": `["-v"]`}, map[string]string{"timeout": "300ms", "runs": "1"}))
	assert.Empty(t, SettingChanges(nil, map[string]string{"timeout": "1s"}))
}
