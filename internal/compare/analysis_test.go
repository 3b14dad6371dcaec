package compare_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/compare"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// only returns the analysis of the one target of a.
func only(t *testing.T, a *record.Analysis) record.TargetAnalysis {
	t.Helper()
	require.Len(t, a.Targets, 1)
	return a.Targets[0]
}

func findingOf(t *testing.T, a record.TargetAnalysis, axis string) record.AxisFinding {
	t.Helper()
	i := slices.IndexFunc(a.Axes, func(f record.AxisFinding) bool { return f.Axis == axis })
	require.GreaterOrEqual(t, i, 0, "axis %s", axis)
	return a.Axes[i]
}

func TestAnalyzePostmortem(t *testing.T) {
	cells := runfixture.PostmortemCells()
	a := only(t, compare.Analyze(cells, nil))
	assert.Equal(t, "repro", a.Target)
	assert.Equal(t, "crash iff binaryArch != hostArch and go < go1.25.5", a.Failing)
	assert.Equal(t, []string{"goVersion", "arch"}, a.FailingAxes)
	// Each Go version came from one builder image, so "Red Hat's builds"
	// fits as well as "Go < 1.25.5": both are given, with the cell that
	// would have told them apart.
	require.Len(t, a.Alternatives, 1)
	assert.Equal(t, "crash iff binaryArch != hostArch and toolchain in {ubi9-go-1.24, ubi9-go-1.25}", a.Alternatives[0].Failing)
	assert.Equal(t, []string{"toolchain", "arch"}, a.Alternatives[0].Axes)
	assert.Equal(t, `to tell the Go version from the build, run ubi9-go-1.25_v1.33.0_cover_repro_amd64-on-arm64 with another build of go1.25.3, `+
		`e.g. the toolchain {"kind": "gotoolchain", "version": "go1.25.3"} or the image golang:1.25.3, next to ubi9-go-1.25: `+
		`if it crashes too, the Go version is to blame; if it passes, the build of ubi9-go-1.25 is`, a.Alternatives[0].Separating)
	assert.Equal(t, "crash iff binaryArch != hostArch and go < go1.25.5, or equally iff binaryArch != hostArch and toolchain in {ubi9-go-1.24, ubi9-go-1.25} "+
		"(the cells cannot tell these apart); "+a.Alternatives[0].Separating+"; protobuf version and cover flag never change the outcome.", a.Summary)
	assert.Empty(t, a.Builds)

	var axes []string
	for _, f := range a.Axes {
		axes = append(axes, f.Axis)
	}
	assert.Equal(t, []string{"toolchain", "goVersion", "protobuf", "cover", "arch"}, axes, "no target axis: targets are never compared")

	arch := findingOf(t, a, "arch")
	assert.True(t, arch.Matters)
	assert.Equal(t, []string{"amd64/arm64", "arm64/arm64"}, arch.Values)
	assert.Equal(t, 12, arch.Compared)
	assert.Equal(t, 8, arch.Changed)
	require.Len(t, arch.Pairs, 3)
	assert.Equal(t, record.CellPair{
		A: "ubi9-go-1.24_v1.33.0_cover_repro_amd64-on-arm64", B: "ubi9-go-1.24_v1.33.0_cover_repro_arm64-on-arm64",
		ValueA: "amd64/arm64", ValueB: "arm64/arm64", OutcomeA: record.Crash, OutcomeB: record.Pass,
	}, arch.Pairs[0])

	// A Go version cannot change without the toolchain: its pairs differ
	// in both. The toolchain alone (another build of one Go version) was
	// never varied.
	goVersion := findingOf(t, a, "goVersion")
	assert.True(t, goVersion.Matters)
	assert.Equal(t, []string{"go1.24.6", "go1.25.3", "go1.25.5"}, goVersion.Values)
	assert.Equal(t, []string{"toolchain"}, goVersion.With)
	assert.Equal(t, 24, goVersion.Compared) // 3 version pairs × 8 other combinations
	assert.Equal(t, 8, goVersion.Changed)   // 2 crashing versions × go1.25.5 × 4 emulated combinations
	toolchain := findingOf(t, a, "toolchain")
	assert.Equal(t, []string{"goVersion"}, toolchain.With, "a toolchain is a Go version and a build")
	assert.Equal(t, goVersion.Compared, toolchain.Compared)

	for _, axis := range []string{"protobuf", "cover"} {
		f := findingOf(t, a, axis)
		assert.False(t, f.Matters, axis)
		assert.Equal(t, 12, f.Compared, axis)
		assert.Zero(t, f.Changed, axis)
		assert.Empty(t, f.Pairs, axis)
	}

	// Deterministic: the order of the cells does not matter.
	reversed := slices.Clone(cells)
	slices.Reverse(reversed)
	assert.Equal(t, a, only(t, compare.Analyze(reversed, nil)))
}

// TestAnalyzePostmortemTable is the postmortem's own table, as they ran
// it by hand: three builder images on one machine. The Go version and
// the vendor changed together, so gorepro must not blame either alone.
func TestAnalyzePostmortemTable(t *testing.T) {
	cells := runfixture.Grid(runfixture.PostmortemToolchains(), []string{"v1.36.10"}, []bool{false, true}, []string{"controller"},
		[][2]string{{"amd64", "arm64"}}, runfixture.Affected)
	for i := range cells {
		cells[i].ToolchainKind = "image"
	}
	a := only(t, compare.Analyze(cells, nil))
	assert.Equal(t, "crash iff go < go1.25.5", a.Failing)
	require.Len(t, a.Alternatives, 1)
	assert.Equal(t, "crash iff toolchain in {ubi9-go-1.24, ubi9-go-1.25}", a.Alternatives[0].Failing)
	assert.Contains(t, a.Alternatives[0].Separating, `another build of go1.25.3, e.g. the toolchain {"kind": "gotoolchain", "version": "go1.25.3"} or the image golang:1.25.3, next to ubi9-go-1.25`)
	assert.Equal(t, "crash iff go < go1.25.5, or equally iff toolchain in {ubi9-go-1.24, ubi9-go-1.25} (the cells cannot tell these apart); "+
		a.Alternatives[0].Separating+"; cover flag never changes the outcome; protobuf version and arch were not varied.", a.Summary)

	// Had they run the separating cell: an upstream go1.25.3 crashes too,
	// so the Go version is to blame and the builds are cleared.
	separated := append(slices.Clone(cells), runfixture.Grid([][2]string{{"go1.25.3", "go1.25.3"}}, []string{"v1.36.10"}, []bool{false, true},
		[]string{"controller"}, [][2]string{{"amd64", "arm64"}}, runfixture.Affected)...)
	b := only(t, compare.Analyze(separated, nil))
	assert.Equal(t, "crash iff go < go1.25.5", b.Failing)
	assert.Empty(t, b.Alternatives)
	assert.Equal(t, "crash iff go < go1.25.5; toolchain and cover flag never change the outcome; protobuf version and arch were not varied.", b.Summary,
		"two builds of go1.25.3 crashed alike: the toolchain alone never changed the outcome")

	// Had the upstream go1.25.3 passed, the build would be to blame.
	vendor := slices.Clone(separated)
	for i := range vendor {
		if vendor[i].Toolchain == "go1.25.3" {
			vendor[i].Outcome = record.Pass
		}
	}
	c := only(t, compare.Analyze(vendor, nil))
	assert.Equal(t, "crash iff toolchain in {ubi9-go-1.24, ubi9-go-1.25}", c.Failing)
	assert.Empty(t, c.Alternatives)
	require.Len(t, c.Builds, 1)
	assert.Equal(t, record.BuildDifference{GoVersion: "go1.25.3", Bad: "ubi9-go-1.25", Good: "go1.25.3", BadOutcome: record.Crash, GoodOutcome: record.Pass,
		Differences: []string{"no toolchain details were recorded"}}, c.Builds[0])
}

// TestAnalyzeSameGoVersionDifferentBuild is the injected GOROOT: a go1.26.8
// that crashes next to the local go1.26.8 that passes. The analysis names
// the toolchain, clears the bystanders and shows where the builds differ.
func TestAnalyzeSameGoVersionDifferentBuild(t *testing.T) {
	cells := runfixture.Grid([][2]string{{"local", "go1.26.8"}, {"go1.27.3", "go1.27.3"}, {"injected", "go1.26.8"}},
		[]string{"v1.34.2", "v1.36.10"}, []bool{false, true}, []string{"repro"}, [][2]string{{"amd64", "amd64"}},
		func(a runfixture.AxisCell) record.Outcome {
			if a.Toolchain == "injected" {
				return record.Crash
			}
			return record.Pass
		})
	toolchains := []record.Toolchain{
		{Name: "local", Kind: "local", GoVersion: "go1.26.8", GOROOT: "/usr/local/go", HostArch: "amd64", GoEnv: map[string]string{"GOAMD64": "v1", "CGO_ENABLED": "1"}},
		{Name: "go1.27.3", Kind: "gotoolchain", GoVersion: "go1.27.3", GOROOT: "/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64", HostArch: "amd64"},
		{Name: "injected", Kind: "goroot", GoVersion: "go1.26.8", GOROOT: "/tmp/go-injected", HostArch: "amd64", GoEnv: map[string]string{"GOAMD64": "v1", "CGO_ENABLED": "0"}},
	}
	a := only(t, compare.Analyze(cells, toolchains))
	assert.Equal(t, "crash iff toolchain=injected", a.Failing)
	assert.Empty(t, a.Alternatives, "local is go1.26.8 too and passes: the Go version does not explain it")
	require.Len(t, a.Builds, 1)
	assert.Equal(t, record.BuildDifference{GoVersion: "go1.26.8", Bad: "injected", Good: "local", BadOutcome: record.Crash, GoodOutcome: record.Pass,
		Differences: []string{"kind goroot vs local", "GOROOT /tmp/go-injected vs /usr/local/go", "CGO_ENABLED 0 vs 1"}}, a.Builds[0])
	assert.Equal(t, "crash iff toolchain=injected; same Go version, different build: injected (crash) and local (pass) are both go1.26.8; "+
		"they differ in kind goroot vs local, GOROOT /tmp/go-injected vs /usr/local/go, CGO_ENABLED 0 vs 1; "+
		"protobuf version and cover flag never change the outcome; arch was not varied.", a.Summary)

	// Images: the digests say which build is which.
	for i := range toolchains {
		toolchains[i].Container = &record.Container{Image: "golang:1.26.8", ImageDigest: "sha256:" + strings.Repeat(string(rune('a'+i)), 4)}
	}
	b := only(t, compare.Analyze(cells, toolchains))
	assert.Contains(t, b.Builds[0].Differences, "builder image digest sha256:cccc vs sha256:aaaa")
}

// TestAnalyzeSameFileDifferenceOnce: an image history where two tags name
// builds of the good GOROOT and two of the injected one. Every crash/pass
// pair differs in the same file; the analysis says so once, naming the
// other pairs, and keeps one diff.
func TestAnalyzeSameFileDifferenceOnce(t *testing.T) {
	names := []string{"toolset-1", "toolset-2", "toolset-3", "toolset-4"}
	var tcs [][2]string
	for _, n := range names {
		tcs = append(tcs, [2]string{n, "go1.26.8"})
	}
	cells := runfixture.Grid(tcs, []string{"v1.36.10"}, []bool{false, true}, []string{"repro"}, [][2]string{{"amd64", "amd64"}},
		func(a runfixture.AxisCell) record.Outcome {
			if a.Toolchain == "toolset-3" || a.Toolchain == "toolset-4" {
				return record.Crash
			}
			return record.Pass
		})
	good := map[string]string{"src/runtime/tagptr_64bit.go": "h1", "src/runtime/proc.go": "h2"}
	bad := map[string]string{"src/runtime/tagptr_64bit.go": "h3", "src/runtime/proc.go": "h2"}
	read := func(text string) func(string) ([]byte, error) {
		return func(string) ([]byte, error) { return []byte(text), nil }
	}
	var toolchains []record.Toolchain
	for i, n := range names {
		tc := record.Toolchain{Name: n, Kind: "image", GoVersion: "go1.26.8", HostArch: "amd64", Files: good, ReadFile: read("defaultAddrBits = 48 + 1\n"),
			Container: &record.Container{Image: "go-toolset:" + n, ImageDigest: "sha256:" + strings.Repeat(string(rune('a'+i)), 4)}}
		if i >= 2 {
			tc.Files, tc.ReadFile = bad, read("defaultAddrBits = 47\n")
		}
		toolchains = append(toolchains, tc)
	}
	a := only(t, compare.Analyze(cells, toolchains))
	require.Len(t, a.Builds, 1, "one difference between the same two builds")
	b := a.Builds[0]
	assert.Equal(t, "toolset-3", b.Bad)
	assert.Equal(t, "toolset-1", b.Good)
	assert.Equal(t, []record.BuildPair{{Bad: "toolset-3", Good: "toolset-2"}, {Bad: "toolset-4", Good: "toolset-1"}, {Bad: "toolset-4", Good: "toolset-2"}}, b.Also)
	require.NotNil(t, b.Files)
	assert.Equal(t, []string{"src/runtime/tagptr_64bit.go"}, b.Files.Changed)
	require.Len(t, b.Files.Diffs, 1)
	assert.Equal(t, 1, strings.Count(a.Summary, "src/runtime/tagptr_64bit.go differs (1 of 2 files)"), a.Summary)
	assert.Contains(t, a.Summary, "src/runtime/tagptr_64bit.go differs (1 of 2 files); the same files differ in the pairs toolset-3 vs toolset-2, toolset-4 vs toolset-1, toolset-4 vs toolset-2;")

	// A pair whose files differ otherwise is said apart.
	toolchains[3].Files = map[string]string{"src/runtime/tagptr_64bit.go": "h4", "src/runtime/proc.go": "h2"}
	toolchains[3].ReadFile = read("defaultAddrBits = 46\n")
	c := only(t, compare.Analyze(cells, toolchains))
	require.Len(t, c.Builds, 2)
	assert.Equal(t, []record.BuildPair{{Bad: "toolset-3", Good: "toolset-2"}}, c.Builds[0].Also)
	assert.Equal(t, "toolset-4", c.Builds[1].Bad)
	assert.Equal(t, []record.BuildPair{{Bad: "toolset-4", Good: "toolset-2"}}, c.Builds[1].Also)
}

// TestAnalyzePerTarget checks that each target is analysed apart and that
// probes take no part: the wrong answer this replaces paired a probe cell
// (no protobuf) with a reproducer cell and blamed protobuf, -cover and the
// target.
func TestAnalyzePerTarget(t *testing.T) {
	toolchains := [][2]string{{"local", "go1.26.8"}, {"injected", "go1.26.8"}}
	repro := runfixture.Grid(toolchains, []string{"v1.36.10"}, []bool{false, true}, []string{"repro"}, [][2]string{{"amd64", "amd64"}},
		func(a runfixture.AxisCell) record.Outcome {
			if a.Toolchain == "injected" {
				return record.Crash
			}
			return record.Pass
		})
	// The probe, before it was kept away from -cover, crashed in the
	// injected cover cell only; it must not count.
	probe := runfixture.Grid(toolchains, []string{""}, []bool{false, true}, []string{"env"}, [][2]string{{"amd64", "amd64"}},
		func(a runfixture.AxisCell) record.Outcome {
			if a.Toolchain == "injected" && a.Cover {
				return record.Crash
			}
			return record.Pass
		})
	for i := range probe {
		probe[i].TargetKind = "probe"
		probe[i].ProtobufLinked = ""
	}
	// The application crashes under -cover, whatever the toolchain.
	app := runfixture.Grid(toolchains, []string{"v1.33.0", "v1.36.10"}, []bool{false, true}, []string{"app"}, [][2]string{{"amd64", "amd64"}},
		func(a runfixture.AxisCell) record.Outcome {
			if a.Cover {
				return record.Fail
			}
			return record.Pass
		})
	all := slices.Concat(repro, probe, app)
	a := compare.Analyze(all, nil)
	require.Len(t, a.Targets, 2, "the probe takes no part")
	assert.Equal(t, "repro", a.Targets[0].Target)
	assert.Equal(t, "crash iff toolchain=injected", a.Targets[0].Failing)
	assert.Equal(t, "app", a.Targets[1].Target)
	assert.Equal(t, "fail iff cover=on", a.Targets[1].Failing)
	assert.Equal(t, "repro: crash iff toolchain=injected; same Go version, different build: injected (crash) and local (pass) are both go1.26.8; "+
		"they differ in no toolchain details were recorded; cover flag never changes the outcome; Go version, protobuf version and arch were not varied.\n"+
		"app: fail iff cover=on; toolchain and protobuf version never change the outcome; Go version and arch were not varied.", a.Summary)
	assert.Equal(t, "which axes matter for repro: "+a.Targets[0].Summary+"\nwhich axes matter for app: "+a.Targets[1].Summary+"\n", report.AnalysisLines(a))
	for _, ta := range a.Targets {
		for _, f := range ta.Axes {
			assert.NotContains(t, f.Values, "-", "%s: no value is 'none'", f.Axis)
		}
	}
	// Each target's analysis is what it is alone.
	assert.Equal(t, only(t, compare.Analyze(repro, nil)), a.Targets[0])
	assert.Equal(t, only(t, compare.Analyze(app, nil)), a.Targets[1])

	// Only probes: nothing to analyse.
	assert.Equal(t, "which axes matter: no cell of a program under test (probe targets take no part).\n", report.AnalysisLines(compare.Analyze(probe, nil)))
	// Every target passes: one line.
	passing := runfixture.Grid(toolchains, []string{"v1.36.10"}, []bool{false}, []string{"repro", "app"}, [][2]string{{"amd64", "amd64"}},
		func(runfixture.AxisCell) record.Outcome { return record.Pass })
	assert.Equal(t, "which axes matter: every compared cell passes (repro and app).\n", report.AnalysisLines(compare.Analyze(passing, nil)))
}

// TestAnalyzeNoProtobufIsNotAValue: a Dockerfile target asks for no
// protobuf version; "none" must never be a value of the protobuf axis.
func TestAnalyzeNoProtobufIsNotAValue(t *testing.T) {
	cells := runfixture.Grid([][2]string{{"a", "go1.25.3"}, {"b", "go1.25.5"}}, []string{""}, []bool{false, true}, []string{"image"},
		[][2]string{{"amd64", "arm64"}}, runfixture.Affected)
	for i := range cells {
		cells[i].ProtobufLinked = ""
	}
	// One cell linked a version (the Dockerfile's go.mod): still no axis.
	cells[0].ProtobufLinked = "v1.36.10"
	a := only(t, compare.Analyze(cells, nil))
	assert.False(t, slices.ContainsFunc(a.Axes, func(f record.AxisFinding) bool { return f.Axis == "protobuf" }))
	assert.NotContains(t, a.Summary, "protobuf")
	assert.Equal(t, "crash iff go < go1.25.5", a.Failing)
}

func TestAnalyzeDescriptions(t *testing.T) {
	toolchains := [][2]string{{"local", "go1.26.8"}, {"go1.27.3", "go1.27.3"}}
	protobufs := []string{"v1.36.10", "v1.36.12"}
	covers := []bool{false, true}
	targets := []string{"repro"}
	native := [][2]string{{"amd64", "amd64"}}
	tests := []struct {
		name        string
		cells       []record.Cell
		wantFailing string
		wantSummary string
		wantMatter  []string
	}{
		{
			name: "cover alone decides",
			cells: runfixture.Grid(toolchains, protobufs, covers, targets, native, func(a runfixture.AxisCell) record.Outcome {
				if a.Cover {
					return record.Crash
				}
				return record.Pass
			}),
			wantFailing: "crash iff cover=on",
			wantSummary: "crash iff cover=on; toolchain and protobuf version never change the outcome; arch was not varied.",
			wantMatter:  []string{"cover"},
		},
		{
			name: "a newer Go version regresses: the only build of it cannot be told from it",
			cells: runfixture.Grid(toolchains, protobufs, covers, targets, native, func(a runfixture.AxisCell) record.Outcome {
				if a.GoVersion == "go1.27.3" {
					return record.Fail
				}
				return record.Pass
			}),
			wantFailing: "fail iff go >= go1.27.3",
			wantSummary: "fail iff go >= go1.27.3, or equally iff toolchain=go1.27.3 (the cells cannot tell these apart); " +
				"to tell the Go version from the build, run go1.27.3_v1.36.10_cover_repro_amd64-on-amd64 with another build of go1.27.3, " +
				`e.g. the toolchain {"kind": "gotoolchain", "version": "go1.27.3"} or the image golang:1.27.3, next to go1.27.3: ` +
				"if it fails too, the Go version is to blame; if it passes, the build of go1.27.3 is; " +
				"protobuf version and cover flag never change the outcome; arch was not varied.",
			wantMatter: []string{"toolchain", "goVersion"},
		},
		{
			name: "one protobuf version, in a set of three",
			cells: runfixture.Grid(toolchains[:1], []string{"v1.33.0", "v1.36.10", "v1.36.12"}, covers, targets, native,
				func(a runfixture.AxisCell) record.Outcome {
					if a.Protobuf != "v1.36.10" && a.Cover {
						return record.Timeout
					}
					return record.Pass
				}),
			wantFailing: "timeout iff protobuf != v1.36.10 and cover=on",
			wantSummary: "timeout iff protobuf != v1.36.10 and cover=on; toolchain, Go version and arch were not varied.",
			wantMatter:  []string{"protobuf", "cover"},
		},
		{
			name: "mixed outcomes in natively built cells",
			cells: runfixture.Grid(toolchains[:1], protobufs[:1], covers[:1], targets, [][2]string{{"amd64", "amd64"}, {"arm64", "amd64"}, {"386", "amd64"}},
				func(a runfixture.AxisCell) record.Outcome {
					if a.BinaryArch == "amd64" {
						return record.Crash
					}
					return record.Pass
				}),
			wantFailing: "crash iff arch=amd64/amd64",
			wantSummary: "crash iff arch=amd64/amd64; toolchain, Go version, protobuf version and cover flag were not varied.",
			wantMatter:  []string{"arch"},
		},
		{
			name: "every cell passes",
			cells: runfixture.Grid(toolchains, protobufs, covers[:1], targets, native, func(runfixture.AxisCell) record.Outcome {
				return record.Pass
			}),
			wantFailing: "every compared cell passes",
			wantSummary: "every compared cell passes; toolchain and protobuf version never change the outcome; cover flag and arch were not varied.",
		},
		{
			name: "every cell crashes or times out",
			cells: runfixture.Grid(toolchains[:1], protobufs, covers[:1], targets, native, func(a runfixture.AxisCell) record.Outcome {
				if a.Protobuf == "v1.36.12" {
					return record.Timeout
				}
				return record.Crash
			}),
			wantFailing: "crash or timeout in every compared cell",
			wantSummary: "crash or timeout in every compared cell; protobuf version changes the outcome; toolchain, Go version, cover flag and arch were not varied.",
			wantMatter:  []string{"protobuf"},
		},
		{
			name: "no simple description: crash iff exactly one of cover and protobuf",
			cells: runfixture.Grid(toolchains[:1], protobufs, covers, targets, native, func(a runfixture.AxisCell) record.Outcome {
				if a.Cover != (a.Protobuf == "v1.36.12") {
					return record.Crash
				}
				return record.Pass
			}),
			wantFailing: "no simple description; failing cells: (protobuf=v1.36.10, cover=on), (protobuf=v1.36.12, cover=off)",
			wantSummary: "no simple description; failing cells: (protobuf=v1.36.10, cover=on), (protobuf=v1.36.12, cover=off); " +
				"protobuf version changes the outcome; cover flag changes the outcome; toolchain, Go version and arch were not varied.",
			wantMatter: []string{"protobuf", "cover"},
		},
		{
			name: "no emulator: the foreign cells are unavailable and left out",
			cells: runfixture.Grid(toolchains, protobufs, covers, targets, [][2]string{{"amd64", "amd64"}, {"arm64", "amd64"}}, func(a runfixture.AxisCell) record.Outcome {
				if a.BinaryArch == "arm64" {
					return record.Unavailable
				}
				return record.Pass
			}),
			wantFailing: "every compared cell passes",
			wantSummary: "every compared cell passes; toolchain, protobuf version and cover flag never change the outcome; " +
				"arch was not varied; 8 unavailable cells were left out.",
		},
		{
			name: "axes never varied alone: the description is a correlation",
			cells: []record.Cell{
				(runfixture.AxisCell{Toolchain: "t1", GoVersion: "go1.26.8", Protobuf: "v1.36.10", Target: "repro", BinaryArch: "amd64", HostArch: "amd64", Outcome: record.Pass}).Cell(),
				(runfixture.AxisCell{Toolchain: "t2", GoVersion: "go1.26.8", Protobuf: "v1.36.12", Target: "repro", BinaryArch: "amd64", HostArch: "amd64", Outcome: record.Crash}).Cell(),
				(runfixture.AxisCell{Toolchain: "t1", GoVersion: "go1.26.8", Protobuf: "v1.36.12", Cover: true, Target: "repro", BinaryArch: "amd64", HostArch: "amd64", Outcome: record.Pass}).Cell(),
			},
			wantFailing: "crash iff toolchain=t2",
			wantSummary: "crash iff toolchain=t2; protobuf version and cover flag were never varied alone; Go version and arch were not varied.",
		},
		{
			name:        "nothing ran",
			cells:       []record.Cell{{ID: "a", Target: "repro", Outcome: record.Unavailable}, {ID: "b", Target: "repro", Outcome: record.BuildError}, {ID: "c", Target: "repro", Outcome: record.Unavailable}},
			wantFailing: "",
			wantSummary: "build-error in every cell; 2 unavailable cells were left out.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := only(t, compare.Analyze(tt.cells, nil))
			assert.Equal(t, tt.wantFailing, a.Failing)
			assert.Equal(t, tt.wantSummary, a.Summary)
			var matter []string
			for _, f := range a.Axes {
				if f.Matters {
					matter = append(matter, f.Axis)
					assert.NotEmpty(t, f.Pairs, f.Axis)
				} else {
					assert.Empty(t, f.Pairs, f.Axis)
				}
			}
			assert.Equal(t, tt.wantMatter, matter)
		})
	}
}

func TestAnalyzeDescribesBuildErrorsApart(t *testing.T) {
	cells := runfixture.PostmortemCells()
	// The go1.24.6 toolchain cannot build with -cover, and an engine was
	// missing for the arm64 builds of go1.25.3: the build errors are
	// described apart, the unavailable cells say nothing about the code,
	// and the description of the crashes is unchanged.
	for i, c := range cells {
		switch {
		case c.Toolchain == "ubi9-go-1.24" && c.Cover:
			cells[i].Outcome = record.BuildError
		case c.Toolchain == "ubi9-go-1.25" && c.BinaryArch == "arm64":
			cells[i].Outcome = record.Unavailable
		}
	}
	a := only(t, compare.Analyze(cells, nil))
	assert.Equal(t, "crash iff binaryArch != hostArch and go < go1.25.5", a.Failing)
	assert.Equal(t, "build-error iff go < go1.25.3 and cover=on", a.BuildErrors)
	assert.True(t, strings.HasSuffix(a.Summary, "; build-error iff go < go1.25.3 and cover=on; protobuf version never changes the outcome; 4 unavailable cells were left out."), a.Summary)
	// Only pairs of cells that both ran count: 2 of go1.24.6 (without
	// -cover), none of go1.25.3, 4 of go1.25.5.
	assert.Equal(t, 6, findingOf(t, a, "arch").Compared)
}

// A target whose only failure is a build error never "passes": the
// analysis names the build errors and what crashed while preparing.
func TestAnalyzeBuildErrors(t *testing.T) {
	crash := &record.BuildCrash{Stage: "prepare", Command: "go generate ./...", Program: "a program built by the toolchain",
		Signature: "fatal error: taggedPointerPack in runtime.netpollopen"}
	cell := func(tc string, o record.Outcome, bc *record.BuildCrash) record.Cell {
		c := (runfixture.AxisCell{Toolchain: tc, GoVersion: "go1.26.8", Protobuf: "v1.36.10", Target: "svc", BinaryArch: "amd64", HostArch: "amd64", Outcome: o}).Cell()
		c.BuildCrash = bc
		return c
	}
	tests := []struct {
		name        string
		cells       []record.Cell
		wantFailing string
		wantSummary string
	}{
		{
			name:        "the other cell passes",
			cells:       []record.Cell{cell("local", record.Pass, nil), cell("patched", record.BuildError, crash)},
			wantFailing: "build-error iff toolchain=patched",
			wantSummary: "build-error iff toolchain=patched (a program built by the toolchain crashed while preparing: taggedPointerPack in runtime.netpollopen); every cell that built passes; same Go version, different build: patched (build-error) and local (pass) are both go1.26.8; they differ in no toolchain details were recorded; Go version, protobuf version, cover flag and arch were not varied.",
		},
		{
			name: "the cell that builds is another Go version",
			cells: []record.Cell{
				(runfixture.AxisCell{Toolchain: "go1.27.3", GoVersion: "go1.27.3", Protobuf: "v1.36.10", Target: "svc", BinaryArch: "amd64", HostArch: "amd64", Outcome: record.Pass}).Cell(),
				cell("patched", record.BuildError, crash),
			},
			// Toolchain and Go version vary together: either names the
			// cells; neither is "not varied".
			wantFailing: "build-error iff go < go1.27.3",
			wantSummary: "build-error iff go < go1.27.3 (a program built by the toolchain crashed while preparing: taggedPointerPack in runtime.netpollopen); every cell that built passes; protobuf version, cover flag and arch were not varied.",
		},
		{
			name:        "the other cell crashes",
			cells:       []record.Cell{cell("local", record.Crash, nil), cell("patched", record.BuildError, nil)},
			wantFailing: "crash in every compared cell",
			wantSummary: "crash in every compared cell; build-error iff toolchain=patched; same Go version, different build: patched (build-error) and local (crash) are both go1.26.8; they differ in no toolchain details were recorded; Go version, protobuf version, cover flag and arch were not varied.",
		},
		{
			name:        "no cell built",
			cells:       []record.Cell{cell("patched", record.BuildError, crash), {ID: "u", Target: "svc", Outcome: record.Unavailable}},
			wantFailing: "",
			wantSummary: "build-error in every cell (a program built by the toolchain crashed while preparing: taggedPointerPack in runtime.netpollopen); 1 unavailable cell was left out.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			an := compare.Analyze(tt.cells, nil)
			a := only(t, an)
			assert.False(t, a.Passed)
			assert.Equal(t, tt.wantFailing, a.Failing)
			assert.Equal(t, tt.wantSummary, a.Summary)
			assert.NotContains(t, an.Summary, "every compared cell passes")
			assert.Equal(t, "svc: "+tt.wantSummary, an.Summary)
		})
	}
}

func TestAnalyzeUnvariedAxes(t *testing.T) {
	cells := []record.Cell{(runfixture.AxisCell{Toolchain: "local", GoVersion: "go1.26.8", Protobuf: "v1.36.10", Target: "repro",
		BinaryArch: "amd64", HostArch: "amd64", Outcome: record.Crash}).Cell()}
	a := only(t, compare.Analyze(cells, nil))
	assert.Equal(t, "crash in every compared cell", a.Failing)
	assert.Equal(t, "crash in every compared cell; toolchain, Go version, protobuf version, cover flag and arch were not varied.", a.Summary)
	for _, f := range a.Axes {
		assert.False(t, f.Matters)
		assert.Zero(t, f.Compared)
		assert.Len(t, f.Values, 1)
	}
	assert.Equal(t, []string{"off"}, findingOf(t, a, "cover").Values)
}

func TestAnalyzeUsesLinkedProtobuf(t *testing.T) {
	// Asking for v1.33.0 linked v1.36.10 (MVS): both cells linked the same
	// version, so protobuf was not varied at all.
	cells := []record.Cell{
		{ID: "a", Target: "t", Protobuf: "v1.33.0", ProtobufLinked: "v1.36.10", Outcome: record.Pass},
		{ID: "b", Target: "t", Protobuf: "v1.36.10", ProtobufLinked: "v1.36.10", Outcome: record.Pass},
	}
	assert.Equal(t, []string{"v1.36.10"}, findingOf(t, only(t, compare.Analyze(cells, nil)), "protobuf").Values)
	// Without a linked version the asked one counts.
	cells[0].ProtobufLinked = ""
	assert.Equal(t, []string{"v1.33.0", "v1.36.10"}, findingOf(t, only(t, compare.Analyze(cells, nil)), "protobuf").Values)
}

func TestAnalyzeSeparatingCellFromTheRun(t *testing.T) {
	// An arm64 image toolchain was only ever run on arm64, the local one
	// only natively: "the arch" and "that toolchain" fit equally, and a
	// cell of values the run has (local, emulated) tells them apart.
	cells := []record.Cell{
		(runfixture.AxisCell{Toolchain: "local", GoVersion: "go1.26.8", Protobuf: "v1.36.10", Target: "repro", BinaryArch: "amd64", HostArch: "amd64", Outcome: record.Pass}).Cell(),
		(runfixture.AxisCell{Toolchain: "local", GoVersion: "go1.26.8", Protobuf: "v1.36.10", Cover: true, Target: "repro", BinaryArch: "amd64", HostArch: "amd64", Outcome: record.Pass}).Cell(),
		(runfixture.AxisCell{Toolchain: "img-arm64", GoVersion: "go1.26.8", Protobuf: "v1.36.10", Target: "repro", BinaryArch: "arm64", HostArch: "amd64", Outcome: record.Crash}).Cell(),
		(runfixture.AxisCell{Toolchain: "img-arm64", GoVersion: "go1.26.8", Protobuf: "v1.36.10", Cover: true, Target: "repro", BinaryArch: "arm64", HostArch: "amd64", Outcome: record.Crash}).Cell(),
	}
	a := only(t, compare.Analyze(cells, nil))
	assert.Equal(t, "crash iff binaryArch != hostArch", a.Failing)
	require.Len(t, a.Alternatives, 1)
	assert.Equal(t, "crash iff toolchain=img-arm64", a.Alternatives[0].Failing)
	assert.Equal(t, "to tell them apart, run a cell like img-arm64_v1.36.10_cover_repro_arm64-on-amd64 with arch=amd64/amd64: "+
		"it passes if binaryArch != hostArch is right, and crashes if toolchain=img-arm64 is", a.Alternatives[0].Separating)
}
