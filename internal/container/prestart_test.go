package container

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrestart starts real run containers before their program exists,
// then runs the program in them: what the program sees and how it ends
// are as in a container Run starts; an abandoned or failed one leaves no
// container behind.
func TestPrestart(t *testing.T) {
	e := realPodman(t)
	ctx := context.Background()
	prog := buildProg(t)
	helper, err := RunwaitBinary(ctx, "", t.TempDir(), runtime.GOARCH)
	require.NoError(t, err)

	// spec runs the program that will be at dir/prog, with dir mounted
	// where it is, as the matrix runs a cell's binary.
	spec := func(dir string, removals *Removals, args ...string) RunSpec {
		name, err := newName()
		require.NoError(t, err)
		return RunSpec{
			Image: runtimeImage, Name: name, Network: "none", Workdir: dir, Env: []string{"GOREPRO_TEST=yes"},
			Mounts: []Mount{{Source: dir, Target: dir}}, Args: append([]string{filepath.Join(dir, "prog")}, args...),
			Cap: 1 << 20, Removals: removals,
		}
	}
	// build puts the program in dir, as a build would.
	build := func(t *testing.T, dir string) {
		data, err := os.ReadFile(prog)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "prog"), data, 0o755))
	}

	t.Run("sees what a fresh container shows", func(t *testing.T) {
		dir := t.TempDir()
		build(t, dir)
		fresh, err := e.Run(ctx, spec(dir, nil, "self"))
		require.NoError(t, err)
		require.Equal(t, 0, fresh.ExitCode, "%s", fresh.Output)

		dir2 := t.TempDir()
		s := spec(dir2, nil, "self")
		p, err := e.Prestart(ctx, s, helper)
		require.NoError(t, err)
		build(t, dir2)
		res, err := p.Run(ctx)
		require.NoError(t, err)
		assert.Equal(t, 0, res.ExitCode, "%s", res.Output)
		// Not PID 1 but the init's child (its number varies with what
		// the runtime started before it).
		want := `^pid=\d+ ppid=1 stdin=/dev/null wd=DIR env=yes\n$`
		assert.Regexp(t, want, strings.ReplaceAll(string(fresh.Output), dir, "DIR"), "a fresh container's program (under --init)")
		assert.Regexp(t, want, strings.ReplaceAll(string(res.Output), dir2, "DIR"), "parent, stdin, working directory and environment as in a fresh container")
		gone(t, e, s.Name)
	})

	t.Run("exit status and signal then removal in the background", func(t *testing.T) {
		dir := t.TempDir()
		var removals Removals
		s := spec(dir, &removals, "panic")
		s.Env = append(s.Env, "GOTRACEBACK=crash")
		p, err := e.Prestart(ctx, s, helper)
		require.NoError(t, err)
		build(t, dir)
		res, err := p.Run(ctx)
		require.NoError(t, err)
		assert.Equal(t, 134, res.ExitCode, "%s", res.Output)
		assert.Equal(t, syscall.SIGABRT, res.Signal)
		assert.Contains(t, string(res.Output), "panic: boom")
		removals.Wait()
		gone(t, e, s.Name)
		_, err = p.Run(ctx)
		assert.Error(t, err, "a prestarted container runs one program")
	})

	t.Run("timeout counts from Run", func(t *testing.T) {
		dir := t.TempDir()
		s := spec(dir, nil, "hang")
		s.Timeout, s.GraceSignal, s.Grace = 2*time.Second, syscall.SIGQUIT, 5*time.Second
		p, err := e.Prestart(ctx, s, helper)
		require.NoError(t, err)
		// Longer than the timeout: the container waits, it does not
		// time out.
		time.Sleep(3 * time.Second)
		build(t, dir)
		res, err := p.Run(ctx)
		require.NoError(t, err)
		assert.True(t, res.TimedOut)
		assert.Equal(t, 2, res.ExitCode, "%s", res.Output)
		assert.Contains(t, string(res.Output), "hanging")
		assert.Contains(t, string(res.Output), "SIGQUIT: quit")
		assert.Less(t, res.Duration, 10*time.Second)
		gone(t, e, s.Name)
	})

	t.Run("program missing", func(t *testing.T) {
		dir := t.TempDir()
		s := spec(dir, nil, "ok")
		p, err := e.Prestart(ctx, s, helper)
		require.NoError(t, err)
		_, err = p.Run(ctx)
		var ce *Error
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, ErrEngineRun, ce.Kind)
		assert.Equal(t, hintExecFailed, ce.Hint)
		gone(t, e, s.Name)
	})

	t.Run("abort", func(t *testing.T) {
		for _, removals := range []*Removals{nil, {}} {
			dir := t.TempDir()
			s := spec(dir, removals, "ok")
			p, err := e.Prestart(ctx, s, helper)
			require.NoError(t, err)
			build(t, dir)
			p.Abort(ctx)
			if removals != nil {
				removals.Wait()
			}
			gone(t, e, s.Name)
			_, err = p.Run(ctx)
			assert.Error(t, err)
		}
	})

	t.Run("image absent", func(t *testing.T) {
		dir := t.TempDir()
		s := spec(dir, nil, "ok")
		s.Image = absentImage
		p, err := e.Prestart(ctx, s, helper)
		require.NoError(t, err)
		build(t, dir)
		_, err = p.Run(ctx)
		var ce *Error
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, ErrImageAbsent, ce.Kind)
	})
}
