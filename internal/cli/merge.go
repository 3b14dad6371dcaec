package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runlife"
	"github.com/gorepro/gorepro/internal/runstore"
)

// MergeOptions are the parsed flags of `gorepro merge`.
type MergeOptions struct {
	// Inputs are the runs to merge: run directories, results.json files
	// or results roots (their latest run).
	Inputs []string
	Out    string
	Format string
}

// NewCmdMerge builds `gorepro merge`, which combines the shards of a
// matrix (`gorepro matrix --shard k/n`), from runners of any architecture,
// into one stored run.
func NewCmdMerge(deps Deps, runF func(*cobra.Command, *MergeOptions) error) *cobra.Command {
	opts := &MergeOptions{}
	cmd := &cobra.Command{
		Use:   "merge RUN... [--out DIR]",
		Short: "Combine the shards of a matrix (gorepro matrix --shard k/n) into one run",
		Long: `Combine runs of one matrix into one run stored in <out>/<run-id>/ (results.json,
results.md, junit.xml and every cell's logs), with <out>/latest pointing at it.
Each RUN is a run directory, its results.json, or a results root (its latest run).

Typically the RUNs are the shards of 'gorepro matrix --shard k/n' from CI
runners: each runner architecture (amd64, arm64, ...) must supply shards 1..n
exactly once; a run without --shard is complete on its own. merge refuses runs
of different matrices (config or command-line axes), schema versions or shard
counts, missing or repeated shards, shards missing cells, and cells present in
two runs. Interrupted runs are merged, with a warning, into an interrupted run.
The merged run's table (or --format) goes to stdout.

Exit status: 0 merged, 2 the runs cannot be merged (or bad flags), 3 the
merged run cannot be stored.`,
		Example: `  gorepro merge shard1 shard2 shard3 shard4 --out merged     # the runs of gorepro matrix --shard k/4
  gorepro merge shards/*/ --out merged --format markdown > report.md`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			if runF != nil {
				return runF(cmd, opts)
			}
			return runMerge(deps, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Out, "out", "o", "results", "results directory for the merged run")
	f.StringVar(&opts.Format, "format", "text", "stdout format: "+formatList())
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runMerge(deps Deps, opts *MergeOptions) error {
	render, err := rendererFor(opts.Format)
	if err != nil {
		return err
	}
	if opts.Out == "" {
		return &UsageError{Err: fmt.Errorf("--out: must not be empty")}
	}
	inputs := make([]runstore.MergeInput, len(opts.Inputs))
	for i, path := range opts.Inputs {
		if inputs[i], err = runstore.LoadMergeInput(path); err != nil {
			return &UsageError{Err: err}
		}
	}
	run, err := runstore.Merge(inputs)
	if err != nil {
		return err
	}
	for _, note := range report.MergeNotes(run) {
		fmt.Fprintf(deps.Stderr, "gorepro: %s\n", note)
	}
	runlife.Analyze(run)
	const what = "the merged run"
	_, dir, err := runlife.Results{Root: opts.Out, What: what}.Record(func(rec *runlife.Recording) (*record.Run, error) {
		if err := rec.Draft().CopyMerged(run, inputs); err != nil {
			return nil, &StorageError{What: what, Err: err}
		}
		return run, nil
	})
	if err != nil {
		return err
	}
	if err := render(deps.Stdout, run, runstore.RunFS(dir)); err != nil {
		return err
	}
	summarize(deps, run, dir)
	return nil
}
