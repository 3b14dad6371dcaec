// Package crashfixture builds and runs the real crashing, failing, hanging
// and serving programs under internal/classify/testdata/fixtures for end-to-end
// tests: one go build of every program, and runs the way the matrix runs a
// cell's binary (proc.Run with a deadline, then SIGQUIT and a grace period,
// GOTRACEBACK unset unless a test sets it). The classify and diagnose tests
// use it, so both look at what the runtime really printed.
//
// It also makes the injected GOROOT (MakeInjectedGOROOT,
// SharedInjectedGOROOT, InjectedGOROOT): a hard-link copy of the local
// GOROOT (modtree.Copy with Link) whose runtime packs pointers with 47 address bits, so that amd64
// binaries built with it die with golang/go#69255's "fatal error:
// taggedPointerPack" in runtime.netpollopen natively, with no emulator and
// no old Go release. The end-to-end scripts use it as a kind goroot
// toolchain.
//
// It is a test helper: it reports failures through testing.TB.
package crashfixture

import (
	"context"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/proc"
)

// DefaultTimeout is a fixture run's deadline when Run is given none.
const DefaultTimeout = 20 * time.Second

// Build builds every fixture program with one go build into a temporary
// directory of t and returns that directory; each program's binary is named
// after its directory.
func Build(t testing.TB) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to build the fixture programs")
	fixtures := fixturesDir(t)
	binDir := t.TempDir()
	res, err := proc.Run(context.Background(), proc.Cmd{
		Argv:    []string{goTool, "build", "-o", binDir + string(filepath.Separator), "./..."},
		Dir:     fixtures,
		Env:     proc.Environ(nil, "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false", "CGO_ENABLED=0", "GOWORK=off"),
		Timeout: 2 * time.Minute,
	})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, "building fixtures:\n%s", res.Output)
	return binDir
}

// BuildTest compiles the tests of the fixture package pkg (go test -c)
// into binDir as pkg+".test" and returns that path: a test binary, run as
// a cell's binary would be.
func BuildTest(t testing.TB, binDir, pkg string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to build the fixture tests")
	out := filepath.Join(binDir, pkg+".test")
	res, err := proc.Run(context.Background(), proc.Cmd{
		Argv:    []string{goTool, "test", "-c", "-o", out, "./" + pkg},
		Dir:     fixturesDir(t),
		Env:     proc.Environ(nil, "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false", "CGO_ENABLED=0", "GOWORK=off"),
		Timeout: 2 * time.Minute,
	})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, "building the tests of %s:\n%s", pkg, res.Output)
	return out
}

// fixturesDir returns the directory of the fixture programs' module.
func fixturesDir(t testing.TB) string {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	require.True(t, ok, "locating the crashfixture package's source")
	return filepath.Join(filepath.Dir(self), "..", "classify", "testdata", "fixtures")
}

// Run runs the fixture program of binDir (from Build) with args as the
// matrix runs a cell: env added to an environment without GOTRACEBACK, a
// deadline of timeout (DefaultTimeout when 0), then SIGQUIT and one second
// of grace before SIGKILL.
func Run(t testing.TB, binDir, program string, args, env []string, timeout time.Duration) *proc.Result {
	t.Helper()
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	res, err := proc.Run(context.Background(), proc.Cmd{
		Argv:        append([]string{filepath.Join(binDir, program)}, args...),
		Env:         proc.Environ(nil, append([]string{"GOTRACEBACK="}, env...)...),
		Timeout:     timeout,
		GraceSignal: syscall.SIGQUIT,
		Grace:       time.Second,
	})
	require.NoError(t, err)
	return res
}
