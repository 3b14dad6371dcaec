package classify

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gorepro/gorepro/internal/record"
)

func TestAggregate(t *testing.T) {
	crashA := record.RunResult{Index: 2, Outcome: record.Crash, Signature: "fatal error: taggedPointerPack in runtime.netpollopen",
		Frames: []string{"runtime.netpollopen"}}
	crashB := record.RunResult{Index: 4, Outcome: record.Crash, Signature: "panic: boom in main.explode",
		Frames: []string{"main.explode"}}
	pass := record.RunResult{Outcome: record.Pass}
	fail := record.RunResult{Outcome: record.Fail, Reason: "exit status 1"}
	timeout := record.RunResult{Outcome: record.Timeout}

	tests := []struct {
		name      string
		runs      []record.RunResult
		outcome   record.Outcome
		flaky     bool
		counts    map[record.Outcome]int
		signature string
		frames    []string
	}{
		{
			name:    "all pass",
			runs:    []record.RunResult{pass, pass, pass},
			outcome: record.Pass,
			counts:  map[record.Outcome]int{record.Pass: 3},
		},
		{
			name:      "mixed: worst wins, first crash's signature",
			runs:      []record.RunResult{pass, crashA, fail, crashB, timeout},
			outcome:   record.Crash,
			flaky:     true,
			counts:    map[record.Outcome]int{record.Pass: 1, record.Crash: 2, record.Fail: 1, record.Timeout: 1},
			signature: crashA.Signature,
			frames:    crashA.Frames,
		},
		{
			name:    "timeout is worse than fail",
			runs:    []record.RunResult{fail, timeout, pass},
			outcome: record.Timeout,
			flaky:   true,
			counts:  map[record.Outcome]int{record.Pass: 1, record.Fail: 1, record.Timeout: 1},
		},
		{
			name:      "all crash",
			runs:      []record.RunResult{crashB, crashA},
			outcome:   record.Crash,
			counts:    map[record.Outcome]int{record.Crash: 2},
			signature: crashB.Signature,
			frames:    crashB.Frames,
		},
		{
			name:   "no runs",
			counts: map[record.Outcome]int{},
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
