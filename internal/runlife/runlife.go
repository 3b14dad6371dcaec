// Package runlife is the life of one stored run, from begin to commit:
//
//	rec, err := runlife.Results{Root: out}.Begin()     // a new run ID, its draft directory
//	defer rec.Abort()                                  // nothing stays of a run that is not committed
//	run, err := runner.Run(ctx, rec.ID(), rec.Draft()) // cells write their files into the draft
//	runlife.Analyze(run)                               // which axes matter
//	dir, err := rec.Commit(run)                        // render the reports, then store them
//
// Results.Record does all of it in one call around a function that fills
// the run; a Results without a Root records nothing (gorepro check without
// --out) and still gives the run an ID. Commit(d, run) is the last step
// for a caller that began its runstore.Draft itself. Storage (package runstore) only stores bytes; rendering the
// stored reports (package report) and analysing the run (package compare)
// happen here, once, for every command that records a run.
//
// Files beside the reports are written into the draft before Commit:
// WriteComparison (or CompareWith, which also compares the run with its
// baseline) writes diff.json and diff.md, WriteExplanation explain.md.
//
// Failures to begin or commit a run are *StorageError, which say what was
// being stored; the command maps them to its exit status.
package runlife

import (
	"cmp"
	"time"

	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runstore"
)

// StorageError is a failure to store results (disk full, read-only file
// system, permission denied). Err names the path and the cause.
type StorageError struct {
	// What is being stored: "results", "the merged run", ...
	What string
	Err  error
}

func (e *StorageError) Error() string { return "writing " + e.What + ": " + e.Err.Error() }
func (e *StorageError) Unwrap() error { return e.Err }

// Results is a results root (gorepro's --out) that runs are recorded in.
type Results struct {
	// Root is the directory of the runs; empty means that nothing is
	// stored (gorepro check without --out): the run still gets an ID,
	// its Draft is nil and Commit stores nothing.
	Root string
	// What names the run in storage errors; empty means "results".
	What string
}

// Recording is one run being recorded: its ID and the draft that its
// files are written into until Commit or Abort.
type Recording struct {
	id    string
	what  string
	draft *runstore.Draft // nil when nothing is stored
}

// Begin starts recording a new run under a new run ID.
func (rs Results) Begin() (*Recording, error) {
	rec := &Recording{id: runstore.NewRunID(time.Now()), what: cmp.Or(rs.What, "results")}
	if rs.Root == "" {
		return rec, nil
	}
	d, err := runstore.Store{Root: rs.Root}.Begin(rec.id)
	if err != nil {
		return nil, &StorageError{What: rec.what, Err: err}
	}
	rec.draft = d
	return rec, nil
}

// Record begins a run, calls fill to run and analyse it (fill writes its
// files through rec) and commits the run that fill returns. When fill
// fails, or the run cannot be committed, nothing stays of it. It returns
// the run and its committed directory ("" when Root is empty); fill's
// error is returned as it is, a failure to begin or commit as a
// *StorageError.
func (rs Results) Record(fill func(rec *Recording) (*record.Run, error)) (*record.Run, string, error) {
	rec, err := rs.Begin()
	if err != nil {
		return nil, "", err
	}
	defer rec.Abort()
	run, err := fill(rec)
	if err != nil {
		return run, "", err
	}
	dir, err := rec.Commit(run)
	return run, dir, err
}

// ID is the run's ID.
func (rec *Recording) ID() string { return rec.id }

// Draft is the run directory being written, for the files of the cells
// (matrix.Runner.Run) and others (WriteFile); nil when nothing is stored.
func (rec *Recording) Draft() *runstore.Draft { return rec.draft }

// Stored reports whether the run is being stored (Results.Root was set).
func (rec *Recording) Stored() bool { return rec.draft != nil }

// Commit renders the stored reports of run (see Commit) and stores the
// run; it does nothing when nothing is stored. It returns the committed
// run directory.
func (rec *Recording) Commit(run *record.Run) (string, error) {
	if rec.draft == nil {
		return "", nil
	}
	dir, err := Commit(rec.draft, run)
	if err != nil {
		return dir, &StorageError{What: rec.what, Err: err}
	}
	return dir, nil
}

// Abort discards the run unless it was committed; it can be deferred.
func (rec *Recording) Abort() {
	if rec.draft != nil {
		_ = rec.draft.Abort()
	}
}

// Analyze sets the analysis of run over all its cells: which axes change
// the outcome. A run whose cells are not one matrix (the probes of a
// bisection) sets its own.
func Analyze(run *record.Run) {
	run.Analysis = compare.Analyze(run.Cells, run.Toolchains)
}

// Commit stamps run as the run d is writing, renders its stored reports
// (results.json, results.md, junit.xml, report.html), which quote the
// files already written into d, and commits d with them. It returns the
// committed run directory, as runstore.Draft.Commit does.
func Commit(d *runstore.Draft, run *record.Run) (string, error) {
	if err := d.Stamp(run); err != nil {
		return "", err
	}
	reports, err := Reports(run, d.Dir())
	if err != nil {
		return "", err
	}
	return d.Commit(reports)
}
