package matrix

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/gorootfiles"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// recordInputs records in each cell its target's settings, the config
// entries of its target and toolchain (record.Cell.TargetEntry,
// ToolchainEntry) and, for a
// package target, the VCS state of the target's module directory, each
// asked once per target after the cells ran (a cached cell has the state
// of this run, not of the run that cached it). A directory git cannot read
// gets a warning and no state.
func (r *Runner) recordInputs(ctx context.Context, cells []record.Cell) {
	states := map[string]*record.SourceState{}
	settings := map[string]map[string]string{}
	for _, t := range r.Config.Targets {
		settings[t.Name] = Settings(t, r.Config)
		if t.Kind != config.TargetPackage {
			continue
		}
		st, err := gitrepo.State(context.WithoutCancel(ctx), t.Dir)
		if err != nil {
			fmt.Fprintf(r.Progress, "gorepro: WARNING: target %s: cannot record its commit: %v\n", t.Name, err)
		}
		states[t.Name] = st
	}
	targets := map[string]map[string]string{}
	for _, t := range r.Config.Targets {
		targets[t.Name] = r.Config.TargetEntry(t)
	}
	toolchains := map[string]map[string]string{}
	for _, tc := range r.Config.Toolchains {
		toolchains[tc.Name] = r.Config.ToolchainEntry(tc)
	}
	for i := range cells {
		cells[i].Source = states[cells[i].Target]
		cells[i].Settings = settings[cells[i].Target]
		cells[i].TargetEntry = targets[cells[i].Target]
		cells[i].ToolchainEntry = toolchains[cells[i].Toolchain]
	}
}

// Settings are the cell settings (record.Cell.Settings) of target t in
// config c: what the config says about how its cells are built and run.
func Settings(t config.Target, c *config.Config) map[string]string {
	s := map[string]string{
		"runs":    fmt.Sprint(max(c.Runs, 1)),
		"timeout": t.RunTimeout(c).String(),
		"cgo":     fmt.Sprint(t.CGO),
	}
	set := func(key string, v any) {
		if b, err := json.Marshal(v); err == nil && string(b) != "null" && string(b) != "{}" && string(b) != "[]" {
			s[key] = string(b)
		}
	}
	set("args", t.Args)
	// Variables as KEY=VALUE, sorted, secrets redacted.
	redacted := func(vars map[string]string) []string {
		var out []string
		for _, k := range slices.Sorted(maps.Keys(vars)) {
			out = append(out, redact.Env(k+"="+vars[k]))
		}
		return out
	}
	set("env", redacted(t.Env))
	set("buildEnv", redacted(t.BuildEnv))
	set("buildFlags", t.BuildFlags)
	set("prepare", t.Prepare)
	set("modules", t.Modules)
	if t.Pass.ExitCodes != nil || t.Pass.LogMatches != "" || t.Pass.AliveFor > 0 {
		set("pass", t.Pass)
	}
	return s
}

// toolchainInfo is what the run records about its resolved toolchains.
func toolchainInfo(tcs []*toolchain.Resolved, hostArch string) []record.Toolchain {
	var out []record.Toolchain
	for _, tc := range tcs {
		if tc == nil {
			continue // not used by this run's cells
		}
		out = append(out, record.Toolchain{
			Name:        tc.Name,
			Kind:        tc.Kind,
			GoVersion:   tc.GoVersion,
			Experiments: tc.Experiments,
			GOROOT:      tc.GOROOT,
			HostArch:    hostArch,
			GoEnv:       tc.GoEnv,
			Available:   tc.Available,
			Reason:      tc.Reason,
			Warning:     tc.Warning,
			Container:   containerInfo(tc.RunContainer()),
			GoSource:    tc.GoSource,
			Build:       tc.Build,
		})
	}
	return out
}

// containerInfo is the provenance recorded with every cell whose binary
// runs in a container: an image toolchain's, or a host toolchain's
// runtime image (no builder image, no builder platform: it built here).
func containerInfo(c *toolchain.Container) *record.Container {
	if c == nil {
		return nil
	}
	info := &record.Container{
		Engine:          c.EngineName,
		EngineVersion:   c.EngineVersion,
		EngineHostArch:  c.EngineHostArch,
		Platform:        c.Platform,
		BuilderPlatform: c.BuilderPlatform,
	}
	if b := c.Builder; b != nil {
		info.Image, info.ImageID, info.ImageDigest, info.ImageArch, info.ImagePulled = b.Ref, b.ID, b.Digest, b.Arch, b.Pulled
	}
	if r := c.Runtime; r != nil {
		info.RuntimeImage, info.RuntimeImageID, info.RuntimeImageDigest, info.RuntimeImageArch = r.Ref, r.ID, r.Digest, r.Arch
	}
	return info
}

// recordManifests lists the GOROOT files of the run's local toolchains by
// content (gorootfiles.Of, cached in the cache directory), stores each
// list in the run directory as goroot-<name>.manifest.gz and sets the
// records' Manifest, Files and ReadFile, so that the analysis can name the
// files two builds of one Go version differ in. A manifest that cannot be
// made is a warning.
func (r *Runner) recordManifests(ctx context.Context, records []record.Toolchain, tcs []*toolchain.Resolved, w CellWriter) {
	for i := range records {
		tr := &records[i]
		k := slices.IndexFunc(tcs, func(tc *toolchain.Resolved) bool { return tc != nil && tc.Name == tr.Name })
		if k < 0 || !tcs[k].Available || (tcs[k].Container == nil && tcs[k].GOROOT == "") {
			continue
		}
		var m gorootfiles.Manifest
		var data []byte // m encoded, when already at hand
		var read func(string) ([]byte, error)
		var err error
		if tcs[k].Container != nil {
			m, read, err = imageManifest(ctx, tcs[k].Container, r.CacheDir)
		} else if tcs[k].Files != nil {
			// The walk that stamped the toolchain's identity.
			if m, data, err = tcs[k].Files.Manifest(r.CacheDir); err == nil {
				read = gorootfiles.Reader(tcs[k].GOROOT, m)
			}
		} else if m, data, err = gorootfiles.OfEncoded(tcs[k].GOROOT, r.CacheDir); err == nil {
			read = gorootfiles.Reader(tcs[k].GOROOT, m)
		}
		if err != nil {
			fmt.Fprintf(r.Progress, "gorepro: warning: toolchain %s: listing its GOROOT files: %v\n", tr.Name, err)
			continue
		}
		tr.Files, tr.ManifestFiles, tr.ReadFile = m, len(m), read
		if w == nil {
			continue
		}
		name := "goroot-" + tr.Name + ".manifest.gz"
		if data == nil {
			data, err = m.Encode()
		}
		if err == nil {
			err = w.WriteFile(name, data)
		}
		if err != nil {
			fmt.Fprintf(r.Progress, "gorepro: warning: toolchain %s: storing its GOROOT manifest: %v\n", tr.Name, err)
			continue
		}
		tr.Manifest = name
	}
}
