package results

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Bisect is the record of a `gorepro bisect` run, stored in results.json
// next to the cells its probes built: what was searched, and the search.
type Bisect struct {
	// Axis is what was bisected: "protobuf", "module:PATH", "go" or
	// "toolchain"; Fixed the other axes of the cell, held constant.
	Axis  string            `json:"axis"`
	Fixed map[string]string `json:"fixed"`
	BadIf string            `json:"badIf"`
	BisectSearch
	// Reproduce holds, for each side of the boundary, the commands that
	// build and run it.
	Reproduce map[string]string `json:"reproduce,omitempty"`
}

// BisectSearch is what a bisection found (package bisect's Result).
type BisectSearch struct {
	// Candidates are the candidates searched, in order.
	Candidates []string `json:"candidates"`
	// Probes are the probes in the order they ran.
	Probes []BisectProbe `json:"probes"`
	// Skipped lists the candidates judged skip, in candidate order.
	Skipped []string `json:"skipped"`
	// Direction is "regression" (Before good, After bad) or "fix" (Before
	// bad, After good); "" when undecided.
	Direction string `json:"direction"`
	// Boundary is adjacent among the candidates that were not skipped; nil
	// when the target is flaky or nothing was decided.
	Boundary *Boundary `json:"boundary"`
	// Between lists the skipped candidates strictly between Boundary.Before
	// and Boundary.After: the flip may be at any of them.
	Between []string `json:"between,omitempty"`
	// Builds counts the probes that really built a cell (cache hits
	// excluded), re-confirmations included.
	Builds int  `json:"builds"`
	Flaky  bool `json:"flaky"`
	// FlakyVersions lists the candidates whose probes disagreed.
	FlakyVersions []string `json:"flakyVersions,omitempty"`
	// Conclusion is one line, e.g. "fix: first good v1.35.0 (last bad
	// v1.34.2)" or "flaky: ...".
	Conclusion string `json:"conclusion"`
}

// BisectVerdict is a probe's verdict: "good", "bad" or "skip".
type BisectVerdict string

// BisectProbe is one evaluation of a candidate.
type BisectProbe struct {
	// Version is the candidate probed.
	Version string `json:"version"`
	// Outcome is the cell's (worst) outcome.
	Outcome Outcome       `json:"outcome"`
	Verdict BisectVerdict `json:"verdict"`
	// Signature is the signature of the first bad run, or the cell's.
	Signature string `json:"signature,omitempty"`
	// Runs is the number of runs judged, BadRuns how many were bad.
	Runs    int `json:"runs"`
	BadRuns int `json:"badRuns"`
	// Built is true when the prober really built the cell (false for a
	// cache hit). NotRun is true when the cell was neither built nor taken
	// from the cache: its toolchain could not be found or used.
	Built  bool `json:"built"`
	NotRun bool `json:"notRun,omitempty"`
	// Confirmation is true for a re-confirmation probe of the boundary.
	Confirmation bool   `json:"confirmation,omitempty"`
	CellID       string `json:"cellID,omitempty"`
	// Reason is the cell's reason: why it was skipped, or why it failed.
	Reason string `json:"reason,omitempty"`
}

// BuiltLabel says how the probe's cell was obtained: "built", "cached" or
// "not run", followed by ", confirmation" for a re-confirmation of the
// boundary.
func (p BisectProbe) BuiltLabel() string {
	built := "cached"
	switch {
	case p.Built:
		built = "built"
	case p.NotRun:
		built = "not run"
	}
	if p.Confirmation {
		built += ", confirmation"
	}
	return built
}

// Detail is what explains the probe's outcome: its crash signature, else
// its reason.
func (p BisectProbe) Detail() string {
	if p.Signature != "" {
		return p.Signature
	}
	return p.Reason
}

// Boundary is the adjacent pair of candidates where the verdict flips.
type Boundary struct {
	Before string `json:"before"`
	After  string `json:"after"`
}

// writeMarkdownBisect renders a bisection for a bug report. Reasons and
// scripts are redacted.
func writeMarkdownBisect(b *strings.Builder, bi *Bisect) {
	fmt.Fprintf(b, "\n### Bisection over %s\n\n", mdText(bi.Axis))
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
	rows := make([][]string, len(bi.Probes))
	for i, p := range bi.Probes {
		rows[i] = []string{fmt.Sprint(i + 1), mdText(p.Version), mdText(string(p.Verdict)), mdText(string(p.Outcome)),
			fmt.Sprintf("%d (%d)", p.Runs, p.BadRuns), p.BuiltLabel(), mdText(RedactText(p.Detail()))}
	}
	writeMarkdownTable(b, []string{"#", "VERSION", "VERDICT", "OUTCOME", "RUNS (BAD)", "BUILT", "SIGNATURE"}, rows)
	for _, side := range []string{"before", "after"} {
		if script := printableText(RedactText(bi.Reproduce[side])); script != "" {
			fmt.Fprintf(b, "\nReproduce the %s side:\n\n", side)
			fence := strings.Repeat("`", max(3, longestRun(script, '`')+1))
			fmt.Fprintf(b, "%ssh\n%s\n%s\n", fence, strings.TrimRight(script, "\n"), fence)
		}
	}
}
