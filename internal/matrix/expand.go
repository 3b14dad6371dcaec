package matrix

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// plan is one cell before it runs.
type plan struct {
	index    int
	id       string
	name     string // short name: the axes that vary in this run
	tc       *toolchain.Resolved
	target   config.Target
	protobuf string
	cover    bool
	goarch   string // the GOARCH to build for, never "native"
	native   bool   // goarch is the host's because the config asked for "native"
}

// expand turns the cells of specs (see cellSpecs) into plans, with the
// toolchains tcs resolved in config order: "native" becomes the GOARCH the
// cell's binaries run on.
func expand(specs []cellSpec, tcs []*toolchain.Resolved, hostArch string) []plan {
	plans := make([]plan, len(specs))
	for i, sp := range specs {
		tc := tcs[sp.toolchain]
		goarch := specArch(sp, tcs, hostArch)
		native := sp.arch == config.ArchNative
		plans[i] = plan{index: i, tc: tc, target: sp.target, protobuf: sp.protobuf, cover: sp.cover, goarch: goarch, native: native,
			id: CellID(tc.Name, cmp.Or(sp.protobuf, "noprotobuf"), sp.cover, sp.target.Name, goarch)}
	}
	nameCells(plans)
	return plans
}

// specArch is the GOARCH a cell builds for: its configured arch, with
// "native" resolved to where its toolchain's binaries run.
func specArch(sp cellSpec, tcs []*toolchain.Resolved, hostArch string) string {
	if sp.arch == config.ArchNative {
		return cellHostArch(tcs[sp.toolchain], hostArch)
	}
	return sp.arch
}

// collapse drops from specs (a share of allSpecs, or all of them) the
// cells that are the same as an earlier cell of allSpecs on this host:
// "arch": ["native", "amd64"] lists every amd64 cell twice on an amd64
// host. The earlier one is kept, so every shard of a matrix makes the same
// choice; it returns the kept specs and what was collapsed, per pair of
// arch values. Only specs' toolchains need to be resolved in tcs.
func collapse(allSpecs, specs []cellSpec, tcs []*toolchain.Resolved, hostArch string) ([]cellSpec, []record.Collapse) {
	type cellKey struct {
		toolchain      int
		protobuf       string
		cover          bool
		target, goarch string
	}
	keyOf := func(sp cellSpec) cellKey {
		return cellKey{sp.toolchain, sp.protobuf, sp.cover, sp.target.Name, specArch(sp, tcs, hostArch)}
	}
	first := map[cellKey]cellSpec{} // the first spec of each cell, among the toolchains used
	for _, sp := range allSpecs {
		if tcs[sp.toolchain] == nil {
			continue
		}
		if _, ok := first[keyOf(sp)]; !ok {
			first[keyOf(sp)] = sp
		}
	}
	var kept []cellSpec
	var collapsed []record.Collapse
	for _, sp := range specs {
		k := keyOf(sp)
		into := first[k]
		if into.position == sp.position {
			kept = append(kept, sp)
			continue
		}
		host := cellHostArch(tcs[sp.toolchain], hostArch)
		i := slices.IndexFunc(collapsed, func(c record.Collapse) bool {
			return c.Arch == sp.arch && c.Into == into.arch && c.GOARCH == k.goarch && c.HostArch == host
		})
		if i < 0 {
			collapsed = append(collapsed, record.Collapse{Arch: sp.arch, Into: into.arch, GOARCH: k.goarch, HostArch: host})
			i = len(collapsed) - 1
		}
		collapsed[i].Cells++
	}
	return kept, collapsed
}

// nameCells gives each cell a short name for the live status line: the
// values of the axes that vary in this run, and always the target; a run of
// one cell (a bisection probe) names every axis.
func nameCells(plans []plan) {
	distinct := func(f func(plan) string) bool {
		for _, p := range plans[min(1, len(plans)):] {
			if f(p) != f(plans[0]) {
				return true
			}
		}
		return len(plans) == 1
	}
	tcs := distinct(func(p plan) string { return p.tc.Name })
	pbs := distinct(func(p plan) string { return p.protobuf })
	covers := distinct(func(p plan) string { return fmt.Sprint(p.cover) })
	archs := distinct(func(p plan) string { return p.goarch })
	for i, p := range plans {
		var parts []string
		if tcs {
			parts = append(parts, p.tc.Name)
		}
		if pbs && p.protobuf != "" {
			parts = append(parts, p.protobuf)
		}
		if covers && p.cover {
			parts = append(parts, "cover")
		} else if covers {
			parts = append(parts, "nocover")
		}
		parts = append(parts, p.target.Name)
		if archs {
			parts = append(parts, p.goarch)
		}
		plans[i].name = strings.Join(parts, " ")
	}
}

// cellHostArch is the architecture a toolchain's binaries run on: the
// platform of the container they run in (an image toolchain's, or a host
// toolchain's runtime image's), else this host's.
func cellHostArch(tc *toolchain.Resolved, hostArch string) string {
	if c := tc.RunContainer(); c != nil && c.Platform != "" {
		return c.PlatformArch()
	}
	return hostArch
}

// usesProtobufAxis says whether a target's cells vary with the protobuf
// axis: a Dockerfile decides its own modules and the probe links none, so
// those get one cell per toolchain, cover and arch.
func usesProtobufAxis(t config.Target) bool {
	return t.Kind != config.TargetDockerfile && t.Kind != config.TargetEnvProbe
}

// usesCoverAxis says whether a target's cells vary with the cover axis. The
// probe never does: it is gorepro's instrument, and a -cover binary writes
// its coverage meta-data at exit through package os, which reaches the
// network poller, so on an affected runtime (golang/go#69255) the probe
// would die of the very crash it is there to explain. It gets one cell per
// toolchain and arch, built without -cover.
func usesCoverAxis(t config.Target) bool {
	return t.Kind != config.TargetEnvProbe
}

// CellCount is the number of cells the matrix of cfg has (without
// --shard), before cells that turn out to be the same on this host are
// collapsed (see Runner.Run).
func CellCount(cfg *config.Config) int {
	return len(cellSpecs(cfg))
}

// CellID is a cell's file-safe identity within a run.
func CellID(toolchain, protobuf string, cover bool, target, goarch string) string {
	c := "nocover"
	if cover {
		c = "cover"
	}
	return strings.Join([]string{toolchain, protobuf, c, target, goarch}, "_")
}

// baseCell fills in what is known about a cell before it is built.
func baseCell(p plan, hostArch string) record.Cell {
	// The host a container cell runs on is the engine's (a Podman
	// machine's VM), whatever platform its images are for.
	if c := p.tc.RunContainer(); c != nil && c.EngineHostArch != "" {
		hostArch = c.EngineHostArch
	}
	var warnings []string
	if p.tc.Warning != "" {
		warnings = append(warnings, "toolchain "+p.tc.Name+": "+p.tc.Warning)
	}
	return record.Cell{
		Container:      containerInfo(p.tc.RunContainer()),
		Warnings:       warnings,
		ID:             p.id,
		ToolchainBuild: p.tc.Build,
		GoSource:       p.tc.GoSource,
		Toolchain:      p.tc.Name,
		ToolchainKind:  p.tc.Kind,
		GoVersion:      p.tc.GoVersion,
		Protobuf:       p.protobuf,
		Cover:          p.cover,
		Target:         p.target.Name,
		TargetKind:     p.target.Kind,
		HostArch:       hostArch,
		GOOS:           "linux",
	}
}
