package bisect

import (
	"fmt"
	"strings"
)

// EndpointsError says that the two endpoints of the range (the outermost
// candidates that were not skipped) have the same verdict, so nothing flips
// between them.
type EndpointsError struct {
	// Verdict is the verdict both endpoints had; First and Last are the
	// endpoints.
	Verdict     Verdict
	First, Last string
}

// Error implements error.
func (e *EndpointsError) Error() string {
	return fmt.Sprintf("both endpoints (%s and %s) are %s: nothing flips in this range; widen it", e.First, e.Last, e.Verdict)
}

// NoVerdictError says that every candidate was skipped, or only one could be
// judged, so there is nothing to compare.
type NoVerdictError struct {
	// Skipped lists the skipped candidates in order.
	Skipped []string
	// Judged is the only candidate that was not skipped, if there was one,
	// and Verdict its verdict.
	Judged  string
	Verdict Verdict
}

// Error implements error.
func (e *NoVerdictError) Error() string {
	if e.Judged != "" {
		return fmt.Sprintf("only %s could be judged (%s); every other candidate was skipped (build error or unavailable): nothing to compare", e.Judged, e.Verdict)
	}
	return fmt.Sprintf("every candidate was skipped (build error or unavailable): %s", strings.Join(e.Skipped, " "))
}

// RunsError says that a threshold "k/N" is for probes of N runs, while
// the probes have Runs runs.
type RunsError struct {
	// Threshold is the threshold as written.
	Threshold string
	N, Runs   int
}

// Error implements error.
func (e *RunsError) Error() string {
	return fmt.Sprintf("%q is for %d runs per probe, but a probe has %d", e.Threshold, e.N, e.Runs)
}
