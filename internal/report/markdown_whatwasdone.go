package report

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// writeWhatWasDone writes the "What did you do?" section: the matrix, the
// reproducer's source and the commands of a failing and a passing cell.
func (r *markdownReport) writeWhatWasDone(b *strings.Builder, lim mdLimits) {
	b.WriteString("## What did you do?\n\n")
	cells := r.run.Cells
	switch {
	case r.run.Explain != nil:
		fmt.Fprintf(b, "Explained what changed between two runs with `gorepro explain`, building and running one cell per probe (%d %s):\n\n",
			len(cells), wording.Plural(len(cells), "cell", "cells"))
	case r.run.Bisect != nil:
		fmt.Fprintf(b, "Bisected %s with `gorepro bisect`, building and running one cell per probe (%d %s):\n\n",
			r.text(r.run.Bisect.Axis), len(cells), wording.Plural(len(cells), "cell", "cells"))
	default:
		fmt.Fprintf(b, "Built and ran every combination of these with `gorepro matrix` (%d %s):\n\n", len(cells), wording.Plural(len(cells), "cell", "cells"))
	}
	axes := []struct {
		name  string
		value func(record.Cell) string
	}{
		{"toolchains", func(c record.Cell) string { return c.Toolchain }},
		{"protobuf", func(c record.Cell) string { return cmp.Or(c.Protobuf, "none") }},
		{"cover", record.CoverColumn},
		{"targets", func(c record.Cell) string { return c.Target + " (" + wording.OrDash(c.TargetKind) + ")" }},
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
			differs = ", which differs " + only + "in " + wording.JoinWords(parts)
		}
		fmt.Fprintf(b, "<details><summary>Commands of a passing cell: <code>%s</code>%s</summary>\n\n", r.summaryText(p.ID), r.summaryText(differs))
		r.writeCommandCell(b, p)
		b.WriteString("</details>\n\n")
	}
}

// writeCommandCell writes what a cell is and its commands.
func (r *markdownReport) writeCommandCell(b *strings.Builder, c *record.Cell) {
	fmt.Fprintf(b, "Toolchain %s (%s), protobuf %s, cover %s, target %s, %s: **%s**",
		r.text(wording.OrDash(c.Toolchain)), r.text(wording.OrDash(c.GoVersion)), r.text(ProtobufColumn(*c)), record.CoverColumn(*c), r.code(wording.OrDash(c.Target)),
		r.text(record.ArchColumn(*c)), r.text(OutcomeColumn(*c)))
	if runs := RunsColumn(*c); runs != "-" {
		fmt.Fprintf(b, " %s", runs)
	}
	if c.Outcome == record.Crash && c.Signature != "" {
		fmt.Fprintf(b, " %s", r.code(shorten(wording.OneLine(c.Signature), 200)))
	} else if c.Reason != "" && c.Outcome != record.Pass {
		fmt.Fprintf(b, " (%s)", r.text(shorten(wording.OneLine(c.Reason), 200)))
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
