package compare

import (
	"slices"

	"github.com/gorepro/gorepro/internal/explain"
	"github.com/gorepro/gorepro/internal/record"
)

// explainedKinds are the kinds of change that are changes of verdict:
// those explain looks for a cause of.
func explainedKinds() []ChangeKind {
	return []ChangeKind{NewCrash, Fixed, NewTimeout, NewFail, SignatureChanged, OutcomeChanged}
}

// ExplainChanges are the changes between base and next (Diff) as package
// explain takes them, in Diff's order: each changed cell, its kind of
// change, whether its verdict changed and whether its signature did.
func ExplainChanges(base, next *record.Run) []explain.ChangedCell {
	var cells []explain.ChangedCell
	for _, ch := range Diff(base, next).Changes {
		cells = append(cells, explain.ChangedCell{
			CellID: ch.CellID, Kind: string(ch.Kind),
			VerdictChanged: slices.Contains(explainedKinds(), ch.Kind), SignatureChanged: ch.Kind == SignatureChanged,
		})
	}
	return cells
}

// ExplainFiles is FileDifference and its clause (FileDifferenceText) as
// package explain takes them (an explain.FileDifference): nil and "" when
// a manifest is missing.
func ExplainFiles(bad, good *record.Toolchain, badName, goodName string) (*record.FileDifference, string) {
	fd := FileDifference(bad, good)
	if fd == nil {
		return nil, ""
	}
	return fd, FileDifferenceText(fd, badName, goodName)
}
