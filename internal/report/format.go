package report

import (
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// Renderer writes a run in one report format. files is the run directory
// (its cells/ logs and sources, as recorded in each Cell), or nil when the
// run has none at hand; renderers that quote logs then leave them out.
type Renderer func(w io.Writer, run *record.Run, files fs.FS) error

// Formats lists the report formats gorepro renders, in the order help
// texts show them.
func Formats() []string {
	return []string{"text", "markdown", "json", "junit", "html"}
}

// RendererFor returns the renderer of format (one of Formats; "table" is
// another name for "text").
func RendererFor(format string) (Renderer, bool) {
	switch format {
	case "text", "table":
		return func(w io.Writer, run *record.Run, _ fs.FS) error { return WriteText(w, run) }, true
	case "markdown":
		return WriteMarkdown, true
	case "json":
		return func(w io.Writer, run *record.Run, _ fs.FS) error { return WriteJSON(w, run) }, true
	case "junit":
		return func(w io.Writer, run *record.Run, _ fs.FS) error { return WriteJUnit(w, run) }, true
	case "html":
		return WriteHTML, true
	}
	return nil, false
}

// WriteText writes what a terminal shows of run: the table of its cells,
// one line per known upstream issue a crash matches and, when the run has
// an analysis, which axes matter.
func WriteText(w io.Writer, run *record.Run) error {
	if err := WriteTable(w, run.Cells); err != nil {
		return err
	}
	if err := WriteKnownIssues(w, run.Cells); err != nil {
		return err
	}
	for _, n := range ProtobufNotes(run.Cells, "") {
		if _, err := fmt.Fprintf(w, "note: %s\n", n); err != nil {
			return fmt.Errorf("writing the table: %w", err)
		}
	}
	if err := WriteFailures(w, run.Cells); err != nil {
		return err
	}
	for _, c := range run.Collapsed {
		if _, err := fmt.Fprintf(w, "note: %s\n", c); err != nil {
			return fmt.Errorf("writing the table: %w", err)
		}
	}
	if nothing := NothingRan(run.Cells); nothing != "" {
		if _, err := fmt.Fprintf(w, "nothing tested: %s\n", nothing); err != nil {
			return fmt.Errorf("writing the table: %w", err)
		}
	}
	if run.Analysis == nil {
		return nil
	}
	if _, err := io.WriteString(w, "\n"+AnalysisLines(run.Analysis)); err != nil {
		return fmt.Errorf("writing the analysis: %w", err)
	}
	return nil
}

// ProtobufNotes returns one line per target and protobuf version whose
// cells linked another version than they asked for, saying why, in the
// order of cells: "protobuf v1.33.0→v1.36.10 for controller: required by
// example.com/dep v0.0.0". A target other than "" keeps that target's
// lines only, without "for <target>".
func ProtobufNotes(cells []record.Cell, target string) []string {
	var lines []string
	for _, c := range cells {
		why, ok := record.ProtobufOverruled(c)
		if !ok || (target != "" && c.Target != target) {
			continue
		}
		line := ProtobufColumn(c)
		if target == "" {
			line += " for " + wording.OrDash(c.Target)
		}
		line = "protobuf " + line + ": " + why
		if !slices.Contains(lines, line) {
			lines = append(lines, line)
		}
	}
	return lines
}

// maxFailures bounds the failures WriteFailures explains.
const maxFailures = 10

// WriteFailures tells why the cells that failed failed: per target and
// reason, the last lines the run printed and the pass rule to consider
// (record.Cell.Tail and Hint), once for cells that tell the same.
func WriteFailures(w io.Writer, cells []record.Cell) error {
	type failure struct {
		cell  record.Cell
		count int
	}
	var order []string
	groups := map[string]*failure{}
	for _, c := range cells {
		if c.Outcome != record.Fail || (len(c.Tail) == 0 && c.Hint == "") {
			continue
		}
		key := strings.Join(append([]string{c.Target, c.Reason, c.Hint}, c.Tail...), "\x00")
		if groups[key] == nil {
			groups[key] = &failure{cell: c}
			order = append(order, key)
		}
		groups[key].count++
	}
	var b strings.Builder
	for i, key := range order {
		if i == maxFailures {
			fmt.Fprintf(&b, "… and %d more failures (see the run's results.md)\n", len(order)-i)
			break
		}
		g := groups[key]
		cellsNote := ""
		if g.count > 1 {
			cellsNote = fmt.Sprintf(" (%d cells)", g.count)
		}
		fmt.Fprintf(&b, "fail: %s%s: %s\n", wording.OrDash(g.cell.Target), cellsNote, wording.OneLine(wording.OrDash(g.cell.Reason)))
		if len(g.cell.Tail) > 0 {
			fmt.Fprintf(&b, "  last lines it printed:\n")
			for _, line := range g.cell.Tail {
				fmt.Fprintf(&b, "  | %s\n", strings.ReplaceAll(line, "\t", "    "))
			}
		}
		if g.cell.Hint != "" {
			fmt.Fprintf(&b, "  hint: %s\n", g.cell.Hint)
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing failures: %w", err)
	}
	return nil
}

// WriteKnownIssues writes one line per known upstream issue that a crash
// of cells matches, and whether the cell's facts make it the cause.
func WriteKnownIssues(w io.Writer, cells []record.Cell) error {
	seen := map[string]bool{}
	for _, c := range cells {
		for _, k := range c.KnownIssues {
			line := fmt.Sprintf("known issue: %s (%s) %s — %s", c.Signature, k.Verdict, k.ID, k.URL)
			if seen[line] {
				continue
			}
			seen[line] = true
			if _, err := fmt.Fprintf(w, "%s\n", line); err != nil {
				return fmt.Errorf("writing known issues: %w", err)
			}
		}
	}
	return nil
}
