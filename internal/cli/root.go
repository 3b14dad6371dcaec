// Package cli is gorepro's command line, and only wiring: flags → options
// → one call into the package that does the work → render (package report
// owns the sentences). Each subcommand has its file (matrix.go,
// toolchains.go, images.go, report.go, merge.go, diff.go, bisect.go, explain.go,
// check.go with check_config.go, diagnose.go, clean.go, config.go, version.go), built by a
// NewCmdX(deps, runF) constructor with an options struct, so tests can run
// the real command or stop at its parsed options. What commands share has
// its own file: the matrix runner (runner.go), progress on stderr
// (progress.go), signals (signals.go), the command-line reference
// (docs.go) and the errors (errors.go). Commands return errors (RunE) and
// never exit or print outside the writers in Deps; ExitCode maps errors,
// typed where they arise (package verdict judges finished runs), to exit
// statuses in one place.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gorepro/gorepro/internal/buildinfo"
)

// Deps are the outside world a command may touch.
type Deps struct {
	// Stdout carries data only (tables, JSON); Stderr carries progress,
	// warnings and errors.
	Stdout io.Writer
	Stderr io.Writer
	// Version is gorepro's version string.
	Version string
	// Getenv reads the environment (NO_COLOR, TERM, GOREPRO_CACHE); nil
	// reads an empty environment.
	Getenv func(string) string
}

// getenv reads one variable through Getenv, "" when Getenv is nil.
func (d Deps) getenv(name string) string {
	if d.Getenv == nil {
		return ""
	}
	return d.Getenv(name)
}

// StdDeps returns Deps wired to the process's standard streams.
func StdDeps() Deps {
	return Deps{Stdout: os.Stdout, Stderr: os.Stderr, Version: buildinfo.Version(), Getenv: os.Getenv}
}

// NewRootCmd builds the gorepro command tree.
func NewRootCmd(deps Deps) *cobra.Command {
	root := &cobra.Command{
		Use:   "gorepro",
		Short: "Find which Go toolchain, module version or build flag makes a Go program crash, and prove it",
		Long: `gorepro builds and runs a Go program over a matrix of toolchains, protobuf versions,
-cover on/off, targets and architectures, classifies every run (pass, crash, fail,
timeout, build-error, unavailable) with a crash signature, and records the results
with everything needed to reproduce each cell.

The matrix is defined in toolchains.json (see 'gorepro matrix --help' and the README).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Without a subcommand: the help. An argument that names no
		// subcommand is a usage error, typed here rather than recognised
		// later by cobra's message.
		Args:                       unknownCommand,
		SuggestionsMinimumDistance: 2,
		RunE:                       func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetOut(deps.Stdout)
	root.SetErr(deps.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &UsageError{Err: err} })
	root.AddCommand(
		NewCmdMatrix(deps, nil),
		NewCmdToolchains(deps, nil),
		NewCmdImages(deps, nil),
		NewCmdReport(deps, nil),
		NewCmdMerge(deps, nil),
		NewCmdDiff(deps, nil),
		NewCmdBisect(deps, nil),
		NewCmdExplain(deps, nil),
		NewCmdCheck(deps, nil),
		NewCmdDiagnose(deps, nil),
		NewCmdClean(deps, nil),
		NewCmdConfig(deps),
		NewCmdVersion(deps),
	)
	return root
}

// unknownCommand refuses arguments that name no subcommand, suggesting
// the nearest ones as cobra does.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if suggestions := cmd.SuggestionsFor(args[0]); len(suggestions) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(suggestions, "\n\t")
	}
	return &UsageError{Err: errors.New(msg)}
}

// Main runs gorepro with args and returns its exit status. Errors are
// printed to deps.Stderr.
func Main(ctx context.Context, args []string, deps Deps) int {
	root := NewRootCmd(deps)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var verdict *CheckVerdictError
	// A check verdict is not an error message: check printed it already.
	if err != nil && !errors.As(err, &verdict) {
		fmt.Fprintf(deps.Stderr, "gorepro: %v\n", err)
		if ExitCode(err) == ExitUsage {
			if _, ok := err.(*UsageError); ok {
				fmt.Fprintln(deps.Stderr, "Run 'gorepro help' for usage.")
			}
		}
	}
	return ExitCode(err)
}
