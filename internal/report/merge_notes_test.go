package report

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gorepro/gorepro/internal/record"
)

func TestMergeNotes(t *testing.T) {
	run := &record.Run{GoreproVersion: "v1.0.0", Runners: []record.Runner{
		{Source: "s1", Shard: &record.Shard{Index: 1, Count: 2}, Host: record.Host{GOOS: "linux", GOARCH: "amd64"}, Cells: 3, GoreproVersion: "v1.0.0"},
		{Source: "s2", Shard: &record.Shard{Index: 2, Count: 2}, Host: record.Host{GOOS: "linux", GOARCH: "arm64"}, Cells: 1, GoreproVersion: "v0.9.0", Interrupted: true},
		{Source: "full", Host: record.Host{GOOS: "linux", GOARCH: "arm64"}, Cells: 0, GoreproVersion: "v1.0.0"},
	}}
	assert.Equal(t, []string{
		"merging s1: shard 1/2 on linux/amd64, 3 cells",
		"merging s2: shard 2/2 on linux/arm64, 1 cell",
		"WARNING: s2 was interrupted: its unfinished cells are unavailable, and the merged run is marked interrupted",
		"WARNING: s2 was recorded by gorepro v0.9.0, s1 by v1.0.0",
		"merging full: full run on linux/arm64, 0 cells",
	}, MergeNotes(run))
}
