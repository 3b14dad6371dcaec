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

	// Without Removals runwait replaces itself with the program; with
	// them it is the container's init and the run ends at its markers.
	modes := []struct {
		name     string
		removals func() *Removals
	}{
		{"runwait execs", func() *Removals { return nil }},
		{"runwait is the init", func() *Removals { return &Removals{} }},
	}
	// wait waits for removals, when there are some.
	wait := func(removals *Removals) {
		if removals != nil {
			removals.Wait()
		}
	}
	// start prestarts, in the way of mode, the run of the program that
	// will be in a new directory with args; edit changes its spec first.
	start := func(t *testing.T, removals *Removals, edit func(*RunSpec), args ...string) (string, RunSpec, *Prestarted) {
		dir := t.TempDir()
		s := spec(dir, removals, args...)
		if edit != nil {
			edit(&s)
		}
		p, err := e.Prestart(ctx, s, helper)
		require.NoError(t, err)
		return dir, s, p
	}

	t.Run("sees what a fresh container shows", func(t *testing.T) {
		dir := t.TempDir()
		build(t, dir)
		fresh, err := e.Run(ctx, spec(dir, nil, "self"))
		require.NoError(t, err)
		require.Equal(t, 0, fresh.ExitCode, "%s", fresh.Output)

		// Not PID 1 but the init's child (its number varies with what
		// the runtime started before it).
		want := `^pid=\d+ ppid=1 stdin=/dev/null wd=DIR env=yes\n$`
		assert.Regexp(t, want, strings.ReplaceAll(string(fresh.Output), dir, "DIR"), "a fresh container's program (under --init)")
		for _, mode := range modes {
			removals := mode.removals()
			dir2, s, p := start(t, removals, nil, "self")
			build(t, dir2)
			res, err := p.Run(ctx)
			require.NoError(t, err)
			assert.Equal(t, 0, res.ExitCode, "%s: %s", mode.name, res.Output)
			assert.Regexp(t, want, strings.ReplaceAll(string(res.Output), dir2, "DIR"), "%s: parent, stdin, working directory and environment as in a fresh container", mode.name)
			wait(removals)
			gone(t, e, s.Name)
		}
	})

	t.Run("runwait as init: all output of both streams; the status; orphans", func(t *testing.T) {
		dir := t.TempDir()
		build(t, dir)
		fresh, err := e.Run(ctx, spec(dir, nil, "flood"))
		require.NoError(t, err)
		var removals Removals
		s := spec(dir, &removals, "flood")
		p, err := e.Prestart(ctx, s, helper)
		require.NoError(t, err)
		res, err := p.Run(ctx)
		require.NoError(t, err)
		assert.Equal(t, 5, res.ExitCode)
		assert.Equal(t, fresh.OutputBytes, res.OutputBytes, "as many bytes as a fresh container's run, no marker among them")
		assert.NotContains(t, string(res.Output), "gorepro-runwait-end")
		for _, end := range []string{"END-OUT", "END-ERR", "out line 19999\n", "err line 19999\n"} {
			assert.Contains(t, string(res.Output), end)
		}

		dir2 := t.TempDir()
		build(t, dir2)
		s2 := spec(dir2, &removals, "orphan")
		p2, err := e.Prestart(ctx, s2, helper)
		require.NoError(t, err)
		res, err = p2.Run(ctx)
		require.NoError(t, err)
		assert.Equal(t, 0, res.ExitCode, "%s", res.Output)
		assert.Contains(t, string(res.Output), "left ")
		removals.Wait()
		gone(t, e, s.Name)
		gone(t, e, s2.Name)
	})

	t.Run("exit status and signal then removal in the background", func(t *testing.T) {
		for _, mode := range modes {
			removals := mode.removals()
			dir, s, p := start(t, removals, func(s *RunSpec) { s.Env = append(s.Env, "GOTRACEBACK=crash") }, "panic")
			build(t, dir)
			res, err := p.Run(ctx)
			require.NoError(t, err)
			assert.Equal(t, 134, res.ExitCode, "%s: %s", mode.name, res.Output)
			assert.Equal(t, syscall.SIGABRT, res.Signal, mode.name)
			assert.Contains(t, string(res.Output), "panic: boom", mode.name)
			wait(removals)
			gone(t, e, s.Name)
			_, err = p.Run(ctx)
			assert.Error(t, err, "a prestarted container runs one program")
		}
	})

	t.Run("timeout counts from Run", func(t *testing.T) {
		for _, mode := range modes {
			removals := mode.removals()
			dir, s, p := start(t, removals, func(s *RunSpec) { s.Timeout, s.GraceSignal, s.Grace = 2*time.Second, syscall.SIGQUIT, 5*time.Second }, "hang")
			// Longer than the timeout: the container waits, it does not
			// time out.
			time.Sleep(3 * time.Second)
			build(t, dir)
			res, err := p.Run(ctx)
			require.NoError(t, err)
			assert.True(t, res.TimedOut, mode.name)
			assert.Equal(t, 2, res.ExitCode, "%s: %s", mode.name, res.Output)
			assert.Contains(t, string(res.Output), "hanging", mode.name)
			assert.Contains(t, string(res.Output), "SIGQUIT: quit", "%s: the grace signal reaches the program", mode.name)
			assert.Less(t, res.Duration, 10*time.Second, mode.name)
			wait(removals)
			gone(t, e, s.Name)
		}
	})

	t.Run("program missing", func(t *testing.T) {
		for _, mode := range modes {
			removals := mode.removals()
			_, s, p := start(t, removals, nil, "ok")
			_, err := p.Run(ctx)
			var ce *Error
			require.ErrorAs(t, err, &ce, mode.name)
			assert.Equal(t, ErrEngineRun, ce.Kind, mode.name)
			assert.Equal(t, hintExecFailed, ce.Hint, mode.name)
			wait(removals)
			gone(t, e, s.Name)
		}
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
