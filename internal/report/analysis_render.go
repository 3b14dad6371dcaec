package report

import (
	"fmt"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// AnalysisLines is what a terminal shows of an analysis: one line per
// target with cells that did not pass, "which axes matter for repro: crash
// iff …", or one line saying every compared cell passed (then a note per
// protobuf version asked for and never built).
func AnalysisLines(a *record.Analysis) string {
	var b strings.Builder
	var notes []string
	for _, t := range a.Targets {
		if !t.Passed && (t.Failing != "" || t.Summary != "") {
			fmt.Fprintf(&b, "which axes matter for %s: %s\n", wording.OrDash(t.Target), t.Summary)
			for _, d := range fileDiffs(t) {
				fmt.Fprintf(&b, "  %s → %s: %s\n", d.good, d.bad, d.Path)
				for line := range strings.SplitSeq(d.Diff, "\n") {
					fmt.Fprintf(&b, "    %s\n", line)
				}
			}
		} else {
			// Its summary is not shown: the protobuf versions it asked
			// for and never built still are.
			notes = append(notes, t.NotTested...)
		}
	}
	if b.Len() == 0 {
		fmt.Fprintf(&b, "which axes matter: %s\n", a.Summary)
	}
	for _, n := range notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	return b.String()
}

// writeMarkdownAnalysis writes the "Which axes matter" section of the
// Markdown report: per target, its summary and, for each axis, its values,
// its verdict and the pairs of cells that prove it.
func writeMarkdownAnalysis(b *strings.Builder, a *record.Analysis) {
	b.WriteString("\n### Which axes matter\n\n")
	if len(a.Targets) == 0 {
		fmt.Fprintf(b, "%s\n", mdText(a.Summary))
		return
	}
	b.WriteString("Each target is its own program and is analysed apart; an axis changes the outcome only when two cells of one target that differ in it alone have different outcomes.\n")
	for _, t := range a.Targets {
		fmt.Fprintf(b, "\n**%s:** %s\n\n", mdCode(wording.OrDash(t.Target)), mdText(t.Summary))
		for _, d := range fileDiffs(t) {
			fmt.Fprintf(b, "%s from %s to %s:\n\n```diff\n%s\n```\n\n", mdCode(d.Path), mdCode(d.good), mdCode(d.bad), strings.ReplaceAll(redact.Text(d.Diff), "```", "` ` `"))
		}
		for _, f := range t.Axes {
			fmt.Fprintf(b, "- **%s** (%s): ", mdText(f.Axis), mdText(strings.Join(f.Values, ", ")))
			only := "only in it"
			if len(f.With) > 0 {
				only = fmt.Sprintf("only in it and in %s, which changes with it", mdText(wording.JoinWords(f.With)))
				if len(f.With) > 1 {
					only = fmt.Sprintf("only in it and in %s, which change with it", mdText(wording.JoinWords(f.With)))
				}
			}
			switch {
			case len(f.Values) < 2:
				b.WriteString("not varied\n")
			case f.Compared == 0:
				b.WriteString("never varied alone\n")
			case !f.Matters:
				fmt.Fprintf(b, "never changes the outcome (%d %s differ %s)\n", f.Compared, wording.Plural(f.Compared, "pair", "pairs"), only)
			default:
				fmt.Fprintf(b, "changes the outcome in %d of %d %s that differ %s, e.g.\n", f.Changed, f.Compared, wording.Plural(f.Compared, "pair", "pairs"), only)
				for _, p := range f.Pairs {
					fmt.Fprintf(b, "  - %s (%s): %s, %s (%s): %s\n",
						mdCode(p.A), mdText(p.ValueA), mdText(string(p.OutcomeA)),
						mdCode(p.B), mdText(p.ValueB), mdText(string(p.OutcomeB)))
				}
			}
		}
	}
}

// namedDiff is a diff of a GOROOT file between two builds of one Go
// version, from the good build to the bad one.
type namedDiff struct {
	record.FileDiff
	good, bad string
}

// fileDiffs returns the diffs of the GOROOT files that differ between the
// builds t compares.
func fileDiffs(t record.TargetAnalysis) []namedDiff {
	var out []namedDiff
	for _, b := range t.Builds {
		if b.Files == nil {
			continue
		}
		for _, d := range b.Files.Diffs {
			out = append(out, namedDiff{FileDiff: d, good: b.Good, bad: b.Bad})
		}
	}
	return out
}
