package classify

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gorepro/gorepro/results"
)

func TestAggregate(t *testing.T) {
	crashA := results.RunResult{Index: 2, Outcome: results.Crash, Signature: "fatal error: taggedPointerPack in runtime.netpollopen",
		Frames: []string{"runtime.netpollopen"}}
	crashB := results.RunResult{Index: 4, Outcome: results.Crash, Signature: "panic: boom in main.explode",
		Frames: []string{"main.explode"}}
	pass := results.RunResult{Outcome: results.Pass}
	fail := results.RunResult{Outcome: results.Fail, Reason: "exit status 1"}
	timeout := results.RunResult{Outcome: results.Timeout}

	tests := []struct {
		name      string
		runs      []results.RunResult
		outcome   results.Outcome
		flaky     bool
		counts    map[results.Outcome]int
		signature string
		frames    []string
	}{
		{
			name:    "all pass",
			runs:    []results.RunResult{pass, pass, pass},
			outcome: results.Pass,
			counts:  map[results.Outcome]int{results.Pass: 3},
		},
		{
			name:      "mixed: worst wins, first crash's signature",
			runs:      []results.RunResult{pass, crashA, fail, crashB, timeout},
			outcome:   results.Crash,
			flaky:     true,
			counts:    map[results.Outcome]int{results.Pass: 1, results.Crash: 2, results.Fail: 1, results.Timeout: 1},
			signature: crashA.Signature,
			frames:    crashA.Frames,
		},
		{
			name:    "timeout is worse than fail",
			runs:    []results.RunResult{fail, timeout, pass},
			outcome: results.Timeout,
			flaky:   true,
			counts:  map[results.Outcome]int{results.Pass: 1, results.Fail: 1, results.Timeout: 1},
		},
		{
			name:      "all crash",
			runs:      []results.RunResult{crashB, crashA},
			outcome:   results.Crash,
			counts:    map[results.Outcome]int{results.Crash: 2},
			signature: crashB.Signature,
			frames:    crashB.Frames,
		},
		{
			name:   "no runs",
			counts: map[results.Outcome]int{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outcome, flaky, counts, signature, frames := Aggregate(tt.runs)
			assert.Equal(t, tt.outcome, outcome)
			assert.Equal(t, tt.flaky, flaky)
			assert.Equal(t, tt.counts, counts)
			assert.Equal(t, tt.signature, signature)
			assert.Equal(t, tt.frames, frames)
		})
	}
}
