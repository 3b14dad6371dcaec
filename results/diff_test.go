package results

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiffKinds(t *testing.T) {
	const none = ChangeKind("")
	tests := []struct {
		name       string
		base, next Cell
		want       ChangeKind
	}{
		{"identical pass", diffCell(Pass, false, ""), diffCell(Pass, false, ""), none},
		{"identical crash", diffCell(Crash, false, "panic: a"), diffCell(Crash, false, "panic: a"), none},
		{"flaky crash, other counts", diffCell(Crash, true, "panic: a"), func() Cell {
			c := diffCell(Crash, true, "panic: a")
			c.OutcomeCounts = map[Outcome]int{Crash: 2, Pass: 1}
			return c
		}(), none},
		{"build error, other reason", func() Cell { c := diffCell(BuildError, false, ""); c.Reason = "x"; return c }(),
			func() Cell { c := diffCell(BuildError, false, ""); c.Reason = "y"; return c }(), none},
		{"unavailable both times", diffCell(Unavailable, false, ""), diffCell(Unavailable, false, ""), none},

		{"pass to crash", diffCell(Pass, false, ""), diffCell(Crash, false, "panic: a"), NewCrash},
		{"pass to flaky crash", diffCell(Pass, false, ""), diffCell(Crash, true, "panic: a"), NewCrash},
		{"timeout to crash", diffCell(Timeout, false, ""), diffCell(Crash, false, "panic: a"), NewCrash},
		{"build error to crash", diffCell(BuildError, false, ""), diffCell(Crash, false, "panic: a"), NewCrash},
		{"unavailable to crash is not a new crash", diffCell(Unavailable, false, ""), diffCell(Crash, false, "panic: a"), NowAvailable},
		{"unavailable to pass", diffCell(Unavailable, false, ""), diffCell(Pass, false, ""), NowAvailable},
		{"crash to unavailable", diffCell(Crash, false, "panic: a"), diffCell(Unavailable, false, ""), NowUnavailable},

		{"crash to pass", diffCell(Crash, false, "panic: a"), diffCell(Pass, false, ""), Fixed},
		{"flaky crash to pass", diffCell(Crash, true, "panic: a"), diffCell(Pass, false, ""), Fixed},
		{"fail to pass", diffCell(Fail, false, ""), diffCell(Pass, false, ""), Fixed},
		{"timeout to pass", diffCell(Timeout, false, ""), diffCell(Pass, false, ""), Fixed},
		{"build error to pass", diffCell(BuildError, false, ""), diffCell(Pass, false, ""), Fixed},

		{"pass to build error", diffCell(Pass, false, ""), diffCell(BuildError, false, ""), NewBuildError},
		{"crash to build error", diffCell(Crash, false, "panic: a"), diffCell(BuildError, false, ""), NewBuildError},

		{"pass to flaky fail", diffCell(Pass, false, ""), diffCell(Fail, true, ""), NewFlaky},
		{"crash to flaky crash", diffCell(Crash, false, "panic: a"), diffCell(Crash, true, "panic: a"), NewFlaky},
		{"crash to flaky crash, other signature", diffCell(Crash, false, "panic: a"), diffCell(Crash, true, "panic: b"), NewFlaky},

		{"pass to timeout", diffCell(Pass, false, ""), diffCell(Timeout, false, ""), NewTimeout},
		{"crash to timeout", diffCell(Crash, false, "panic: a"), diffCell(Timeout, false, ""), NewTimeout},
		{"pass to fail", diffCell(Pass, false, ""), diffCell(Fail, false, ""), NewFail},
		{"timeout to fail", diffCell(Timeout, false, ""), diffCell(Fail, false, ""), NewFail},
		{"build error to fail", diffCell(BuildError, false, ""), diffCell(Fail, false, ""), NewFail},

		{"other signature", diffCell(Crash, false, "panic: a"), diffCell(Crash, false, "panic: b"), SignatureChanged},
		{"flaky crash, other signature", diffCell(Crash, true, "panic: a"), diffCell(Crash, true, "panic: b"), SignatureChanged},
		{"flaky crash to crash", diffCell(Crash, true, "panic: a"), diffCell(Crash, false, "panic: a"), NoLongerFlaky},
		{"flaky timeout to timeout", diffCell(Timeout, true, ""), diffCell(Timeout, false, ""), NoLongerFlaky},
		{"flaky crash to fail", diffCell(Crash, true, "panic: a"), diffCell(Fail, false, ""), NewFail},
		{"unknown outcome", diffCell("exploded", false, ""), diffCell(Pass, false, ""), OutcomeChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := &Run{ID: "base", SchemaVersion: 1, Cells: []Cell{tt.base}}
			next := &Run{ID: "next", SchemaVersion: 1, Cells: []Cell{tt.next}}
			cmp := Diff(base, next)
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
			assert.Equal(t, map[ChangeKind]int{tt.want: 1}, cmp.Counts)
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
	cell := func(id string, outcome Outcome, sig string) Cell {
		c := diffCell(outcome, false, sig)
		c.ID, c.Target = id, id
		return c
	}
	base := &Run{ID: "b", SchemaVersion: 1, ConfigSHA256: "aaaaaaaaaaaaaaaa", Config: "a.json", Cells: []Cell{
		cell("gone", Pass, ""), cell("fixed", Crash, "panic: x"), cell("same", Pass, ""), cell("regressed", Pass, ""),
		cell("gone2", Crash, "panic: y"),
	}}
	next := &Run{ID: "n", SchemaVersion: 1, ConfigSHA256: "bbbbbbbbbbbbbbbb", Config: "b.json", Cells: []Cell{
		cell("added", Crash, "panic: z"), cell("same", Pass, ""), cell("fixed", Pass, ""), cell("regressed", Crash, "panic: r"),
		cell("same", Crash, "panic: duplicate is ignored"),
	}}
	cmp := Diff(base, next)
	var got []string
	for _, ch := range cmp.Changes {
		got = append(got, string(ch.Kind)+" "+ch.CellID)
	}
	assert.Equal(t, []string{"new-crash regressed", "fixed fixed", "only-in-base gone", "only-in-base gone2", "only-in-new added"}, got)
	assert.Equal(t, map[ChangeKind]int{NewCrash: 1, Fixed: 1, OnlyInBase: 2, OnlyInNew: 1}, cmp.Counts)
	assert.Equal(t, 6, cmp.Cells)
	assert.Equal(t, 1, cmp.Unchanged)
	assert.Equal(t, 2, cmp.Count(OnlyInBase, NewCrash)-1)
	assert.Equal(t, RunRef{ID: "b", SchemaVersion: 1, Config: "a.json", ConfigSHA256: "aaaaaaaaaaaaaaaa", Cells: 5}, cmp.Base)
	assert.Nil(t, cmp.Changes[2].After)
	assert.Equal(t, "panic: x", cmp.Changes[1].Before.Signature)
	assert.Nil(t, cmp.Changes[4].Before)
	require.Len(t, cmp.Warnings, 2)
	assert.Contains(t, cmp.Warnings[0], "different configs (a.json sha256 aaaaaaaaaaaa, b.json sha256 bbbbbbbbbbbb)")
	assert.Contains(t, cmp.Warnings[1], "run n has 1 duplicate cell IDs (first: same)")
	assert.Equal(t, "5 of 6 cells changed: 1 new-crash, 1 fixed, 2 only-in-base, 1 only-in-new; 1 unchanged", cmp.Summary())

	var buf bytes.Buffer
	require.NoError(t, WriteDiffText(&buf, cmp))
	assert.True(t, strings.HasPrefix(buf.String(), "warning: the runs come from different configs"), buf.String())
	buf.Reset()
	require.NoError(t, WriteDiffMarkdown(&buf, cmp))
	assert.Contains(t, buf.String(), "\n- **Warning:** the runs come from different configs (a.json")

	next.SchemaVersion = 2
	assert.Contains(t, Diff(base, next).Warnings[1], "different schema versions (1 and 2)")
}

func TestDiffNothingChanged(t *testing.T) {
	run, _ := recorded(t, "recorded")
	cmp := Diff(run, run)
	assert.Empty(t, cmp.Changes)
	assert.Empty(t, cmp.Warnings)
	assert.Equal(t, len(run.Cells), cmp.Unchanged)
	assert.Equal(t, "no change in 48 cells", cmp.Summary())
	var buf bytes.Buffer
	require.NoError(t, WriteDiffText(&buf, cmp))
	assert.Equal(t, "diff 20261127T135547Z-b8be → 20261127T135547Z-b8be: no change in 48 cells\n", buf.String())
	buf.Reset()
	require.NoError(t, WriteDiffJSON(&buf, Diff(&Run{}, &Run{})))
	assert.Contains(t, buf.String(), `"changes": []`, "an empty comparison still has a list of changes")
}

func TestDiffRedactsSecrets(t *testing.T) {
	base := diffCell(Pass, false, "")
	next := diffCell(Crash, false, "panic: login with ghp_0123456789abcdefghijABCDEFGHIJ0123 failed")
	next.Reason = "GITHUB_TOKEN=hunter2hunter2 rejected"
	cmp := Diff(&Run{Cells: []Cell{base}}, &Run{Cells: []Cell{next}})
	for _, format := range DiffFormats() {
		render, ok := DiffRendererFor(format)
		require.True(t, ok)
		var buf bytes.Buffer
		require.NoError(t, render(&buf, cmp))
		assert.NotContains(t, buf.String(), "ghp_0123456789", format)
		assert.NotContains(t, buf.String(), "hunter2", format)
	}
}

func TestDiffRecordedRuns(t *testing.T) {
	cmp := Diff(recordedPair(t))
	kinds := map[string]ChangeKind{}
	for _, ch := range cmp.Changes {
		kinds[ch.CellID] = ch.Kind
	}
	// What testdata/recorded-next-src changed, cell by cell.
	assert.Equal(t, map[string]ChangeKind{
		"go1.27.3_v1.33.0_nocover_controller_amd64":      NewCrash,
		"go1.27.3_v1.36.10_nocover_webhook_amd64":        NewBuildError,
		"go1.27.3_v1.36.10_cover_webhook_amd64":          NewBuildError,
		"builder-1.26_v1.36.10_nocover_controller_amd64": NewTimeout,
		"local_v1.33.0_cover_webhook_amd64":              NewFail,
		"local_v1.36.10_cover_webhook_amd64":             NewFail,
		"local_v1.36.10_nocover_controller_amd64":        NewFlaky,
		"go1.27.3_v1.33.0_cover_controller_amd64":        SignatureChanged,
		"go1.27.3_v1.36.10_cover_controller_amd64":       SignatureChanged,
		"local_v1.33.0_nocover_controller_amd64":         NoLongerFlaky,
		"builder-1.26_v1.33.0_nocover_controller_amd64":  NoLongerFlaky,
		"go1.27.3_v1.36.10_nocover_controller_amd64":     Fixed,
		"local_v1.33.0_nocover_webhook_amd64":            Fixed,
		"builder-1.26_v1.33.0_nocover_webhook_amd64":     Fixed,
		"builder-1.26_v1.33.0_cover_webhook_amd64":       Fixed,
	}, kinds)
	assert.Equal(t, 48, cmp.Cells)
	assert.Equal(t, 48-len(kinds), cmp.Unchanged)
	assert.Empty(t, cmp.Warnings, "the same toolchains.json bytes")
}

func TestDiffGolden(t *testing.T) {
	cmp := Diff(recordedPair(t))
	for _, format := range DiffFormats() {
		t.Run(format, func(t *testing.T) {
			render, ok := DiffRendererFor(format)
			require.True(t, ok)
			var buf bytes.Buffer
			require.NoError(t, render(&buf, cmp))
			for i, line := range strings.Split(buf.String(), "\n") {
				assert.Equal(t, strings.TrimRight(line, " \t"), line, "trailing space on line %d", i+1)
			}
			checkGolden(t, "diff."+map[string]string{"text": "txt", "markdown": "md", "json": "json"}[format]+".golden", buf.Bytes())
		})
	}
}

func TestDiffJSONRoundTrips(t *testing.T) {
	cmp := Diff(recordedPair(t))
	var buf bytes.Buffer
	require.NoError(t, WriteDiffJSON(&buf, cmp))
	var back Comparison
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, cmp, &back)
}

// TestDiffMarkdownTableIsValid checks that every row of the Markdown table
// has exactly as many cells as the header, although signatures hold `|`.
func TestDiffMarkdownTableIsValid(t *testing.T) {
	cmp := Diff(recordedPair(t))
	var buf bytes.Buffer
	require.NoError(t, WriteDiffMarkdown(&buf, cmp))
	require.Contains(t, buf.String(), `bad \| column`, "the recorded signature has a | to escape")
	rows := 0
	for _, line := range strings.Split(buf.String(), "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		rows++
		// GFM splits a row at every | not escaped by a backslash, even
		// inside code spans.
		borders := 0
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '|':
				borders++
			}
		}
		assert.Equal(t, len(diffHeader())+1, borders, "row %q", line)
	}
	assert.Equal(t, len(cmp.Changes)+2, rows)
}

func TestWriteComparisonIntoRun(t *testing.T) {
	store := Store{Root: t.TempDir()}
	w, err := store.Begin("20261127T113000Z-0001")
	require.NoError(t, err)
	cmp := Diff(recordedPair(t))
	require.NoError(t, w.WriteComparison(cmp))
	for _, bad := range []string{JSONFile, MarkdownFile, JUnitFile, CellsDir, ".hidden", "../diff.json", "a/b", ""} {
		assert.Error(t, w.WriteFile(bad, []byte("x")), "%q", bad)
	}
	run := sampleRun()
	run.ID = w.ID()
	dir, err := w.Commit(run)
	require.NoError(t, err)
	assert.Equal(t, []string{"diff.json", "diff.md", "junit.xml", "report.html", "results.json", "results.md"},
		tree(t, dir), "the comparison is part of the committed run, no temporary files left")
	data, err := os.ReadFile(filepath.Join(dir, DiffJSONFile))
	require.NoError(t, err)
	var back Comparison
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, cmp, &back)
	md, err := os.ReadFile(filepath.Join(dir, DiffMarkdownFile))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(md), "## gorepro diff `20261127T135547Z-b8be`"))
	assert.Error(t, w.WriteFile("late.txt", nil), "a committed run is not written to")
}
