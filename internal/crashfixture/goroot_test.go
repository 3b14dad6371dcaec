package crashfixture_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/crashfixture"
	"github.com/gorepro/gorepro/internal/proc"
)

// TestInjectedGOROOT builds a program that opens a file with the injected
// GOROOT and checks that it dies the postmortem's death, while the same
// program built with the local GOROOT passes — and that the local GOROOT's
// runtime source was not touched through the hard link.
func TestInjectedGOROOT(t *testing.T) {
	injected := crashfixture.InjectedGOROOT(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/open\n\ngo 1.23\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(`package main

import (
	"fmt"
	"os"
)

func main() {
	f, err := os.Open("/proc/self/exe")
	if err != nil {
		panic(err)
	}
	f.Close()
	fmt.Println("opened")
}
`), 0o644))
	build := func(goroot, out string) {
		t.Helper()
		res, err := proc.Run(context.Background(), proc.Cmd{
			Argv:    []string{filepath.Join(goroot, "bin", "go"), "build", "-o", out, "."},
			Dir:     dir,
			Env:     proc.Environ(nil, "GOROOT="+goroot, "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false", "CGO_ENABLED=0", "GOWORK=off"),
			Timeout: 5 * time.Minute,
		})
		require.NoError(t, err)
		require.Equal(t, 0, res.ExitCode, "building with %s:\n%s", goroot, res.Output)
	}
	build(injected, filepath.Join(dir, "injected"))
	res := crashfixture.Run(t, dir, "injected", nil, nil, 0)
	out := string(res.Output)
	assert.Equal(t, 2, res.ExitCode, out)
	assert.Regexp(t, `runtime: taggedPointerPack invalid packing: ptr=0x7f[0-9a-f]+ `, out)
	assert.Contains(t, out, "fatal error: taggedPointerPack\n")
	assert.Regexp(t, `(?m)^runtime\.taggedPointerPack\(.*\)\n\t.*/src/runtime/tagptr_64bit\.go:\d+ \+0x12a( fp=.*)?$`, out)
	assert.Contains(t, out, "runtime.netpollopen(")

	local, err := os.ReadFile(filepath.Join(crashfixture.LocalGOROOT(t), "src", "runtime", "tagptr_64bit.go"))
	require.NoError(t, err)
	assert.Contains(t, string(local), "defaultAddrBits = 48 + 1", "the local GOROOT must be untouched")
	build(crashfixture.LocalGOROOT(t), filepath.Join(dir, "local"))
	res = crashfixture.Run(t, dir, "local", nil, nil, 0)
	assert.Equal(t, 0, res.ExitCode, string(res.Output))
	assert.Equal(t, "opened\n", string(res.Output))
}

// TestMakeInjectedGOROOTRefusesOtherSources checks the clear error for a
// GOROOT whose runtime does not have the line the injection replaces.
func TestMakeInjectedGOROOTRefusesOtherSources(t *testing.T) {
	goroot := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(goroot, "src", "runtime"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(goroot, "src", "runtime", "tagptr_64bit.go"), []byte("const defaultAddrBits = 48\n"), 0o644))
	err := crashfixture.MakeInjectedGOROOT(goroot, filepath.Join(t.TempDir(), "go"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `does not hold "defaultAddrBits = 48 + 1" exactly once`)
}
