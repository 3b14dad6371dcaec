package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exampleJSON is the example from the package documentation; it must parse.
const exampleJSON = `{
  "toolchains": [
    {"name": "local", "kind": "local"},
    {"name": "go1.27.3", "kind": "gotoolchain", "version": "go1.27.3"},
    {"name": "sdk-1.25.5", "kind": "goroot", "goroot": "/home/me/sdk/go1.25.5"},
    {"name": "ubi9-go-1.25", "kind": "image", "image": "registry.access.redhat.com/ubi9/go-toolset:1.25",
     "runtimeImage": "registry.access.redhat.com/ubi9/ubi-minimal:latest", "expectGo": "go1.25.3"}
  ],
  "protobuf": ["v1.33.0", "v1.36.10"],
  "cover": [false, true],
  "targets": [
    {"name": "repro", "kind": "repro"},
    {"name": "controller", "kind": "package", "dir": "../app", "package": "./cmd/controller",
     "args": ["--metrics-bind-address=0"], "env": {"FOO": "1"},
     "pass": {"exitCodes": [0], "logMatches": "Starting workers"}, "timeout": "30s"}
  ],
  "runs": 1,
  "timeout": "60s"
}
`

// writeExample lays out <tmp>/cfg/toolchains.json and <tmp>/app/go.mod and
// returns the config path and the app directory.
func writeExample(t *testing.T) (cfgPath, appDir string) {
	t.Helper()
	root := t.TempDir()
	appDir = filepath.Join(root, "app")
	require.NoError(t, os.MkdirAll(filepath.Join(root, "cfg"), 0o755))
	require.NoError(t, os.MkdirAll(appDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(appDir, "go.mod"), []byte("module example.com/app\n\ngo 1.25\n"), 0o644))
	cfgPath = filepath.Join(root, "cfg", "toolchains.json")
	require.NoError(t, os.WriteFile(cfgPath, []byte(exampleJSON), 0o644))
	return cfgPath, appDir
}

func TestLoadExample(t *testing.T) {
	cfgPath, appDir := writeExample(t)
	c, err := Load(cfgPath)
	require.NoError(t, err)

	assert.Equal(t, cfgPath, c.Path)
	assert.Equal(t, filepath.Dir(cfgPath), c.Dir)
	assert.Equal(t, []Toolchain{
		{Name: "local", Kind: KindLocal},
		{Name: "go1.27.3", Kind: KindGotoolchain, Version: "go1.27.3"},
		{Name: "sdk-1.25.5", Kind: KindGoroot, GOROOT: "/home/me/sdk/go1.25.5"},
		{Name: "ubi9-go-1.25", Kind: KindImage, Image: "registry.access.redhat.com/ubi9/go-toolset:1.25",
			RuntimeImage: "registry.access.redhat.com/ubi9/ubi-minimal:latest", ExpectGo: "go1.25.3"},
	}, c.Toolchains)
	assert.Equal(t, []string{"v1.33.0", "v1.36.10"}, c.Protobuf)
	assert.Equal(t, []bool{false, true}, c.Cover)
	assert.Equal(t, []string{ArchNative}, c.Arch, "default arch")
	assert.Equal(t, []Target{
		{Name: "repro", Kind: TargetRepro},
		{Name: "controller", Kind: TargetPackage, Dir: appDir, Package: "./cmd/controller",
			Args: []string{"--metrics-bind-address=0"}, Env: map[string]string{"FOO": "1"},
			Pass:    PassRule{ExitCodes: []int{0}, LogMatches: "Starting workers"},
			Timeout: Duration(30 * time.Second)},
	}, c.Targets)
	assert.Equal(t, 1, c.Runs)
	assert.Equal(t, 60*time.Second, c.Timeout.D())
	assert.Equal(t, DefaultBuildTimeout, c.BuildTimeout.D(), "default build timeout")
}

func TestLoadRelativePath(t *testing.T) {
	// Path stays as given; Dir and target dirs become absolute.
	c, err := Load(filepath.Join("testdata", "valid", "example.json"))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("testdata", "valid", "example.json"), c.Path)
	wd, err := os.Getwd()
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(wd, "testdata", "valid"), c.Dir)
	controller, ok := c.Target("controller")
	require.True(t, ok)
	assert.Equal(t, filepath.Join(wd, "testdata", "app"), controller.Dir)
}

func TestLoadValidTestdata(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "valid", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			_, err := Load(file)
			require.NoError(t, err)
		})
	}
}

func TestParseDefaults(t *testing.T) {
	c, err := Parse("toolchains.json", []byte(`{
  "toolchains": [{"name": "local", "kind": "local"}],
  "protobuf": ["v1.36.10"],
  "targets": [{"name": "repro", "kind": "repro"}]
}`))
	require.NoError(t, err)
	assert.Equal(t, DefaultRuns, c.Runs)
	assert.Equal(t, 60*time.Second, c.Timeout.D())
	assert.Equal(t, 10*time.Minute, c.BuildTimeout.D())
	assert.Equal(t, []bool{false}, c.Cover)
	assert.Equal(t, []string{"native"}, c.Arch)
	assert.Equal(t, "missing", c.Pull)
	assert.Empty(t, c.Engine, "no engine: whichever is installed")
	assert.Equal(t, []int{0}, c.Targets[0].Pass.PassingExitCodes())
	assert.Equal(t, 60*time.Second, c.Targets[0].RunTimeout(c))
}

func TestParseGorootRelative(t *testing.T) {
	c, err := Parse(filepath.Join("testdata", "toolchains.json"), []byte(`{
  "toolchains": [{"name": "sdk", "kind": "goroot", "goroot": "sdk/go"}, {"name": "abs", "kind": "goroot", "goroot": "/opt/go"}],
  "protobuf": ["v1.36.10"],
  "targets": [{"name": "repro", "kind": "repro"}]
}`))
	require.NoError(t, err, "a goroot need not exist")
	wd, err := os.Getwd()
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(wd, "testdata", "sdk", "go"), c.Toolchains[0].GOROOT)
	assert.Equal(t, "/opt/go", c.Toolchains[1].GOROOT)
}

func TestParseAccepts(t *testing.T) {
	// Values at the edges of what is valid.
	c, err := Parse("toolchains.json", []byte(`{
  "toolchains": [
    {"name": "rc", "kind": "gotoolchain", "version": "go1.27rc1"},
    {"name": "old", "kind": "gotoolchain", "version": "go1.20"},
    {"name": "zero", "kind": "gotoolchain", "version": "go1.27.0", "expectGo": "go1.27"},
    {"name": "A.b_c+d-9", "kind": "image", "image": "golang:1.25", "platform": "linux/arm/v7", "engine": "podman"},
    {"name": "docker", "kind": "image", "image": "golang:1.25", "platform": "linux/amd64", "engine": "docker"}
  ],
  "protobuf": ["v1.36.10", "v1.20.0", "v1.36.11-0.20250101000000-abcdefabcdef"],
  "cover": [true],
  "arch": ["native", "amd64", "arm64", "386", "s390x"],
  "targets": [
    {"name": "root", "kind": "package", "dir": "testdata/app", "package": "."},
    {"name": "import", "kind": "package", "dir": "testdata/app", "package": "example.com/app/cmd/x",
     "buildEnv": {"GOFLAGS": "-mod=mod", "_X": "1"}, "buildFlags": ["-trimpath", "-coverpkg=./..."], "cgo": true,
     "pass": {"exitCodes": [0, 2, 255], "aliveFor": "5s", "logMatches": "^ready$"}},
    {"name": "server", "kind": "repro", "timeout": "2m", "pass": {"aliveFor": "90s"}},
    {"name": "env", "kind": "probe", "timeout": "10s"},
    {"name": "generated", "kind": "package", "dir": "testdata/app", "package": ".",
     "prepare": [["go", "generate", "./..."], ["sh", "-c", "echo x > data.txt"], ["/opt/my tools/gen"]]}
  ],
  "runs": 1000,
  "timeout": "1m30s",
  "buildTimeout": "1h"
}`))
	require.NoError(t, err)
	assert.Equal(t, 1000, c.Runs)
	assert.Equal(t, 90*time.Second, c.Timeout.D())
	assert.Equal(t, time.Hour, c.BuildTimeout.D())
	server, ok := c.Target("server")
	require.True(t, ok)
	assert.Equal(t, 2*time.Minute, server.RunTimeout(c))
	probe, ok := c.Target("env")
	require.True(t, ok)
	assert.Equal(t, TargetEnvProbe, probe.Kind)
	assert.Equal(t, 10*time.Second, probe.RunTimeout(c))
	generated, ok := c.Target("generated")
	require.True(t, ok)
	assert.Equal(t, [][]string{{"go", "generate", "./..."}, {"sh", "-c", "echo x > data.txt"}, {"/opt/my tools/gen"}}, generated.Prepare)
}

// TestParseErrorMessages pins the exact text of each class of error.
func TestParseErrorMessages(t *testing.T) {
	const head = `{"toolchains": [{"name": "local", "kind": "local"}], "protobuf": ["v1.36.10"], `
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"syntax", `{"toolchains": [}`,
			`toolchains.json:1:17: invalid JSON: invalid character '}' looking for beginning of value`},
		{"trailing comma", "{\n  \"protobuf\": [\"v1.36.10\",\n  ]\n}",
			`toolchains.json:2:26: invalid JSON: trailing comma before "]" (JSON allows no comma after the last element)`},
		{"truncated", "{\n  \"protobuf\": [\"v1.36.10\"\n",
			`toolchains.json:2:26: unexpected end of file: the JSON is truncated (missing "]}" to close what is open)`},
		{"trailing data", `{} []`,
			`toolchains.json:1:4: unexpected data after the top-level object (a config file holds exactly one JSON object)`},
		{"empty", " \n",
			`toolchains.json: empty file (expected a JSON object with "toolchains", "protobuf" and "targets")`},
		{"not an object", `"x"`,
			`toolchains.json:1:1: the file must hold a JSON object with "toolchains", "protobuf" and "targets" (got string "x")`},
		{"runs type", head + `"targets": [{"name": "r", "kind": "repro"}], "runs": "3"}`,
			`toolchains.json:1:133: runs: must be a number (got string "3")`},
		{"unknown field", head + `"targets": [{"name": "r", "kind": "repro", "pass": {"logMatch": "x"}}]}`,
			`toolchains.json:1:132: targets[0].pass.logMatch: unknown field (valid: exitCodes, logMatches, aliveFor)`},
		{"duplicate key", head + `"targets": [{"name": "r", "kind": "repro", "kind": "repro"}]}`,
			`toolchains.json:1:123: targets[0].kind: duplicate key "kind" (first at 1:106); each key may appear once`},
		{"missing targets", head + `"runs": 1}`,
			`toolchains.json:1:1: targets: missing required field: list at least one target, such as {"name": "repro", "kind": "repro"}`},
		{"missing kind", head + `"targets": [{"name": "r"}]}`,
			`toolchains.json:1:92: targets[0].kind: missing required field (valid: repro, package, dockerfile, probe)`},
		{"unknown kind", head + `"targets": [{"name": "r", "kind": "binary"}]}`,
			`toolchains.json:1:114: targets[0].kind: unknown kind "binary" (valid: repro, package, dockerfile, probe)`},
		{"field of other kind", `{"toolchains": [{"name": "local", "kind": "local", "image": "golang"}], "protobuf": ["v1.36.10"], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:52: toolchains[0].image: not allowed for kind "local" (fields for kind "local": name, kind, expectGo, runtimeImage, platform, engine)`},
		{"host platform without runtime image", `{"toolchains": [{"name": "local", "kind": "local", "platform": "linux/arm64"}], "protobuf": ["v1.36.10"], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:52: toolchains[0].platform: needs "runtimeImage" for kind "local": a local toolchain runs its binaries on this host, or, given a runtimeImage, in that image for this platform under the engine (to build for another arch and run here, use the "arch" axis)`},
		{"host empty runtime image", `{"toolchains": [{"name": "g", "kind": "goroot", "goroot": "/go", "runtimeImage": ""}], "protobuf": ["v1.36.10"], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:82: toolchains[0].runtimeImage: must not be empty: the image the binary runs in, or leave the field out to run it on this host`},
		{"duplicate name", head + `"targets": [{"name": "r", "kind": "repro"}, {"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:133: targets[1].name: duplicate target name "r" (also used by targets[0] at 1:101); names must be unique`},
		{"unsafe name", head + `"targets": [{"name": "a/b", "kind": "repro"}]}`,
			`toolchains.json:1:101: targets[0].name: "a/b" is not a valid name: use 1 to 64 letters, digits, ".", "_", "+" or "-", starting with a letter or digit (names become file and directory names)`},
		{"go version prefix", `{"toolchains": [{"name": "g", "kind": "gotoolchain", "version": "1.27.3"}], "protobuf": ["v1.36.10"], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:65: toolchains[0].version: invalid Go version "1.27.3": did you mean "go1.27.3"?`},
		{"go language version", `{"toolchains": [{"name": "g", "kind": "gotoolchain", "version": "go1.27"}], "protobuf": ["v1.36.10"], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:65: toolchains[0].version: "go1.27" is a language version, not a release: GOTOOLCHAIN needs an exact release such as "go1.27.0"`},
		{"protobuf not canonical", `{"toolchains": [{"name": "local", "kind": "local"}], "protobuf": ["v1.36"], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:67: protobuf[0]: "v1.36" is not a canonical module version: did you mean "v1.36.0"?`},
		{"protobuf no v", `{"toolchains": [{"name": "local", "kind": "local"}], "protobuf": ["1.36.10"], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:67: protobuf[0]: invalid module version "1.36.10": did you mean "v1.36.10"?`},
		{"duplicate cover", head + `"cover": [true, true], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:96: cover[1]: duplicate value true (also at cover[0], 1:90); list each once`},
		{"bad arch", head + `"arch": ["aarch64"], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:89: arch[0]: unknown arch "aarch64": did you mean "arm64"? (valid: native, 386, amd64, arm, arm64, loong64, mips, mips64, mips64le, mipsle, ppc64, ppc64le, riscv64, s390x)`},
		{"bad duration", head + `"targets": [{"name": "r", "kind": "repro", "timeout": "30 seconds"}]}`,
			`toolchains.json:1:134: targets[0].timeout: invalid duration "30 seconds": use a Go duration such as "30s" or "2m"`},
		{"runs range", head + `"targets": [{"name": "r", "kind": "repro"}], "runs": 1001}`,
			`toolchains.json:1:133: runs: must be between 1 and 1000 (got 1001)`},
		{"exit code range", head + `"targets": [{"name": "r", "kind": "repro", "pass": {"exitCodes": [300]}}]}`,
			`toolchains.json:1:146: targets[0].pass.exitCodes[0]: exit code 300 out of range (valid: 0 to 255)`},
		{"bad regexp", head + `"targets": [{"name": "r", "kind": "repro", "pass": {"logMatches": "a**"}}]}`,
			"toolchains.json:1:146: targets[0].pass.logMatches: invalid regular expression: error parsing regexp: invalid nested repetition operator: `**` (RE2 syntax: https://golang.org/s/re2syntax)"},
		{"bad env name", head + `"targets": [{"name": "r", "kind": "repro", "env": {"A B": "1"}}]}`,
			`toolchains.json:1:131: targets[0].env["A B"]: invalid environment variable name "A B" (names must match ^[A-Za-z_][A-Za-z0-9_]*$)`},
		{"missing package dir", head + `"targets": [{"name": "p", "kind": "package", "dir": "testdata/nope", "package": "."}]}`,
			`toolchains.json:1:132: targets[0].dir: "testdata/nope" resolves to $WD/testdata/nope, which does not exist (dir must be the root of a Go module, relative to the config file)`},
		{"package escapes", head + `"targets": [{"name": "p", "kind": "package", "dir": "testdata/app", "package": "../x"}]}`,
			`toolchains.json:1:159: targets[0].package: "../x" leaves the module: use "." or a path starting with "./" inside dir, or an import path inside the module`},
		{"engine", `{"toolchains": [{"name": "i", "kind": "image", "image": "golang", "engine": "lxc"}], "protobuf": ["v1.36.10"], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:77: toolchains[0].engine: unknown engine "lxc" (valid: podman, docker; leave the field out to use whichever is installed)`},
		{"platform", `{"toolchains": [{"name": "i", "kind": "image", "image": "golang", "platform": "linux"}], "protobuf": ["v1.36.10"], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:79: toolchains[0].platform: invalid platform "linux": use os/arch[/variant] such as "linux/arm64" or "linux/arm/v7"`},
		{"arm variant", `{"toolchains": [{"name": "l", "kind": "local", "runtimeImage": "r", "platform": "linux/arm/v8"}], "protobuf": ["v1.36.10"], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:81: toolchains[0].platform: invalid platform "linux/arm/v8": arm variant "v8" has no GOARM: use v5, v6 or v7 (or no variant, GOARM=7)`},
		{"empty goroot", `{"toolchains": [{"name": "s", "kind": "goroot", "goroot": ""}], "protobuf": ["v1.36.10"], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:59: toolchains[0].goroot: must not be empty: the directory of an installed Go, such as "/usr/local/go" (absolute or relative to the config file)`},
		{"probe with args", head + `"targets": [{"name": "p", "kind": "probe", "args": ["-v"]}]}`,
			`toolchains.json:1:123: targets[0].args: not allowed for kind "probe": the probe is gorepro's built-in environment report and is not configurable (fields for kind "probe": name, kind, timeout)`},
		{"probe with modules", head + `"targets": [{"name": "p", "kind": "probe", "modules": {"golang.org/x/net": "v0.30.0"}}]}`,
			`toolchains.json:1:123: targets[0].modules: not allowed for kind "probe": the probe is gorepro's built-in environment report and is not configurable (it has no dependencies) (fields for kind "probe": name, kind, timeout)`},
		{"dockerfile missing", head + `"targets": [{"name": "d", "kind": "dockerfile"}]}`,
			`toolchains.json:1:92: targets[0].dockerfile: missing required field for kind "dockerfile": the path of your Dockerfile, relative to the config file (such as "../app/Dockerfile")`},
		{"dockerfile not found", head + `"targets": [{"name": "d", "kind": "dockerfile", "dockerfile": "testdata/Dockerfile"}]}`,
			`toolchains.json:1:142: targets[0].dockerfile: "testdata/Dockerfile" resolves to $WD/testdata/Dockerfile, which does not exist (dockerfile must be the path of a Dockerfile, relative to the config file)`},
		{"dockerfile is a directory", head + `"targets": [{"name": "d", "kind": "dockerfile", "dockerfile": "testdata/dockerapp"}]}`,
			`toolchains.json:1:142: targets[0].dockerfile: "testdata/dockerapp" resolves to $WD/testdata/dockerapp, which is a directory (dockerfile must be the path of a Dockerfile, relative to the config file)`},
		{"context not a directory", head + `"targets": [{"name": "d", "kind": "dockerfile", "dockerfile": "testdata/dockerapp/Dockerfile", "context": "testdata/app/go.mod"}]}`,
			`toolchains.json:1:186: targets[0].context: "testdata/app/go.mod" resolves to $WD/testdata/app/go.mod, which is not a directory (context must be the build context directory, relative to the config file)`},
		{"build arg field", head + `"targets": [{"name": "d", "kind": "dockerfile", "dockerfile": "testdata/dockerapp/Dockerfile", "buildArgs": {"GOARCH": "{{.Goarch}}"}}]}`,
			`toolchains.json:1:199: targets[0].buildArgs.GOARCH: template: GOARCH:1:2: unknown field .Goarch (valid fields: .GOFLAGS, .GOARCH, .GOOS, .Image, .GoVersion, .Protobuf)`},
		{"build arg syntax", head + `"targets": [{"name": "d", "kind": "dockerfile", "dockerfile": "testdata/dockerapp/Dockerfile", "buildArgs": {"GOARCH": "{{.GOARCH"}}]}`,
			`toolchains.json:1:199: targets[0].buildArgs.GOARCH: template: GOARCH:1: unclosed action (valid fields: .GOFLAGS, .GOARCH, .GOOS, .Image, .GoVersion, .Protobuf)`},
		{"build arg name", head + `"targets": [{"name": "d", "kind": "dockerfile", "dockerfile": "testdata/dockerapp/Dockerfile", "buildArgs": {"GO ARCH": "x"}}]}`,
			`toolchains.json:1:189: targets[0].buildArgs["GO ARCH"]: invalid build-arg name "GO ARCH" (names must match ^[A-Za-z_][A-Za-z0-9_]*$)`},
		{"stage", head + `"targets": [{"name": "d", "kind": "dockerfile", "dockerfile": "testdata/dockerapp/Dockerfile", "stage": "-build"}]}`,
			`toolchains.json:1:184: targets[0].stage: invalid stage name "-build": use the name after AS in a FROM line: letters, digits, ".", "_" or "-", starting with a letter or digit`},
		{"stage empty", head + `"targets": [{"name": "d", "kind": "dockerfile", "dockerfile": "testdata/dockerapp/Dockerfile", "stage": ""}]}`,
			`toolchains.json:1:184: targets[0].stage: must not be empty: the Dockerfile stage to build (--target), or leave the field out to build the last stage`},
		{"dockerfile buildFlags", head + `"targets": [{"name": "d", "kind": "dockerfile", "dockerfile": "testdata/dockerapp/Dockerfile", "buildFlags": ["-trimpath"]}]}`,
			`toolchains.json:1:175: targets[0].buildFlags: not allowed for kind "dockerfile": the Dockerfile decides how to build; pass values to it with "buildArgs", such as {"GOFLAGS": "{{.GOFLAGS}}"} (fields for kind "dockerfile": name, kind, args, env, pass, timeout, dockerfile, context, buildArgs, stage, builderStage, builderFrom, runtimeStage, runtimeFrom)`},
		{"dockerfile dir", head + `"targets": [{"name": "d", "kind": "dockerfile", "dockerfile": "testdata/dockerapp/Dockerfile", "dir": "testdata/app"}]}`,
			`toolchains.json:1:175: targets[0].dir: not allowed for kind "dockerfile": the Dockerfile decides how to build; "context" is the directory sent to the engine (fields for kind "dockerfile": name, kind, args, env, pass, timeout, dockerfile, context, buildArgs, stage, builderStage, builderFrom, runtimeStage, runtimeFrom)`},
		{"stage on repro", head + `"targets": [{"name": "r", "kind": "repro", "stage": "build"}]}`,
			`toolchains.json:1:123: targets[0].stage: not allowed for kind "repro" (fields for kind "repro": name, kind, args, env, buildEnv, buildFlags, cgo, pass, timeout)`},
		{"buildArgs on package", head + `"targets": [{"name": "p", "kind": "package", "dir": "testdata/app", "package": ".", "buildArgs": {"A": "b"}}]}`,
			`toolchains.json:1:164: targets[0].buildArgs: not allowed for kind "package" (fields for kind "package": name, kind, args, env, buildEnv, buildFlags, cgo, pass, timeout, dir, package, modules, prepare, prepareWith)`},
		{"prepare on repro", head + `"targets": [{"name": "r", "kind": "repro", "prepare": [["go", "generate", "./..."]]}]}`,
			`toolchains.json:1:123: targets[0].prepare: not allowed for kind "repro": the reproducer is generated by gorepro and needs no preparation; prepare is for your own module (kind "package") (fields for kind "repro": name, kind, args, env, buildEnv, buildFlags, cgo, pass, timeout)`},
		{"prepare on probe", head + `"targets": [{"name": "p", "kind": "probe", "prepare": [["go", "generate"]]}]}`,
			`toolchains.json:1:123: targets[0].prepare: not allowed for kind "probe": the probe is gorepro's built-in environment report and is not configurable (it needs no preparation) (fields for kind "probe": name, kind, timeout)`},
		{"prepare on dockerfile", head + `"targets": [{"name": "d", "kind": "dockerfile", "dockerfile": "testdata/dockerapp/Dockerfile", "prepare": [["go", "generate"]]}]}`,
			`toolchains.json:1:175: targets[0].prepare: not allowed for kind "dockerfile": the Dockerfile decides how to build; run such steps (go generate) in the Dockerfile (fields for kind "dockerfile": name, kind, args, env, pass, timeout, dockerfile, context, buildArgs, stage, builderStage, builderFrom, runtimeStage, runtimeFrom)`},
		{"prepare empty list", head + `"targets": [{"name": "p", "kind": "package", "dir": "testdata/app", "package": ".", "prepare": []}]}`,
			`toolchains.json:1:175: targets[0].prepare: empty: list the commands that make the module buildable, such as [["go", "generate", "./pkg/audit"]], or leave the field out`},
		{"prepare empty command", head + `"targets": [{"name": "p", "kind": "package", "dir": "testdata/app", "package": ".", "prepare": [["go", "generate"], []]}]}`,
			`toolchains.json:1:196: targets[0].prepare[1]: empty command: write the program and its arguments, one string each, such as ["go", "generate", "./pkg/audit"], or remove it`},
		{"prepare empty program", head + `"targets": [{"name": "p", "kind": "package", "dir": "testdata/app", "package": ".", "prepare": [["", "generate"]]}]}`,
			`toolchains.json:1:177: targets[0].prepare[0][0]: must not be empty: the program to run, such as "go"`},
		{"prepare command line", head + `"targets": [{"name": "p", "kind": "package", "dir": "testdata/app", "package": ".", "prepare": [["go generate ./...", "-v"]]}]}`,
			`toolchains.json:1:176: targets[0].prepare[0]: "go generate ./..." is not a program: commands run without a shell, so write each argument as its own string: ["go", "generate", "./...", "-v"]`},
		{"prepare command lines", head + `"targets": [{"name": "p", "kind": "package", "dir": "testdata/app", "package": ".", "prepare": ["go generate ./pkg/audit", "sh -c 'echo x > data.txt'"]}]}`,
			`toolchains.json:1:175: targets[0].prepare: must be an array of commands, each an array of strings (got an array of strings; write [["go", "generate", "./pkg/audit"], ["sh", "-c", "echo x > data.txt"]])`},
		{"prepare one command line", head + `"targets": [{"name": "p", "kind": "package", "dir": "testdata/app", "package": ".", "prepare": ["go generate ./pkg/audit"]}]}`,
			`toolchains.json:1:175: targets[0].prepare: must be an array of commands, each an array of strings (got an array of strings; write [["go", "generate", "./pkg/audit"]])`},
		{"prepare flat", head + `"targets": [{"name": "p", "kind": "package", "dir": "testdata/app", "package": ".", "prepare": ["go", "generate", "./..."]}]}`,
			`toolchains.json:1:175: targets[0].prepare: must be an array of commands, each an array of strings (got an array of strings; write [["go", "generate", "./..."]])`},
		{"prepare string", head + `"targets": [{"name": "p", "kind": "package", "dir": "testdata/app", "package": ".", "prepare": "go generate ./..."}]}`,
			`toolchains.json:1:175: targets[0].prepare: must be an array of commands, each an array of strings (got string "go generate ./..."; commands run without a shell; write [["go", "generate", "./..."]])`},
		{"prepare word type", head + `"targets": [{"name": "p", "kind": "package", "dir": "testdata/app", "package": ".", "prepare": [["go", 1]]}]}`,
			`toolchains.json:1:183: targets[0].prepare[0][1]: must be a string (got number 1)`},
		{"top-level engine", head + `"targets": [{"name": "r", "kind": "repro"}], "engine": "nerdctl"}`,
			`toolchains.json:1:135: engine: unknown engine "nerdctl" (valid: podman, docker; leave the field out to use whichever is installed)`},
		{"toolchain engine case", `{"toolchains": [{"name": "i", "kind": "image", "image": "golang", "engine": "Docker"}], "protobuf": ["v1.36.10"], "targets": [{"name": "r", "kind": "repro"}]}`,
			`toolchains.json:1:77: toolchains[0].engine: unknown engine "Docker": did you mean "docker"? (valid: podman, docker; leave the field out to use whichever is installed)`},
		{"pull", head + `"targets": [{"name": "r", "kind": "repro"}], "pull": "if-not-present"}`,
			`toolchains.json:1:133: pull: unknown pull policy "if-not-present" (valid: never, missing, always; leave the field out for missing)`},
		{"pull type", head + `"targets": [{"name": "r", "kind": "repro"}], "pull": false}`,
			`toolchains.json:1:133: pull: must be a string (got false)`},
	}
	wd, err := os.Getwd()
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("toolchains.json", []byte(tt.doc))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Equal(t, strings.ReplaceAll(tt.want, "$WD", wd), err.Error())
			var errs Errors
			require.True(t, errors.As(err, &errs), "error is Errors")
			assert.Len(t, errs, 1)
		})
	}
}

// TestParseErrorsGolden parses each testdata/errors/*.json and compares all
// the errors reported with the matching .golden file ($TESTDATA stands for
// the absolute testdata directory). go test -update rewrites the golden
// files.
func TestParseErrorsGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "errors", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	testdata, err := filepath.Abs("testdata")
	require.NoError(t, err)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			_, err := Load(file)
			require.Error(t, err)
			var errs Errors
			require.True(t, errors.As(err, &errs), "error is Errors")
			got := strings.ReplaceAll(err.Error(), testdata, "$TESTDATA") + "\n"
			runfixture.CheckGolden(t, filepath.Join("errors", strings.TrimSuffix(filepath.Base(file), ".json")+".golden"), []byte(got))
			assert.Equal(t, strings.Count(got, "\n"), len(errs), "one line per error")
			for _, e := range errs {
				assert.Equal(t, file, e.File)
			}
		})
	}
}

func TestErrorsFields(t *testing.T) {
	_, err := Parse("cfg.json", []byte("{\n  \"toolchains\": [{\"name\": \"x\", \"kind\": \"foo\"}],\n  \"protobuf\": [\"v1.36\"],\n  \"targets\": [{\"name\": \"r\", \"kind\": \"repro\"}]\n}"))
	var errs Errors
	require.True(t, errors.As(err, &errs))
	require.Len(t, errs, 2)
	assert.Equal(t, &Error{File: "cfg.json", Line: 2, Col: 40, Path: "toolchains[0].kind",
		Msg: `unknown kind "foo" (valid: local, goroot, gotoolchain, image, gosource)`}, errs[0])
	assert.Equal(t, &Error{File: "cfg.json", Line: 3, Col: 16, Path: "protobuf[0]",
		Msg: `"v1.36" is not a canonical module version: did you mean "v1.36.0"?`}, errs[1])
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{File: "t.json", Line: 7, Col: 18, Path: "toolchains[2].kind", Msg: "bad"}, "t.json:7:18: toolchains[2].kind: bad"},
		{Error{File: "t.json", Path: "runs", Msg: "bad"}, "t.json: runs: bad"},
		{Error{File: "t.json", Line: 1, Col: 1, Msg: "bad"}, "t.json:1:1: bad"},
		{Error{Line: 2, Col: 3, Path: "runs", Msg: "bad"}, "2:3: runs: bad"},
		{Error{Msg: "bad"}, "bad"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.err.Error())
	}
	assert.Equal(t, "a.json: x: one\na.json: y: two", Errors{
		{File: "a.json", Path: "x", Msg: "one"}, {File: "a.json", Path: "y", Msg: "two"},
	}.Error())
	assert.Equal(t, `--toolchain: unknown toolchain "foo" (configured: local, go1.27.3)`,
		(&FlagError{Flag: "--toolchain", Msg: `unknown toolchain "foo" (configured: local, go1.27.3)`}).Error())
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.json")
	_, err := Load(path)
	var errs Errors
	require.ErrorAs(t, err, &errs, "a missing config is a config error (exit status 2)")
	assert.Equal(t, path+": cannot read the config: no such file or directory (pass --config with the path of a toolchains.json)", err.Error())
}

func TestLookups(t *testing.T) {
	cfgPath, _ := writeExample(t)
	c, err := Load(cfgPath)
	require.NoError(t, err)

	tc, ok := c.Toolchain("go1.27.3")
	require.True(t, ok)
	assert.Equal(t, "go1.27.3", tc.Version)
	_, ok = c.Toolchain("nope")
	assert.False(t, ok)

	controller, ok := c.Target("controller")
	require.True(t, ok)
	assert.Equal(t, 30*time.Second, controller.RunTimeout(c), "target timeout wins")
	repro, ok := c.Target("repro")
	require.True(t, ok)
	assert.Equal(t, 60*time.Second, repro.RunTimeout(c), "config timeout")
	assert.Equal(t, DefaultTimeout, repro.RunTimeout(&Config{}), "default timeout")
	_, ok = c.Target("nope")
	assert.False(t, ok)
}
