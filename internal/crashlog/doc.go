// Package crashlog is gorepro's one reader of Go crash output: the output
// of a cell's binary (package classify) and a log someone already has
// (package diagnose) are read by the same rules.
//
// # Unwrapping
//
// Read first removes a log's wrapping, in this order:
//   - CRLF line ends, ANSI colour codes, a terminal's echo of Ctrl-\ or
//     Ctrl-C ("^\SIGQUIT: quit");
//   - HTML a paste into an issue is wrapped in: <details>, <summary> and
//     its title, <pre>, <code> and <br> tags, the lines they leave blank,
//     and the character references (&lt;) of the text between them;
//   - Markdown debris of a paste into an issue: code fence lines ("```go",
//     "~~~"), backticks glued to the start of a line, a fence glued to the
//     end of one, a backtick glued to the end of the last line;
//   - transport framing: CRI lines ("2026-01-09T14:16:27.123456789Z stderr
//     F ...", partial "P" lines joined) and docker json-file lines
//     ({"log":"...","stream":"stderr"});
//   - a prefix repeated over the lines, whatever it is: GitHub Actions and
//     kubectl --timestamps times, BuildKit steps ("#6 0.088 "), kubectl
//     --prefix pods, compose services ("app-1  | "), logcat headers
//     ("04-22 20:42:32.717 11258 11351 E Go      : ", "E/Go    ( 3609): "),
//     journald headers ("Apr 29 00:57:11 host containerd[1738]: "), quote
//     marks. Its shape is read from the log itself (findPrefix): fields
//     made mostly of digits or not, and the delimiters that end them. A
//     shape counts only when removing it turns lines into runtime output,
//     so a program's own log prefix ("2024/01/02 15:04:05 ", klog's) stays.
//     A first line cut inside the prefix loses what is left of it. A field
//     of the prefix that varies over a few values (a logcat tag, a compose
//     service, a pod) names each line's writer: the writers are read
//     separately, and the first one with a crash is the one read;
//   - indentation common to every line of a writer;
//   - hard wraps: a frame line a paste broke at a fixed width is joined
//     with the line that completes it;
//   - glued headings: a heading that does not start its line (after a
//     progress counter without a newline, a shell prompt, a status line,
//     or indented in a test's output) is put on a line of its own, its
//     indentation taken off the lines under it, when the structure of a Go
//     crash follows within a few lines: a signal line ("[signal ...",
//     "PC=", "signal arrived during cgo execution"), a goroutine header,
//     "runtime stack:", a frame with its file line, a race report's
//     access. Otherwise the line is left alone: a heading inside a log
//     message is not a crash.
//
// Structured log lines (zap's {"level":...,"msg":...}) are log entries,
// never crashes, even when a field holds a goroutine trace.
//
// The unwrapped text is searched crash by crash (FindCrashes): a SIGQUIT
// goroutine dump is not a crash, further crashes (a container that crashed
// on every restart) come after the first, and a log that ends inside a
// trace still yields the heading and the frames seen, marked truncated.
//
// # Crash headings
//
// A heading is recognised at the start of a line (see glued headings
// above for one inside a line), and lines starting
// with "{" (structured JSON logs, whose "stacktrace" fields often hold
// goroutine traces) are ignored entirely. The headings are "panic: ",
// "fatal error: ", "fatal: morestack on g0", "unexpected signal" and the
// runtime's signal headings ("SIGSEGV: segmentation violation",
// "SIGABRT: abort", any "SIG<NAME>: " but "SIGQUIT: quit", a dump), and
// the race detector's "WARNING: DATA RACE" (see Races). A
// "[signal SIGSEGV: ...]" line that no heading precedes stands for the
// heading a paste left out.
//
// Death lines are headings that need no trace: qemu-user's "qemu: uncaught
// target signal 11 (Segmentation fault) - core dumped" (Crash.Emulator is
// then "qemu-user") and Android libc's "Fatal signal 6 (SIGABRT), ...".
// After a Go crash, a death line only says how that crash ended. Any line
// of qemu-user's own ("qemu: Unsupported syscall: 403") or Rosetta's
// ("rosetta error: ...") shows the program ran under that emulator
// (Reading.Emulator).
//
// go test's alarm, "panic: test timed out after 10m0s", is a timeout, not
// a crash: Crash.TestTimeout holds the -timeout, RunningTests the tests
// listed after "running tests:", and Frames those of the first running
// test's goroutine, when the trace holds it. A heading counts when a trace follows
// it before the next heading: a "goroutine N [...]:" line, a "runtime stack:"
// line or a stack frame (a "panic: " needs a goroutine line). A trace that
// debug.PrintStack or debug.Stack produced (its first frame is
// runtime/debug.Stack) does not make the line before it a heading: that is a
// recovered panic being logged. Without GOTRACEBACK a Go program prints the
// heading alone (GOTRACEBACK=none); a heading without a trace therefore counts
// only when the process exited with status 2, the runtime's crash status, or
// died by a signal. An abridged throw is the exception: a "fatal error: "
// right after the runtime's own "runtime: " diagnostic lines ("runtime:
// taggedPointerPack invalid packing: ...") is a Go crash with a signature
// even when no trace follows and the log goes on (marked Truncated).
//
// # Races
//
// A report of the race detector (a binary built with -race) is a crash of
// its own class: "==================", "WARNING: DATA RACE", the current
// access ("Write at 0x... by goroutine 7:", or the old "Read by goroutine
// 13:") and its stack, the previous access and its stack, the stacks that
// created the goroutines. Its signature is "WARNING: DATA RACE in <first
// meaningful frame of the current access>" (runtime frames such as a map
// assignment skipped); Crash.Race is set and Crash.Details names the other
// access and its frame. go test's "testing.go:1319: race detected during
// execution of test" is the same crash when no report precedes it (the log
// kept only the test's lines), part of the report when one does. Such a
// binary exits with status 66 (RaceExitStatus).
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
// map misuse, goroutine, test and package-initialisation start frames
// (runtime.main, runtime.goexit, testing.tRunner, runtime.doInit), the
// leading frames of a logging library that panics for its caller
// (log.Panic, logrus, zap, testing's t.Log after the test ended) and the
// runtime function the fatal error names ("fatal error: taggedPointerPack"
// skips runtime.taggedPointerPack). Other runtime frames are kept: they are
// the point (runtime.netpollopen). In a goroutine that is blocked rather than
// running (a deadlock, a dump), the leading runtime frames are the parking
// machinery and are skipped too, and so are the leading frames of sync and
// internal/sync ((*Mutex).lockSlow, (*RWMutex).Lock, (*WaitGroup).Wait):
// the caller that blocked is what the reader needs. Under a fatal error or
// panic of the sync package ("fatal error: sync: unlock of unlocked mutex")
// the leading sync frames are skipped in the same way. The sync frames
// skipped are named in Crash.Details. Frames holds up to five meaningful frames,
// function names only, with direct recursion collapsed to one entry.
package crashlog
