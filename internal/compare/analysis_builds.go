package compare

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
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
			Differences: toolchainDifferences(badTC, goodTC),
			Files:       FileDifference(badTC, goodTC),
		}
		if b.Files != nil {
			if len(b.Files.Changed)+len(b.Files.OnlyBad)+len(b.Files.OnlyGood) > 0 && strings.HasPrefix(b.Differences[0], "nothing recorded differs") {
				b.Differences = nil
			}
			b.Differences = append(b.Differences, FileDifferenceText(b.Files, b.Bad, b.Good))
		}
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

// toolchainDifferences says where two builds differ: kind, GOROOT,
// experiments, images and digests, go env.
func toolchainDifferences(a, b *record.Toolchain) []string {
	if a == nil || b == nil {
		return []string{"no toolchain details were recorded"}
	}
	var out []string
	add := func(what, x, y string) {
		if x != y {
			out = append(out, fmt.Sprintf("%s %s vs %s", what, orDash(x), orDash(y)))
		}
	}
	add("kind", a.Kind, b.Kind)
	add("GOROOT", a.GOROOT, b.GOROOT)
	add("GOEXPERIMENT suffix", a.Experiments, b.Experiments)
	var ca, cb record.Container
	if a.Container != nil {
		ca = *a.Container
	}
	if b.Container != nil {
		cb = *b.Container
	}
	add("builder image", ca.Image, cb.Image)
	add("builder image ID", ca.ImageID, cb.ImageID)
	add("builder image digest", ca.ImageDigest, cb.ImageDigest)
	add("runtime image digest", ca.RuntimeImageDigest, cb.RuntimeImageDigest)
	keys := slices.Sorted(maps.Keys(a.GoEnv))
	for k := range b.GoEnv {
		if _, ok := a.GoEnv[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		add(k, a.GoEnv[k], b.GoEnv[k])
	}
	if len(out) == 0 {
		return []string{"nothing recorded differs (kind, GOROOT, images and go env are the same)"}
	}
	return out
}

// buildSentence says what b means in one clause of a summary.
func buildSentence(b record.BuildDifference) string {
	return fmt.Sprintf("same Go version, different build: %s (%s) and %s (%s) are both %s; they differ in %s",
		b.Bad, b.BadOutcome, b.Good, b.GoodOutcome, orDash(b.GoVersion), strings.Join(b.Differences, ", "))
}
