package wording

import (
	"fmt"
	"strings"
)

// DifferentConfigs warns that two compared runs come from different
// configs, named with their sha256 sums.
func DifferentConfigs(baseConfig, baseSHA256, nextConfig, nextSHA256 string) string {
	return fmt.Sprintf("the runs come from different configs (%s sha256 %s, %s sha256 %s): cells may have been added, removed or redefined",
		OrDash(baseConfig), shortHash(baseSHA256), OrDash(nextConfig), shortHash(nextSHA256))
}

// DifferentSchemas warns that two compared runs have different schema
// versions.
func DifferentSchemas(base, next int) string {
	return fmt.Sprintf("the runs have different schema versions (%d and %d): fields may not mean the same", base, next)
}

// DuplicateCells warns that run has n duplicate cell IDs, the first of
// them first.
func DuplicateCells(run string, n int, first string) string {
	return fmt.Sprintf("run %s has %d duplicate cell IDs (first: %s); the first cell of each ID is compared", OrDash(run), n, first)
}

// Count is how many changes of one kind a comparison has.
type Count struct {
	Kind string
	N    int
}

// ComparisonSummary is the one-line account of a comparison of cells
// cells, changed of which changed (counts says of which kinds, in order)
// and unchanged did not: "3 of 36 cells changed: 1 new-crash, 1 fixed, 1
// only-in-base; 33 unchanged".
func ComparisonSummary(cells, changed, unchanged int, counts []Count) string {
	noun := Plural(cells, "cell", "cells")
	if changed == 0 {
		return fmt.Sprintf("no change in %d %s", cells, noun)
	}
	parts := make([]string, 0, len(counts))
	for _, c := range counts {
		if c.N > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.N, c.Kind))
		}
	}
	return fmt.Sprintf("%d of %d %s changed: %s; %d unchanged", changed, cells, noun, strings.Join(parts, ", "), unchanged)
}

// shortHash returns the first 12 characters of a hex hash, or "-".
func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return OrDash(h)
}
