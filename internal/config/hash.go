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
