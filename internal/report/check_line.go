package report

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/record"
)

// CheckLine is the one line `gorepro check` says about its cell c, judged
// as p: the verdict, the outcome, how many runs were bad (of several),
// what made it (the signature, else the reason of a cell that did not
// pass), the Go version and the binary's and host's architectures, e.g.
// "bad: crash panic: boom in main.f (go1.26.8, amd64/amd64)".
func CheckLine(p bisect.Probe, c record.Cell) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", p.Verdict, c.Outcome)
	if p.Runs > 1 {
		fmt.Fprintf(&b, " (%d/%d runs bad)", p.BadRuns, p.Runs)
	}
	detail := p.Signature
	if detail == "" && c.Outcome != record.Pass {
		detail = p.Reason
	}
	if detail != "" {
		b.WriteString(" " + detail)
	}
	fmt.Fprintf(&b, " (%s, %s/%s)", cmp.Or(c.GoVersion, "-"), cmp.Or(c.BinaryArch, "-"), cmp.Or(c.HostArch, "-"))
	return b.String()
}
