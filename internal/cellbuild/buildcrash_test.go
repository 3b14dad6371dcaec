package cellbuild

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// generatorCrash is what go generate printed when the generator that go
// run built with the injected GOROOT died writing its file.
const generatorCrash = `runtime: taggedPointerPack invalid packing: ptr=0x7f3c8e418e00 tag=0x1 packed=0xfe791c831c000001 -> ptr=0xffffff3c8e418e00 tag=0x1
fatal error: taggedPointerPack

goroutine 1 gp=0xc000002380 m=0 mp=0x5a5e40 [running]:
runtime.throw({0x4d2a0f?, 0x0?})
	/tmp/injected/src/runtime/panic.go:1229 +0x48 fp=0xc00006d9c8 sp=0xc00006d998 pc=0x474a48
runtime.taggedPointerPack(0x7f3c8e418e00, 0x1)
	/tmp/injected/src/runtime/tagptr_64bit.go:67 +0x12a fp=0xc00006da00 sp=0xc00006d9c8 pc=0x4434ca
runtime.netpollopen(0x3, 0x7f3c8e418e00)
	/tmp/injected/src/runtime/netpoll_epoll.go:52 +0x3e fp=0xc00006da40 sp=0xc00006da00 pc=0x436d1e
os.OpenFile({0x4d0e2b, 0xc}, 0x241, 0x1a4)
	/tmp/injected/src/os/file.go:416 +0x59 fp=0xc00006db08 sp=0xc00006dac8 pc=0x4b4e39
os.WriteFile({0x4d0e2b?, 0x0?}, {0xc000012100, 0x6, 0x6}, 0x0?)
	/tmp/injected/src/os/file.go:866 +0x3e fp=0xc00006db58 sp=0xc00006db08 pc=0x4b56de
main.main()
	/work/svc/gen/main.go:7 +0x4d fp=0xc00006df50 sp=0xc00006db58 pc=0x4b8f2d
exit status 2
main.go:11: running "go": exit status 1
`

func TestBuildCrashOf(t *testing.T) {
	bc := buildCrashOf("prepare", "go generate ./...", true, []byte(generatorCrash))
	require.NotNil(t, bc)
	assert.Equal(t, "a program built by the toolchain", bc.Program)
	assert.Equal(t, "fatal error: taggedPointerPack in runtime.netpollopen", bc.Signature)
	assert.Equal(t, "a program built by the toolchain crashed while preparing: taggedPointerPack in runtime.netpollopen (go generate ./...)", bc.String())

	// The same crash in the go command itself, while building.
	goCmd := generatorCrash[:len(generatorCrash)-len("exit status 2\nmain.go:11: running \"go\": exit status 1\n")] +
		"cmd/go/internal/modload.LoadPackages(...)\n\t/tmp/injected/src/cmd/go/internal/modload/load.go:1 +0x1\n"
	bc = buildCrashOf("build", "go build", true, []byte(goCmd))
	require.NotNil(t, bc)
	assert.Equal(t, "the go command", bc.Program)
	assert.Equal(t, "the go command crashed while building: taggedPointerPack in runtime.netpollopen (go build)", bc.String())

	// A shell command's crash, and an ordinary failure that is no crash.
	assert.Equal(t, "the prepare command", buildCrashOf("prepare", "sh gen.sh", false, []byte(generatorCrash)).Program)
	assert.Nil(t, buildCrashOf("build", "go build", true, []byte("./main.go:3:2: undefined: x\n")))
}
