package runstore

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var mergeT0 = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

// shardInput is a constructed run of arch, shard k of n (k = 0: a full
// run), holding cells with the given IDs, started minutes after mergeT0.
func shardInput(source, arch string, k, n, total int, minutes int, ids ...string) MergeInput {
	r := &record.Run{
		SchemaVersion:  record.SchemaVersion,
		ID:             "run-" + source,
		GoreproVersion: "v1.0.0",
		Started:        mergeT0.Add(time.Duration(minutes) * time.Minute),
		Finished:       mergeT0.Add(time.Duration(minutes+10) * time.Minute),
		Config:         "toolchains.json",
		ConfigSHA256:   "c0nf19",
		MatrixSHA256:   "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Host:           record.Host{GOOS: "linux", GOARCH: arch, Hostname: "runner-" + source, NumCPU: 4},
		Toolchains:     []record.Toolchain{{Name: "local", Kind: "local", GoVersion: "go1.26.8", HostArch: arch, Available: true}},
	}
	if k > 0 {
		r.Shard = &record.Shard{Index: k, Count: n, Assigned: len(ids), Total: total}
	}
	for _, id := range ids {
		outcome := record.Pass
		if id == "c3" {
			outcome = record.Crash
		}
		r.Cells = append(r.Cells, record.Cell{ID: id + "_" + arch, Toolchain: "local", Target: id, HostArch: arch, BinaryArch: arch, Outcome: outcome})
	}
	return MergeInput{Source: source, Run: r, Dir: filepath.Join("/nonexistent", source)}
}

// nightly is a sharded matrix of 5 cells, 3 shards, on amd64 and arm64.
func nightly() []MergeInput {
	return []MergeInput{
		shardInput("amd64-1", "amd64", 1, 3, 5, 0, "c1", "c2"),
		shardInput("amd64-2", "amd64", 2, 3, 5, 1, "c3", "c4"),
		shardInput("amd64-3", "amd64", 3, 3, 5, 2, "c5"),
		shardInput("arm64-1", "arm64", 1, 3, 5, -5, "c1", "c2"),
		shardInput("arm64-2", "arm64", 2, 3, 5, 3, "c3", "c4"),
		shardInput("arm64-3", "arm64", 3, 3, 5, 30, "c5"),
	}
}

func TestMerge(t *testing.T) {
	inputs := nightly()
	run, err := Merge(inputs)
	require.NoError(t, err)

	var ids []string
	for _, c := range run.Cells {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []string{"c1_amd64", "c2_amd64", "c3_amd64", "c4_amd64", "c5_amd64", "c1_arm64", "c2_arm64", "c3_arm64", "c4_arm64", "c5_arm64"}, ids,
		"input order, then each input's order")
	assert.Empty(t, run.ID, "Commit gives the ID")
	assert.Equal(t, record.SchemaVersion, run.SchemaVersion)
	assert.Nil(t, run.Shard)
	assert.False(t, run.Interrupted)
	assert.Equal(t, mergeT0.Add(-5*time.Minute), run.Started, "earliest start")
	assert.Equal(t, mergeT0.Add(40*time.Minute), run.Finished, "latest finish")
	assert.Equal(t, inputs[0].Run.Host, run.Host)
	assert.Equal(t, inputs[0].Run.MatrixSHA256, run.MatrixSHA256)
	assert.Equal(t, "c0nf19", run.ConfigSHA256)

	require.Len(t, run.Runners, 6)
	for i, r := range run.Runners {
		in := inputs[i].Run
		assert.Equal(t, record.Runner{RunID: in.ID, Source: inputs[i].Source, Host: in.Host, Started: in.Started, Finished: in.Finished,
			Shard: in.Shard, Cells: len(in.Cells), GoreproVersion: "v1.0.0"}, r)
	}
	require.Len(t, run.Toolchains, 2, "one local toolchain per runner arch")
	assert.Equal(t, "amd64", run.Toolchains[0].HostArch)
	assert.Equal(t, "arm64", run.Toolchains[1].HostArch)

	assert.Nil(t, run.Analysis, "analysing the merged cells is the caller's")

	// Full runs are complete on their own, also next to another arch's shards.
	full := shardInput("full-arm64", "arm64", 0, 0, 0, 0, "c1", "c2", "c3", "c4", "c5")
	run, err = Merge(append(nightly()[:3], full))
	require.NoError(t, err)
	assert.Len(t, run.Cells, 10)

	// An empty shard (more shards than cells) is a valid part.
	run, err = Merge([]MergeInput{
		shardInput("s1", "amd64", 1, 3, 2, 0, "c1"),
		shardInput("s2", "amd64", 2, 3, 2, 0),
		shardInput("s3", "amd64", 3, 3, 2, 0, "c2"),
	})
	require.NoError(t, err)
	assert.Len(t, run.Cells, 2)
}

func TestMergeInterrupted(t *testing.T) {
	inputs := nightly()
	inputs[4].Run.Interrupted = true
	inputs[4].Run.Cells[1].Interrupted = true
	inputs[4].Run.Cells[1].Outcome = record.Unavailable
	run, err := Merge(inputs)
	require.NoError(t, err)
	assert.True(t, run.Interrupted)
	assert.True(t, run.Runners[4].Interrupted)
	assert.False(t, run.Runners[3].Interrupted)
	assert.Len(t, run.Cells, 10)
}

func TestMergeRefusals(t *testing.T) {
	tests := []struct {
		name   string
		inputs func() []MergeInput
		want   []string
	}{
		{"none", func() []MergeInput { return nil }, []string{"no runs given"}},
		{"schema", func() []MergeInput {
			in := nightly()
			in[2].Run.SchemaVersion = 0
			return in
		}, []string{"different schema versions (schemaVersion 2: amd64-1, amd64-2, arm64-1, arm64-2, arm64-3; schemaVersion 0: amd64-3)"}},
		{"matrix", func() []MergeInput {
			in := nightly()
			in[5].Run.MatrixSHA256 = "0123456789abcdef"
			return in
		}, []string{"runs of different matrices", "matrix 9f86d081884c: amd64-1, amd64-2, amd64-3, arm64-1, arm64-2; matrix 0123456789ab: arm64-3", "same flags"}},
		{"config without matrix hash", func() []MergeInput {
			in := nightly()
			in[1].Run.MatrixSHA256 = ""
			in[1].Run.ConfigSHA256 = "other"
			return in
		}, []string{"runs of different configs", "config c0nf19: amd64-1, amd64-3, arm64-1, arm64-2, arm64-3; config other: amd64-2"}},
		{"shard counts", func() []MergeInput {
			in := nightly()[:3]
			return append(in, shardInput("arm64-1of2", "arm64", 1, 2, 5, 0, "c1", "c2", "c3"), shardInput("arm64-2of2", "arm64", 2, 2, 5, 0, "c4", "c5"))
		}, []string{"different shard counts (of 3 shards: amd64-1, amd64-2, amd64-3; of 2 shards: arm64-1of2, arm64-2of2)"}},
		{"missing shard", func() []MergeInput {
			in := nightly()
			return append(in[:1], in[2:]...)
		}, []string{"runner arch amd64: shard 2/3 missing (given: amd64-1 (1/3), amd64-3 (3/3))"}},
		{"missing shards", func() []MergeInput { return nightly()[:1] }, []string{"runner arch amd64: shards 2/3, 3/3 missing"}},
		{"duplicate shard", func() []MergeInput {
			in := nightly()[:3]
			return append(in, in[0])
		}, []string{"runner arch amd64: shard 1/3 is given 2 times (amd64-1, amd64-1)"}},
		{"full run twice", func() []MergeInput {
			full := shardInput("full", "amd64", 0, 0, 0, 0, "c1")
			return []MergeInput{full, full}
		}, []string{"runner arch amd64: the full run is given 2 times (full, full)"}},
		{"full and shards", func() []MergeInput {
			return append(nightly()[:3], shardInput("full", "amd64", 0, 0, 0, 0, "c9"))
		}, []string{"runner arch amd64: both a full run (full) and shards of 3 are given"}},
		{"missing cells", func() []MergeInput {
			in := nightly()
			in[1].Run.Cells = in[1].Run.Cells[:1]
			return in
		}, []string{"amd64-2: shard 2/3 was assigned 2 of 5 cells but holds 1 (missing cells"}},
		{"duplicate cells", func() []MergeInput {
			return []MergeInput{shardInput("a", "amd64", 0, 0, 0, 0, "c1", "c2"), shardInput("b", "arm64", 0, 0, 0, 0, "c3")}
		}, nil}, // not a refusal: the control for the next case
		{"duplicate cells", func() []MergeInput {
			a := shardInput("a", "amd64", 0, 0, 0, 0, "c1", "c2")
			b := shardInput("b", "arm64", 0, 0, 0, 0, "c2")
			b.Run.Cells[0].ID = "c2_amd64" // an explicit arch: the same cell on both runners
			return []MergeInput{a, b}
		}, []string{"duplicate cells: c2_amd64 (in a and b); each cell must come from exactly one input"}},
		{"bisection", func() []MergeInput {
			in := nightly()
			in[0].Run.Bisect = &record.Bisect{}
			return in
		}, []string{"amd64-1 is a bisection"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run, err := Merge(tt.inputs())
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			assert.Nil(t, run)
			var merr *MergeError
			require.True(t, errors.As(err, &merr), "a *MergeError: %v", err)
			for _, want := range tt.want {
				assert.Contains(t, err.Error(), want)
			}
			assert.Regexp(t, `^cannot merge: `, err.Error())
		})
	}

	// Many duplicates are listed briefly.
	ids := []string{"a", "b", "c", "d", "e", "f", "g"}
	_, err := Merge([]MergeInput{shardInput("x", "amd64", 0, 0, 0, 0, ids...), shardInput("y", "arm64", 0, 0, 0, 0, ids...)})
	require.NoError(t, err, "different archs: different cells")
	y := shardInput("y", "amd64", 0, 0, 0, 0, ids...)
	y.Run.Host.GOARCH = "arm64"
	_, err = Merge([]MergeInput{shardInput("x", "amd64", 0, 0, 0, 0, ids...), y})
	assert.ErrorContains(t, err, "e_amd64 (in x and y) and 2 more;")
}

// TestCopyMerged splits the recorded run into two shards of one runner and
// merges them back: the same cells, and every cell's files copied.
func TestCopyMerged(t *testing.T) {
	recorded, dir := runfixture.Recorded(t, "recorded")
	half := len(recorded.Cells) / 2
	part := func(k int, cells []record.Cell) MergeInput {
		r := *recorded
		r.ID = recorded.ID + "-" + string(rune('0'+k))
		r.Cells = cells
		r.Shard = &record.Shard{Index: k, Count: 2, Assigned: len(cells), Total: len(recorded.Cells)}
		return MergeInput{Source: "shard" + string(rune('0'+k)), Run: &r, Dir: dir}
	}
	inputs := []MergeInput{part(1, recorded.Cells[:half]), part(2, recorded.Cells[half:])}
	run, err := Merge(inputs)
	require.NoError(t, err)

	store := Store{Root: t.TempDir()}
	out, err := writeMerged(store, "merged-1", run, inputs)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(store.Root, "merged-1"), out)

	merged, mergedDir, err := Load(store.Root) // through latest
	require.NoError(t, err)
	assert.Equal(t, out, mergedDir)
	assert.Equal(t, "merged-1", merged.ID)
	require.Len(t, merged.Runners, 2)
	assert.Equal(t, recorded.Cells, merged.Cells)
	for _, name := range []string{JSONFile, MarkdownFile, JUnitFile} {
		assert.FileExists(t, filepath.Join(out, name))
	}
	files := 0
	for _, c := range merged.Cells {
		paths := append([]string{c.Logs.Build}, c.Logs.Runs...)
		for _, p := range paths {
			if p == "" {
				continue
			}
			want, err := os.ReadFile(filepath.Join(dir, p))
			require.NoError(t, err)
			got, err := os.ReadFile(filepath.Join(out, p))
			require.NoError(t, err, "cell %s", c.ID)
			assert.Equal(t, want, got)
			files++
		}
		if c.Reproduce.Sources != "" {
			assert.DirExists(t, filepath.Join(out, c.Reproduce.Sources))
			want, _ := os.ReadDir(filepath.Join(dir, c.Reproduce.Sources))
			got, _ := os.ReadDir(filepath.Join(out, c.Reproduce.Sources))
			assert.Equal(t, len(want), len(got), "cell %s sources", c.ID)
		}
	}
	assert.Greater(t, files, 50, "the recorded run has logs")

	// A failed copy leaves nothing behind: no run, no incomplete run.
	broken := t.TempDir()
	cell := recorded.Cells[0]
	require.NoError(t, os.MkdirAll(filepath.Join(broken, CellsDir, cell.ID), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(broken, CellsDir, cell.ID, "bad..name"), []byte("x"), 0o644))
	in := part(1, []record.Cell{cell})
	in.Run.Shard = nil
	in.Dir = broken
	bad := Store{Root: t.TempDir()}
	_, err = writeMerged(bad, "merged-2", run, []MergeInput{in})
	assert.ErrorContains(t, err, "merging shard1: copying files of cell "+cell.ID)
	entries, err := os.ReadDir(bad.Root)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

// TestMergeMatrixOrder puts each runner architecture's cells back in the
// order of the unsharded matrix, whatever the order of the inputs.
func TestMergeMatrixOrder(t *testing.T) {
	inputs := nightly()
	positions := map[string][]int{"1": {0, 2}, "2": {1, 4}, "3": {3}}
	for _, in := range inputs {
		in.Run.Shard.Positions = positions[in.Source[len(in.Source)-1:]]
	}
	// arm64 first this time, shards in any order.
	order := []MergeInput{inputs[5], inputs[3], inputs[2], inputs[4], inputs[0], inputs[1]}
	run, err := Merge(order)
	require.NoError(t, err)
	var ids []string
	for _, c := range run.Cells {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []string{"c1_arm64", "c3_arm64", "c2_arm64", "c5_arm64", "c4_arm64", "c1_amd64", "c3_amd64", "c2_amd64", "c5_amd64", "c4_amd64"}, ids)
	assert.Equal(t, "arm64-3", run.Runners[0].Source, "runners stay in input order")

	// A shard without positions: input order for its architecture.
	order[2].Run.Shard.Positions = nil
	run, err = Merge(order)
	require.NoError(t, err)
	ids = ids[:0]
	for _, c := range run.Cells {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []string{"c1_arm64", "c3_arm64", "c2_arm64", "c5_arm64", "c4_arm64", "c5_amd64", "c1_amd64", "c2_amd64", "c3_amd64", "c4_amd64"}, ids)
}
