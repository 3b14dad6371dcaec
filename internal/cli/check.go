package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runlife"
)

// CheckOptions are the parsed flags of `gorepro check`.
type CheckOptions struct {
	// Toolchain is local, goroot:PATH, gotoolchain:VERSION, a Go release
	// (VERSION), or the name of a toolchain in ConfigPath.
	Toolchain string
	// ConfigPath is an optional toolchains.json in which Toolchain and
	// Target names are looked up.
	ConfigPath string
	// Dir is the module root and Package the main package in it; Target
	// names a configured target instead.
	Dir     string
	Package string
	Target  string
	// Protobuf overrides the module's protobuf version; empty leaves the
	// module's go.mod alone.
	Protobuf string
	Cover    bool
	Arch     string
	Runs     int
	Timeout  time.Duration
	// Args are passed to the binary.
	Args []string
	// Prepare are command lines (--prepare) run in a scratch copy of the
	// module before the build, in order; they replace a configured
	// target's prepare.
	Prepare      []string
	BadIf        string
	BadThreshold string
	JSON         bool
	NoCache      bool
	// Out is a results directory to store the run in; empty stores nothing.
	Out      string
	CacheDir string
}

// NewCmdCheck builds `gorepro check`: build and run one cell and exit with a
// status `git bisect run` understands. runF, when not nil, replaces the
// command's work (tests use it to inspect parsed options).
func NewCmdCheck(deps Deps, runF func(*cobra.Command, *CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Build and run one cell and exit good (0), bad (1) or skip (125), for git bisect run",
		Long: `Build and run one cell — by default the main package of the module in the
current directory, with the local go command — judge it with --bad-if, print
one line on stderr and exit with a status 'git bisect run' understands:

  0    good: the cell ran and was not bad
  1    bad: at least --bad-threshold of its runs were bad (--bad-if)
  125  skip: the build failed or the toolchain or host could not be used
  128  usage or configuration error (git bisect run stops)
  129  gorepro itself failed (git bisect run stops)
  130  interrupted

The module is built with its own go.mod and go.sum as they are, unless
--protobuf overrides protobuf (in an alternate module file, as the matrix does).
Results are cached by content (sources, go.mod, toolchain, flags), so a commit
whose tree changed is built again; --no-cache forces it. Nothing is written to
the module tree: results are stored only with --out.

A module that cannot be built from a bare checkout (//go:embed files that
go generate makes and git ignores) is prepared with --prepare 'go generate
./...': each --prepare is a command line, split into words by the shell's
quoting rules ('single', "double", backslash) and run without a shell, in
order, in a scratch copy of the module (your tree is never written), as a
config's "prepare" entry is; go is the cell's toolchain. With --target, the
flags replace the configured target's prepare.

--toolchain is local (the go on PATH), goroot:PATH (an installed Go tree, or a
Go source tree after make.bash: bisect the toolchain itself), gotoolchain:VERSION
or just VERSION (a release the go command fetches, e.g. go1.27.3), or the name
of a toolchain in --config.`,
		Example: `  git bisect start HEAD v1.4.0 && git bisect run gorepro check
  gorepro check --package ./cmd/controller --args=--metrics-bind-address=0 --bad-if crash,timeout --timeout 20s
  gorepro check --toolchain go1.27.3 --runs 5 --bad-threshold 2/5 --json
  git bisect run gorepro check --package ./cmd/controller --prepare 'go generate ./pkg/audit'
  gorepro check --config toolchains.json --toolchain ubi9-go-1.25 --target controller`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return &CheckAbortError{Code: ExitCheckUsage, Err: &UsageError{Err: fmt.Errorf("unexpected argument %q (arguments for the binary go in --args)", args[0])}}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			return checkError(runCheck(cmd, deps, opts))
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &CheckAbortError{Code: ExitCheckUsage, Err: &UsageError{Err: err}}
	})
	f := cmd.Flags()
	f.StringVar(&opts.Toolchain, "toolchain", config.KindLocal, "local, goroot:PATH, gotoolchain:VERSION, VERSION (go1.27.3) or a toolchain name in --config")
	f.StringVarP(&opts.ConfigPath, "config", "c", "", "a toolchains.json to look up --toolchain and --target names in")
	f.StringVar(&opts.Dir, "dir", ".", "the module root")
	f.StringVar(&opts.Package, "package", ".", "the main package, relative to --dir (e.g. ./cmd/controller)")
	f.StringVar(&opts.Target, "target", "", "a target name in --config, instead of --dir and --package")
	f.StringVar(&opts.Protobuf, "protobuf", "", "build against this google.golang.org/protobuf version (default: the module's own)")
	f.BoolVar(&opts.Cover, "cover", false, "build with -cover")
	f.StringVar(&opts.Arch, "arch", config.ArchNative, "GOARCH to build for (native = the host's)")
	f.IntVar(&opts.Runs, "runs", config.DefaultRuns, "run the binary this many times (default: 1, or N of --bad-threshold k/N)")
	f.DurationVar(&opts.Timeout, "timeout", config.DefaultTimeout, "timeout of one run")
	f.StringArrayVar(&opts.Args, "args", nil, "an argument for the binary (repeat for several)")
	f.StringArrayVar(&opts.Prepare, "prepare", nil, "a command that makes the module buildable (such as 'go generate ./...'), split into words by shell quoting rules and run without a shell in a scratch copy of the module before the build; repeat for several, run in order")
	f.StringVar(&opts.BadIf, "bad-if", "crash", "what is bad: crash, timeout, fail, nonpass, signature~REGEX, comma-separated")
	f.StringVar(&opts.BadThreshold, "bad-threshold", "", "k/N: bad when at least k of N runs are (default: any run)")
	f.BoolVar(&opts.JSON, "json", false, "also print the cell as JSON on stdout")
	f.BoolVar(&opts.NoCache, "no-cache", false, "build and run even if an identical cell is cached")
	f.StringVarP(&opts.Out, "out", "o", "", "store the run in this results directory (default: store nothing)")
	f.StringVar(&opts.CacheDir, "cache-dir", "", "work and result cache directory (default $GOREPRO_CACHE or the user cache dir + /gorepro)")
	_ = cmd.RegisterFlagCompletionFunc("bad-if", cobra.FixedCompletions([]string{"crash", "timeout", "fail", "nonpass", "signature~"}, cobra.ShellCompDirectiveNoFileComp|cobra.ShellCompDirectiveNoSpace))
	return cmd
}

// checkError maps what runCheck returns to check's exit statuses: verdicts
// and interruptions as they are, usage and configuration errors to 128,
// anything else (gorepro itself failing) to 129.
func checkError(err error) error {
	var verdict *CheckVerdictError
	var abort *CheckAbortError
	var intr *InterruptedError
	switch {
	case err == nil, errors.As(err, &verdict), errors.As(err, &abort), errors.As(err, &intr):
		return err
	case ExitCode(err) == ExitUsage:
		return &CheckAbortError{Code: ExitCheckUsage, Err: err}
	}
	return &CheckAbortError{Code: ExitCheckInfra, Err: err}
}

func runCheck(cmd *cobra.Command, deps Deps, opts *CheckOptions) error {
	pred, err := bisection.ParseBadIf(opts.BadIf)
	if err != nil {
		return &UsageError{Err: err}
	}
	flags := cmd.Flags()
	runsSet := flags.Changed("runs")
	if !runsSet && opts.BadThreshold != "" {
		// --bad-threshold 2/5 alone means five runs.
		if _, n, ok := strings.Cut(opts.BadThreshold, "/"); ok {
			if v, err := strconv.Atoi(strings.TrimSpace(n)); err == nil && v >= 1 && v <= config.MaxRuns {
				opts.Runs, runsSet = v, true
			}
		}
	}
	cfg, err := checkConfig(opts, runsSet, flags.Changed("timeout"), flags.Changed("dir") || flags.Changed("package"), flags.Changed("args"))
	if err != nil {
		return err
	}
	threshold, err := bisection.ParseBadThreshold(opts.BadThreshold, cfg.Runs)
	if err != nil {
		return &UsageError{Err: err}
	}
	root, release, err := useCache(cmd.Context(), opts.CacheDir, deps)
	if err != nil {
		return err
	}
	defer release()
	rec, err := runlife.Results{Root: opts.Out}.Begin()
	if err != nil {
		return err
	}
	defer rec.Abort()
	ctx := cmd.Context()
	run, err := checkRunner(deps, opts, cfg, root).Run(ctx, rec.ID(), rec.Draft())
	if err == nil && (run.Interrupted || len(run.Cells) != 1) {
		err = &InterruptedError{Finished: 0, Total: 1}
	}
	if err != nil {
		if ctx.Err() != nil {
			return &InterruptedError{Finished: 0, Total: 1}
		}
		return err
	}
	probe := bisect.Judge(bisection.Observe(run.Cells[0]), pred, threshold)
	return reportCheck(deps, opts, rec, run, probe)
}

// reportCheck reports the checked cell of run, judged as probe: its
// warnings, where the run is stored (when it is stored), the cell as JSON
// (--json) and the verdict line, and returns the verdict.
func reportCheck(deps Deps, opts *CheckOptions, rec *runlife.Recording, run *record.Run, probe bisect.Probe) error {
	cell := run.Cells[0]
	for _, warning := range cell.Warnings {
		fmt.Fprintf(deps.Stderr, "gorepro check: warning: %s\n", warning)
	}
	if rec.Stored() {
		dir, err := rec.Commit(run)
		if err != nil {
			return err
		}
		fmt.Fprintf(deps.Stderr, "gorepro check: results in %s\n", dir)
	}
	if opts.JSON {
		if err := writeJSON(deps.Stdout, cell); err != nil {
			return err
		}
	}
	line := report.CheckLine(probe, cell)
	fmt.Fprintf(deps.Stderr, "gorepro check: %s\n", line)
	switch probe.Verdict {
	case bisect.Good:
		return nil
	case bisect.Bad:
		return &CheckVerdictError{Code: ExitCheckBad, Summary: line}
	}
	return &CheckVerdictError{Code: ExitCheckSkip, Summary: line}
}
