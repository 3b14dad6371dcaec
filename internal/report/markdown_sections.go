package report

import (
	"cmp"
	"fmt"
	"maps"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorepro/gorepro/internal/record"
)

// toolchains are the run's toolchains; for a run recorded before gorepro
// stored them, what its cells say about them.
func (r *markdownReport) toolchains() []record.Toolchain {
	if len(r.run.Toolchains) > 0 {
		return r.run.Toolchains
	}
	var out []record.Toolchain
	index := map[string]int{}
	for _, c := range r.run.Cells {
		i, ok := index[c.Toolchain]
		if !ok {
			i = len(out)
			index[c.Toolchain] = i
			out = append(out, record.Toolchain{Name: c.Toolchain, Kind: c.ToolchainKind, Reason: c.Reason, HostArch: r.run.Host.GOARCH})
		}
		tc := &out[i]
		if c.Outcome != record.Unavailable {
			tc.Available = true
			tc.Reason = ""
			if tc.GoVersion == "" {
				tc.GoVersion = c.GoVersion
			}
		}
		if tc.Container == nil && c.Container != nil {
			tc.Container = c.Container
		}
	}
	return out
}

// toolchainGOOS is the GOOS a toolchain's binaries were built for.
func (r *markdownReport) toolchainGOOS(name string) string {
	for _, c := range r.run.Cells {
		if c.Toolchain == name && c.GOOS != "" {
			return c.GOOS
		}
	}
	return orDash(r.run.Host.GOOS)
}

// writeGoVersions writes the "What version of Go" section: a `go version`
// line per toolchain and the images of container toolchains.
func (r *markdownReport) writeGoVersions(b *strings.Builder) {
	b.WriteString("## What version of Go are you using (`go version`)?\n\n")
	tcs := r.toolchains()
	if len(tcs) == 0 {
		b.WriteString("No toolchain was recorded.\n\n")
		return
	}
	labels := make([]string, len(tcs))
	width := 0
	for i, tc := range tcs {
		labels[i] = tc.Name + " (" + orDash(tc.Kind) + ")"
		width = max(width, utf8.RuneCountInString(labels[i]))
	}
	lines := make([]string, len(tcs))
	for i, tc := range tcs {
		pad := strings.Repeat(" ", width-utf8.RuneCountInString(labels[i]))
		switch {
		case !tc.Available && tc.GoVersion == "":
			lines[i] = labels[i] + pad + "  unavailable: " + oneLine(tc.Reason)
		default:
			version := "go version " + orDash(tc.GoVersion)
			if tc.Experiments != "" {
				version += " X:" + tc.Experiments
			}
			arch := tc.GoEnv["GOARCH"]
			if arch == "" {
				arch = orDash(tc.HostArch)
			}
			lines[i] = labels[i] + pad + "  " + version + " " + r.toolchainGOOS(tc.Name) + "/" + arch
			if !tc.Available {
				lines[i] += " (unavailable: " + oneLine(tc.Reason) + ")"
			}
		}
	}
	r.writeCodeBlock(b, "", lines)
	listed := false
	for _, tc := range tcs {
		var parts []string
		if c := tc.Container; c != nil && c.Image != "" {
			parts = append(parts, "builder image "+r.imageText(c.Image, c.ImageDigest, c.ImageID, c.ImageArch))
			if c.RuntimeImage != "" {
				parts = append(parts, "runtime image "+r.imageText(c.RuntimeImage, c.RuntimeImageDigest, c.RuntimeImageID, c.RuntimeImageArch))
			}
		}
		if tc.Warning != "" {
			parts = append(parts, "warning: "+r.text(tc.Warning))
		}
		if len(parts) > 0 {
			fmt.Fprintf(b, "- %s: %s\n", r.code(tc.Name), strings.Join(parts, "; "))
			listed = true
		}
	}
	if listed {
		b.WriteString("\n")
	}
}

// imageText describes an image: its reference, digest, short ID and
// architecture.
func (r *markdownReport) imageText(ref, digest, id, arch string) string {
	text := r.code(ref)
	var facts []string
	if digest != "" {
		facts = append(facts, "digest "+r.code(digest))
	}
	if id != "" {
		facts = append(facts, "ID "+r.code(shortID(id)))
	}
	if arch != "" {
		facts = append(facts, r.text(arch))
	}
	if len(facts) > 0 {
		text += " (" + strings.Join(facts, ", ") + ")"
	}
	return text
}

// shortID is an image ID as `podman images` shows it: 12 hex digits.
func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// writeEnvironment writes the "What operating system and processor
// architecture" section: gorepro, the host, the container engines,
// emulation, the runners of a merged run and each toolchain's go env.
func (r *markdownReport) writeEnvironment(b *strings.Builder) {
	run := r.run
	b.WriteString("## What operating system and processor architecture are you using (`go env`)?\n\n")
	fmt.Fprintf(b, "- **gorepro:** %s\n", r.text(orDash(run.GoreproVersion)))
	fmt.Fprintf(b, "- **Host:** %s\n", r.hostText(run.Host))
	fmt.Fprintf(b, "- **Container engine:** %s\n", r.enginesText())
	fmt.Fprintf(b, "- **Emulation:** %s\n", r.emulationText())
	fmt.Fprintf(b, "- **Run:** %s", r.code(orDash(run.ID)))
	if !run.Started.IsZero() {
		fmt.Fprintf(b, ", started %s", run.Started.UTC().Format(time.RFC3339))
		if !run.Finished.IsZero() && !run.Finished.Before(run.Started) {
			fmt.Fprintf(b, ", took %s", run.Finished.Sub(run.Started).Round(time.Second))
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
		fmt.Fprintf(b, "- **Runners:** merged from %d %s:\n\n", len(run.Runners), plural(len(run.Runners), "run", "runs"))
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
			rows = append(rows, []string{r.cellCode(orDash(rn.RunID)), r.text(hostName(rn.Host)), r.cellCode(orDash(rn.Host.Kernel)),
				strconv.Itoa(rn.Host.NumCPU), shard, strconv.Itoa(rn.Cells), started, r.cellCode(orDash(rn.Source))})
		}
		writeMarkdownTable(b, header, rows)
	}
	b.WriteString("\n")
	r.writeGoEnv(b)
}

// hostName is a host as "linux/amd64 (name)".
func hostName(h record.Host) string {
	s := orDash(h.GOOS) + "/" + orDash(h.GOARCH)
	if h.Hostname != "" {
		s += " (" + h.Hostname + ")"
	}
	return s
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
	for _, c := range usedEngines(r.run) {
		e := c.Engine + " " + orDash(c.EngineVersion)
		if c.EngineHostArch != "" {
			e += ", engine host " + c.EngineHostArch
			if c.EngineHostArch != r.run.Host.GOARCH {
				e += " (not the host's architecture: a virtual machine)"
			}
		}
		engines = append(engines, e)
	}
	if len(engines) == 0 {
		for _, tc := range r.toolchains() {
			if tc.Kind == "image" {
				return "not recorded"
			}
		}
		return "none (no container toolchain)"
	}
	return r.text(strings.Join(engines, "; "))
}

// emulationText says plainly whether any binary ran under emulation, and
// which architectures did.
func (r *markdownReport) emulationText() string {
	ran := 0
	var native, emulated []string
	counts := map[string]int{}
	for _, c := range r.run.Cells {
		if c.Runs == 0 {
			continue
		}
		ran++
		arch := CellArch(c)
		if !c.Emulated {
			if !slices.Contains(native, arch) {
				native = append(native, arch)
			}
			continue
		}
		key := arch + " under " + cmp.Or(c.Emulator, "an unknown emulator")
		if counts[key] == 0 {
			emulated = append(emulated, key)
		}
		counts[key]++
	}
	if len(emulated) == 0 {
		if ran == 0 {
			return "no — no binary ran"
		}
		return fmt.Sprintf("no — none of the %d cells that ran used an emulator (binary/host: %s)", ran, r.text(strings.Join(native, ", ")))
	}
	n := 0
	parts := make([]string, len(emulated))
	for i, key := range emulated {
		n += counts[key]
		parts[i] = fmt.Sprintf("%s (%d %s)", key, counts[key], plural(counts[key], "cell", "cells"))
	}
	s := fmt.Sprintf("**yes** — in %d of the %d cells that ran, the binary ran under emulation: %s", n, ran, r.text(strings.Join(parts, ", ")))
	if len(native) > 0 {
		s += "; without: " + r.text(strings.Join(native, ", "))
	}
	return s
}

// usedEngines lists the container engines a run used, each engine,
// version and engine host architecture once, in the order its toolchains
// and then its cells name them (only those fields are set).
func usedEngines(run *record.Run) []record.Container {
	var used []record.Container
	add := func(c *record.Container) {
		if c == nil || c.Engine == "" {
			return
		}
		e := record.Container{Engine: c.Engine, EngineVersion: c.EngineVersion, EngineHostArch: c.EngineHostArch}
		if !slices.Contains(used, e) {
			used = append(used, e)
		}
	}
	for _, tc := range run.Toolchains {
		add(tc.Container)
	}
	for _, c := range run.Cells {
		add(c.Container)
	}
	return used
}

// goEnvOrder is the order go env variables are listed in (the ones
// gorepro records, container.ReportedGoEnv).
func goEnvOrder() []string {
	return []string{"GOARCH", "GOAMD64", "GOARM64", "CGO_ENABLED", "GOFLAGS", "GOEXPERIMENT", "GOTOOLCHAIN"}
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
	tcs := r.toolchains()
	if !slices.ContainsFunc(tcs, func(tc record.Toolchain) bool { return len(tc.GoEnv) > 0 }) {
		b.WriteString("The toolchains' go env was not recorded (a run of an older gorepro).\n\n")
		return
	}
	var lines []string
	for i, tc := range tcs {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, "# "+tc.Name+" ("+orDash(tc.Kind)+")")
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
		for _, k := range goEnvOrder() {
			v, ok := tc.GoEnv[k]
			if !ok || (v == "" && ((k == "GOAMD64" && arch != "amd64") || (k == "GOARM64" && arch != "arm64"))) {
				continue
			}
			lines = append(lines, k+"="+v)
		}
		for _, k := range slices.Sorted(maps.Keys(tc.GoEnv)) {
			if !slices.Contains(goEnvOrder(), k) {
				lines = append(lines, k+"="+tc.GoEnv[k])
			}
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

// writeWhatWasDone writes the "What did you do?" section: the matrix, the
// reproducer's source and the commands of a failing and a passing cell.
func (r *markdownReport) writeWhatWasDone(b *strings.Builder, lim mdLimits) {
	b.WriteString("## What did you do?\n\n")
	cells := r.run.Cells
	if r.run.Bisect != nil {
		fmt.Fprintf(b, "Bisected %s with `gorepro bisect`, building and running one cell per probe (%d %s):\n\n",
			r.text(r.run.Bisect.Axis), len(cells), plural(len(cells), "cell", "cells"))
	} else {
		fmt.Fprintf(b, "Built and ran every combination of these with `gorepro matrix` (%d %s):\n\n", len(cells), plural(len(cells), "cell", "cells"))
	}
	axes := []struct {
		name  string
		value func(record.Cell) string
	}{
		{"toolchains", func(c record.Cell) string { return c.Toolchain }},
		{"protobuf", func(c record.Cell) string { return cmp.Or(c.Protobuf, "none") }},
		{"cover", record.CoverColumn},
		{"targets", func(c record.Cell) string { return c.Target + " (" + orDash(c.TargetKind) + ")" }},
		{"arch (binary/host)", CellArch},
	}
	for _, ax := range axes {
		var values []string
		for _, c := range cells {
			if v := ax.value(c); !slices.Contains(values, v) {
				values = append(values, v)
			}
		}
		fmt.Fprintf(b, "- **%s:** %s\n", ax.name, r.text(strings.Join(values, ", ")))
	}
	for _, c := range r.run.Collapsed {
		fmt.Fprintf(b, "- %s\n", r.text(c.String()))
	}
	runs := 0
	for _, c := range cells {
		runs = max(runs, c.Runs)
	}
	if runs > 0 {
		fmt.Fprintf(b, "- **runs per cell:** up to %d\n", runs)
	}
	b.WriteString("\n")
	r.writeReproSource(b, lim)
	r.writeCommands(b)
}

// source returns the file at p of the run directory, redacted ("" when
// there is none).
func (r *markdownReport) source(p string) string {
	if r.logs == nil {
		return ""
	}
	text, ok := r.sources[p]
	if !ok {
		var cut bool
		var err error
		text, cut, err = r.logs.source(p)
		if err != nil {
			text = ""
		}
		if cut {
			text += fmt.Sprintf("// … cut at %d KiB\n", maxSourceBytes>>10)
		}
		r.sources[p] = text
	}
	return text
}

// writeReproSource writes the generated reproducer's go.mod and main.go.
func (r *markdownReport) writeReproSource(b *strings.Builder, lim mdLimits) {
	if r.repro == nil {
		return
	}
	dir := r.repro.Reproduce.Sources
	gomod := r.source(path.Join(dir, "go.mod"))
	main := r.source(path.Join(dir, "main.go.txt"))
	if gomod == "" && main == "" {
		return
	}
	fmt.Fprintf(b, "<details><summary>The reproducer's source: go.mod and main.go (cell <code>%s</code>)</summary>\n\n", r.summaryText(r.repro.ID))
	if gomod != "" {
		b.WriteString("`go.mod`:\n\n")
		r.writeCodeBlock(b, "", strings.Split(strings.TrimRight(gomod, "\n"), "\n"))
	}
	if main != "" {
		if lim.source {
			b.WriteString("`main.go`:\n\n")
			r.writeCodeBlock(b, "go", strings.Split(strings.TrimRight(main, "\n"), "\n"))
		} else {
			fmt.Fprintf(b, "`main.go` is left out to fit; it is %s in the run directory.\n\n", r.code(path.Join(dir, "main.go.txt")))
		}
	}
	b.WriteString("</details>\n\n")
}

// writeCommands writes the commands that reproduce the failing and the
// passing cell.
func (r *markdownReport) writeCommands(b *strings.Builder) {
	if r.failing == nil {
		return
	}
	f := r.failing
	fmt.Fprintf(b, "<details><summary>Commands that reproduce the %s: cell <code>%s</code></summary>\n\n", r.summaryText(string(f.Outcome)), r.summaryText(f.ID))
	r.writeCommandCell(b, f)
	b.WriteString("</details>\n\n")
	if p := r.passing; p != nil {
		differs := ""
		if len(r.differ) > 0 {
			var parts []string
			for _, ax := range cellAxes() {
				if slices.Contains(r.differ, ax.name) {
					parts = append(parts, ax.name+" ("+ax.value(p)+")")
				}
			}
			only := "only "
			if len(parts) > 1 {
				only = ""
			}
			differs = ", which differs " + only + "in " + joinWords(parts)
		}
		fmt.Fprintf(b, "<details><summary>Commands of a passing cell: <code>%s</code>%s</summary>\n\n", r.summaryText(p.ID), r.summaryText(differs))
		r.writeCommandCell(b, p)
		b.WriteString("</details>\n\n")
	}
}

// writeCommandCell writes what a cell is and its commands.
func (r *markdownReport) writeCommandCell(b *strings.Builder, c *record.Cell) {
	fmt.Fprintf(b, "Toolchain %s (%s), protobuf %s, cover %s, target %s, %s: **%s**",
		r.text(orDash(c.Toolchain)), r.text(orDash(c.GoVersion)), r.text(ProtobufColumn(*c)), record.CoverColumn(*c), r.code(orDash(c.Target)),
		r.text(record.ArchColumn(*c)), r.text(OutcomeColumn(*c)))
	if runs := RunsColumn(*c); runs != "-" {
		fmt.Fprintf(b, " %s", runs)
	}
	if c.Outcome == record.Crash && c.Signature != "" {
		fmt.Fprintf(b, " %s", r.code(shorten(oneLine(c.Signature), 200)))
	} else if c.Reason != "" && c.Outcome != record.Pass {
		fmt.Fprintf(b, " (%s)", r.text(shorten(oneLine(c.Reason), 200)))
	}
	b.WriteString(".\n\n")
	r.writeCodeBlock(b, "sh", strings.Split(strings.TrimRight(c.Reproduce.Script, "\n"), "\n"))
	if c.TargetKind != "repro" && c.Reproduce.Sources != "" {
		if gomod := r.source(path.Join(c.Reproduce.Sources, "go.mod")); gomod != "" {
			b.WriteString("It was built with this `go.mod` (the module's, with the cell's protobuf version):\n\n")
			r.writeCodeBlock(b, "", strings.Split(strings.TrimRight(gomod, "\n"), "\n"))
		}
	}
}

// writeWhatHappened writes the "What did you see happen?" section.
func (r *markdownReport) writeWhatHappened(b *strings.Builder, lim mdLimits) {
	b.WriteString("## What did you see happen?\n\n")
	r.writeKnownIssues(b)
	r.writePivotTables(b)
	if r.run.Analysis != nil {
		writeMarkdownAnalysis(b, r.run.Analysis)
	}
	r.writeCrashes(b, lim)
	for _, sec := range r.others {
		r.writeOutcomeSection(b, sec, lim)
	}
	if lim.probes {
		writeMarkdownProbes(b, r.run.Cells)
	}
	if r.run.Bisect != nil {
		writeMarkdownBisect(b, r.run.Bisect)
	}
	if r.run.Explain != nil {
		writeMarkdownExplain(b, r.run.Explain)
	}
	b.WriteString("\n")
}

// writeKnownIssues writes one line per known upstream issue a crash
// matches.
func (r *markdownReport) writeKnownIssues(b *strings.Builder) {
	var lines []string
	for _, g := range r.crashes {
		for _, k := range g.known {
			line := fmt.Sprintf("%s (%s, crash %s)", r.issueLink(k), r.text(k.Verdict), g.letter)
			if !slices.Contains(lines, line) {
				lines = append(lines, line)
			}
		}
	}
	if len(lines) > 0 {
		fmt.Fprintf(b, "**Known upstream issues:** %s\n\n", strings.Join(lines, ", "))
	}
}

// issueLink links a known issue, or names it when its URL is not a plain
// web address.
func (r *markdownReport) issueLink(k record.KnownIssueMatch) string {
	u, err := url.Parse(k.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || strings.ContainsAny(k.URL, " ()<>[]\\`|\"'") {
		return r.text(k.ID)
	}
	return fmt.Sprintf("[%s](%s)", r.text(k.ID), k.URL)
}

// writePivotTables writes one table per target: rows toolchains, columns
// protobuf version × cover, and the legend.
func (r *markdownReport) writePivotTables(b *strings.Builder) {
	if len(r.tables) == 0 {
		return
	}
	for _, t := range r.tables {
		fmt.Fprintf(b, "**Target %s** (%s):\n\n", r.code(orDash(t.Target)), r.text(orDash(t.TargetKind)))
		header := []string{"TOOLCHAIN"}
		for _, col := range t.Columns {
			header = append(header, r.text(col.Label()))
		}
		var rows [][]string
		for _, row := range t.Rows {
			cells := []string{r.text(row.Label())}
			for _, c := range row.Cells {
				text := PivotText(c)
				if c != nil && r.letter[c] != "" {
					text += " " + r.letter[c]
				}
				cells = append(cells, text)
			}
			rows = append(rows, cells)
		}
		writeMarkdownTable(b, header, rows)
		b.WriteString("\n")
		// The build list may overrule the protobuf version asked for.
		notes := ProtobufNotes(r.run.Cells, t.Target)
		for _, n := range notes {
			fmt.Fprintf(b, "- %s\n", r.text(n))
		}
		if len(notes) > 0 {
			b.WriteString("\n")
		}
	}
	b.WriteString("✅ pass · 💥 crash · ⏱ timeout · ❌ fail · 🔨 build-error · ➖ unavailable · n/N: runs with that outcome of all runs, when they disagreed (flaky)")
	if len(r.crashes) > 0 {
		b.WriteString(" · A, B, …: the crash signature (below)")
	}
	b.WriteString("\n")
}

// writeCrashes writes one section per distinct crash signature.
func (r *markdownReport) writeCrashes(b *strings.Builder, lim mdLimits) {
	if len(r.crashes) == 0 {
		return
	}
	cells := 0
	for _, g := range r.crashes {
		cells += len(g.cells)
	}
	startBlock(b)
	fmt.Fprintf(b, "### 💥 Crashes: %d distinct %s in %d %s\n", len(r.crashes), plural(len(r.crashes), "signature", "signatures"),
		cells, plural(cells, "cell", "cells"))
	sections := upTo(len(r.crashes), lim.signatures)
	excerpts := 0
	for _, g := range r.crashes[:sections] {
		startBlock(b)
		fmt.Fprintf(b, "#### %s: %s\n\n", g.letter, r.code(shorten(crashTitle(g), 200)))
		if utf8.RuneCountInString(crashTitle(g)) > 200 {
			fmt.Fprintf(b, "- **Signature:** %s\n", r.code(shorten(crashTitle(g), 2000)))
		}
		fmt.Fprintf(b, "- **Cells (%d):** %s\n", len(g.cells), r.cellList(g.cells, lim.cells))
		if g.runs > 0 {
			fmt.Fprintf(b, "- **Runs:** crashed in %d of %d", g.crashed, g.runs)
			if g.flaky > 0 {
				fmt.Fprintf(b, "; flaky in %d %s", g.flaky, plural(g.flaky, "cell", "cells"))
			}
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "- **Seen with:** %s\n", r.seenWith(g.cells))
		if len(g.frames) > 0 {
			frames := make([]string, 0, len(g.frames))
			for _, f := range g.frames[:min(len(g.frames), 8)] {
				frames = append(frames, r.code(shorten(f, 200)))
			}
			fmt.Fprintf(b, "- **Top frames:** %s\n", strings.Join(frames, " ← "))
		}
		for _, k := range g.known {
			fmt.Fprintf(b, "- **Known issue:** %s — %s", r.issueLink(k), r.text(k.Verdict))
			if len(k.Why) > 0 {
				fmt.Fprintf(b, " (%s)", r.text(strings.Join(k.Why, "; ")))
			}
			if k.Workaround != "" {
				fmt.Fprintf(b, "; workaround: %s", r.text(k.Workaround))
			}
			b.WriteString("\n")
		}
		ex := r.excerpt(g)
		if ex == nil || (lim.excerpts >= 0 && excerpts >= lim.excerpts) {
			if ex != nil {
				fmt.Fprintf(b, "- **Log:** %s (its stack is left out to fit)\n", r.code(ex.Path))
			}
			continue
		}
		b.WriteString("\n")
		excerpts++
		lines := ex.Lines[:min(len(ex.Lines), lim.stackLines)]
		what := "stack"
		if !ex.FromCrash {
			what = "log's last lines"
		}
		fmt.Fprintf(b, "<details><summary>The %s of one crash: <code>%s</code></summary>\n\n", what, r.summaryText(ex.Path))
		r.writeCodeBlock(b, "", lines)
		switch {
		case len(lines) < len(ex.Lines) || ex.Cut:
			fmt.Fprintf(b, "The first %d lines from the crash; the full log is %s in the run directory.\n\n", len(lines), r.code(ex.Path))
		case !ex.FromCrash:
			fmt.Fprintf(b, "No panic or fatal error line was found; the full log is %s in the run directory.\n\n", r.code(ex.Path))
		}
		b.WriteString("</details>\n")
	}
	if rest := r.crashes[sections:]; len(rest) > 0 {
		startBlock(b)
		fmt.Fprintf(b, "#### %d more crash %s\n\n", len(rest), plural(len(rest), "signature", "signatures"))
		for i, g := range rest {
			if i == 30 {
				fmt.Fprintf(b, "- … and %d more\n", len(rest)-i)
				break
			}
			fmt.Fprintf(b, "- %s: %s — %d %s\n", g.letter, r.code(shorten(crashTitle(g), 150)), len(g.cells), plural(len(g.cells), "cell", "cells"))
		}
	}
}

// excerpt returns the stack excerpt of a crash signature, reading the logs
// of its cells once: a cell that crashed every run first.
func (r *markdownReport) excerpt(g *crashGroup) *stackExcerpt {
	if g.read || r.logs == nil {
		return g.excerpt
	}
	g.read = true
	candidates := slices.Clone(g.cells)
	slices.SortStableFunc(candidates, func(a, b *record.Cell) int { return boolRank(a.Flaky) - boolRank(b.Flaky) })
	tried := 0
	for _, c := range candidates {
		for _, p := range crashLogs(c) {
			if tried == 8 {
				return nil
			}
			tried++
			ex, err := r.logs.stackExcerpt(p, fullLimits().stackLines)
			if err == nil && len(ex.Lines) > 0 {
				g.excerpt, g.from = ex, c
				return ex
			}
		}
	}
	return nil
}

// crashLogs are the logs of a cell's crashed runs, those with the cell's
// signature first; without run results, all its run logs.
func crashLogs(c *record.Cell) []string {
	var same, other []string
	for _, rr := range c.RunResults {
		if rr.Outcome != record.Crash || rr.Log == "" {
			continue
		}
		if oneLine(rr.Signature) == oneLine(c.Signature) {
			same = append(same, rr.Log)
		} else {
			other = append(other, rr.Log)
		}
	}
	if len(same)+len(other) == 0 {
		return c.Logs.Runs
	}
	return append(same, other...)
}

// seenWith describes the Go versions, architectures and emulators of cells.
func (r *markdownReport) seenWith(cells []*record.Cell) string {
	var gos, archs []string
	for _, c := range cells {
		if v := orDash(c.GoVersion); !slices.Contains(gos, v) {
			gos = append(gos, v)
		}
		arch := CellArch(*c)
		if c.Emulated {
			arch += " emulated (" + cmp.Or(c.Emulator, "unknown") + ")"
		} else {
			arch += " native"
		}
		if !slices.Contains(archs, arch) {
			archs = append(archs, arch)
		}
	}
	return r.text(strings.Join(gos, ", ")) + " · " + r.text(strings.Join(archs, ", "))
}

// cellList names cells compactly, by target and toolchain, e.g.
// "`controller` on local: v1.33.0 cover, v1.36.10 cover (1/3)", at most
// limit of them.
func (r *markdownReport) cellList(cells []*record.Cell, limit int) string {
	archs := map[string]bool{}
	for _, c := range cells {
		archs[CellArch(*c)] = true
	}
	type row struct {
		label string
		cols  []string
	}
	type target struct {
		name string
		rows []*row
	}
	var targets []*target
	listed := 0
	for _, c := range cells {
		if limit >= 0 && listed == limit {
			break
		}
		listed++
		ti := slices.IndexFunc(targets, func(t *target) bool { return t.name == c.Target })
		if ti < 0 {
			ti = len(targets)
			targets = append(targets, &target{name: c.Target})
		}
		t := targets[ti]
		label := orDash(c.Toolchain)
		if len(archs) > 1 {
			label += " " + CellArch(*c)
		}
		ri := slices.IndexFunc(t.rows, func(rw *row) bool { return rw.label == label })
		if ri < 0 {
			ri = len(t.rows)
			t.rows = append(t.rows, &row{label: label})
		}
		col := r.text(PivotColumn{Protobuf: c.Protobuf, Cover: c.Cover}.Label())
		if c.Flaky {
			col += " (" + RunsColumn(*c) + ")"
		}
		t.rows[ri].cols = append(t.rows[ri].cols, col)
	}
	parts := make([]string, len(targets))
	for i, t := range targets {
		rows := make([]string, len(t.rows))
		for j, rw := range t.rows {
			rows[j] = "on " + r.text(rw.label) + ": " + strings.Join(rw.cols, ", ")
		}
		parts[i] = r.code(orDash(t.name)) + " " + strings.Join(rows, "; ")
	}
	s := strings.Join(parts, " · ")
	if rest := len(cells) - listed; rest > 0 {
		s += fmt.Sprintf(" … and %d more", rest)
	}
	return s
}

// buildErrorGroups are the build-error reasons the report lists under lim.
func (r *markdownReport) buildErrorGroups(lim mdLimits) []*reasonGroup {
	for _, sec := range r.others {
		if sec.outcome == record.BuildError {
			return sec.groups[:upTo(len(sec.groups), lim.groups)]
		}
	}
	return nil
}

// buildTail returns the last lines of the build log of one cell of a
// build-error reason, read once.
func (r *markdownReport) buildTail(g *reasonGroup) []string {
	if g.read || r.logs == nil {
		return g.tail
	}
	g.read = true
	for i, c := range g.cells {
		if i == 8 {
			break
		}
		if c.Logs.Build == "" {
			continue
		}
		tail, err := r.logs.logTail(c.Logs.Build, fullLimits().buildLines)
		if err == nil && len(tail) > 0 {
			g.tail, g.from = tail, c
			return tail
		}
	}
	return nil
}

// writeOutcomeSection writes the cells of one outcome by reason, with the
// end of a build log for build errors.
func (r *markdownReport) writeOutcomeSection(b *strings.Builder, sec *outcomeSection, lim mdLimits) {
	startBlock(b)
	fmt.Fprintf(b, "### %s: %d %s\n\n", sec.title, sec.cells, plural(sec.cells, "cell", "cells"))
	groups := sec.groups[:upTo(len(sec.groups), lim.groups)]
	tails := 0
	for _, g := range groups {
		fmt.Fprintf(b, "- %s — %d %s: %s\n", r.text(shorten(cmp.Or(g.reason, "no reason recorded"), 300)), len(g.cells),
			plural(len(g.cells), "cell", "cells"), r.cellList(g.cells, lim.cells))
		if sec.outcome == record.Fail {
			r.writeFailTail(b, g.cells[0])
			continue
		}
		if sec.outcome != record.BuildError {
			continue
		}
		tail := r.buildTail(g)
		if tail == nil || (lim.buildLogs >= 0 && tails >= lim.buildLogs) {
			continue
		}
		tails++
		tail = tail[max(0, len(tail)-lim.buildLines):]
		startBlock(b)
		fmt.Fprintf(b, "<details><summary>The last %d lines of <code>%s</code></summary>\n\n", len(tail), r.summaryText(g.from.Logs.Build))
		r.writeCodeBlock(b, "", tail)
		b.WriteString("</details>\n\n")
	}
	if rest := len(sec.groups) - len(groups); rest > 0 {
		fmt.Fprintf(b, "- … and %d more %s\n", rest, plural(rest, "reason", "reasons"))
	}
}

// writeFailTail writes why a failed cell failed: the last lines its run
// printed and the pass rule to consider (record.Cell.Tail and Hint).
func (r *markdownReport) writeFailTail(b *strings.Builder, c *record.Cell) {
	if len(c.Tail) > 0 {
		startBlock(b)
		fmt.Fprintf(b, "The last lines %s printed:\n\n", r.code(orDash(c.ID)))
		r.writeCodeBlock(b, "", c.Tail)
	}
	if c.Hint != "" {
		startBlock(b)
		fmt.Fprintf(b, "Hint: %s\n\n", r.text(c.Hint))
	}
}

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
			if t.Failing != "" && !t.Passed && !strings.HasPrefix(t.Failing, "no simple description") {
				instead = append(instead, orDash(t.Target)+": "+t.Failing)
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

// startBlock ends what b holds with one blank line, so that a heading,
// list or HTML block can start.
func startBlock(b *strings.Builder) {
	switch s := b.String(); {
	case s == "" || strings.HasSuffix(s, "\n\n"):
	case strings.HasSuffix(s, "\n"):
		b.WriteString("\n")
	default:
		b.WriteString("\n\n")
	}
}
