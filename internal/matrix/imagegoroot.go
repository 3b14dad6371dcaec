package matrix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/gorepro/gorepro/internal/gorootfiles"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// imageManifest returns the manifest of the GOROOT inside a builder image,
// and a reader of its Go sources. The GOROOT's src/ and pkg/tool/ are
// copied out once per image ID into <cacheDir>/image-goroots/<ID>/ and
// listed; the tools are then removed (only sources are ever diffed) and
// the manifest kept next to the sources, so later runs neither copy nor
// hash again.
func imageManifest(ctx context.Context, c *toolchain.Container, cacheDir string) (gorootfiles.Manifest, func(string) ([]byte, error), error) {
	if c.Builder == nil || c.Builder.ID == "" {
		return nil, nil, errors.New("the builder image was not resolved")
	}
	if cacheDir == "" {
		return nil, nil, errors.New("no cache directory to copy the image's GOROOT into")
	}
	dir := filepath.Join(cacheDir, "image-goroots", strings.ReplaceAll(c.Builder.ID, ":", "-"))
	if m, err := readManifestFile(filepath.Join(dir, "manifest.gz")); err == nil {
		return m, gorootfiles.Reader(filepath.Join(dir, "goroot"), m), nil
	}
	if c.Engine == nil {
		return nil, nil, errors.New("no container engine to copy the image's GOROOT with")
	}
	goroot, err := c.Engine.GOROOT(ctx, c.Builder.ID, c.BuilderPlatform)
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".tmp-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp) // gone once renamed
	local := filepath.Join(tmp, "goroot")
	for _, d := range gorootfiles.Dirs() {
		dest := filepath.Join(local, filepath.FromSlash(d))
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return nil, nil, err
		}
		if err := c.Engine.CopyDirFrom(ctx, c.Builder.ID, path.Join(goroot, d), dest); err != nil {
			return nil, nil, err
		}
	}
	m, err := gorootfiles.Of(local, "")
	if err != nil {
		return nil, nil, err
	}
	if err := os.RemoveAll(filepath.Join(local, "pkg")); err != nil {
		return nil, nil, err
	}
	data, err := m.Encode()
	if err != nil {
		return nil, nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "manifest.gz"), data, 0o644); err != nil {
		return nil, nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another gorepro copied the same image first: use its copy.
		if theirs, rerr := readManifestFile(filepath.Join(dir, "manifest.gz")); rerr == nil {
			return theirs, gorootfiles.Reader(filepath.Join(dir, "goroot"), theirs), nil
		}
		return nil, nil, fmt.Errorf("storing the GOROOT of %s: %w", c.Builder.Ref, err)
	}
	return m, gorootfiles.Reader(filepath.Join(dir, "goroot"), m), nil
}

// readManifestFile reads a manifest written by gorootfiles.Manifest.Encode.
func readManifestFile(name string) (gorootfiles.Manifest, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return gorootfiles.Decode(data)
}
