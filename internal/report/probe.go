package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// writeMarkdownProbes writes the "Environment inside the cells" section of
// the Markdown report: one row per cell whose probe reported, or nothing
// when none did.
func writeMarkdownProbes(b *strings.Builder, cells []record.Cell) {
	header := []string{"CELL", "ARCH (BIN/HOST)", "COMPILED", "UNAME", "PAGE", "MMAP HIGHEST", "BIT 47", "CPU", "BINFMT_MISC"}
	var rows [][]string
	for _, c := range cells {
		if c.EnvProbe == nil {
			continue
		}
		rows = append(rows, probeRow(c))
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("\n### Environment inside the cells\n\n")
	b.WriteString("What the probe target saw from inside each cell (under qemu-user, uname reports the emulated machine).\n\n")
	for _, row := range rows {
		for i := range row {
			row[i] = mdText(row[i])
		}
	}
	writeMarkdownTable(b, header, rows)
}

// probeRow is a probe cell's row of the Environment table.
func probeRow(c record.Cell) []string {
	p := c.EnvProbe
	uname := strings.TrimSpace(p.UnameSysname + " " + p.UnameMachine + " " + p.UnameRelease)
	page := "-"
	if p.PageSize > 0 {
		page = strconv.Itoa(p.PageSize)
	}
	highest := wording.OrDash(p.MmapHighest)
	if p.AddrBits > 0 {
		highest += fmt.Sprintf(" (%d bits)", p.AddrBits)
	}
	bit47 := "no"
	if p.MmapBit47 {
		bit47 = "yes"
	}
	if p.MmapHighest == "" {
		bit47 = "-"
	}
	cpu := strings.TrimSpace(p.CPUVendor + " " + p.CPUModel)
	binfmt := "not mounted"
	if p.BinfmtMounted {
		binfmt = "none"
		if len(p.Binfmt) > 0 {
			binfmt = strings.Join(p.Binfmt, ", ")
		}
	}
	return []string{
		wording.OrDash(c.ID), record.ArchColumn(c), wording.OrDash(strings.TrimSpace(p.GOOS + "/" + p.GOARCH)), wording.OrDash(uname), page,
		highest, bit47, wording.OrDash(cpu), binfmt,
	}
}
