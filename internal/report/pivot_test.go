package report

import (
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPivotRecordedRun(t *testing.T) {
	run, _ := runfixture.Recorded(t, "recorded")
	tables := Pivot(run.Cells)
	require.Len(t, tables, 3)
	assert.Equal(t, []string{"repro", "controller", "webhook"}, []string{tables[0].Target, tables[1].Target, tables[2].Target})

	controller := tables[1]
	var cols []string
	for _, c := range controller.Columns {
		cols = append(cols, c.Label())
	}
	assert.Equal(t, []string{"v1.33.0 nocover", "v1.33.0 cover", "v1.36.10 nocover", "v1.36.10 cover"}, cols)
	var rows []string
	for _, r := range controller.Rows {
		var cells []string
		for _, c := range r.Cells {
			cells = append(cells, PivotText(c))
		}
		rows = append(rows, r.Label()+": "+strings.Join(cells, " | "))
	}
	assert.Equal(t, []string{
		"local (go1.26.8): 💥 1/3 | 💥 | ✅ | 💥",
		"go1.27.3: ⏱ | 💥 | ⏱ | 💥",
		"builder-1.26 (go1.26.8): 💥 1/3 | 💥 | ✅ | 💥",
		"ubi9-go-1.25: ➖ | ➖ | ➖ | ➖",
	}, rows)
	assert.Equal(t, "🔨", PivotText(tables[2].Rows[0].Cells[0]))
}

func TestPivotArchRowsAndMissingCells(t *testing.T) {
	cells := []record.Cell{
		{ID: "local_noprotobuf_cover_probe_amd64", Toolchain: "local", Target: "probe", Cover: true, Outcome: record.Pass, BinaryArch: "amd64", HostArch: "amd64", GoVersion: "go1.26.8"},
		{ID: "local_noprotobuf_nocover_probe_arm64", Toolchain: "local", Target: "probe", Outcome: record.Crash, HostArch: "amd64", Emulated: true},
	}
	tables := Pivot(cells)
	require.Len(t, tables, 1)
	assert.Equal(t, []string{"nocover", "cover"}, []string{tables[0].Columns[0].Label(), tables[0].Columns[1].Label()})
	require.Len(t, tables[0].Rows, 2)
	assert.Equal(t, "local (go1.26.8) amd64/amd64", tables[0].Rows[0].Label())
	assert.Nil(t, tables[0].Rows[0].Cells[0])
	assert.Equal(t, "local arm64/amd64", tables[0].Rows[1].Label())
	assert.Equal(t, "💥", PivotText(tables[0].Rows[1].Cells[0]))
}
