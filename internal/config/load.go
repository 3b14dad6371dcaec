package config

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"time"
)

// Load reads the config file at path and parses it with Parse.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		// A config that cannot be read is a usage error like any other
		// bad config: it comes back as Errors naming the file.
		return nil, Errors{{File: path, Msg: fmt.Sprintf("cannot read the config: %v (pass --config with the path of a toolchains.json)", unwrapPathError(err))}}
	}
	return Parse(path, data)
}

// Parse parses and validates data, the contents of the config file at path.
// It rejects unknown fields, duplicate keys, values of the wrong type and
// every semantic problem described in the package documentation, and
// returns all of them as Errors, each located by line, column and JSON path.
// On success it applies the defaults, sets Path to path and Dir to the
// absolute directory of path, and makes target dirs, Dockerfiles, build
// contexts and goroot paths absolute (relative ones are relative to Dir).
func Parse(path string, data []byte) (*Config, error) {
	pos := newPosition(data)
	if e := syntaxError(path, data, pos); e != nil {
		return nil, Errors{e}
	}
	root, err := walk(data)
	if err != nil { // unreachable after the syntax check
		return nil, Errors{{File: path, Msg: "invalid JSON: " + err.Error()}}
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("resolving directory of config %s: %w", path, err)
	}

	var c Config
	d := newDecoder(path, pos)
	d.decode(root, "", reflect.ValueOf(&c).Elem())
	if root.kind == nodeObject {
		d.validate(&c, dir)
	}
	if len(d.errs) > 0 {
		slices.SortStableFunc(d.errs, func(a, b *Error) int {
			return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
		})
		return nil, d.errs
	}

	c.Path, c.Dir = path, dir
	applyDefaults(&c)
	return &c, nil
}

// applyDefaults fills in the fields the file left out.
func applyDefaults(c *Config) {
	if c.Runs == 0 {
		c.Runs = DefaultRuns
	}
	if c.Timeout == 0 {
		c.Timeout = Duration(DefaultTimeout)
	}
	if c.BuildTimeout == 0 {
		c.BuildTimeout = Duration(DefaultBuildTimeout)
	}
	if c.Cover == nil {
		c.Cover = []bool{false}
	}
	if c.Arch == nil {
		c.Arch = []string{ArchNative}
	}
	if c.Pull == "" {
		c.Pull = DefaultPull
	}
	for i, t := range c.Targets {
		if t.Kind == TargetDockerfile && t.Context == "" {
			c.Targets[i].Context = filepath.Dir(t.Dockerfile)
		}
	}
}

// Toolchain returns the toolchain called name.
func (c *Config) Toolchain(name string) (Toolchain, bool) {
	for _, tc := range c.Toolchains {
		if tc.Name == name {
			return tc, true
		}
	}
	return Toolchain{}, false
}

// Target returns the target called name.
func (c *Config) Target(name string) (Target, bool) {
	for _, t := range c.Targets {
		if t.Name == name {
			return t, true
		}
	}
	return Target{}, false
}

// EngineFor returns the container engine for toolchain tc: its own engine,
// else the config's, else "" (use whichever is installed). Apply with
// --engine sets the config's engine and clears every toolchain's, so the
// flag wins.
func (c *Config) EngineFor(tc Toolchain) string {
	if tc.Engine != "" {
		return tc.Engine
	}
	return c.Engine
}

// RunTimeout bounds one run of the target's binary: the target's own
// timeout if set, else the config's (DefaultTimeout if that is unset too).
func (t Target) RunTimeout(c *Config) time.Duration {
	if t.Timeout > 0 {
		return t.Timeout.D()
	}
	if c != nil && c.Timeout > 0 {
		return c.Timeout.D()
	}
	return DefaultTimeout
}

// PassingExitCodes returns the exit statuses that pass: ExitCodes, or [0]
// when it is empty.
func (p PassRule) PassingExitCodes() []int {
	if len(p.ExitCodes) == 0 {
		return []int{0}
	}
	return p.ExitCodes
}

// unwrapPathError drops the "open <path>:" prefix that the file name in
// the message already says.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
