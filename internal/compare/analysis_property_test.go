package compare

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ruleMatrix is a random matrix of one target whose outcome a known rule
// decides, with cells of other targets and of probes as noise.
type ruleMatrix struct {
	// axes holds each axis's values: toolchain names, Go versions (one per
	// toolchain, some shared), protobuf versions, cover values, arches.
	toolchains []string
	goOf       map[string]string
	protobufs  []string
	covers     []bool
	arches     [][2]string
	// rule maps the axes it uses to the values that fail; a cell crashes
	// iff its value of every rule axis is among them.
	rule map[string][]string
	// full is true when every combination of the axis values is a cell.
	full  bool
	cells []record.Cell
}

// value returns a cell's value of an analysis axis.
func ruleValue(c record.Cell, key string) string {
	switch key {
	case axisToolchain:
		return c.Toolchain
	case axisGo:
		return c.GoVersion
	case axisProtobuf:
		return c.ProtobufLinked
	case axisCover:
		return record.CoverColumn(c)
	}
	return c.BinaryArch + "/" + c.HostArch
}

// randomRuleMatrix draws a matrix: 1–4 values per axis, a rule over one or
// two axes that have at least two values (never both toolchain and Go
// version, which are one family), and noise. Some draws leave cells out.
func randomRuleMatrix(r *rand.Rand) (*ruleMatrix, bool) {
	m := &ruleMatrix{goOf: map[string]string{}}
	versions := []string{"go1.24.6", "go1.25.3", "go1.25.5", "go1.26.8"}[:1+r.IntN(4)]
	for i := range 1 + r.IntN(4) {
		name := fmt.Sprintf("t%d", i+1)
		m.toolchains = append(m.toolchains, name)
		m.goOf[name] = versions[r.IntN(len(versions))]
	}
	m.protobufs = []string{"v1.33.0", "v1.34.2", "v1.36.10", "v1.36.12"}[:1+r.IntN(4)]
	m.covers = [][]bool{{false}, {true}, {false, true}}[r.IntN(3)]
	allArches := [][2]string{{"amd64", "amd64"}, {"arm64", "amd64"}, {"amd64", "arm64"}, {"arm64", "arm64"}}
	r.Shuffle(len(allArches), func(i, j int) { allArches[i], allArches[j] = allArches[j], allArches[i] })
	m.arches = allArches[:1+r.IntN(4)]

	values := map[string][]string{
		axisToolchain: m.toolchains,
		axisProtobuf:  m.protobufs,
		axisArch:      nil,
		axisCover:     nil,
	}
	var gos []string
	for _, tc := range m.toolchains {
		if !slices.Contains(gos, m.goOf[tc]) {
			gos = append(gos, m.goOf[tc])
		}
	}
	values[axisGo] = gos
	for _, c := range m.covers {
		values[axisCover] = append(values[axisCover], record.CoverColumn(record.Cell{Cover: c}))
	}
	for _, a := range m.arches {
		values[axisArch] = append(values[axisArch], a[0]+"/"+a[1])
	}
	var eligible []string
	for _, k := range []string{axisToolchain, axisGo, axisProtobuf, axisCover, axisArch} {
		if len(values[k]) > 1 {
			eligible = append(eligible, k)
		}
	}
	if len(eligible) == 0 {
		return nil, false
	}
	r.Shuffle(len(eligible), func(i, j int) { eligible[i], eligible[j] = eligible[j], eligible[i] })
	ruleAxes := eligible[:min(len(eligible), 1+r.IntN(2))]
	if slices.Contains(ruleAxes, axisToolchain) && slices.Contains(ruleAxes, axisGo) {
		ruleAxes = ruleAxes[:1]
	}
	m.rule = map[string][]string{}
	for _, k := range ruleAxes {
		vs := slices.Clone(values[k])
		r.Shuffle(len(vs), func(i, j int) { vs[i], vs[j] = vs[j], vs[i] })
		m.rule[k] = vs[:1+r.IntN(len(vs)-1)] // a proper, non-empty subset
	}

	m.full = r.IntN(3) > 0
	for _, tc := range m.toolchains {
		for _, pb := range m.protobufs {
			for _, cover := range m.covers {
				for _, arch := range m.arches {
					a := runfixture.AxisCell{Toolchain: tc, GoVersion: m.goOf[tc], Protobuf: pb, Cover: cover, Target: "app", BinaryArch: arch[0], HostArch: arch[1]}
					c := a.Cell()
					c.Outcome = record.Pass
					if m.fails(c) {
						c.Outcome = record.Crash
					}
					if !m.full && r.IntN(4) == 0 {
						// A cell that did not run: left out.
						c.Outcome = []record.Outcome{record.BuildError, record.Unavailable}[r.IntN(2)]
					}
					m.cells = append(m.cells, c)
					// Noise: the same cell of another target and of a
					// probe, with random outcomes.
					other := c
					other.ID, other.Target = strings.Replace(c.ID, "_app_", "_other_", 1), "other"
					other.Outcome = []record.Outcome{record.Pass, record.Crash, record.Fail, record.Timeout, record.BuildError}[r.IntN(5)]
					probe := c
					probe.ID, probe.Target, probe.TargetKind = strings.Replace(c.ID, "_app_", "_env_", 1), "env", "probe"
					probe.Protobuf, probe.ProtobufLinked = "", ""
					probe.Outcome = []record.Outcome{record.Pass, record.Crash}[r.IntN(2)]
					m.cells = append(m.cells, other, probe)
				}
			}
		}
	}
	return m, true
}

// fails applies the rule to a cell.
func (m *ruleMatrix) fails(c record.Cell) bool {
	for k, vs := range m.rule {
		if !slices.Contains(vs, ruleValue(c, k)) {
			return false
		}
	}
	return true
}

// ruleAxes returns the axes the rule uses, sorted.
func (m *ruleMatrix) ruleAxes() []string {
	var out []string
	for k := range m.rule {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// family widens a set of axes by the toolchain–Go version family: a
// toolchain has one Go version, so a rule on one may be seen in the other.
func family(axes []string) []string {
	out := slices.Clone(axes)
	for _, a := range axes {
		switch a {
		case axisToolchain:
			out = append(out, axisGo)
		case axisGo:
			out = append(out, axisToolchain)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sorted returns a sorted copy.
func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// TestAnalyzeProperty checks the analysis against known rules over random
// matrices: it never names an axis the rule does not use (but the
// toolchain for a Go version, or the reverse, which the toolchain
// determines), the rule is always among the explanations it gives, other
// targets and probes never change it, every claim that an axis changes the
// outcome rests on a pair of cells that differ in that axis alone, and
// when every cell is there and nothing is confounded, it names exactly the
// rule's axes.
func TestAnalyzeProperty(t *testing.T) {
	const draws = 600
	checked, exactly := 0, 0
	for seed := range uint64(draws) {
		m, ok := randomRuleMatrix(rand.New(rand.NewPCG(seed, 69255)))
		if !ok {
			continue
		}
		var app, ran []record.Cell
		for _, c := range m.cells {
			if c.Target == "app" {
				app = append(app, c)
				if compared(c.Outcome) {
					ran = append(ran, c)
				}
			}
		}
		if len(app) == 0 {
			continue
		}
		a := Analyze(m.cells, nil)
		i := slices.IndexFunc(a.Targets, func(ta record.TargetAnalysis) bool { return ta.Target == "app" })
		require.GreaterOrEqual(t, i, 0, "seed %d", seed)
		ta := a.Targets[i]
		for _, other := range a.Targets {
			require.NotEqual(t, "env", other.Target, "seed %d: a probe target took part", seed)
		}
		alone := Analyze(app, nil)
		require.Equal(t, alone.Targets[0], ta, "seed %d: other targets and probes changed the analysis", seed)

		rule := m.ruleAxes()
		allowed := family(rule)
		failing := slices.ContainsFunc(ran, func(c record.Cell) bool { return c.Outcome != record.Pass })
		passing := slices.ContainsFunc(ran, func(c record.Cell) bool { return c.Outcome == record.Pass })
		if !failing || !passing {
			continue // nothing to describe, or nothing to compare it with
		}
		checked++
		msg := fmt.Sprintf("seed %d: rule %v (go of toolchains %v), full %v: %s", seed, m.rule, m.goOf, m.full, ta.Summary)

		// A claim that an axis changes the outcome rests on cells that
		// differ in it alone: it is always one of the rule's, whatever
		// cells are missing.
		for _, f := range ta.Axes {
			if f.Matters && strings.Contains(ta.Summary, axisLabel(f.Axis)+" changes the outcome") {
				assert.Contains(t, allowed, f.Axis, "claimed that an axis the rule does not use changes the outcome; %s", msg)
			}
		}
		if m.full {
			// Everything named is the rule's axes or their family, and
			// the rule is among the explanations: its own axes, or, for
			// a toolchain or Go version, the other one of the family.
			named := slices.Clone(ta.FailingAxes)
			explanations := [][]string{sorted(ta.FailingAxes)}
			for _, alt := range ta.Alternatives {
				named = append(named, alt.Axes...)
				explanations = append(explanations, sorted(alt.Axes))
			}
			for _, axis := range named {
				assert.Contains(t, allowed, axis, "named an axis the rule does not use; %s", msg)
			}
			assert.True(t, slices.ContainsFunc(explanations, func(e []string) bool { return slices.Equal(family(e), family(rule)) }),
				"the rule is not among the explanations %v; %s", explanations, msg)
		}

		// Every proving pair differs in its axis alone (or in the axes
		// that change with it).
		byID := map[string]record.Cell{}
		for _, c := range ran {
			byID[c.ID] = c
		}
		for _, f := range ta.Axes {
			for _, p := range f.Pairs {
				x, y := byID[p.A], byID[p.B]
				for _, other := range []string{axisToolchain, axisGo, axisProtobuf, axisCover, axisArch} {
					if other == f.Axis || slices.Contains(f.With, other) {
						continue
					}
					assert.Equal(t, ruleValue(x, other), ruleValue(y, other), "pair %s/%s of %s differs in %s; %s", p.A, p.B, f.Axis, other, msg)
				}
				assert.NotEqual(t, p.OutcomeA, p.OutcomeB)
			}
		}

		// Every cell there and no family confounding: exactly the rule.
		sharedVersions := len(m.goOf) > len(uniqueValues(m.goOf))
		confoundable := slices.Contains(rule, axisToolchain) || slices.Contains(rule, axisGo)
		if m.full && !confoundable {
			exactly++
			assert.Equal(t, rule, sorted(ta.FailingAxes), "did not name exactly the rule's axes; %s", msg)
			assert.Empty(t, ta.Alternatives, msg)
		}
		if m.full && slices.Contains(rule, axisGo) && sharedVersions && everyVersionShared(m) {
			// Each failing Go version was built by two toolchains: the
			// builds are told apart from the version.
			assert.Equal(t, rule, sorted(ta.FailingAxes), "%s", msg)
			assert.Empty(t, ta.Alternatives, msg)
		}
	}
	t.Logf("%d of %d draws had something to describe; %d were full and unconfounded", checked, draws, exactly)
	assert.Greater(t, checked, draws/3)
	assert.Greater(t, exactly, draws/10)
}

// axisLabel is the label of an analysis axis in sentences.
func axisLabel(key string) string {
	return wording.AxisLabel(key)
}

// uniqueValues returns the distinct values of a map.
func uniqueValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// everyVersionShared reports whether every Go version of m's toolchains
// is the version of at least two of them.
func everyVersionShared(m *ruleMatrix) bool {
	count := map[string]int{}
	for _, v := range m.goOf {
		count[v]++
	}
	for _, n := range count {
		if n < 2 {
			return false
		}
	}
	return true
}
