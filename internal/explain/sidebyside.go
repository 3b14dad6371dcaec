package explain

import (
	"maps"
	"slices"

	"github.com/gorepro/gorepro/internal/record"
)

// toolchainOf finds the record of a cell's toolchain in its run.
func toolchainOf(run *record.Run, c record.Cell) record.Toolchain {
	for _, tc := range run.Toolchains {
		if tc.Name == c.Toolchain {
			return tc
		}
	}
	return record.Toolchain{Name: c.Toolchain, GoVersion: c.GoVersion, Build: c.ToolchainBuild}
}

// toolchainsSideBySide lists what two toolchains were: version, GOROOT,
// build, images and go env.
func toolchainsSideBySide(b, n record.Toolchain, bc, nc record.Cell) []record.SideBySide {
	rows := []record.SideBySide{
		{Field: "toolchain", Base: b.Name, New: n.Name},
		{Field: "Go version", Base: bc.GoVersion, New: nc.GoVersion},
		{Field: "GOROOT", Base: b.GOROOT, New: n.GOROOT},
		{Field: "build", Base: bc.ToolchainBuild, New: nc.ToolchainBuild},
	}
	img := func(c *record.Container, f func(*record.Container) string) string {
		if c == nil {
			return ""
		}
		return f(c)
	}
	for _, f := range []struct {
		name string
		get  func(*record.Container) string
	}{
		{"image", func(c *record.Container) string { return c.Image }},
		{"image ID", func(c *record.Container) string { return c.ImageID }},
		{"image digest", func(c *record.Container) string { return c.ImageDigest }},
		{"runtime image", func(c *record.Container) string { return c.RuntimeImage }},
		{"runtime image ID", func(c *record.Container) string { return c.RuntimeImageID }},
		{"runtime digest", func(c *record.Container) string { return c.RuntimeImageDigest }},
	} {
		if bv, nv := img(bc.Container, f.get), img(nc.Container, f.get); bv != "" || nv != "" {
			rows = append(rows, record.SideBySide{Field: f.name, Base: bv, New: nv})
		}
	}
	keys := slices.Sorted(maps.Keys(b.GoEnv))
	for k := range n.GoEnv {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if b.GoEnv[k] == "" && n.GoEnv[k] == "" {
			continue // unset on both sides (GOARM on amd64): nothing to compare
		}
		rows = append(rows, record.SideBySide{Field: "go env " + k, Base: b.GoEnv[k], New: n.GoEnv[k]})
	}
	return rows
}
