package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

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
	fmt.Fprintf(b, "### 💥 Crashes: %d distinct %s in %d %s\n", len(r.crashes), wording.Plural(len(r.crashes), "signature", "signatures"),
		cells, wording.Plural(cells, "cell", "cells"))
	sections := upTo(len(r.crashes), lim.signatures)
	excerpts := 0
	for _, g := range r.crashes[:sections] {
		r.writeCrash(b, g, lim, &excerpts)
	}
	if rest := r.crashes[sections:]; len(rest) > 0 {
		startBlock(b)
		fmt.Fprintf(b, "#### %d more crash %s\n\n", len(rest), wording.Plural(len(rest), "signature", "signatures"))
		for i, g := range rest {
			if i == 30 {
				fmt.Fprintf(b, "- … and %d more\n", len(rest)-i)
				break
			}
			fmt.Fprintf(b, "- %s: %s — %d %s\n", g.letter, r.code(shorten(crashTitle(g), 150)), len(g.cells), wording.Plural(len(g.cells), "cell", "cells"))
		}
	}
}

// writeCrash writes the section of one crash signature; excerpts counts
// the stack excerpts the report quotes so far.
func (r *markdownReport) writeCrash(b *strings.Builder, g *crashGroup, lim mdLimits, excerpts *int) {
	startBlock(b)
	fmt.Fprintf(b, "#### %s: %s\n\n", g.letter, r.code(shorten(crashTitle(g), 200)))
	if utf8.RuneCountInString(crashTitle(g)) > 200 {
		fmt.Fprintf(b, "- **Signature:** %s\n", r.code(shorten(crashTitle(g), 2000)))
	}
	fmt.Fprintf(b, "- **Cells (%d):** %s\n", len(g.cells), r.cellList(g.cells, lim.cells))
	if g.runs > 0 {
		fmt.Fprintf(b, "- **Runs:** crashed in %d of %d", g.crashed, g.runs)
		if g.flaky > 0 {
			fmt.Fprintf(b, "; flaky in %d %s", g.flaky, wording.Plural(g.flaky, "cell", "cells"))
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
		fmt.Fprintf(b, "- **Known issue:** %s — %s\n", r.issueLink(k), knownIssueText(k, r.text))
	}
	ex := r.excerpt(g)
	if ex == nil || (lim.excerpts >= 0 && *excerpts >= lim.excerpts) {
		if ex != nil {
			fmt.Fprintf(b, "- **Log:** %s (its stack is left out to fit)\n", r.code(ex.Path))
		}
		return
	}
	b.WriteString("\n")
	*excerpts++
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
		if wording.OneLine(rr.Signature) == wording.OneLine(c.Signature) {
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
		if v := wording.OrDash(c.GoVersion); !slices.Contains(gos, v) {
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
		label := wording.OrDash(c.Toolchain)
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
		parts[i] = r.code(wording.OrDash(t.name)) + " " + strings.Join(rows, "; ")
	}
	s := strings.Join(parts, " · ")
	if rest := len(cells) - listed; rest > 0 {
		s += fmt.Sprintf(" … and %d more", rest)
	}
	return s
}
