package runlife

import (
	"bytes"

	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
)

// ExplainFile is the Markdown explanation a run of `gorepro explain`
// stores beside its reports.
const ExplainFile = "explain.md"

// WriteExplanation writes x, the explanation the run holds, into the run
// being recorded as ExplainFile, before Commit; nothing when nothing is
// stored, or when x cannot be rendered (the run's own reports still hold
// it). A file that cannot be written is a *StorageError.
func (rec *Recording) WriteExplanation(x *record.Explain) error {
	var md bytes.Buffer
	if err := report.WriteExplain(&md, x, "markdown"); err != nil || rec.draft == nil {
		return nil
	}
	if err := rec.draft.WriteFile(ExplainFile, md.Bytes()); err != nil {
		return &StorageError{What: "results", Err: err}
	}
	return nil
}

// CompareWith compares run, finished, with its baseline base (as `gorepro
// diff` would) and writes the comparison into the run being recorded
// (WriteComparison), before Commit. Without a baseline it returns nil. A
// comparison that cannot be written is a *StorageError.
func (rec *Recording) CompareWith(base, run *record.Run) (*compare.Comparison, error) {
	if base == nil {
		return nil, nil
	}
	if run.ID == "" {
		run.ID = rec.ID()
	}
	if run.SchemaVersion == 0 {
		run.SchemaVersion = record.SchemaVersion
	}
	cmp := compare.Diff(base, run)
	if err := rec.WriteComparison(cmp); err != nil {
		return nil, &StorageError{What: "the comparison with the baseline", Err: err}
	}
	return cmp, nil
}
