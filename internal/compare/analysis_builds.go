package compare

import (
	"cmp"
	"reflect"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// buildDifferences lists the pairs of toolchains of one Go version whose
// cells differ in the toolchain alone and in the outcome, with where the
// two builds differ according to toolchains (the run's records). A pair
// whose files differ exactly as an earlier pair's is named in that one's
// Also, never said again.
func (tc *targetCells) buildDifferences(toolchains []record.Toolchain) []record.BuildDifference {
	pairs := slices.Clone(tc.builds)
	slices.SortFunc(pairs, func(p, q record.CellPair) int {
		return cmp.Or(strings.Compare(p.A, q.A), strings.Compare(p.B, q.B))
	})
	var out []record.BuildDifference
	for _, p := range pairs {
		pair := record.BuildPair{Bad: p.ValueA, Good: p.ValueB}
		if slices.ContainsFunc(out, func(b record.BuildDifference) bool {
			return (b.Bad == pair.Bad && b.Good == pair.Good) || slices.Contains(b.Also, pair)
		}) {
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
		if i := slices.IndexFunc(out, func(o record.BuildDifference) bool { return sameFileDifference(o, b) }); i >= 0 {
			out[i].Also = append(out[i].Also, pair)
			continue
		}
		b.Differences = buildDifferenceLines(badTC, goodTC, b)
		out = append(out, b)
	}
	return out
}

// sameFileDifference reports whether a and b are one difference between
// the same two builds under other names: the same Go version and
// outcomes, and exactly the same files differ, with the same diffs. Pairs
// whose GOROOTs were not both listed are never the same.
func sameFileDifference(a, b record.BuildDifference) bool {
	return a.Files != nil && b.Files != nil && a.GoVersion == b.GoVersion &&
		a.BadOutcome == b.BadOutcome && a.GoodOutcome == b.GoodOutcome && reflect.DeepEqual(a.Files, b.Files)
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
