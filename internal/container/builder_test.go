package container

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/proc"
)

// TestBuilder starts a real builder container on the local builder image
// and runs commands in it: output, exit statuses, a command that cannot
// start, a deadline, a cancellation, commands side by side; Close leaves
// no container behind.
func TestBuilder(t *testing.T) {
	e := realPodman(t)
	ctx := context.Background()
	helper, err := BuilderdBinary(ctx, "", t.TempDir(), runtime.GOARCH)
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello from the host\n"), 0o644))
	b, err := e.StartBuilder(ctx, RunSpec{
		Image: builderImage(), Network: "none", User: "0:0",
		Labels: map[string]string{"gorepro.role": "builder"},
		Mounts: []Mount{{Source: dir, Target: dir}},
	}, helper)
	require.NoError(t, err)
	defer gone(t, e, b.Name())
	defer b.Close(ctx)

	t.Run("output and environment", func(t *testing.T) {
		res, err := b.Exec(ctx, ExecSpec{Args: []string{"go", "env", "GOVERSION", "GOFLAGS"}, Dir: dir, Env: []string{"GOFLAGS=-mod=mod", "GOTOOLCHAIN=local"}})
		require.NoError(t, err)
		assert.Equal(t, 0, res.ExitCode)
		assert.Equal(t, strings.Fields(runtime.Version())[0]+"\n-mod=mod\n", string(res.Output))
	})
	t.Run("exit status", func(t *testing.T) {
		res, err := b.Exec(ctx, ExecSpec{Args: []string{"go", "frobnicate"}, Dir: dir})
		require.NoError(t, err)
		assert.Equal(t, 2, res.ExitCode)
		assert.Contains(t, string(res.Output), "unknown command")
	})
	t.Run("cannot start", func(t *testing.T) {
		_, err := b.Exec(ctx, ExecSpec{Args: []string{"/no/such/program"}, Dir: dir})
		var ce *Error
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, ErrEngineRun, ce.Kind)
		assert.Contains(t, ce.Msg, "no such file")
	})
	t.Run("deadline", func(t *testing.T) {
		// go run compiles a program that sleeps (a bare select{} would
		// die at once of the runtime's deadlock check); killed at the
		// deadline with its whole process group.
		prog := filepath.Join(dir, "block.go")
		require.NoError(t, os.WriteFile(prog, []byte("package main\n\nimport \"time\"\n\nfunc main() { time.Sleep(time.Hour) }\n"), 0o644))
		res, err := b.Exec(ctx, ExecSpec{Args: []string{"go", "run", prog}, Dir: dir, Env: []string{"GOCACHE=/tmp/gocache", "GOTOOLCHAIN=local"}, Timeout: 20 * time.Second})
		require.NoError(t, err)
		assert.True(t, res.TimedOut)
		assert.Equal(t, -1, res.ExitCode)
		assert.Equal(t, syscall.SIGKILL, res.Signal)
	})
	t.Run("cancel", func(t *testing.T) {
		// The command says it started on its output; the test cancels
		// then. It sleeps: a bare select {} would be the runtime's
		// "all goroutines are asleep - deadlock!", an exit of its own
		// that raced the cancel (CI saw Canceled false under load).
		prog := filepath.Join(dir, "wait.go")
		require.NoError(t, os.WriteFile(prog, []byte("package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() { fmt.Println(\"started\"); time.Sleep(time.Hour) }\n"), 0o644))
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		tee := &notifyWriter{written: make(chan struct{})}
		done := make(chan *proc.Result, 1)
		go func() {
			res, err := b.Exec(cctx, ExecSpec{Args: []string{"go", "run", prog}, Dir: dir, Env: []string{"GOCACHE=/tmp/gocache", "GOTOOLCHAIN=local"}, Tee: tee})
			assert.NoError(t, err)
			done <- res
		}()
		<-tee.written
		cancel()
		res := <-done
		assert.True(t, res.Canceled, "%+v: %s", res, res.Output)
		assert.False(t, res.TimedOut)
	})
	t.Run("side by side", func(t *testing.T) {
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				res, err := b.Exec(ctx, ExecSpec{Args: []string{"go", "version"}, Dir: dir, Env: []string{"GOTOOLCHAIN=local"}})
				if err == nil && (res.ExitCode != 0 || !strings.HasPrefix(string(res.Output), "go version ")) {
					err = assert.AnError
				}
				errs <- err
			}()
		}
		for range 4 {
			assert.NoError(t, <-errs)
		}
	})
}

// TestBuilderEndsWithItsClient: when the process that started a builder
// dies (killed: no Close), builderd reads end of file and the container
// goes away by itself (--rm).
func TestBuilderEndsWithItsClient(t *testing.T) {
	e := realPodman(t)
	ctx := context.Background()
	helper, err := BuilderdBinary(ctx, "", t.TempDir(), runtime.GOARCH)
	require.NoError(t, err)
	name, err := newName()
	require.NoError(t, err)
	// The engine client, started as StartBuilder does, its standard input
	// a pipe that this test holds, as gorepro would.
	argv := e.BuilderArgv(RunSpec{Image: builderImage(), Name: name, Network: "none"}, helper)
	cmd := exec.Command(argv[0], argv[1:]...)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line := make([]byte, 64)
	n, err := stdout.Read(line) // builderd's ready line: the container runs
	require.NoError(t, err)
	require.Contains(t, string(line[:n]), `"ready":true`)
	require.NoError(t, stdin.Close()) // what the kernel does when gorepro is killed
	require.NoError(t, cmd.Wait())
	gone(t, e, name)
}

// notifyWriter discards what is written, and closes written at the first
// write.
type notifyWriter struct {
	once    sync.Once
	written chan struct{}
}

func (w *notifyWriter) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.written) })
	return len(p), nil
}

// TestBuilderdBinaryConcurrent: builders of one run (or of two gorepro
// processes) starting at once each get builderd, built once per source
// and architecture, at one path.
func TestBuilderdBinaryConcurrent(t *testing.T) {
	dir := t.TempDir()
	paths := make(chan string, 4)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			p, err := BuilderdBinary(context.Background(), "", dir, runtime.GOARCH)
			paths <- p
			errs <- err
		}()
	}
	first := <-paths
	require.NoError(t, <-errs)
	for range 3 {
		assert.Equal(t, first, <-paths)
		assert.NoError(t, <-errs)
	}
	fi, err := os.Stat(first)
	require.NoError(t, err)
	assert.True(t, fi.Mode().IsRegular())
	left, err := filepath.Glob(filepath.Join(filepath.Dir(first), "build-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "no temporary build directory is left")
}
