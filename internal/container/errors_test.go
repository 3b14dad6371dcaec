package container

import (
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The outputs are what Podman 4.3.1 and the Docker 28 CLI print (recorded on
// Debian 12), plus the Docker daemon's documented messages.
func TestClassify(t *testing.T) {
	tests := []struct {
		name     string
		op       string
		output   string
		wantKind ErrorKind
		wantMsg  string
		wantHint string
	}{
		{
			name:     "podman remote not running",
			op:       "info",
			output:   "Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\nError: unable to connect to Podman socket: Get \"http://d/v4.3.1/libpod/_ping\": dial unix /nonexistent.sock: connect: no such file or directory\n",
			wantKind: ErrEngineDown,
			wantMsg:  "Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM; unable to connect to Podman socket: Get \"http://d/v4.3.1/libpod/_ping\": dial unix /nonexistent.sock: connect: no such file or directory",
			wantHint: hintPodmanDown,
		},
		{
			name:     "docker daemon not running",
			op:       "run",
			output:   "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n\nRun 'docker run --help' for more information\n",
			wantKind: ErrEngineDown,
			wantMsg:  "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
			wantHint: hintDockerDown,
		},
		{
			name:     "socket connection refused",
			op:       "info",
			output:   "Error: unable to connect: dial unix /run/user/1000/podman/podman.sock: connect: connection refused\n",
			wantKind: ErrEngineDown,
			wantMsg:  "unable to connect: dial unix /run/user/1000/podman/podman.sock: connect: connection refused",
			wantHint: hintEngineDown,
		},
		{
			name:     "docker socket permission",
			op:       "info",
			output:   "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.50/info\": dial unix /var/run/docker.sock: connect: permission denied\n",
			wantKind: ErrPermission,
			wantMsg:  "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.50/info\": dial unix /var/run/docker.sock: connect: permission denied",
			wantHint: hintPermission,
		},
		{
			name:     "program not executable is not a socket permission",
			op:       "run",
			output:   "Error: runc: runc create failed: unable to start container process: exec: \"/x\": permission denied: OCI permission denied\n",
			wantKind: ErrEngineRun,
			wantMsg:  "runc: runc create failed: unable to start container process: exec: \"/x\": permission denied: OCI permission denied",
		},
		{
			name:     "disk full",
			op:       "pull docker.io/library/golang:1.25",
			output:   "Error: writing blob: adding layer with blob \"sha256:abc\": processing tar file(write /usr/local/go/pkg/tool/linux_amd64/compile: no space left on device): exit status 1\n",
			wantKind: ErrDiskFull,
			wantMsg:  "writing blob: adding layer with blob \"sha256:abc\": processing tar file(write /usr/local/go/pkg/tool/linux_amd64/compile: no space left on device): exit status 1",
			wantHint: hintDiskFull,
		},
		{
			name:     "podman run of an absent image with --pull=never",
			op:       "run",
			output:   "Error: localhost/gorepro-test/nothing:latest: image not known\n",
			wantKind: ErrImageAbsent,
			wantMsg:  "localhost/gorepro-test/nothing:latest: image not known",
			wantHint: hintImageAbsent,
		},
		{
			name:     "podman inspect of an absent image",
			op:       "inspect localhost/gorepro-test/nothing",
			output:   "[]\nError: inspecting object: localhost/gorepro-test/nothing: image not known\n",
			wantKind: ErrImageAbsent,
			wantMsg:  "inspecting object: localhost/gorepro-test/nothing: image not known",
			wantHint: hintImageAbsent,
		},
		{
			name:     "docker inspect of an absent image",
			op:       "inspect x",
			output:   "[]\nError response from daemon: No such image: x:latest\n",
			wantKind: ErrImageAbsent,
			wantMsg:  "Error response from daemon: No such image: x:latest",
			wantHint: hintImageAbsent,
		},
		{
			name:     "docker pull of an unknown tag",
			op:       "pull docker.io/library/golang:0.0",
			output:   "Error response from daemon: manifest for golang:0.0 not found: manifest unknown: manifest unknown\n",
			wantKind: ErrImageAbsent,
			wantMsg:  "Error response from daemon: manifest for golang:0.0 not found: manifest unknown: manifest unknown",
			wantHint: hintPullNotFound,
		},
		{
			name:     "not found counts on pull",
			op:       "pull quay.io/x/y:1",
			output:   "Error: initializing source docker://quay.io/x/y:1: reading manifest 1 in quay.io/x/y: StatusCode: 404, not found\n",
			wantKind: ErrImageAbsent,
			wantMsg:  "initializing source docker://quay.io/x/y:1: reading manifest 1 in quay.io/x/y: StatusCode: 404, not found",
			wantHint: hintPullNotFound,
		},
		{
			name:     "not found does not count on run",
			op:       "run",
			output:   "Error: runc: runc create failed: unable to start container process: exec: \"/x\": stat /x: no such file or directory: OCI runtime attempted to invoke a command that was not found\n",
			wantKind: ErrEngineRun,
			wantMsg:  "runc: runc create failed: unable to start container process: exec: \"/x\": stat /x: no such file or directory: OCI runtime attempted to invoke a command that was not found",
		},
		{
			name:     "short name without a TTY",
			op:       "pull nothing-short:tag",
			output:   "Error: short-name \"nothing-short:tag\" did not resolve to an alias and no unqualified-search registries are defined in \"/etc/containers/registries.conf\"\n",
			wantKind: ErrImageAbsent,
			wantMsg:  "short-name \"nothing-short:tag\" did not resolve to an alias and no unqualified-search registries are defined in \"/etc/containers/registries.conf\"",
			wantHint: hintShortName,
		},
		{
			name: "registry unreachable",
			op:   "pull localhost:1/nothing:tag",
			output: "Trying to pull localhost:1/nothing:tag...\n" +
				"time=\"2026-11-27T12:09:41Z\" level=warning msg=\"Failed, retrying in 1s ... (1/3). Error: initializing source docker://localhost:1/nothing:tag: pinging container registry localhost:1: Get \\\"https://localhost:1/v2/\\\": dial tcp 127.0.0.1:1: connect: connection refused\"\n" +
				"Error: initializing source docker://localhost:1/nothing:tag: pinging container registry localhost:1: Get \"https://localhost:1/v2/\": dial tcp 127.0.0.1:1: connect: connection refused\n",
			wantKind: ErrRegistry,
			wantMsg:  "initializing source docker://localhost:1/nothing:tag: pinging container registry localhost:1: Get \"https://localhost:1/v2/\": dial tcp 127.0.0.1:1: connect: connection refused",
			wantHint: hintUnreachable,
		},
		{
			name:     "podman pull of a tag the registry does not have",
			op:       "pull 127.0.0.1:5999/t/runtime:nope",
			output:   "Error: initializing source docker://127.0.0.1:5999/t/runtime:nope: reading manifest nope in 127.0.0.1:5999/t/runtime: manifest unknown: manifest unknown\n",
			wantKind: ErrImageAbsent,
			wantMsg:  "initializing source docker://127.0.0.1:5999/t/runtime:nope: reading manifest nope in 127.0.0.1:5999/t/runtime: manifest unknown: manifest unknown",
			wantHint: hintPullNotFound,
		},
		{
			name:     "podman pull without a login",
			op:       "pull 127.0.0.1:5999/t/runtime:1",
			output:   "Error: initializing source docker://127.0.0.1:5999/t/runtime:1: reading manifest 1 in 127.0.0.1:5999/t/runtime: unauthorized: authentication required\n",
			wantKind: ErrRegistry,
			wantMsg:  "initializing source docker://127.0.0.1:5999/t/runtime:1: reading manifest 1 in 127.0.0.1:5999/t/runtime: unauthorized: authentication required",
			wantHint: hintLogin,
		},
		{
			name:     "docker pull rate limited",
			op:       "pull docker.io/library/golang:1.25",
			output:   "Error response from daemon: toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit\n",
			wantKind: ErrRegistry,
			wantMsg:  "Error response from daemon: toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit",
			wantHint: hintRateLimited,
		},
		{
			name:     "podman pull from a plain-HTTP registry",
			op:       "pull 127.0.0.1:5999/t/runtime:1",
			output:   "Error: initializing source docker://127.0.0.1:5999/t/runtime:1: pinging container registry 127.0.0.1:5999: Get \"https://127.0.0.1:5999/v2/\": http: server gave HTTP response to HTTPS client\n",
			wantKind: ErrRegistry,
			wantMsg:  "initializing source docker://127.0.0.1:5999/t/runtime:1: pinging container registry 127.0.0.1:5999: Get \"https://127.0.0.1:5999/v2/\": http: server gave HTTP response to HTTPS client",
			wantHint: hintPlainHTTP,
		},
		{
			name:     "catatonit cannot exec the program",
			op:       "run",
			output:   "ERROR (catatonit:6): failed to exec pid1: No such file or directory\n",
			wantKind: ErrEngineRun,
			wantMsg:  "ERROR (catatonit:6): failed to exec pid1: No such file or directory",
		},
		{
			name:     "no message",
			op:       "info",
			output:   "",
			wantKind: ErrEngineRun,
			wantMsg:  "failed without a message",
		},
		{
			name:     "unmarked output: first lines",
			op:       "volume create",
			output:   "one\n\ntwo\nthree\nfour\n",
			wantKind: ErrEngineRun,
			wantMsg:  "one; two; three",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.op, []byte(tt.output))
			assert.Equal(t, tt.wantKind, got.Kind, "kind %s", got.Kind)
			assert.Equal(t, tt.op, got.Op)
			assert.Equal(t, tt.wantMsg, got.Msg)
			assert.Equal(t, tt.wantHint, got.Hint)
		})
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Kind: ErrImageAbsent, Op: "ensure x", Msg: "x: image not known", Hint: "pull it"}
	assert.Equal(t, "ensure x: x: image not known (pull it)", e.Error())
	e.Hint = ""
	assert.Equal(t, "ensure x: x: image not known", e.Error())
}

func TestEngineHints(t *testing.T) {
	podman := &Engine{Name: Podman, Cmd: "/usr/bin/podman"}
	docker := &Engine{Name: Docker, Cmd: "/usr/bin/docker"}
	refused := []byte("Error: dial unix /var/run/x.sock: connect: connection refused\n")
	assert.Equal(t, hintPodmanDown, podman.classify("info", refused).Hint)
	assert.Equal(t, hintDockerDown, docker.classify("info", refused).Hint)
	absent := []byte("Error response from daemon: No such image: x:latest\n")
	assert.Contains(t, docker.classify("run", absent).Hint, "docker pull")
	assert.Contains(t, podman.classify("run", absent).Hint, "podman pull")
}

func TestExitSignal(t *testing.T) {
	tests := []struct {
		code   int
		want   syscall.Signal
		wantOK bool
	}{
		{0, 0, false},
		{2, 0, false},
		{125, 0, false},
		{127, 0, false},
		{128, 0, false},
		{129, syscall.SIGHUP, true},
		{131, syscall.SIGQUIT, true},
		{134, syscall.SIGABRT, true},
		{137, syscall.SIGKILL, true},
		{139, syscall.SIGSEGV, true},
		{143, syscall.SIGTERM, true},
		{192, syscall.Signal(64), true},
		{193, 0, false},
		{255, 0, false},
		{-1, 0, false},
	}
	for _, tt := range tests {
		got, ok := ExitSignal(tt.code)
		assert.Equal(t, tt.want, got, "code %d", tt.code)
		assert.Equal(t, tt.wantOK, ok, "code %d", tt.code)
	}
}

func TestEngineErrorDetection(t *testing.T) {
	tests := []struct {
		name       string
		output     string
		wantEngine bool
		wantInit   bool
	}{
		{"go crash", "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:9 +0x1d\n", false, false},
		{"podman error", "Error: localhost/x: image not known\n", true, false},
		{"docker error and help line", "docker: Error response from daemon: No such image: x.\nSee 'docker run --help'.\n", true, false},
		{"error before a long output is not at the end", "Error: early\n1\n2\n3\n4\n5\n6\n", false, false},
		{"warning after the error is skipped", "Error: x\nWARNING: image platform ({arm64 linux  [] }) does not match the expected platform ({amd64 linux  [] })\n", true, false},
		{"catatonit", "ERROR (catatonit:7): failed to exec pid1: No such file or directory\n", false, true},
		{"tini", "[FATAL tini (7)] exec /prog failed: Exec format error\n", false, true},
		{"program mentions catatonit earlier", "ERROR (catatonit:7): failed to exec pid1: x\nbut then ran\n", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.wantEngine, engineErrorInTail([]byte(tt.output)))
			assert.Equal(t, tt.wantInit, initFailed([]byte(tt.output)))
		})
	}
}

func TestGoArch(t *testing.T) {
	for in, want := range map[string]string{
		"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64",
		"armv7l": "arm", "i686": "386", "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64",
	} {
		assert.Equal(t, want, GoArch(in), in)
	}
}

func TestParsePullPolicy(t *testing.T) {
	for _, s := range []string{"never", "missing", "always", " Missing "} {
		p, err := ParsePullPolicy(s)
		assert.NoError(t, err, s)
		assert.NotEmpty(t, p)
	}
	_, err := ParsePullPolicy("sometimes")
	assert.EqualError(t, err, `unknown pull policy "sometimes" (want never, missing or always)`)
}

func TestImageForMessages(t *testing.T) {
	id := "ae4f9256c0ffee0123456789abcdef0123456789abcdef0123456789abcdef01"
	assert.Equal(t, "localhost/go-toolset:1.25 (ae4f9256c0ff)", RunSpec{Image: id, ImageName: "localhost/go-toolset:1.25"}.imageForMessages())
	assert.Equal(t, "localhost/go-toolset:1.25 (ae4f9256c0ff)", RunSpec{Image: "sha256:" + id, ImageName: "localhost/go-toolset:1.25"}.imageForMessages())
	assert.Equal(t, id, RunSpec{Image: id}.imageForMessages(), "no other name")
	assert.Equal(t, "busybox", RunSpec{Image: "busybox", ImageName: "busybox"}.imageForMessages())
}

func TestOnlyNoSuchContainer(t *testing.T) {
	for _, tc := range []struct {
		out  string
		want bool
	}{
		{"Error response from daemon: No such container: gorepro-1\n", true},
		{"gorepro-2\nError response from daemon: No such container: gorepro-1\nError: No such container: gorepro-3\n", true},
		{"Error response from daemon: No such container: gorepro-1\nError response from daemon: cannot remove container: device or resource busy\n", false},
		{"Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n", false},
		{"", false},
	} {
		assert.Equal(t, tc.want, onlyNoSuchContainer([]byte(tc.out)), "%q", tc.out)
	}
}
