package toolchain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/crashlog"
	"github.com/gorepro/gorepro/internal/gosource"
	"github.com/gorepro/gorepro/internal/record"
)

// resolveGosource builds (or finds in the cache) the toolchain of a
// commit of a Go repository and resolves it as a goroot toolchain. A
// commit whose toolchain does not build is unavailable, with make.bash's
// last lines as the reason, unless its own toolchain crashed building
// itself: then BuildCrash names the crash and its cells are build-errors.
func resolveGosource(ctx context.Context, r *Resolved, tc config.Toolchain, opts Options) {
	cacheDir := opts.CacheDir
	if cacheDir == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			r.Reason = fmt.Sprintf("gosource %s: no cache directory to build in: %v", tc.Name, err)
			return
		}
		cacheDir = filepath.Join(dir, "gorepro", "cells") // as gorepro matrix's default
	}
	repo, err := gosource.OpenRepo(ctx, tc.Repo, cacheDir)
	if err != nil {
		r.Reason = fmt.Sprintf("gosource repo %s: %v", tc.Repo, err)
		return
	}
	b := opts.GoSource
	if b == nil {
		b = &gosource.Builder{CacheDir: cacheDir}
	}
	if tc.Bootstrap != "" && b.Bootstrap != tc.Bootstrap {
		b = &gosource.Builder{CacheDir: cacheDir, Bootstrap: tc.Bootstrap, Log: b.Log, Progress: b.Progress}
	}
	bd, err := b.Ensure(ctx, repo, tc.Rev, tc.Fast)
	if err != nil {
		var mk *gosource.MakeError
		if errors.As(err, &mk) {
			r.Reason = fmt.Sprintf("the toolchain of %s does not build: %v", tc.Rev, err)
			r.GoSource = &record.GoSource{Repo: tc.Repo, Rev: tc.Rev, Commit: tc.Rev, Mode: gosource.ModeFull, Failed: true, Built: mk.Built}
			r.BuildCrash = selfBuildCrash(mk.Output)
		} else {
			r.Reason = fmt.Sprintf("building the toolchain of %s in %s: %v", tc.Rev, tc.Repo, err)
		}
		return
	}
	r.GoSource = &record.GoSource{
		Repo: tc.Repo, Rev: tc.Rev, Commit: bd.Commit, Mode: bd.Mode, Base: bd.Base, Installed: bd.Installed,
		Why: bd.Why, Built: !bd.Reused, Seconds: bd.Seconds,
	}
	r.Env = []string{"GOTOOLCHAIN=local", "GOROOT=" + bd.GOROOT}
	r.useGoCmd(ctx, filepath.Join(bd.GOROOT, "bin", "go"), opts)
}

// selfBuildCrash is the crash of a toolchain that crashed building itself
// (make.bash runs the commit's own go_bootstrap and compiler, built with
// the commit's runtime), or nil when make.bash's output holds none.
func selfBuildCrash(out []byte) *record.BuildCrash {
	return crashlog.FirstBuildCrash(out, record.StageToolchain, "make.bash", func([]string) string { return "the commit's own toolchain" })
}
