package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// writeEnvironment writes the "What operating system and processor
// architecture" section: gorepro, the host, the container engines,
// emulation, the runners of a merged run and each toolchain's go env.
func (r *markdownReport) writeEnvironment(b *strings.Builder) {
	run := r.run
	b.WriteString("## What operating system and processor architecture are you using (`go env`)?\n\n")
	fmt.Fprintf(b, "- **gorepro:** %s\n", r.text(wording.OrDash(run.GoreproVersion)))
	fmt.Fprintf(b, "- **Host:** %s\n", r.hostText(run.Host))
	fmt.Fprintf(b, "- **Container engine:** %s\n", r.enginesText())
	fmt.Fprintf(b, "- **Emulation:** %s\n", r.emulationText())
	fmt.Fprintf(b, "- **Run:** %s", r.code(wording.OrDash(run.ID)))
	if !run.Started.IsZero() {
		fmt.Fprintf(b, ", started %s", run.Started.UTC().Format(time.RFC3339))
		if r.facts.timed {
			fmt.Fprintf(b, ", took %s", r.facts.took)
		}
	}
	if run.Config != "" {
		fmt.Fprintf(b, ", config %s", r.code(run.Config))
		if run.ConfigSHA256 != "" {
			fmt.Fprintf(b, " (sha256 %s)", r.code(run.ConfigSHA256))
		}
	}
	b.WriteString("\n")
	if s := run.Shard; s != nil {
		fmt.Fprintf(b, "- **Shard:** %d of %d, %d of the matrix's %d cells\n", s.Index, s.Count, s.Assigned, s.Total)
	}
	if run.Interrupted {
		b.WriteString("- **Interrupted:** the run was stopped before every cell finished\n")
	}
	if len(run.Runners) > 0 {
		fmt.Fprintf(b, "- **Runners:** merged from %d %s:\n\n", len(run.Runners), wording.Plural(len(run.Runners), "run", "runs"))
		header := []string{"RUN", "HOST", "KERNEL", "CPUS", "SHARD", "CELLS", "STARTED", "SOURCE"}
		var rows [][]string
		for _, rn := range run.Runners {
			shard := "-"
			if rn.Shard != nil {
				shard = fmt.Sprintf("%d/%d", rn.Shard.Index, rn.Shard.Count)
			}
			started := "-"
			if !rn.Started.IsZero() {
				started = rn.Started.UTC().Format(time.RFC3339)
			}
			rows = append(rows, []string{r.cellCode(wording.OrDash(rn.RunID)), r.text(hostName(rn.Host)), r.cellCode(wording.OrDash(rn.Host.Kernel)),
				strconv.Itoa(rn.Host.NumCPU), shard, strconv.Itoa(rn.Cells), started, r.cellCode(wording.OrDash(rn.Source))})
		}
		writeMarkdownTable(b, header, rows)
	}
	b.WriteString("\n")
	r.writeGoEnv(b)
}

// hostText describes the host: OS, architecture, name, kernel and CPUs.
func (r *markdownReport) hostText(h record.Host) string {
	s := r.text(hostName(h))
	if h.Kernel != "" {
		s += ", kernel " + r.code(h.Kernel)
	}
	if h.NumCPU > 0 {
		s += fmt.Sprintf(", %d CPUs", h.NumCPU)
	}
	return s
}

// enginesText names the container engines the run used, with their
// versions and the architecture of the machine they run containers on.
func (r *markdownReport) enginesText() string {
	var engines []string
	for _, c := range r.facts.engines {
		e := c.Engine + " " + wording.OrDash(c.EngineVersion)
		if c.EngineHostArch != "" {
			e += ", engine host " + c.EngineHostArch
			if c.EngineHostArch != r.run.Host.GOARCH {
				e += " (not the host's architecture: a virtual machine)"
			}
		}
		engines = append(engines, e)
	}
	if len(engines) == 0 {
		if r.facts.imageToolchain {
			return "not recorded"
		}
		return "none (no container toolchain)"
	}
	return r.text(strings.Join(engines, "; "))
}

// emulationText says plainly whether any binary ran under emulation, and
// which architectures did.
func (r *markdownReport) emulationText() string {
	em := r.facts.emulation
	if len(em.emulated) == 0 {
		if em.ran == 0 {
			return "no — no binary ran"
		}
		return fmt.Sprintf("no — none of the %d cells that ran used an emulator (binary/host: %s)", em.ran, r.text(strings.Join(em.native, ", ")))
	}
	n := 0
	parts := make([]string, len(em.emulated))
	for i, g := range em.emulated {
		n += g.cells
		parts[i] = fmt.Sprintf("%s under %s (%d %s)", g.arch, cmp.Or(g.emulator, "an unknown emulator"), g.cells, wording.Plural(g.cells, "cell", "cells"))
	}
	s := fmt.Sprintf("**yes** — in %d of the %d cells that ran, the binary ran under emulation: %s", n, em.ran, r.text(strings.Join(parts, ", ")))
	if len(em.native) > 0 {
		s += "; without: " + r.text(strings.Join(em.native, ", "))
	}
	return s
}

// cellBuildEnv is the environment gorepro set for a cell's build: its
// Reproduce.Env, or the -e NAME=value arguments of a container build.
func cellBuildEnv(c *record.Cell) []string {
	if len(c.Reproduce.Env) > 0 {
		return c.Reproduce.Env
	}
	var env []string
	for i := 0; i+1 < len(c.Reproduce.Build); i++ {
		if c.Reproduce.Build[i] == "-e" || c.Reproduce.Build[i] == "--env" {
			env = append(env, c.Reproduce.Build[i+1])
		}
	}
	return env
}

// writeGoEnv writes each toolchain's go env in a <details> block, with what
// gorepro's builds set per cell.
func (r *markdownReport) writeGoEnv(b *strings.Builder) {
	tcs := r.facts.toolchains
	if !slices.ContainsFunc(tcs, func(tc record.Toolchain) bool { return len(tc.GoEnv) > 0 }) {
		b.WriteString("The toolchains' go env was not recorded (a run of an older gorepro).\n\n")
		return
	}
	var lines []string
	for i, tc := range tcs {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, "# "+tc.Name+" ("+wording.OrDash(tc.Kind)+")")
		if tc.GOROOT != "" {
			lines = append(lines, "GOROOT="+tc.GOROOT)
		}
		if len(tc.GoEnv) == 0 {
			if tc.Available {
				lines = append(lines, "# go env not recorded")
			} else {
				lines = append(lines, "# go env not recorded: the toolchain was unavailable")
			}
		}
		arch := tc.GoEnv["GOARCH"]
		for _, k := range goEnvKeys(tc.GoEnv) {
			v := tc.GoEnv[k]
			if v == "" && ((k == "GOAMD64" && arch != "amd64") || (k == "GOARM64" && arch != "arm64") || (k == "GOARM" && arch != "arm")) {
				continue
			}
			lines = append(lines, k+"="+v)
		}
		if set := r.perCellEnv(tc.Name); set != "" {
			lines = append(lines, "# gorepro's builds set per cell: "+set)
		}
	}
	b.WriteString("<details><summary>go env of each toolchain</summary>\n\n")
	b.WriteString("What each toolchain's go command reports; gorepro's builds set GOTOOLCHAIN, CGO\\_ENABLED, GOARCH and GOFLAGS per cell (each cell's reproduce commands show them).\n\n")
	r.writeCodeBlock(b, "sh", lines)
	b.WriteString("</details>\n\n")
}

// perCellEnv is what the builds of a toolchain's cells set of the go env
// variables the report lists, e.g. "CGO_ENABLED=0 GOARCH=amd64,arm64".
func (r *markdownReport) perCellEnv(toolchain string) string {
	values := map[string][]string{}
	for i := range r.run.Cells {
		c := &r.run.Cells[i]
		if c.Toolchain != toolchain {
			continue
		}
		for _, kv := range cellBuildEnv(c) {
			k, v, ok := strings.Cut(kv, "=")
			if ok && slices.Contains(goEnvOrder(), k) && !slices.Contains(values[k], v) {
				values[k] = append(values[k], v)
			}
		}
	}
	var parts []string
	for _, k := range goEnvOrder() {
		if vs := values[k]; len(vs) > 0 {
			parts = append(parts, k+"="+strings.Join(vs, ","))
		}
	}
	return strings.Join(parts, " ")
}
