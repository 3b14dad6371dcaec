package config

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// OneCell is the matrix of one cell, as `gorepro check` takes it from its
// flags: a toolchain spec (ParseToolchainSpec), a target (a package of a
// module directory, or a target named in an optional config file), and one
// value of each other axis. Config makes it a Config of exactly one cell.
type OneCell struct {
	// Toolchain is a toolchain spec (see ParseToolchainSpec).
	Toolchain string
	// ConfigPath is an optional toolchains.json in which Toolchain and
	// Target names are looked up; its runs, timeouts, engine and pull
	// policy are the defaults.
	ConfigPath string
	// Dir is the module root and Package the main package in it; Target
	// names a target of ConfigPath instead.
	Dir, Package, Target string
	// Protobuf overrides the module's protobuf version; empty leaves the
	// module's go.mod alone.
	Protobuf string
	Cover    bool
	Arch     string
	Runs     int
	Timeout  time.Duration
	// Args are passed to the binary; Prepare replaces the target's
	// prepare commands.
	Args, Prepare []string
	// RunsSet, TimeoutSet, PackageSet (--dir or --package) and ArgsSet say
	// which values were given explicitly, rather than being defaults: only
	// those win over the config file's.
	RunsSet, TimeoutSet, PackageSet, ArgsSet bool
}

// OptionError is a value of OneCell that names no usable cell (an unknown
// target, a toolchain spec that is not one, a list where one value is
// needed). Its message names the flag and what is valid.
type OptionError struct{ Err error }

func (e *OptionError) Error() string { return e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

// optionError is an OptionError of a formatted message.
func optionError(format string, args ...any) error {
	return &OptionError{Err: fmt.Errorf(format, args...)}
}

// Config is the one-cell config of o. Its errors are a config file's
// (Errors), a FlagError for --runs and --timeout, an OptionError else.
func (o OneCell) Config() (*Config, error) {
	var loaded *Config
	if o.ConfigPath != "" {
		var err error
		if loaded, err = Load(o.ConfigPath); err != nil {
			return nil, err
		}
	}
	tc, err := ParseToolchainSpec(o.Toolchain, loaded)
	if err != nil {
		return nil, &OptionError{Err: err}
	}
	cfg := &Config{
		Toolchains:   []Toolchain{tc},
		Protobuf:     []string{""},
		Cover:        []bool{o.Cover},
		Arch:         []string{ArchNative},
		Runs:         o.Runs,
		Timeout:      Duration(o.Timeout),
		BuildTimeout: Duration(DefaultBuildTimeout),
		Pull:         DefaultPull,
	}
	target, err := o.target(loaded)
	if err != nil {
		return nil, err
	}
	cfg.Targets = []Target{target}
	if loaded != nil {
		cfg.Path, cfg.Dir = loaded.Path, loaded.Dir
		cfg.BuildTimeout, cfg.Engine, cfg.Pull = loaded.BuildTimeout, loaded.Engine, loaded.Pull
		if !o.RunsSet {
			cfg.Runs = loaded.Runs
		}
		if !o.TimeoutSet {
			cfg.Timeout = loaded.Timeout
		}
	}
	over, err := o.overrides(cfg.Runs)
	if err != nil {
		return nil, err
	}
	if err := cfg.Apply(over); err != nil {
		return nil, err
	}
	return cfg, nil
}

// target is the cell's target: Target looked up in loaded, else the
// package of Dir and Package.
func (o OneCell) target(loaded *Config) (Target, error) {
	if o.Target == "" {
		return PackageTarget(o.Dir, o.Package, o.Args)
	}
	if loaded == nil {
		return Target{}, optionError("--target %s: target names are looked up in --config, which is not given", o.Target)
	}
	if o.PackageSet {
		return Target{}, optionError("--target and --dir/--package are alternatives: give one")
	}
	target, ok := loaded.Target(o.Target)
	if !ok {
		return Target{}, optionError("--target: unknown target %q (configured: %s)", o.Target, strings.Join(loaded.targetNames(), ", "))
	}
	if o.ArgsSet {
		target.Args = o.Args
	}
	if target.Kind == TargetRepro && o.Protobuf == "" {
		return Target{}, optionError("--target %s: the reproducer needs a protobuf version: pass --protobuf", target.Name)
	}
	return target, nil
}

// overrides checks the values of o as the matrix's flags are, with runs
// runs per cell, and makes them overrides.
func (o OneCell) overrides(runs int) (Overrides, error) {
	if runs < 1 || runs > MaxRuns {
		return Overrides{}, &FlagError{Flag: "--runs", Msg: fmt.Sprintf("must be between 1 and %d (got %d)", MaxRuns, runs)}
	}
	if o.Timeout <= 0 {
		return Overrides{}, &FlagError{Flag: "--timeout", Msg: fmt.Sprintf("must be greater than 0 (got %v)", o.Timeout)}
	}
	for flag, v := range map[string]string{"--protobuf": o.Protobuf, "--arch": o.Arch} {
		if strings.Contains(v, ",") {
			return Overrides{}, optionError("%s: check builds one cell, got %q", flag, v)
		}
	}
	over := Overrides{Arch: []string{o.Arch}}
	if o.Protobuf != "" {
		over.Protobuf = []string{o.Protobuf}
	}
	if o.TimeoutSet {
		over.Timeout = o.Timeout
	}
	over.Prepare = o.Prepare
	return over, nil
}

// PackageTarget is the package target of the main package pkg (default
// ".") of the module in dir, run with args. A package path relative to
// the module root gets a "./"; the target is named after the package's
// last element (the module directory's for "."), made safe for file names.
func PackageTarget(dir, pkg string, args []string) (Target, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Target{}, optionError("--dir %s: %v", dir, err)
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return Target{}, optionError("--dir %s: not a directory", dir)
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
	return Target{Name: fileSafeName(name), Kind: TargetPackage, Dir: abs, Package: pkg, Args: args}, nil
}

// targetNames are the names of c's targets, in config order.
func (c *Config) targetNames() []string {
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

// WorkKey is a short hex digest of the target's module directory, package
// and name: a directory name under which the binaries of two different
// targets never meet.
func (t Target) WorkKey() string {
	h := sha256.New()
	for _, p := range []string{t.Dir, t.Package, t.Name} {
		fmt.Fprintf(h, "%d:%s\n", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
