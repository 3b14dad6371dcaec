package cli

import (
	"context"
	"io"
	"path/filepath"

	"github.com/gorepro/gorepro/internal/buildinfo"
	"github.com/gorepro/gorepro/internal/cleanup"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/matrix"
)

// newMatrixRunner is the matrix runner of every command that builds cells
// (matrix, check, bisect, explain): work directory and cell cache under root,
// gorepro's version and build, the config's container engine and pull
// policy, one cell at a time, warnings and progress to progress. Commands
// then set what differs: Jobs, NoCache, Shard, Reporter.
func newMatrixRunner(deps Deps, cfg *config.Config, root string, progress io.Writer) *matrix.Runner {
	return &matrix.Runner{
		Config:   cfg,
		WorkDir:  filepath.Join(root, "work"),
		CacheDir: cellCacheDir(root),
		Jobs:     1,
		Progress: progress,
		Version:  deps.Version,
		Harness:  buildinfo.HarnessID(deps.Version, root),
		Engines:  &matrix.Engines{Default: cfg.Engine, Warnings: progress, AskUsersEarly: true},
		Pull:     container.PullPolicy(cfg.Pull),
	}
}

// useCache finds the cache root (cacheRoot) and holds it for the command's
// life: gorepro clean refuses to clean it until release is called, and a
// command started while clean runs waits for it.
func useCache(ctx context.Context, flag string, deps Deps) (root string, release func(), err error) {
	if root, err = cacheRoot(flag, deps); err != nil {
		return "", nil, err
	}
	if release, err = cleanup.Use(ctx, root); err != nil {
		return "", nil, err
	}
	return root, release, nil
}

// cellCacheDir is where, under gorepro's cache root, the matrix keeps
// finished cells and what it builds (fingerprints, gosource toolchains).
func cellCacheDir(root string) string { return filepath.Join(root, "cells") }
