// Package bisectrecord is the one place where package bisect's search
// meets gorepro's model: it turns a bisect.Result, with what gorepro knows
// of each probe's cell, into the record.BisectSearch stored in
// results.json.
//
// Package record is the model and does not import the public library
// (bisect is a search library that knows nothing of cells or of
// results.json); the code that runs a bisection (internal/bisection)
// converts its result here, once, where it becomes a record:
//
//	probes := []record.BisectProbe{bisectrecord.Probe(p, cellID, built, notRun, toolchain), ...}
//	rec := record.Bisect{Axis: axis, BadIf: badIf, BisectSearch: bisectrecord.Search(res, probes)}
//
// The stored form keeps the JSON names results.json has always had; the
// package's tests pin its bytes (testdata/result.golden.json).
package bisectrecord

import (
	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/record"
)

// Search returns the stored form of a search's result. probes are the
// stored form of res.Probes (see Probe), one each, in the same order;
// Builds counts those whose cell was really built.
func Search(res bisect.Result, probes []record.BisectProbe) record.BisectSearch {
	s := record.BisectSearch{
		Candidates:    res.Candidates,
		Skipped:       res.Skipped,
		Direction:     string(res.Direction),
		Between:       res.Between,
		Flaky:         res.Flaky,
		FlakyVersions: res.FlakyVersions,
		Conclusion:    res.Conclusion,
	}
	if res.Probes != nil {
		s.Probes = append([]record.BisectProbe{}, probes...)
	}
	for _, p := range probes {
		if p.Built {
			s.Builds++
		}
	}
	if b := res.Boundary; b != nil {
		s.Boundary = &record.BisectBoundary{Before: b.Before, After: b.After}
	}
	return s
}

// Probe returns the stored form of probe p, whose cell is cellID: built
// says the cell was really built (not taken from the cache), notRun that
// it was neither built nor taken from the cache (its toolchain could not
// be used, its commit not checked out); toolchain how its Go toolchain
// was made, on the go-commit axis ("" elsewhere).
func Probe(p bisect.Probe, cellID string, built, notRun bool, toolchain string) record.BisectProbe {
	return record.BisectProbe{
		Version:      p.Version,
		Outcome:      record.Outcome(p.Outcome),
		Verdict:      string(p.Verdict),
		Signature:    p.Signature,
		Runs:         p.Runs,
		BadRuns:      p.BadRuns,
		Built:        built,
		NotRun:       notRun,
		Confirmation: p.Confirmation,
		CellID:       cellID,
		Reason:       p.Reason,
		Toolchain:    toolchain,
	}
}
