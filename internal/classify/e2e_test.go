package classify

import (
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/crashfixture"
	"github.com/gorepro/gorepro/internal/record"
)

// TestEndToEnd builds real crashing, failing, hanging and serving programs,
// runs them the way the matrix does (proc.Run with a deadline and a SIGQUIT
// grace period) and classifies what they did.
func TestEndToEnd(t *testing.T) {
	binDir := crashfixture.Build(t)
	crashfixture.BuildTest(t, binDir, "hangtest")
	starting := regexp.MustCompile(`Starting workers`)

	tests := []struct {
		name    string
		program string
		args    []string
		env     []string
		timeout time.Duration
		rule    Input // only PassExitCodes, LogMatches and AliveFor are used

		outcome   record.Outcome
		signature string
		frames    []string
		// reasons are substrings the Reason must contain.
		reasons []string
		signal  syscall.Signal
	}{
		{
			name: "unrecovered panic", program: "panic",
			outcome: record.Crash, signature: "panic: boom in main.explode",
			frames: []string{"main.explode", "main.main"}, reasons: []string{"exit status 2"},
		},
		{
			// go test's own alarm in a test binary: a timeout that names
			// the test and where it waited, not a crash.
			name: "test binary past its -test.timeout", program: "hangtest.test", args: []string{"-test.timeout=1s"},
			outcome: record.Timeout, frames: []string{"time.Sleep", "fixtures/hangtest.TestHang"},
			reasons: []string{"go test's -timeout of 1s fired", "running tests: TestHang (1s)", "the test was in time.Sleep"},
		},
		{
			name: "deadlock", program: "deadlock",
			outcome: record.Crash, signature: "fatal error: all goroutines are asleep - deadlock! in main.main",
			frames: []string{"main.main"}, reasons: []string{"exit status 2"},
		},
		{
			name: "deadlock with GOTRACEBACK=system", program: "deadlock", env: []string{"GOTRACEBACK=system"},
			outcome: record.Crash, signature: "fatal error: all goroutines are asleep - deadlock! in main.main",
			frames: []string{"main.main"}, reasons: []string{"exit status 2"},
		},
		{
			name: "stack overflow", program: "stackoverflow",
			outcome: record.Crash, signature: "fatal error: stack overflow in main.recurse",
			frames:  []string{"main.recurse", "main.main"},
			reasons: []string{"exit status 2", "runtime: goroutine stack exceeds 67108864-byte limit"},
		},
		{
			name: "nil pointer dereference", program: "nilpointer",
			outcome:   record.Crash,
			signature: "panic: runtime error: invalid memory address or nil pointer dereference [signal SIGSEGV: segmentation violation] in main.deref",
			frames:    []string{"main.deref", "main.main"}, reasons: []string{"exit status 2"},
		},
		{
			name: "nil pointer dereference with GOTRACEBACK=system", program: "nilpointer", env: []string{"GOTRACEBACK=system"},
			outcome:   record.Crash,
			signature: "panic: runtime error: invalid memory address or nil pointer dereference [signal SIGSEGV: segmentation violation] in main.deref",
			frames:    []string{"main.deref", "main.main"}, reasons: []string{"exit status 2"},
		},
		{
			name: "GOTRACEBACK=crash aborts", program: "abort", env: []string{"GOTRACEBACK=crash"},
			outcome: record.Crash, signature: "panic: abort crash in main.explode",
			frames: []string{"main.explode", "main.main"}, reasons: []string{"killed by SIGABRT"}, signal: syscall.SIGABRT,
		},
		{
			name: "concurrent map writes", program: "mapwrites",
			outcome: record.Crash, signature: "fatal error: concurrent map writes in main.main.func1",
			frames: []string{"main.main.func1"}, reasons: []string{"exit status 2"},
		},
		{
			name: "exit 3 without a crash", program: "exit3",
			outcome: record.Fail, reasons: []string{"exit status 3"},
		},
		{
			name: "exit 3 allowed by the pass rule", program: "exit3", rule: Input{PassExitCodes: []int{0, 3}},
			outcome: record.Pass,
		},
		{
			name: "recovered panic printed, exit 0", program: "recovered", args: []string{"0"},
			outcome: record.Pass,
		},
		{
			name: "recovered panic printed, exit 1", program: "recovered", args: []string{"1"},
			outcome: record.Fail, reasons: []string{"exit status 1"},
		},
		{
			name: "zap JSON log with a trace, exit 1", program: "zaplog",
			outcome: record.Fail, reasons: []string{"exit status 1"},
		},
		{
			name: "hang", program: "hang", timeout: 2 * time.Second,
			outcome: record.Timeout, reasons: []string{"timed out", "main goroutine in main.main [chan receive]"},
		},
		{
			name: "server alive with its start-up line", program: "server", timeout: 2 * time.Second,
			rule:    Input{AliveFor: true, LogMatches: starting},
			outcome: record.Pass,
		},
		{
			name: "server alive without its start-up line", program: "server", args: []string{"-quiet"}, timeout: 2 * time.Second,
			rule:    Input{AliveFor: true, LogMatches: starting},
			outcome: record.Timeout,
			reasons: []string{"timed out", `no output line matched "Starting workers"`, "main goroutine in time.Sleep [sleep]"},
		},
		{
			name: "server without an alive rule", program: "server", timeout: 2 * time.Second,
			rule:    Input{LogMatches: starting},
			outcome: record.Timeout, reasons: []string{"timed out", "main goroutine in time.Sleep [sleep]"},
		},
		{
			name: "kills itself with SIGKILL", program: "sigkill",
			outcome: record.Crash, signature: "killed by SIGKILL", reasons: []string{"killed by SIGKILL"}, signal: syscall.SIGKILL,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := crashfixture.Run(t, binDir, tt.program, tt.args, tt.env, tt.timeout)
			if tt.signal != 0 {
				require.Equal(t, tt.signal, res.Signal, "output:\n%s", res.Output)
			}
			v := Classify(Input{
				Output:        res.Output,
				ExitCode:      res.ExitCode,
				Signal:        res.Signal,
				TimedOut:      res.TimedOut,
				PassExitCodes: tt.rule.PassExitCodes,
				LogMatches:    tt.rule.LogMatches,
				AliveFor:      tt.rule.AliveFor,
			})
			assert.Equal(t, tt.outcome, v.Outcome, "verdict %+v, output:\n%s", v, res.Output)
			assert.Equal(t, tt.signature, v.Signature)
			assert.Equal(t, tt.frames, v.Frames)
			for _, r := range tt.reasons {
				assert.Contains(t, v.Reason, r)
			}
			if tt.outcome == record.Pass {
				assert.Empty(t, v.Reason)
			}
		})
	}
}
