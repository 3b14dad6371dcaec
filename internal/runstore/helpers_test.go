package runstore

import (
	"bytes"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
)

// commit stamps run, renders its stored reports as package runlife does
// (runstore's own tests cannot import it) and commits w with them.
func commit(w *Draft, run *record.Run) (string, error) {
	if err := w.Stamp(run); err != nil {
		return "", err
	}
	formats := map[string]string{JSONFile: "json", MarkdownFile: "markdown", JUnitFile: "junit", HTMLFile: "html"}
	var reports []File
	for _, name := range ReportFiles() {
		render, _ := report.RendererFor(formats[name])
		var buf bytes.Buffer
		if err := render(&buf, run, RunFS(w.Dir())); err != nil {
			return "", err
		}
		reports = append(reports, File{Name: name, Data: buf.Bytes()})
	}
	return w.Commit(reports)
}

// writeMerged records run, the result of Merge(inputs), in s as run id,
// with the files of its cells, as `gorepro merge` does.
func writeMerged(s Store, id string, run *record.Run, inputs []MergeInput) (string, error) {
	w, err := s.Begin(id)
	if err != nil {
		return "", err
	}
	defer func() { _ = w.Abort() }()
	if err := w.CopyMerged(run, inputs); err != nil {
		return "", err
	}
	return commit(w, run)
}
