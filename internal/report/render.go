package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// maxNoteRunes is how long a reason may be in the SIGNATURE column before it
// is shortened with an ellipsis.
const maxNoteRunes = 80

// TableHeader returns the column names of the terminal and Markdown tables.
func TableHeader() []string {
	return []string{"TOOLCHAIN", "GO", "PROTOBUF", "COVER", "TARGET", "ARCH (BIN/HOST)", "OUTCOME", "RUNS", "SIGNATURE"}
}

// TableRow returns the cells of c's row in the terminal and Markdown tables,
// in the order of TableHeader.
func TableRow(c record.Cell) []string {
	return []string{
		wording.OrDash(c.Toolchain),
		wording.OrDash(c.GoVersion),
		ProtobufColumn(c),
		record.CoverColumn(c),
		wording.OrDash(c.Target),
		record.ArchColumn(c),
		OutcomeColumn(c),
		RunsColumn(c),
		SignatureColumn(c),
	}
}

// OutcomeColumn returns the cell's outcome, marked "(flaky)" when its runs
// disagreed, e.g. "crash (flaky)". Cached cells are not marked.
func OutcomeColumn(c record.Cell) string {
	outcome := wording.OrDash(string(c.Outcome))
	if c.Flaky {
		outcome += " (flaky)"
	}
	return outcome
}

// ProtobufColumn returns the protobuf version the cell asked for, or
// "asked→linked" when the binary linked a different one.
func ProtobufColumn(c record.Cell) string {
	switch {
	case c.Protobuf == "":
		return wording.OrDash(c.ProtobufLinked)
	case c.ProtobufLinked != "" && c.ProtobufLinked != c.Protobuf:
		return c.Protobuf + "→" + c.ProtobufLinked
	}
	return c.Protobuf
}

// RunsColumn returns "<runs with the reported outcome>/<runs>", e.g. "1/3"
// for a flaky crash seen once in three runs, or "-" when nothing ran.
func RunsColumn(c record.Cell) string {
	if c.Outcome == record.BuildError || c.Outcome == record.Unavailable || c.Runs == 0 {
		return "-"
	}
	matching := "?"
	if n := reportedRuns(c); n >= 0 {
		matching = strconv.Itoa(n)
	}
	return matching + "/" + strconv.Itoa(c.Runs)
}

// reportedRuns counts the runs of c whose outcome is the cell's outcome, or
// returns -1 when the record does not say.
func reportedRuns(c record.Cell) int {
	if len(c.OutcomeCounts) > 0 {
		return c.OutcomeCounts[c.Outcome]
	}
	if len(c.RunResults) > 0 {
		n := 0
		for _, r := range c.RunResults {
			if r.Outcome == c.Outcome {
				n++
			}
		}
		return n
	}
	if c.Outcome == record.Crash && c.Crashes > 0 {
		return c.Crashes
	}
	if !c.Flaky {
		return c.Runs
	}
	return -1
}

// SignatureColumn returns the crash signature of a crashed cell, the reason
// (shortened to about 80 characters) of any other cell that did not pass, and
// "" for a passing cell. The result is always one line.
func SignatureColumn(c record.Cell) string {
	switch c.Outcome {
	case record.Pass:
		return ""
	case record.Crash:
		if c.Signature != "" {
			return wording.OneLine(c.Signature)
		}
	}
	note := c.Reason
	if note == "" {
		note = c.Signature
	}
	return shorten(wording.OneLine(note), maxNoteRunes)
}

// WriteTable writes cells, in the given order, as a borderless, left-aligned
// table with space-separated columns (in the style of kubectl) and no
// trailing spaces.
func WriteTable(w io.Writer, cells []record.Cell) error {
	rows := make([][]string, len(cells))
	for i, c := range cells {
		rows[i] = TableRow(c)
	}
	return WritePlainTable(w, TableHeader(), rows)
}

// WritePlainTable writes a borderless, left-aligned table with columns
// separated by two spaces and no trailing spaces (kubectl style). Every
// table gorepro prints on a terminal goes through it.
func WritePlainTable(w io.Writer, header []string, rows [][]string) error {
	var buf bytes.Buffer
	cellConfig := tw.CellConfig{
		Formatting: tw.CellFormatting{AutoWrap: tw.WrapNone, AutoFormat: tw.Off},
		Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
		Padding:    tw.CellPadding{Global: tw.Padding{Left: "", Right: "  ", Overwrite: true}},
	}
	table := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.Separators{ShowHeader: tw.Off, ShowFooter: tw.Off, BetweenRows: tw.Off, BetweenColumns: tw.Off},
				Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.Off, ShowFooterLine: tw.Off},
			},
		})),
		tablewriter.WithConfig(tablewriter.Config{
			Header:   cellConfig,
			Row:      cellConfig,
			Behavior: tw.Behavior{TrimSpace: tw.On},
		}),
	)
	table.Header(header)
	for i, row := range rows {
		if err := table.Append(row); err != nil {
			return fmt.Errorf("adding table row %d: %w", i+1, err)
		}
	}
	if err := table.Render(); err != nil {
		return fmt.Errorf("rendering table: %w", err)
	}
	var out strings.Builder
	for line := range strings.Lines(buf.String()) {
		out.WriteString(strings.TrimRight(line, " \n"))
		out.WriteByte('\n')
	}
	if _, err := io.WriteString(w, out.String()); err != nil {
		return fmt.Errorf("writing table: %w", err)
	}
	return nil
}

// WriteJSON writes run as the results.json document: indented by two spaces,
// HTML characters unescaped, ending in a newline. It is the one JSON encoding
// of a run.
func WriteJSON(w io.Writer, run *record.Run) error {
	doc := *run
	if doc.Cells == nil {
		doc.Cells = []record.Cell{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&doc); err != nil {
		return fmt.Errorf("encoding run %s as JSON: %w", run.ID, err)
	}
	return nil
}

// Summary returns a one-line account of cells: how many there are, how many
// had each outcome (worst last, with how many of them were flaky) and how many
// were cached, e.g. "4 cells: 2 pass, 1 crash (1 flaky), 1 unavailable; 1 cached".
func Summary(cells []record.Cell) string {
	counts := map[record.Outcome]int{}
	flaky := map[record.Outcome]int{}
	cached := 0
	for _, c := range cells {
		counts[c.Outcome]++
		if c.Flaky {
			flaky[c.Outcome]++
		}
		if c.Cached {
			cached++
		}
	}
	outcomes := make([]record.Outcome, 0, len(counts))
	for o := range counts {
		outcomes = append(outcomes, o)
	}
	slices.SortFunc(outcomes, func(a, b record.Outcome) int {
		if d := a.Severity() - b.Severity(); d != 0 {
			return d
		}
		return strings.Compare(string(a), string(b))
	})
	parts := make([]string, 0, len(outcomes))
	for _, o := range outcomes {
		part := fmt.Sprintf("%d %s", counts[o], wording.OrDash(string(o)))
		if flaky[o] > 0 {
			part += fmt.Sprintf(" (%d flaky)", flaky[o])
		}
		parts = append(parts, part)
	}
	noun := "cells"
	if len(cells) == 1 {
		noun = "cell"
	}
	line := fmt.Sprintf("%d %s", len(cells), noun)
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, ", ")
	}
	if cached > 0 {
		line += fmt.Sprintf("; %d cached", cached)
	}
	if nothing := NothingRan(cells); nothing != "" {
		line += "; " + nothing
	}
	return line
}

// NothingRan says, when no cell of cells ran a binary (every one is a
// build error or unavailable, so nothing was tested), how many of each
// there are: "no cell ran a binary: 3 build-error, 1 unavailable". It
// returns "" when some cell ran a binary, and for no cells.
func NothingRan(cells []record.Cell) string {
	if len(cells) == 0 {
		return ""
	}
	counts := map[record.Outcome]int{}
	for _, c := range cells {
		switch c.Outcome {
		case record.Pass, record.Crash, record.Fail, record.Timeout:
			return ""
		}
		counts[c.Outcome]++
	}
	var parts []string
	for _, o := range []record.Outcome{record.BuildError, record.Unavailable} {
		if counts[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[o], o))
		}
		delete(counts, o)
	}
	for _, o := range slices.Sorted(maps.Keys(counts)) { // none but by a bug: said all the same
		parts = append(parts, fmt.Sprintf("%d %s", counts[o], wording.OrDash(string(o))))
	}
	return "no cell ran a binary: " + strings.Join(parts, ", ")
}

// shorten cuts s to at most max runes, ending it with "…" when cut.
func shorten(s string, max int) string {
	runes := []rune(s)
	if len(runes) <= max {
		return s
	}
	return strings.TrimRight(string(runes[:max-1]), " ") + "…"
}
