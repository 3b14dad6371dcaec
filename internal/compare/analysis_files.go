package compare

import (
	"strings"

	"github.com/gorepro/gorepro/internal/gorootfiles"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// maxFileDiffs is how many diffs a build difference keeps.
const maxFileDiffs = 3

// FileDifference says which GOROOT files differ between the bad and the
// good build, with diffs (good → bad) of the small differing Go sources
// both can read; nil when either manifest is missing.
func FileDifference(bad, good *record.Toolchain) *record.FileDifference {
	if bad == nil || good == nil || bad.Files == nil || good.Files == nil {
		return nil
	}
	d := gorootfiles.Compare(bad.Files, good.Files)
	fd := &record.FileDifference{Total: d.Total, Changed: d.Changed, OnlyBad: d.OnlyA, OnlyGood: d.OnlyB}
	if bad.ReadFile == nil || good.ReadFile == nil {
		return fd
	}
	for _, p := range d.Changed {
		if len(fd.Diffs) == maxFileDiffs {
			break
		}
		if !strings.HasSuffix(p, ".go") {
			continue
		}
		b, errB := bad.ReadFile(p)
		g, errG := good.ReadFile(p)
		if errB != nil || errG != nil || !gorootfiles.Small(p, len(b)) || !gorootfiles.Small(p, len(g)) {
			continue
		}
		if diff := gorootfiles.UnifiedDiff(p, g, b, 3); diff != "" {
			fd.Diffs = append(fd.Diffs, record.FileDiff{Path: p, Diff: diff})
		}
	}
	return fd
}

// FileDifferenceText says fd in one clause, as wording.FileDifference
// does (kept for callers of this package).
func FileDifferenceText(fd *record.FileDifference, bad, good string) string {
	return wording.FileDifference(fd, bad, good)
}
