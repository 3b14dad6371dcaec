package diagnose

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/crashfixture"
)

// TestRealOutputs builds classify's fixture programs once, runs them with
// proc.Run as the matrix does, and diagnoses what they printed: as is, and
// wrapped as a Kubernetes (CRI) container log.
func TestRealOutputs(t *testing.T) {
	binDir := crashfixture.Build(t)
	crashfixture.BuildTest(t, binDir, "hangtest")

	tests := []struct {
		name    string
		program string
		args    []string
		env     []string
		timeout time.Duration
		signal  syscall.Signal

		outcome   LogOutcome
		signature string
		summary   string
		// archAmd64 is true when the trace names its architecture (an
		// assembly frame is shown), so an amd64 host must be recognised.
		archAmd64 bool
	}{
		{name: "panic", program: "panic", outcome: OutcomeCrash, signature: "panic: boom in main.explode"},
		{name: "fatal error", program: "deadlock", outcome: OutcomeCrash, signature: "fatal error: all goroutines are asleep - deadlock! in main.main"},
		{
			name: "nil dereference", program: "nilpointer", outcome: OutcomeCrash,
			signature: "panic: runtime error: invalid memory address or nil pointer dereference [signal SIGSEGV: segmentation violation] in main.deref",
		},
		{name: "stack overflow", program: "stackoverflow", outcome: OutcomeCrash, signature: "fatal error: stack overflow in main.recurse"},
		{
			name: "SIGABRT with GOTRACEBACK=crash", program: "abort", env: []string{"GOTRACEBACK=crash"}, signal: syscall.SIGABRT,
			outcome: OutcomeCrash, signature: "panic: abort crash in main.explode", archAmd64: true,
		},
		{
			name: "GOTRACEBACK=system", program: "nilpointer", env: []string{"GOTRACEBACK=system"}, outcome: OutcomeCrash,
			signature: "panic: runtime error: invalid memory address or nil pointer dereference [signal SIGSEGV: segmentation violation] in main.deref",
			archAmd64: true,
		},
		{
			name: "a test binary past its -test.timeout", program: "hangtest.test", args: []string{"-test.timeout=1s"},
			outcome: OutcomeTimeout, summary: "go test's -timeout of 1s fired while TestHang (1s) ran",
		},
		{name: "exit 3", program: "exit3", outcome: OutcomeFail, summary: "error: config file missing"},
		{name: "zap log with a trace in a field", program: "zaplog", outcome: OutcomeFail, summary: "structured log entry at error level"},
		{name: "clean exit after a recovered panic", program: "recovered", args: []string{"0"}, outcome: OutcomeNoCrash, summary: "no crash found"},
		{
			name: "hang stopped with SIGQUIT", program: "hang", timeout: 2 * time.Second,
			outcome: OutcomeNoCrash, summary: "no crash found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := crashfixture.Run(t, binDir, tt.program, tt.args, tt.env, tt.timeout)
			if tt.signal != 0 {
				require.Equal(t, tt.signal, res.Signal, "output:\n%s", res.Output)
			}
			for form, log := range map[string]string{"plain": string(res.Output), "cri": criWrap(string(res.Output), 1)} {
				r := Log([]byte(log))
				assert.Equal(t, tt.outcome, r.Outcome, "%s: report %+v\noutput:\n%s", form, r, res.Output)
				assert.Equal(t, tt.signature, r.Signature, form)
				assert.Contains(t, r.Summary, tt.summary, form)
				assert.NotEmpty(t, r.Next, form)
				if tt.outcome != OutcomeCrash {
					continue
				}
				assert.False(t, r.Truncated, "%s: %s", form, r.TruncatedReason)
				assert.Empty(t, r.KnownIssues, form)
				assert.False(t, r.DistroBuild, form)
				assert.NotEqual(t, "arm64", r.ArchHint.Arch, "%s: an amd64 or other trace is never taken for arm64 here", form)
				if runtime.GOARCH == "amd64" {
					if tt.archAmd64 {
						assert.Equal(t, "amd64", r.ArchHint.Arch, "%s: %s", form, r.ArchHint.Reason)
					} else {
						assert.Contains(t, []string{"amd64", "amd64 or 386", "unknown (consistent with arm64)"}, r.ArchHint.Arch, form)
					}
				}
			}
		})
	}
}
