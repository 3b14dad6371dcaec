package runstore

import (
	"bytes"
	"io"

	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/report"
)

// Files of a run directory made by `gorepro matrix --baseline`: the
// comparison with the baseline (see WriteComparison).
const (
	// DiffJSONFile is the comparison as JSON (see WriteDiffJSON).
	DiffJSONFile = "diff.json"
	// DiffMarkdownFile is the comparison as Markdown (see WriteDiffMarkdown).
	DiffMarkdownFile = "diff.md"
)

// WriteComparison writes cmp into the run w records, as DiffJSONFile and
// DiffMarkdownFile, each atomically.
func (w *Draft) WriteComparison(cmp *compare.Comparison) error {
	for _, f := range []struct {
		name  string
		write func(io.Writer, *compare.Comparison) error
	}{{DiffJSONFile, report.WriteDiffJSON}, {DiffMarkdownFile, report.WriteDiffMarkdown}} {
		var buf bytes.Buffer
		if err := f.write(&buf, cmp); err != nil {
			return err
		}
		if err := w.WriteFile(f.name, buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}
