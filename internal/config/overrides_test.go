package config

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// overridesConfig returns a parsed config for Apply tests.
func overridesConfig(t *testing.T) *Config {
	t.Helper()
	c, err := Parse("toolchains.json", []byte(`{
  "toolchains": [
    {"name": "local", "kind": "local"},
    {"name": "go1.27.3", "kind": "gotoolchain", "version": "go1.27.3"},
    {"name": "sdk", "kind": "goroot", "goroot": "/opt/go"},
    {"name": "img", "kind": "image", "image": "golang:1.25", "engine": "docker"}
  ],
  "protobuf": ["v1.33.0", "v1.36.10"],
  "targets": [
    {"name": "repro", "kind": "repro"},
    {"name": "server", "kind": "repro", "pass": {"aliveFor": "20s"}},
    {"name": "slow", "kind": "repro", "timeout": "5m"}
  ],
  "engine": "podman"
}`))
	require.NoError(t, err)
	return c
}

func toolchainNames(c *Config) []string {
	var names []string
	for _, tc := range c.Toolchains {
		names = append(names, tc.Name)
	}
	return names
}

func TestApply(t *testing.T) {
	tests := []struct {
		name  string
		o     Overrides
		check func(t *testing.T, c *Config)
	}{
		{"nothing", Overrides{Toolchains: []string{}, Cover: []string{}}, func(t *testing.T, c *Config) {
			assert.Equal(t, overridesConfig(t), c)
		}},
		{"toolchains keep config order", Overrides{Toolchains: []string{"sdk, local", "local"}}, func(t *testing.T, c *Config) {
			assert.Equal(t, []string{"local", "sdk"}, toolchainNames(c))
		}},
		{"targets", Overrides{Targets: []string{"server"}}, func(t *testing.T, c *Config) {
			assert.Equal(t, []string{"server"}, c.targetNames())
		}},
		{"protobuf replaces", Overrides{Protobuf: []string{"v1.36.11,v1.20.0", " v1.36.11 "}}, func(t *testing.T, c *Config) {
			assert.Equal(t, []string{"v1.36.11", "v1.20.0"}, c.Protobuf)
		}},
		{"cover both", Overrides{Cover: []string{"both"}}, func(t *testing.T, c *Config) {
			assert.Equal(t, []bool{false, true}, c.Cover)
		}},
		{"cover on", Overrides{Cover: []string{"on", "true"}}, func(t *testing.T, c *Config) {
			assert.Equal(t, []bool{true}, c.Cover)
		}},
		{"arch", Overrides{Arch: []string{"amd64,native", "amd64"}}, func(t *testing.T, c *Config) {
			assert.Equal(t, []string{"amd64", "native"}, c.Arch)
		}},
		{"runs and timeout", Overrides{Runs: 5, Timeout: 2 * time.Minute}, func(t *testing.T, c *Config) {
			assert.Equal(t, 5, c.Runs)
			assert.Equal(t, 2*time.Minute, c.Timeout.D())
			repro, _ := c.Target("repro")
			assert.Equal(t, 2*time.Minute, repro.RunTimeout(c))
			slow, _ := c.Target("slow")
			assert.Equal(t, 2*time.Minute, slow.RunTimeout(c), "--timeout replaces a target's own timeout too")
		}},
		{"no engine or pull", Overrides{}, func(t *testing.T, c *Config) {
			assert.Equal(t, EnginePodman, c.Engine)
			img, _ := c.Toolchain("img")
			assert.Equal(t, EngineDocker, c.EngineFor(img), "a toolchain's own engine wins over the config's")
			local, _ := c.Toolchain("local")
			assert.Equal(t, EnginePodman, c.EngineFor(local))
			assert.Equal(t, "missing", c.Pull)
		}},
		{"engine wins over every toolchain", Overrides{Engine: " podman "}, func(t *testing.T, c *Config) {
			assert.Equal(t, EnginePodman, c.Engine)
			img, _ := c.Toolchain("img")
			assert.Empty(t, img.Engine, "--engine clears the toolchain's own")
			assert.Equal(t, EnginePodman, c.EngineFor(img))
		}},
		{"engine docker", Overrides{Engine: "docker"}, func(t *testing.T, c *Config) {
			for _, tc := range c.Toolchains {
				assert.Equal(t, EngineDocker, c.EngineFor(tc), tc.Name)
			}
		}},
		{"pull", Overrides{Pull: "always"}, func(t *testing.T, c *Config) {
			assert.Equal(t, "always", c.Pull)
		}},
		{"pull never", Overrides{Pull: "never"}, func(t *testing.T, c *Config) {
			assert.Equal(t, "never", c.Pull)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := overridesConfig(t)
			require.NoError(t, c.Apply(tt.o))
			tt.check(t, c)
		})
	}
}

func TestApplyErrors(t *testing.T) {
	tests := []struct {
		name string
		o    Overrides
		want string
	}{
		{"unknown toolchain", Overrides{Toolchains: []string{"local,foo"}},
			`--toolchain: unknown toolchain "foo" (configured: local, go1.27.3, sdk, img)`},
		{"empty toolchain", Overrides{Toolchains: []string{" , "}},
			`--toolchain: no toolchain name given (configured: local, go1.27.3, sdk, img)`},
		{"unknown target", Overrides{Targets: []string{"controller"}},
			`--target: unknown target "controller" (configured: repro, server, slow)`},
		{"bad protobuf", Overrides{Protobuf: []string{"1.36.10"}},
			`--protobuf: invalid module version "1.36.10": did you mean "v1.36.10"?`},
		{"protobuf not canonical", Overrides{Protobuf: []string{"v1.36"}},
			`--protobuf: "v1.36" is not a canonical module version: did you mean "v1.36.0"?`},
		{"bad cover", Overrides{Cover: []string{"maybe"}},
			`--cover: invalid cover value "maybe" (valid: off, on, false, true, both)`},
		{"bad arch", Overrides{Arch: []string{"x86_64"}},
			`--arch: unknown arch "x86_64": did you mean "amd64"? (valid: native, 386, amd64, arm, arm64, loong64, mips, mips64, mips64le, mipsle, ppc64, ppc64le, riscv64, s390x)`},
		{"runs", Overrides{Runs: -1},
			`--runs: must be between 1 and 1000 (got -1)`},
		{"timeout negative", Overrides{Timeout: -time.Second},
			`--timeout: must be greater than 0 (got -1s)`},
		{"timeout shorter than aliveFor", Overrides{Timeout: 10 * time.Second},
			`--timeout: 10s is not longer than pass.aliveFor 20s of target "server": its runs would time out first`},
		{"bad engine", Overrides{Engine: "lxc"},
			`--engine: unknown engine "lxc" (valid: podman, docker)`},
		{"engine case", Overrides{Engine: "Podman"},
			`--engine: unknown engine "Podman": did you mean "podman"? (valid: podman, docker)`},
		{"bad pull", Overrides{Pull: "sometimes"},
			`--pull: unknown pull policy "sometimes" (valid: never, missing, always)`},
		{"several", Overrides{Toolchains: []string{"a", "b"}, Runs: 2000},
			"--toolchain: unknown toolchain \"a\" (configured: local, go1.27.3, sdk, img)\n" +
				"--toolchain: unknown toolchain \"b\" (configured: local, go1.27.3, sdk, img)\n" +
				"--runs: must be between 1 and 1000 (got 2000)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := overridesConfig(t)
			err := c.Apply(tt.o)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			var flagErr *FlagError
			require.True(t, errors.As(err, &flagErr), "error is a *FlagError")
			assert.Equal(t, overridesConfig(t), c, "config unchanged on error")
		})
	}
}

func TestParseCover(t *testing.T) {
	tests := []struct {
		in   string
		want []bool
		err  string
	}{
		{in: "off", want: []bool{false}},
		{in: "false", want: []bool{false}},
		{in: "on", want: []bool{true}},
		{in: "TRUE", want: []bool{true}},
		{in: "both", want: []bool{false, true}},
		{in: "on, off", want: []bool{true, false}},
		{in: "on,both", want: []bool{true, false}},
		{in: "yes", err: `invalid cover value "yes" (valid: off, on, false, true, both)`},
		{in: " ", err: `no cover value given (valid: off, on, false, true, both)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCover(tt.in)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestOverridesString(t *testing.T) {
	assert.Empty(t, Overrides{}.String())
	assert.Equal(t, "--toolchain=local,sdk --cover=both --runs=3 --timeout=1m30s",
		Overrides{Toolchains: []string{"local, sdk"}, Cover: []string{"both"}, Runs: 3, Timeout: 90 * time.Second}.String())
	assert.Equal(t, "--engine=docker --pull=never", Overrides{Engine: "docker", Pull: "never"}.String())
}

func TestApplyPrepare(t *testing.T) {
	parse := func(t *testing.T) *Config {
		t.Helper()
		c, err := Parse("toolchains.json", []byte(`{
  "toolchains": [{"name": "local", "kind": "local"}],
  "protobuf": ["v1.36.10"],
  "targets": [
    {"name": "repro", "kind": "repro"},
    {"name": "app", "kind": "package", "dir": "testdata/app", "package": ".", "prepare": [["make", "gen"]]},
    {"name": "app2", "kind": "package", "dir": "testdata/app", "package": "."}
  ]
}`))
		require.NoError(t, err)
		return c
	}

	c := parse(t)
	require.NoError(t, c.Apply(Overrides{Prepare: []string{"go generate ./...", `sh -c 'echo "x y" > data.txt'`}}))
	want := [][]string{{"go", "generate", "./..."}, {"sh", "-c", `echo "x y" > data.txt`}}
	assert.Nil(t, c.Targets[0].Prepare, "the reproducer is not prepared")
	assert.Equal(t, want, c.Targets[1].Prepare, "the flag replaces the config's prepare")
	assert.Equal(t, want, c.Targets[2].Prepare)
	assert.Equal(t, [][]string{{"make", "gen"}}, parse(t).Targets[1].Prepare, "the parsed config is not shared")

	c = parse(t)
	require.NoError(t, c.Apply(Overrides{Targets: []string{"app2"}, Prepare: []string{"go generate"}}))
	assert.Equal(t, [][]string{{"go", "generate"}}, c.Targets[0].Prepare)

	for _, tt := range []struct {
		name string
		o    Overrides
		want string
	}{
		{"unterminated quote", Overrides{Prepare: []string{"go generate 'x"}},
			`--prepare: "go generate 'x": unterminated single quote at byte 13`},
		{"shell operator", Overrides{Prepare: []string{"go generate && go vet"}},
			`--prepare: "go generate && go vet": unquoted "&" at byte 13: the command runs without a shell, so there are no pipes, redirections, variables or command lists; quote it ('&') to pass it as it is, give each command its own --prepare, or run sh -c 'COMMANDS'`},
		{"empty", Overrides{Prepare: []string{"go generate", "  "}},
			`--prepare: empty command: give the program and its arguments, such as --prepare 'go generate ./...'`},
		{"empty program", Overrides{Prepare: []string{`"" generate`}},
			`--prepare: "\"\" generate": "" is not a program: name the program to run first, such as go`},
		{"no package target", Overrides{Targets: []string{"repro"}, Prepare: []string{"go generate"}},
			`--prepare: prepares the module of a target of kind "package", and no selected target is one (targets: repro (repro))`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := parse(t)
			err := c.Apply(tt.o)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.Equal(t, parse(t), c, "config unchanged on error")
		})
	}
	assert.Equal(t, `--prepare='go generate ./...' --prepare=make`, Overrides{Prepare: []string{"go generate ./...", "make"}}.String())
}
