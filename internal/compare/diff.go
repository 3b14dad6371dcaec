package compare

import (
	"slices"

	"github.com/gorepro/gorepro/internal/explain"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// ChangeKind says how one cell differs between a base run and a newer one
// (see Diff). A cell has at most one kind: the first of the list below that
// applies, in this order of precedence.
type ChangeKind string

// The kinds of change Diff reports, in order of precedence. Cells whose
// outcome, flakiness and (for crashes) signature are the same in both runs
// are unchanged, and so is a cell unavailable in both; run counts of a flaky
// cell (1/3 then 2/3) and reasons of a build error may differ without
// making a change.
const (
	// NowUnavailable: the cell ran (or failed to build) in the base run and
	// is unavailable now. It says nothing about the code, so it never
	// counts as a new crash.
	NowUnavailable ChangeKind = "now-unavailable"
	// NowAvailable: the cell was unavailable in the base run and has an
	// outcome now, whatever it is (a crash included: the base run says
	// nothing to compare it with).
	NowAvailable ChangeKind = "now-available"
	// NewCrash: the cell did not crash in the base run and crashes now,
	// also when only some of its runs crash (a flaky crash).
	NewCrash ChangeKind = "new-crash"
	// Fixed: the cell crashed, failed, timed out or did not build in the
	// base run, and passes now.
	Fixed ChangeKind = "fixed"
	// NewBuildError: the cell built in the base run and does not now.
	NewBuildError ChangeKind = "new-build-error"
	// NewFlaky: the cell's runs agreed in the base run and disagree now,
	// whatever its outcome (except a new crash, which is NewCrash).
	NewFlaky ChangeKind = "new-flaky"
	// NewTimeout: the cell's outcome became timeout.
	NewTimeout ChangeKind = "new-timeout"
	// NewFail: the cell's outcome became fail.
	NewFail ChangeKind = "new-fail"
	// SignatureChanged: the cell crashed in both runs, with different
	// crash signatures.
	SignatureChanged ChangeKind = "signature-changed"
	// NoLongerFlaky: the cell has the same outcome as in the base run but
	// every run agrees now (a crash 1/3 that became 3/3).
	NoLongerFlaky ChangeKind = "no-longer-flaky"
	// OutcomeChanged is any other change of outcome (only outcomes this
	// gorepro does not know end up here).
	OutcomeChanged ChangeKind = "outcome-changed"
	// OnlyInBase: the base run has the cell and the new run does not (the
	// matrix was narrowed or the config changed).
	OnlyInBase ChangeKind = "only-in-base"
	// OnlyInNew: the new run has a cell the base run does not.
	OnlyInNew ChangeKind = "only-in-new"
)

// ChangeKinds lists every ChangeKind in the order reports list changes:
// regressions first, then improvements, then cells that cannot be compared.
func ChangeKinds() []ChangeKind {
	return []ChangeKind{
		NewCrash, NewBuildError, NewTimeout, NewFail, NewFlaky, SignatureChanged, OutcomeChanged,
		NoLongerFlaky, Fixed, NowUnavailable, NowAvailable, OnlyInBase, OnlyInNew,
	}
}

// Comparison is what changed between two runs of the matrix, cell by cell
// (see Diff). It is the document of `gorepro diff --format json` and of
// diff.json in a run directory made with `gorepro matrix --baseline`.
type Comparison struct {
	Base RunRef `json:"base"`
	Next RunRef `json:"next"`
	// Cells is how many distinct cell IDs the two runs have together, and
	// Unchanged how many of them are in both runs and did not change.
	Cells     int `json:"cells"`
	Unchanged int `json:"unchanged"`
	// Counts says how many changes there are of each kind; kinds without
	// changes are left out.
	Counts map[ChangeKind]int `json:"counts"`
	// Changes are the changed cells, in the order of ChangeKinds and,
	// within a kind, in the order of the new run's cells (the base run's
	// for OnlyInBase).
	Changes []Change `json:"changes"`
	// Warnings say why the two runs may not be comparable: different
	// configs or schema versions, duplicate cell IDs.
	Warnings []string `json:"warnings,omitempty"`
}

// RunRef identifies one of the two runs of a Comparison.
type RunRef struct {
	ID            string `json:"id"`
	SchemaVersion int    `json:"schemaVersion"`
	Config        string `json:"config,omitempty"`
	ConfigSHA256  string `json:"configSHA256,omitempty"`
	Cells         int    `json:"cells"`
}

// Change is one cell that differs between the two runs.
type Change struct {
	Kind   ChangeKind `json:"kind"`
	CellID string     `json:"cellID"`
	// The cell's axes, from the new run (from the base run for
	// OnlyInBase). GoVersion is the new run's when both have one (each
	// side's own is in Before and After). Arch is the binary's and the
	// host's architecture as in the ARCH column, e.g. "amd64/arm64".
	Toolchain string `json:"toolchain"`
	GoVersion string `json:"goVersion"`
	Protobuf  string `json:"protobuf"`
	Cover     bool   `json:"cover"`
	Target    string `json:"target"`
	Arch      string `json:"arch"`
	// Before is the cell in the base run (nil for OnlyInNew) and After in
	// the new run (nil for OnlyInBase).
	Before *CellState `json:"before"`
	After  *CellState `json:"after"`
	// InputsChanged says what differs between what the two cells were
	// built from (source commit, modules, Go version, toolchain build,
	// config), one line per kind, when the runs recorded it and something
	// the cell is built from changed; gorepro explain finds which did it.
	InputsChanged []string `json:"inputsChanged,omitempty"`
}

// CellState is what a Change records of a cell in one run.
type CellState struct {
	Outcome record.Outcome `json:"outcome"`
	Flaky   bool           `json:"flaky"`
	// Runs is how many times the binary ran and OutcomeCounts how many runs
	// had which outcome (when the record says).
	Runs          int                    `json:"runs"`
	OutcomeCounts map[record.Outcome]int `json:"outcomeCounts,omitempty"`
	GoVersion     string                 `json:"goVersion,omitempty"`
	// Signature is the crash signature and Reason the one-line reason of
	// other outcomes, both with credentials redacted.
	Signature string `json:"signature,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// Diff compares the cells of base and next, matched by Cell.ID, and returns
// every cell that changed (see ChangeKind). When a run has the same cell ID
// twice, its first cell is compared and a warning says so.
func Diff(base, next *record.Run) *Comparison {
	cmp := &Comparison{
		Base:    runRef(base),
		Next:    runRef(next),
		Counts:  map[ChangeKind]int{},
		Changes: []Change{},
	}
	if base.ConfigSHA256 != next.ConfigSHA256 {
		cmp.Warnings = append(cmp.Warnings, wording.DifferentConfigs(base.Config, base.ConfigSHA256, next.Config, next.ConfigSHA256))
	}
	if base.SchemaVersion != next.SchemaVersion {
		cmp.Warnings = append(cmp.Warnings, wording.DifferentSchemas(base.SchemaVersion, next.SchemaVersion))
	}
	baseCells, warning := indexCells(base)
	if warning != "" {
		cmp.Warnings = append(cmp.Warnings, warning)
	}
	nextCells, warning := indexCells(next)
	if warning != "" {
		cmp.Warnings = append(cmp.Warnings, warning)
	}

	var changes []Change
	seen := map[string]bool{}
	for _, n := range next.Cells {
		if seen[n.ID] {
			continue
		}
		seen[n.ID] = true
		b, inBase := baseCells[n.ID]
		if !inBase {
			changes = append(changes, newChange(OnlyInNew, nil, &n))
			continue
		}
		if kind, changed := classifyChange(b, n); changed {
			ch := newChange(kind, &b, &n)
			if d := explain.Inputs(base, b, next, n); len(d.Kinds()) > 0 || len(d.Toolchain) > 0 ||
				len(explain.SettingChanges(b.Settings, n.Settings)) > 0 || len(explain.EntryChanges("", b.TargetEntry, n.TargetEntry)) > 0 {
				ch.InputsChanged = d.Lines()
			}
			changes = append(changes, ch)
		} else {
			cmp.Unchanged++
		}
	}
	for _, b := range base.Cells {
		if _, inNext := nextCells[b.ID]; inNext || seen[b.ID] {
			continue
		}
		seen[b.ID] = true
		changes = append(changes, newChange(OnlyInBase, &b, nil))
	}
	cmp.Cells = len(seen)

	order := map[ChangeKind]int{}
	for i, k := range ChangeKinds() {
		order[k] = i
	}
	slices.SortStableFunc(changes, func(a, b Change) int { return order[a.Kind] - order[b.Kind] })
	for _, c := range changes {
		cmp.Counts[c.Kind]++
	}
	if changes != nil {
		cmp.Changes = changes
	}
	return cmp
}

// classifyChange returns the kind of change from cell b of the base run to
// cell n of the new run, and false when the cell did not change.
func classifyChange(b, n record.Cell) (ChangeKind, bool) {
	switch {
	case b.Outcome == record.Unavailable && n.Outcome == record.Unavailable:
		return "", false
	case n.Outcome == record.Unavailable:
		return NowUnavailable, true
	case b.Outcome == record.Unavailable:
		return NowAvailable, true
	case n.Outcome == record.Crash && b.Outcome != record.Crash:
		return NewCrash, true
	case n.Outcome == record.Pass && slices.Contains([]record.Outcome{record.Crash, record.Fail, record.Timeout, record.BuildError}, b.Outcome):
		return Fixed, true
	case n.Outcome == record.BuildError && b.Outcome != record.BuildError:
		return NewBuildError, true
	case n.Flaky && !b.Flaky:
		return NewFlaky, true
	case n.Outcome == record.Timeout && b.Outcome != record.Timeout:
		return NewTimeout, true
	case n.Outcome == record.Fail && b.Outcome != record.Fail:
		return NewFail, true
	case b.Outcome == record.Crash && n.Outcome == record.Crash && b.Signature != n.Signature:
		return SignatureChanged, true
	case b.Outcome == n.Outcome && b.Flaky && !n.Flaky:
		return NoLongerFlaky, true
	case b.Outcome != n.Outcome:
		return OutcomeChanged, true
	}
	return "", false
}

// indexCells maps run's cell IDs to their first cell, and returns a warning
// when some ID appears more than once.
func indexCells(run *record.Run) (map[string]record.Cell, string) {
	cells := make(map[string]record.Cell, len(run.Cells))
	var dups []string
	for _, c := range run.Cells {
		if _, ok := cells[c.ID]; ok {
			dups = append(dups, c.ID)
			continue
		}
		cells[c.ID] = c
	}
	if len(dups) == 0 {
		return cells, ""
	}
	return cells, wording.DuplicateCells(run.ID, len(dups), dups[0])
}

// runRef describes run for a Comparison.
func runRef(run *record.Run) RunRef {
	return RunRef{
		ID:            run.ID,
		SchemaVersion: run.SchemaVersion,
		Config:        run.Config,
		ConfigSHA256:  run.ConfigSHA256,
		Cells:         len(run.Cells),
	}
}

// newChange records a change of kind from before to after (either may be
// nil, not both).
func newChange(kind ChangeKind, before, after *record.Cell) Change {
	axes := after
	if axes == nil {
		axes = before
	}
	ch := Change{
		Kind:      kind,
		CellID:    axes.ID,
		Toolchain: axes.Toolchain,
		GoVersion: axes.GoVersion,
		Protobuf:  axes.Protobuf,
		Cover:     axes.Cover,
		Target:    axes.Target,
		Arch:      record.ArchColumn(*axes),
	}
	if ch.GoVersion == "" && before != nil {
		ch.GoVersion = before.GoVersion
	}
	// A cell that did not build has no binary architecture: take the
	// other run's when it has one.
	if axes.BinaryArch == "" && before != nil && before.BinaryArch != "" {
		ch.Arch = record.ArchColumn(*before)
	}
	if before != nil {
		ch.Before = newCellState(*before)
	}
	if after != nil {
		ch.After = newCellState(*after)
	}
	return ch
}

// newCellState records what a Change shows of c.
func newCellState(c record.Cell) *CellState {
	s := &CellState{
		Outcome:   c.Outcome,
		Flaky:     c.Flaky,
		Runs:      c.Runs,
		GoVersion: c.GoVersion,
		Signature: redact.Text(c.Signature),
		Reason:    redact.Text(wording.OneLine(c.Reason)),
	}
	switch {
	case len(c.OutcomeCounts) > 0:
		s.OutcomeCounts = c.OutcomeCounts
	case len(c.RunResults) > 0:
		s.OutcomeCounts = map[record.Outcome]int{}
		for _, r := range c.RunResults {
			s.OutcomeCounts[r.Outcome]++
		}
	}
	return s
}

// cell returns the parts of a cell s records, for the table columns.
func (s *CellState) Cell() record.Cell {
	return record.Cell{
		Outcome: s.Outcome, Flaky: s.Flaky, Runs: s.Runs, OutcomeCounts: s.OutcomeCounts,
		Signature: s.Signature, Reason: s.Reason,
	}
}

// Count returns how many changes are of one of kinds.
func (c *Comparison) Count(kinds ...ChangeKind) int {
	n := 0
	for _, k := range kinds {
		n += c.Counts[k]
	}
	return n
}

// Summary returns a one-line account of the comparison, e.g.
// "3 of 36 cells changed: 1 new-crash, 1 fixed, 1 only-in-base; 33 unchanged".
func (c *Comparison) Summary() string {
	var counts []wording.Count
	for _, k := range ChangeKinds() {
		counts = append(counts, wording.Count{Kind: string(k), N: c.Counts[k]})
	}
	return wording.ComparisonSummary(c.Cells, len(c.Changes), c.Unchanged, counts)
}
