package proberun

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runlife"
)

// TestAddCell: the run keeps every probe's cell, the latest host, and each
// toolchain once.
func TestAddCell(t *testing.T) {
	run := &record.Run{}
	host := record.Host{GOOS: "linux", GOARCH: "amd64"}
	addCell(run, &record.Run{Host: host, Toolchains: []record.Toolchain{{Name: "local"}}}, record.Cell{ID: "a"})
	addCell(run, &record.Run{Host: host, Toolchains: []record.Toolchain{{Name: "local"}, {Name: "go1.27.3"}}}, record.Cell{ID: "b"})
	assert.Equal(t, []record.Cell{{ID: "a"}, {ID: "b"}}, run.Cells)
	assert.Equal(t, []record.Toolchain{{Name: "local"}, {Name: "go1.27.3"}}, run.Toolchains)
	assert.Equal(t, host, run.Host)
}

func TestBeginAndFinish(t *testing.T) {
	rec, run, err := Begin(runlife.Results{Root: filepath.Join(t.TempDir(), "results")}, "v1.2.3", "toolchains.json")
	require.NoError(t, err)
	defer rec.Abort()
	assert.Equal(t, rec.ID(), run.ID)
	assert.Equal(t, record.SchemaVersion, run.SchemaVersion)
	assert.Equal(t, "v1.2.3", run.GoreproVersion)
	assert.Equal(t, "toolchains.json", run.Config)
	assert.False(t, run.Started.IsZero())
	ctx, cancel := context.WithCancel(context.Background())
	Finish(ctx, run)
	assert.False(t, run.Interrupted)
	cancel()
	Finish(ctx, run)
	assert.True(t, run.Interrupted)
	assert.False(t, run.Finished.Before(run.Started))
}
