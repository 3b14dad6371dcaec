package toolchain

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/container"
)

// TestGoCommandCrash reads a go command's crash out of a failed version
// query (the runtime's own taggedPointerPack trace), and says how to build
// natively when the builder ran emulated; a go that is only missing is not
// a crash.
func TestGoCommandCrash(t *testing.T) {
	trace := []byte("runtime: taggedPointerPack invalid packing: ptr=0x7f3435032e00 tag=0x1 packed=0xfe686a065c000001 -> ptr=0xffffff3435032e00 tag=0x1\n" +
		"fatal error: taggedPointerPack\n\ngoroutine 1 gp=0xc000002380 m=0 mp=0x1 [running]:\n" +
		"runtime.throw({0xbdc2a1?, 0x0?})\n\t/usr/local/go/src/runtime/panic.go:1229 +0x48\n" +
		"runtime.taggedPointerPack(0x7f3435032e00, 0x1)\n\t/usr/local/go/src/runtime/tagptr_64bit.go:60 +0x1e5\n" +
		"runtime.netpollopen(0x3, 0x7f3435032e00)\n\t/usr/local/go/src/runtime/netpoll_epoll.go:39 +0x3e\n" +
		"os.Open({0xbe1b0a, 0x6})\n\t/usr/local/go/src/os/file.go:391 +0x36\n" +
		"cmd/go/internal/cfg.readEnvFile({0x30e5eb4ee240?, 0xaee5a0?}, {0xbdf1cc, 0x6})\n\t/usr/local/go/src/cmd/go/internal/cfg/cfg.go:400 +0x5a\n")
	crash := goCommandCrash(&container.GoVersionError{Image: "x", EnvExit: 2, EnvOutput: trace, VersionExit: 2, VersionOutput: trace})
	require.NotNil(t, crash)
	assert.Equal(t, "the go command", crash.Program)
	assert.Contains(t, crash.Signature, "taggedPointerPack")
	assert.Contains(t, crash.Short(), "the go command crashed when asked its version: taggedPointerPack")

	emulated := &Container{BuilderPlatform: "linux/amd64", BuilderEmulated: true}
	assert.Contains(t, toolchainCrashReason(crash, emulated, "arm64"), `the builder ran emulated: linux/amd64 on an arm64 host; set "runtimeImage"`)
	assert.NotContains(t, toolchainCrashReason(crash, &Container{BuilderPlatform: "linux/amd64"}, "amd64"), "emulated")

	missing := []byte("Error: crun: executable file `go` not found in $PATH: No such file or directory\n")
	assert.Nil(t, goCommandCrash(&container.GoVersionError{Image: "x", EnvExit: 127, EnvOutput: missing, VersionExit: 127, VersionOutput: missing}))
	assert.Nil(t, goCommandCrash(errors.New("other")))
}
