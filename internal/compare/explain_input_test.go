package compare

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gorepro/gorepro/internal/explain"
	"github.com/gorepro/gorepro/internal/record"
)

// TestExplainChanges: every change is handed to explain, and only changes
// of verdict are marked to be explained.
func TestExplainChanges(t *testing.T) {
	cell := func(id string, o record.Outcome) record.Cell { return record.Cell{ID: id, Outcome: o} }
	base := &record.Run{Cells: []record.Cell{cell("a", record.Pass), cell("b", record.Crash), cell("c", record.Pass), cell("d", record.Unavailable)}}
	next := &record.Run{Cells: []record.Cell{cell("a", record.Crash), cell("b", record.Pass), cell("c", record.Pass), cell("d", record.Pass)}}
	assert.Equal(t, []explain.ChangedCell{
		{CellID: "a", Kind: string(NewCrash), VerdictChanged: true},
		{CellID: "b", Kind: string(Fixed), VerdictChanged: true},
		{CellID: "d", Kind: string(NowAvailable)},
	}, ExplainChanges(base, next))
	assert.Empty(t, ExplainChanges(base, base))
}

func TestExplainFilesWithoutManifests(t *testing.T) {
	fd, text := ExplainFiles(&record.Toolchain{}, &record.Toolchain{}, "bad", "good")
	assert.Nil(t, fd)
	assert.Empty(t, text)
}
