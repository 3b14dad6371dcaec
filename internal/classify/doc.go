// Package classify turns what one run of a Go binary did (its output, exit
// status, the signal that killed it, whether the harness stopped it at its
// deadline) into an outcome — pass, crash, fail or timeout — with a
// normalised crash signature, and combines the runs of one cell.
//
// # Outcomes
//
// Classify applies these rules in order:
//
//   - timeout: the harness stopped the process at its deadline (TimedOut).
//     The harness sends SIGQUIT first to get a goroutine dump, so the
//     "SIGQUIT: quit" heading and any trace that follows are not a crash. The
//     Reason names where the main goroutine was blocked when the dump shows
//     it ("timed out; main goroutine in main.main [chan receive]"). The
//     exception is a server rule (AliveFor): being alive at the deadline is a
//     pass, provided LogMatches (if set) matched some line.
//   - crash: the process exited with a non-zero status, or was killed by a
//     signal the harness did not send, and its output holds a Go crash
//     heading (see below). A process killed by such a signal without a
//     heading is a crash too, with the signature "killed by SIGKILL" (the
//     signal's name). A crash's Reason says how the process ended ("exit
//     status 2", "killed by SIGABRT" — GOTRACEBACK=crash makes a crashing
//     program abort after printing its trace) followed by the first
//     "runtime: " line printed before the heading, addresses normalised.
//   - pass: the exit status is one of PassExitCodes (default 0) and
//     LogMatches, when set, matches some output line.
//   - fail: everything else; the Reason says which part of the rule failed
//     ("exit status 3", "no output line matched \"Starting workers\"").
//
// # Crash headings
//
// A heading is recognised only at the start of a line, and lines starting
// with "{" (structured JSON logs, whose "stacktrace" fields often hold
// goroutine traces) are ignored entirely. The headings are "panic: ",
// "fatal error: ", "fatal: morestack on g0", "unexpected signal" and the
// runtime's signal headings ("SIGSEGV: segmentation violation",
// "SIGABRT: abort", any "SIG<NAME>: "). A heading counts when a trace follows
// it before the next heading: a "goroutine N [...]:" line, a "runtime stack:"
// line or a stack frame (a "panic: " needs a goroutine line). A trace that
// debug.PrintStack or debug.Stack produced (its first frame is
// runtime/debug.Stack) does not make the line before it a heading: that is a
// recovered panic being logged. Without GOTRACEBACK a Go program prints the
// heading alone (GOTRACEBACK=none); a heading without a trace therefore counts
// only when the process exited with status 2, the runtime's crash status, or
// died by a signal.
//
// # Signatures
//
// A signature is "<heading> in <first meaningful frame>", for example
// "fatal error: taggedPointerPack in runtime.netpollopen" or "panic: runtime
// error: invalid memory address or nil pointer dereference [signal SIGSEGV:
// segmentation violation] in main.deref". The "[signal ...]" line Go prints
// after some panics and fatal errors is folded into the heading without its
// code, address and pc. Hexadecimal numbers become "0x?" and goroutine ids
// are removed, so the same crash has the same signature in every run.
//
// The frame comes from the first trace block after the heading: the
// crashing goroutine for panics; for a "runtime stack:" (system stack) block,
// or any block with runtime frames only, the goroutine block right after it
// when that one has a frame outside the runtime (a stack overflow names the
// recursing function, not runtime.newstack). Within the block, crash
// machinery is skipped: panic, runtime.gopanic, runtime.panic*,
// runtime.goPanic*, runtime.sigpanic, runtime.throw, runtime.fatal*,
// runtime.newstack, runtime.morestack, runtime.abort, runtime.raise,
// runtime.dieFromSignal, runtime.crash, map internals that report concurrent
// map misuse, goroutine and package-initialisation start frames
// (runtime.main, runtime.goexit, runtime.doInit) and the
// runtime function the fatal error names ("fatal error: taggedPointerPack"
// skips runtime.taggedPointerPack). Other runtime frames are kept: they are
// the point (runtime.netpollopen). In a goroutine that is blocked rather than
// running (a deadlock, a dump), the leading runtime frames are the parking
// machinery and are skipped too. Frames holds up to five meaningful frames,
// function names only, with direct recursion collapsed to one entry.
package classify
