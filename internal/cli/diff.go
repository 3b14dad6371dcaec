package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runstore"
	"github.com/gorepro/gorepro/internal/verdict"
)

// DiffOptions are the parsed arguments and flags of `gorepro diff`.
type DiffOptions struct {
	// Base and New are the runs to compare: a results.json file, a run
	// directory or a results root (its latest run).
	Base   string
	New    string
	Format string
	FailOn string
}

// NewCmdDiff builds `gorepro diff BASE NEW`, which lists the cells whose
// outcome changed between two stored runs.
func NewCmdDiff(deps Deps, runF func(*cobra.Command, *DiffOptions) error) *cobra.Command {
	opts := &DiffOptions{}
	cmd := &cobra.Command{
		Use:   "diff BASE NEW",
		Short: "List the cells whose outcome changed between two stored runs",
		Long: `Compare two stored runs cell by cell (cells are matched by their ID) and list
every cell that changed: new-crash, new-build-error, new-timeout, new-fail,
new-flaky, signature-changed, outcome-changed, no-longer-flaky, fixed,
now-unavailable, now-available, only-in-base and only-in-new. A cell unavailable
in one of the runs is listed as now-unavailable or now-available, never as a
new crash. BASE and NEW are each a results.json file, a run directory or a
results root (its latest run is used). The comparison goes to stdout; a warning
on stderr says when the runs come from different configs or schema versions
(they are compared all the same).

Exit status: 0 when the --fail-on policy did not match (always with none), 1
when it did (new-crash: some cell crashes that did not crash in BASE;
any-change: some cell changed), 2 for a usage error or a run that cannot be
read.`,
		Example: `  gorepro diff results/baseline.json results --fail-on new-crash
  gorepro diff nightly-1/results.json nightly-2 --format markdown >> "$GITHUB_STEP_SUMMARY"`,
		Args: usageArgs(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Base, opts.New = args[0], args[1]
			if runF != nil {
				return runF(cmd, opts)
			}
			return runDiff(deps, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "text", "output format: "+strings.Join(report.DiffFormats(), ", "))
	f.StringVar(&opts.FailOn, "fail-on", "none", "exit 1 when: new-crash (a cell crashes that did not in BASE), any-change, or none")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.DiffFormats(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{verdict.FailOnNone, verdict.FailOnNewCrash, verdict.FailOnAnyChange}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (o *DiffOptions) validate() error {
	if _, ok := report.DiffRendererFor(o.Format); !ok {
		return &UsageError{Err: fmt.Errorf("--format: unknown format %q (valid: %s)", o.Format, strings.Join(report.DiffFormats(), ", "))}
	}
	switch o.FailOn {
	case verdict.FailOnNone, verdict.FailOnNewCrash, verdict.FailOnAnyChange:
	default:
		return &UsageError{Err: fmt.Errorf("--fail-on: unknown policy %q (valid: none, new-crash, any-change)", o.FailOn)}
	}
	return nil
}

func runDiff(deps Deps, opts *DiffOptions) error {
	if err := opts.validate(); err != nil {
		return err
	}
	base, err := loadRunArg("BASE", opts.Base)
	if err != nil {
		return err
	}
	next, err := loadRunArg("NEW", opts.New)
	if err != nil {
		return err
	}
	cmp := compare.Diff(base, next)
	warnComparison(deps, cmp)
	render, _ := report.DiffRendererFor(opts.Format)
	if opts.Format == "text" || opts.Format == "table" {
		// The warnings went to stderr already; stdout carries the data.
		shown := *cmp
		shown.Warnings = nil
		cmp = &shown
	}
	if err := render(deps.Stdout, cmp); err != nil {
		return err
	}
	return verdict.Comparison(cmp, opts.FailOn)
}

// loadRunArg loads a run named on the command line (what is the argument's
// or flag's name), as a usage error naming it and the path when it cannot
// be read.
func loadRunArg(what, path string) (*record.Run, error) {
	run, _, err := runstore.Load(path)
	if err != nil {
		return nil, &config.FlagError{Flag: what, Msg: fmt.Sprintf("cannot read %s: %v", path, err)}
	}
	return run, nil
}

// warnComparison prints the comparison's warnings (different configs or
// schema versions) on stderr.
func warnComparison(deps Deps, cmp *compare.Comparison) {
	for _, w := range cmp.Warnings {
		fmt.Fprintf(deps.Stderr, "gorepro: warning: %s\n", w)
	}
}

// loadBaseline reads the run of matrix's --baseline, before any cell runs;
// nil when the flag is not given.
func loadBaseline(opts *MatrixOptions) (*record.Run, error) {
	if opts.Baseline == "" {
		return nil, nil
	}
	return loadRunArg("--baseline", opts.Baseline)
}

// reportBaseline prints the comparison with the baseline, if there is one,
// on stderr: stdout keeps the run's own report.
func reportBaseline(deps Deps, cmp *compare.Comparison) error {
	if cmp == nil {
		return nil
	}
	fmt.Fprintf(deps.Stderr, "gorepro: compared with the baseline %s:\n", cmp.Base.ID)
	return report.WriteDiffText(deps.Stderr, cmp)
}
