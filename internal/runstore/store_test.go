package runstore

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tree lists every path under root, relative and slash-separated.
func tree(t *testing.T, root string) []string {
	t.Helper()
	var paths []string
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if rel != "." {
			paths = append(paths, filepath.ToSlash(rel))
		}
		return nil
	}))
	sort.Strings(paths)
	return paths
}

// commitSample records sampleRun under id in store, with one build log.
func commitSample(t *testing.T, store Store, id string) (*record.Run, string) {
	t.Helper()
	w, err := store.Begin(id)
	require.NoError(t, err)
	rel, err := w.WriteLog("cell-1", "build.log", []byte("go build ok\n"))
	require.NoError(t, err)
	assert.Equal(t, "cells/cell-1/build.log", rel)
	run := runfixture.SampleRun()
	run.ID = id
	dir, err := commit(w, run)
	require.NoError(t, err)
	return run, dir
}

func TestNewRunID(t *testing.T) {
	at := time.Date(2026, 11, 27, 12, 30, 0, 0, time.FixedZone("CET", 3600))
	id := NewRunID(at)
	assert.Regexp(t, regexp.MustCompile(`^20261127T113000Z-[0-9a-f]{4}$`), id)
	assert.Less(t, id, NewRunID(at.Add(time.Second)), "IDs sort by time")
}

func TestCommitProducesTree(t *testing.T) {
	store := Store{Root: filepath.Join(t.TempDir(), "results")}
	id := runfixture.SampleRun().ID
	w, err := store.Begin(id)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(store.Root, ".incomplete-"+id), w.Dir())

	build, err := w.WriteLog("local_v1.36.10_cover_repro_amd64", "build.log", []byte("building\n"))
	require.NoError(t, err)
	run1, err := w.WriteLog("local_v1.36.10_cover_repro_amd64", "run-1.log", []byte("ok\n"))
	require.NoError(t, err)
	assert.Equal(t, "cells/local_v1.36.10_cover_repro_amd64/build.log", build)
	assert.Equal(t, "cells/local_v1.36.10_cover_repro_amd64/run-1.log", run1)
	assert.NoDirExists(t, filepath.Join(store.Root, id), "nothing under <root>/<id> before Commit")
	assert.NoFileExists(t, filepath.Join(store.Root, "latest"))

	run := runfixture.SampleRun()
	run.ID, run.SchemaVersion = "", 0
	dir, err := commit(w, run)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(store.Root, id), dir)
	assert.Equal(t, id, run.ID, "Commit fills in the run id")
	assert.Equal(t, record.SchemaVersion, run.SchemaVersion, "Commit fills in the schema version")

	assert.Equal(t, []string{
		id,
		id + "/cells",
		id + "/cells/local_v1.36.10_cover_repro_amd64",
		id + "/cells/local_v1.36.10_cover_repro_amd64/build.log",
		id + "/cells/local_v1.36.10_cover_repro_amd64/run-1.log",
		id + "/junit.xml",
		id + "/report.html",
		id + "/results.json",
		id + "/results.md",
		"latest",
	}, tree(t, store.Root))

	log, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(run1)))
	require.NoError(t, err)
	assert.Equal(t, "ok\n", string(log))
	target, err := os.Readlink(filepath.Join(store.Root, "latest"))
	require.NoError(t, err)
	assert.Equal(t, id, target, "latest is a relative link")
	info, err := os.Stat(filepath.Join(dir, "results.json"))
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o644), info.Mode().Perm())

	// The stored reports are exactly what the renderers produce.
	for name, format := range map[string]string{"results.json": "json", "results.md": "markdown", "junit.xml": "junit"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		render, ok := report.RendererFor(format)
		require.True(t, ok)
		var want bytes.Buffer
		require.NoError(t, render(&want, run, os.DirFS(dir)))
		assert.Equal(t, want.String(), string(got), name)
	}
	// The HTML report quotes the logs it found in the run directory.
	html, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	require.NoError(t, err)
	assert.Contains(t, string(html), `<pre>building`)
	assert.Contains(t, string(html), `href="#cell-local_v1.36.10_cover_repro_amd64"`)

	_, err = w.WriteLog("c", "late.log", nil)
	assert.Error(t, err, "no writes after Commit")
	_, err = commit(w, run)
	assert.Error(t, err, "no second Commit")
	assert.NoError(t, w.Abort(), "Abort after Commit does nothing")
	assert.DirExists(t, dir)
}

func TestLatestPointsAtNewest(t *testing.T) {
	store := Store{Root: t.TempDir()}
	_, first := commitSample(t, store, "20261127T113000Z-aaaa")
	_, second := commitSample(t, store, "20261127T113100Z-bbbb")

	target, err := os.Readlink(filepath.Join(store.Root, "latest"))
	require.NoError(t, err)
	assert.Equal(t, "20261127T113100Z-bbbb", target)
	assert.DirExists(t, first)
	_, dir, err := Load(store.Root)
	require.NoError(t, err)
	assert.Equal(t, second, dir)
	for _, p := range tree(t, store.Root) {
		assert.False(t, strings.HasPrefix(filepath.Base(p), "."), "leftover temporary %s", p)
	}
}

func TestLoad(t *testing.T) {
	store := Store{Root: t.TempDir()}
	want, dir := commitSample(t, store, "20261127T113000Z-aaaa")
	for name, path := range map[string]string{
		"store root": store.Root,
		"run dir":    dir,
		"json file":  filepath.Join(dir, "results.json"),
	} {
		t.Run(name, func(t *testing.T) {
			got, gotDir, err := Load(path)
			require.NoError(t, err)
			assert.Equal(t, dir, gotDir)
			assert.Equal(t, want, got)
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name     string
		contents string // results.json; "" for none
		wantErr  []string
	}{
		{"corrupt json", `{"schemaVersion": 1, "cells": [`, []string{"results.json", "unexpected end of JSON input"}},
		{"newer schema", `{"schemaVersion": 3, "id": "x"}`, []string{"results.json", "schemaVersion 3 is newer than the 2 this gorepro supports"}},
		{"no schema", `{"id": "x"}`, []string{"results.json", "no schemaVersion"}},
		{"empty directory", "", []string{"has neither results.json nor latest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.contents != "" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "results.json"), []byte(tt.contents), 0o644))
			}
			_, _, err := Load(dir)
			require.Error(t, err)
			for _, want := range tt.wantErr {
				assert.Contains(t, err.Error(), want)
			}
			if tt.contents != "" {
				assert.Contains(t, err.Error(), filepath.Join(dir, "results.json"), "the error names the file")
			}
		})
	}
	_, _, err := Load(filepath.Join(t.TempDir(), "missing"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestAbortAndFailedCommitLeaveNoRun(t *testing.T) {
	store := Store{Root: t.TempDir()}

	aborted, err := store.Begin("20261127T113000Z-aaaa")
	require.NoError(t, err)
	_, err = aborted.WriteLog("cell", "build.log", []byte("x"))
	require.NoError(t, err)
	require.NoError(t, aborted.Abort())
	assert.Empty(t, tree(t, store.Root), "Abort removes everything")

	failed, err := store.Begin("20261127T113100Z-bbbb")
	require.NoError(t, err)
	run := runfixture.SampleRun()
	run.ID = "some-other-run"
	_, err = commit(failed, run)
	require.Error(t, err)
	assert.NoDirExists(t, filepath.Join(store.Root, "20261127T113100Z-bbbb"))
	assert.NoFileExists(t, filepath.Join(store.Root, "latest"))
	require.NoError(t, failed.Abort())
	assert.Empty(t, tree(t, store.Root))
}

func TestBeginRejectsExistingRun(t *testing.T) {
	store := Store{Root: t.TempDir()}
	commitSample(t, store, "20261127T113000Z-aaaa")
	_, err := store.Begin("20261127T113000Z-aaaa")
	assert.ErrorContains(t, err, "already exists")
	for _, id := range []string{"", "../x", "a/b", "latest", ".hidden"} {
		_, err := store.Begin(id)
		assert.Error(t, err, "id %q", id)
	}
}

func TestWriteLogRejectsUnsafeNames(t *testing.T) {
	w, err := Store{Root: t.TempDir()}.Begin("20261127T113000Z-aaaa")
	require.NoError(t, err)
	t.Cleanup(func() { _ = w.Abort() })
	for _, tt := range []struct{ cellID, name string }{
		{"../escape", "build.log"},
		{"..", "build.log"},
		{"a/b", "build.log"},
		{`a\b`, "build.log"},
		{"", "build.log"},
		{".", "build.log"},
		{"cell", "../build.log"},
		{"cell", "sub/build.log"},
		{"cell", ""},
	} {
		_, err := w.WriteLog(tt.cellID, tt.name, []byte("x"))
		assert.Error(t, err, "cell %q, log %q", tt.cellID, tt.name)
	}
	assert.Empty(t, tree(t, w.Dir()), "nothing was written")
}

// TestLoadDropsVersion1Analysis loads a run recorded by a gorepro that
// analysed all targets at once: its analysis is dropped, for the reader to
// analyse it again, per target (gorepro report does).
func TestLoadDropsVersion1Analysis(t *testing.T) {
	dir := t.TempDir()
	old := `{"schemaVersion": 1, "id": "old", "cells": [
  {"id": "a", "toolchain": "local", "goVersion": "go1.26.8", "protobuf": "v1.36.10", "target": "repro", "targetKind": "repro", "cover": false, "binaryArch": "amd64", "hostArch": "amd64", "outcome": "pass"}],
 "analysis": {"axes": [], "failing": "no simple description; target changes the outcome", "summary": "no simple description."}}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "results.json"), []byte(old), 0o644))
	run, _, err := Load(dir)
	require.NoError(t, err)
	assert.Equal(t, 1, run.SchemaVersion)
	assert.Nil(t, run.Analysis)
	require.Len(t, run.Cells, 1)
}

// TestStoredReportsHoldHTML checks that every run directory gets the HTML
// report.
func TestStoredReportsHoldHTML(t *testing.T) {
	assert.Contains(t, ReportFiles(), HTMLFile)
}

// TestCommitTakesTheReportsOnly: Commit stores the reports the caller
// rendered, every one of them and nothing else, and refuses to commit
// without them.
func TestCommitTakesTheReportsOnly(t *testing.T) {
	store := Store{Root: t.TempDir()}
	w, err := store.Begin("20261127T113000Z-0002")
	require.NoError(t, err)
	var reports []File
	for _, name := range ReportFiles() {
		reports = append(reports, File{Name: name, Data: []byte("rendered " + name)})
	}
	_, err = w.Commit(reports[1:])
	assert.ErrorContains(t, err, "no "+JSONFile+" given")
	_, err = w.Commit(append(slices.Clone(reports), File{Name: "extra.txt"}))
	assert.ErrorContains(t, err, "extra.txt is not a report of a run")
	dir, err := w.Commit(reports)
	require.NoError(t, err)
	for _, f := range reports {
		data, err := os.ReadFile(filepath.Join(dir, f.Name))
		require.NoError(t, err)
		assert.Equal(t, f.Data, data, "stored as given")
	}
}

// TestSyncTreeSyncsEverything: Commit's one sync of the run reaches every
// file and directory under it, and reports each failure.
func TestSyncTreeSyncsEverything(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"results.json", "cells/a/build.log", "cells/a/sources/go.mod", "cells/b/run-1.log"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(f), 0o644))
	}
	var mu sync.Mutex
	var synced []string
	record := func(p string) error {
		rel, err := filepath.Rel(dir, p)
		if !assert.NoError(t, err) { // syncTree's goroutines: no FailNow
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		synced = append(synced, filepath.ToSlash(rel))
		if strings.HasSuffix(p, "run-1.log") {
			return errors.New("disk full")
		}
		return nil
	}
	err := syncTree(dir, record)
	require.ErrorContains(t, err, "disk full")
	assert.ElementsMatch(t, []string{".", "results.json", "cells", "cells/a", "cells/a/build.log", "cells/a/sources", "cells/a/sources/go.mod", "cells/b", "cells/b/run-1.log"}, synced)
	require.NoError(t, syncTree(dir, syncPath), "the real sync")
}
