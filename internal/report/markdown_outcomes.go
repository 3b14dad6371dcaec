package report

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

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
	fmt.Fprintf(b, "### %s: %d %s\n\n", sec.title, sec.cells, wording.Plural(sec.cells, "cell", "cells"))
	groups := sec.groups[:upTo(len(sec.groups), lim.groups)]
	tails := 0
	for _, g := range groups {
		fmt.Fprintf(b, "- %s — %d %s: %s\n", r.text(shorten(cmp.Or(g.reason, "no reason recorded"), 300)), len(g.cells),
			wording.Plural(len(g.cells), "cell", "cells"), r.cellList(g.cells, lim.cells))
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
		fmt.Fprintf(b, "- … and %d more %s\n", rest, wording.Plural(rest, "reason", "reasons"))
	}
}

// writeFailTail writes why a failed cell failed: the last lines its run
// printed and the pass rule to consider (record.Cell.Tail and Hint).
func (r *markdownReport) writeFailTail(b *strings.Builder, c *record.Cell) {
	if len(c.Tail) > 0 {
		startBlock(b)
		fmt.Fprintf(b, "The last lines %s printed:\n\n", r.code(wording.OrDash(c.ID)))
		r.writeCodeBlock(b, "", c.Tail)
	}
	if c.Hint != "" {
		startBlock(b)
		fmt.Fprintf(b, "Hint: %s\n\n", r.text(c.Hint))
	}
}
