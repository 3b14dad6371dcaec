package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/gorepro/gorepro/results"
)

// writerFor returns the renderer of a stdout format.
func writerFor(format string) (func(io.Writer, *results.Run) error, bool) {
	switch format {
	case "table":
		return writeTableAndAnalysis, true
	case "markdown":
		return results.WriteMarkdown, true
	case "json":
		return results.WriteJSON, true
	case "junit":
		return results.WriteJUnit, true
	}
	return nil, false
}

// writeTableAndAnalysis writes the table of r's cells and, when r has an
// analysis, a line saying which axes matter.
func writeTableAndAnalysis(w io.Writer, r *results.Run) error {
	if err := results.WriteTable(w, r.Cells); err != nil {
		return err
	}
	if err := writeKnownIssues(w, r.Cells); err != nil {
		return err
	}
	if r.Analysis == nil {
		return nil
	}
	if _, err := fmt.Fprintf(w, "\nwhich axes matter: %s\n", r.Analysis.Summary); err != nil {
		return fmt.Errorf("writing the analysis: %w", err)
	}
	return nil
}

// writeKnownIssues writes one line per known upstream issue that a crash
// of cells matches, and whether the cell's facts make it the cause.
func writeKnownIssues(w io.Writer, cells []results.Cell) error {
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

// ReportOptions are the parsed flags of `gorepro report`.
type ReportOptions struct {
	Path   string
	Format string
}

// NewCmdReport builds `gorepro report`, which renders a stored run again.
func NewCmdReport(deps Deps, runF func(*cobra.Command, *ReportOptions) error) *cobra.Command {
	opts := &ReportOptions{}
	cmd := &cobra.Command{
		Use:   "report [run-dir | results.json | results-root]",
		Short: "Render a stored run as a table, Markdown, JSON or JUnit",
		Long: `Render a run stored by 'gorepro matrix'. The argument is a run directory, its
results.json, or a results root (its latest run is used); default results/latest.`,
		Example: "  gorepro report --format markdown > report.md\n  gorepro report results/20261127T113000Z-3f2a --format junit",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = "results"
			if len(args) == 1 {
				opts.Path = args[0]
			}
			if runF != nil {
				return runF(cmd, opts)
			}
			render, ok := writerFor(opts.Format)
			if !ok {
				return &UsageError{Err: fmt.Errorf("--format: unknown format %q (valid: table, markdown, json, junit)", opts.Format)}
			}
			run, _, err := results.Load(opts.Path)
			if err != nil {
				return err
			}
			if run.Analysis == nil { // recorded before gorepro analysed runs
				run.Analysis = results.Analyze(run.Cells)
			}
			return render(deps.Stdout, run)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "table", "table, markdown, json or junit")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"table", "markdown", "json", "junit"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
