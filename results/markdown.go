package results

import (
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
)

// WriteMarkdown writes run as GitHub-flavoured Markdown suitable for a bug
// report: the environment, a summary line, the table of all cells and, for
// each cell that did not pass, its signature, frames, reason, architectures,
// protobuf note, logs and a script that reproduces it. Links to logs are
// relative to the run directory, where results.md is stored.
func WriteMarkdown(w io.Writer, run *Run) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# gorepro results %s\n\n", mdText(run.ID))
	writeMarkdownEnvironment(&b, run)
	fmt.Fprintf(&b, "**Summary:** %s\n\n", mdText(Summary(run.Cells)))

	b.WriteString(mdTableRow(TableHeader()))
	separator := make([]string, len(TableHeader()))
	for i := range separator {
		separator[i] = "---"
	}
	b.WriteString(mdTableRow(separator))
	for _, c := range run.Cells {
		row := TableRow(c)
		for i := range row {
			row[i] = mdText(row[i])
		}
		b.WriteString(mdTableRow(row))
	}

	if run.Analysis != nil {
		writeMarkdownAnalysis(&b, run.Analysis)
	}
	writeMarkdownProbes(&b, run.Cells)
	if run.Bisect != nil {
		writeMarkdownBisect(&b, run.Bisect)
	}
	failed := slices.IndexFunc(run.Cells, func(c Cell) bool { return c.Outcome != Pass }) >= 0
	if failed {
		b.WriteString("\n## Details\n")
		for _, c := range run.Cells {
			if c.Outcome != Pass {
				writeMarkdownCell(&b, c)
			}
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing Markdown report: %w", err)
	}
	return nil
}

// writeMarkdownEnvironment writes the bullet list describing where and when
// the run happened.
func writeMarkdownEnvironment(b *strings.Builder, run *Run) {
	fmt.Fprintf(b, "- **Run:** %s", mdCode(run.ID))
	if !run.Started.IsZero() {
		fmt.Fprintf(b, ", started %s", run.Started.UTC().Format(time.RFC3339))
	}
	if !run.Finished.IsZero() {
		fmt.Fprintf(b, ", finished %s", run.Finished.UTC().Format(time.RFC3339))
		if !run.Started.IsZero() && !run.Finished.Before(run.Started) {
			fmt.Fprintf(b, " (%s)", run.Finished.Sub(run.Started).Round(time.Second))
		}
	}
	b.WriteString("\n")
	fmt.Fprintf(b, "- **gorepro:** %s\n", mdText(orDash(run.GoreproVersion)))
	fmt.Fprintf(b, "- **Host:** %s/%s", mdText(orDash(run.Host.GOOS)), mdText(orDash(run.Host.GOARCH)))
	if run.Host.Hostname != "" {
		fmt.Fprintf(b, " (%s)", mdText(run.Host.Hostname))
	}
	if run.Host.Kernel != "" {
		fmt.Fprintf(b, ", kernel %s", mdCode(run.Host.Kernel))
	}
	fmt.Fprintf(b, ", %d CPUs\n", run.Host.NumCPU)
	fmt.Fprintf(b, "- **Config:** %s", mdCode(orDash(run.Config)))
	if run.ConfigSHA256 != "" {
		fmt.Fprintf(b, " (sha256 %s)", mdCode(run.ConfigSHA256))
	}
	b.WriteString("\n")
	if run.Interrupted {
		b.WriteString("- **Interrupted:** the run was stopped before every cell finished\n")
	}
	b.WriteString("\n")
}

// writeMarkdownCell writes the details section of one cell that did not pass.
func writeMarkdownCell(b *strings.Builder, c Cell) {
	fmt.Fprintf(b, "\n### %s: %s\n\n", mdCode(orDash(c.ID)), mdText(OutcomeColumn(c)))
	fmt.Fprintf(b, "- **Cell:** toolchain %s", mdCode(orDash(c.Toolchain)))
	if c.ToolchainKind != "" {
		fmt.Fprintf(b, " (%s)", mdText(c.ToolchainKind))
	}
	fmt.Fprintf(b, ", Go %s, target %s", mdText(orDash(c.GoVersion)), mdCode(orDash(c.Target)))
	if c.TargetKind != "" {
		fmt.Fprintf(b, " (%s)", mdText(c.TargetKind))
	}
	fmt.Fprintf(b, ", protobuf %s, cover %s\n", mdText(ProtobufColumn(c)), CoverColumn(c))
	fmt.Fprintf(b, "- **Arch:** binary %s, host %s", mdText(orDash(c.BinaryArch)), mdText(orDash(c.HostArch)))
	if c.GOOS != "" {
		fmt.Fprintf(b, " (%s)", mdText(c.GOOS))
	}
	if c.BinaryArch != "" && c.HostArch != "" && c.BinaryArch != c.HostArch {
		b.WriteString(": the binary is not native to the host")
	}
	b.WriteString("\n")
	if runs := RunsColumn(c); runs != "-" {
		fmt.Fprintf(b, "- **Runs:** %s %s", runs, mdText(string(c.Outcome)))
		if len(c.OutcomeCounts) > 0 {
			fmt.Fprintf(b, " (%s)", mdText(outcomeCounts(c.OutcomeCounts)))
		}
		b.WriteString("\n")
	}
	if c.Signature != "" {
		fmt.Fprintf(b, "- **Signature:** %s\n", mdCode(c.Signature))
	}
	for _, k := range c.KnownIssues {
		fmt.Fprintf(b, "- **Known issue:** [%s](%s) — %s", mdText(k.ID), k.URL, mdText(k.Verdict))
		if len(k.Why) > 0 {
			fmt.Fprintf(b, " (%s)", mdText(strings.Join(k.Why, "; ")))
		}
		if k.Workaround != "" {
			fmt.Fprintf(b, "; workaround: %s", mdText(k.Workaround))
		}
		b.WriteString("\n")
	}
	if len(c.Frames) > 0 {
		b.WriteString("- **Frames:**\n")
		for _, frame := range c.Frames {
			fmt.Fprintf(b, "  - %s\n", mdCode(frame))
		}
	}
	if c.Reason != "" {
		fmt.Fprintf(b, "- **Reason:** %s\n", mdText(c.Reason))
	}
	if c.ProtobufNote != "" {
		fmt.Fprintf(b, "- **Protobuf:** %s\n", mdText(c.ProtobufNote))
	}
	if c.Cached {
		b.WriteString("- **Cached:** the result of an identical earlier cell was reused")
		if c.CacheKey != "" {
			fmt.Fprintf(b, " (key %s)", mdCode(c.CacheKey))
		}
		b.WriteString("\n")
	}
	if c.Interrupted {
		b.WriteString("- **Interrupted:** the run was stopped before this cell finished\n")
	}
	if logs := logLinks(c.Logs); len(logs) > 0 {
		fmt.Fprintf(b, "- **Logs:** %s\n", strings.Join(logs, ", "))
	}
	if c.Reproduce.Script != "" {
		script := strings.TrimRight(c.Reproduce.Script, "\n")
		fence := strings.Repeat("`", max(3, longestRun(script, '`')+1))
		fmt.Fprintf(b, "\nReproduce:\n\n%ssh\n%s\n%s\n", fence, script, fence)
	}
}

// outcomeCounts formats per-outcome run counts, worst outcome first, e.g.
// "crash 1, pass 2".
func outcomeCounts(counts map[Outcome]int) string {
	outcomes := make([]Outcome, 0, len(counts))
	for o := range counts {
		outcomes = append(outcomes, o)
	}
	slices.SortFunc(outcomes, func(a, b Outcome) int {
		if d := b.Severity() - a.Severity(); d != 0 {
			return d
		}
		return strings.Compare(string(a), string(b))
	})
	parts := make([]string, len(outcomes))
	for i, o := range outcomes {
		parts[i] = fmt.Sprintf("%s %d", o, counts[o])
	}
	return strings.Join(parts, ", ")
}

// logLinks returns Markdown links to a cell's logs, relative to the run
// directory.
func logLinks(logs Logs) []string {
	paths := logs.Runs
	if logs.Build != "" {
		paths = append([]string{logs.Build}, paths...)
	}
	links := make([]string, 0, len(paths))
	for _, p := range paths {
		segments := strings.Split(p, "/")
		for i, s := range segments {
			segments[i] = url.PathEscape(s)
		}
		links = append(links, fmt.Sprintf("[%s](%s)", mdText(path.Base(p)), strings.Join(segments, "/")))
	}
	return links
}

// mdTableRow formats one row of a GFM table; the cells must already be
// escaped.
func mdTableRow(cells []string) string {
	return "| " + strings.Join(cells, " | ") + " |\n"
}

// mdText makes s one line of literal Markdown text: characters that would
// start emphasis, code, links, HTML or end a table cell are escaped.
func mdText(s string) string {
	return strings.NewReplacer(
		`\`, `\\`,
		"`", "\\`",
		`*`, `\*`,
		`_`, `\_`,
		`|`, `\|`,
		`<`, `\<`,
		`[`, `\[`,
		`]`, `\]`,
	).Replace(oneLine(s))
}

// mdCode makes s one line of inline code, using a longer backtick fence when s
// itself contains backticks.
func mdCode(s string) string {
	s = oneLine(s)
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// longestRun returns the length of the longest run of r in s.
func longestRun(s string, r rune) int {
	longest, current := 0, 0
	for _, c := range s {
		if c == r {
			current++
			longest = max(longest, current)
		} else {
			current = 0
		}
	}
	return longest
}
