package container

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorepro/gorepro/internal/proc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// internal is what RunArgv puts in for the labels every container gets.
func internal(t *testing.T) string {
	host, err := os.Hostname()
	require.NoError(t, err)
	return "--label gorepro=1 --label gorepro.pid=" + strconv.Itoa(os.Getpid()) + " --label gorepro.host=" + host + " --label gorepro.hostid=" + HostID()
}

func TestRunArgv(t *testing.T) {
	tests := []struct {
		name   string
		engine string
		spec   RunSpec
		want   string // with LABELS for the internal labels
	}{
		{
			name:   "minimal",
			engine: Podman,
			spec:   RunSpec{Image: "localhost/r:1", Name: "gorepro-abc"},
			want:   "/usr/bin/podman run --rm --pull=never --name gorepro-abc --init --security-opt label=disable LABELS localhost/r:1",
		},
		{
			name:   "everything",
			engine: Podman,
			spec: RunSpec{
				Image: "registry.access.redhat.com/ubi9/ubi-minimal:latest", Platform: "linux/arm64", Name: "gorepro-1",
				Labels: map[string]string{"gorepro.cell": "c1", "a": "b", "gorepro": "overridden?", "gorepro.pid": "1"},
				Mounts: []Mount{
					{Source: "/cache/bin/repro", Target: "/gorepro/bin", ReadOnly: true},
					{Source: "gorepro-gocache", Target: "/gocache", Volume: true},
				},
				Env:     []string{"GOTRACEBACK=crash", "A=b=c"},
				Workdir: "/tmp", User: "65534:65534", Entrypoint: "/gorepro/bin",
				Args: []string{"--flag", "x y"}, Network: "none",
				Timeout: time.Second, Cap: 10,
			},
			want: "/usr/bin/podman run --rm --pull=never --name gorepro-1 --init --security-opt label=disable LABELS --label a=b --label gorepro.cell=c1" +
				" --platform linux/arm64 --network none --user 65534:65534 --workdir /tmp --entrypoint /gorepro/bin" +
				" -e GOTRACEBACK=crash -e A=b=c" +
				" --mount type=bind,source=/cache/bin/repro,target=/gorepro/bin,readonly --mount type=volume,source=gorepro-gocache,target=/gocache" +
				" registry.access.redhat.com/ubi9/ubi-minimal:latest --flag x y",
		},
		{
			name:   "docker without init",
			engine: Docker,
			spec:   RunSpec{Image: "golang:1.25", Name: "n", NoInit: true, Entrypoint: "go", Args: []string{"env", "GOVERSION"}},
			want:   "/usr/bin/docker run --rm --pull=never --name n --security-opt label=disable LABELS --entrypoint go golang:1.25 env GOVERSION",
		},
		{
			name:   "rootless podman keeps the user's id",
			engine: Podman,
			spec:   RunSpec{Image: "ubi9/go-toolset", Name: "n", UserNS: "keep-id", Workdir: "/w"},
			want:   "/usr/bin/podman run --rm --pull=never --name n --init --security-opt label=disable LABELS --userns keep-id --workdir /w ubi9/go-toolset",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Engine{Name: tt.engine, Cmd: "/usr/bin/" + tt.engine}
			want := strings.Fields(strings.Replace(tt.want, "LABELS", internal(t), 1))
			got := e.RunArgv(tt.spec)
			if tt.name == "everything" { // "x y" is one argument
				want = append(want[:len(want)-2], "x y")
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestBuildArgv(t *testing.T) {
	tests := []struct {
		name   string
		engine string
		spec   BuildSpec
		want   string
	}{
		{
			name:   "context only",
			engine: Podman,
			spec:   BuildSpec{Context: "/ctx"},
			want:   "/usr/bin/podman build /ctx",
		},
		{
			name:   "podman everything",
			engine: Podman,
			spec: BuildSpec{
				Context: "/ctx", Dockerfile: "/ctx/Dockerfile.repro", Stage: "final", Tag: "localhost/gorepro/x:1",
				Platform: "linux/arm64", BuildArgs: map[string]string{"GO": "1.25", "A": "1"},
				Labels: map[string]string{"gorepro": "1"}, Network: "none", Pull: PullNever,
			},
			want: "/usr/bin/podman build --file /ctx/Dockerfile.repro --target final --tag localhost/gorepro/x:1 --platform linux/arm64" +
				" --build-arg A=1 --build-arg GO=1.25 --label gorepro=1 --network none --pull=never /ctx",
		},
		{
			name:   "podman pull missing",
			engine: Podman,
			spec:   BuildSpec{Context: ".", Pull: PullMissing},
			want:   "/usr/bin/podman build --pull=missing .",
		},
		{
			name:   "docker pull always",
			engine: Docker,
			spec:   BuildSpec{Context: ".", Tag: "t", Pull: PullAlways},
			want:   "/usr/bin/docker build --tag t --pull .",
		},
		{
			name:   "docker pull never has no flag",
			engine: Docker,
			spec:   BuildSpec{Context: ".", Pull: PullNever},
			want:   "/usr/bin/docker build .",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Engine{Name: tt.engine, Cmd: "/usr/bin/" + tt.engine}
			assert.Equal(t, strings.Fields(tt.want), e.BuildArgv(tt.spec))
		})
	}
}

func TestRunSpecValidate(t *testing.T) {
	e := &Engine{Name: Podman, Cmd: "/nonexistent/podman", Exec: func(context.Context, proc.Cmd) (*proc.Result, error) {
		t.Fatal("must not run")
		return nil, nil
	}}
	for _, s := range []RunSpec{
		{},
		{Image: "i", Mounts: []Mount{{Source: "/a,b", Target: "/x"}}},
		{Image: "i", Mounts: []Mount{{Source: "/a"}}},
		{Image: "i", Env: []string{"NOVALUE"}},
	} {
		_, err := e.Run(context.Background(), s)
		assert.Error(t, err)
	}
}

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	fake := func(name string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755))
		return p
	}
	t.Setenv("PATH", dir)

	_, err := Detect("")
	var ee *Error
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, ErrEngineMissing, ee.Kind)
	assert.Equal(t, "detect: podman or docker not found on PATH ("+hintInstall+")", err.Error())

	docker := fake("docker")
	e, err := Detect("")
	require.NoError(t, err)
	assert.Equal(t, &Engine{Name: Docker, Cmd: docker}, e)

	_, err = Detect("podman")
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, ErrEngineMissing, ee.Kind)

	podman := fake("podman")
	e, err = Detect("")
	require.NoError(t, err)
	assert.Equal(t, &Engine{Name: Podman, Cmd: podman}, e)
	e, err = Detect("docker")
	require.NoError(t, err)
	assert.Equal(t, Docker, e.Name)
	e, err = Detect(podman)
	require.NoError(t, err)
	assert.Equal(t, &Engine{Name: Podman, Cmd: podman}, e)

	_, err = Detect("containerd")
	require.ErrorAs(t, err, &ee)
	assert.Contains(t, ee.Msg, `unknown engine "containerd"`)
	_, err = Detect(fake("nerdctl"))
	require.ErrorAs(t, err, &ee)
	assert.Contains(t, ee.Msg, "neither podman nor docker")
}

// fakeExec answers engine commands from a table keyed by the first
// arguments after the CLI path.
func fakeExec(t *testing.T, answers map[string]proc.Result) func(context.Context, proc.Cmd) (*proc.Result, error) {
	return func(_ context.Context, c proc.Cmd) (*proc.Result, error) {
		key := strings.Join(c.Argv[1:], " ")
		for prefix, res := range answers {
			if strings.HasPrefix(key, prefix) {
				r := res
				return &r, nil
			}
		}
		t.Fatalf("unexpected command %q", key)
		return nil, nil
	}
}

func TestDockerInfoParsing(t *testing.T) {
	e := &Engine{Name: Docker, Cmd: "/usr/bin/docker", Exec: fakeExec(t, map[string]proc.Result{
		"info": {Output: []byte(`WARNING: bridge-nf-call-iptables is disabled` + "\n" +
			`{"ID":"x","Architecture":"aarch64","OSType":"linux","ServerVersion":"28.2.2"}` + "\n")},
	})}
	info, err := e.Info(context.Background())
	require.NoError(t, err)
	assert.Equal(t, &Info{Name: Docker, Version: "28.2.2", HostOS: "linux", HostArch: "arm64"}, info)
}

func TestDockerListParsing(t *testing.T) {
	e := &Engine{Name: Docker, Cmd: "/usr/bin/docker", Exec: fakeExec(t, map[string]proc.Result{
		"ps -a": {Output: []byte(`{"Names":"gorepro-a","Labels":"gorepro=1,gorepro.pid=12"}` + "\n" +
			`{"Names":"gorepro-b","Labels":"gorepro.pid=34,gorepro=1,gorepro.host=elsewhere"}` + "\n")},
	})}
	list, err := e.listGorepro(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []labelled{
		{name: "gorepro-a", labels: map[string]string{"gorepro": "1", "gorepro.pid": "12"}},
		{name: "gorepro-b", labels: map[string]string{"gorepro": "1", "gorepro.pid": "34", "gorepro.host": "elsewhere"}},
	}, list)
}

func TestCleanupStaleSelection(t *testing.T) {
	host, err := os.Hostname()
	require.NoError(t, err)
	live := strconv.Itoa(os.Getpid())
	var removed []string
	e := &Engine{Name: Podman, Cmd: "/usr/bin/podman", Exec: func(_ context.Context, c proc.Cmd) (*proc.Result, error) {
		switch c.Argv[1] {
		case "ps":
			assert.Equal(t, []string{"/usr/bin/podman", "ps", "-a", "--filter", "label=gorepro=1", "--format", "json"}, c.Argv)
			return &proc.Result{Output: []byte(`[
  {"Names": ["gorepro-dead"], "Labels": {"gorepro": "1", "gorepro.pid": "999999"}},
  {"Names": ["gorepro-dead-here"], "Labels": {"gorepro": "1", "gorepro.pid": "999998", "gorepro.host": "` + host + `"}},
  {"Names": ["gorepro-live"], "Labels": {"gorepro": "1", "gorepro.pid": "` + live + `"}},
  {"Names": ["gorepro-elsewhere"], "Labels": {"gorepro": "1", "gorepro.pid": "999999", "gorepro.host": "another-` + host + `"}},
  {"Names": ["gorepro-no-pid"], "Labels": {"gorepro": "1"}},
  {"Names": ["gorepro-bad-pid"], "Labels": {"gorepro": "1", "gorepro.pid": "x"}},
  {"Names": ["gorepro-renamed-host"], "Labels": {"gorepro": "1", "gorepro.pid": "999997", "gorepro.host": "old-name-of-` + host + `", "gorepro.hostid": "` + HostID() + `"}},
  {"Names": ["gorepro-other-hostid"], "Labels": {"gorepro": "1", "gorepro.pid": "999997", "gorepro.host": "` + host + `", "gorepro.hostid": "another-machine"}}
]`)}, nil
		case "rm":
			assert.Equal(t, []string{"rm", "-f", "-t", "0", "--ignore"}, c.Argv[1:6])
			assert.Empty(t, removed, "one engine client removes them all")
			removed = append(removed, c.Argv[6:]...)
			return &proc.Result{}, nil
		}
		t.Fatalf("unexpected %q", c.Argv)
		return nil, nil
	}}
	got, err := e.CleanupStale(context.Background())
	require.NoError(t, err)
	// A container of this machine whose hostname changed since (a Mac on
	// another network) is judged by its host ID, not its hostname.
	assert.Equal(t, []string{"gorepro-dead", "gorepro-dead-here", "gorepro-renamed-host"}, got)
	assert.Equal(t, got, removed)
}

// TestRepoDigest: the digest recorded for an image is the one its
// reference pins, else its own repository's, never another repository's.
func TestRepoDigest(t *testing.T) {
	const (
		a = "sha256:0bd53d6ce6d8bc9b730125edc401d8724810f5496bf61ccc48ca3eb29dea055c"
		b = "sha256:9013f173f18777e4c6db560ce4d0dcd2daf6169b2e2b01dadab06deab61245e7"
	)
	digests := []string{"localhost/gorepro-test/runtime@" + a, "127.0.0.1:5999/t/runtime@" + b}
	assert.Equal(t, b, repoDigest("127.0.0.1:5999/t/runtime:1", digests))
	assert.Equal(t, a, repoDigest("127.0.0.1:5999/t/runtime:1@"+a, digests))
	assert.Equal(t, a, repoDigest("localhost/gorepro-test/runtime:latest", digests))
	assert.Equal(t, a, repoDigest("other/image:1", digests), "no digest of its repository: the first")
	assert.Empty(t, repoDigest("x:1", nil))

	assert.Equal(t, "127.0.0.1:5000/ubi9/go-toolset", repositoryOf("127.0.0.1:5000/ubi9/go-toolset:1.25@"+a))
	assert.Equal(t, "127.0.0.1:5000/ubi9/go-toolset", repositoryOf("127.0.0.1:5000/ubi9/go-toolset"))
	assert.Equal(t, "golang", repositoryOf("golang:1.25"))
	assert.Equal(t, "127.0.0.1:5000", registryHost("127.0.0.1:5000/ubi9/go-toolset:1.25"))
	assert.Equal(t, "docker.io", registryHost("library/golang:1.25"))
	assert.Equal(t, "docker.io", registryHost("golang"))
}

// TestPinned: the reference a Dockerfile is given for an image names
// exactly it: its repository's digest, the digest its reference pins,
// another repository's digest, else its ID; never the tag.
func TestPinned(t *testing.T) {
	const (
		a  = "sha256:0bd53d6ce6d8bc9b730125edc401d8724810f5496bf61ccc48ca3eb29dea055c"
		b  = "sha256:9013f173f18777e4c6db560ce4d0dcd2daf6169b2e2b01dadab06deab61245e7"
		id = "ae4f9256a2c710a166d43abe56cd2b70e6863a061c1136802a2c7636bcb728f7"
	)
	digests := []string{"localhost/gorepro-test/runtime@" + a, "127.0.0.1:5999/t/runtime@" + b}
	for _, tc := range []struct {
		name string
		im   Image
		want string
	}{
		{"its repository's digest", Image{Ref: "127.0.0.1:5999/t/runtime:1", ID: id, RepoDigests: digests}, "127.0.0.1:5999/t/runtime@" + b},
		{"the digest the reference pins", Image{Ref: "127.0.0.1:5999/t/runtime:1@" + a, ID: id}, "127.0.0.1:5999/t/runtime@" + a},
		{"another repository's digest", Image{Ref: "other/image:1", ID: id, RepoDigests: digests}, "localhost/gorepro-test/runtime@" + a},
		{"built or imported here: the ID", Image{Ref: "localhost/gorepro-test/go:local", ID: id}, id},
		{"not inspected", Image{Ref: "x:1"}, "x:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.im.Pinned())
		})
	}
}

// TestStandalone: a recorded command carries no gorepro.pid label, which
// would make the container of a person running it look left behind by an
// interrupted gorepro; the other labels stay.
func TestStandalone(t *testing.T) {
	e := &Engine{Name: Podman, Cmd: "/usr/bin/podman"}
	argv := Standalone(e.RunArgv(RunSpec{Image: "img", Name: "n", Labels: map[string]string{"gorepro.role": "run"}, Args: []string{"/bin/prog"}}))
	assert.NotContains(t, strings.Join(argv, " "), "gorepro.pid=")
	assert.Contains(t, argv, "gorepro=1")
	assert.Contains(t, argv, "gorepro.role=run")
	assert.Equal(t, []string{"img", "/bin/prog"}, argv[len(argv)-2:])
}

// TestPullInsecure: Podman pulls from the registries named insecure with
// --tls-verify=false, from no other; Docker's daemon decides for itself.
func TestPullInsecure(t *testing.T) {
	for _, tc := range []struct {
		name, engine, ref string
		want              []string
	}{
		{"insecure registry", Podman, "127.0.0.1:5000/go-toolset:1.26", []string{"pull", "--platform", "linux/amd64", "--tls-verify=false", "127.0.0.1:5000/go-toolset:1.26"}},
		{"another registry", Podman, "registry.access.redhat.com/ubi9/go-toolset:1.25", []string{"pull", "--platform", "linux/amd64", "registry.access.redhat.com/ubi9/go-toolset:1.25"}},
		{"docker", Docker, "127.0.0.1:5000/go-toolset:1.26", []string{"pull", "--platform", "linux/amd64", "127.0.0.1:5000/go-toolset:1.26"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			e := &Engine{Name: tc.engine, Cmd: tc.engine, Insecure: []string{"127.0.0.1:5000"}, Exec: func(_ context.Context, c proc.Cmd) (*proc.Result, error) {
				got = c.Argv
				return &proc.Result{}, nil
			}}
			require.NoError(t, e.Pull(context.Background(), tc.ref, "linux/amd64"))
			require.NotEmpty(t, got)
			assert.Equal(t, tc.want, got[len(got)-len(tc.want):])
		})
	}
}
