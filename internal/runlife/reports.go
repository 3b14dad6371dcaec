package runlife

import (
	"bytes"
	"fmt"
	"io"

	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runstore"
)

// reportFormat is the report format of each file that every run directory
// holds (runstore.ReportFiles).
func reportFormat(name string) string {
	return map[string]string{
		runstore.JSONFile:     "json",
		runstore.MarkdownFile: "markdown",
		runstore.JUnitFile:    "junit",
		runstore.HTMLFile:     "html",
	}[name]
}

// Reports renders the stored reports of run, whose directory (so far) is
// runDir: the reports quote the cells' logs from it.
func Reports(run *record.Run, runDir string) ([]runstore.File, error) {
	files := runstore.RunFS(runDir)
	var reports []runstore.File
	for _, name := range runstore.ReportFiles() {
		render, _ := report.RendererFor(reportFormat(name))
		var buf bytes.Buffer
		if err := render(&buf, run, files); err != nil {
			return nil, fmt.Errorf("rendering %s: %w", name, err)
		}
		reports = append(reports, runstore.File{Name: name, Data: buf.Bytes()})
	}
	return reports, nil
}

// WriteComparison writes cmp, the comparison of the run with a baseline,
// into the run being recorded, as runstore.DiffJSONFile and
// runstore.DiffMarkdownFile, each atomically; nothing when nothing is
// stored.
func (rec *Recording) WriteComparison(cmp *compare.Comparison) error {
	if rec.draft == nil {
		return nil
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer, *compare.Comparison) error
	}{{runstore.DiffJSONFile, report.WriteDiffJSON}, {runstore.DiffMarkdownFile, report.WriteDiffMarkdown}} {
		var buf bytes.Buffer
		if err := f.write(&buf, cmp); err != nil {
			return err
		}
		if err := rec.draft.WriteFile(f.name, buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}
