package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
)

// matrixHashVersion starts the hashed document, so that a change of what
// MatrixHash covers changes every hash instead of colliding with old ones.
const matrixHashVersion = "gorepro-matrix-v1\n"

// MatrixHash returns the hex SHA-256 of the matrix c describes, as applied
// (call it after Apply): the toolchains, the protobuf, cover and arch axes
// (arch as configured: "native" stays "native"), the targets, runs and the
// run and build timeouts, as canonical JSON (fixed field order, sorted map
// keys, durations as strings).
//
// It identifies what a run computed, not how or where: the container
// engine and pull policy (top-level and per toolchain) are left out, and so
// is everything outside the config (--shard, -j, --out, caches). Target
// paths (dir, dockerfile, context) are hashed relative to the config file's
// directory, and a goroot inside that directory likewise, so that the same
// checkout at different paths on different CI runners hashes the same. Two
// runs with the same MatrixHash ran the same cells with the same settings;
// `gorepro merge` refuses runs whose hashes differ.
func (c *Config) MatrixHash() string {
	m := *c
	m.Engine, m.Pull = "", ""
	m.Toolchains = slices.Clone(c.Toolchains)
	for i := range m.Toolchains {
		m.Toolchains[i].Engine = ""
		if rel, ok := relInside(c.Dir, m.Toolchains[i].GOROOT); ok {
			m.Toolchains[i].GOROOT = rel
		}
	}
	m.Targets = slices.Clone(c.Targets)
	for i := range m.Targets {
		t := &m.Targets[i]
		t.Dir, t.Dockerfile, t.Context = relTo(c.Dir, t.Dir), relTo(c.Dir, t.Dockerfile), relTo(c.Dir, t.Context)
	}
	// A Config holds only strings, numbers, bools, slices and string maps:
	// marshalling it cannot fail.
	data, _ := json.Marshal(&m)
	sum := sha256.Sum256(append([]byte(matrixHashVersion), data...))
	return hex.EncodeToString(sum[:])
}

// relTo returns path p relative to dir, slash-separated, when both are
// absolute; else p unchanged.
func relTo(dir, p string) string {
	if dir == "" || !filepath.IsAbs(p) {
		return p
	}
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(rel)
}

// relInside returns p relative to dir when p lies inside dir.
func relInside(dir, p string) (string, bool) {
	rel := relTo(dir, p)
	if rel == p || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return rel, true
}

// ToolchainEntry is toolchain tc of c as the config gives it, field by
// field under the config's JSON names, unset fields left out: what a
// cell records (record.Cell.ToolchainEntry) so that two runs can say which
// field of a toolchain changed. The engine is left out, as in MatrixHash;
// a goroot inside the config's directory is relative to it.
func (c *Config) ToolchainEntry(tc Toolchain) map[string]string {
	goroot := tc.GOROOT
	if rel, ok := relInside(c.Dir, goroot); ok {
		goroot = rel
	}
	return nonEmpty(map[string]string{
		"kind": tc.Kind, "version": tc.Version, "goroot": goroot, "image": tc.Image,
		"runtimeImage": tc.RuntimeImage, "expectGo": tc.ExpectGo, "platform": tc.Platform,
		"repo": tc.Repo, "rev": tc.Rev, "bootstrap": tc.Bootstrap, "fast": boolField(tc.Fast),
	})
}

// TargetEntry is what of target t and of c reaches t's cells besides the
// cell settings (record.Cell.Settings: runs, timeouts, args, env, build
// flags and env, cgo, pass rule, prepare, modules): the target's kind,
// package, Dockerfile, context, build args, stage, the FROM lines its
// images replace (builderStage, builderFrom, runtimeStage, runtimeFrom) and prepareWith, and
// the build timeout. Paths are relative to the config's directory, as in
// MatrixHash; the target's dir is left out (a checkout's path is not an
// input: its commit is).
func (c *Config) TargetEntry(t Target) map[string]string {
	e := map[string]string{
		"kind": t.Kind, "package": t.Package, "dockerfile": relTo(c.Dir, t.Dockerfile), "context": relTo(c.Dir, t.Context),
		"stage": t.Stage, "prepareWith": t.PrepareWith, "builderStage": t.BuilderStage, "builderFrom": t.BuilderFrom,
		"runtimeStage": t.RuntimeStage, "runtimeFrom": t.RuntimeFrom,
	}
	if len(t.BuildArgs) > 0 {
		data, _ := json.Marshal(t.BuildArgs) // a string map: sorted keys, cannot fail
		e["buildArgs"] = string(data)
	}
	if c.BuildTimeout > 0 {
		e["buildTimeout"] = c.BuildTimeout.D().String()
	}
	return nonEmpty(e)
}

// nonEmpty returns m without its empty values.
func nonEmpty(m map[string]string) map[string]string {
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}

// boolField is a boolean entry field: "true", or "" (left out) for false.
func boolField(b bool) string {
	if b {
		return "true"
	}
	return ""
}
