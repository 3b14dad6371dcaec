package compare

import (
	"cmp"
	"go/version"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// condition is one candidate condition on one axis: it holds for a cell
// whose value of that axis is in values.
type condition struct {
	axis   int
	text   string
	cost   int
	values map[string]bool
}

// description is a conjunction of conditions on distinct axes that holds
// exactly for the failing cells.
type description struct {
	conds []condition
	cost  int
}

// axes returns the indexes of the axes d's conditions are on, sorted.
func (d description) axes() []int {
	var out []int
	for _, c := range d.conds {
		out = append(out, c.axis)
	}
	slices.Sort(out)
	return out
}

// holds reports whether every condition of d holds for a cell with values.
func (d description) holds(values []string) bool {
	for _, c := range d.conds {
		if !c.values[values[c.axis]] {
			return false
		}
	}
	return true
}

// text writes d's conditions joined by "and".
func (d description) text() string {
	texts := make([]string, len(d.conds))
	for i, c := range d.conds {
		texts[i] = c.text
	}
	return wording.Conjunction(texts)
}

// conditionsFor lists the conditions on axis a that hold for every value
// in required (the values the failing cells have) but not for every value
// of the axis, cheapest kinds first. On the toolchain axis a description
// names the toolchains it holds for, never the ones it does not: "these
// builds fail" is the hypothesis a toolchain description stands for.
func conditionsFor(ax axis, a int, all []string, required map[string]bool) []condition {
	if len(required) == len(all) {
		return nil
	}
	covers := func(set []string) bool {
		in := setOf(set)
		for v := range required {
			if !in[v] {
				return false
			}
		}
		return true
	}
	var conds []condition
	add := func(text string, cost int, set []string) {
		conds = append(conds, condition{axis: a, text: text, cost: cost, values: setOf(set)})
	}
	if ax.key == axisGo && !slices.ContainsFunc(all, func(v string) bool { return !version.IsValid(v) }) {
		for k := 1; k < len(all); k++ {
			if covers(all[:k]) {
				add(wording.GoBelow(all[k]), 2, all[:k])
			}
		}
		for k := len(all) - 1; k >= 1; k-- {
			if covers(all[k:]) {
				add(wording.GoAtLeast(all[k]), 2, all[k:])
			}
		}
	}
	var native, foreign []string
	if ax.key == axisArch {
		for _, v := range all {
			bin, host, ok := strings.Cut(v, "/")
			switch {
			case !ok || bin == "-" || host == "-":
			case bin == host:
				native = append(native, v)
			default:
				foreign = append(foreign, v)
			}
		}
		if len(foreign) < len(all) && covers(foreign) {
			add(wording.ArchForeign(), 2, foreign)
		}
	}
	sortedRequired := sortedKeys(required, ax.order)
	if len(sortedRequired) == 1 {
		add(wording.Equals(wording.AxisName(ax.key), sortedRequired[0]), 2, sortedRequired)
	}
	if ax.key == axisArch && len(native) < len(all) && covers(native) {
		add(wording.ArchNative(), 2, native)
	}
	if len(all) > 2 && ax.key != axisToolchain {
		for _, excluded := range all {
			if required[excluded] {
				continue
			}
			rest := slices.DeleteFunc(slices.Clone(all), func(v string) bool { return v == excluded })
			add(wording.NotEquals(wording.AxisName(ax.key), excluded), 3, rest)
		}
	}
	if len(sortedRequired) > 1 {
		add(wording.In(wording.AxisName(ax.key), sortedRequired), 2*len(sortedRequired), sortedRequired)
	}
	return conds
}

// exactDescriptions returns the cheapest exact description on each single
// axis among candidates, or, when there is none, on each pair of them;
// sorted by cost, then by the axes' rank in descriptions.
func (tc *targetCells) exactDescriptions(findings []record.AxisFinding, candidates []int, failing []bool) []description {
	options := make([][]condition, len(candidates))
	for k, a := range candidates {
		required := map[string]bool{}
		for i, v := range tc.values {
			if failing[i] {
				required[v[a]] = true
			}
		}
		options[k] = conditionsFor(tc.axes[a], a, findings[a].Values, required)
	}
	exact := func(d description) bool {
		for i, v := range tc.values {
			if d.holds(v) != failing[i] {
				return false
			}
		}
		return true
	}
	// Options are in preference order, so the first cheapest exact choice
	// of each axis (or pair) wins ties.
	var found []description
	for k := range candidates {
		var best *description
		for _, c := range options[k] {
			if d := (description{conds: []condition{c}, cost: c.cost}); exact(d) && (best == nil || d.cost < best.cost) {
				best = &d
			}
		}
		if best != nil {
			found = append(found, *best)
		}
	}
	if len(found) == 0 {
		for k := range candidates {
			for l := k + 1; l < len(candidates); l++ {
				var best *description
				for _, c := range options[k] {
					for _, d := range options[l] {
						desc := description{conds: []condition{c, d}, cost: c.cost + d.cost}
						if exact(desc) && (best == nil || desc.cost < best.cost) {
							best = &desc
						}
					}
				}
				if best != nil {
					found = append(found, *best)
				}
			}
		}
	}
	rank := func(d description) []int {
		var r []int
		for _, c := range d.conds {
			r = append(r, descriptionRank(tc.axes[c.axis].key))
		}
		return r
	}
	slices.SortStableFunc(found, func(x, y description) int {
		return cmp.Or(cmp.Compare(x.cost, y.cost), slices.Compare(rank(x), rank(y)))
	})
	return found
}

// describeTarget fills in ta's descriptions and summary.
func describeTarget(ta *record.TargetAnalysis, tc *targetCells, excluded map[record.Outcome]int, toolchains []record.Toolchain) {
	delete(excluded, record.BuildError) // described, not left out
	leftOut := wording.LeftOut(excluded)
	buildErrors, brokenAxes := tc.describeBuildErrors(ta)
	if len(tc.ran) == 0 {
		ta.Summary = wording.Summary([]string{cmp.Or(buildErrors, wording.NoCellRan()), leftOut})
		return
	}
	findings := ta.Axes
	failing := make([]bool, len(tc.ran))
	var failedOutcomes []record.Outcome
	nFailing := 0
	for i, c := range tc.ran {
		if c.Outcome != record.Pass {
			failing[i] = true
			nFailing++
			if !slices.Contains(failedOutcomes, c.Outcome) {
				failedOutcomes = append(failedOutcomes, c.Outcome)
			}
		}
	}
	slices.SortFunc(failedOutcomes, func(a, b record.Outcome) int { return b.Severity() - a.Severity() })
	outcomeWords := wording.Outcomes(failedOutcomes)

	// The axes a description may use: those varied, in description order.
	var varied []int
	for a := range tc.axes {
		if len(findings[a].Values) > 1 {
			varied = append(varied, a)
		}
	}
	slices.SortFunc(varied, func(x, y int) int {
		return cmp.Compare(descriptionRank(tc.axes[x].key), descriptionRank(tc.axes[y].key))
	})

	var used []int // the axes of the description and its alternatives
	parts := []string{}
	switch nFailing {
	case 0:
		ta.Failing = wording.AllPass()
		ta.Passed = buildErrors == ""
		if !ta.Passed {
			// Never "every cell passes" when one did not build.
			ta.Failing = ta.BuildErrors
			parts = append(parts, buildErrors, wording.AllBuiltPass())
			buildErrors = ""
			break
		}
		parts = append(parts, ta.Failing)
	case len(tc.ran):
		ta.Failing = wording.InEveryCell(outcomeWords)
		parts = append(parts, ta.Failing)
	default:
		var text string
		text, used = tc.describeFailing(ta, findings, varied, failing, failedOutcomes)
		parts = append(parts, text)
		for _, alt := range ta.Alternatives {
			parts = append(parts, alt.Separating)
		}
	}

	parts = append(parts, buildErrors)
	ta.Builds = tc.buildDifferences(toolchains)
	for _, b := range ta.Builds {
		parts = append(parts, wording.SameVersionDifferentBuild(b))
	}
	parts = append(parts, tc.otherAxes(findings, append(used, tc.axisIndexes(brokenAxes)...))...)
	ta.NotTested = untestedProtobuf(ta.Target, tc.ran)
	parts = append(parts, ta.NotTested...)
	parts = append(parts, leftOut)
	ta.Summary = wording.Summary(parts)
}

// describeFailing fills in ta's description of the failing cells (whose
// outcomes are outcomes, worst first), on the varied axes, and its
// alternatives; it returns the sentence that says them and the axes they
// use.
func (tc *targetCells) describeFailing(ta *record.TargetAnalysis, findings []record.AxisFinding, varied []int, failing []bool, outcomes []record.Outcome) (string, []int) {
	descs := tc.exactDescriptions(findings, varied, failing)
	if len(descs) == 0 {
		ta.Failing = wording.NoSimpleDescription(tc.cellTuples(varied, failing))
		return ta.Failing, nil
	}
	primary := descs[0]
	ta.Failing = wording.Iff(wording.Outcomes(outcomes), primary.text())
	ta.FailingAxes = tc.axisKeys(primary.axes())
	used := primary.axes()
	var alternatives []string
	for _, alt := range descs[1:] {
		if len(ta.Alternatives) == maxAlternatives || !tc.confounded(findings, primary, alt) {
			continue
		}
		ta.Alternatives = append(ta.Alternatives, record.Alternative{
			Failing:    wording.Iff(wording.Outcomes(outcomes), alt.text()),
			Axes:       tc.axisKeys(alt.axes()),
			Separating: tc.separating(primary, alt, failing, outcomes[0]),
		})
		alternatives = append(alternatives, alt.text())
		used = append(used, alt.axes()...)
	}
	return wording.WithAlternatives(ta.Failing, alternatives), used
}

// confounded reports whether alt is a real alternative to primary: every
// axis alt uses and primary does not was never varied alone. A Go version
// never is (it changes with the toolchain); a toolchain is varied alone by
// two builds of one Go version. An axis that was varied alone without
// changing the outcome speaks against alt.
func (tc *targetCells) confounded(findings []record.AxisFinding, primary, alt description) bool {
	for _, a := range alt.axes() {
		if slices.Contains(primary.axes(), a) {
			continue
		}
		switch tc.axes[a].key {
		case axisGo:
		case axisToolchain:
			if tc.sameVersion > 0 {
				return false
			}
		default:
			if findings[a].Compared > 0 {
				return false
			}
		}
	}
	return true
}

// separating says which cell would tell alt from primary, and what its
// outcome would mean; worst is the worst outcome of the failing cells.
func (tc *targetCells) separating(primary, alt description, failing []bool, worst record.Outcome) string {
	goAxis, tcAxis := tc.axisIndex(axisGo), tc.axisIndex(axisToolchain)
	diff := symmetricDifference(primary.axes(), alt.axes())
	if len(diff) == 2 && slices.Contains(diff, goAxis) && slices.Contains(diff, tcAxis) {
		return tc.anotherBuild(failing, worst)
	}
	// A cell that differs from one that ran in one axis, with a value that
	// axis has elsewhere, for which the two descriptions disagree.
	for _, wantFailing := range []bool{true, false} {
		for i, v := range tc.values {
			if failing[i] != wantFailing {
				continue
			}
			for _, a := range slices.Concat(primary.axes(), alt.axes()) {
				if a == goAxis {
					continue // a Go version changes only with a toolchain
				}
				for _, value := range tc.axisValues(a) {
					cell := tc.variant(v, a, value)
					if cell == nil || tc.ran1(cell) || primary.holds(cell) == alt.holds(cell) {
						continue
					}
					predicted := func(d description) string {
						if d.holds(cell) {
							return wording.Verb(worst)
						}
						return wording.Verb(record.Pass)
					}
					return wording.TryCell(tc.ran[i].ID, wording.AxisName(tc.axes[a].key), value, predicted(primary), primary.text(), predicted(alt), alt.text())
				}
			}
		}
	}
	return wording.NoCombination(tc.axisLabels(diff))
}

// anotherBuild proposes the cell that tells a Go version from a build:
// another build of a failing cell's Go version next to it; worst is the
// worst outcome of the failing cells.
func (tc *targetCells) anotherBuild(failing []bool, worst record.Outcome) string {
	// The failing cell with the newest Go version: the one nearest to
	// where the outcome flips.
	best := -1
	for i, c := range tc.ran {
		if failing[i] && (best < 0 || compareGoVersions(c.GoVersion, tc.ran[best].GoVersion) > 0) {
			best = i
		}
	}
	c := tc.ran[best]
	return wording.AnotherBuild(c.ID, c.GoVersion, c.Toolchain, c.ToolchainKind, wording.Verb(worst))
}

// axisValues returns the values axis a has among the compared cells.
func (tc *targetCells) axisValues(a int) []string {
	seen := map[string]bool{}
	for _, v := range tc.values {
		seen[v[a]] = true
	}
	return sortedKeys(seen, tc.axes[a].order)
}

// variant returns the values of a cell like v with axis a set to value
// (and, when a is the toolchain, the Go version that toolchain has), or
// nil when it is v itself.
func (tc *targetCells) variant(v []string, a int, value string) []string {
	if v[a] == value {
		return nil
	}
	out := slices.Clone(v)
	out[a] = value
	if tc.axes[a].key == axisToolchain {
		if g := tc.axisIndex(axisGo); g >= 0 {
			for _, w := range tc.values {
				if w[a] == value {
					out[g] = w[g]
					break
				}
			}
		}
	}
	return out
}

// ran1 reports whether a compared cell has exactly these values.
func (tc *targetCells) ran1(values []string) bool {
	return slices.ContainsFunc(tc.values, func(v []string) bool { return slices.Equal(v, values) })
}

// axisKeys returns the keys of the axes.
func (tc *targetCells) axisKeys(axes []int) []string {
	var out []string
	for _, a := range axes {
		out = append(out, tc.axes[a].key)
	}
	return out
}

// axisLabels returns the labels of the axes.
func (tc *targetCells) axisLabels(axes []int) []string {
	var out []string
	for _, a := range axes {
		out = append(out, wording.AxisLabel(tc.axes[a].key))
	}
	return out
}

// symmetricDifference returns the elements in exactly one of a and b.
func symmetricDifference(a, b []int) []int {
	var out []int
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

// otherAxes says what the axes not in used did: "protobuf version and
// cover flag never change the outcome", "arch was not varied", …
func (tc *targetCells) otherAxes(findings []record.AxisFinding, used []int) []string {
	var parts, never, notVaried, alone []string
	usesGo := slices.Contains(used, tc.axisIndex(axisGo))
	for a, ax := range tc.axes {
		f := findings[a]
		switch {
		case slices.Contains(used, a):
		case len(f.Values) < 2 && tc.variedWithBroken(a):
			// Varied only by the cells that did not build: a Go version
			// or toolchain that mirrors the one a description names says
			// nothing more; another axis was never compared alone.
			mirror := (ax.key == axisToolchain && usesGo) ||
				(ax.key == axisGo && slices.Contains(used, tc.axisIndex(axisToolchain)))
			if !mirror {
				alone = append(alone, wording.AxisLabel(ax.key))
			}
		case len(f.Values) < 2:
			notVaried = append(notVaried, wording.AxisLabel(ax.key))
		case ax.key == axisGo:
			// A Go version changes only with its toolchain: what the
			// toolchain axis says covers it, and a description names it
			// when it is the better explanation.
		case ax.key == axisToolchain && usesGo:
			// The description names the Go version: the toolchain alone
			// is two builds of one Go version.
			switch {
			case len(tc.builds) > 0:
				parts = append(parts, wording.ChangesOutcome(wording.AxisLabel(ax.key)))
			case tc.sameVersion > 0:
				never = append(never, wording.AxisLabel(ax.key))
			default:
				alone = append(alone, wording.AxisLabel(ax.key))
			}
		case f.Matters:
			parts = append(parts, wording.ChangesOutcome(wording.AxisLabel(ax.key)))
		case f.Compared == 0:
			alone = append(alone, wording.AxisLabel(ax.key))
		default:
			never = append(never, wording.AxisLabel(ax.key))
		}
	}
	if len(never) > 0 {
		parts = append(parts, wording.NeverChange(never))
	}
	if len(alone) > 0 {
		parts = append(parts, wording.NeverVariedAlone(alone))
	}
	if len(notVaried) > 0 {
		parts = append(parts, wording.NotVaried(notVaried))
	}
	return parts
}

// variedWithBroken says whether axis a takes two or more values among
// the compared and the build-error cells together (a build-error cell's
// unknown values, such as the arch "-/amd64" of a binary never built or
// the protobuf version it would have linked, are not counted).
func (tc *targetCells) variedWithBroken(a int) bool {
	seen := map[string]bool{}
	for _, c := range tc.ran {
		seen[tc.axes[a].value(c)] = true
	}
	for _, c := range tc.broken {
		v := tc.axes[a].value(c)
		if tc.axes[a].key == axisProtobuf {
			// What MVS would have linked is unknown without a build.
			v = c.ProtobufLinked
		}
		if v != "" && !strings.HasPrefix(v, "-") {
			seen[v] = true
		}
	}
	return len(seen) > 1
}

// cellTuples lists the distinct values the failing cells have on axes,
// e.g. "(arch=amd64/arm64, go=go1.24.6), (…)".
func (tc *targetCells) cellTuples(axes []int, failing []bool) string {
	seen := map[string]bool{}
	var tuples []string
	names := make([]string, len(axes))
	for k, a := range axes {
		names[k] = wording.AxisName(tc.axes[a].key)
	}
	for i, v := range tc.values {
		if !failing[i] {
			continue
		}
		values := make([]string, len(axes))
		for k, a := range axes {
			values[k] = v[a]
		}
		tuple := wording.CellTuple(names, values)
		if !seen[tuple] {
			seen[tuple] = true
			tuples = append(tuples, tuple)
		}
	}
	slices.Sort(tuples)
	more := max(0, len(tuples)-maxListedCells)
	return wording.CellTuples(tuples[:len(tuples)-more], more)
}
