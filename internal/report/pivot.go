package report

import (
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// PivotTable is one target's cells laid out the way a bug report shows
// them: one row per toolchain (and architecture, when the target's cells
// have more than one), one column per protobuf version × cover flag.
type PivotTable struct {
	Target     string
	TargetKind string
	Columns    []PivotColumn
	Rows       []PivotRow
}

// PivotColumn is one protobuf version (empty for targets without the
// protobuf axis) and cover flag.
type PivotColumn struct {
	Protobuf string
	Cover    bool
}

// Label is the column's heading, e.g. "v1.36.10 cover" or "nocover".
func (c PivotColumn) Label() string {
	cover := "nocover"
	if c.Cover {
		cover = "cover"
	}
	if c.Protobuf == "" {
		return cover
	}
	return c.Protobuf + " " + cover
}

// PivotRow is one toolchain (on one architecture) and its cells, one per
// column; a nil entry means the run had no such cell.
type PivotRow struct {
	Toolchain string
	// GoVersion is the Go version of the row's cells ("" when none was
	// known, e.g. every cell unavailable).
	GoVersion string
	// Arch is the cell architecture as "binary/host" (see CellArch) when
	// the table has more than one, else "".
	Arch  string
	Cells []*record.Cell
}

// Label is the row's heading: the toolchain, its Go version in parentheses
// when it is not already the name, and the architecture if any, e.g.
// "builder-1.26 (go1.26.8) arm64/amd64".
func (r PivotRow) Label() string {
	label := r.Toolchain
	if r.GoVersion != "" && r.GoVersion != r.Toolchain {
		label += " (" + r.GoVersion + ")"
	}
	if r.Arch != "" {
		label += " " + r.Arch
	}
	return label
}

// CellArch is the architecture a cell was built for and the one it ran on,
// as "binary/host". The binary's is the cell ID's GOARCH when nothing was
// built.
func CellArch(c record.Cell) string {
	binary := c.BinaryArch
	if binary == "" {
		if i := strings.LastIndexByte(c.ID, '_'); i >= 0 {
			binary = c.ID[i+1:]
		}
	}
	return wording.OrDash(binary) + "/" + wording.OrDash(c.HostArch)
}

// Pivot lays out cells as one PivotTable per target, in the order targets,
// toolchains and columns first appear. cells must outlive the tables,
// which point into it.
func Pivot(cells []record.Cell) []PivotTable {
	var tables []PivotTable
	index := map[string]int{}
	for i := range cells {
		c := &cells[i]
		ti, ok := index[c.Target]
		if !ok {
			ti = len(tables)
			index[c.Target] = ti
			tables = append(tables, PivotTable{Target: c.Target, TargetKind: c.TargetKind})
		}
		t := &tables[ti]
		col := PivotColumn{Protobuf: c.Protobuf, Cover: c.Cover}
		if !slices.Contains(t.Columns, col) {
			t.Columns = append(t.Columns, col)
		}
	}
	for ti := range tables {
		t := &tables[ti]
		sortColumns(t.Columns)
		var mine []*record.Cell
		archs := map[string]bool{}
		for i := range cells {
			if cells[i].Target == t.Target {
				mine = append(mine, &cells[i])
				archs[CellArch(cells[i])] = true
			}
		}
		rowIndex := map[[2]string]int{}
		for _, c := range mine {
			arch := ""
			if len(archs) > 1 {
				arch = CellArch(*c)
			}
			key := [2]string{c.Toolchain, arch}
			ri, ok := rowIndex[key]
			if !ok {
				ri = len(t.Rows)
				rowIndex[key] = ri
				t.Rows = append(t.Rows, PivotRow{Toolchain: c.Toolchain, Arch: arch, Cells: make([]*record.Cell, len(t.Columns))})
			}
			row := &t.Rows[ri]
			if row.GoVersion == "" && c.Outcome != record.Unavailable {
				row.GoVersion = c.GoVersion
			}
			ci := slices.Index(t.Columns, PivotColumn{Protobuf: c.Protobuf, Cover: c.Cover})
			if row.Cells[ci] == nil {
				row.Cells[ci] = c
			}
		}
	}
	return tables
}

// sortColumns keeps protobuf versions in first-appearance order (the
// config's) and puts nocover before cover within each.
func sortColumns(cols []PivotColumn) {
	var order []string
	for _, c := range cols {
		if !slices.Contains(order, c.Protobuf) {
			order = append(order, c.Protobuf)
		}
	}
	slices.SortStableFunc(cols, func(a, b PivotColumn) int {
		if d := slices.Index(order, a.Protobuf) - slices.Index(order, b.Protobuf); d != 0 {
			return d
		}
		switch {
		case a.Cover == b.Cover:
			return 0
		case !a.Cover:
			return -1
		}
		return 1
	})
}

// OutcomeSymbol is the emoji a report shows for an outcome: ✅ pass, 💥
// crash, ⏱ timeout, ❌ fail, 🔨 build-error, ➖ unavailable.
func OutcomeSymbol(o record.Outcome) string {
	switch o {
	case record.Pass:
		return "✅"
	case record.Crash:
		return "💥"
	case record.Timeout:
		return "⏱"
	case record.Fail:
		return "❌"
	case record.BuildError:
		return "🔨"
	case record.Unavailable:
		return "➖"
	}
	return "?"
}

// PivotText is what a pivot table shows for a cell: its outcome symbol,
// followed by "n/N" (runs with that outcome of all runs) when the cell is
// flaky, e.g. "💥 1/3"; "" for no cell.
func PivotText(c *record.Cell) string {
	if c == nil {
		return ""
	}
	text := OutcomeSymbol(c.Outcome)
	if c.Flaky {
		text += " " + RunsColumn(*c)
	}
	return text
}
