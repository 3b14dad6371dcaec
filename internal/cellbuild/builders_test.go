package cellbuild

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gorepro/gorepro/internal/container"
)

// TestBuilderSpec: the builder of a container build mounts the work
// directory read-only and the parts of it that builds write read-write,
// so that every cell of a target (each its own output directory,
// reproducer or alternate go.mod) shares one builder; mounts outside the
// work directory and volumes are kept as they are.
func TestBuilderSpec(t *testing.T) {
	const work = "/cache/work"
	downloads := container.Mount{Source: "/home/me/go/pkg/mod/cache/download", Target: "/home/me/go/pkg/mod/cache/download", ReadOnly: true}
	modCache := container.Mount{Source: "gorepro-gomodcache", Target: "/gorepro/gomodcache", Volume: true}
	cell := func(src, out string, extra ...container.Mount) container.RunSpec {
		return container.RunSpec{
			Image: "ae4f9256a2c7", Platform: "linux/amd64", User: "0:0", Network: "none",
			Labels: map[string]string{"gorepro.role": "build"}, Workdir: src, Env: []string{"GOARCH=amd64"}, Args: []string{"go", "build"},
			Mounts: append([]container.Mount{{Source: src, Target: src, ReadOnly: true}, {Source: out, Target: out}, downloads, modCache}, extra...),
		}
	}
	a := builderSpec(work, cell(work+"/repro/v1.33.0-a67c", work+"/bin/img_v1.33.0_nocover_repro_amd64"))
	b := builderSpec(work, cell(work+"/repro/v1.36.10-a67c", work+"/bin/img_v1.36.10_cover_repro_amd64"))
	assert.Equal(t, container.RunSpec{
		Image: "ae4f9256a2c7", Platform: "linux/amd64", User: "0:0", Network: "none",
		Labels: map[string]string{"gorepro.role": "builder"},
		Mounts: []container.Mount{
			{Source: work, Target: work, ReadOnly: true},
			{Source: work + "/bin", Target: work + "/bin"},
			modCache,
			downloads,
		},
	}, a)
	e := &container.Engine{Name: container.Podman, Cmd: "/usr/bin/podman"}
	assert.Equal(t, builderKey(e, a), builderKey(e, b), "two cells of the reproducer: one builder")

	// A package target: the user's module and a replaced module outside
	// the work directory as they are, the alternate go.mod's directory
	// under modfiles/ read-write.
	lib := container.Mount{Source: "/home/me/lib", Target: "/home/me/lib", ReadOnly: true}
	p1 := builderSpec(work, cell("/home/me/app", work+"/bin/img_v1.33.0_nocover_app_amd64", container.Mount{Source: work + "/modfiles/1a2b", Target: work + "/modfiles/1a2b"}, lib))
	p2 := builderSpec(work, cell("/home/me/app", work+"/bin/img_v1.36.10_nocover_app_amd64", container.Mount{Source: work + "/modfiles/3c4d", Target: work + "/modfiles/3c4d"}, lib))
	assert.Equal(t, []container.Mount{
		{Source: work + "/bin", Target: work + "/bin"},
		{Source: work + "/modfiles", Target: work + "/modfiles"},
		modCache,
		{Source: "/home/me/app", Target: "/home/me/app", ReadOnly: true},
		downloads,
		lib,
	}, p1.Mounts)
	assert.Equal(t, builderKey(e, p1), builderKey(e, p2), "two cells of the package target: one builder")
	assert.NotEqual(t, builderKey(e, a), builderKey(e, p1), "other mounts: another builder")

	other := cell(work+"/repro/v1.33.0-a67c", work+"/bin/x")
	other.Image = "e3b3a691fa7f"
	assert.NotEqual(t, builderKey(e, a), builderKey(e, builderSpec(work, other)), "another image: another builder")
	other.Image, other.Platform = a.Image, "linux/arm64"
	assert.NotEqual(t, builderKey(e, a), builderKey(e, builderSpec(work, other)), "another platform: another builder")
}
