package wording

import (
	"testing"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/stretchr/testify/assert"
)

func TestHelpers(t *testing.T) {
	assert.Equal(t, "-", OrDash(""))
	assert.Equal(t, "a b", OneLine(" a\n\tb \n"))
	for _, tt := range []struct {
		words []string
		want  string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"a", "b"}, "a and b"},
		{[]string{"a", "b", "c"}, "a, b and c"},
	} {
		assert.Equal(t, tt.want, JoinWords(tt.words))
	}
	assert.Equal(t, "cell", Plural(1, "cell", "cells"))
	assert.Equal(t, "cells", Plural(0, "cell", "cells"))
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 11486: "11,486", 1234567: "1,234,567"} {
		assert.Equal(t, want, Thousands(n))
	}
}

func TestAnalysisSentences(t *testing.T) {
	assert.Equal(t, "crash or fail iff go < go1.25.5 and binaryArch != hostArch",
		Iff(Outcomes([]record.Outcome{record.Crash, record.Fail}), Conjunction([]string{GoBelow("go1.25.5"), ArchForeign()})))
	assert.Equal(t, "no simple description; failing cells: (go=go1.24.6, cover=on) and 2 more",
		NoSimpleDescription(CellTuples([]string{CellTuple([]string{AxisName("goVersion"), "cover"}, []string{"go1.24.6", "on"})}, 2)))
	assert.True(t, IsNoSimpleDescription(NoSimpleDescription("x")))
	assert.Equal(t, "2 unavailable cells were left out", LeftOut(map[record.Outcome]int{record.Unavailable: 2}))
	assert.Equal(t, "1 build-error and 1 unavailable cells were left out", LeftOut(map[record.Outcome]int{record.Unavailable: 1, record.BuildError: 1}))
	assert.Empty(t, LeftOut(nil))
	assert.Equal(t, "a; b.", Summary([]string{"a", "", "b"}))
	assert.Equal(t, "Go version and cover flag never change the outcome", NeverChange([]string{AxisLabel("goVersion"), AxisLabel("cover")}))
	assert.Equal(t, "every compared cell passes (repro).", AnalysisSummary([]record.TargetAnalysis{{Target: "repro", Passed: true}}))
	assert.Equal(t, "no cell of a program under test (probe targets take no part).", AnalysisSummary(nil))
}

func TestComparisonSentences(t *testing.T) {
	assert.Equal(t, "no change in 1 cell", ComparisonSummary(1, 0, 1, nil))
	assert.Equal(t, "2 of 3 cells changed: 1 new-crash, 1 fixed; 1 unchanged",
		ComparisonSummary(3, 2, 1, []Count{{"new-crash", 1}, {"new-fail", 0}, {"fixed", 1}}))
	assert.Equal(t, "the runs come from different configs (a.json sha256 0123456789ab, - sha256 -): cells may have been added, removed or redefined",
		DifferentConfigs("a.json", "0123456789abcdef", "", ""))
}
