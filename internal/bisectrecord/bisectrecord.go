// Package bisectrecord is the one place where package bisect's search
// meets gorepro's model: it turns a bisect.Result into the
// record.BisectSearch stored in results.json.
//
// Package record is the model and does not import the public library
// (bisect is a search library that knows nothing of results.json); the
// code that runs a bisection converts its result here, once, where it
// becomes a record:
//
//	rec := record.Bisect{Axis: axis, BadIf: badIf, BisectSearch: bisectrecord.Search(res)}
//
// The conversion copies every field: the JSON of the record is the JSON of
// the search result, byte for byte, as results.json has always held it.
package bisectrecord

import (
	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/record"
)

// Search returns the stored form of a search's result.
func Search(res bisect.Result) record.BisectSearch {
	s := record.BisectSearch{
		Candidates:    res.Candidates,
		Skipped:       res.Skipped,
		Direction:     res.Direction,
		Between:       res.Between,
		Builds:        res.Builds,
		Flaky:         res.Flaky,
		FlakyVersions: res.FlakyVersions,
		Conclusion:    res.Conclusion,
	}
	if res.Probes != nil {
		s.Probes = make([]record.BisectProbe, len(res.Probes))
		for i, p := range res.Probes {
			s.Probes[i] = Probe(p)
		}
	}
	if b := res.Boundary; b != nil {
		s.Boundary = &record.BisectBoundary{Before: b.Before, After: b.After}
	}
	return s
}

// Probe returns the stored form of one probe.
func Probe(p bisect.Probe) record.BisectProbe {
	return record.BisectProbe{
		Version:      p.Version,
		Outcome:      record.Outcome(p.Outcome),
		Verdict:      string(p.Verdict),
		Signature:    p.Signature,
		Runs:         p.Runs,
		BadRuns:      p.BadRuns,
		Built:        p.Built,
		NotRun:       p.NotRun,
		Confirmation: p.Confirmation,
		CellID:       p.CellID,
		Reason:       p.Reason,
	}
}
