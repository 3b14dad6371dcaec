package report

import (
	"fmt"
	"strconv"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// MergeNotes are the lines `gorepro merge` says about the runs it merged
// into run, in order: for each, what it was (a shard or a full run), where
// it ran and how many cells it had, and a warning when it was interrupted
// or recorded by another gorepro version than the first run.
func MergeNotes(run *record.Run) []string {
	var notes []string
	for _, r := range run.Runners {
		shard := "full run"
		if r.Shard != nil {
			shard = fmt.Sprintf("shard %d/%d", r.Shard.Index, r.Shard.Count)
		}
		notes = append(notes, fmt.Sprintf("merging %s: %s on %s/%s, %s %s", r.Source, shard, r.Host.GOOS, r.Host.GOARCH,
			strconv.Itoa(r.Cells), wording.Plural(r.Cells, "cell", "cells")))
		if r.Interrupted {
			notes = append(notes, fmt.Sprintf("WARNING: %s was interrupted: its unfinished cells are unavailable, and the merged run is marked interrupted", r.Source))
		}
		if r.GoreproVersion != run.GoreproVersion {
			notes = append(notes, fmt.Sprintf("WARNING: %s was recorded by gorepro %s, %s by %s", r.Source, r.GoreproVersion, run.Runners[0].Source, run.GoreproVersion))
		}
	}
	return notes
}
