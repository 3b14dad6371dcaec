package matrix

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/testneed"
)

// podmanNotRunning is what Podman's CLI prints, exit status 125, when it
// cannot reach its service (a stopped podman machine).
const podmanNotRunning = "Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\n" +
	"Error: unable to connect to Podman socket: failed to connect: dial tcp 127.0.0.1:53175: connect: connection refused"

// fakeCLI writes an executable shell script named name into dir.
func fakeCLI(t *testing.T, dir, name, script string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"+script+"\n"), 0o755))
	return path
}

// Engines picks Docker when no engine was named and Podman is installed but
// not running; it never does when Podman was named. The engine CLIs are
// fakes answering as the real ones do.
func TestEnginesPodmanNotRunning(t *testing.T) {
	dir := t.TempDir()
	podmanDown := fakeCLI(t, dir, "podman", "cat >&2 <<'EOF'\n"+podmanNotRunning+"\nEOF\nexit 125")
	podmanUp := fakeCLI(t, t.TempDir(), "podman", `case "$1" in
version) echo '{"Client":{"Version":"4.3.1","OsArch":"linux/amd64"},"Server":{"Version":"4.3.1","OsArch":"linux/amd64"}}';;
ps) echo '[]';;
esac`)
	dockerUp := fakeCLI(t, dir, "docker", `case "$1" in
info) echo '{"Architecture":"x86_64","OSType":"linux","ServerVersion":"28.2.2"}';;
esac`)
	dockerDown := fakeCLI(t, t.TempDir(), "docker", "echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2\nexit 1")

	tests := []struct {
		name           string
		podman, docker string // "" = not installed
		named          string
		wantEngine     string
		wantErrHint    string
		wantWarning    string
	}{
		{name: "podman down, docker up: docker", podman: podmanDown, docker: dockerUp, wantEngine: container.Docker,
			wantWarning: "podman is installed but does not answer, using docker instead (to use podman: podman machine start"},
		{name: "podman down, docker down: podman's error", podman: podmanDown, docker: dockerDown, wantErrHint: "podman machine start"},
		{name: "podman down, no docker: podman's error", podman: podmanDown, wantErrHint: "podman machine start"},
		{name: "podman named: no fallback", podman: podmanDown, docker: dockerUp, named: container.Podman, wantErrHint: "podman machine start"},
		{name: "podman up: podman", podman: podmanUp, docker: dockerUp, wantEngine: container.Podman},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var warnings bytes.Buffer
			es := &Engines{Default: tt.named, Warnings: &warnings, Detect: func(name string) (*container.Engine, error) {
				paths := map[string]string{container.Podman: tt.podman, container.Docker: tt.docker}
				if name == "" {
					name = container.Podman
				}
				if paths[name] == "" {
					return nil, &container.Error{Kind: container.ErrEngineMissing, Op: "detect", Msg: name + " not found"}
				}
				return &container.Engine{Name: name, Cmd: paths[name]}, nil
			}}
			eng, info, err := es.Get(context.Background(), "")
			if tt.wantErrHint != "" {
				var ce *container.Error
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, container.ErrEngineDown, ce.Kind)
				assert.Contains(t, ce.Msg, "Cannot connect to Podman")
				assert.Contains(t, ce.Hint, tt.wantErrHint)
				assert.Empty(t, warnings.String())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantEngine, eng.Name)
			assert.Equal(t, tt.wantEngine, info.Name)
			if tt.wantWarning == "" {
				assert.Empty(t, warnings.String())
			} else {
				assert.Contains(t, warnings.String(), tt.wantWarning)
			}
		})
	}
}

// The real Podman CLI pointed at a socket nobody listens on (as with a
// stopped podman machine) and the real Docker CLI without a daemon: the
// error is Podman's and says podman machine start.
func TestEnginesRealPodmanNotRunning(t *testing.T) {
	podman, err := exec.LookPath("podman")
	if err != nil {
		t.Skip("podman is not installed")
	}
	dir := t.TempDir()
	wrapper := fakeCLI(t, dir, "podman", "exec "+podman+" --remote --url unix://"+dir+"/none.sock \"$@\"")
	docker, dockerErr := container.Detect(container.Docker)
	es := &Engines{Detect: func(name string) (*container.Engine, error) {
		if name == container.Docker {
			return docker, dockerErr
		}
		return &container.Engine{Name: container.Podman, Cmd: wrapper}, nil
	}}
	eng, _, err := es.Get(context.Background(), "")
	if err == nil {
		require.Equal(t, container.Docker, eng.Name, "podman cannot answer through %s", wrapper)
		t.Skip("a Docker daemon runs here: gorepro used it instead")
	}
	var ce *container.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, container.ErrEngineDown, ce.Kind)
	assert.Contains(t, ce.Msg, "Cannot connect to Podman")
	assert.Contains(t, ce.Hint, "podman machine start")
}

// The fallback for real: the Podman CLI cannot reach its service, and the
// real Docker CLI talks to a Docker API (Podman's own, `podman system
// service`, since no Docker daemon runs here). Engines uses Docker and says
// why.
func TestEnginesFallBackToRealDocker(t *testing.T) {
	podman, err := exec.LookPath("podman")
	if err != nil {
		t.Skip("podman is not installed")
	}
	docker, err := container.Detect(container.Docker)
	if err != nil {
		t.Skip("the docker CLI is not installed")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "docker.sock")
	service := exec.Command(podman, "system", "service", "--time=0", "unix://"+sock)
	require.NoError(t, service.Start())
	t.Cleanup(func() {
		_ = service.Process.Kill()
		_ = service.Wait()
	})
	t.Setenv("DOCKER_HOST", "unix://"+sock)
	require.Eventually(t, func() bool {
		fi, err := os.Stat(sock)
		return err == nil && fi.Mode()&os.ModeSocket != 0
	}, time.Minute, 20*time.Millisecond, "podman system service listens on %s", sock)

	wrapper := fakeCLI(t, dir, "podman", "exec "+podman+" --remote --url unix://"+dir+"/none.sock \"$@\"")
	var warnings bytes.Buffer
	es := &Engines{Warnings: &warnings, KeepStale: true, Detect: func(name string) (*container.Engine, error) {
		if name == container.Docker {
			return docker, nil
		}
		return &container.Engine{Name: container.Podman, Cmd: wrapper}, nil
	}}
	eng, info, err := es.Get(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, container.Docker, eng.Name)
	assert.Equal(t, container.Docker, info.Name)
	assert.NotEmpty(t, info.Version)
	assert.Contains(t, warnings.String(), "podman is installed but does not answer, using docker instead (to use podman: podman machine start")
	assert.Contains(t, warnings.String(), "Cannot connect to Podman")
}

// A run that starts containers (AskUsersEarly) removes the containers of
// interrupted runs in the background: Get returns without waiting for
// it, and Wait waits for it. A real Podman, a container whose gorepro
// (pid 999999) is gone.
func TestEnginesRemoveStaleInTheBackground(t *testing.T) {
	eng, err := container.Detect(container.Podman)
	if err != nil {
		testneed.Engine(t, "podman is not installed")
	}
	ctx := context.Background()
	if _, err := eng.Info(ctx); err != nil {
		testneed.Engine(t, "podman does not answer: "+err.Error())
	}
	name := "gorepro-staletest-" + strconv.Itoa(os.Getpid())
	out, err := exec.Command(eng.Cmd, "create", "--pull=never", "--name", name, "--label", "gorepro=1",
		"--label", "gorepro.pid=999999", "localhost/gorepro-test/runtime:latest", "/nothing").CombinedOutput()
	if err != nil {
		testneed.Engine(t, fmt.Sprintf("cannot create a container (scripts/build-test-images.sh): %v: %s", err, out))
	}
	t.Cleanup(func() { _ = eng.RemoveContainers(context.Background(), name) })
	var warnings bytes.Buffer
	es := &Engines{Warnings: &warnings, AskUsersEarly: true}
	_, _, err = es.Get(ctx, container.Podman)
	require.NoError(t, err)
	es.Wait()
	ps, err := exec.Command(eng.Cmd, "ps", "-a", "--filter", "name=^"+name+"$", "--format", "{{.Names}}").CombinedOutput()
	require.NoError(t, err, "%s", ps)
	assert.Empty(t, bytes.TrimSpace(ps), "the stale container is gone once Wait returns")
	if warnings.Len() > 0 { // unless a gorepro of another test removed it first
		assert.Contains(t, warnings.String(), "left by an interrupted run")
	}
}
