package emulation

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/proc"
)

// requireQemuAarch64 skips the test unless qemu-aarch64 is registered with
// binfmt_misc on an amd64 host (scripts/setup-binfmt.sh), or fails it when
// GOREPRO_REQUIRE_ENGINE=1 (CI).
func requireQemuAarch64(t *testing.T) {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skipf("needs an amd64 host, for which arm64 is foreign (this is %s)", runtime.GOARCH)
	}
	handlers, err := Handlers("")
	require.NoError(t, err)
	for _, h := range handlers {
		if h.Enabled && h.Matches("arm64") {
			return
		}
	}
	if os.Getenv("GOREPRO_REQUIRE_ENGINE") == "1" {
		t.Fatal("GOREPRO_REQUIRE_ENGINE=1 but no arm64 emulator is registered with binfmt_misc (run scripts/setup-binfmt.sh)")
	}
	t.Skip("no arm64 emulator registered with binfmt_misc (run scripts/setup-binfmt.sh as root)")
}

// goCmd runs the local go command in dir with a fixed environment.
func goCmd(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	res, err := proc.Run(context.Background(), proc.Cmd{
		Argv:    append([]string{"go"}, args...),
		Dir:     dir,
		Env:     proc.Environ(nil, append([]string{"GOTOOLCHAIN=local", "GOFLAGS=", "GOWORK=off", "CGO_ENABLED=0"}, env...)...),
		Timeout: 2 * time.Minute,
	})
	require.NoError(t, err)
	require.Zero(t, res.ExitCode, "go %s:\n%s", strings.Join(args, " "), res.Output)
	return string(res.Output)
}

// TestProbeImportsNoOS checks the probe's promise: package os (whose files
// are registered with the network poller) is not even linked.
func TestProbeImportsNoOS(t *testing.T) {
	dir, err := GenerateProbe(t.TempDir())
	require.NoError(t, err)
	for _, goarch := range []string{"amd64", "arm64", "386", "arm", "riscv64", "ppc64le", "s390x", "mips", "loong64"} {
		deps := strings.Fields(goCmd(t, dir, []string{"GOOS=linux", "GOARCH=" + goarch}, "list", "-deps", "."))
		assert.NotContains(t, deps, "os", goarch)
		assert.NotContains(t, deps, "internal/poll", goarch)
		assert.True(t, slices.Contains(deps, "syscall"), goarch)
	}
	goCmd(t, dir, []string{"GOOS=linux", "GOARCH=s390x"}, "vet", ".")
}

// TestProbeRuns builds the probe for this host and for arm64 and runs both:
// natively, and under qemu-user through binfmt_misc, where the compiled
// arch and uname say arm64/aarch64 while /proc/cpuinfo still shows the
// host's CPU.
func TestProbeRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds real binaries")
	}
	dir, err := GenerateProbe(t.TempDir())
	require.NoError(t, err)
	binDir := t.TempDir()
	build := func(goarch string) string {
		out := filepath.Join(binDir, "probe-"+goarch)
		goCmd(t, dir, []string{"GOOS=linux", "GOARCH=" + goarch}, "build", "-o", out, ".")
		return out
	}
	run := func(bin string) *proc.Result {
		res, err := proc.Run(context.Background(), proc.Cmd{Argv: []string{bin}, Timeout: time.Minute})
		require.NoError(t, err)
		require.Zero(t, res.ExitCode, "%s", res.Output)
		return res
	}
	handlers, err := Handlers("")
	require.NoError(t, err)

	native := build(runtime.GOARCH)
	arch, err := ELFArch(native)
	require.NoError(t, err)
	assert.Equal(t, runtime.GOARCH, arch)
	emulated, how := Emulator(arch, runtime.GOARCH, handlers)
	assert.False(t, emulated)
	assert.Empty(t, how)
	nativeFacts, ok := ParseProbe(run(native).Output)
	require.True(t, ok)
	assert.Equal(t, runtime.GOARCH, nativeFacts.GOARCH)
	assert.Equal(t, "linux", nativeFacts.GOOS)
	assert.Equal(t, runtime.Version(), nativeFacts.GoVersion)
	assert.Equal(t, "Linux", nativeFacts.UnameSysname)
	assert.Equal(t, map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH], nativeFacts.UnameMachine)
	assert.Equal(t, os.Getpagesize(), nativeFacts.PageSize)
	assert.Regexp(t, `^0x[0-9a-f]+$`, nativeFacts.MmapHighest)
	assert.False(t, nativeFacts.MmapBit47, "a native Linux process gets addresses below 1<<47")
	assert.LessOrEqual(t, nativeFacts.AddrBits, 47)
	assert.NotEmpty(t, nativeFacts.CPUVendor)
	assert.Empty(t, nativeFacts.Problems)

	t.Run("arm64 under qemu-user", func(t *testing.T) {
		requireQemuAarch64(t)
		bin := build("arm64")
		arch, err := ELFArch(bin)
		require.NoError(t, err)
		assert.Equal(t, "arm64", arch)
		emulated, how := Emulator(arch, runtime.GOARCH, handlers)
		assert.True(t, emulated)
		assert.Equal(t, QemuUser, how)

		facts, ok := ParseProbe(run(bin).Output)
		require.True(t, ok)
		assert.Equal(t, "arm64", facts.GOARCH)
		assert.Equal(t, "aarch64", facts.UnameMachine, "qemu-user reports the emulated machine")
		assert.Equal(t, nativeFacts.UnameRelease, facts.UnameRelease, "same kernel")
		assert.Equal(t, nativeFacts.CPUVendor, facts.CPUVendor, "/proc/cpuinfo gives the real host away")
		assert.True(t, facts.BinfmtMounted)
		assert.Contains(t, facts.Binfmt, "qemu-aarch64 enabled")
		assert.Empty(t, facts.Problems)
	})
}
