package compare

import (
	"cmp"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// buildDifferences lists the pairs of toolchains of one Go version whose
// cells differ in the toolchain alone and in the outcome, with where the
// two builds differ according to toolchains (the run's records).
func (tc *targetCells) buildDifferences(toolchains []record.Toolchain) []record.BuildDifference {
	pairs := slices.Clone(tc.builds)
	slices.SortFunc(pairs, func(p, q record.CellPair) int {
		return cmp.Or(strings.Compare(p.A, q.A), strings.Compare(p.B, q.B))
	})
	var out []record.BuildDifference
	for _, p := range pairs {
		if slices.ContainsFunc(out, func(b record.BuildDifference) bool { return b.Bad == p.ValueA && b.Good == p.ValueB }) {
			continue
		}
		bad, good := tc.cellByID(p.A), tc.cellByID(p.B)
		badTC, goodTC := findToolchain(toolchains, bad), findToolchain(toolchains, good)
		b := record.BuildDifference{
			GoVersion:   bad.GoVersion,
			Bad:         p.ValueA,
			Good:        p.ValueB,
			BadOutcome:  p.OutcomeA,
			GoodOutcome: p.OutcomeB,
			Files:       FileDifference(badTC, goodTC),
		}
		b.Differences = buildDifferenceLines(badTC, goodTC, b)
		out = append(out, b)
	}
	return out
}

// cellByID returns the compared or build-error cell with id.
func (tc *targetCells) cellByID(id string) record.Cell {
	if i := slices.IndexFunc(tc.ran, func(c record.Cell) bool { return c.ID == id }); i >= 0 {
		return tc.ran[i]
	}
	return tc.broken[slices.IndexFunc(tc.broken, func(c record.Cell) bool { return c.ID == id })]
}

// findToolchain returns the record of c's toolchain as resolved where c
// ran, or nil when the run has none (runs recorded before toolchains
// were).
func findToolchain(toolchains []record.Toolchain, c record.Cell) *record.Toolchain {
	var byName *record.Toolchain
	for i, t := range toolchains {
		if t.Name != c.Toolchain {
			continue
		}
		if t.HostArch == "" || t.HostArch == c.HostArch {
			return &toolchains[i]
		}
		if byName == nil {
			byName = &toolchains[i]
		}
	}
	return byName
}

// buildDifferenceLines says where the bad and the good build of b differ:
// in their records (wording.ToolchainDifferences), then in their files when both
// GOROOTs' manifests were recorded.
func buildDifferenceLines(bad, good *record.Toolchain, b record.BuildDifference) []string {
	if bad == nil || good == nil {
		return []string{wording.NoToolchainDetails()}
	}
	lines := wording.ToolchainDifferences(bad, good)
	filesDiffer := b.Files != nil && len(b.Files.Changed)+len(b.Files.OnlyBad)+len(b.Files.OnlyGood) > 0
	if len(lines) == 0 && !filesDiffer {
		lines = []string{wording.NothingDiffers()}
	}
	if b.Files != nil {
		lines = append(lines, wording.FileDifference(b.Files, b.Bad, b.Good))
	}
	return lines
}
