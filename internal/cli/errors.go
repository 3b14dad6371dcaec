package cli

import (
	"errors"

	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/images"
	"github.com/gorepro/gorepro/internal/runlife"
	"github.com/gorepro/gorepro/internal/runstore"
	"github.com/gorepro/gorepro/internal/verdict"
	"github.com/spf13/cobra"
)

// Exit statuses of gorepro, mapped from errors in one place: ExitCode.
const (
	ExitOK          = 0   // every cell passed the fail policy
	ExitFailPolicy  = 1   // some cell matched --fail-on (or a bisection found no trustworthy boundary)
	ExitUsage       = 2   // bad flags, arguments, configuration or input runs
	ExitNothingRan  = 3   // nothing was tested: no cell ran a binary
	ExitInfra       = 3   // gorepro or what it depends on failed (storage, the module proxy, the go command, the engine)
	ExitInterrupted = 130 // stopped by Ctrl-C (SIGINT)
	ExitTerminated  = 143 // stopped by SIGTERM (a CI system cancelling the job), as shells report it
)

// Exit statuses of `gorepro check`, for `git bisect run`: it marks 1 bad and
// 125 skipped, and stops at 128 or more (ExitInterrupted included).
const (
	ExitCheckBad   = 1   // the cell is bad (--bad-if, --bad-threshold)
	ExitCheckSkip  = 125 // the cell could not be judged: build error or unavailable
	ExitCheckUsage = 128 // bad flags, arguments or configuration
	ExitCheckInfra = 129 // gorepro itself failed
)

// CheckVerdictError is the verdict bad (Code ExitCheckBad) or skip (Code
// ExitCheckSkip) of `gorepro check`, which the command has already
// reported on stderr.
type CheckVerdictError struct {
	Code int
	// Summary is the verdict line, e.g. "bad: crash panic: boom in main.f
	// (go1.26.8, amd64/amd64)".
	Summary string
}

func (e *CheckVerdictError) Error() string { return e.Summary }

// CheckAbortError is a failure of `gorepro check` that must stop `git
// bisect run` rather than mark the commit: a usage or configuration error
// (Code ExitCheckUsage) or gorepro itself failing (Code ExitCheckInfra).
type CheckAbortError struct {
	Code int
	Err  error
}

func (e *CheckAbortError) Error() string { return "check: " + e.Err.Error() }
func (e *CheckAbortError) Unwrap() error { return e.Err }

// UsageError is a bad flag, argument or flag value.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// usageArgs wraps a cobra argument validator so that what it refuses is a
// UsageError: usage errors are typed where they arise, never recognised by
// their message.
func usageArgs(validate cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := validate(cmd, args); err != nil {
			var usage *UsageError
			if errors.As(err, &usage) {
				return err
			}
			return &UsageError{Err: err}
		}
		return nil
	}
}

// usageOf makes an option error of the bisection engine or of a one-cell
// config (internal packages type their errors where they arise) the
// command's usage error, which also points at 'gorepro help'; other errors
// are returned as they are.
func usageOf(err error) error {
	switch option := err.(type) {
	case *bisection.OptionError:
		return &UsageError{Err: option.Err}
	case *config.OptionError:
		return &UsageError{Err: option.Err}
	case *images.OptionError:
		return &UsageError{Err: option.Err}
	}
	return err
}

// StorageError is a failure to store results (disk full, read-only file
// system, permission denied): ExitInfra, whatever the cells did. It
// is the run lifecycle's (runlife.Results.Record returns it).
type StorageError = runlife.StorageError

// The verdicts of finished runs (package verdict judges them): some cells
// matched --fail-on, nothing was tested, the run was interrupted, changed
// cells without an explanation.
type (
	FailPolicyError  = verdict.FailPolicyError
	NothingRanError  = verdict.NothingRanError
	InterruptedError = verdict.InterruptedError
	UnexplainedError = verdict.UnexplainedError
)

// ExitCode maps an error returned by a command to gorepro's exit status.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var usage *UsageError
	var cfgErrs config.Errors
	var cfgErr *config.Error
	var flagErr *config.FlagError
	var policy *FailPolicyError
	var nothing *NothingRanError
	var intr *InterruptedError
	var infra *bisection.InfraError
	var undecided *bisection.UndecidedError
	var unexplained *UnexplainedError
	var badRange *bisection.RangeError
	var option *bisection.OptionError
	var checkVerdict *CheckVerdictError
	var checkAbort *CheckAbortError
	var mergeErr *runstore.MergeError
	var storage *StorageError
	var registry *images.RegistryError
	switch {
	case errors.As(err, &checkVerdict):
		if checkVerdict.Code == ExitCheckSkip {
			return ExitCheckSkip
		}
		return ExitCheckBad
	case errors.As(err, &checkAbort):
		return max(checkAbort.Code, ExitCheckUsage)
	case errors.As(err, &infra), errors.As(err, &storage), errors.As(err, &registry):
		return ExitInfra
	case errors.As(err, &badRange):
		return ExitUsage
	case errors.As(err, &undecided), errors.As(err, &unexplained):
		return ExitFailPolicy
	case errors.As(err, &intr):
		return ExitInterrupted
	case errors.As(err, &usage), errors.As(err, &option), errors.As(err, &cfgErrs), errors.As(err, &cfgErr), errors.As(err, &flagErr), errors.As(err, &mergeErr):
		return ExitUsage
	case errors.As(err, &policy):
		return ExitFailPolicy
	case errors.As(err, &nothing):
		return ExitNothingRan
	}
	// Anything else is gorepro or what it depends on failing (the disk,
	// the go command, the container engine), not the user's input and not
	// the cells' outcome.
	return ExitInfra
}
