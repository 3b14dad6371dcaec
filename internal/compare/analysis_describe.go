package compare

import (
	"cmp"
	"fmt"
	"go/version"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
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
	return strings.Join(texts, " and ")
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
				add(fmt.Sprintf("go < %s", all[k]), 2, all[:k])
			}
		}
		for k := len(all) - 1; k >= 1; k-- {
			if covers(all[k:]) {
				add(fmt.Sprintf("go >= %s", all[k]), 2, all[k:])
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
			add("binaryArch != hostArch", 2, foreign)
		}
	}
	sortedRequired := sortedKeys(required, ax.order)
	if len(sortedRequired) == 1 {
		add(fmt.Sprintf("%s=%s", ax.short, sortedRequired[0]), 2, sortedRequired)
	}
	if ax.key == axisArch && len(native) < len(all) && covers(native) {
		add("binaryArch == hostArch", 2, native)
	}
	if len(all) > 2 && ax.key != axisToolchain {
		for _, excluded := range all {
			if required[excluded] {
				continue
			}
			rest := slices.DeleteFunc(slices.Clone(all), func(v string) bool { return v == excluded })
			add(fmt.Sprintf("%s != %s", ax.short, excluded), 3, rest)
		}
	}
	if len(sortedRequired) > 1 {
		add(fmt.Sprintf("%s in {%s}", ax.short, strings.Join(sortedRequired, ", ")), 2*len(sortedRequired), sortedRequired)
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
	leftOut := excludedText(excluded)
	buildErrors, brokenAxes := tc.describeBuildErrors(ta)
	if len(tc.ran) == 0 {
		ta.Summary = joinSummary([]string{cmp.Or(buildErrors, "no cell ran to compare"), leftOut})
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
	words := make([]string, len(failedOutcomes))
	for i, o := range failedOutcomes {
		words[i] = string(o)
	}
	outcomeWords := strings.Join(words, " or ")

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
		ta.Failing = "every compared cell passes"
		ta.Passed = buildErrors == ""
		if !ta.Passed {
			// Never "every cell passes" when one did not build.
			ta.Failing = ta.BuildErrors
			parts = append(parts, buildErrors, "every cell that built passes")
			buildErrors = ""
			break
		}
		parts = append(parts, ta.Failing)
	case len(tc.ran):
		ta.Failing = outcomeWords + " in every compared cell"
		parts = append(parts, ta.Failing)
	default:
		var text string
		text, used = tc.describeFailing(ta, findings, varied, failing, outcomeWords)
		parts = append(parts, text)
		for _, alt := range ta.Alternatives {
			parts = append(parts, alt.Separating)
		}
	}

	parts = append(parts, buildErrors)
	ta.Builds = tc.buildDifferences(toolchains)
	for _, b := range ta.Builds {
		parts = append(parts, buildSentence(b))
	}
	parts = append(parts, tc.otherAxes(findings, append(used, tc.axisIndexes(brokenAxes)...))...)
	ta.NotTested = untestedProtobuf(ta.Target, tc.ran)
	parts = append(parts, ta.NotTested...)
	parts = append(parts, leftOut)
	ta.Summary = joinSummary(parts)
}

// describeFailing fills in ta's description of the failing cells, on the
// varied axes, and its alternatives; it returns the sentence that says
// them and the axes they use.
func (tc *targetCells) describeFailing(ta *record.TargetAnalysis, findings []record.AxisFinding, varied []int, failing []bool, outcomeWords string) (string, []int) {
	descs := tc.exactDescriptions(findings, varied, failing)
	if len(descs) == 0 {
		ta.Failing = "no simple description; " + tc.listFailing(varied, failing)
		return ta.Failing, nil
	}
	primary := descs[0]
	ta.Failing = outcomeWords + " iff " + primary.text()
	ta.FailingAxes = tc.axisKeys(primary.axes())
	used := primary.axes()
	text := ta.Failing
	for _, alt := range descs[1:] {
		if len(ta.Alternatives) == maxAlternatives || !tc.confounded(findings, primary, alt) {
			continue
		}
		ta.Alternatives = append(ta.Alternatives, record.Alternative{
			Failing:    outcomeWords + " iff " + alt.text(),
			Axes:       tc.axisKeys(alt.axes()),
			Separating: tc.separating(primary, alt, failing, outcomeWords),
		})
		text += ", or equally iff " + alt.text()
		used = append(used, alt.axes()...)
	}
	if len(ta.Alternatives) > 0 {
		text += " (the cells cannot tell these apart)"
	}
	return text, used
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
// outcome would mean.
func (tc *targetCells) separating(primary, alt description, failing []bool, outcomeWords string) string {
	goAxis, tcAxis := tc.axisIndex(axisGo), tc.axisIndex(axisToolchain)
	diff := symmetricDifference(primary.axes(), alt.axes())
	if len(diff) == 2 && slices.Contains(diff, goAxis) && slices.Contains(diff, tcAxis) {
		return tc.anotherBuild(primary, failing, outcomeWords)
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
							return verbOf(outcomeWords)
						}
						return "passes"
					}
					return fmt.Sprintf("to tell them apart, run a cell like %s with %s=%s: it %s if %s is right, and %s if %s is",
						tc.ran[i].ID, tc.axes[a].short, value, predicted(primary), primary.text(), predicted(alt), alt.text())
				}
			}
		}
	}
	return "no combination of the values in this run tells them apart: add a value to " + joinWords(tc.axisLabels(diff))
}

// verbOf turns "passes" or an outcome list into what a cell does: "passes",
// "crashes", "fails", "times out" (for a list, of its first outcome).
func verbOf(outcomes string) string {
	first, _, _ := strings.Cut(outcomes, " or ")
	switch record.Outcome(first) {
	case record.Crash:
		return "crashes"
	case record.Fail:
		return "fails"
	case record.Timeout:
		return "times out"
	case record.BuildError:
		return "fails to build"
	}
	return "passes"
}

// anotherBuild proposes the cell that tells a Go version from a build:
// another build of a failing cell's Go version next to it.
func (tc *targetCells) anotherBuild(primary description, failing []bool, outcomeWords string) string {
	// The failing cell with the newest Go version: the one nearest to
	// where the outcome flips.
	best := -1
	for i, c := range tc.ran {
		if failing[i] && (best < 0 || compareGoVersions(c.GoVersion, tc.ran[best].GoVersion) > 0) {
			best = i
		}
	}
	c := tc.ran[best]
	v := c.GoVersion
	other := fmt.Sprintf(`the toolchain {"kind": "gotoolchain", "version": %q} or the image golang:%s`, v, strings.TrimPrefix(v, "go"))
	if c.ToolchainKind == "gotoolchain" {
		other = fmt.Sprintf("a distribution's builder image or an installed GOROOT of %s", v)
	}
	return fmt.Sprintf("to tell the Go version from the build, run %s with another build of %s, e.g. %s, next to %s: if it %s too, the Go version is to blame; if it passes, the build of %s is",
		c.ID, v, other, c.Toolchain, verbOf(outcomeWords), c.Toolchain)
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
		out = append(out, tc.axes[a].label)
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
				alone = append(alone, ax.label)
			}
		case len(f.Values) < 2:
			notVaried = append(notVaried, ax.label)
		case ax.key == axisGo:
			// A Go version changes only with its toolchain: what the
			// toolchain axis says covers it, and a description names it
			// when it is the better explanation.
		case ax.key == axisToolchain && usesGo:
			// The description names the Go version: the toolchain alone
			// is two builds of one Go version.
			switch {
			case len(tc.builds) > 0:
				parts = append(parts, ax.label+" changes the outcome")
			case tc.sameVersion > 0:
				never = append(never, ax.label)
			default:
				alone = append(alone, ax.label)
			}
		case f.Matters:
			parts = append(parts, ax.label+" changes the outcome")
		case f.Compared == 0:
			alone = append(alone, ax.label)
		default:
			never = append(never, ax.label)
		}
	}
	if len(never) > 0 {
		parts = append(parts, joinWords(never)+" never "+plural(len(never), "changes", "change")+" the outcome")
	}
	if len(alone) > 0 {
		parts = append(parts, joinWords(alone)+" "+plural(len(alone), "was", "were")+" never varied alone")
	}
	if len(notVaried) > 0 {
		parts = append(parts, joinWords(notVaried)+" "+plural(len(notVaried), "was", "were")+" not varied")
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

// listFailing lists the distinct values the failing cells have on axes,
// e.g. "failing cells: (arch=amd64/arm64, go=go1.24.6), (…)".
func (tc *targetCells) listFailing(axes []int, failing []bool) string {
	seen := map[string]bool{}
	var tuples []string
	for i, v := range tc.values {
		if !failing[i] {
			continue
		}
		parts := make([]string, len(axes))
		for k, a := range axes {
			parts[k] = tc.axes[a].short + "=" + v[a]
		}
		tuple := "(" + strings.Join(parts, ", ") + ")"
		if !seen[tuple] {
			seen[tuple] = true
			tuples = append(tuples, tuple)
		}
	}
	slices.Sort(tuples)
	more := ""
	if len(tuples) > maxListedCells {
		more = fmt.Sprintf(" and %d more", len(tuples)-maxListedCells)
		tuples = tuples[:maxListedCells]
	}
	return "failing cells: " + strings.Join(tuples, ", ") + more
}

// excludedText says how many cells were left out, e.g. "2 unavailable
// cells and 1 build-error cell were left out", or "" when none were.
func excludedText(excluded map[record.Outcome]int) string {
	var parts []string
	total := 0
	for _, o := range []record.Outcome{record.BuildError, record.Unavailable} {
		if n := excluded[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
			total += n
		}
	}
	for o, n := range excluded { // outcomes that are not valid
		if o != record.BuildError && o != record.Unavailable {
			total += n
		}
	}
	if total == 0 {
		return ""
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d", total))
	}
	return fmt.Sprintf("%s %s left out", joinWords(parts), plural(total, "cell was", "cells were"))
}
