package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const hashConfig = `{
  "toolchains": [
    {"name": "local", "kind": "local"},
    {"name": "sdk", "kind": "goroot", "goroot": "sdk/go"},
    {"name": "img", "kind": "image", "image": "localhost/go:1", "engine": "podman"}
  ],
  "protobuf": ["v1.33.0", "v1.36.10"],
  "cover": [false, true],
  "targets": [
    {"name": "repro", "kind": "repro"},
    {"name": "app", "kind": "package", "dir": "app", "package": "./cmd/app", "env": {"B": "2", "A": "1"}}
  ],
  "timeout": "30s"
}`

// checkout writes the config and its module into a new directory, as a CI
// runner's checkout would be, and parses it.
func checkout(t *testing.T, config string) *Config {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "app"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app", "go.mod"), []byte("module example.com/app\n"), 0o644))
	path := filepath.Join(dir, "toolchains.json")
	require.NoError(t, os.WriteFile(path, []byte(config), 0o644))
	cfg, err := Load(path)
	require.NoError(t, err)
	return cfg
}

func TestMatrixHash(t *testing.T) {
	base := checkout(t, hashConfig)
	sum := base.MatrixHash()
	assert.Regexp(t, `^[0-9a-f]{64}$`, sum)
	assert.Equal(t, sum, base.MatrixHash(), "deterministic")

	// The same config in another checkout: target dirs and the goroot
	// inside the checkout are absolute after Load, but hash relative.
	other := checkout(t, hashConfig)
	require.NotEqual(t, base.Dir, other.Dir)
	assert.Equal(t, sum, other.MatrixHash(), "the checkout's path is not part of the matrix")

	// How it runs is not part of the matrix.
	for name, o := range map[string]Overrides{
		"--engine": {Engine: "docker"},
		"--pull":   {Pull: "never"},
	} {
		cfg := checkout(t, hashConfig)
		require.NoError(t, cfg.Apply(o))
		assert.Equal(t, sum, cfg.MatrixHash(), name)
	}

	// What it runs is.
	for name, o := range map[string]Overrides{
		"--protobuf":  {Protobuf: []string{"v1.33.0"}},
		"--protobuf2": {Protobuf: []string{"v1.36.10", "v1.33.0"}},
		"--cover":     {Cover: []string{"on"}},
		"--toolchain": {Toolchains: []string{"local"}},
		"--target":    {Targets: []string{"repro"}},
		"--arch":      {Arch: []string{"arm64"}},
		"--runs":      {Runs: 3},
		"--timeout":   {Timeout: 10 * time.Second},
	} {
		cfg := checkout(t, hashConfig)
		require.NoError(t, cfg.Apply(o))
		assert.NotEqual(t, sum, cfg.MatrixHash(), name)
	}

	// "native" is hashed as configured, not as this host's GOARCH.
	native := checkout(t, hashConfig)
	require.NoError(t, native.Apply(Overrides{Arch: []string{ArchNative}}))
	assert.Equal(t, sum, native.MatrixHash(), "native is the default arch")

	// A goroot outside the checkout stays absolute: another path is
	// another toolchain.
	a := checkout(t, `{"toolchains": [{"name": "sdk", "kind": "goroot", "goroot": "/opt/go-a"}], "protobuf": ["v1.36.10"], "targets": [{"name": "repro", "kind": "repro"}]}`)
	b := checkout(t, `{"toolchains": [{"name": "sdk", "kind": "goroot", "goroot": "/opt/go-b"}], "protobuf": ["v1.36.10"], "targets": [{"name": "repro", "kind": "repro"}]}`)
	assert.NotEqual(t, a.MatrixHash(), b.MatrixHash())
	assert.Equal(t, "/opt/go-a", a.Toolchains[0].GOROOT, "MatrixHash does not change the config")
}

// TestEntries checks what a cell records of its toolchain's and target's
// config entries: set fields only, a goroot inside the config's directory
// relative to it, and the fields Settings leaves out.
func TestEntries(t *testing.T) {
	c := &Config{Dir: "/ci/repo", BuildTimeout: Duration(10 * time.Minute)}
	tests := []struct {
		name string
		got  map[string]string
		want map[string]string
	}{
		{"local", c.ToolchainEntry(Toolchain{Name: "go", Kind: KindLocal}), map[string]string{"kind": "local"}},
		{"goroot outside", c.ToolchainEntry(Toolchain{Name: "go", Kind: KindGoroot, GOROOT: "/opt/ci/go"}), map[string]string{"kind": "goroot", "goroot": "/opt/ci/go"}},
		{"goroot inside", c.ToolchainEntry(Toolchain{Name: "go", Kind: KindGoroot, GOROOT: "/ci/repo/third_party/go"}), map[string]string{"kind": "goroot", "goroot": "third_party/go"}},
		{"image, engine left out", c.ToolchainEntry(Toolchain{Name: "img", Kind: KindImage, Image: "golang:1.25", RuntimeImage: "alpine", Engine: "podman"}),
			map[string]string{"kind": "image", "image": "golang:1.25", "runtimeImage": "alpine"}},
		{"package target", c.TargetEntry(Target{Name: "app", Kind: TargetPackage, Dir: "/ci/repo/app", Package: "./cmd/app", PrepareWith: PrepareLocal}),
			map[string]string{"kind": "package", "package": "./cmd/app", "prepareWith": "local", "buildTimeout": "10m0s"}},
		{"dockerfile target", c.TargetEntry(Target{Name: "d", Kind: TargetDockerfile, Dockerfile: "/ci/repo/Dockerfile", Context: "/ci/repo", BuildArgs: map[string]string{"B": "2", "A": "1"}, Stage: "build"}),
			map[string]string{"kind": "dockerfile", "dockerfile": "Dockerfile", "context": ".", "buildArgs": `{"A":"1","B":"2"}`, "stage": "build", "buildTimeout": "10m0s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, tt.got) })
	}
}
