package report

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
)

// writeMarkdownBisect renders a bisection for a bug report. Reasons and
// scripts are redacted.
func writeMarkdownBisect(b *strings.Builder, bi *record.Bisect) {
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
	fmt.Fprintf(b, "- cells built: %d\n", bi.Builds)
	if bi.Images != nil {
		writeMarkdownImages(b, bi)
	}
	b.WriteString("\n")
	rows := make([][]string, len(bi.Probes))
	for i, p := range bi.Probes {
		rows[i] = []string{fmt.Sprint(i + 1), mdText(p.Version), mdText(string(p.Verdict)), mdText(string(p.Outcome)),
			fmt.Sprintf("%d (%d)", p.Runs, p.BadRuns), builtLabel(p), mdText(redact.Text(probeDetail(p)))}
	}
	writeMarkdownTable(b, []string{"#", "VERSION", "VERDICT", "OUTCOME", "RUNS (BAD)", "BUILT", "SIGNATURE"}, rows)
	for _, side := range []string{"before", "after"} {
		if script := printableText(redact.Text(bi.Reproduce[side])); script != "" {
			fmt.Fprintf(b, "\nReproduce the %s side:\n\n", side)
			fence := strings.Repeat("`", max(3, longestRun(script, '`')+1))
			fmt.Fprintf(b, "%ssh\n%s\n%s\n", fence, strings.TrimRight(script, "\n"), fence)
		}
	}
}

// writeMarkdownImages lists the images of an image bisection: the
// boundary's bad and good image and the images pulled.
func writeMarkdownImages(b *strings.Builder, bi *record.Bisect) {
	im := bi.Images
	if im.Before != nil && im.After != nil {
		bad, good := im.After, im.Before
		badName, goodName := "first bad", "last good"
		if bi.Direction == record.DirectionFix {
			bad, good = im.Before, im.After
			badName, goodName = "last bad", "first good"
		}
		for _, side := range []struct {
			name string
			im   *record.BisectImage
		}{{badName, bad}, {goodName, good}} {
			fmt.Fprintf(b, "- %s image: %s (%s, created %s)\n", side.name, mdCode(side.im.Ref), mdText(side.im.GoVersion), side.im.Created.UTC().Format("2006-01-02 15:04 MST"))
		}
	}
	fmt.Fprintf(b, "- images pulled: %d of %d candidates (at most %d): %s\n", im.Pulls, len(bi.Candidates), im.PullBound, mdText(strings.Join(im.Pulled, " ")))
	if r := im.Reference; r != nil {
		fmt.Fprintf(b, "- compared with %s: %s\n", mdCode(r.Repository), mdText(r.Verdict))
		for _, p := range r.Probes {
			fmt.Fprintf(b, "  - %s (%s): %s (%s)\n", mdCode(p.Image.Ref), mdText(p.Image.GoVersion), mdText(p.Probe.Verdict), mdText(string(p.Probe.Outcome)))
		}
	}
}

// builtLabel says how a probe's cell was obtained: "built", "cached" or
// "not run", followed by ", confirmation" for a re-confirmation of the
// boundary.
func builtLabel(p record.BisectProbe) string {
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

// probeDetail is what explains a probe's outcome: its crash signature,
// else its reason.
func probeDetail(p record.BisectProbe) string {
	return cmp.Or(p.Signature, p.Reason)
}
