package cellbuild

import (
	"strings"

	"github.com/gorepro/gorepro/internal/crashlog"
	"github.com/gorepro/gorepro/internal/record"
)

// prepareError is a prepare command that failed, with its output, so that
// a crash in it can be named (buildCrashOf).
type prepareError struct {
	// command is the command as the target wrote it, redacted and
	// joined; why says how it failed.
	command, why string
	// goCmd is true when the command's program is the go command.
	goCmd  bool
	output []byte
}

func (e *prepareError) Error() string { return "prepare: " + e.command + ": " + e.why }

// buildCrashOf returns the crash of a program in the output of a failed
// prepare command or go build (stage "prepare" or "build"), or nil when
// the output holds none. goCmd says whether the command's program is the
// go command, whose crash at build time is the toolchain's own and whose
// go run or go generate runs programs the toolchain built.
func buildCrashOf(stage, command string, goCmd bool, out []byte) *record.BuildCrash {
	return crashlog.FirstBuildCrash(out, stage, command, func(lines []string) string { return crashedProgram(stage, goCmd, lines) })
}

// crashedProgram names the program whose crash lines are: the go command,
// the compiler or the linker by their packages in the trace; otherwise,
// under the go command, a program it built and ran (a generator of go
// generate or go run) when preparing, one of its tools when building.
func crashedProgram(stage string, goCmd bool, lines []string) string {
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "cmd/go/") || strings.HasPrefix(l, "cmd/go."):
			return "the go command"
		case strings.HasPrefix(l, "cmd/compile/"):
			return "the compiler"
		case strings.HasPrefix(l, "cmd/link/"):
			return "the linker"
		}
	}
	switch {
	case !goCmd:
		return "the prepare command"
	case stage == "prepare":
		return "a program built by the toolchain"
	}
	return "a program of the toolchain"
}
