package report

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

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
		fmt.Fprintf(b, "**Target %s** (%s):\n\n", r.code(wording.OrDash(t.Target)), r.text(wording.OrDash(t.TargetKind)))
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
