package compare

import (
	"cmp"
	"go/version"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
	"golang.org/x/mod/semver"
)

// maxProvingPairs is how many proving pairs an AxisFinding keeps.
const maxProvingPairs = 3

// maxListedCells is how many failing cells "no simple description" lists.
const maxListedCells = 8

// maxAlternatives is how many alternative descriptions are kept.
const maxAlternatives = 3

// axis is one dimension of a target's cells as the analysis sees it.
type axis struct {
	key   string // the AxisFinding.Axis name; wording names it
	value func(record.Cell) string
	order func(a, b string) int
	// with are the keys of the axes that always change with this one.
	with []string
}

// The keys of the axes.
const (
	axisToolchain = "toolchain"
	axisGo        = "goVersion"
	axisProtobuf  = "protobuf"
	axisCover     = "cover"
	axisArch      = "arch"
)

// analysisAxes returns the axes in the order of TargetAnalysis.Axes;
// protobuf only when withProtobuf.
func analysisAxes(withProtobuf bool) []axis {
	axes := []axis{
		{axisToolchain, func(c record.Cell) string { return wording.OrDash(c.Toolchain) }, strings.Compare, []string{axisGo}},
		{axisGo, func(c record.Cell) string { return wording.OrDash(c.GoVersion) }, compareGoVersions, []string{axisToolchain}},
		{axisProtobuf, protobufValue, compareSemver, nil},
		{axisCover, record.CoverColumn, strings.Compare, nil},
		{axisArch, func(c record.Cell) string { return wording.OrDash(c.BinaryArch) + "/" + wording.OrDash(c.HostArch) }, strings.Compare, nil},
	}
	if !withProtobuf {
		axes = slices.DeleteFunc(axes, func(a axis) bool { return a.key == axisProtobuf })
	}
	return axes
}

// protobufValue is a cell's value of the protobuf axis: the version linked
// when known, else the one asked for, else "" (none).
func protobufValue(c record.Cell) string {
	return cmp.Or(c.ProtobufLinked, c.Protobuf)
}

// descriptionRank orders the axes as descriptions prefer and write them:
// the architecture first, the opaque toolchain name last.
func descriptionRank(key string) int {
	return slices.Index([]string{axisArch, axisGo, axisProtobuf, axisCover, axisToolchain}, key)
}

// compared reports whether a cell with outcome o takes part in the
// analysis of what its runs did. Build errors are described apart
// (describeBuildErrors).
func compared(o record.Outcome) bool {
	return o == record.Pass || o == record.Crash || o == record.Fail || o == record.Timeout
}

// Analyze analyses cells target by target. toolchains are the run's
// resolved toolchains (Run.Toolchains), which say where builds of one Go
// version differ; nil leaves those differences unexplained. It is
// deterministic: the order of cells does not matter.
func Analyze(cells []record.Cell, toolchains []record.Toolchain) *record.Analysis {
	var targets []string
	byTarget := map[string][]record.Cell{}
	for _, c := range cells {
		if c.TargetKind == "probe" {
			continue
		}
		if _, ok := byTarget[c.Target]; !ok {
			targets = append(targets, c.Target)
		}
		byTarget[c.Target] = append(byTarget[c.Target], c)
	}
	a := &record.Analysis{Targets: []record.TargetAnalysis{}}
	for _, t := range targets {
		a.Targets = append(a.Targets, analyzeTarget(t, byTarget[t], toolchains))
	}
	a.Summary = wording.AnalysisSummary(a.Targets)
	return a
}

// targetCells is one target's compared cells with their axis values.
type targetCells struct {
	axes   []axis
	ran    []record.Cell
	values [][]string // values[cell][axis]
	// sameVersion counts the pairs of cells that differ in the toolchain
	// alone, with the same Go version (two builds of one version);
	// builds are those of them with different outcomes, A the worse.
	sameVersion int
	builds      []record.CellPair
	// broken are the target's build-error cells, described apart.
	broken []record.Cell
}

// axisIndex returns the index of the axis with key, or -1.
func (tc *targetCells) axisIndex(key string) int {
	return slices.IndexFunc(tc.axes, func(a axis) bool { return a.key == key })
}

// analyzeTarget analyses the cells of one target.
func analyzeTarget(target string, cells []record.Cell, toolchains []record.Toolchain) record.TargetAnalysis {
	var ran []record.Cell
	excluded := map[record.Outcome]int{}
	withProtobuf := true
	var broken []record.Cell
	for _, c := range cells {
		if c.Outcome == record.BuildError {
			broken = append(broken, c)
		}
		if !compared(c.Outcome) {
			excluded[c.Outcome]++
			continue
		}
		ran = append(ran, c)
		if protobufValue(c) == "" {
			withProtobuf = false
		}
	}
	slices.SortStableFunc(ran, func(a, b record.Cell) int { return strings.Compare(a.ID, b.ID) })
	tc := &targetCells{axes: analysisAxes(withProtobuf), ran: ran, broken: broken}
	tc.values = make([][]string, len(ran))
	for i, c := range ran {
		tc.values[i] = make([]string, len(tc.axes))
		for a, ax := range tc.axes {
			tc.values[i][a] = ax.value(c)
		}
	}
	findings := make([]record.AxisFinding, len(tc.axes))
	for a, ax := range tc.axes {
		distinct := map[string]bool{}
		for i := range ran {
			distinct[tc.values[i][a]] = true
		}
		findings[a] = record.AxisFinding{Axis: ax.key, Values: sortedKeys(distinct, ax.order)}
	}
	for a, ax := range tc.axes {
		if len(findings[a].Values) > 1 {
			for _, w := range ax.with {
				if y := tc.axisIndex(w); y >= 0 && len(findings[y].Values) > 1 {
					findings[a].With = append(findings[a].With, w)
				}
			}
		}
	}
	for a := range tc.axes {
		if len(findings[a].Values) > 1 {
			tc.compareAlone(&findings[a], a)
		}
	}
	ta := record.TargetAnalysis{Target: target, Axes: findings}
	describeTarget(&ta, tc, excluded, toolchains)
	return ta
}

// compareAlone fills finding with the pairs of cells that differ in axis a
// (and in the axes that always change with it) and agree on every other
// axis.
func (tc *targetCells) compareAlone(finding *record.AxisFinding, a int) {
	free := make([]bool, len(tc.axes))
	free[a] = true
	for _, w := range finding.With {
		free[tc.axisIndex(w)] = true
	}
	groups := map[string][]int{}
	var keys []string
	for i, v := range tc.values {
		var key strings.Builder
		for y, value := range v {
			if !free[y] {
				key.WriteString(value)
			}
			key.WriteByte(0)
		}
		k := key.String()
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	var proving []record.CellPair
	for _, k := range keys {
		members := groups[k]
		for x := range members {
			for y := x + 1; y < len(members); y++ {
				i, j := members[x], members[y]
				if tc.values[i][a] == tc.values[j][a] {
					continue
				}
				finding.Compared++
				sameVersion := tc.axes[a].key == axisToolchain && tc.ran[i].GoVersion == tc.ran[j].GoVersion
				if sameVersion {
					tc.sameVersion++
				}
				if tc.ran[i].Outcome == tc.ran[j].Outcome {
					continue
				}
				finding.Changed++
				if tc.ran[j].Outcome.Severity() > tc.ran[i].Outcome.Severity() {
					i, j = j, i
				}
				pair := record.CellPair{
					A: tc.ran[i].ID, B: tc.ran[j].ID, ValueA: tc.values[i][a], ValueB: tc.values[j][a],
					OutcomeA: tc.ran[i].Outcome, OutcomeB: tc.ran[j].Outcome,
				}
				proving = append(proving, pair)
				if sameVersion {
					tc.builds = append(tc.builds, pair)
				}
			}
		}
	}
	slices.SortFunc(proving, func(p, q record.CellPair) int {
		return cmp.Or(strings.Compare(p.A, q.A), strings.Compare(p.B, q.B))
	})
	finding.Matters = finding.Changed > 0
	finding.Pairs = diversePairs(proving, maxProvingPairs)
}

// diversePairs returns up to n of the sorted pairs, preferring pairs whose
// two values have not been shown yet (go1.24.6 vs go1.25.5, then go1.25.3
// vs go1.25.5) over more of the same.
func diversePairs(pairs []record.CellPair, n int) []record.CellPair {
	var chosen []record.CellPair
	taken := make([]bool, len(pairs))
	seen := map[[2]string]bool{}
	for i, p := range pairs {
		if len(chosen) == n {
			break
		}
		if values := [2]string{p.ValueA, p.ValueB}; !seen[values] {
			seen[values] = true
			taken[i] = true
			chosen = append(chosen, p)
		}
	}
	for i, p := range pairs {
		if len(chosen) == n {
			break
		}
		if !taken[i] {
			chosen = append(chosen, p)
		}
	}
	slices.SortFunc(chosen, func(p, q record.CellPair) int {
		return cmp.Or(strings.Compare(p.A, q.A), strings.Compare(p.B, q.B))
	})
	return chosen
}

// setOf returns the set of values.
func setOf(values []string) map[string]bool {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[v] = true
	}
	return set
}

// sortedKeys returns the keys of set in the order of order.
func sortedKeys(set map[string]bool, order func(a, b string) int) []string {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, order)
	return keys
}

// compareGoVersions orders Go versions by go/version.Compare, invalid ones
// (such as "-") first, ties by text.
func compareGoVersions(a, b string) int {
	return cmp.Or(version.Compare(a, b), strings.Compare(a, b))
}

// compareSemver orders module versions by semantic version, invalid ones
// first, ties by text.
func compareSemver(a, b string) int {
	return cmp.Or(semver.Compare(a, b), strings.Compare(a, b))
}
