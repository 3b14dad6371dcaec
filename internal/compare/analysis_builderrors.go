package compare

import (
	"cmp"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// describeBuildErrors describes a target's build-error cells among all
// its cells that were not unavailable, as the cells that did not pass are
// described among those that ran: "build-error iff toolchain=patched",
// with what crashed while preparing or building, if anything did ("(a
// program built by the toolchain crashed while preparing:
// taggedPointerPack in runtime.netpollopen)"). It sets ta.BuildErrors and
// ta.BuildCrashes and returns the sentence ("" without build errors) and
// the keys of the axes it names.
func (tc *targetCells) describeBuildErrors(ta *record.TargetAnalysis) (string, []string) {
	if len(tc.broken) == 0 {
		return "", nil
	}
	all := slices.Concat(tc.ran, tc.broken)
	slices.SortStableFunc(all, func(a, b record.Cell) int { return strings.Compare(a.ID, b.ID) })
	sub := &targetCells{axes: tc.axes, ran: all, values: make([][]string, len(all))}
	failing := make([]bool, len(all))
	for i, c := range all {
		failing[i] = c.Outcome == record.BuildError
		sub.values[i] = make([]string, len(tc.axes))
		for a, ax := range tc.axes {
			sub.values[i][a] = ax.value(c)
		}
	}
	findings := make([]record.AxisFinding, len(tc.axes))
	var varied []int
	for a, ax := range tc.axes {
		findings[a] = record.AxisFinding{Axis: ax.key, Values: sub.axisValues(a)}
		// A cell that did not build has no binary: its arch ("-/amd64")
		// says nothing, and no description may rest on it.
		unknown := slices.ContainsFunc(findings[a].Values, func(v string) bool { return strings.HasPrefix(v, "-") })
		if len(findings[a].Values) > 1 && !unknown {
			varied = append(varied, a)
		}
	}
	slices.SortFunc(varied, func(x, y int) int {
		return cmp.Compare(descriptionRank(tc.axes[x].key), descriptionRank(tc.axes[y].key))
	})
	var text string
	var keys []string
	switch descs := sub.exactDescriptions(findings, varied, failing); {
	case len(tc.ran) == 0:
		text = wording.BuildErrorInEveryCell()
	case len(descs) == 0:
		text = wording.BuildErrorIn(sub.cellTuples(varied, failing))
	default:
		text = wording.Iff(string(record.BuildError), descs[0].text())
		keys = sub.axisKeys(descs[0].axes())
	}
	ta.BuildErrors = text
	tc.brokenBuilds()
	for _, c := range tc.broken {
		if c.BuildCrash != nil && !slices.Contains(ta.BuildCrashes, c.BuildCrash.Short()) {
			ta.BuildCrashes = append(ta.BuildCrashes, c.BuildCrash.Short())
		}
	}
	return wording.WithBuildCrashes(text, ta.BuildCrashes), keys
}

// brokenBuilds adds to tc.builds the pairs of a build-error cell and a
// cell that ran whose configured settings differ in the toolchain alone
// (their IDs are equal after the toolchain's name) and whose Go versions
// are the same: two builds of one Go version, one of which could not even
// build the target (its generator or compiler crashed), so that the
// analysis says where the two Go installations differ.
func (tc *targetCells) brokenBuilds() {
	for _, b := range tc.broken {
		for _, r := range tc.ran {
			if b.GoVersion == "" || b.GoVersion != r.GoVersion || b.Toolchain == r.Toolchain ||
				strings.TrimPrefix(b.ID, b.Toolchain) != strings.TrimPrefix(r.ID, r.Toolchain) {
				continue
			}
			tc.builds = append(tc.builds, record.CellPair{
				A: b.ID, B: r.ID, ValueA: wording.OrDash(b.Toolchain), ValueB: wording.OrDash(r.Toolchain),
				OutcomeA: b.Outcome, OutcomeB: r.Outcome,
			})
		}
	}
}

// axisIndexes returns the indexes of the axes with keys.
func (tc *targetCells) axisIndexes(keys []string) []int {
	var out []int
	for _, k := range keys {
		if a := tc.axisIndex(k); a >= 0 {
			out = append(out, a)
		}
	}
	return out
}
