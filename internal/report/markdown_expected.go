package report

import (
	"fmt"
	"strings"

	"github.com/gorepro/gorepro/internal/report/wording"
)

// writeExpected writes the "What did you expect to see?" section.
func (r *markdownReport) writeExpected(b *strings.Builder) {
	b.WriteString("## What did you expect to see?\n\n")
	b.WriteString("Every cell that builds passes — each run exits 0, or meets its target's pass rule — whatever the toolchain, protobuf version, `-cover` flag and architecture")
	if len(r.crashes) > 0 {
		fmt.Fprintf(b, "; in particular no %s crash", r.code(shorten(crashTitle(r.crashes[0]), 120)))
	}
	b.WriteString(".\n")
	if a := r.run.Analysis; a != nil {
		var instead []string
		for _, t := range a.Targets {
			if t.Failing != "" && !t.Passed && !wording.IsNoSimpleDescription(t.Failing) {
				instead = append(instead, wording.OrDash(t.Target)+": "+t.Failing)
			}
		}
		if len(instead) > 0 {
			fmt.Fprintf(b, "Instead: %s.\n", r.text(strings.TrimSuffix(shorten(strings.Join(instead, "; "), 600), ".")))
		}
	}
}

// writeAllCells writes the table of every cell in a <details> block.
func (r *markdownReport) writeAllCells(b *strings.Builder) {
	fmt.Fprintf(b, "\n<details><summary>All %d cells</summary>\n\n", len(r.run.Cells))
	header := TableHeader()
	rows := make([][]string, len(r.run.Cells))
	for i, c := range r.run.Cells {
		row := TableRow(c)
		for j := range row {
			row[j] = r.text(row[j])
		}
		rows[i] = row
	}
	writeMarkdownTable(b, header, rows)
	b.WriteString("\n</details>\n")
}
