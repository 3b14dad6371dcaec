package runstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
)

// secret is a file outside every run directory that a crafted run tries
// to have a report quote.
const secret = "TOP-SECRET-do-not-quote"

// hostileRun writes a run directory whose crashing cell's logs point out
// of it: a path with "..", an absolute path, and a log that is a symbolic
// link to a file outside.
func hostileRun(t *testing.T) (dir, secretFile string) {
	t.Helper()
	base := t.TempDir()
	secretFile = filepath.Join(base, "secret.txt")
	require.NoError(t, os.WriteFile(secretFile, []byte("panic: "+secret+"\n"), 0o644))
	dir = filepath.Join(base, "runs", "20260101T000000Z-dead")
	cellDir := filepath.Join(dir, CellsDir, "evil")
	require.NoError(t, os.MkdirAll(cellDir, 0o755))
	require.NoError(t, os.Symlink(secretFile, filepath.Join(cellDir, "run-3.log")))
	run := record.Run{SchemaVersion: record.SchemaVersion, ID: "20260101T000000Z-dead", Cells: []record.Cell{{
		ID: "evil", Toolchain: "local", Target: "app", Outcome: record.Crash, Signature: "panic: boom", Runs: 3, Crashes: 3,
		Logs: record.Logs{Build: "../../secret.txt", Runs: []string{secretFile, "cells/evil/../../../secret.txt", "cells/evil/run-3.log"}},
		RunResults: []record.RunResult{
			{Index: 1, Outcome: record.Crash, Log: secretFile},
			{Index: 2, Outcome: record.Crash, Log: "../../secret.txt"},
			{Index: 3, Outcome: record.Crash, Log: "cells/evil/run-3.log"},
		},
	}}}
	data, err := json.Marshal(run)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, JSONFile), data, 0o644))
	return dir, secretFile
}

// TestReportsNeverQuoteOutsideTheRun: every report format of a crafted run
// leaves out the logs that point out of the run directory, and quotes
// nothing of the file they point at.
func TestReportsNeverQuoteOutsideTheRun(t *testing.T) {
	dir, _ := hostileRun(t)
	run, runDir, err := Load(dir)
	require.NoError(t, err)
	for _, format := range report.Formats() {
		render, ok := report.RendererFor(format)
		require.True(t, ok)
		var out bytes.Buffer
		require.NoError(t, render(&out, run, RunFS(runDir)), format)
		assert.NotContains(t, out.String(), secret, "the %s report quotes a file outside the run", format)
	}
}

// TestMergeRefusesToWriteOutsideOut: a crafted cell id that climbs out of
// the run directory is refused, and nothing is written next to --out.
func TestMergeRefusesToWriteOutsideOut(t *testing.T) {
	dir, _ := hostileRun(t)
	run, runDir, err := Load(dir)
	require.NoError(t, err)
	run.Cells[0].ID = "../../escaped"
	out := filepath.Join(t.TempDir(), "merged")
	_, err = writeMerged(Store{Root: out}, "20260101T000001Z-beef", run, []MergeInput{{Source: dir, Dir: runDir, Run: run}})
	require.ErrorContains(t, err, "invalid cell id")
	assert.NoFileExists(t, filepath.Join(filepath.Dir(out), "escaped"))
	entries, _ := os.ReadDir(out)
	assert.Empty(t, entries, "no partial run is left in --out")
}

// TestLoadRefusesHugeRuns: a results.json with more cells than gorepro
// reads is refused with an error naming the field, not loaded.
func TestLoadRefusesHugeRuns(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(`{"schemaVersion": 2, "id": "x", "cells": [`)
	for i := range record.MaxCells + 1 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{}`)
	}
	b.WriteString("]}")
	require.NoError(t, os.WriteFile(filepath.Join(dir, JSONFile), []byte(b.String()), 0o644))
	_, _, err := Load(dir)
	require.ErrorContains(t, err, fmt.Sprintf("cells: %d cells, more than the %d gorepro reads", record.MaxCells+1, record.MaxCells))
}

// FuzzLoadRun loads any results.json and renders every report of it: no
// input may panic, and no report may quote the file outside the run.
func FuzzLoadRun(f *testing.F) {
	f.Add([]byte(`{"schemaVersion": 2, "id": "x", "cells": [{"id": "c", "outcome": "crash", "logs": {"runs": ["../secret.txt"]}, "runResults": [{"index": 1, "outcome": "crash", "log": "/etc/passwd"}]}]}`))
	f.Add([]byte(`{"schemaVersion": 2, "cells": [{"id": "c", "outcome": "pass", "bisect": null}], "explain": {"explanations": [{"cells": ["c"], "evidence": [{}]}]}}`))
	f.Add([]byte(`{"schemaVersion": 1, "cells": []}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, JSONFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		run, runDir, err := Load(dir)
		if err != nil {
			return
		}
		for _, format := range report.Formats() {
			render, _ := report.RendererFor(format)
			var out bytes.Buffer
			_ = render(&out, run, RunFS(runDir))
			if bytes.Contains(out.Bytes(), []byte("root:x:0:0")) {
				t.Fatalf("the %s report quotes /etc/passwd", format)
			}
		}
	})
}

// TestBeginRemovesAbandonedRuns: an incomplete run whose writer died (its
// lock is free: a gorepro killed by SIGKILL) is removed by the next Begin;
// one still being written (its lock held) and finished runs are not.
func TestBeginRemovesAbandonedRuns(t *testing.T) {
	root := t.TempDir()
	store := Store{Root: root}
	live, err := store.Begin("20260101T000000Z-aaaa")
	require.NoError(t, err)
	committed, err := store.Begin("20260101T000001Z-bbbb")
	require.NoError(t, err)
	_, err = commit(committed, &record.Run{})
	require.NoError(t, err)
	// What a killed gorepro leaves: the directory and a lock no one holds.
	dead := filepath.Join(root, incompletePrefix+"20260101T000002Z-cccc")
	require.NoError(t, os.MkdirAll(filepath.Join(dead, CellsDir, "c"), 0o755))
	require.NoError(t, os.WriteFile(dead+lockSuffix, nil, 0o644))

	next, err := store.Begin("20260101T000003Z-dddd")
	require.NoError(t, err)
	assert.NoDirExists(t, dead, "the abandoned run is removed")
	assert.NoFileExists(t, dead+lockSuffix)
	assert.DirExists(t, live.Dir(), "a run being written is left alone")
	assert.DirExists(t, filepath.Join(root, "20260101T000001Z-bbbb"))
	require.NoError(t, live.Abort())
	require.NoError(t, next.Abort())
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"20260101T000001Z-bbbb", LatestLink}, names, "aborted runs leave nothing, not even their locks")
}
