package matrix

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/toolchain"
)

func TestNameCells(t *testing.T) {
	local, old := &toolchain.Resolved{Name: "local"}, &toolchain.Resolved{Name: "old"}
	repro, app := config.Target{Name: "repro"}, config.Target{Name: "app"}
	names := func(plans ...plan) []string {
		nameCells(plans)
		var out []string
		for _, p := range plans {
			out = append(out, p.name)
		}
		return out
	}
	tests := []struct {
		name  string
		plans []plan
		want  []string
	}{
		{"only the target varies", []plan{
			{tc: local, target: repro, protobuf: "v1.36.10", goarch: "amd64"},
			{tc: local, target: app, protobuf: "v1.36.10", goarch: "amd64"},
		}, []string{"repro", "app"}},
		{"varying axes in axis order", []plan{
			{tc: local, target: repro, protobuf: "v1.33.0", goarch: "amd64"},
			{tc: old, target: repro, protobuf: "v1.36.10", cover: true, goarch: "arm64"},
			{tc: old, target: app, goarch: "arm64"},
		}, []string{"local v1.33.0 nocover repro amd64", "old v1.36.10 cover repro arm64", "old nocover app arm64"}},
		{"one cell (a bisection probe) names every axis", []plan{
			{tc: local, target: repro, protobuf: "v1.34.2", goarch: "amd64"},
		}, []string{"local v1.34.2 nocover repro amd64"}},
		{"no cells", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, names(tt.plans...))
		})
	}
}

// recorder is a Reporter that records its calls.
type recorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorder) Begin(total int) { r.add(fmt.Sprintf("begin %d", total)) }

func (r *recorder) CellStarted(id, name string) { r.add("start " + id + " (" + name + ")") }

func (r *recorder) CellFinished(id string, c record.Cell) {
	r.add("finish " + id + " " + string(c.Outcome))
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s)
}

// TestReporter checks that the Runner tells its Reporter about every cell,
// and writes no finished-cell lines to Progress when a Reporter is set.
func TestReporter(t *testing.T) {
	h := newHarness(t)
	h.cfg.Toolchains = append(h.cfg.Toolchains, config.Toolchain{Name: "old", Kind: config.KindGoroot})
	h.unavailable["old"] = "goroot /opt/old does not exist"
	rec := &recorder{}
	run, _ := h.run(context.Background(), func(e *Runner) { e.Reporter = rec })
	a := h.hostArch
	assert.Equal(t, []string{
		"begin 2",
		"start local_v1.36.10_nocover_repro_" + a + " (local repro)",
		"finish local_v1.36.10_nocover_repro_" + a + " pass",
		"start old_v1.36.10_nocover_repro_" + a + " (old repro)",
		"finish old_v1.36.10_nocover_repro_" + a + " unavailable",
	}, rec.calls)
	assert.Len(t, run.Cells, 2)
	assert.Empty(t, h.progress.String())
}
