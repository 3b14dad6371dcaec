package results

import (
	"fmt"
	"strconv"
	"strings"
)

// ProbeFacts is the JSON line gorepro's probe target prints: what a
// binary sees of the machine it runs on. Under qemu-user, uname reports
// the emulated machine (aarch64 for an arm64 binary), while /proc/cpuinfo
// and the mmap addresses may give the real host away.
type ProbeFacts struct {
	// GoVersion, GOOS and GOARCH are what the probe was compiled as.
	GoVersion string `json:"goVersion"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	// UnameSysname, UnameMachine and UnameRelease are uname(2)'s.
	UnameSysname string `json:"unameSysname,omitempty"`
	UnameMachine string `json:"unameMachine,omitempty"`
	UnameRelease string `json:"unameRelease,omitempty"`
	PageSize     int    `json:"pageSize,omitempty"`
	// MmapLowest and MmapHighest bound the addresses of a few anonymous
	// mappings ("0x7f..."); MmapBit47 says whether the highest has bit 47
	// set, which an amd64 Go runtime before go1.25.5 cannot pack
	// (taggedPointerPack), and AddrBits how many bits it needs.
	MmapLowest  string `json:"mmapLowest,omitempty"`
	MmapHighest string `json:"mmapHighest,omitempty"`
	MmapBit47   bool   `json:"mmapBit47"`
	AddrBits    int    `json:"addrBits,omitempty"`
	// HeapAddr is the address of a large heap allocation.
	HeapAddr string `json:"heapAddr,omitempty"`
	// CPUVendor and CPUModel come from /proc/cpuinfo ("GenuineIntel",
	// "0x41"; "Intel(R) Xeon(R) ...", "0xd0c").
	CPUVendor string `json:"cpuVendor,omitempty"`
	CPUModel  string `json:"cpuModel,omitempty"`
	// BinfmtMounted says whether binfmt_misc was visible; Binfmt lists
	// its handlers as "name state" ("qemu-aarch64 enabled").
	BinfmtMounted bool     `json:"binfmtMounted"`
	Binfmt        []string `json:"binfmt,omitempty"`
	// Problems are the probe's own failures (a system call that failed).
	Problems []string `json:"problems,omitempty"`
}

// writeMarkdownProbes writes the "Environment inside the cells" section of
// the Markdown report: one row per cell whose probe reported, or nothing
// when none did.
func writeMarkdownProbes(b *strings.Builder, cells []Cell) {
	header := []string{"CELL", "ARCH (BIN/HOST)", "COMPILED", "UNAME", "PAGE", "MMAP HIGHEST", "BIT 47", "CPU", "BINFMT_MISC"}
	var rows [][]string
	for _, c := range cells {
		if c.Probe == nil {
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
func probeRow(c Cell) []string {
	p := c.Probe
	uname := strings.TrimSpace(p.UnameSysname + " " + p.UnameMachine + " " + p.UnameRelease)
	page := "-"
	if p.PageSize > 0 {
		page = strconv.Itoa(p.PageSize)
	}
	highest := orDash(p.MmapHighest)
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
		orDash(c.ID), ArchColumn(c), orDash(strings.TrimSpace(p.GOOS + "/" + p.GOARCH)), orDash(uname), page,
		highest, bit47, orDash(cpu), binfmt,
	}
}
