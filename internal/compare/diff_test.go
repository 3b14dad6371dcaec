package compare_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/compare"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiffKinds(t *testing.T) {
	const none = compare.ChangeKind("")
	tests := []struct {
		name       string
		base, next record.Cell
		want       compare.ChangeKind
	}{
		{"identical pass", runfixture.DiffCell(record.Pass, false, ""), runfixture.DiffCell(record.Pass, false, ""), none},
		{"identical crash", runfixture.DiffCell(record.Crash, false, "panic: a"), runfixture.DiffCell(record.Crash, false, "panic: a"), none},
		{"flaky crash, other counts", runfixture.DiffCell(record.Crash, true, "panic: a"), func() record.Cell {
			c := runfixture.DiffCell(record.Crash, true, "panic: a")
			c.OutcomeCounts = map[record.Outcome]int{record.Crash: 2, record.Pass: 1}
			return c
		}(), none},
		{"build error, other reason", func() record.Cell { c := runfixture.DiffCell(record.BuildError, false, ""); c.Reason = "x"; return c }(),
			func() record.Cell { c := runfixture.DiffCell(record.BuildError, false, ""); c.Reason = "y"; return c }(), none},
		{"unavailable both times", runfixture.DiffCell(record.Unavailable, false, ""), runfixture.DiffCell(record.Unavailable, false, ""), none},

		{"pass to crash", runfixture.DiffCell(record.Pass, false, ""), runfixture.DiffCell(record.Crash, false, "panic: a"), compare.NewCrash},
		{"pass to flaky crash", runfixture.DiffCell(record.Pass, false, ""), runfixture.DiffCell(record.Crash, true, "panic: a"), compare.NewCrash},
		{"timeout to crash", runfixture.DiffCell(record.Timeout, false, ""), runfixture.DiffCell(record.Crash, false, "panic: a"), compare.NewCrash},
		{"build error to crash", runfixture.DiffCell(record.BuildError, false, ""), runfixture.DiffCell(record.Crash, false, "panic: a"), compare.NewCrash},
		{"unavailable to crash is not a new crash", runfixture.DiffCell(record.Unavailable, false, ""), runfixture.DiffCell(record.Crash, false, "panic: a"), compare.NowAvailable},
		{"unavailable to pass", runfixture.DiffCell(record.Unavailable, false, ""), runfixture.DiffCell(record.Pass, false, ""), compare.NowAvailable},
		{"crash to unavailable", runfixture.DiffCell(record.Crash, false, "panic: a"), runfixture.DiffCell(record.Unavailable, false, ""), compare.NowUnavailable},

		{"crash to pass", runfixture.DiffCell(record.Crash, false, "panic: a"), runfixture.DiffCell(record.Pass, false, ""), compare.Fixed},
		{"flaky crash to pass", runfixture.DiffCell(record.Crash, true, "panic: a"), runfixture.DiffCell(record.Pass, false, ""), compare.Fixed},
		{"fail to pass", runfixture.DiffCell(record.Fail, false, ""), runfixture.DiffCell(record.Pass, false, ""), compare.Fixed},
		{"timeout to pass", runfixture.DiffCell(record.Timeout, false, ""), runfixture.DiffCell(record.Pass, false, ""), compare.Fixed},
		{"build error to pass", runfixture.DiffCell(record.BuildError, false, ""), runfixture.DiffCell(record.Pass, false, ""), compare.Fixed},

		{"pass to build error", runfixture.DiffCell(record.Pass, false, ""), runfixture.DiffCell(record.BuildError, false, ""), compare.NewBuildError},
		{"crash to build error", runfixture.DiffCell(record.Crash, false, "panic: a"), runfixture.DiffCell(record.BuildError, false, ""), compare.NewBuildError},

		{"pass to flaky fail", runfixture.DiffCell(record.Pass, false, ""), runfixture.DiffCell(record.Fail, true, ""), compare.NewFlaky},
		{"crash to flaky crash", runfixture.DiffCell(record.Crash, false, "panic: a"), runfixture.DiffCell(record.Crash, true, "panic: a"), compare.NewFlaky},
		{"crash to flaky crash, other signature", runfixture.DiffCell(record.Crash, false, "panic: a"), runfixture.DiffCell(record.Crash, true, "panic: b"), compare.NewFlaky},

		{"pass to timeout", runfixture.DiffCell(record.Pass, false, ""), runfixture.DiffCell(record.Timeout, false, ""), compare.NewTimeout},
		{"crash to timeout", runfixture.DiffCell(record.Crash, false, "panic: a"), runfixture.DiffCell(record.Timeout, false, ""), compare.NewTimeout},
		{"pass to fail", runfixture.DiffCell(record.Pass, false, ""), runfixture.DiffCell(record.Fail, false, ""), compare.NewFail},
		{"timeout to fail", runfixture.DiffCell(record.Timeout, false, ""), runfixture.DiffCell(record.Fail, false, ""), compare.NewFail},
		{"build error to fail", runfixture.DiffCell(record.BuildError, false, ""), runfixture.DiffCell(record.Fail, false, ""), compare.NewFail},

		{"other signature", runfixture.DiffCell(record.Crash, false, "panic: a"), runfixture.DiffCell(record.Crash, false, "panic: b"), compare.SignatureChanged},
		{"flaky crash, other signature", runfixture.DiffCell(record.Crash, true, "panic: a"), runfixture.DiffCell(record.Crash, true, "panic: b"), compare.SignatureChanged},
		{"flaky crash to crash", runfixture.DiffCell(record.Crash, true, "panic: a"), runfixture.DiffCell(record.Crash, false, "panic: a"), compare.NoLongerFlaky},
		{"flaky timeout to timeout", runfixture.DiffCell(record.Timeout, true, ""), runfixture.DiffCell(record.Timeout, false, ""), compare.NoLongerFlaky},
		{"flaky crash to fail", runfixture.DiffCell(record.Crash, true, "panic: a"), runfixture.DiffCell(record.Fail, false, ""), compare.NewFail},
		{"unknown outcome", runfixture.DiffCell("exploded", false, ""), runfixture.DiffCell(record.Pass, false, ""), compare.OutcomeChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := &record.Run{ID: "base", SchemaVersion: 1, Cells: []record.Cell{tt.base}}
			next := &record.Run{ID: "next", SchemaVersion: 1, Cells: []record.Cell{tt.next}}
			cmp := compare.Diff(base, next)
			assert.Equal(t, 1, cmp.Cells)
			assert.Empty(t, cmp.Warnings)
			if tt.want == none {
				assert.Empty(t, cmp.Changes)
				assert.Empty(t, cmp.Counts)
				assert.Equal(t, 1, cmp.Unchanged)
				return
			}
			require.Len(t, cmp.Changes, 1)
			ch := cmp.Changes[0]
			assert.Equal(t, tt.want, ch.Kind)
			assert.Equal(t, map[compare.ChangeKind]int{tt.want: 1}, cmp.Counts)
			assert.Equal(t, 0, cmp.Unchanged)
			assert.Equal(t, "c", ch.CellID)
			require.NotNil(t, ch.Before)
			require.NotNil(t, ch.After)
			assert.Equal(t, tt.base.Outcome, ch.Before.Outcome)
			assert.Equal(t, tt.next.Outcome, ch.After.Outcome)
			assert.Equal(t, tt.base.Signature, ch.Before.Signature)
			assert.Equal(t, tt.next.Signature, ch.After.Signature)
			assert.Equal(t, "amd64/amd64", ch.Arch, "a cell that did not build takes the other run's architecture")
		})
	}
}

func TestDiffMatchesByIDAndOrdersByKind(t *testing.T) {
	cell := func(id string, outcome record.Outcome, sig string) record.Cell {
		c := runfixture.DiffCell(outcome, false, sig)
		c.ID, c.Target = id, id
		return c
	}
	base := &record.Run{ID: "b", SchemaVersion: 1, ConfigSHA256: "aaaaaaaaaaaaaaaa", Config: "a.json", Cells: []record.Cell{
		cell("gone", record.Pass, ""), cell("fixed", record.Crash, "panic: x"), cell("same", record.Pass, ""), cell("regressed", record.Pass, ""),
		cell("gone2", record.Crash, "panic: y"),
	}}
	next := &record.Run{ID: "n", SchemaVersion: 1, ConfigSHA256: "bbbbbbbbbbbbbbbb", Config: "b.json", Cells: []record.Cell{
		cell("added", record.Crash, "panic: z"), cell("same", record.Pass, ""), cell("fixed", record.Pass, ""), cell("regressed", record.Crash, "panic: r"),
		cell("same", record.Crash, "panic: duplicate is ignored"),
	}}
	cmp := compare.Diff(base, next)
	var got []string
	for _, ch := range cmp.Changes {
		got = append(got, string(ch.Kind)+" "+ch.CellID)
	}
	assert.Equal(t, []string{"new-crash regressed", "fixed fixed", "only-in-base gone", "only-in-base gone2", "only-in-new added"}, got)
	assert.Equal(t, map[compare.ChangeKind]int{compare.NewCrash: 1, compare.Fixed: 1, compare.OnlyInBase: 2, compare.OnlyInNew: 1}, cmp.Counts)
	assert.Equal(t, 6, cmp.Cells)
	assert.Equal(t, 1, cmp.Unchanged)
	assert.Equal(t, 2, cmp.Count(compare.OnlyInBase, compare.NewCrash)-1)
	assert.Equal(t, compare.RunRef{ID: "b", SchemaVersion: 1, Config: "a.json", ConfigSHA256: "aaaaaaaaaaaaaaaa", Cells: 5}, cmp.Base)
	assert.Nil(t, cmp.Changes[2].After)
	assert.Equal(t, "panic: x", cmp.Changes[1].Before.Signature)
	assert.Nil(t, cmp.Changes[4].Before)
	require.Len(t, cmp.Warnings, 2)
	assert.Contains(t, cmp.Warnings[0], "different configs (a.json sha256 aaaaaaaaaaaa, b.json sha256 bbbbbbbbbbbb)")
	assert.Contains(t, cmp.Warnings[1], "run n has 1 duplicate cell IDs (first: same)")
	assert.Equal(t, "5 of 6 cells changed: 1 new-crash, 1 fixed, 2 only-in-base, 1 only-in-new; 1 unchanged", cmp.Summary())

	var buf bytes.Buffer
	require.NoError(t, report.WriteDiffText(&buf, cmp))
	assert.True(t, strings.HasPrefix(buf.String(), "warning: the runs come from different configs"), buf.String())
	buf.Reset()
	require.NoError(t, report.WriteDiffMarkdown(&buf, cmp))
	assert.Contains(t, buf.String(), "\n- **Warning:** the runs come from different configs (a.json")

	next.SchemaVersion = 2
	assert.Contains(t, compare.Diff(base, next).Warnings[1], "different schema versions (1 and 2)")
}

func TestDiffNothingChanged(t *testing.T) {
	run, _ := runfixture.Recorded(t, "recorded")
	cmp := compare.Diff(run, run)
	assert.Empty(t, cmp.Changes)
	assert.Empty(t, cmp.Warnings)
	assert.Equal(t, len(run.Cells), cmp.Unchanged)
	assert.Equal(t, "no change in 48 cells", cmp.Summary())
	var buf bytes.Buffer
	require.NoError(t, report.WriteDiffText(&buf, cmp))
	assert.Equal(t, "diff 20261127T135547Z-b8be → 20261127T135547Z-b8be: no change in 48 cells\n", buf.String())
	buf.Reset()
	require.NoError(t, report.WriteDiffJSON(&buf, compare.Diff(&record.Run{}, &record.Run{})))
	assert.Contains(t, buf.String(), `"changes": []`, "an empty comparison still has a list of changes")
}

func TestDiffRecordedRuns(t *testing.T) {
	cmp := compare.Diff(runfixture.RecordedPair(t))
	kinds := map[string]compare.ChangeKind{}
	for _, ch := range cmp.Changes {
		kinds[ch.CellID] = ch.Kind
	}
	// What testdata/recorded-next-src changed, cell by cell.
	assert.Equal(t, map[string]compare.ChangeKind{
		"go1.27.3_v1.33.0_nocover_controller_amd64":      compare.NewCrash,
		"go1.27.3_v1.36.10_nocover_webhook_amd64":        compare.NewBuildError,
		"go1.27.3_v1.36.10_cover_webhook_amd64":          compare.NewBuildError,
		"builder-1.26_v1.36.10_nocover_controller_amd64": compare.NewTimeout,
		"local_v1.33.0_cover_webhook_amd64":              compare.NewFail,
		"local_v1.36.10_cover_webhook_amd64":             compare.NewFail,
		"local_v1.36.10_nocover_controller_amd64":        compare.NewFlaky,
		"go1.27.3_v1.33.0_cover_controller_amd64":        compare.SignatureChanged,
		"go1.27.3_v1.36.10_cover_controller_amd64":       compare.SignatureChanged,
		"local_v1.33.0_nocover_controller_amd64":         compare.NoLongerFlaky,
		"builder-1.26_v1.33.0_nocover_controller_amd64":  compare.NoLongerFlaky,
		"go1.27.3_v1.36.10_nocover_controller_amd64":     compare.Fixed,
		"local_v1.33.0_nocover_webhook_amd64":            compare.Fixed,
		"builder-1.26_v1.33.0_nocover_webhook_amd64":     compare.Fixed,
		"builder-1.26_v1.33.0_cover_webhook_amd64":       compare.Fixed,
	}, kinds)
	assert.Equal(t, 48, cmp.Cells)
	assert.Equal(t, 48-len(kinds), cmp.Unchanged)
	assert.Empty(t, cmp.Warnings, "the same toolchains.json bytes")
}
