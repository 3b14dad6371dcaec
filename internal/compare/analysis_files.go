package compare

import (
	"fmt"
	"strings"

	"github.com/gorepro/gorepro/internal/gorootfiles"
	"github.com/gorepro/gorepro/internal/record"
)

// maxNamedFiles is how many differing files a difference line names, and
// maxFileDiffs how many diffs a build difference keeps.
const (
	maxNamedFiles = 5
	maxFileDiffs  = 3
)

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

// FileDifferenceText says fd in one clause: "src/runtime/tagptr_64bit.go
// differs (1 of 11,486 files)", "no file differs (of 11,486)".
func FileDifferenceText(fd *record.FileDifference, bad, good string) string {
	var named []string
	for _, p := range fd.Changed {
		named = append(named, p+" differs")
	}
	for _, p := range fd.OnlyBad {
		named = append(named, p+" only in "+bad)
	}
	for _, p := range fd.OnlyGood {
		named = append(named, p+" only in "+good)
	}
	n := len(named)
	if n == 0 {
		return fmt.Sprintf("no file of src/ and pkg/tool/ differs (of %s)", thousands(fd.Total))
	}
	more := ""
	if n > maxNamedFiles {
		more = fmt.Sprintf(" and %d more", n-maxNamedFiles)
		named = named[:maxNamedFiles]
	}
	return fmt.Sprintf("%s%s (%d of %s files)", strings.Join(named, ", "), more, n, thousands(fd.Total))
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
