package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// DiffFormats lists the formats a Comparison is rendered in.
func DiffFormats() []string { return []string{"text", "markdown", "json"} }

// DiffRendererFor returns the writer of a Comparison in format (one of
// DiffFormats; "table" is another name for "text").
func DiffRendererFor(format string) (func(io.Writer, *compare.Comparison) error, bool) {
	switch format {
	case "text", "table":
		return WriteDiffText, true
	case "markdown":
		return WriteDiffMarkdown, true
	case "json":
		return WriteDiffJSON, true
	}
	return nil, false
}

// diffHeader is the header of the text and Markdown tables of changes.
func diffHeader() []string {
	return []string{"CHANGE", "TOOLCHAIN", "GO", "PROTOBUF", "COVER", "TARGET", "ARCH (BIN/HOST)", "BEFORE", "AFTER", "SIGNATURE"}
}

// diffRow returns the columns of ch in the order of diffHeader. BEFORE and
// AFTER are the outcome and its runs ("crash (flaky) 1/3"); SIGNATURE is
// "old → new" for a changed signature, the base run's signature or reason
// for a fixed cell or one only in the base run, else the new run's.
func diffRow(ch compare.Change) []string {
	note := ""
	switch {
	case ch.Kind == compare.SignatureChanged:
		note = SignatureColumn(ch.Before.Cell()) + " → " + SignatureColumn(ch.After.Cell())
	case ch.After == nil || ch.Kind == compare.Fixed || ch.After.Outcome == record.Pass:
		if ch.Before != nil {
			note = SignatureColumn(ch.Before.Cell())
		}
	default:
		note = SignatureColumn(ch.After.Cell())
	}
	return []string{
		string(ch.Kind),
		wording.OrDash(ch.Toolchain),
		wording.OrDash(ch.GoVersion),
		wording.OrDash(ch.Protobuf),
		coverWord(ch.Cover),
		wording.OrDash(ch.Target),
		wording.OrDash(ch.Arch),
		stateColumn(ch.Before),
		stateColumn(ch.After),
		note,
	}
}

// coverWord is the COVER column of a cover flag.
func coverWord(cover bool) string {
	if cover {
		return "on"
	}
	return "off"
}

// stateColumn returns a cell's outcome and runs, e.g. "crash (flaky) 1/3",
// or "-" when the run does not have the cell.
func stateColumn(s *compare.CellState) string {
	if s == nil {
		return "-"
	}
	c := s.Cell()
	runs := RunsColumn(c)
	if runs == "-" {
		return OutcomeColumn(c)
	}
	return OutcomeColumn(c) + " " + runs
}

// WriteDiffText writes what a terminal shows of a comparison: its
// warnings, the table of changed cells (borderless, as every gorepro table)
// and a one-line summary naming both runs.
func WriteDiffText(w io.Writer, c *compare.Comparison) error {
	var b strings.Builder
	for _, warning := range c.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", warning)
	}
	if len(c.Changes) > 0 {
		rows := make([][]string, len(c.Changes))
		for i, ch := range c.Changes {
			rows[i] = diffRow(ch)
		}
		if err := WritePlainTable(&b, diffHeader(), rows); err != nil {
			return err
		}
	}
	for _, ch := range c.Changes {
		if len(ch.InputsChanged) > 0 {
			fmt.Fprintf(&b, "%s built from: %s\n", ch.CellID, redact.Text(strings.Join(ch.InputsChanged, "; ")))
		}
	}
	fmt.Fprintf(&b, "diff %s → %s: %s\n", wording.OrDash(c.Base.ID), wording.OrDash(c.Next.ID), c.Summary())
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing the comparison: %w", err)
	}
	return nil
}

// WriteDiffMarkdown writes a comparison as GitHub-flavoured Markdown: a
// heading naming both runs, the summary, warnings and a table of the changed
// cells whose every column is escaped, so a `|` in a signature cannot end a
// cell.
func WriteDiffMarkdown(w io.Writer, c *compare.Comparison) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## gorepro diff %s → %s\n\n", mdCode(wording.OrDash(c.Base.ID)), mdCode(wording.OrDash(c.Next.ID)))
	fmt.Fprintf(&b, "**Summary:** %s\n", mdText(c.Summary()))
	if len(c.Warnings) > 0 {
		b.WriteString("\n")
		for _, warning := range c.Warnings {
			fmt.Fprintf(&b, "- **Warning:** %s\n", mdText(warning))
		}
	}
	if len(c.Changes) > 0 {
		b.WriteString("\n")
		header := diffHeader()
		for i := range header {
			header[i] = strings.ToLower(header[i])
		}
		rows := make([][]string, len(c.Changes))
		for ri, ch := range c.Changes {
			row := diffRow(ch)
			for i := range row {
				row[i] = mdText(row[i])
			}
			row[0] = "**" + row[0] + "**"
			rows[ri] = row
		}
		writeMarkdownTable(&b, header, rows)
		var inputs []string
		for _, ch := range c.Changes {
			if len(ch.InputsChanged) > 0 {
				inputs = append(inputs, fmt.Sprintf("- %s: %s\n", mdCode(ch.CellID), mdText(redact.Text(strings.Join(ch.InputsChanged, "; ")))))
			}
		}
		if len(inputs) > 0 {
			b.WriteString("\nWhat the changed cells were built from (`gorepro explain` finds which change did it):\n\n")
			b.WriteString(strings.Join(inputs, ""))
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing the comparison as Markdown: %w", err)
	}
	return nil
}

// WriteDiffJSON writes a comparison as JSON: indented by two spaces, HTML
// characters unescaped, ending in a newline.
func WriteDiffJSON(w io.Writer, c *compare.Comparison) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return fmt.Errorf("encoding the comparison as JSON: %w", err)
	}
	return nil
}
