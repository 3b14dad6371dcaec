package cli

import (
	"io"
	"path/filepath"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/matrix"
)

// checkConfig is the one-cell config of a check (config.OneCell). runsSet,
// timeoutSet, pkgSet and argsSet say which flags were given explicitly.
func checkConfig(opts *CheckOptions, runsSet, timeoutSet, pkgSet, argsSet bool) (*config.Config, error) {
	cfg, err := config.OneCell{
		Toolchain: opts.Toolchain, ConfigPath: opts.ConfigPath, Dir: opts.Dir, Package: opts.Package, Target: opts.Target,
		Protobuf: opts.Protobuf, Cover: opts.Cover, Arch: opts.Arch, Runs: opts.Runs, Timeout: opts.Timeout,
		Args: opts.Args, Prepare: opts.Prepare,
		RunsSet: runsSet, TimeoutSet: timeoutSet, PackageSet: pkgSet, ArgsSet: argsSet,
	}.Config()
	return cfg, usageOf(err)
}

// checkRunner is the matrix runner of a check of cfg, with its work
// directory under root.
func checkRunner(deps Deps, opts *CheckOptions, cfg *config.Config, root string) *matrix.Runner {
	runner := newMatrixRunner(deps, cfg, root, io.Discard)
	runner.Engines.Warnings = deps.Stderr
	// Binaries of different modules never share a path, so two checks may
	// run at once in different trees.
	runner.WorkDir = filepath.Join(root, "work", "check", cfg.Targets[0].WorkKey())
	runner.NoCache = opts.NoCache
	runner.PrepareByFlag = opts.Target == ""
	return runner
}
