// Package verdict judges the end of a command against what its user asked
// for, and says it as a typed error; nil is success. It holds the policies,
// not the exit statuses: cli's ExitCode maps each error type to a status in
// one place.
//
// The judgements:
//
//   - Matrix: a finished matrix run under --fail-on crash (some cell
//     crashed), any (some cell neither passed nor was unavailable) or none.
//     An interrupted run is an InterruptedError whatever the cells did, and a
//     run in which no cell ran a binary (every cell a build-error or
//     unavailable) a NothingRanError: it must not pass for a green one.
//   - Comparison: a comparison with a baseline under --fail-on new-crash
//     (some cell crashes that did not crash in the baseline; a cell that
//     became available is no new crash) or any-change (some cell changed);
//     NeedsBaseline says which policies compare with one.
//   - Bisection: the end of a bisection's search: interrupted, a range that
//     cannot be searched (bisection.RangeError), what gorepro depends on
//     failing (bisection.InfraError), or no trustworthy boundary
//     (bisection.UndecidedError).
//   - Explanation: the end of an explanation: interrupted, or some changed
//     cells without a cause (UnexplainedError).
//
// These are a command's verdicts on a whole run; a probe's good, bad or
// skip is package bisect's.
package verdict

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
)

// The --fail-on policies. Crash, Any and None judge a run's cells;
// NewCrash and AnyChange judge its comparison with a baseline.
const (
	FailOnCrash     = "crash"
	FailOnAny       = "any"
	FailOnNone      = "none"
	FailOnNewCrash  = "new-crash"
	FailOnAnyChange = "any-change"
)

// NeedsBaseline reports whether the --fail-on policy compares with a
// baseline (new-crash, any-change).
func NeedsBaseline(policy string) bool {
	return policy == FailOnNewCrash || policy == FailOnAnyChange
}

// Matrix judges a finished matrix run under the --fail-on policy failOn
// (crash, any or none).
func Matrix(run *record.Run, failOn string) error {
	finished := 0
	for _, c := range run.Cells {
		if !c.Interrupted {
			finished++
		}
	}
	if run.Interrupted {
		return &InterruptedError{Finished: finished, Total: len(run.Cells)}
	}
	// Only a cell that ran a binary tested anything: a matrix of build
	// errors and unavailable cells must not pass for a green one.
	if nothing := report.NothingRan(run.Cells); nothing != "" {
		return &NothingRanError{Reason: nothing + " (first: " + run.Cells[0].Reason + ")"}
	}
	matched := 0
	for _, c := range run.Cells {
		switch {
		case failOn == FailOnCrash && c.Outcome == record.Crash:
			matched++
		case failOn == FailOnAny && c.Outcome != record.Pass && c.Outcome != record.Unavailable:
			matched++
		}
	}
	if matched > 0 {
		return &FailPolicyError{Policy: failOn, Count: matched}
	}
	return nil
}

// Comparison judges a comparison with a baseline under the --fail-on
// policy (new-crash or any-change). Other policies, and a nil comparison
// (no baseline), never match.
func Comparison(cmp *compare.Comparison, policy string) error {
	if cmp == nil {
		return nil
	}
	n := 0
	switch policy {
	case FailOnNewCrash:
		n = cmp.Count(compare.NewCrash)
	case FailOnAnyChange:
		n = len(cmp.Changes)
	}
	if n > 0 {
		return &FailPolicyError{Policy: policy, Count: n}
	}
	return nil
}

// Bisection judges the end of a search over candidates candidates: its
// result res and error err, in ctx (cancelled: interrupted).
func Bisection(ctx context.Context, res *bisect.Result, err error, candidates int) error {
	var endpoints *bisect.EndpointsError
	var noVerdict *bisect.NoVerdictError
	switch {
	case ctx.Err() != nil:
		n := 0
		if res != nil {
			n = len(res.Probes)
		}
		probes := "probes"
		if n == 1 {
			probes = "probe"
		}
		return &InterruptedError{Detail: fmt.Sprintf("%d %s finished before the search over %d candidates could end", n, probes, candidates)}
	case errors.As(err, &endpoints), errors.As(err, &noVerdict):
		return &bisection.RangeError{Err: err}
	case err != nil:
		return &bisection.InfraError{Err: err}
	case res.Flaky || res.Boundary == nil:
		return &bisection.UndecidedError{Conclusion: res.Conclusion}
	}
	return nil
}

// Explanation judges the end of an explanation x, in ctx (cancelled:
// interrupted).
func Explanation(ctx context.Context, x *record.Explain) error {
	if ctx.Err() != nil {
		return &InterruptedError{Detail: fmt.Sprintf("%d of the changed cells explained", len(x.Explanations))}
	}
	unexplained := 0
	for _, e := range x.Explanations {
		if !e.Explained {
			unexplained += len(e.Cells)
		}
	}
	if unexplained > 0 {
		return &UnexplainedError{Count: unexplained}
	}
	return nil
}

// FailPolicyError reports that some cells matched the --fail-on policy.
type FailPolicyError struct {
	Policy string
	Count  int
}

func (e *FailPolicyError) Error() string {
	return cells(e.Count) + " matched --fail-on=" + e.Policy
}

// NothingRanError reports that nothing was tested: no cell ran a binary.
type NothingRanError struct{ Reason string }

func (e *NothingRanError) Error() string { return "nothing was tested: " + e.Reason }

// UnexplainedError reports that some changed cells could not be
// explained.
type UnexplainedError struct{ Count int }

func (e *UnexplainedError) Error() string {
	return cells(e.Count) + " changed without an explanation"
}

// InterruptedError reports that the run was stopped before it finished:
// Finished of its Total cells were, or, when Detail is set, what Detail
// says (a bisection does not know how many probes it would have needed).
type InterruptedError struct {
	Finished, Total int
	Detail          string
}

func (e *InterruptedError) Error() string {
	done := strconv.Itoa(e.Finished) + " of " + strconv.Itoa(e.Total) + " cells finished"
	if e.Detail != "" {
		done = e.Detail
	}
	return "interrupted: " + done + "; run again to resume from the cache"
}

// cells is "1 cell" or "n cells".
func cells(n int) string {
	if n == 1 {
		return "1 cell"
	}
	return strconv.Itoa(n) + " cells"
}
