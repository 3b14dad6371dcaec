package gorootfiles

import (
	"fmt"
	"slices"
	"strings"
)

// Difference is what differs between two manifests, A and B.
type Difference struct {
	// Total is how many paths the two manifests have together.
	Total int
	// Changed are the paths in both with different content; OnlyA and
	// OnlyB those in one of them only. Each is sorted.
	Changed, OnlyA, OnlyB []string
}

// Compare returns what differs between a and b.
func Compare(a, b Manifest) Difference {
	var d Difference
	for p, h := range a {
		d.Total++
		switch hb, ok := b[p]; {
		case !ok:
			d.OnlyA = append(d.OnlyA, p)
		case hb != h:
			d.Changed = append(d.Changed, p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			d.Total++
			d.OnlyB = append(d.OnlyB, p)
		}
	}
	slices.Sort(d.Changed)
	slices.Sort(d.OnlyA)
	slices.Sort(d.OnlyB)
	return d
}

// Empty reports whether nothing differs.
func (d Difference) Empty() bool { return len(d.Changed)+len(d.OnlyA)+len(d.OnlyB) == 0 }

// Count returns how many paths differ.
func (d Difference) Count() int { return len(d.Changed) + len(d.OnlyA) + len(d.OnlyB) }

// maxSmallFile is the size up to which a differing Go source is small
// enough to show a diff of; maxDiffLines caps the lines of one diff.
const (
	maxSmallFile = 256 << 10
	maxDiffLines = 40
)

// Small reports whether a file of this path and size gets a diff: a Go
// source of at most 256 KB.
func Small(path string, size int) bool {
	return strings.HasSuffix(path, ".go") && size <= maxSmallFile
}

// UnifiedDiff returns a unified diff from a to b of the file at path, with
// context lines of context around each change, at most 40 lines of hunks
// (then a line saying how many more were cut), or "" when they are equal.
func UnifiedDiff(path string, a, b []byte, context int) string {
	x, y := splitLines(string(a)), splitLines(string(b))
	ops := diffLines(x, y)
	var out []string
	out = append(out, "--- a/"+path, "+++ b/"+path)
	var hunk []string
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from context lines before the change to context lines
		// after the last change within 2*context of the previous one.
		start := max(0, i-context)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j
			} else if j-end > 2*context {
				break
			}
		}
		stop := min(len(ops), end+context+1)
		ax, ay, na, nb := ops[start].x+1, ops[start].y+1, 0, 0
		var body []string
		for _, op := range ops[start:stop] {
			body = append(body, string(op.kind)+op.text)
			if op.kind != '+' {
				na++
			}
			if op.kind != '-' {
				nb++
			}
		}
		hunk = append(hunk, fmt.Sprintf("@@ -%d,%d +%d,%d @@", ax, na, ay, nb))
		hunk = append(hunk, body...)
		i = stop
	}
	if len(hunk) == 0 {
		return ""
	}
	if len(hunk) > maxDiffLines {
		hunk = append(hunk[:maxDiffLines], fmt.Sprintf("… %d more diff lines", len(hunk)-maxDiffLines))
	}
	return strings.Join(append(out, hunk...), "\n")
}

// op is one line of a line diff: ' ' kept, '-' only in x, '+' only in y;
// x and y are the 0-based line numbers it is at (or would be at) in each.
type op struct {
	kind byte
	text string
	x, y int
}

// diffLines returns a shortest line diff of x and y (longest common
// subsequence; the files it is used on are small).
func diffLines(x, y []string) []op {
	n, m := len(x), len(y)
	// Common prefix and suffix first: most of a patched file.
	pre := 0
	for pre < n && pre < m && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < n-pre && suf < m-pre && x[n-1-suf] == y[m-1-suf] {
		suf++
	}
	xs, ys := x[pre:n-suf], y[pre:m-suf]
	lcs := make([][]int, len(xs)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(ys)+1)
	}
	for i := len(xs) - 1; i >= 0; i-- {
		for j := len(ys) - 1; j >= 0; j-- {
			if xs[i] == ys[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []op
	for i := range pre {
		ops = append(ops, op{' ', x[i], i, i})
	}
	i, j := 0, 0
	for i < len(xs) || j < len(ys) {
		switch {
		case i < len(xs) && j < len(ys) && xs[i] == ys[j]:
			ops = append(ops, op{' ', xs[i], pre + i, pre + j})
			i++
			j++
		case j < len(ys) && (i == len(xs) || lcs[i][j+1] >= lcs[i+1][j]):
			ops = append(ops, op{'+', ys[j], pre + i, pre + j})
			j++
		default:
			ops = append(ops, op{'-', xs[i], pre + i, pre + j})
			i++
		}
	}
	for k := range suf {
		ops = append(ops, op{' ', x[n-suf+k], n - suf + k, m - suf + k})
	}
	// Within a run of changes, removals before additions, as diff -u
	// writes them.
	for s := 0; s < len(ops); {
		if ops[s].kind == ' ' {
			s++
			continue
		}
		e := s
		for e < len(ops) && ops[e].kind != ' ' {
			e++
		}
		slices.SortStableFunc(ops[s:e], func(a, b op) int { return int(b.kind) - int(a.kind) })
		s = e
	}
	return ops
}

// splitLines splits s into lines without their newlines.
func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
