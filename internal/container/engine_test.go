package container

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/testneed"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Images made by scripts/build-test-images.sh (never pulled).
const (
	runtimeImage  = "localhost/gorepro-test/runtime:latest"
	builderPrefix = "localhost/gorepro-test/go:"
	absentImage   = "localhost/gorepro-test/absent:never"
)

// builderImage is the local builder image of the Go that built this test.
func builderImage() string {
	return builderPrefix + strings.TrimPrefix(strings.Fields(runtime.Version())[0], "go")
}

// unavailable skips the test (or fails it when GOREPRO_REQUIRE_ENGINE=1).
func unavailable(t *testing.T, why string) {
	t.Helper()
	testneed.Engine(t, "podman not available: "+why)
}

// realPodman returns the running podman with the test images, or skips.
func realPodman(t *testing.T) *Engine {
	t.Helper()
	e, err := Detect(Podman)
	if err != nil {
		unavailable(t, err.Error())
	}
	ctx := context.Background()
	if _, err := e.Info(ctx); err != nil {
		unavailable(t, err.Error())
	}
	for _, ref := range []string{runtimeImage, builderImage()} {
		im, err := e.Inspect(ctx, ref)
		require.NoError(t, err)
		if !im.Present {
			unavailable(t, ref+" missing: run scripts/build-test-images.sh")
		}
	}
	return e
}

// buildProg builds testdata/prog as a static binary for the engine host.
func buildProg(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "prog"))
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "prog")
	res, err := proc.Run(context.Background(), proc.Cmd{
		Argv: []string{"go", "build", "-o", bin, "."},
		Dir:  dir,
		Env:  proc.Environ(nil, "CGO_ENABLED=0", "GOOS=linux", "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false"),
	})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, "%s", res.Output)
	return bin
}

// gone asserts that no container with that name exists.
func gone(t *testing.T, e *Engine, name string) {
	t.Helper()
	res, err := proc.Run(context.Background(), proc.Cmd{Argv: []string{e.Cmd, "ps", "-a", "--filter", "name=^" + name + "$", "--format", "{{.Names}}"}})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, "%s", res.Output)
	assert.Empty(t, strings.TrimSpace(string(res.Output)), "container %s still exists", name)
}

func TestPodman(t *testing.T) {
	e := realPodman(t)
	ctx := context.Background()
	prog := buildProg(t)
	progSpec := func(args ...string) RunSpec {
		name, err := newName()
		require.NoError(t, err)
		return RunSpec{
			Image: runtimeImage, Name: name, Network: "none",
			Mounts:     []Mount{{Source: prog, Target: "/gorepro/prog", ReadOnly: true}},
			Entrypoint: "/gorepro/prog", Args: args, Cap: 1 << 20,
		}
	}

	t.Run("Info", func(t *testing.T) {
		t.Parallel()
		info, err := e.Info(ctx)
		require.NoError(t, err)
		assert.Equal(t, Podman, info.Name)
		assert.Equal(t, "linux", info.HostOS)
		assert.Equal(t, runtime.GOARCH, info.HostArch)
		assert.Regexp(t, `^\d+\.\d+`, info.Version)
	})

	t.Run("users known without podman info are what podman info says", func(t *testing.T) {
		t.Parallel()
		here, ok := podmanUsersHere(e.localLinux.Load(), runtime.GOOS, os.Geteuid(), os.Getegid(), os.Getenv)
		require.True(t, ok, "a local podman on Linux answers without podman info")
		asked := &Engine{Name: Podman, Cmd: e.Cmd} // no Info: users asks podman info
		got, err := asked.users(ctx)
		require.NoError(t, err)
		assert.Equal(t, got, here)
	})

	t.Run("Inspect", func(t *testing.T) {
		t.Parallel()
		im, err := e.Inspect(ctx, absentImage)
		require.NoError(t, err)
		assert.Equal(t, &Image{Ref: absentImage}, im)

		im, err = e.Inspect(ctx, runtimeImage)
		require.NoError(t, err)
		assert.True(t, im.Present)
		assert.Equal(t, "linux", im.OS)
		assert.Equal(t, runtime.GOARCH, im.Arch)
		assert.Equal(t, "linux/"+runtime.GOARCH, im.Platform())
		assert.Regexp(t, `^[0-9a-f]{64}$`, im.ID)
		assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, im.Digest)
		assert.Equal(t, "true", im.Labels["gorepro.test-image"])
	})

	t.Run("Ensure", func(t *testing.T) {
		t.Parallel()
		_, err := e.Ensure(ctx, absentImage, PullNever, "")
		var ee *Error
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, ErrImageAbsent, ee.Kind)
		assert.Equal(t, "pull it (podman pull "+absentImage+") or run with --pull missing", ee.Hint)

		im, err := e.Ensure(ctx, runtimeImage, PullNever, "linux/"+runtime.GOARCH)
		require.NoError(t, err)
		assert.True(t, im.Present)

		other := "linux/arm64"
		if runtime.GOARCH == "arm64" {
			other = "linux/amd64"
		}
		_, err = e.Ensure(ctx, runtimeImage, PullNever, other)
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, ErrImageAbsent, ee.Kind)
		assert.Contains(t, ee.Msg, "not "+other)
	})

	t.Run("GoVersion", func(t *testing.T) {
		t.Parallel()
		version, raw, _, err := e.GoVersion(ctx, builderImage(), "")
		require.NoError(t, err)
		assert.Equal(t, strings.Fields(runtime.Version())[0], version)
		assert.Equal(t, runtime.Version(), raw)
	})

	t.Run("Run", func(t *testing.T) {
		tests := []struct {
			name       string
			args       []string
			env        []string
			wantExit   int
			wantSignal syscall.Signal
			wantOutput []string
		}{
			{name: "exit 0", args: []string{"ok"}, wantOutput: []string{"hello from the container\n", "and from its stderr\n"}},
			{name: "exit 3", args: []string{"exit3"}, wantExit: 3, wantOutput: []string{"exiting with 3"}},
			{name: "panic", args: []string{"panic"}, wantExit: 2, wantOutput: []string{"panic: boom", "goroutine 1 [running]:"}},
			{name: "abort", args: []string{"panic"}, env: []string{"GOTRACEBACK=crash"}, wantExit: 134, wantSignal: syscall.SIGABRT,
				wantOutput: []string{"panic: boom", "goroutine 1 gp="}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				spec := progSpec(tt.args...)
				spec.Env = tt.env
				res, err := e.Run(ctx, spec)
				require.NoError(t, err)
				assert.Equal(t, tt.wantExit, res.ExitCode, "%s", res.Output)
				assert.Equal(t, tt.wantSignal, res.Signal)
				assert.False(t, res.TimedOut)
				assert.False(t, res.Canceled)
				for _, want := range tt.wantOutput {
					assert.Contains(t, string(res.Output), want)
				}
				gone(t, e, spec.Name)
			})
		}

		t.Run("timeout with SIGQUIT grace", func(t *testing.T) {
			t.Parallel()
			spec := progSpec("hang")
			spec.Timeout, spec.GraceSignal, spec.Grace = 2*time.Second, syscall.SIGQUIT, 5*time.Second
			res, err := e.Run(ctx, spec)
			require.NoError(t, err)
			assert.True(t, res.TimedOut)
			assert.False(t, res.Canceled)
			// The Go runtime exits 2 after its SIGQUIT dump.
			assert.Equal(t, 2, res.ExitCode, "%s", res.Output)
			out := string(res.Output)
			assert.Contains(t, out, "hanging")
			assert.Contains(t, out, "SIGQUIT: quit")
			assert.Contains(t, out, "main.main()")
			assert.Less(t, res.Duration, 6*time.Second)
			gone(t, e, spec.Name)
		})

		t.Run("timeout without grace", func(t *testing.T) {
			t.Parallel()
			spec := progSpec("hang")
			spec.Timeout = 2 * time.Second
			res, err := e.Run(ctx, spec)
			require.NoError(t, err)
			assert.True(t, res.TimedOut)
			assert.Equal(t, 137, res.ExitCode, "%s", res.Output)
			assert.Equal(t, syscall.SIGKILL, res.Signal)
			t.Logf("output: %q", res.Output)
			assert.Less(t, res.Duration, 6*time.Second)
			gone(t, e, spec.Name)
		})

		t.Run("cancellation", func(t *testing.T) {
			t.Parallel()
			spec := progSpec("hang")
			cctx, cancel := context.WithCancel(ctx)
			time.AfterFunc(1500*time.Millisecond, cancel)
			res, err := e.Run(cctx, spec)
			require.NoError(t, err)
			assert.True(t, res.Canceled)
			assert.False(t, res.TimedOut)
			t.Logf("exit %d, signal %v, output: %q", res.ExitCode, res.Signal, res.Output)
			gone(t, e, spec.Name)
		})

		t.Run("absent image", func(t *testing.T) {
			t.Parallel()
			spec := progSpec("ok")
			spec.Image = absentImage
			res, err := e.Run(ctx, spec)
			var ee *Error
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, ErrImageAbsent, ee.Kind)
			assert.Equal(t, "run "+absentImage+": "+absentImage+": image not known (pull it (podman pull "+absentImage+") or run with --pull missing)", err.Error())
			require.NotNil(t, res)
			assert.Equal(t, 125, res.ExitCode)
			gone(t, e, spec.Name)
		})

		t.Run("program missing under init", func(t *testing.T) {
			t.Parallel()
			spec := progSpec()
			spec.Entrypoint = "/no/such/program"
			_, err := e.Run(ctx, spec)
			var ee *Error
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, ErrEngineRun, ee.Kind)
			assert.Contains(t, ee.Msg, "failed to exec pid1")
			assert.Equal(t, hintExecFailed, ee.Hint)
			gone(t, e, spec.Name)
		})

		t.Run("program not executable under init", func(t *testing.T) {
			t.Parallel()
			// A file without its execute bit: "permission denied", which is
			// not an architecture problem (nor, here, SELinux: the hint
			// names both causes a user can check).
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "prog"), []byte("#!/bin/sh\n"), 0o644))
			spec := progSpec()
			spec.Mounts = []Mount{{Source: dir, Target: "/gorepro/noexec", ReadOnly: true}}
			spec.Entrypoint = "/gorepro/noexec/prog"
			_, err := e.Run(ctx, spec)
			var ee *Error
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, ErrEngineRun, ee.Kind)
			assert.Contains(t, strings.ToLower(ee.Msg), "permission denied")
			assert.Equal(t, hintExecDenied, ee.Hint)
			gone(t, e, spec.Name)
		})

		t.Run("program missing without init", func(t *testing.T) {
			t.Parallel()
			spec := progSpec()
			spec.Entrypoint, spec.NoInit = "/no/such/program", true
			res, err := e.Run(ctx, spec)
			var ee *Error
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, ErrEngineRun, ee.Kind)
			assert.Contains(t, ee.Msg, "/no/such/program")
			assert.Equal(t, 127, res.ExitCode)
			gone(t, e, spec.Name)
		})
	})

	t.Run("CleanupStale", func(t *testing.T) {
		t.Parallel()
		create := func(pid int) string {
			name, err := newName()
			require.NoError(t, err)
			res, err := proc.Run(ctx, proc.Cmd{Argv: []string{e.Cmd, "create", "--pull=never", "--name", name,
				"--label", "gorepro=1", "--label", "gorepro.pid=" + strconv.Itoa(pid), runtimeImage, "/nothing"}})
			require.NoError(t, err)
			require.Equal(t, 0, res.ExitCode, "%s", res.Output)
			return name
		}
		dead := create(999999)
		require.False(t, processAlive(999999))
		live := create(os.Getpid())
		t.Cleanup(func() { _ = e.RemoveContainers(context.Background(), live, dead) })

		removed, err := e.CleanupStale(ctx)
		require.NoError(t, err)
		assert.NotContains(t, removed, live)
		if !contains(removed, dead) {
			// Another gorepro process on this host (tests run in parallel)
			// may have cleaned it up first; the selection itself is covered
			// by TestCleanupStaleSelection.
			t.Logf("%s was removed by a concurrent CleanupStale", dead)
		}
		gone(t, e, dead)
		names, err := e.listGorepro(ctx)
		require.NoError(t, err)
		var kept bool
		for _, c := range names {
			kept = kept || c.name == live
		}
		assert.True(t, kept, "%s was removed", live)
	})

	t.Run("RemoveContainers with a missing name", func(t *testing.T) {
		t.Parallel()
		name, err := newName()
		require.NoError(t, err)
		res, err := proc.Run(ctx, proc.Cmd{Argv: []string{e.Cmd, "create", "--pull=never", "--name", name, runtimeImage, "/nothing"}})
		require.NoError(t, err)
		require.Equal(t, 0, res.ExitCode, "%s", res.Output)
		require.NoError(t, e.RemoveContainers(ctx, "gorepro-000000000000", name))
		gone(t, e, name)
	})

	t.Run("Removals removes a batch with one client, the rest on Wait", func(t *testing.T) {
		t.Parallel()
		var names []string
		for range removalBatch + 1 {
			name, err := newName()
			require.NoError(t, err)
			res, err := proc.Run(ctx, proc.Cmd{Argv: []string{e.Cmd, "create", "--pull=never", "--name", name, runtimeImage, "/nothing"}})
			require.NoError(t, err)
			require.Equal(t, 0, res.ExitCode, "%s", res.Output)
			names = append(names, name)
		}
		t.Cleanup(func() { _ = e.RemoveContainers(context.Background(), names...) })
		var rs Removals
		batchDone := make(chan string, removalBatch+1)
		for _, name := range names {
			rs.add(ctx, e, name, func() { batchDone <- name })
		}
		for range removalBatch {
			select {
			case name := <-batchDone:
				gone(t, e, name)
			case <-time.After(time.Minute):
				t.Fatal("the first batch was not removed within a minute")
			}
		}
		last := names[removalBatch]
		res, err := proc.Run(ctx, proc.Cmd{Argv: []string{e.Cmd, "container", "exists", last}})
		require.NoError(t, err)
		assert.Equal(t, 0, res.ExitCode, "%s waits for the next batch or Wait", last)
		rs.Wait()
		assert.Equal(t, last, <-batchDone)
		gone(t, e, last)
	})

	t.Run("Build", func(t *testing.T) {
		t.Parallel()
		dir, err := filepath.Abs(filepath.Join("testdata", "build"))
		require.NoError(t, err)
		name, err := newName()
		require.NoError(t, err)
		tag := "localhost/gorepro-test/engine-build:" + strings.TrimPrefix(name, namePrefix)
		t.Cleanup(func() { _ = e.RemoveImage(context.Background(), tag) })
		spec := BuildSpec{
			Context: dir, Stage: "final", Tag: tag, Network: "none", Pull: PullNever,
			BuildArgs: map[string]string{"BASE": builderImage(), "GREETING": "hello"},
			Labels:    map[string]string{"gorepro.test": "engine"}, Timeout: 2 * time.Minute,
		}
		res, err := e.Build(ctx, spec)
		require.NoError(t, err)
		require.Equal(t, 0, res.ExitCode, "%s", res.Output)
		assert.NotContains(t, string(res.Output), "no-such-go-command", "the broken stage was built")

		im, err := e.Inspect(ctx, tag)
		require.NoError(t, err)
		require.True(t, im.Present)
		assert.Equal(t, "hello", im.Labels["greeting"])
		assert.Equal(t, "engine", im.Labels["gorepro.test"])

		entrypoint, cmd, err := e.ImageCommand(ctx, tag)
		require.NoError(t, err)
		assert.Equal(t, []string{"go"}, entrypoint)
		assert.Equal(t, []string{"version"}, cmd)

		t.Run("CopyFrom", func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), "out.txt")
			require.NoError(t, e.CopyFrom(ctx, tag, "/ctx/payload.txt", dest))
			got, err := os.ReadFile(dest)
			require.NoError(t, err)
			assert.Equal(t, "copied by the engine tests\n", string(got))

			link := filepath.Join(t.TempDir(), "link.txt")
			require.NoError(t, e.CopyFrom(ctx, tag, "/ctx/link.txt", link))
			got, err = os.ReadFile(link)
			require.NoError(t, err)
			assert.Equal(t, "copied by the engine tests\n", string(got))
			fi, err := os.Lstat(link)
			require.NoError(t, err)
			assert.True(t, fi.Mode().IsRegular())

			err = e.CopyFrom(ctx, tag, "/no/such/file", filepath.Join(t.TempDir(), "x"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "/no/such/file")
		})

		t.Run("failing step", func(t *testing.T) {
			broken := spec
			broken.Stage, broken.Tag = "broken", ""
			res, err := e.Build(ctx, broken)
			require.NoError(t, err)
			assert.NotEqual(t, 0, res.ExitCode)
			assert.Contains(t, string(res.Output), "no-such-go-command")
		})

		t.Run("absent base", func(t *testing.T) {
			absent := spec
			absent.Tag, absent.BuildArgs = "", map[string]string{"BASE": absentImage}
			_, err := e.Build(ctx, absent)
			var ee *Error
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, ErrImageAbsent, ee.Kind)
		})
	})

	t.Run("ImageCommand of an absent image", func(t *testing.T) {
		t.Parallel()
		_, _, err := e.ImageCommand(ctx, absentImage)
		var ee *Error
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, ErrImageAbsent, ee.Kind)
		require.NoError(t, e.RemoveImage(ctx, absentImage))
	})

	t.Run("Volume", func(t *testing.T) {
		t.Parallel()
		name, err := newName()
		require.NoError(t, err)
		require.NoError(t, e.VolumeCreate(ctx, name))
		require.NoError(t, e.VolumeCreate(ctx, name))
		require.NoError(t, e.VolumeRemove(ctx, name))
		require.NoError(t, e.VolumeRemove(ctx, name))
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The docker CLI without a daemon: Info says the engine is down.
func TestDockerDown(t *testing.T) {
	e, err := Detect(Docker)
	if err != nil {
		t.Skipf("docker CLI not available: %v", err)
	}
	_, err = e.Info(context.Background())
	if err == nil {
		t.Skip("the Docker daemon is running")
	}
	var ee *Error
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, ErrEngineDown, ee.Kind, "%v", err)
	assert.Equal(t, hintDockerDown, ee.Hint)
	assert.Contains(t, ee.Msg, "Cannot connect to the Docker daemon")
}
