package cellbuild

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// TestWriteFromCopy writes the copy of a Dockerfile with the builder's
// FROM replaced by the builder image pinned by digest (never its tag); a
// toolchain without runtime image leaves the runtime FROM as it is and
// says so; the Dockerfile is untouched and the script remakes the copy
// with sed.
func TestWriteFromCopy(t *testing.T) {
	const (
		digest = "sha256:9013f173f18777e4c6db560ce4d0dcd2daf6169b2e2b01dadab06deab61245e7"
		pinned = "localhost/go@" + digest
	)
	dir := t.TempDir()
	const original = "ARG B=registry.access.redhat.com/ubi9/go-toolset:1.25\nFROM ${B} AS builder\nFROM registry.access.redhat.com/ubi9/ubi-minimal:latest\n"
	path := filepath.Join(dir, "app.Dockerfile")
	require.NoError(t, os.WriteFile(path, []byte(original), 0o644))
	s := Spec{
		Toolchain: &toolchain.Resolved{Name: "img", Kind: config.KindImage,
			Container: &toolchain.Container{Builder: &container.Image{Ref: "localhost/go:1.26", ID: "ae4f9256a2c7", RepoDigests: []string{pinned}}}},
		Target:  config.Target{Name: "app", Kind: config.TargetDockerfile, Dockerfile: path, BuilderStage: "builder", RuntimeFrom: "*/ubi-minimal"},
		WorkDir: filepath.Join(dir, "work"),
	}
	fc, err := writeFromCopy(s)
	require.NoError(t, err)
	copied, err := os.ReadFile(fc.rec.Copy)
	require.NoError(t, err)
	assert.Equal(t, "ARG B=registry.access.redhat.com/ubi9/go-toolset:1.25\nFROM "+pinned+" AS builder\nFROM registry.access.redhat.com/ubi9/ubi-minimal:latest\n", string(copied))
	assert.Equal(t, filepath.Join(dir, "work", "dockerfiles"), filepath.Dir(fc.rec.Copy))
	require.Len(t, fc.rec.Froms, 1)
	assert.Equal(t, "line 2 (stage builder): FROM ${B} → "+pinned+" (builder image localhost/go:1.26)", fc.rec.Froms[0].String())
	assert.True(t, fc.rec.Froms[0].Variable)
	assert.Equal(t, []string{"toolchain img has no runtime image: the FROM lines runtimeFrom selects keep the Dockerfile's image"}, fc.rec.Notes)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, original, string(data), "the Dockerfile is never written")

	script := fc.script([]string{"podman", "build", "--file", fc.rec.Copy, dir})
	assert.Equal(t, "# gorepro builds a copy of "+path+" with these FROM images replaced (the Dockerfile itself is unchanged):\n"+
		"#   line 2 (stage builder): FROM ${B} → "+pinned+" (builder image localhost/go:1.26)\n"+
		"# toolchain img has no runtime image: the FROM lines runtimeFrom selects keep the Dockerfile's image\n"+
		"GOREPRO_TMP=$(mktemp -d)\n"+
		"sed -e '2s|\\${B}|"+pinned+"|1' "+path+` > "$GOREPRO_TMP"/app.Dockerfile`+"\n"+
		`podman build --file "$GOREPRO_TMP"/app.Dockerfile `+dir, script)

	again, err := writeFromCopy(s)
	require.NoError(t, err)
	assert.Equal(t, fc.rec.Copy, again.rec.Copy, "named by content")

	// A runtime image imported here, which no registry knows, is named by
	// its ID.
	const runtimeID = "5bd2a6b1f7c2a0b1e9d8c7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6"
	s.Toolchain.Container.Runtime = &container.Image{Ref: "localhost/gorepro-test/runtime:latest", ID: runtimeID}
	withRuntime, err := writeFromCopy(s)
	require.NoError(t, err)
	copied, err = os.ReadFile(withRuntime.rec.Copy)
	require.NoError(t, err)
	assert.Equal(t, "ARG B=registry.access.redhat.com/ubi9/go-toolset:1.25\nFROM "+pinned+" AS builder\nFROM "+runtimeID+"\n", string(copied))
	require.Len(t, withRuntime.rec.Froms, 2)
	assert.Equal(t, "line 3: FROM registry.access.redhat.com/ubi9/ubi-minimal:latest → "+runtimeID+" (runtime image localhost/gorepro-test/runtime:latest)", withRuntime.rec.Froms[1].String())
	s.Toolchain.Container.Runtime = nil

	s.Target.BuilderStage = "build"
	_, err = writeFromCopy(s)
	assert.EqualError(t, err, `builderStage of target app, in `+path+`: stage "build" matches no FROM line; its FROM lines are line 2: FROM ${B} AS builder (registry.access.redhat.com/ubi9/go-toolset:1.25 with the ARG defaults); line 3: FROM registry.access.redhat.com/ubi9/ubi-minimal:latest`)

	s.Target.BuilderStage, s.Target.RuntimeFrom = "", ""
	none, err := writeFromCopy(s)
	require.NoError(t, err)
	assert.Nil(t, none, "a target that names no FROM line is built as it is")
}

// TestDockerfileSpecPinsImage: {{.Image}} is the image the cell is keyed
// by (its digest, or its ID when no registry knows it), never the
// configured tag, which may name another image by now.
func TestDockerfileSpecPinsImage(t *testing.T) {
	const (
		id     = "ae4f9256a2c710a166d43abe56cd2b70e6863a061c1136802a2c7636bcb728f7"
		digest = "sha256:9013f173f18777e4c6db560ce4d0dcd2daf6169b2e2b01dadab06deab61245e7"
	)
	dir := t.TempDir()
	target := config.Target{Name: "app", Kind: config.TargetDockerfile, Dockerfile: filepath.Join(dir, "Dockerfile"),
		BuildArgs: map[string]string{"BUILDER": "{{.Image}}"}}
	for _, tc := range []struct {
		name    string
		builder container.Image
		want    string
	}{
		{"pulled from a registry", container.Image{Ref: "127.0.0.1:5999/go-toolset:1.26", ID: id, RepoDigests: []string{"127.0.0.1:5999/go-toolset@" + digest}}, "127.0.0.1:5999/go-toolset@" + digest},
		{"imported here", container.Image{Ref: "localhost/gorepro-test/go:local", ID: id}, id},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Spec{
				Toolchain: &toolchain.Resolved{Name: "img", Kind: config.KindImage, HostGOARCH: "amd64",
					Container: &toolchain.Container{Builder: &tc.builder, Platform: "linux/amd64"}},
				Target:  target,
				WorkDir: filepath.Join(dir, "work"),
			}
			spec, err := dockerfileSpec(s, filepath.Join(dir, "work", "bin", "app"))
			require.NoError(t, err)
			assert.Equal(t, map[string]string{"BUILDER": tc.want}, spec.BuildArgs)
		})
	}
}
