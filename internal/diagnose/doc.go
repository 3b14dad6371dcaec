// Package diagnose reads a Go crash log someone already has — a container's
// log from Kubernetes or docker, kubectl or compose output, text pasted from
// a bug report — and says what it shows and what to run next.
//
// Log (and LogWith, which adds facts the log does not contain, such as the
// host's architecture) reads the log with package crashlog, the reader the
// matrix's classifier uses too: Markdown, transport framing and any line
// prefix removed, the log split by writer, crashes found crash by crash.
// A race detector's report is a crash with the signature "WARNING: DATA
// RACE in <frame>"; the other access, the sync frames skipped to reach a
// blocked goroutine's caller and similar details of the reading are in
// the notes. go test's alarm is the outcome "timeout", naming the tests
// still running.
// Without a crash the log is "fail" when it reports errors (error:, klog
// E/F lines, zap and logfmt error lines, error-level JSON entries, compiler
// and go command errors, "exit status N") and "no-crash" otherwise. A line
// of qemu-user's own in the log means the program ran emulated.
//
// testdata/corpus holds real logs from public issue trackers, as their
// authors pasted them, with what each must be read as; its README names
// their sources and the recall measured on the logs collected after the
// rules (issue #25).
//
// From the trace the report infers:
//   - the Go version, only when the log reveals it: a GOROOT that names it
//     (/usr/local/go-1.25.3, /root/sdk/go1.25.3, golang.org/toolchain@v0.0.1-go1.24.6...,
//     a CI tool cache, Homebrew's .../Cellar/go/1.22.1/libexec, the Nix store's
//     ...-go-1.17.10/share/go, gimme's versions/go1.12.9.linux.amd64), or a
//     printed "go version go1.25.3" or GoVersion field;
//     a distribution's GOROOT such as /usr/lib/golang does not say it;
//   - the binary's architecture: an assembly file names it (asm_amd64.s,
//     asm_386.s, asm_arm.s, sys_linux_arm.s, and every other port's);
//     otherwise a code offset (+0x12a) that is not a multiple of 4 rules out
//     arm64, whose instructions are all 4 bytes, and 64-bit addresses then
//     say amd64;
//   - whether the Go build is a distribution's (/usr/lib/golang: Fedora,
//     RHEL, UBI go-toolset; /usr/lib/go-1.N: Debian).
//
// Facts the log cannot contain (the host's architecture, the Go version)
// are given by the caller; NormaliseArch and NormaliseGoVersion read them
// as people write them (x86_64, aarch64; 1.25.3, "go version go1.25.3").
//
// # Known issues
//
// KnownIssues is a small database of upstream bugs with a crash signature
// (golang/go#69255, "fatal error: taggedPointerPack" or "lfstack.push" for
// amd64 binaries emulated on arm64 with Go < 1.25.5, and Go crashes under
// qemu-user), each with the Go versions affected, the conditions it needs,
// a workaround and the public sources it rests on. MatchIssues matches
// Facts against it: a match is the likely cause only when every condition
// is known to hold; when one does not hold or is unknown (the host's
// architecture is not in a log) the crash is reported as similar, with the
// reason for each condition.
//
// # Next steps
//
// The commands proposed follow from the facts given and found. A known
// issue the facts do not rule out gets its own steps: for golang/go#69255
// a matrix of native and amd64 cells over the releases around its fix and
// a bisection of the Go version, phrased as conditional when the host is
// unknown. An issue they rule out (the Go version already has the fix, the
// binary ran natively) is said not to be the cause; then, with a known Go
// version, the crashing build is compared with the official build of the
// same version (same version, different build?), and a matrix and git
// bisect follow. Emulated cells next to native ones are proposed only when
// the facts suggest emulation: a binary architecture that is not the
// host's, or an emulator's line in the log.
package diagnose
