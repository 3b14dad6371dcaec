package results

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Bisect is the record of a `gorepro bisect` run, stored in results.json
// next to the cells its probes built.
type Bisect struct {
	// Axis is what was bisected: "protobuf", "module:PATH", "go" or
	// "toolchain"; Fixed the other axes of the cell, held constant.
	Axis       string            `json:"axis"`
	Fixed      map[string]string `json:"fixed"`
	BadIf      string            `json:"badIf"`
	Candidates []string          `json:"candidates"`
	Probes     []BisectProbe     `json:"probes"`
	Skipped    []string          `json:"skipped"`
	// Direction is "regression" (Before good, After bad) or "fix" (Before
	// bad, After good).
	Direction string    `json:"direction"`
	Boundary  *Boundary `json:"boundary"`
	// Between lists skipped candidates between the two sides of the
	// boundary: the flip may be at any of them.
	Between []string `json:"between,omitempty"`
	// Builds counts the cells actually built (cache hits excluded).
	Builds        int      `json:"builds"`
	Flaky         bool     `json:"flaky"`
	FlakyVersions []string `json:"flakyVersions,omitempty"`
	Conclusion    string   `json:"conclusion"`
	// Reproduce holds, for each side of the boundary, the commands that
	// build and run it.
	Reproduce map[string]string `json:"reproduce,omitempty"`
}

// BisectProbe is one evaluation of a candidate.
type BisectProbe struct {
	Version      string  `json:"version"`
	Outcome      Outcome `json:"outcome"`
	Verdict      string  `json:"verdict"`
	Signature    string  `json:"signature,omitempty"`
	Runs         int     `json:"runs"`
	BadRuns      int     `json:"badRuns"`
	Built        bool    `json:"built"`
	Confirmation bool    `json:"confirmation,omitempty"`
	CellID       string  `json:"cellID,omitempty"`
	Reason       string  `json:"reason,omitempty"`
}

// Boundary is the adjacent pair of candidates where the verdict flips.
type Boundary struct {
	Before string `json:"before"`
	After  string `json:"after"`
}

// writeMarkdownBisect renders a bisection for a bug report.
func writeMarkdownBisect(b *strings.Builder, bi *Bisect) {
	fmt.Fprintf(b, "\n## Bisection over %s\n\n", mdText(bi.Axis))
	fmt.Fprintf(b, "**%s**\n\n", mdText(bi.Conclusion))
	var fixed []string
	for _, k := range slices.Sorted(maps.Keys(bi.Fixed)) {
		fixed = append(fixed, k+"="+bi.Fixed[k])
	}
	fmt.Fprintf(b, "- held fixed: %s\n", mdText(strings.Join(fixed, ", ")))
	fmt.Fprintf(b, "- bad if: %s\n", mdText(bi.BadIf))
	fmt.Fprintf(b, "- candidates (%d): %s\n", len(bi.Candidates), mdText(strings.Join(bi.Candidates, " ")))
	if bi.Boundary != nil {
		fmt.Fprintf(b, "- %s between %s and %s\n", mdText(bi.Direction), mdText(bi.Boundary.Before), mdText(bi.Boundary.After))
	}
	if len(bi.Between) > 0 {
		fmt.Fprintf(b, "- skipped between them (the flip may be at any): %s\n", mdText(strings.Join(bi.Between, " ")))
	}
	if len(bi.Skipped) > 0 {
		fmt.Fprintf(b, "- skipped (build error or unavailable): %s\n", mdText(strings.Join(bi.Skipped, " ")))
	}
	if bi.Flaky {
		fmt.Fprintf(b, "- flaky: probes of %s disagreed\n", mdText(strings.Join(bi.FlakyVersions, " ")))
	}
	fmt.Fprintf(b, "- cells built: %d\n\n", bi.Builds)
	b.WriteString(mdTableRow([]string{"#", "VERSION", "VERDICT", "OUTCOME", "RUNS (BAD)", "BUILT", "SIGNATURE"}))
	b.WriteString(mdTableRow([]string{"---", "---", "---", "---", "---", "---", "---"}))
	for i, p := range bi.Probes {
		built := "cached"
		if p.Built {
			built = "built"
		}
		if p.Confirmation {
			built += ", confirmation"
		}
		detail := p.Signature
		if detail == "" {
			detail = p.Reason
		}
		b.WriteString(mdTableRow([]string{fmt.Sprint(i + 1), mdText(p.Version), mdText(p.Verdict), mdText(string(p.Outcome)),
			fmt.Sprintf("%d (%d)", p.Runs, p.BadRuns), built, mdText(detail)}))
	}
	for _, side := range []string{"before", "after"} {
		if script := bi.Reproduce[side]; script != "" {
			fmt.Fprintf(b, "\nReproduce the %s side:\n\n", side)
			fence := strings.Repeat("`", max(3, longestRun(script, '`')+1))
			fmt.Fprintf(b, "%ssh\n%s\n%s\n", fence, strings.TrimRight(script, "\n"), fence)
		}
	}
}
