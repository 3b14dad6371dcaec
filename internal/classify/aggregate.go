package classify

import "github.com/gorepro/gorepro/internal/record"

// Aggregate combines the runs of one cell. The outcome is the worst one (by
// record.Outcome.Severity) any run had; flaky is true when the runs do not
// all have the same outcome; counts says how many runs had each outcome; the
// signature and frames are those of the first run with the reported
// outcome. With no runs, outcome is empty and counts is an empty map.
func Aggregate(runs []record.RunResult) (outcome record.Outcome, flaky bool, counts map[record.Outcome]int, signature string, frames []string) {
	counts = map[record.Outcome]int{}
	if len(runs) == 0 {
		return "", false, counts, "", nil
	}
	worst := 0
	for i, r := range runs {
		counts[r.Outcome]++
		if r.Outcome != runs[0].Outcome {
			flaky = true
		}
		if r.Outcome.Severity() > runs[worst].Outcome.Severity() {
			worst = i
		}
	}
	w := runs[worst]
	return w.Outcome, flaky, counts, w.Signature, w.Frames
}
