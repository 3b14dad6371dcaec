package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/matrix"
	"github.com/gorepro/gorepro/internal/record"
)

// TestSharedCacheStress runs 4 real gorepro processes × 3 rounds with
// --rebuild (every cell relinked and run again) on two overlapping matrices
// that share one cache and work directory: every cell of every run has
// the outcome and signature its program really has, none is unavailable
// or a build error because another process was relinking its binary, and
// every entry of the shared cache is complete and readable (see
// checkCacheEntries).
func TestSharedCacheStress(t *testing.T) {
	f := newInterruptFixture(t, `{"name": "local", "kind": "local"}`)
	writeFiles(t, filepath.Join(f.dir, "app"), map[string]string{
		"cmd/crasher/main.go": "package main\n\nfunc main() { var m map[string]int; m[\"x\"]++ }\n",
	})
	matrices := map[string]string{
		"a.json": `{"toolchains": [{"name": "local", "kind": "local"}], "protobuf": ["v1.36.10"], "cover": [false],
  "targets": [{"name": "quick", "kind": "package", "dir": "app", "package": "./cmd/quick"},
              {"name": "crasher", "kind": "package", "dir": "app", "package": "./cmd/crasher"}]}`,
		"b.json": `{"toolchains": [{"name": "local", "kind": "local"}], "protobuf": ["v1.36.10"], "cover": [false, true],
  "targets": [{"name": "crasher", "kind": "package", "dir": "app", "package": "./cmd/crasher"}]}`,
	}
	writeFiles(t, f.dir, matrices)
	want := map[string]string{
		"local_v1.36.10_nocover_quick_amd64":   "pass ",
		"local_v1.36.10_nocover_crasher_amd64": "crash panic: assignment to entry in nil map in main.main",
		"local_v1.36.10_cover_crasher_amd64":   "crash panic: assignment to entry in nil map in main.main",
	}
	var wg sync.WaitGroup
	var keysMu sync.Mutex
	keys := map[string]string{} // cache key -> cell ID, of every cell run
	for p := range 4 {
		config := []string{"a.json", "b.json"}[p%2]
		wg.Go(func() {
			for round := range 3 {
				cmd := exec.Command(f.bin, "matrix", "--config", config, "--rebuild", "-j", "2", "--json", "-q",
					"--fail-on", "none", "--out", fmt.Sprintf("out-%d", p))
				cmd.Dir = f.dir
				cmd.Env = append(os.Environ(), "GOREPRO_CACHE="+f.cache)
				var errOut bytes.Buffer
				cmd.Stderr = &errOut
				out, err := cmd.Output()
				if !assert.NoError(t, err, "process %d round %d: %s", p, round, errOut.String()) {
					return
				}
				var run record.Run
				if !assert.NoError(t, json.Unmarshal(out, &run)) {
					return
				}
				for _, c := range run.Cells {
					keysMu.Lock()
					keys[c.CacheKey] = c.ID
					keysMu.Unlock()
					got := string(c.Outcome) + " " + c.Signature
					key := c.ID
					if w, ok := want[trimArch(key)]; ok {
						assert.Equal(t, w, got, "process %d round %d cell %s: %s", p, round, c.ID, c.Reason)
					} else {
						t.Errorf("unexpected cell %s", c.ID)
					}
				}
			}
		})
	}
	wg.Wait()
	checkCacheEntries(t, filepath.Join(f.cache, "cells"), keys, want)
}

// checkCacheEntries checks the cell cache under dir after concurrent
// runs: no half-written entry is left (a temporary or replaced entry
// directory), every entry reads back whole (its cell and every log it
// lists) with the outcome and signature its program has and its run logs,
// every cell key the runs recorded (keys, to the cell's ID) has one, and
// there is no other.
func checkCacheEntries(t *testing.T, dir string, keys, want map[string]string) {
	t.Helper()
	cache := matrix.Cache{Dir: dir}
	shards, err := os.ReadDir(dir)
	require.NoError(t, err)
	entries := 0
	for _, shard := range shards {
		if len(shard.Name()) != 2 {
			continue // locks, goroot-manifests: not cells
		}
		names, err := os.ReadDir(filepath.Join(dir, shard.Name()))
		require.NoError(t, err)
		for _, e := range names {
			key := e.Name()
			if !assert.False(t, strings.HasPrefix(key, ".tmp-"), "half-written cache entry %s/%s", shard.Name(), key) {
				continue
			}
			entries++
			cell, logs, ok, problem := cache.Lookup(key)
			if !assert.True(t, ok, "cache entry %s: %s", key, problem) {
				continue
			}
			assert.Equal(t, key, cell.CacheKey, "the entry of key %s holds another cell", key)
			assert.Equal(t, want[trimArch(cell.ID)], string(cell.Outcome)+" "+cell.Signature, "cache entry %s (%s)", key, cell.ID)
			assert.NotEmpty(t, logs["build.log"], "cache entry %s (%s) has its build log", key, cell.ID)
			for i := range cell.Runs {
				assert.NotEmpty(t, logs[fmt.Sprintf("run-%d.log", i+1)], "cache entry %s (%s) has the log of run %d", key, cell.ID, i+1)
			}
		}
	}
	for key, id := range keys {
		_, _, ok := cache.Get(key)
		assert.True(t, ok, "cell %s of key %s is in the cache", id, key)
	}
	assert.Equal(t, len(keys), entries, "one cache entry per cell key")
}

// trimArch maps a cell ID to the form of the want table: its arch always
// as amd64, so that the test reads the same on other hosts.
func trimArch(id string) string {
	i := len(id) - 1
	for i >= 0 && id[i] != '_' {
		i--
	}
	return id[:i] + "_amd64"
}
