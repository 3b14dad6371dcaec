package cli

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/matrix"
)

// checkConfig is the one-cell config of a check. runsSet, timeoutSet,
// pkgSet and argsSet say which flags were given explicitly.
func checkConfig(opts *CheckOptions, runsSet, timeoutSet, pkgSet, argsSet bool) (*config.Config, error) {
	var loaded *config.Config
	if opts.ConfigPath != "" {
		var err error
		if loaded, err = config.Load(opts.ConfigPath); err != nil {
			return nil, err
		}
	}
	tc, err := config.ParseToolchainSpec(opts.Toolchain, loaded)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	cfg := &config.Config{
		Toolchains:   []config.Toolchain{tc},
		Protobuf:     []string{""},
		Cover:        []bool{opts.Cover},
		Arch:         []string{config.ArchNative},
		Runs:         opts.Runs,
		Timeout:      config.Duration(opts.Timeout),
		BuildTimeout: config.Duration(config.DefaultBuildTimeout),
		Pull:         config.DefaultPull,
	}
	target, err := checkTarget(opts, loaded, pkgSet, argsSet)
	if err != nil {
		return nil, err
	}
	cfg.Targets = []config.Target{target}
	if loaded != nil {
		cfg.Path, cfg.Dir = loaded.Path, loaded.Dir
		cfg.BuildTimeout, cfg.Engine, cfg.Pull = loaded.BuildTimeout, loaded.Engine, loaded.Pull
		if !runsSet {
			cfg.Runs = loaded.Runs
		}
		if !timeoutSet {
			cfg.Timeout = loaded.Timeout
		}
	}
	over, err := checkOverrides(opts, cfg.Runs, timeoutSet)
	if err != nil {
		return nil, err
	}
	if err := cfg.Apply(over); err != nil {
		return nil, err
	}
	return cfg, nil
}

// checkTarget is the target of a check: --target looked up in loaded,
// else the package of --dir and --package.
func checkTarget(opts *CheckOptions, loaded *config.Config, pkgSet, argsSet bool) (config.Target, error) {
	if opts.Target == "" {
		return packageTarget(opts.Dir, opts.Package, opts.Args)
	}
	if loaded == nil {
		return config.Target{}, checkUsage("--target %s: target names are looked up in --config, which is not given", opts.Target)
	}
	if pkgSet {
		return config.Target{}, checkUsage("--target and --dir/--package are alternatives: give one")
	}
	target, ok := loaded.Target(opts.Target)
	if !ok {
		return config.Target{}, checkUsage("--target: unknown target %q (configured: %s)", opts.Target, strings.Join(targetNames(loaded), ", "))
	}
	if argsSet {
		target.Args = opts.Args
	}
	if target.Kind == config.TargetRepro && opts.Protobuf == "" {
		return config.Target{}, checkUsage("--target %s: the reproducer needs a protobuf version: pass --protobuf", target.Name)
	}
	return target, nil
}

// checkOverrides checks the flags of a check as the matrix's are, with
// runs runs per cell, and makes them config overrides.
func checkOverrides(opts *CheckOptions, runs int, timeoutSet bool) (config.Overrides, error) {
	if runs < 1 || runs > config.MaxRuns {
		return config.Overrides{}, &config.FlagError{Flag: "--runs", Msg: fmt.Sprintf("must be between 1 and %d (got %d)", config.MaxRuns, runs)}
	}
	if opts.Timeout <= 0 {
		return config.Overrides{}, &config.FlagError{Flag: "--timeout", Msg: fmt.Sprintf("must be greater than 0 (got %v)", opts.Timeout)}
	}
	for flag, v := range map[string]string{"--protobuf": opts.Protobuf, "--arch": opts.Arch} {
		if strings.Contains(v, ",") {
			return config.Overrides{}, checkUsage("%s: check builds one cell, got %q", flag, v)
		}
	}
	over := config.Overrides{Arch: []string{opts.Arch}}
	if opts.Protobuf != "" {
		over.Protobuf = []string{opts.Protobuf}
	}
	if timeoutSet {
		over.Timeout = opts.Timeout
	}
	over.Prepare = opts.Prepare
	return over, nil
}

// packageTarget is the target of --dir and --package.
func packageTarget(dir, pkg string, args []string) (config.Target, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return config.Target{}, checkUsage("--dir %s: %v", dir, err)
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return config.Target{}, checkUsage("--dir %s: not a directory", dir)
	}
	if pkg == "" {
		pkg = "."
	}
	// A package path relative to the module root must say so, or the go
	// command takes it for an import path.
	if !strings.HasPrefix(pkg, ".") && !filepath.IsAbs(pkg) && !strings.Contains(strings.SplitN(pkg, "/", 2)[0], ".") {
		pkg = "./" + pkg
	}
	name := filepath.Base(filepath.Clean(pkg))
	if name == "." || name == string(filepath.Separator) {
		name = filepath.Base(abs)
	}
	return config.Target{Name: fileSafeName(name), Kind: config.TargetPackage, Dir: abs, Package: pkg, Args: args}, nil
}

func targetNames(c *config.Config) []string {
	names := make([]string, len(c.Targets))
	for i, t := range c.Targets {
		names[i] = t.Name
	}
	return names
}

// fileSafeName turns name into a target name that is safe in file names.
func fileSafeName(name string) string {
	safe := []byte(name)
	for i, c := range safe {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '+' || c == '-') {
			safe[i] = '_'
		}
	}
	s := strings.TrimLeft(string(safe), "._+-")
	if len(s) > 64 {
		s = s[:64]
	}
	return cmp.Or(s, "main")
}

// shortHash is a short hex digest of parts, for directory names.
func shortHash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s\n", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// checkRunner is the matrix runner of a check of cfg, with its work
// directory under root.
func checkRunner(deps Deps, opts *CheckOptions, cfg *config.Config, root string) *matrix.Runner {
	target := cfg.Targets[0]
	runner := newMatrixRunner(deps, cfg, root, io.Discard)
	runner.Engines.Warnings = deps.Stderr
	// Binaries of different modules never share a path, so two checks may
	// run at once in different trees.
	runner.WorkDir = filepath.Join(root, "work", "check", shortHash(target.Dir, target.Package, target.Name))
	runner.NoCache = opts.NoCache
	runner.PrepareByFlag = opts.Target == ""
	return runner
}
