package results

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// axisCell is the values of one synthetic cell; its ID is derived from them.
type axisCell struct {
	toolchain, goVersion, protobuf string
	cover                          bool
	target, binaryArch, hostArch   string
	outcome                        Outcome
}

func (a axisCell) cell() Cell {
	cover := "nocover"
	if a.cover {
		cover = "cover"
	}
	return Cell{
		ID:        fmt.Sprintf("%s_%s_%s_%s_%s-on-%s", a.toolchain, a.protobuf, cover, a.target, a.binaryArch, a.hostArch),
		Toolchain: a.toolchain, GoVersion: a.goVersion, Protobuf: a.protobuf, ProtobufLinked: a.protobuf, Cover: a.cover,
		Target: a.target, BinaryArch: a.binaryArch, HostArch: a.hostArch, GOOS: "linux", Outcome: a.outcome,
	}
}

// grid returns the cells of every combination of the given axis values,
// with the outcome decided by outcome.
func grid(toolchains [][2]string, protobufs []string, covers []bool, targets []string, arches [][2]string, outcome func(axisCell) Outcome) []Cell {
	var cells []Cell
	for _, tc := range toolchains {
		for _, pb := range protobufs {
			for _, cover := range covers {
				for _, target := range targets {
					for _, arch := range arches {
						a := axisCell{toolchain: tc[0], goVersion: tc[1], protobuf: pb, cover: cover, target: target,
							binaryArch: arch[0], hostArch: arch[1]}
						a.outcome = outcome(a)
						cells = append(cells, a.cell())
					}
				}
			}
		}
	}
	return cells
}

// postmortemCells is the DOMAIN's case on an Apple Silicon Mac: amd64
// binaries emulated on arm64 crash with Go before 1.25.5; protobuf and
// -cover are bystanders.
func postmortemCells() []Cell {
	return grid(
		[][2]string{{"ubi9-go-1.24", "go1.24.6"}, {"ubi9-go-1.25", "go1.25.3"}, {"golang-1.25-bookworm", "go1.25.5"}},
		[]string{"v1.33.0", "v1.36.10"}, []bool{false, true}, []string{"repro"},
		[][2]string{{"amd64", "arm64"}, {"arm64", "arm64"}},
		func(a axisCell) Outcome {
			if a.binaryArch != a.hostArch && a.goVersion != "go1.25.5" {
				return Crash
			}
			return Pass
		})
}

func findingOf(t *testing.T, a *Analysis, axis string) AxisFinding {
	t.Helper()
	i := slices.IndexFunc(a.Axes, func(f AxisFinding) bool { return f.Axis == axis })
	require.GreaterOrEqual(t, i, 0, "axis %s", axis)
	return a.Axes[i]
}

func TestAnalyzePostmortem(t *testing.T) {
	cells := postmortemCells()
	a := Analyze(cells)
	assert.Equal(t, "crash iff binaryArch != hostArch and go < go1.25.5", a.Failing)
	assert.Equal(t, "crash iff binaryArch != hostArch and go < go1.25.5; toolchain matters only through Go version; "+
		"protobuf version and cover flag never change the outcome; target was not varied.", a.Summary)

	var axes []string
	for _, f := range a.Axes {
		axes = append(axes, f.Axis)
	}
	assert.Equal(t, []string{"toolchain", "goVersion", "protobuf", "cover", "target", "arch"}, axes)

	arch := findingOf(t, a, "arch")
	assert.True(t, arch.Matters)
	assert.Equal(t, []string{"amd64/arm64", "arm64/arm64"}, arch.Values)
	assert.Equal(t, 12, arch.Compared)
	assert.Equal(t, 8, arch.Changed)
	require.Len(t, arch.Pairs, 3)
	assert.Equal(t, CellPair{
		A: "ubi9-go-1.24_v1.33.0_cover_repro_amd64-on-arm64", B: "ubi9-go-1.24_v1.33.0_cover_repro_arm64-on-arm64",
		ValueA: "amd64/arm64", ValueB: "arm64/arm64", OutcomeA: Crash, OutcomeB: Pass,
	}, arch.Pairs[0])

	// The Go version changes with the toolchain, so comparing along it lets
	// the toolchain change too.
	goVersion := findingOf(t, a, "goVersion")
	assert.True(t, goVersion.Matters)
	assert.Equal(t, []string{"go1.24.6", "go1.25.3", "go1.25.5"}, goVersion.Values)
	assert.Equal(t, []string{"toolchain"}, goVersion.With)
	assert.Equal(t, []string{"goVersion"}, findingOf(t, a, "toolchain").With)
	assert.Empty(t, arch.With)
	assert.Equal(t, 24, goVersion.Compared) // 3 version pairs × 8 other combinations
	assert.Equal(t, 8, goVersion.Changed)   // 2 crashing versions × go1.25.5 × 4 emulated combinations
	for _, p := range goVersion.Pairs {
		assert.Equal(t, Crash, p.OutcomeA)
		assert.Equal(t, "go1.25.5", p.ValueB)
	}

	for _, axis := range []string{"protobuf", "cover"} {
		f := findingOf(t, a, axis)
		assert.False(t, f.Matters, axis)
		assert.Equal(t, 12, f.Compared, axis)
		assert.Zero(t, f.Changed, axis)
		assert.Empty(t, f.Pairs, axis)
	}
	target := findingOf(t, a, "target")
	assert.Equal(t, AxisFinding{Axis: "target", Values: []string{"repro"}}, target)

	// Deterministic: the order of the cells does not matter.
	reversed := slices.Clone(cells)
	slices.Reverse(reversed)
	assert.Equal(t, a, Analyze(reversed))
}

func TestAnalyzeDescriptions(t *testing.T) {
	toolchains := [][2]string{{"local", "go1.26.8"}, {"go1.27.3", "go1.27.3"}}
	protobufs := []string{"v1.36.10", "v1.36.12"}
	covers := []bool{false, true}
	targets := []string{"repro"}
	native := [][2]string{{"amd64", "amd64"}}
	tests := []struct {
		name        string
		cells       []Cell
		wantFailing string
		wantSummary string
		wantMatter  []string
	}{
		{
			name: "cover alone decides",
			cells: grid(toolchains, protobufs, covers, targets, native, func(a axisCell) Outcome {
				if a.cover {
					return Crash
				}
				return Pass
			}),
			wantFailing: "crash iff cover=on",
			wantSummary: "crash iff cover=on; toolchain, Go version and protobuf version never change the outcome; target and arch were not varied.",
			wantMatter:  []string{"cover"},
		},
		{
			name: "a newer Go version regresses",
			cells: grid(toolchains, protobufs, covers, targets, native, func(a axisCell) Outcome {
				if a.goVersion == "go1.27.3" {
					return Fail
				}
				return Pass
			}),
			wantFailing: "fail iff go >= go1.27.3",
			wantSummary: "fail iff go >= go1.27.3; toolchain matters only through Go version; protobuf version and cover flag never change the outcome; target and arch were not varied.",
			wantMatter:  []string{"toolchain", "goVersion"},
		},
		{
			name: "one protobuf version, in a set of three",
			cells: grid(toolchains[:1], []string{"v1.33.0", "v1.36.10", "v1.36.12"}, covers[:1], []string{"repro", "app"}, native,
				func(a axisCell) Outcome {
					if a.protobuf != "v1.36.10" && a.target == "app" {
						return Timeout
					}
					return Pass
				}),
			wantFailing: "timeout iff protobuf != v1.36.10 and target=app",
			wantSummary: "timeout iff protobuf != v1.36.10 and target=app; toolchain, Go version, cover flag and arch were not varied.",
			wantMatter:  []string{"protobuf", "target"},
		},
		{
			name: "mixed outcomes in natively built cells",
			cells: grid(toolchains[:1], protobufs[:1], covers[:1], targets, [][2]string{{"amd64", "amd64"}, {"arm64", "amd64"}, {"386", "amd64"}},
				func(a axisCell) Outcome {
					if a.binaryArch == "amd64" {
						return Crash
					}
					return Pass
				}),
			wantFailing: "crash iff arch=amd64/amd64",
			wantSummary: "crash iff arch=amd64/amd64; toolchain, Go version, protobuf version, cover flag and target were not varied.",
			wantMatter:  []string{"arch"},
		},
		{
			name: "every cell passes",
			cells: grid(toolchains, protobufs, covers[:1], targets, native, func(axisCell) Outcome {
				return Pass
			}),
			wantFailing: "every compared cell passes",
			wantSummary: "every compared cell passes; toolchain, Go version and protobuf version never change the outcome; cover flag, target and arch were not varied.",
		},
		{
			name: "every cell crashes or times out",
			cells: grid(toolchains[:1], protobufs, covers[:1], targets, native, func(a axisCell) Outcome {
				if a.protobuf == "v1.36.12" {
					return Timeout
				}
				return Crash
			}),
			wantFailing: "crash or timeout in every compared cell",
			wantSummary: "crash or timeout in every compared cell; protobuf version changes the outcome; toolchain, Go version, cover flag, target and arch were not varied.",
			wantMatter:  []string{"protobuf"},
		},
		{
			name: "no simple description: crash iff exactly one of cover and protobuf",
			cells: grid(toolchains[:1], protobufs, covers, targets, native, func(a axisCell) Outcome {
				if a.cover != (a.protobuf == "v1.36.12") {
					return Crash
				}
				return Pass
			}),
			wantFailing: "no simple description; failing cells: (protobuf=v1.36.10, cover=on), (protobuf=v1.36.12, cover=off)",
			wantSummary: "no simple description; failing cells: (protobuf=v1.36.10, cover=on), (protobuf=v1.36.12, cover=off); " +
				"protobuf version changes the outcome; cover flag changes the outcome; toolchain, Go version, target and arch were not varied.",
			wantMatter: []string{"protobuf", "cover"},
		},
		{
			name: "no emulator: the foreign cells are unavailable and left out",
			cells: grid(toolchains, protobufs, covers, targets, [][2]string{{"amd64", "amd64"}, {"arm64", "amd64"}}, func(a axisCell) Outcome {
				if a.binaryArch == "arm64" {
					return Unavailable
				}
				return Pass
			}),
			wantFailing: "every compared cell passes",
			wantSummary: "every compared cell passes; toolchain, Go version, protobuf version and cover flag never change the outcome; " +
				"target and arch were not varied; 8 unavailable cells were left out.",
		},
		{
			name: "axes never varied alone: the description is a correlation",
			cells: []Cell{
				(axisCell{toolchain: "t1", goVersion: "go1.26.8", protobuf: "v1.36.10", target: "repro", binaryArch: "amd64", hostArch: "amd64", outcome: Pass}).cell(),
				(axisCell{toolchain: "t2", goVersion: "go1.26.8", protobuf: "v1.36.12", target: "repro", binaryArch: "amd64", hostArch: "amd64", outcome: Crash}).cell(),
				(axisCell{toolchain: "t1", goVersion: "go1.26.8", protobuf: "v1.36.12", cover: true, target: "repro", binaryArch: "amd64", hostArch: "amd64", outcome: Pass}).cell(),
			},
			wantFailing: "crash iff toolchain=t2",
			wantSummary: "crash iff toolchain=t2; toolchain, protobuf version and cover flag were never varied alone; Go version, target and arch were not varied.",
		},
		{
			name:        "nothing ran",
			cells:       []Cell{{ID: "a", Outcome: Unavailable}, {ID: "b", Outcome: BuildError}, {ID: "c", Outcome: Unavailable}},
			wantFailing: "",
			wantSummary: "no cell ran to compare; 1 build-error and 2 unavailable cells were left out.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Analyze(tt.cells)
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

func TestAnalyzeExcludesBuildErrorsAndUnavailable(t *testing.T) {
	cells := postmortemCells()
	// The go1.24.6 toolchain cannot build with -cover, and an engine was
	// missing for the arm64 builds of go1.25.3: neither says anything about
	// the code, so the description is unchanged.
	for i, c := range cells {
		switch {
		case c.Toolchain == "ubi9-go-1.24" && c.Cover:
			cells[i].Outcome = BuildError
		case c.Toolchain == "ubi9-go-1.25" && c.BinaryArch == "arm64":
			cells[i].Outcome = Unavailable
		}
	}
	a := Analyze(cells)
	assert.Equal(t, "crash iff binaryArch != hostArch and go < go1.25.5", a.Failing)
	assert.Equal(t, "crash iff binaryArch != hostArch and go < go1.25.5; toolchain matters only through Go version; "+
		"protobuf version and cover flag never change the outcome; target was not varied; "+
		"4 build-error and 4 unavailable cells were left out.", a.Summary)
	// Only pairs of cells that both ran count: 2 of go1.24.6 (without
	// -cover), none of go1.25.3, 4 of go1.25.5.
	assert.Equal(t, 6, findingOf(t, a, "arch").Compared)
}

func TestAnalyzeUnvariedAxes(t *testing.T) {
	cells := []Cell{(axisCell{toolchain: "local", goVersion: "go1.26.8", protobuf: "v1.36.10", target: "repro",
		binaryArch: "amd64", hostArch: "amd64", outcome: Crash}).cell()}
	a := Analyze(cells)
	assert.Equal(t, "crash in every compared cell", a.Failing)
	assert.Equal(t, "crash in every compared cell; toolchain, Go version, protobuf version, cover flag, target and arch were not varied.", a.Summary)
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
	cells := []Cell{
		{ID: "a", Protobuf: "v1.33.0", ProtobufLinked: "v1.36.10", Outcome: Pass},
		{ID: "b", Protobuf: "v1.36.10", ProtobufLinked: "v1.36.10", Outcome: Pass},
	}
	assert.Equal(t, []string{"v1.36.10"}, findingOf(t, Analyze(cells), "protobuf").Values)
	// Without a linked version the asked one counts.
	cells[0].ProtobufLinked = ""
	assert.Equal(t, []string{"v1.33.0", "v1.36.10"}, findingOf(t, Analyze(cells), "protobuf").Values)
}

func TestMarkdownAnalysisGolden(t *testing.T) {
	run := sampleRun()
	run.Cells = postmortemCells()
	run.Analysis = Analyze(run.Cells)

	var section strings.Builder
	writeMarkdownAnalysis(&section, run.Analysis)
	checkGolden(t, "analysis.md.golden", []byte(section.String()))

	// In the Markdown report the section comes right after the pivot
	// tables and their legend.
	var md bytes.Buffer
	require.NoError(t, WriteMarkdown(&md, run, nil))
	assert.Contains(t, md.String(), "the crash signature (below)\n"+section.String())

	var doc bytes.Buffer
	require.NoError(t, WriteJSON(&doc, run))
	assert.Contains(t, doc.String(), `"failing": "crash iff binaryArch != hostArch and go < go1.25.5"`)

	// A run without an analysis (an older results.json) has no section.
	run.Analysis = nil
	md.Reset()
	require.NoError(t, WriteMarkdown(&md, run, nil))
	assert.NotContains(t, md.String(), "Which axes matter")
}
