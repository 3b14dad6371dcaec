package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/matrix"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runlife"
	"github.com/gorepro/gorepro/internal/runstore"
	"github.com/gorepro/gorepro/internal/verdict"
)

// MatrixOptions are the parsed flags of `gorepro matrix`.
type MatrixOptions struct {
	ConfigPath string
	Overrides  config.Overrides
	Jobs       int
	Out        string
	CacheDir   string
	NoCache    bool
	Rebuild    bool
	JSON       bool
	Format     string
	FailOn     string
	Quiet      bool
	// Shard is --shard k/n, parsed into shard by validate.
	Shard string
	shard *matrix.Shard
	// Baseline is a stored run to compare this one with (--baseline).
	Baseline string
}

// NewCmdMatrix builds `gorepro matrix`. runF, when not nil, replaces the
// command's work (tests use it to inspect parsed options).
func NewCmdMatrix(deps Deps, runF func(*cobra.Command, *MatrixOptions) error) *cobra.Command {
	opts := &MatrixOptions{}
	cmd := &cobra.Command{
		Use:   "matrix",
		Short: "Build and run every cell of the matrix and record the outcomes",
		Long: `Build and run every cell of the matrix defined in toolchains.json (toolchain ×
protobuf × cover × target × arch), classify each run, and record the results in
<out>/<run-id>/ (results.json, results.md, junit.xml, report.html and per-cell logs), with
<out>/latest pointing at the newest run. Unchanged cells are re-used from the
cache; --no-cache forces work. Progress goes to stderr, the table (or --json) to
stdout. On a terminal, finished cells are listed above a status line redrawn in
place (cells done, elapsed, ETA, running cells) and erased before the table, and
outcomes are coloured unless NO_COLOR is set; off a terminal, or with TERM=dumb,
progress is one plain line per finished cell. --quiet prints only warnings and
errors on stderr.

--prepare 'go generate ./...' (repeatable, run in order) replaces the "prepare"
commands of every package target in the matrix (use --target to choose which):
each is a command line split into words by the shell's quoting rules and run
without a shell, as a config "prepare" entry is. A matrix without a package
target refuses it.

With --baseline FILE (a results.json, a run directory or a results root), the
run is compared with that run when it is done, as 'gorepro diff FILE <run>'
would: the changes go to stderr and into the run directory as diff.json and
diff.md, and --fail-on new-crash or any-change judge them instead of the cells.

Exit status: 0 when no cell matched --fail-on, 1 when some did, 2 for a usage
or configuration error (an unreadable --baseline included, before anything
runs), 3 when nothing was tested (no cell ran a binary: every one is a
build-error or unavailable) or the results cannot be stored, 130 when
interrupted. --fail-on crash matches a cell that crashed; any, one that
neither passed nor was unavailable; new-crash, one that crashes and did not crash in the baseline;
any-change, one that changed since the baseline.`,
		Example: `  gorepro matrix
  gorepro matrix --config toolchains.json --protobuf v1.33.0,v1.36.10 --cover off,on -j 2
  gorepro matrix --toolchain local --target repro --runs 3 --json > results.json
  gorepro matrix --shard 2/4 --out shard2     # one of 4 CI jobs; then gorepro merge`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			return runMatrix(cmd, deps, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.ConfigPath, "config", "c", "toolchains.json", "the matrix definition")
	f.StringSliceVar(&opts.Overrides.Toolchains, "toolchain", nil, "only these configured toolchains (comma-separated names)")
	f.StringSliceVar(&opts.Overrides.Protobuf, "protobuf", nil, "protobuf versions to use instead of the config's (e.g. v1.33.0,v1.36.10)")
	f.StringSliceVar(&opts.Overrides.Cover, "cover", nil, "cover axis: off, on, or off,on")
	f.StringSliceVar(&opts.Overrides.Targets, "target", nil, "only these configured targets (comma-separated names)")
	f.StringSliceVar(&opts.Overrides.Arch, "arch", nil, "GOARCH values to build for (native = the host's)")
	f.StringVar(&opts.Overrides.Engine, "engine", "", "container engine for image toolchains: podman or docker (default: the config's, else auto-detect)")
	f.StringVar(&opts.Overrides.Pull, "pull", "", "image pull policy: never, missing or always (default: the config's, else missing)")
	f.StringArrayVar(&opts.Overrides.Prepare, "prepare", nil, "a command that makes the modules of the package targets buildable (such as 'go generate ./...'), split by shell quoting rules and run without a shell; repeat for several; replaces their configured prepare (narrow with --target)")
	f.IntVar(&opts.Overrides.Runs, "runs", 0, "run each binary this many times (default: the config's runs)")
	f.DurationVar(&opts.Overrides.Timeout, "timeout", 0, "timeout of one run (default: the config's timeout)")
	f.IntVarP(&opts.Jobs, "jobs", "j", runtime.NumCPU(), "cells built and run at once")
	_ = f.SetAnnotation("jobs", docDefaultAnnotation, []string{"the number of CPUs"})
	f.StringVarP(&opts.Out, "out", "o", "results", "results directory")
	f.StringVar(&opts.CacheDir, "cache-dir", "", "work and result cache directory (default $GOREPRO_CACHE or the user cache dir + /gorepro)")
	f.BoolVar(&opts.NoCache, "no-cache", false, "build and run every cell even if an identical one is cached")
	f.BoolVar(&opts.Rebuild, "rebuild", false, "with --no-cache, also relink binaries the go command finds up to date")
	f.BoolVar(&opts.JSON, "json", false, "print the results document as JSON on stdout (same as --format json)")
	f.StringVar(&opts.Format, "format", "text", "stdout format: "+formatList())
	f.StringVar(&opts.FailOn, "fail-on", "crash", "exit 1 when a cell is: crash, any (any outcome but pass or unavailable), with --baseline new-crash or any-change (see diff), or none")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress on stderr, only warnings and errors")
	f.StringVar(&opts.Shard, "shard", "", "run only shard k of n of the matrix (k/n, e.g. 2/4; merge the shards with gorepro merge)")
	f.StringVar(&opts.Baseline, "baseline", "", "compare the run with this stored run (results.json, run dir or results root) and store diff.json and diff.md")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{verdict.FailOnCrash, verdict.FailOnAny, verdict.FailOnNone, verdict.FailOnNewCrash, verdict.FailOnAnyChange}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("engine", cobra.FixedCompletions([]string{"podman", "docker"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("pull", cobra.FixedCompletions([]string{"never", "missing", "always"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("cover", cobra.FixedCompletions([]string{"off", "on", "off,on"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (o *MatrixOptions) validate() error {
	if o.JSON {
		o.Format = "json"
	}
	if _, err := rendererFor(o.Format); err != nil {
		return err
	}
	switch {
	case o.FailOn == verdict.FailOnCrash, o.FailOn == verdict.FailOnAny, o.FailOn == verdict.FailOnNone:
	case verdict.NeedsBaseline(o.FailOn) && o.Baseline == "":
		return &UsageError{Err: fmt.Errorf("--fail-on %s compares with a baseline: it needs --baseline FILE", o.FailOn)}
	case !verdict.NeedsBaseline(o.FailOn):
		return &UsageError{Err: fmt.Errorf("--fail-on: unknown policy %q (valid: crash, any, none; with --baseline also new-crash, any-change)", o.FailOn)}
	}
	if o.Jobs < 1 {
		return &UsageError{Err: fmt.Errorf("--jobs: must be at least 1, got %d", o.Jobs)}
	}
	if o.Out == "" {
		return &UsageError{Err: fmt.Errorf("--out: must not be empty")}
	}
	if o.Shard != "" {
		s, err := matrix.ParseShard(o.Shard)
		if err != nil {
			return &UsageError{Err: fmt.Errorf("--shard: %w", err)}
		}
		o.shard = &s
	}
	return nil
}

// cacheRoot is where gorepro keeps its work and result caches.
func cacheRoot(flag string, deps Deps) (string, error) {
	if flag != "" {
		return filepath.Abs(flag)
	}
	if env := deps.getenv("GOREPRO_CACHE"); env != "" {
		return filepath.Abs(env)
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding a cache dir (set --cache-dir or GOREPRO_CACHE): %w", err)
	}
	return filepath.Join(dir, "gorepro"), nil
}

func runMatrix(cmd *cobra.Command, deps Deps, opts *MatrixOptions) error {
	if err := opts.validate(); err != nil {
		return err
	}
	// Zero means "unchanged" to config.Overrides, so an explicit zero must
	// be refused here rather than silently ignored.
	if cmd.Flags().Changed("runs") && opts.Overrides.Runs == 0 {
		return &config.FlagError{Flag: "--runs", Msg: fmt.Sprintf("must be between 1 and %d (got 0)", config.MaxRuns)}
	}
	if cmd.Flags().Changed("timeout") && opts.Overrides.Timeout == 0 {
		return &config.FlagError{Flag: "--timeout", Msg: "must be greater than 0 (got 0s)"}
	}
	cfg, err := config.Load(opts.ConfigPath)
	if err != nil {
		return err
	}
	if err := cfg.Apply(opts.Overrides); err != nil {
		return err
	}
	root, release, err := useCache(cmd.Context(), opts.CacheDir, deps)
	if err != nil {
		return err
	}
	defer release()
	baseline, err := loadBaseline(opts)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	var comparison *compare.Comparison
	// A run that cannot be committed (a full or read-only disk) leaves no
	// partial directory behind.
	run, dir, err := runlife.Results{Root: opts.Out}.Record(func(rec *runlife.Recording) (*record.Run, error) {
		rep := newReporter(deps, opts.Quiet, opts.Jobs)
		defer rep.Close()
		runner := newMatrixRunner(deps, cfg, root, rep)
		runner.Reporter = rep
		runner.Jobs = opts.Jobs
		runner.NoCache, runner.Relink = opts.NoCache || opts.Rebuild, opts.Rebuild
		runner.Shard = opts.shard
		if !opts.Quiet {
			announceMatrix(deps, cfg, opts)
		}
		run, err := runner.Run(ctx, rec.ID(), rec.Draft())
		_ = rep.Close() // erase the status line before anything goes to stdout
		if err != nil {
			return nil, err
		}
		runlife.Analyze(run)
		comparison, err = rec.CompareWith(baseline, run)
		return run, err
	})
	if err != nil {
		return err
	}
	render, _ := rendererFor(opts.Format)
	if err := render(deps.Stdout, run, runstore.RunFS(dir)); err != nil {
		return err
	}
	if !opts.Quiet {
		summarize(deps, run, dir)
	}
	if err := reportBaseline(deps, comparison); err != nil {
		return err
	}
	if err := verdict.Matrix(run, opts.FailOn); err != nil {
		return err
	}
	return verdict.Comparison(comparison, opts.FailOn)
}

// announceMatrix says on stderr how many cells the matrix has, along which
// axes, and how many run at once.
func announceMatrix(deps Deps, cfg *config.Config, opts *MatrixOptions) {
	cells := fmt.Sprintf("%d cells", matrix.CellCount(cfg))
	if s := opts.shard; s != nil {
		assigned, total := matrix.ShardSize(cfg, *s)
		cells = fmt.Sprintf("shard %s: %d of %d cells", s, assigned, total)
	}
	fmt.Fprintf(deps.Stderr, "gorepro: %s (%d toolchains × %d protobuf × %d cover × %d targets × %d arch), -j %d\n",
		cells, len(cfg.Toolchains), len(cfg.Protobuf), len(cfg.Cover), len(cfg.Targets), len(cfg.Arch), opts.Jobs)
}

// summarize prints what happened and where the results went, on stderr.
func summarize(deps Deps, run *record.Run, dir string) {
	fmt.Fprintf(deps.Stderr, "gorepro: %s\n", report.Summary(run.Cells))
	fmt.Fprintf(deps.Stderr, "gorepro: results in %s (for a bug report: %s)\n", dir, filepath.Join(dir, runstore.MarkdownFile))
}
