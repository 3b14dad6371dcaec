package runlife

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/gorepro/gorepro/internal/runstore"
)

// tree lists the files under dir, sorted.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

func TestWriteComparisonIntoRun(t *testing.T) {
	rec, err := Results{Root: t.TempDir()}.Begin()
	require.NoError(t, err)
	defer rec.Abort()
	cmp := compare.Diff(runfixture.RecordedPair(t))
	require.NoError(t, rec.WriteComparison(cmp))
	for _, bad := range []string{runstore.JSONFile, runstore.MarkdownFile, runstore.JUnitFile, runstore.CellsDir, ".hidden", "../diff.json", "a/b", ""} {
		assert.Error(t, rec.Draft().WriteFile(bad, []byte("x")), "%q", bad)
	}
	run := runfixture.SampleRun()
	run.ID = rec.ID()
	dir, err := rec.Commit(run)
	require.NoError(t, err)
	assert.Equal(t, []string{"diff.json", "diff.md", "junit.xml", "report.html", "results.json", "results.md"},
		tree(t, dir), "the comparison is part of the committed run, no temporary files left")
	data, err := os.ReadFile(filepath.Join(dir, runstore.DiffJSONFile))
	require.NoError(t, err)
	var back compare.Comparison
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, cmp, &back)
	md, err := os.ReadFile(filepath.Join(dir, runstore.DiffMarkdownFile))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(md), "## gorepro diff `20261127T135547Z-b8be`"))
	assert.Error(t, rec.Draft().WriteFile("late.txt", nil), "a committed run is not written to")
}

// TestRecordStoresWhatTheRenderersMake: Record commits the run that fill
// returns, its reports exactly what the renderers make of it (quoting the
// logs written into the draft), stamped with the run's ID.
func TestRecordStoresWhatTheRenderersMake(t *testing.T) {
	root := t.TempDir()
	var id string
	run, dir, err := Results{Root: root}.Record(func(rec *Recording) (*record.Run, error) {
		id = rec.ID()
		_, err := rec.Draft().WriteLog("local_v1.36.10_cover_repro_amd64", "build.log", []byte("building\n"))
		require.NoError(t, err)
		run := runfixture.SampleRun()
		run.ID, run.SchemaVersion = "", 0
		Analyze(run)
		return run, nil
	})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, id), dir)
	assert.Equal(t, id, run.ID, "the run is stamped with the recording's ID")
	assert.Equal(t, record.SchemaVersion, run.SchemaVersion)
	assert.Equal(t, compare.Analyze(run.Cells, run.Toolchains), run.Analysis)
	for _, name := range runstore.ReportFiles() {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		render, ok := report.RendererFor(reportFormat(name))
		require.True(t, ok, name)
		var want bytes.Buffer
		require.NoError(t, render(&want, run, runstore.RunFS(dir)))
		assert.Equal(t, want.String(), string(got), name)
	}
	html, err := os.ReadFile(filepath.Join(dir, runstore.HTMLFile))
	require.NoError(t, err)
	assert.Contains(t, string(html), `<pre>building`, "the HTML report quotes the logs of the draft")
}

// TestRecordAbortsAndTypesErrors: fill's error comes back as it is and
// leaves nothing; a results root that cannot be written is a
// *StorageError naming what was being stored; an empty root stores
// nothing and still runs fill.
func TestRecordAbortsAndTypesErrors(t *testing.T) {
	root := t.TempDir()
	boom := errors.New("boom")
	_, _, err := Results{Root: root}.Record(func(rec *Recording) (*record.Run, error) {
		_, err := rec.Draft().WriteLog("c", "build.log", []byte("x"))
		require.NoError(t, err)
		return nil, boom
	})
	assert.Same(t, boom, err)
	assert.Empty(t, tree(t, root), "a failed run leaves nothing")

	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, _, err = Results{Root: file, What: "the merged run"}.Record(func(*Recording) (*record.Run, error) {
		t.Fatal("fill runs only once the run began")
		return nil, nil
	})
	var storage *StorageError
	require.ErrorAs(t, err, &storage)
	assert.Equal(t, "the merged run", storage.What)
	assert.True(t, strings.HasPrefix(err.Error(), "writing the merged run: "), err.Error())

	filled := false
	run, dir, err := Results{}.Record(func(rec *Recording) (*record.Run, error) {
		filled = true
		assert.False(t, rec.Stored())
		assert.Nil(t, rec.Draft())
		assert.NotEmpty(t, rec.ID())
		return runfixture.SampleRun(), nil
	})
	require.NoError(t, err)
	assert.True(t, filled)
	assert.Empty(t, dir, "nothing is stored without a root")
	assert.NotNil(t, run)
}
