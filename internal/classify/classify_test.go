package classify

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/record"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	output, err := os.ReadFile(filepath.Join("..", "crashlog", "testdata", name))
	require.NoError(t, err)
	return output
}

func TestClassify(t *testing.T) {
	starting := regexp.MustCompile(`Starting workers`)
	tests := []struct {
		name string
		// file is a testdata trace used as Output; output is used when
		// file is empty.
		file   string
		output string
		in     Input
		want   Result
	}{
		{
			name: "taggedPointerPack crash keeps the runtime line as detail",
			file: "tagged_pointer_pack.txt",
			in:   Input{ExitCode: 2},
			want: Result{
				Outcome:   record.Crash,
				Signature: "fatal error: taggedPointerPack in runtime.netpollopen",
				Frames:    []string{"runtime.netpollopen", "internal/poll.runtime_pollOpen", "internal/poll.(*pollDesc).init", "internal/poll.(*FD).Init", "os.newFile"},
				Reason:    "exit status 2; runtime: taggedPointerPack invalid packing: ptr=0x? tag=0x? packed=0x? -> ptr=0x? tag=0x?",
			},
		},
		{
			name: "stack overflow",
			file: "stack_overflow.txt",
			in:   Input{ExitCode: 2},
			want: Result{
				Outcome:   record.Crash,
				Signature: "fatal error: stack overflow in main.recurse",
				Frames:    []string{"main.recurse", "main.main"},
				Reason:    "exit status 2; runtime: goroutine stack exceeds 1000000000-byte limit",
			},
		},
		{
			name: "GOTRACEBACK=crash abort is the printed panic, the signal in the reason",
			file: "gotraceback_crash.txt",
			in:   Input{ExitCode: -1, Signal: syscall.SIGABRT},
			want: Result{
				Outcome:   record.Crash,
				Signature: "panic: abort crash in main.explode",
				Frames:    []string{"main.explode", "main.main"},
				Reason:    "killed by SIGABRT",
			},
		},
		{
			name: "container exit status 134 of an abort",
			file: "gotraceback_crash.txt",
			in:   Input{ExitCode: 134},
			want: Result{
				Outcome:   record.Crash,
				Signature: "panic: abort crash in main.explode",
				Frames:    []string{"main.explode", "main.main"},
				Reason:    "exit status 134",
			},
		},
		{
			name: "crash even when the exit status is listed as passing",
			file: "deadlock.txt",
			in:   Input{ExitCode: 2, PassExitCodes: []int{0, 2}},
			want: Result{
				Outcome:   record.Crash,
				Signature: "fatal error: all goroutines are asleep - deadlock! in main.main",
				Frames:    []string{"main.main"},
				Reason:    "exit status 2",
			},
		},
		{
			name: "GOTRACEBACK=none heading alone with the runtime's status 2",
			file: "gotraceback_none.txt",
			in:   Input{ExitCode: 2},
			want: Result{Outcome: record.Crash, Signature: "panic: boom", Reason: "exit status 2"},
		},
		{
			name: "heading alone with status 1 is a log message",
			file: "gotraceback_none.txt",
			in:   Input{ExitCode: 1},
			want: Result{Outcome: record.Fail, Reason: "exit status 1"},
		},
		{
			name: "fatal error text without a trace and status 1",
			file: "log_line_fatal_error.txt",
			in:   Input{ExitCode: 1},
			want: Result{Outcome: record.Fail, Reason: "exit status 1"},
		},
		{
			name: "recovered panic printed with debug.PrintStack, exit 0",
			file: "recovered_printstack.txt",
			in:   Input{ExitCode: 0},
			want: Result{Outcome: record.Pass},
		},
		{
			name: "recovered panic printed with debug.PrintStack, exit 1",
			file: "recovered_printstack.txt",
			in:   Input{ExitCode: 1},
			want: Result{Outcome: record.Fail, Reason: "exit status 1"},
		},
		{
			name: "zap JSON log with a stacktrace field",
			file: "zap_json_log.txt",
			in:   Input{ExitCode: 1},
			want: Result{Outcome: record.Fail, Reason: "exit status 1"},
		},
		{
			name: "crash trace but exit 0 is not a crash",
			file: "panic.txt",
			in:   Input{ExitCode: 0},
			want: Result{Outcome: record.Pass},
		},
		{
			name: "harness SIGQUIT dump is a timeout naming the main goroutine",
			file: "sigquit_dump.txt",
			in:   Input{ExitCode: 2, TimedOut: true},
			want: Result{Outcome: record.Timeout, Reason: "timed out; main goroutine in main.main [chan receive]"},
		},
		{
			name:   "timeout without a dump",
			output: "working\n",
			in:     Input{ExitCode: -1, Signal: syscall.SIGKILL, TimedOut: true},
			want:   Result{Outcome: record.Timeout, Reason: "timed out"},
		},
		{
			name: "timeout after a crash printed before the harness's dump",
			output: "panic: boom\n\ngoroutine 7 [running]:\nmain.worker()\n\t/src/main.go:9 +0x25\n" +
				"SIGQUIT: quit\nPC=0x4 m=0 sigcode=0\n\ngoroutine 1 [select (no cases), 3 minutes]:\nmain.main()\n\t/src/main.go:20 +0x1\n",
			in: Input{ExitCode: 2, TimedOut: true},
			want: Result{Outcome: record.Timeout,
				Reason: "timed out; main goroutine in main.main [select (no cases)]; output also shows panic: boom in main.worker"},
		},
		{
			name:   "alive at the deadline with the start-up line passes",
			output: "Starting workers\n",
			in:     Input{ExitCode: -1, Signal: syscall.SIGKILL, TimedOut: true, AliveFor: true, LogMatches: starting},
			want:   Result{Outcome: record.Pass},
		},
		{
			name:   "alive at the deadline without a log rule passes",
			output: "",
			in:     Input{ExitCode: -1, Signal: syscall.SIGKILL, TimedOut: true, AliveFor: true},
			want:   Result{Outcome: record.Pass},
		},
		{
			name:   "alive at the deadline without the start-up line",
			output: "loading\n",
			in:     Input{ExitCode: -1, Signal: syscall.SIGKILL, TimedOut: true, AliveFor: true, LogMatches: starting},
			want:   Result{Outcome: record.Timeout, Reason: `timed out; no output line matched "Starting workers"`},
		},
		{
			name:   "killed by a signal nobody in the harness sent",
			output: "about to die\n",
			in:     Input{ExitCode: -1, Signal: syscall.SIGKILL},
			want:   Result{Outcome: record.Crash, Signature: "killed by SIGKILL", Reason: "killed by SIGKILL"},
		},
		{
			name:   "killed by SIGSEGV without a Go heading",
			output: "",
			in:     Input{ExitCode: -1, Signal: syscall.SIGSEGV},
			want:   Result{Outcome: record.Crash, Signature: "killed by SIGSEGV", Reason: "killed by SIGSEGV"},
		},
		{
			name:   "exit 0 but the start-up line never printed",
			output: "done\n",
			in:     Input{ExitCode: 0, LogMatches: starting},
			want:   Result{Outcome: record.Fail, Reason: `no output line matched "Starting workers"`},
		},
		{
			name:   "exit 0 with the start-up line",
			output: "init\nStarting workers\nbye\n",
			in:     Input{ExitCode: 0, LogMatches: starting},
			want:   Result{Outcome: record.Pass},
		},
		{
			name:   "exit status outside the pass rule",
			output: "error: config file missing\n",
			in:     Input{ExitCode: 3},
			want:   Result{Outcome: record.Fail, Reason: "exit status 3"},
		},
		{
			name:   "exit status and log rule both broken",
			output: "error\n",
			in:     Input{ExitCode: 3, LogMatches: starting},
			want:   Result{Outcome: record.Fail, Reason: `exit status 3; no output line matched "Starting workers"`},
		},
		{
			name:   "exit status listed as passing",
			output: "usage: tool [flags]\n",
			in:     Input{ExitCode: 3, PassExitCodes: []int{0, 3}},
			want:   Result{Outcome: record.Pass},
		},
		{
			name:   "exit 0 not listed as passing",
			output: "",
			in:     Input{ExitCode: 0, PassExitCodes: []int{1}},
			want:   Result{Outcome: record.Fail, Reason: "exit status 0"},
		},
		{
			name:   "CRLF output",
			output: "fatal error: all goroutines are asleep - deadlock!\r\n\r\ngoroutine 1 [chan receive]:\r\nmain.main()\r\n\t/src/main.go:6 +0x25\r\n",
			in:     Input{ExitCode: 2},
			want: Result{Outcome: record.Crash, Signature: "fatal error: all goroutines are asleep - deadlock! in main.main",
				Frames: []string{"main.main"}, Reason: "exit status 2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.Output = []byte(tt.output)
			if tt.file != "" {
				in.Output = readTestdata(t, tt.file)
			}
			got := Classify(in)
			got.Tail, got.Hint = nil, "" // TestClassifyFailTells
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestClassifyFailTells: a fail carries the last lines its run printed
// and, without a pass rule, a pass rule to paste.
func TestClassifyFailTells(t *testing.T) {
	long := strings.Repeat("x", 200)
	out := "starting\n\n  \nline 2\nline 3\n\tline 4  \nline 5\r\n" + long + "\n\n"
	v := Classify(Input{Output: []byte(out), ExitCode: 1})
	assert.Equal(t, record.Fail, v.Outcome)
	assert.Equal(t, []string{"line 2", "line 3", "\tline 4", "line 5", strings.Repeat("x", TailWidth-1) + "…"}, v.Tail)
	assert.Equal(t, `the target has no pass rule, so only exit status 0 passes: if exit status 1 is how it ends here, give the target "pass": {"exitCodes": [0, 1]}; to judge it by its output, "pass": {"logMatches": "REGEXP"} with a regular expression for a line it prints once start-up worked`, v.Hint)

	// The hint's rule is valid config: pasted, the run passes.
	var rule struct {
		Pass struct {
			ExitCodes []int `json:"exitCodes"`
		} `json:"pass"`
	}
	_, js, ok := strings.Cut(v.Hint, "give the target ")
	require.True(t, ok)
	js, _, _ = strings.Cut(js, "; ")
	require.NoError(t, json.Unmarshal([]byte("{"+js+"}"), &rule))
	assert.Equal(t, record.Pass, Classify(Input{Output: []byte(out), ExitCode: 1, PassExitCodes: rule.Pass.ExitCodes}).Outcome)

	// With a pass rule, no hint: the rule is the user's.
	v = Classify(Input{Output: []byte("error\n"), ExitCode: 3, PassExitCodes: []int{0, 1}})
	assert.Equal(t, []string{"error"}, v.Tail)
	assert.Empty(t, v.Hint)
	v = Classify(Input{Output: []byte("done\n"), ExitCode: 0, LogMatches: regexp.MustCompile("Starting")})
	assert.Equal(t, []string{"done"}, v.Tail)
	assert.Empty(t, v.Hint)
	// Nothing printed: no tail.
	assert.Nil(t, Classify(Input{ExitCode: 4}).Tail)
	// Only a fail tells so: a pass and a crash do not.
	assert.Nil(t, Classify(Input{Output: []byte("ok\n")}).Tail)
	assert.Nil(t, Classify(Input{Output: []byte("x\n"), ExitCode: -1, Signal: syscall.SIGKILL}).Tail)
}

func TestSignalName(t *testing.T) {
	assert.Equal(t, "SIGKILL", SignalName(syscall.SIGKILL))
	assert.Equal(t, "SIGABRT", SignalName(syscall.SIGABRT))
	assert.Equal(t, "SIGSEGV", SignalName(syscall.SIGSEGV))
	assert.Equal(t, "SIGQUIT", SignalName(syscall.SIGQUIT))
	assert.Equal(t, "signal 77", SignalName(syscall.Signal(77)))
}
