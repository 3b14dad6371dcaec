package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
)

// WriteBisectText writes the bisection of run for a terminal: a table of
// its probes (version, verdict, outcome, bad runs, whether the cell was
// built, the signature or reason), the conclusion with how many cells were
// built, then the known issues the probed cells match and which of their
// axes matter. A run without a bisection writes nothing.
func WriteBisectText(w io.Writer, run *record.Run) error {
	b := run.Bisect
	if b == nil {
		return nil
	}
	rows := make([][]string, len(b.Probes))
	for i, p := range b.Probes {
		built, _, _ := strings.Cut(builtLabel(p), ",")
		if p.Confirmation {
			built += " (confirm)"
		}
		if p.Toolchain != "" {
			built += "; go: " + p.Toolchain
		}
		rows[i] = []string{p.Version, string(p.Verdict), string(p.Outcome), fmt.Sprintf("%d/%d", p.BadRuns, p.Runs), built, probeDetail(p)}
	}
	if err := WritePlainTable(w, []string{"VERSION", "VERDICT", "OUTCOME", "BAD", "BUILT", "SIGNATURE"}, rows); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "%s (%d cells built)\n", b.Conclusion, b.Builds); err != nil {
		return err
	}
	if err := WriteKnownIssues(w, run.Cells); err != nil {
		return err
	}
	_, err := io.WriteString(w, AnalysisLines(run.Analysis))
	return err
}
