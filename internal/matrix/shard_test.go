package matrix

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runstore"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Shard
		err  string
	}{
		{in: "2/4", want: Shard{2, 4}},
		{in: "1/1", want: Shard{1, 1}},
		{in: " 3 / 3 ", want: Shard{3, 3}},
		{in: "7/100", want: Shard{7, 100}},
		{in: "", err: `invalid shard "": want k/n`},
		{in: "2", err: `invalid shard "2": want k/n`},
		{in: "a/b", err: "k and n must be whole numbers"},
		{in: "1/x", err: "k and n must be whole numbers"},
		{in: "1/0", err: "the shard count n must be at least 1"},
		{in: "0/0", err: "the shard count n must be at least 1"},
		{in: "1/-2", err: "the shard count n must be at least 1"},
		{in: "0/3", err: "k must be between 1 and 3"},
		{in: "4/3", err: "k must be between 1 and 3"},
		{in: "-1/3", err: "k must be between 1 and 3"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseShard(tc.in)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, fmt.Sprintf("%d/%d", tc.want.Index, tc.want.Count), got.String())
		})
	}
}

func TestShardKeyIsArchIndependent(t *testing.T) {
	assert.Equal(t, ShardKey("local", "v1.36.10", true, "repro", config.ArchNative), ShardKey("local", "v1.36.10", true, "repro", ""))
	assert.NotEqual(t, ShardKey("local", "v1.36.10", true, "repro", config.ArchNative), ShardKey("local", "v1.36.10", true, "repro", "amd64"),
		"native is not resolved: an amd64 and an arm64 runner key it alike")
	// The separator cannot be forged from names.
	assert.NotEqual(t, ShardKey("a", "b", false, "c", "d"), ShardKey("a\x00b", "", false, "c", "d"))
}

// keyList returns n distinct cell-like keys.
func keyList(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = ShardKey(fmt.Sprintf("tc%d", i%7), fmt.Sprintf("v1.%d.0", i/7), i%2 == 0, "repro", config.ArchNative)
	}
	return keys
}

func TestAssignShardsBalanceAndCoverage(t *testing.T) {
	for total := 0; total <= 150; total++ {
		keys := keyList(total)
		for n := 1; n <= 12; n++ {
			shards := AssignShards(keys, n)
			require.Len(t, shards, total)
			load := make([]int, n)
			for _, s := range shards {
				require.True(t, s >= 1 && s <= n, "total %d n %d: shard %d out of range", total, n, s)
				load[s-1]++
			}
			assert.LessOrEqual(t, slices.Max(load)-slices.Min(load), 1, "total %d n %d: loads %v", total, n, load)
			sum := 0
			for _, l := range load {
				sum += l
			}
			assert.Equal(t, total, sum)
		}
	}
}

func TestAssignShardsDeterministic(t *testing.T) {
	keys := keyList(97)
	first := AssignShards(keys, 5)
	assert.Equal(t, first, AssignShards(slices.Clone(keys), 5), "same keys, same shards")

	// The input order does not matter: shuffle the keys and compare by key.
	byKey := map[string]int{}
	for i, k := range keys {
		byKey[k] = first[i]
	}
	shuffled := slices.Clone(keys)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for i, s := range AssignShards(shuffled, 5) {
		assert.Equal(t, byKey[shuffled[i]], s, "key %q", shuffled[i])
	}

	// A pinned example, so that a change of the hashing (which would
	// re-split every CI matrix) cannot go unnoticed.
	pinned := AssignShards([]string{
		ShardKey("local", "v1.33.0", false, "repro", "native"),
		ShardKey("local", "v1.33.0", true, "repro", "native"),
		ShardKey("local", "v1.36.10", false, "repro", "native"),
		ShardKey("local", "v1.36.10", true, "repro", "native"),
		ShardKey("local", "", false, "env", "native"),
		ShardKey("local", "", true, "env", "native"),
	}, 3)
	assert.Equal(t, []int{2, 2, 1, 1, 3, 3}, pinned)

	assert.Equal(t, []int{1, 1}, AssignShards(keyList(2), 0), "n < 1 counts as 1")
}

// dealShards is the naive alternative: sort the keys and deal them out
// round-robin.
func dealShards(keys []string, n int) []int {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return keys[order[a]] < keys[order[b]] })
	shards := make([]int, len(keys))
	for j, i := range order {
		shards[i] = j%n + 1
	}
	return shards
}

// axes is a matrix shape, for the stability measurement.
type axes struct{ toolchains, protobuf, targets int }

func (a axes) keys() []string {
	var keys []string
	for tc := range a.toolchains {
		for pb := range a.protobuf {
			for _, cover := range []bool{false, true} {
				for tg := range a.targets {
					keys = append(keys, ShardKey(fmt.Sprintf("go1.%d", 20+tc), fmt.Sprintf("v1.%d.0", 30+pb), cover, fmt.Sprintf("target%d", tg), config.ArchNative))
				}
			}
		}
	}
	return keys
}

// moved counts the keys of before whose shard differs in after.
func moved(assign func([]string, int) []int, before, after []string, n int) int {
	now := map[string]int{}
	for i, s := range assign(after, n) {
		now[after[i]] = s
	}
	count := 0
	for i, s := range assign(before, n) {
		if now[before[i]] != s {
			count++
		}
	}
	return count
}

// TestAssignShardsStability grows configs of 1-6 toolchains × 1-4 protobuf
// versions × cover off,on × 1-4 targets (2 to 192 cells) by one toolchain,
// one protobuf version or one target, and counts the existing cells that
// change shard, against sorting the keys and dealing them round-robin.
//
// Measured (sha256-based, so the same on every machine), over all 288
// growths, moved cells as a share of the existing cells, and the worst
// single growth as moved cells per added cell:
//
//	n   AssignShards        sort-and-deal
//	2   2.8%   worst 0.50   16.7%   worst 2.00
//	3   4.3%   worst 1.00   35.1%   worst 2.67
//	4   6.1%   worst 1.00   30.5%   worst 3.00
//	8  12.0%   worst 1.75   39.8%   worst 3.50
//
// A balanced split cannot be free: when a new cell takes the last room of
// a shard, the cell it displaces moves to its next choice (and may
// displace another). The worst cases are tiny matrices (2 cells grown to 4
// over 8 shards). The bounds asserted are the measured values rounded up:
// per growth at most 2 moved per added cell, and the shares below.
func TestAssignShardsStability(t *testing.T) {
	bound := map[int]float64{2: 0.03, 3: 0.05, 4: 0.07, 8: 0.13}
	for _, n := range []int{2, 3, 4, 8} {
		var movedOurs, movedDeal, existing int
		worst, worstDeal := 0.0, 0.0 // moved per added cell
		for tcN := 1; tcN <= 6; tcN++ {
			for pbN := 1; pbN <= 4; pbN++ {
				for tgN := 1; tgN <= 4; tgN++ {
					base := axes{tcN, pbN, tgN}
					for _, grown := range []axes{{tcN + 1, pbN, tgN}, {tcN, pbN + 1, tgN}, {tcN, pbN, tgN + 1}} {
						before, after := base.keys(), grown.keys()
						m := moved(AssignShards, before, after, n)
						assert.LessOrEqual(t, m, 2*(len(after)-len(before)), "n=%d %v→%v", n, base, grown)
						md := moved(dealShards, before, after, n)
						worst = max(worst, float64(m)/float64(len(after)-len(before)))
						worstDeal = max(worstDeal, float64(md)/float64(len(after)-len(before)))
						movedOurs += m
						movedDeal += md
						existing += len(before)
					}
				}
			}
		}
		ours, deal := float64(movedOurs)/float64(existing), float64(movedDeal)/float64(existing)
		t.Logf("n=%d: %d existing cells; moved %.1f%% (sort-and-deal %.1f%%); worst growth moved %.2f per added cell (sort-and-deal %.2f)",
			n, existing, 100*ours, 100*deal, worst, worstDeal)
		assert.LessOrEqual(t, ours, bound[n], "n=%d", n)
		assert.Less(t, ours, deal/2, "n=%d: far fewer moves than sort-and-deal", n)
	}
}

func TestCellSpecsProtobufAxis(t *testing.T) {
	cfg := &config.Config{
		Toolchains: []config.Toolchain{{Name: "local", Kind: config.KindLocal}},
		Protobuf:   []string{"v1.33.0", "v1.36.10"},
		Cover:      []bool{false},
		Arch:       []string{config.ArchNative},
		// A target that ignores the protobuf axis before one that uses it:
		// the latter still gets every version.
		Targets: []config.Target{{Name: "env", Kind: config.TargetEnvProbe}, {Name: "repro", Kind: config.TargetRepro}},
	}
	var got []string
	for _, sp := range cellSpecs(cfg) {
		got = append(got, sp.target.Name+"@"+sp.protobuf)
	}
	assert.Equal(t, []string{"env@", "repro@v1.33.0", "repro@v1.36.10"}, got)
	assert.Equal(t, CellCount(cfg), len(got))
}

func TestShardSize(t *testing.T) {
	cfg := &config.Config{
		Toolchains: []config.Toolchain{{Name: "a", Kind: config.KindLocal}, {Name: "b", Kind: config.KindLocal}},
		Protobuf:   []string{"v1.33.0", "v1.36.10"},
		Cover:      []bool{false, true},
		Arch:       []string{config.ArchNative},
		Targets:    []config.Target{{Name: "repro", Kind: config.TargetRepro}},
	}
	sum := 0
	for k := 1; k <= 3; k++ {
		assigned, total := ShardSize(cfg, Shard{k, 3})
		assert.Equal(t, 8, total)
		assert.Contains(t, []int{2, 3}, assigned)
		sum += assigned
	}
	assert.Equal(t, 8, sum)
	assigned, total := ShardSize(cfg, Shard{10, 10})
	assert.Equal(t, 0, assigned, "more shards than cells: some are empty")
	assert.Equal(t, 8, total)
}

func TestRunnerShards(t *testing.T) {
	h := newHarness(t)
	h.cfg.Toolchains = []config.Toolchain{{Name: "tca", Kind: config.KindLocal}, {Name: "tcb", Kind: config.KindLocal}}
	h.cfg.Protobuf = []string{"v1.36.10", "v1.34.2"}
	h.cfg.Cover = []bool{false, true}
	h.addPackageTarget("app")
	h.cfg.Targets = append(h.cfg.Targets, config.Target{Name: "env", Kind: config.TargetEnvProbe})

	full, _ := h.run(context.Background(), nil)
	// Per toolchain: repro and app over protobuf × cover, and one probe
	// cell (the probe takes neither axis).
	require.Len(t, full.Cells, 2*(2*2*2+1))
	assert.Nil(t, full.Shard)
	assert.Equal(t, h.cfg.MatrixHash(), full.MatrixSHA256)

	const n = 3
	seen := map[string]int{}
	for k := 1; k <= n; k++ {
		run, _ := h.run(context.Background(), func(e *Runner) { e.Shard = &Shard{Index: k, Count: n} })
		require.NotNil(t, run.Shard)
		var positions []int
		for _, c := range run.Cells {
			positions = append(positions, slices.Index(cellIDs(full), c.ID))
		}
		assert.Equal(t, record.Shard{Index: k, Count: n, Assigned: len(run.Cells), Total: len(full.Cells), Positions: positions}, *run.Shard)
		assert.Equal(t, full.MatrixSHA256, run.MatrixSHA256, "--shard is not part of the matrix")
		assert.True(t, slices.IsSortedFunc(run.Cells, func(a, b record.Cell) int {
			return slices.Index(cellIDs(full), a.ID) - slices.Index(cellIDs(full), b.ID)
		}), "a shard keeps the matrix's order")
		for _, c := range run.Cells {
			seen[c.ID]++
			assert.Equal(t, record.Pass, c.Outcome)
			assert.True(t, strings.HasPrefix(c.Logs.Build, "cells/"+c.ID+"/"), "cell IDs are those of the unsharded run")
		}
		var tcNames []string
		for _, tc := range run.Toolchains {
			tcNames = append(tcNames, tc.Name)
		}
		for _, c := range run.Cells {
			assert.Contains(t, tcNames, c.Toolchain)
		}
	}
	assert.Len(t, seen, len(full.Cells))
	for _, id := range cellIDs(full) {
		assert.Equal(t, 1, seen[id], "cell %s in exactly one shard", id)
	}

	// More shards than cells: an empty shard is a valid run.
	h.cfg.Toolchains = h.cfg.Toolchains[:1]
	h.cfg.Protobuf = h.cfg.Protobuf[:1]
	h.cfg.Cover = h.cfg.Cover[:1]
	h.cfg.Targets = h.cfg.Targets[:1]
	empty := 0
	for k := 1; k <= 3; k++ {
		run, dir := h.run(context.Background(), func(e *Runner) { e.Shard = &Shard{Index: k, Count: 3} })
		if len(run.Cells) == 0 {
			empty++
			assert.Empty(t, run.Toolchains, "no cell, no toolchain resolved")
			assert.Equal(t, record.Shard{Index: k, Count: 3, Assigned: 0, Total: 1}, *run.Shard)
			loaded, _, err := runstore.Load(dir)
			require.NoError(t, err)
			assert.Empty(t, loaded.Cells)
		}
	}
	assert.Equal(t, 2, empty)

	e := h.runner()
	e.Shard = &Shard{Index: 4, Count: 3}
	_, err := e.Run(context.Background(), "bad-shard", nil)
	assert.ErrorContains(t, err, "1 ≤ k ≤ n")
}

// TestCellSpecsProbeTakesNoCover checks that the probe, gorepro's
// instrument, is never built with -cover: one cell per toolchain and arch,
// without it, even when the cover axis holds only "on".
func TestCellSpecsProbeTakesNoCover(t *testing.T) {
	for _, covers := range [][]bool{{false, true}, {true}} {
		cfg := &config.Config{
			Toolchains: []config.Toolchain{{Name: "a", Kind: config.KindLocal}, {Name: "b", Kind: config.KindLocal}},
			Protobuf:   []string{"v1.33.0", "v1.36.10"},
			Cover:      covers,
			Arch:       []string{config.ArchNative, "arm64"},
			Targets:    []config.Target{{Name: "env", Kind: config.TargetEnvProbe}, {Name: "repro", Kind: config.TargetRepro}},
		}
		probes, repros := 0, 0
		for _, sp := range cellSpecs(cfg) {
			switch sp.target.Name {
			case "env":
				probes++
				assert.False(t, sp.cover, "the probe is built without -cover (cover axis %v)", covers)
			case "repro":
				repros++
			}
		}
		assert.Equal(t, 2*2, probes, "one probe cell per toolchain × arch (cover axis %v)", covers)
		assert.Equal(t, 2*2*len(covers)*2, repros, "the reproducer takes every axis (cover axis %v)", covers)
		assert.Equal(t, probes+repros, CellCount(cfg))
	}
}

// TestCollapseNativeDuplicates runs "arch": ["native", <host arch>], which
// names every cell twice on this host: each runs once, under native, the
// run says so in one line, and shards of the matrix make the same choice,
// so that their merge is the unsharded run.
func TestCollapseNativeDuplicates(t *testing.T) {
	h := newHarness(t)
	h.cfg.Toolchains = []config.Toolchain{{Name: "tca", Kind: config.KindLocal}, {Name: "tcb", Kind: config.KindLocal}}
	h.cfg.Protobuf = []string{"v1.36.10", "v1.34.2"}
	h.cfg.Cover = []bool{false, true}
	h.cfg.Targets = append(h.cfg.Targets, config.Target{Name: "env", Kind: config.TargetEnvProbe})
	h.cfg.Arch = []string{config.ArchNative, h.hostArch}
	h.identity = map[string]string{"tca": "a", "tcb": "b"}
	require.Equal(t, 2*2*(2*2+1), CellCount(h.cfg), "as configured, every cell is listed twice")

	full, dir := h.run(context.Background(), nil)
	require.Len(t, full.Cells, 2*(2*2+1), "each cell ran once")
	seen := map[string]bool{}
	for _, c := range full.Cells {
		assert.False(t, seen[c.ID], "cell %s twice", c.ID)
		seen[c.ID] = true
		assert.Equal(t, h.hostArch, c.BinaryArch)
	}
	builds, _ := h.calls()
	assert.Equal(t, len(full.Cells), builds)
	want := record.Collapse{Arch: h.hostArch, Into: config.ArchNative, GOARCH: h.hostArch, HostArch: h.hostArch, Cells: len(full.Cells)}
	assert.Equal(t, []record.Collapse{want}, full.Collapsed)
	assert.Equal(t, 1, strings.Count(h.progress.String(), "the same as arch "+h.hostArch), h.progress.String())
	assert.Contains(t, h.progress.String(), fmt.Sprintf("gorepro: arch native is %s on the %s host, the same as arch %s: the 10 cells listed under both ran once\n", h.hostArch, h.hostArch, h.hostArch))
	loaded, _, err := runstore.Load(dir)
	require.NoError(t, err)
	assert.Equal(t, full.Collapsed, loaded.Collapsed, "stored in results.json")

	// Shards: the union of their cells is the unsharded run's, and the
	// shards merge.
	const n = 3
	var inputs []runstore.MergeInput
	collapsed := 0
	for k := 1; k <= n; k++ {
		run, dir := h.run(context.Background(), func(e *Runner) { e.Shard = &Shard{Index: k, Count: n} })
		assert.Equal(t, len(run.Cells), run.Shard.Assigned, "a shard is assigned the cells it runs")
		assert.Equal(t, CellCount(h.cfg), run.Shard.Total)
		for _, c := range run.Collapsed {
			collapsed += c.Cells
		}
		inputs = append(inputs, runstore.MergeInput{Run: run, Dir: dir, Source: fmt.Sprintf("shard%d", k)})
	}
	assert.Equal(t, len(full.Cells), collapsed, "every duplicate was collapsed in some shard")
	merged, err := runstore.Merge(inputs)
	require.NoError(t, err)
	assert.Equal(t, cellIDs(full), cellIDs(merged), "the merged shards are the unsharded run, in its order")
	assert.Equal(t, []record.Collapse{want}, merged.Collapsed)

	// A foreign arch next to native is not a duplicate.
	h.cfg.Arch = []string{config.ArchNative, h.foreignArch()}
	other, _ := h.run(context.Background(), nil)
	assert.Len(t, other.Cells, CellCount(h.cfg))
	assert.Empty(t, other.Collapsed)
}
