package matrix

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// schedPlans makes the plans of a matrix in matrix order (toolchain ×
// protobuf × cover × target × arch), named toolchain/protobuf/cover/target/arch.
func schedPlans(toolchains, protobufs []string, covers []bool, targets, archs []string) []plan {
	var plans []plan
	for _, tc := range toolchains {
		resolved := &toolchain.Resolved{Name: tc}
		for _, pb := range protobufs {
			for _, cover := range covers {
				for _, target := range targets {
					for _, arch := range archs {
						c := "off"
						if cover {
							c = "on"
						}
						plans = append(plans, plan{index: len(plans), id: strings.Join([]string{tc, pb, c, target, arch}, "/"),
							tc: resolved, target: config.Target{Name: target}, protobuf: pb, cover: cover, goarch: arch})
					}
				}
			}
		}
	}
	return plans
}

func TestBuildAfter(t *testing.T) {
	off, both := []bool{false}, []bool{false, true}
	for _, tt := range []struct {
		name  string
		plans []plan
		want  map[string]string // cell -> the cell whose build it waits for ("" none)
	}{
		{
			name:  "cover on waits for cover off; the second protobuf for the first",
			plans: schedPlans([]string{"local"}, []string{"v1", "v2"}, both, []string{"app"}, []string{"amd64"}),
			want: map[string]string{
				"local/v1/off/app/amd64": "",
				"local/v1/on/app/amd64":  "local/v1/off/app/amd64",
				"local/v2/off/app/amd64": "local/v1/off/app/amd64",
				"local/v2/on/app/amd64":  "local/v2/off/app/amd64",
			},
		},
		{
			name:  "toolchains, targets and architectures share nothing",
			plans: schedPlans([]string{"a", "b"}, []string{"v1"}, off, []string{"app", "repro"}, []string{"amd64", "arm64"}),
			want: map[string]string{
				"a/v1/off/app/amd64": "", "a/v1/off/app/arm64": "", "a/v1/off/repro/amd64": "", "a/v1/off/repro/arm64": "",
				"b/v1/off/app/amd64": "", "b/v1/off/app/arm64": "", "b/v1/off/repro/amd64": "", "b/v1/off/repro/arm64": "",
			},
		},
		{
			name:  "every later protobuf waits for the root, not for each other",
			plans: schedPlans([]string{"local"}, []string{"v1", "v2", "v3"}, off, []string{"app"}, []string{"amd64"}),
			want: map[string]string{
				"local/v1/off/app/amd64": "",
				"local/v2/off/app/amd64": "local/v1/off/app/amd64",
				"local/v3/off/app/amd64": "local/v1/off/app/amd64",
			},
		},
		{
			name:  "a cover-only matrix starts with cover on when it is listed first",
			plans: schedPlans([]string{"local"}, []string{"v1"}, []bool{true, false}, []string{"app"}, []string{"amd64"}),
			want: map[string]string{
				"local/v1/on/app/amd64":  "",
				"local/v1/off/app/amd64": "local/v1/on/app/amd64",
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			after := buildAfter(tt.plans, nil)
			got := map[string]string{}
			for i, a := range after {
				got[tt.plans[i].id] = ""
				if a >= 0 {
					assert.Less(t, a, i, "a cell waits only for an earlier one")
					got[tt.plans[i].id] = tt.plans[a].id
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// fakeCells is a fake runner for runScheduled: every cell's build blocks
// until the test releases it; then the cell reports it built and ends. It
// records the order of starts and ends.
type fakeCells struct {
	t        *testing.T
	after    []int
	started  chan int
	release  []chan struct{}
	mu       sync.Mutex
	order    []string
	building int
	peak     int
	released []bool
}

func newFakeCells(t *testing.T, after []int) *fakeCells {
	f := &fakeCells{t: t, after: after, started: make(chan int, len(after)), released: make([]bool, len(after))}
	for range after {
		f.release = append(f.release, make(chan struct{}))
	}
	return f
}

func (f *fakeCells) do(i int, built func()) {
	f.mu.Lock()
	if a := f.after[i]; a >= 0 && !f.released[a] {
		f.t.Errorf("cell %d started before the build of cell %d it waits for was over", i, a)
	}
	f.order = append(f.order, fmt.Sprintf("start %d", i))
	f.building++
	f.peak = max(f.peak, f.building)
	f.mu.Unlock()
	f.started <- i
	<-f.release[i]
	f.mu.Lock()
	f.building--
	f.order = append(f.order, fmt.Sprintf("end %d", i))
	f.mu.Unlock()
	built()
}

// let ends cell i's build.
func (f *fakeCells) let(i int) {
	f.mu.Lock()
	f.released[i] = true
	f.mu.Unlock()
	close(f.release[i])
}

// expectStarts waits for the next n starts and returns them sorted.
func (f *fakeCells) expectStarts(n int) []int {
	var got []int
	for range n {
		got = append(got, <-f.started)
	}
	slices.Sort(got)
	return got
}

func TestRunScheduled(t *testing.T) {
	// 2 toolchains × 2 protobuf × cover off/on, -j2: the cells of
	// toolchain a are 0-3, of b 4-7, in the order v1/off v1/on v2/off v2/on.
	plans := schedPlans([]string{"a", "b"}, []string{"v1", "v2"}, []bool{false, true}, []string{"app"}, []string{"amd64"})
	after := buildAfter(plans, nil)
	require.Equal(t, []int{-1, 0, 0, 2, -1, 4, 4, 6}, after)
	f := newFakeCells(t, after)
	done := make(chan struct{})
	go func() {
		runScheduled(after, 2, f.do)
		close(done)
	}()

	// The two roots, which share nothing, build at once.
	assert.Equal(t, []int{0, 4}, f.expectStarts(2))
	// Each freed slot goes to the first cell free to start.
	for _, step := range []struct{ end, start int }{
		{0, 1}, // a's root built: a/v1/on and a/v2/off may start; a/v1/on is first
		{4, 2}, // b's root built too: a/v2/off comes before b's cells
		{1, 5}, // a/v2/on waits for a/v2/off: b/v1/on
		{2, 3}, // a/v2/off built: a/v2/on
		{5, 6}, // b/v2/off
	} {
		f.let(step.end)
		assert.Equal(t, []int{step.start}, f.expectStarts(1), "after cell %d ended", step.end)
	}
	f.let(3) // nothing is free to start: b/v2/on waits for b/v2/off
	f.let(6)
	assert.Equal(t, []int{7}, f.expectStarts(1))
	f.let(7)
	<-done
	assert.Equal(t, 2, f.peak, "-j2: two cells at once, never more")
	assert.Len(t, f.order, 16)
}

func TestRunScheduledOneJob(t *testing.T) {
	// -j1 keeps the matrix order, whatever waits for what.
	plans := schedPlans([]string{"a", "b"}, []string{"v1", "v2"}, []bool{false, true}, []string{"app"}, []string{"amd64"})
	var order []string
	runScheduled(buildAfter(plans, nil), 1, func(i int, built func()) {
		order = append(order, "start "+plans[i].id)
		built()
		order = append(order, "end "+plans[i].id)
	})
	var want []string
	for _, p := range plans {
		want = append(want, "start "+p.id, "end "+p.id)
	}
	assert.Equal(t, want, order)
}

func TestRunScheduledBuiltBeforeEnd(t *testing.T) {
	// A cell that waits for another starts when that one's build is over,
	// while its binary still runs (and holds its slot).
	after := []int{-1, 0}
	running := make(chan struct{})
	finish := make(chan struct{})
	var order []string
	var mu sync.Mutex
	record := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, s)
	}
	runScheduled(after, 2, func(i int, built func()) {
		record(fmt.Sprintf("build %d", i))
		built()
		if i == 0 {
			close(running)
			<-finish // cell 0's run ends only once cell 1 has started
			record("run 0 ends")
			return
		}
		<-running
		record("cell 1 started while cell 0 runs")
		close(finish)
	})
	assert.Equal(t, []string{"build 0", "build 1", "cell 1 started while cell 0 runs", "run 0 ends"}, order)
}

func TestRunScheduledNoCells(t *testing.T) {
	runScheduled(nil, 2, func(int, func()) { t.Fatal("no cell to run") })
}
