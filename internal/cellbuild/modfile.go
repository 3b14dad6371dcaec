package cellbuild

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"

	"github.com/gorepro/gorepro/repro"
)

// prepareModfile writes the alternate go.mod (and go.sum) with which the
// module in moduleDir is built for protobufVersion, and returns the
// alternate go.mod's path. The user's files are only read.
//
// The copy requires protobuf at exactly protobufVersion (replacing any
// existing requirement, never removing other ones, so minimal version
// selection still honours higher requirements elsewhere) and has relative
// replace directories made absolute against moduleDir. It lives in
// <workDir>/modfiles/<hash>/, where the hash covers the inputs and the output
// binary, so concurrent builds of different cells never share a file the go
// command may rewrite.
func prepareModfile(moduleDir, protobufVersion string, modules map[string]string, workDir, output string) (string, error) {
	if protobufVersion != "" && !semver.IsValid(protobufVersion) {
		return "", fmt.Errorf("protobuf version %q is not a semantic version such as v1.36.10", protobufVersion)
	}
	goModPath := filepath.Join(moduleDir, "go.mod")
	data, err := os.ReadFile(goModPath)
	if err != nil {
		return "", fmt.Errorf("reading the target's go.mod: %w", err)
	}
	f, err := modfile.Parse(goModPath, data, nil)
	if err != nil {
		return "", fmt.Errorf("parsing the target's go.mod: %w", err)
	}
	if protobufVersion != "" {
		if err := f.AddRequire(repro.ProtobufModule, protobufVersion); err != nil {
			return "", fmt.Errorf("requiring protobuf %s: %w", protobufVersion, err)
		}
	}
	// Other module overrides (the target's "modules", or a bisection over
	// module:PATH), in a stable order.
	for _, path := range slices.Sorted(maps.Keys(modules)) {
		if err := f.AddRequire(path, modules[path]); err != nil {
			return "", fmt.Errorf("requiring %s %s: %w", path, modules[path], err)
		}
	}
	type dirReplace struct{ oldPath, oldVersion, newPath string }
	var rewrites []dirReplace
	for _, r := range f.Replace {
		if r.New.Version == "" && !filepath.IsAbs(r.New.Path) {
			rewrites = append(rewrites, dirReplace{r.Old.Path, r.Old.Version, filepath.Join(moduleDir, r.New.Path)})
		}
	}
	for _, r := range rewrites {
		if err := f.AddReplace(r.oldPath, r.oldVersion, r.newPath, ""); err != nil {
			return "", fmt.Errorf("rewriting replace of %s: %w", r.oldPath, err)
		}
	}
	f.Cleanup()
	altMod, err := f.Format()
	if err != nil {
		return "", fmt.Errorf("formatting the alternate go.mod: %w", err)
	}
	sum, err := os.ReadFile(filepath.Join(moduleDir, "go.sum"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("reading the target's go.sum: %w", err)
	}

	h := sha256.New()
	for _, part := range [][]byte{[]byte(moduleDir), []byte(output), altMod, sum} {
		fmt.Fprintf(h, "%d\n", len(part))
		h.Write(part)
	}
	dir := filepath.Join(workDir, "modfiles", hex.EncodeToString(h.Sum(nil))[:16])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating the alternate go.mod directory: %w", err)
	}
	altPath := filepath.Join(dir, "go.mod")
	// Rewritten every time: a previous -mod=mod build may have edited it.
	if err := os.WriteFile(altPath, altMod, 0o644); err != nil {
		return "", fmt.Errorf("writing the alternate go.mod: %w", err)
	}
	// With -modfile=dir/go.mod the go command uses dir/go.sum.
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		return "", fmt.Errorf("writing the alternate go.sum: %w", err)
	}
	return altPath, nil
}
