// Package crashlog is gorepro's one reader of Go crash output: the output
// of a cell's binary (package classify) and a log someone already has
// (package diagnose) are read by the same rules.
//
// # Unwrapping
//
// Read first removes a log's transport wrapping: CRLF line ends, ANSI
// colour codes, CRI prefixes ("2026-01-09T14:16:27.123456789Z stderr F
// ...", partial "P" lines joined), docker json-file lines
// ({"log":"...","stream":"stderr"}), kubectl --timestamps and --prefix
// prefixes, compose service prefixes (each service read separately) and
// indentation common to every line. Structured log lines (zap's
// {"level":...,"msg":...}) are log entries, never crashes, even when a field
// holds a goroutine trace.
//
// The unwrapped text is searched crash by crash (FindCrashes): a SIGQUIT
// goroutine dump is not a crash, further crashes (a container that crashed
// on every restart) come after the first, and a log that ends inside a
// trace still yields the heading and the frames seen, marked truncated.
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
package crashlog
