package bisection

import (
	"errors"
	"fmt"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/bisectrecord"
	"github.com/gorepro/gorepro/internal/record"
)

// Probe is one probe of a bisection or an explanation: the search's
// judgement of a candidate and what gorepro knows of the cell built for
// it.
type Probe struct {
	bisect.Probe
	// CellID is the ID of the probe's cell among the run's cells.
	CellID string
	// Built is true when the cell was really built (false for a cache
	// hit). NotRun is true when the cell was neither built nor taken from
	// the cache: its toolchain could not be used, or its config not made.
	Built, NotRun bool
	// GoSource is how the probe's toolchain was made, on the go-commit
	// axis.
	GoSource *record.GoSource
}

// Record is the stored form of the probe.
func (p Probe) Record() record.BisectProbe {
	return bisectrecord.Probe(p.Probe, p.CellID, p.Built, p.NotRun, GoSourceLabel(p.GoSource))
}

// notRunNote is the progress note of a probe whose cell was neither built
// nor taken from the cache.
const notRunNote = "not run"

// Judge judges a probe's cell as candidate v.
func Judge(cell record.Cell, v string, pred bisect.Predicate, threshold bisect.Threshold) Probe {
	p := Probe{Probe: bisect.Judge(Observe(cell), pred, threshold), CellID: cell.ID}
	p.Version = v
	// A cell with no cache key was neither built nor taken from the cache:
	// its toolchain could not be used.
	p.Built = !cell.Cached && cell.CacheKey != ""
	p.NotRun = !cell.Cached && cell.CacheKey == ""
	if p.NotRun {
		p.Note = notRunNote
	}
	return p
}

// Observe is what bisect.Judge needs to know of a finished cell.
func Observe(c record.Cell) bisect.Observation {
	o := bisect.Observation{Outcome: string(c.Outcome), Signature: c.Signature, Reason: c.Reason, Cached: c.Cached}
	for _, r := range c.RunResults {
		o.Runs = append(o.Runs, bisect.RunObservation{Outcome: string(r.Outcome), Signature: r.Signature})
	}
	return o
}

// ParseBadIf reads --bad-if (see bisect.ParsePredicate); its errors name
// the flag.
func ParseBadIf(s string) (bisect.Predicate, error) {
	p, err := bisect.ParsePredicate(s)
	if err != nil {
		return p, fmt.Errorf("--bad-if: %w", err)
	}
	return p, nil
}

// ParseBadThreshold reads --bad-threshold for probes of runs runs (--runs;
// see bisect.ParseThreshold); its errors name the flags.
func ParseBadThreshold(s string, runs int) (bisect.Threshold, error) {
	t, err := bisect.ParseThreshold(s, runs)
	var mismatch *bisect.RunsError
	switch {
	case errors.As(err, &mismatch):
		return t, fmt.Errorf("--bad-threshold: %q is for %d runs per probe but --runs is %d", mismatch.Threshold, mismatch.N, mismatch.Runs)
	case err != nil:
		return t, fmt.Errorf("--bad-threshold: %w", err)
	}
	return t, nil
}

// flakyAdvice ends the conclusion of a flaky search: what may decide it.
const flakyAdvice = "; use more runs per probe (--runs N) and/or --bad-threshold k/N"
