package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPackageTarget(t *testing.T) {
	dir := t.TempDir()
	mod := filepath.Join(dir, "my app")
	require.NoError(t, os.Mkdir(mod, 0o755))
	tests := []struct {
		pkg, wantPkg, wantName string
	}{
		{".", ".", "my_app"},
		{"", ".", "my_app"},
		{"./cmd/controller", "./cmd/controller", "controller"},
		{"cmd/controller", "./cmd/controller", "controller"},
		{"example.com/app/cmd/x", "example.com/app/cmd/x", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			target, err := PackageTarget(mod, tt.pkg, []string{"--flag=1"})
			require.NoError(t, err)
			assert.Equal(t, Target{Name: tt.wantName, Kind: TargetPackage, Dir: mod, Package: tt.wantPkg, Args: []string{"--flag=1"}}, target)
		})
	}
	_, err := PackageTarget(filepath.Join(dir, "missing"), ".", nil)
	var option *OptionError
	require.ErrorAs(t, err, &option)
	assert.ErrorContains(t, err, "not a directory")
}

func TestFileSafeName(t *testing.T) {
	for name, want := range map[string]string{
		"controller": "controller", "my app": "my_app", "..hidden": "hidden", "a/b:c": "a_b_c",
		"": "main", "...": "main", "v1.2+x-y": "v1.2+x-y",
	} {
		assert.Equal(t, want, fileSafeName(name), "name %q", name)
	}
	assert.Len(t, fileSafeName(strings.Repeat("a", 100)), 64)
}

func TestWorkKey(t *testing.T) {
	a := Target{Name: "app", Dir: "/src/app", Package: "."}
	assert.Len(t, a.WorkKey(), 16)
	assert.Equal(t, a.WorkKey(), a.WorkKey())
	for _, b := range []Target{
		{Name: "app", Dir: "/src/app2", Package: "."},
		{Name: "app", Dir: "/src/app", Package: "./cmd/app"},
		{Name: "app2", Dir: "/src/app", Package: "."},
		{Name: "app", Dir: "/src/ap", Package: "p."}, // lengths keep the parts apart
	} {
		assert.NotEqual(t, a.WorkKey(), b.WorkKey(), "%+v", b)
	}
}

// TestOneCellConfig: the flags of a check make a config of one cell; a
// config file gives target names and defaults, which explicit flags win
// over; what names no cell is an OptionError naming the flag.
func TestOneCellConfig(t *testing.T) {
	mod := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/app\n\ngo 1.25\n"), 0o644))
	cfgPath := filepath.Join(t.TempDir(), "toolchains.json")
	require.NoError(t, os.WriteFile(cfgPath, []byte(`{
  "toolchains": [{"name": "local", "kind": "local"}],
  "protobuf": ["v1.36.10"],
  "targets": [
    {"name": "repro", "kind": "repro"},
    {"name": "app", "kind": "package", "dir": `+quoteJSON(mod)+`, "package": ".", "args": ["-x"]}
  ],
  "runs": 3,
  "timeout": "20s"
}`), 0o644))
	base := OneCell{Toolchain: "local", Dir: mod, Package: ".", Arch: ArchNative, Runs: 1, Timeout: time.Minute}
	tests := []struct {
		name       string
		edit       func(o *OneCell)
		wantOption string // an OptionError's message
		wantFlag   string // a FlagError's message
		check      func(t *testing.T, c *Config)
	}{
		{name: "package of a module", edit: func(*OneCell) {}, check: func(t *testing.T, c *Config) {
			assert.Equal(t, []Toolchain{{Name: "local", Kind: KindLocal}}, c.Toolchains)
			require.Len(t, c.Targets, 1)
			assert.Equal(t, TargetPackage, c.Targets[0].Kind)
			assert.Equal(t, 1, c.Runs)
			assert.Equal(t, Duration(time.Minute), c.Timeout)
			assert.Equal(t, []string{""}, c.Protobuf, "the module's own protobuf")
		}},
		{name: "configured target, config defaults", edit: func(o *OneCell) { o.ConfigPath, o.Target = cfgPath, "app" }, check: func(t *testing.T, c *Config) {
			assert.Equal(t, "app", c.Targets[0].Name)
			assert.Equal(t, []string{"-x"}, c.Targets[0].Args)
			assert.Equal(t, 3, c.Runs)
			assert.Equal(t, Duration(20*time.Second), c.Timeout)
			assert.Equal(t, cfgPath, c.Path)
		}},
		{name: "explicit flags win over the config", edit: func(o *OneCell) {
			o.ConfigPath, o.Target, o.Runs, o.RunsSet, o.Timeout, o.TimeoutSet = cfgPath, "app", 2, true, time.Second, true
			o.Args, o.ArgsSet = []string{"-y"}, true
		}, check: func(t *testing.T, c *Config) {
			assert.Equal(t, 2, c.Runs)
			assert.Equal(t, Duration(time.Second), c.Timeout)
			assert.Equal(t, []string{"-y"}, c.Targets[0].Args)
		}},
		{name: "target without config", edit: func(o *OneCell) { o.Target = "app" },
			wantOption: "--target app: target names are looked up in --config, which is not given"},
		{name: "target and package", edit: func(o *OneCell) { o.ConfigPath, o.Target, o.PackageSet = cfgPath, "app", true },
			wantOption: "--target and --dir/--package are alternatives: give one"},
		{name: "unknown target", edit: func(o *OneCell) { o.ConfigPath, o.Target = cfgPath, "nope" },
			wantOption: `--target: unknown target "nope" (configured: repro, app)`},
		{name: "reproducer without protobuf", edit: func(o *OneCell) { o.ConfigPath, o.Target = cfgPath, "repro" },
			wantOption: "--target repro: the reproducer needs a protobuf version: pass --protobuf"},
		{name: "two protobuf versions", edit: func(o *OneCell) { o.Protobuf = "v1.33.0,v1.36.10" },
			wantOption: `--protobuf: check builds one cell, got "v1.33.0,v1.36.10"`},
		{name: "not a toolchain", edit: func(o *OneCell) { o.Toolchain = "go1.27" },
			wantOption: "--toolchain go1.27: go1.27 is a language version; name a release such as go1.27.0"},
		{name: "runs out of range", edit: func(o *OneCell) { o.Runs = 0 }, wantFlag: "--runs: must be between 1 and 1000 (got 0)"},
		{name: "no timeout", edit: func(o *OneCell) { o.Timeout = 0 }, wantFlag: "--timeout: must be greater than 0 (got 0s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base
			tt.edit(&o)
			c, err := o.Config()
			switch {
			case tt.wantOption != "":
				var option *OptionError
				require.ErrorAs(t, err, &option)
				assert.Equal(t, tt.wantOption, err.Error())
			case tt.wantFlag != "":
				var flag *FlagError
				require.ErrorAs(t, err, &flag)
				assert.Equal(t, tt.wantFlag, err.Error())
			default:
				require.NoError(t, err)
				tt.check(t, c)
			}
		})
	}
}

// quoteJSON is s as a JSON string (paths in a test config).
func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
