package classify

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"syscall"

	"github.com/gorepro/gorepro/internal/crashlog"
	"github.com/gorepro/gorepro/internal/record"
)

// runtimeCrashStatus is the exit status of a Go program the runtime ends
// after a fatal error or an unrecovered panic.
const runtimeCrashStatus = 2

// Input is one finished run.
type Input struct {
	// Output is the combined stdout and stderr as captured.
	Output []byte
	// ExitCode is the exit status, -1 when the process was killed by a
	// signal.
	ExitCode int
	// Signal is the signal that killed the process, 0 when none did.
	Signal syscall.Signal
	// TimedOut is true when the harness stopped the process at its
	// deadline (with SIGQUIT for a goroutine dump, then SIGKILL).
	TimedOut bool
	// PassExitCodes are the exit statuses that pass (empty means [0]).
	PassExitCodes []int
	// LogMatches, when set, must match some output line for a pass.
	LogMatches *regexp.Regexp
	// AliveFor makes being stopped at the deadline a pass (a server still
	// alive after its start-up time), provided LogMatches (if any) matched.
	AliveFor bool
}

// Result is what Classify concluded about one run: its outcome and what
// explains it.
type Result struct {
	Outcome record.Outcome
	// Signature identifies a crash without addresses or goroutine ids;
	// empty unless Outcome is crash.
	Signature string
	// Frames are the first meaningful frames of the crashing goroutine
	// (function names only, at most five).
	Frames []string
	// Reason says in one line why the run failed, timed out or crashed,
	// e.g. "exit status 3" or "killed by SIGKILL"; empty for a pass.
	Reason string
	// Tail holds, for a fail, the last lines the run printed: at most
	// TailLines non-empty lines, each cut to TailWidth characters.
	Tail []string
	// Hint says, for a fail by exit status when the target has no pass
	// rule, which pass rule would accept the run if its end was expected.
	Hint string
}

// TailLines and TailWidth bound Result.Tail.
const (
	TailLines = 5
	TailWidth = 160
)

// Classify decides the outcome of one run; the package documentation gives
// the rules.
func Classify(in Input) Result {
	// The pass rule sees the output as printed; crashes are looked for as
	// in any log (crashlog.Read): in the writer that crashed, unwrapped.
	lines := crashlog.Read(in.Output).Source.Lines
	logProblem := ""
	if in.LogMatches != nil && !anyLineMatches(crashlog.SplitLines(in.Output), in.LogMatches) {
		logProblem = fmt.Sprintf("no output line matched %q", in.LogMatches.String())
	}

	if in.TimedOut {
		if in.AliveFor && logProblem == "" {
			return Result{Outcome: record.Pass}
		}
		return Result{Outcome: record.Timeout, Reason: timeoutReason(lines, logProblem)}
	}

	signaled := in.Signal != 0
	if signaled || in.ExitCode != 0 {
		weak := signaled || in.ExitCode == runtimeCrashStatus || in.ExitCode == crashlog.RaceExitStatus
		if info, ok := crashlog.ParseCrash(lines, weak); ok {
			if info.TestTimeout != "" {
				return Result{Outcome: record.Timeout, Frames: info.Frames, Reason: testTimeoutReason(info)}
			}
			return crashResult(in, info)
		}
		if signaled {
			reason := endReason(in)
			return Result{Outcome: record.Crash, Signature: reason, Reason: reason}
		}
	}

	if info, ok := crashlog.ParseCrash(lines, false); ok && info.Race {
		// A -race binary that found a race fails even when GORACE's
		// exitcode made it exit 0.
		return crashResult(in, info)
	}

	passCodes := in.PassExitCodes
	if len(passCodes) == 0 {
		passCodes = []int{0}
	}
	var problems []string
	exitProblem := !slices.Contains(passCodes, in.ExitCode)
	if exitProblem {
		problems = append(problems, endReason(in))
	}
	if logProblem != "" {
		problems = append(problems, logProblem)
	}
	if len(problems) == 0 {
		return Result{Outcome: record.Pass}
	}
	v := Result{Outcome: record.Fail, Reason: strings.Join(problems, "; "), Tail: Tail(in.Output)}
	if exitProblem && len(in.PassExitCodes) == 0 && in.LogMatches == nil {
		v.Hint = passRuleHint(in.ExitCode)
	}
	return v
}

// crashResult is the result of a run whose output holds the crash info:
// the reason says how the process ended, then the runtime's diagnostic and
// the details of the reading (a race's other access, sync frames skipped).
func crashResult(in Input, info crashlog.Crash) Result {
	reason := endReason(in)
	if info.RuntimeDetail != "" {
		reason += "; " + info.RuntimeDetail
	}
	for _, d := range info.Details {
		reason += "; " + d
	}
	return Result{Outcome: record.Crash, Signature: info.Signature(), Frames: info.Frames, Reason: reason}
}

// passRuleHint suggests the pass rule for a program that ended with exit
// status code and has none, as config JSON that can be pasted.
func passRuleHint(code int) string {
	return fmt.Sprintf(`the target has no pass rule, so only exit status 0 passes: if exit status %d is how it ends here, give the target "pass": {"exitCodes": [0, %d]}; to judge it by its output, "pass": {"logMatches": "REGEXP"} with a regular expression for a line it prints once start-up worked`, code, code)
}

// Tail returns the last lines of output for a reader: at most TailLines
// non-empty lines, each cut to TailWidth characters with "…", without
// trailing spaces.
func Tail(output []byte) []string {
	lines := crashlog.SplitLines(output)
	var tail []string
	for i := len(lines) - 1; i >= 0 && len(tail) < TailLines; i-- {
		line := strings.TrimRight(lines[i], " \t")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if runes := []rune(line); len(runes) > TailWidth {
			line = strings.TrimRight(string(runes[:TailWidth-1]), " ") + "…"
		}
		tail = append(tail, line)
	}
	slices.Reverse(tail)
	return tail
}

// endReason says how the process ended: "exit status 3" or "killed by
// SIGABRT".
func endReason(in Input) string {
	if in.Signal != 0 {
		return "killed by " + SignalName(in.Signal)
	}
	return fmt.Sprintf("exit status %d", in.ExitCode)
}

// timeoutReason explains a timeout: the unmatched log rule if any, where the
// main goroutine was blocked when the harness's dump shows it, and a crash
// heading seen before the harness's SIGQUIT.
func timeoutReason(lines []string, logProblem string) string {
	parts := []string{"timed out"}
	if logProblem != "" {
		parts = append(parts, logProblem)
	}
	if where, ok := crashlog.MainGoroutine(lines); ok {
		parts = append(parts, "main goroutine in "+where)
	}
	if info, ok := crashlog.ParseCrash(beforeHarnessDump(lines), false); ok {
		parts = append(parts, "output also shows "+info.Signature())
	}
	return strings.Join(parts, "; ")
}

// testTimeoutReason explains go test's own timeout: its -timeout and the
// tests it names as still running.
func testTimeoutReason(info crashlog.Crash) string {
	reason := "go test's -timeout of " + info.TestTimeout + " fired"
	if len(info.RunningTests) > 0 {
		reason += "; running tests: " + strings.Join(info.RunningTests, ", ")
	}
	if len(info.Frames) > 0 {
		reason += "; the test was in " + info.Frames[0]
	}
	return reason
}

// beforeHarnessDump returns the lines before the last "SIGQUIT: quit"
// heading, the dump the harness asks for at the deadline.
func beforeHarnessDump(lines []string) []string {
	for i := len(lines) - 1; i >= 0; i-- {
		if lines[i] == "SIGQUIT: quit" {
			return lines[:i]
		}
	}
	return lines
}

// anyLineMatches reports whether re matches some line.
func anyLineMatches(lines []string, re *regexp.Regexp) bool {
	for _, line := range lines {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}
