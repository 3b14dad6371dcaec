package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runlife"
	"github.com/gorepro/gorepro/internal/runstore"
)

// formatList is the report formats for help texts and errors.
func formatList() string { return strings.Join(report.Formats(), ", ") }

// rendererFor returns the renderer of a --format value, or a usage error
// naming the valid ones.
func rendererFor(format string) (report.Renderer, error) {
	render, ok := report.RendererFor(format)
	if !ok {
		return nil, &UsageError{Err: fmt.Errorf("--format: unknown format %q (valid: %s)", format, formatList())}
	}
	return render, nil
}

// writeJSON writes v to w as indented JSON: what --json prints.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
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
		Short: "Render a stored run (matrix or bisect) as text, Markdown, JSON, JUnit or HTML",
		Long: `Render a run stored by 'gorepro matrix'. The argument is a run directory, its
results.json, or a results root (its latest run is used); default results/latest.`,
		Example: "  gorepro report --format markdown > report.md\n  gorepro report results/20261127T113000Z-3f2a --format junit",
		Args:    usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = "results"
			if len(args) == 1 {
				opts.Path = args[0]
			}
			if runF != nil {
				return runF(cmd, opts)
			}
			render, err := rendererFor(opts.Format)
			if err != nil {
				return err
			}
			run, dir, err := runstore.Load(opts.Path)
			if err != nil {
				return &UsageError{Err: err}
			}
			if run.Analysis == nil { // recorded before gorepro analysed runs
				runlife.Analyze(run)
			}
			return render(deps.Stdout, run, runstore.RunFS(dir))
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "report format: "+formatList())
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
