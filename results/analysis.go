package results

import (
	"cmp"
	"fmt"
	"go/version"
	"slices"
	"strings"

	"golang.org/x/mod/semver"
)

// Analysis says which axes of a matrix run change the outcome, proved by
// pairs of cells that differ only in that axis, and describes the cells
// that did not pass in as few conditions as possible. Only cells that ran
// (pass, crash, fail, timeout) take part; build errors and unavailable cells
// are left out.
type Analysis struct {
	Axes []AxisFinding `json:"axes"`
	// Failing is the smallest description of the cells that did not pass,
	// e.g. "crash iff binaryArch != hostArch and go < go1.25.5", or
	// "no simple description; …" with the values of those cells.
	Failing string `json:"failing"`
	// Summary is Failing followed by what the other axes did, e.g.
	// "…; protobuf version and cover flag never change the outcome".
	Summary string `json:"summary"`
}

// AxisFinding is what changing one axis did to the outcome.
type AxisFinding struct {
	// Axis is toolchain, goVersion, protobuf (the linked version when
	// known, else the asked one), cover, target or arch (the binary and
	// host architectures as "amd64/arm64").
	Axis string `json:"axis"`
	// Values are the axis's distinct values among the compared cells; an
	// axis with fewer than two was not varied.
	Values []string `json:"values"`
	// With lists the axes that only ever changed together with this one
	// (a toolchain and its Go version): pairs may differ in them too.
	With    []string `json:"with,omitempty"`
	Matters bool     `json:"matters"`
	// Pairs are up to three pairs of cells that differ only in this axis
	// (and in axes that go with it, such as a toolchain's Go version) and
	// have different outcomes: the proof that the axis matters.
	Pairs []CellPair `json:"pairs,omitempty"`
	// Compared is how many pairs of cells differ only in this axis, and
	// Changed how many of those have different outcomes.
	Compared int `json:"compared"`
	Changed  int `json:"changed"`
}

// CellPair is two cells that differ only in one axis: A has the worse
// outcome. ValueA and ValueB are their values of that axis.
type CellPair struct {
	A        string  `json:"a"`
	B        string  `json:"b"`
	ValueA   string  `json:"valueA"`
	ValueB   string  `json:"valueB"`
	OutcomeA Outcome `json:"outcomeA"`
	OutcomeB Outcome `json:"outcomeB"`
}

// maxProvingPairs is how many proving pairs an AxisFinding keeps.
const maxProvingPairs = 3

// maxListedCells is how many failing cells "no simple description" lists.
const maxListedCells = 8

// axis is one dimension of the matrix as the analysis sees it.
type axis struct {
	key   string // the AxisFinding.Axis name
	label string // the name in sentences
	short string // the name in conditions
	value func(Cell) string
	order func(a, b string) int
}

// analysisAxes returns the axes in the order of Analysis.Axes.
func analysisAxes() []axis {
	return []axis{
		{"toolchain", "toolchain", "toolchain", func(c Cell) string { return orDash(c.Toolchain) }, strings.Compare},
		{"goVersion", "Go version", "go", func(c Cell) string { return orDash(c.GoVersion) }, compareGoVersions},
		{"protobuf", "protobuf version", "protobuf", func(c Cell) string {
			if c.ProtobufLinked != "" {
				return c.ProtobufLinked
			}
			return orDash(c.Protobuf)
		}, compareSemver},
		{"cover", "cover flag", "cover", CoverColumn, strings.Compare},
		{"target", "target", "target", func(c Cell) string { return orDash(c.Target) }, strings.Compare},
		{"arch", "arch", "arch", func(c Cell) string { return orDash(c.BinaryArch) + "/" + orDash(c.HostArch) }, strings.Compare},
	}
}

// descriptionOrder lists axis indexes (into analysisAxes) in the order
// descriptions prefer and write them: the architecture first, the opaque
// toolchain name last.
func descriptionOrder() []int { return []int{5, 1, 2, 3, 4, 0} }

// compared reports whether a cell with outcome o takes part in the analysis.
func compared(o Outcome) bool {
	return o == Pass || o == Crash || o == Fail || o == Timeout
}

// Analyze works out which axes of cells change the outcome and describes
// the cells that did not pass. It is deterministic: the order of cells does
// not matter.
func Analyze(cells []Cell) *Analysis {
	axes := analysisAxes()
	var ran []Cell
	excluded := map[Outcome]int{}
	for _, c := range cells {
		if compared(c.Outcome) {
			ran = append(ran, c)
		} else {
			excluded[c.Outcome]++
		}
	}
	slices.SortStableFunc(ran, func(a, b Cell) int { return strings.Compare(a.ID, b.ID) })

	values := make([][]string, len(ran)) // values[cell][axis]
	for i, c := range ran {
		values[i] = make([]string, len(axes))
		for a, ax := range axes {
			values[i][a] = ax.value(c)
		}
	}
	findings := make([]AxisFinding, len(axes))
	for a, ax := range axes {
		distinct := map[string]bool{}
		for i := range ran {
			distinct[values[i][a]] = true
		}
		vals := make([]string, 0, len(distinct))
		for v := range distinct {
			vals = append(vals, v)
		}
		slices.SortFunc(vals, ax.order)
		findings[a] = AxisFinding{Axis: ax.key, Values: vals}
	}
	links := linkedAxes(values, len(axes))
	for a := range axes {
		if len(findings[a].Values) < 2 {
			continue
		}
		for y := range axes {
			if y != a && links[a][y] && len(findings[y].Values) > 1 {
				findings[a].With = append(findings[a].With, axes[y].key)
			}
		}
		compareAlong(&findings[a], a, ran, values, links[a])
	}

	analysis := &Analysis{Axes: findings}
	analysis.Failing, analysis.Summary = describe(axes, findings, links, ran, values, excluded)
	return analysis
}

// linkedAxes returns, for each axis a, the axes that change together with
// it among the compared cells: those a determines (a toolchain fixes its Go
// version) and those that determine a. Comparing along a ignores them.
func linkedAxes(values [][]string, n int) [][]bool {
	determines := func(x, y int) bool {
		seen := map[string]string{}
		for _, v := range values {
			if w, ok := seen[v[x]]; ok && w != v[y] {
				return false
			}
			seen[v[x]] = v[y]
		}
		return true
	}
	links := make([][]bool, n)
	for x := range n {
		links[x] = make([]bool, n)
		for y := range n {
			links[x][y] = x == y || determines(x, y) || determines(y, x)
		}
	}
	return links
}

// compareAlong fills finding with the pairs of cells that differ in axis a
// and agree on every axis not linked to it.
func compareAlong(finding *AxisFinding, a int, ran []Cell, values [][]string, linked []bool) {
	groups := map[string][]int{}
	var keys []string
	for i, v := range values {
		var key strings.Builder
		for y, value := range v {
			if !linked[y] {
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
	var proving []CellPair
	for _, k := range keys {
		members := groups[k]
		for x := range members {
			for y := x + 1; y < len(members); y++ {
				i, j := members[x], members[y]
				if values[i][a] == values[j][a] {
					continue
				}
				finding.Compared++
				if ran[i].Outcome == ran[j].Outcome {
					continue
				}
				finding.Changed++
				if ran[j].Outcome.Severity() > ran[i].Outcome.Severity() {
					i, j = j, i
				}
				proving = append(proving, CellPair{
					A: ran[i].ID, B: ran[j].ID, ValueA: values[i][a], ValueB: values[j][a],
					OutcomeA: ran[i].Outcome, OutcomeB: ran[j].Outcome,
				})
			}
		}
	}
	slices.SortFunc(proving, func(p, q CellPair) int {
		return cmp.Or(strings.Compare(p.A, q.A), strings.Compare(p.B, q.B))
	})
	finding.Matters = finding.Changed > 0
	finding.Pairs = diversePairs(proving, maxProvingPairs)
}

// diversePairs returns up to n of the sorted pairs, preferring pairs whose
// two values have not been shown yet (go1.24.6 vs go1.25.5, then go1.25.3
// vs go1.25.5) over more of the same.
func diversePairs(pairs []CellPair, n int) []CellPair {
	var chosen []CellPair
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
	slices.SortFunc(chosen, func(p, q CellPair) int {
		return cmp.Or(strings.Compare(p.A, q.A), strings.Compare(p.B, q.B))
	})
	return chosen
}

// condition is one candidate condition on one axis: it holds for a cell
// whose value of that axis is in values.
type condition struct {
	axis   int
	text   string
	cost   int
	values map[string]bool
}

// conditionsFor lists the conditions on axis a that hold for every value
// in required (the values the failing cells have) but not for every value
// of the axis, cheapest kinds first.
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
	if ax.key == "goVersion" && !slices.ContainsFunc(all, func(v string) bool { return !version.IsValid(v) }) {
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
	if ax.key == "arch" {
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
	if ax.key == "arch" && len(native) < len(all) && covers(native) {
		add("binaryArch == hostArch", 2, native)
	}
	if len(all) > 2 {
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

// describe returns Analysis.Failing and Analysis.Summary.
func describe(axes []axis, findings []AxisFinding, links [][]bool, ran []Cell, values [][]string, excluded map[Outcome]int) (string, string) {
	leftOut := excludedText(excluded)
	if len(ran) == 0 {
		return "", joinSummary([]string{"no cell ran to compare", leftOut})
	}
	failing := make([]bool, len(ran))
	var failedOutcomes []Outcome
	nFailing := 0
	for i, c := range ran {
		if c.Outcome != Pass {
			failing[i] = true
			nFailing++
			if !slices.Contains(failedOutcomes, c.Outcome) {
				failedOutcomes = append(failedOutcomes, c.Outcome)
			}
		}
	}
	slices.SortFunc(failedOutcomes, func(a, b Outcome) int { return b.Severity() - a.Severity() })
	words := make([]string, len(failedOutcomes))
	for i, o := range failedOutcomes {
		words[i] = string(o)
	}
	outcomeWords := strings.Join(words, " or ")

	// The axes the description may use: those that matter, else (when
	// outcomes differ only across several axes at once) those varied.
	var candidates, varied []int
	for _, a := range descriptionOrder() {
		if findings[a].Matters {
			candidates = append(candidates, a)
		}
		if len(findings[a].Values) > 1 {
			varied = append(varied, a)
		}
	}
	if len(candidates) == 0 {
		candidates = varied
	}

	var failingText string
	var used []int
	switch nFailing {
	case 0:
		failingText = "every compared cell passes"
	case len(ran):
		failingText = outcomeWords + " in every compared cell"
	default:
		conds := smallestDescription(axes, findings, candidates, values, failing)
		if conds == nil {
			failingText = "no simple description; " + listFailing(axes, candidates, values, failing)
		} else {
			texts := make([]string, len(conds))
			for i, c := range conds {
				texts[i] = c.text
				used = append(used, c.axis)
			}
			failingText = outcomeWords + " iff " + strings.Join(texts, " and ")
		}
	}

	parts := []string{failingText}
	var never, notVaried, alone []string
	for a := range axes {
		f := findings[a]
		label := axes[a].label
		switch {
		case len(f.Values) < 2:
			notVaried = append(notVaried, label)
		case f.Matters && slices.Contains(used, a):
		case f.Matters:
			through := ""
			for _, u := range used {
				if links[a][u] {
					through = axes[u].label
					break
				}
			}
			if through != "" {
				parts = append(parts, fmt.Sprintf("%s matters only through %s", label, through))
			} else {
				parts = append(parts, label+" changes the outcome")
			}
		case f.Compared == 0:
			alone = append(alone, label)
		default:
			never = append(never, label)
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
	parts = append(parts, leftOut)
	return failingText, joinSummary(parts)
}

// smallestDescription returns the cheapest single condition, else the
// cheapest pair of conditions, that holds exactly for the failing cells,
// or nil when there is none.
func smallestDescription(axes []axis, findings []AxisFinding, candidates []int, values [][]string, failing []bool) []condition {
	options := make([][]condition, len(candidates))
	for k, a := range candidates {
		required := map[string]bool{}
		for i, v := range values {
			if failing[i] {
				required[v[a]] = true
			}
		}
		options[k] = conditionsFor(axes[a], a, findings[a].Values, required)
	}
	exact := func(conds ...condition) bool {
		for i, v := range values {
			holds := true
			for _, c := range conds {
				holds = holds && c.values[v[c.axis]]
			}
			if holds != failing[i] {
				return false
			}
		}
		return true
	}
	// Options are in preference order and candidates in description
	// order, so the first cheapest exact choice found wins ties.
	var best []condition
	bestCost := 0
	for k := range candidates {
		for _, c := range options[k] {
			if exact(c) && (best == nil || c.cost < bestCost) {
				best, bestCost = []condition{c}, c.cost
			}
		}
	}
	if best != nil {
		return best
	}
	for k := range candidates {
		for l := k + 1; l < len(candidates); l++ {
			for _, c := range options[k] {
				for _, d := range options[l] {
					if exact(c, d) && (best == nil || c.cost+d.cost < bestCost) {
						best, bestCost = []condition{c, d}, c.cost+d.cost
					}
				}
			}
		}
	}
	return best
}

// listFailing lists the distinct values the failing cells have on axes,
// e.g. "failing cells: (arch=amd64/arm64, go=go1.24.6), (…)".
func listFailing(axes []axis, candidates []int, values [][]string, failing []bool) string {
	seen := map[string]bool{}
	var tuples []string
	for i, v := range values {
		if !failing[i] {
			continue
		}
		parts := make([]string, len(candidates))
		for k, a := range candidates {
			parts[k] = axes[a].short + "=" + v[a]
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
func excludedText(excluded map[Outcome]int) string {
	var parts []string
	total := 0
	for _, o := range []Outcome{BuildError, Unavailable} {
		if n := excluded[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
			total += n
		}
	}
	for o, n := range excluded { // outcomes that are not valid
		if o != BuildError && o != Unavailable {
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

// joinSummary joins the non-empty parts with "; " and ends the sentence.
func joinSummary(parts []string) string {
	parts = slices.DeleteFunc(slices.Clone(parts), func(s string) bool { return s == "" })
	return strings.Join(parts, "; ") + "."
}

// joinWords joins words as "a", "a and b" or "a, b and c".
func joinWords(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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

// writeMarkdownAnalysis writes the "Which axes matter" section of the
// Markdown report: the summary and, for each axis, its values, its verdict
// and the pairs of cells that prove it.
func writeMarkdownAnalysis(b *strings.Builder, a *Analysis) {
	b.WriteString("\n### Which axes matter\n\n")
	fmt.Fprintf(b, "%s\n\n", mdText(a.Summary))
	for _, f := range a.Axes {
		fmt.Fprintf(b, "- **%s** (%s): ", mdText(f.Axis), mdText(strings.Join(f.Values, ", ")))
		only := "only in it"
		if len(f.With) > 0 {
			only = fmt.Sprintf("only in it and in %s, which changes with it", mdText(joinWords(f.With)))
			if len(f.With) > 1 {
				only = fmt.Sprintf("only in it and in %s, which change with it", mdText(joinWords(f.With)))
			}
		}
		switch {
		case len(f.Values) < 2:
			b.WriteString("not varied\n")
		case f.Compared == 0:
			b.WriteString("never varied alone\n")
		case !f.Matters:
			fmt.Fprintf(b, "never changes the outcome (%d %s differ %s)\n", f.Compared, plural(f.Compared, "pair", "pairs"), only)
		default:
			fmt.Fprintf(b, "changes the outcome in %d of %d %s that differ %s, e.g.\n", f.Changed, f.Compared, plural(f.Compared, "pair", "pairs"), only)
			for _, p := range f.Pairs {
				fmt.Fprintf(b, "  - %s (%s): %s, %s (%s): %s\n",
					mdCode(p.A), mdText(p.ValueA), mdText(string(p.OutcomeA)),
					mdCode(p.B), mdText(p.ValueB), mdText(string(p.OutcomeB)))
			}
		}
	}
}
