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
//   - timeout, too: go test's own alarm ("panic: test timed out after
//     10m0s") in the output of a test binary that exited with a non-zero
//     status. The Reason names the -timeout, the tests still running (Go
//     1.21 and newer list them) and, when the trace holds that test's
//     goroutine, where it was; Frames are that goroutine's.
//   - crash: the process exited with a non-zero status, or was killed by a
//     signal the harness did not send, and its output holds a Go crash
//     heading or a death line, such as qemu-user's "qemu: uncaught target
//     signal 11 (Segmentation fault)" (see package crashlog). A process killed by such a signal without a
//     heading is a crash too, with the signature "killed by SIGKILL" (the
//     signal's name). A crash's Reason says how the process ended ("exit
//     status 2", "killed by SIGABRT" — GOTRACEBACK=crash makes a crashing
//     program abort after printing its trace) followed by the first
//     "runtime: " line printed before the heading, addresses normalised,
//     and the details of the reading (a race's other access, the sync
//     frames skipped to reach their caller).
//   - crash, too: a report of the race detector ("WARNING: DATA RACE", or
//     go test's "race detected during execution of test") in the output of
//     a binary built with -race, whatever its exit status (66 by default,
//     but GORACE's exitcode may make it 0): a race the matrix finds is a
//     failing cell with the signature "WARNING: DATA RACE in <frame>", the
//     first meaningful frame of the current access, never a pass.
//   - pass: the exit status is one of PassExitCodes (default 0) and
//     LogMatches, when set, matches some output line.
//   - fail: everything else; the Reason says which part of the rule failed
//     ("exit status 3", "no output line matched \"Starting workers\"").
//
// What counts as a crash heading, a trace and a signature is package
// crashlog's, the one reader of crash output that diagnose uses too, so
// that a log read by `gorepro diagnose` and the same output of a cell say
// the same.
package classify
