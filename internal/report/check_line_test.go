package report

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/record"
)

func TestCheckLine(t *testing.T) {
	tests := []struct {
		name  string
		probe bisect.Probe
		cell  record.Cell
		want  string
	}{
		{
			"bad crash",
			bisect.Probe{Verdict: bisect.Bad, Runs: 1, BadRuns: 1, Signature: "panic: boom in main.f"},
			record.Cell{Outcome: record.Crash, GoVersion: "go1.26.8", BinaryArch: "amd64", HostArch: "amd64", Reason: "exit status 2"},
			"bad: crash panic: boom in main.f (go1.26.8, amd64/amd64)",
		},
		{
			"good pass",
			bisect.Probe{Verdict: bisect.Good, Runs: 1},
			record.Cell{Outcome: record.Pass, GoVersion: "go1.26.8", BinaryArch: "arm64", HostArch: "arm64"},
			"good: pass (go1.26.8, arm64/arm64)",
		},
		{
			"flaky bad over threshold",
			bisect.Probe{Verdict: bisect.Bad, Runs: 3, BadRuns: 2, Signature: "fatal error: taggedPointerPack in runtime.netpollopen"},
			record.Cell{Outcome: record.Crash, GoVersion: "go1.25.3", BinaryArch: "amd64", HostArch: "arm64"},
			"bad: crash (2/3 runs bad) fatal error: taggedPointerPack in runtime.netpollopen (go1.25.3, amd64/arm64)",
		},
		{
			"skip build error",
			bisect.Probe{Verdict: bisect.Skip, Reason: "./x.go:3:1: syntax error"},
			record.Cell{Outcome: record.BuildError, GoVersion: "go1.26.8", HostArch: "amd64"},
			"skip: build-error ./x.go:3:1: syntax error (go1.26.8, -/amd64)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, CheckLine(tt.probe, tt.cell))
		})
	}
}
