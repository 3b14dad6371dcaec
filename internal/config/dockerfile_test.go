package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadDockerfileTargets(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "valid", "dockerfile.json"))
	require.NoError(t, err)
	testdata, err := filepath.Abs("testdata")
	require.NoError(t, err)

	assert.Equal(t, EnginePodman, c.Engine)
	assert.Equal(t, "never", c.Pull)
	assert.Equal(t, []Target{
		{Name: "controller-image", Kind: TargetDockerfile,
			Dockerfile: filepath.Join(testdata, "dockerapp", "docker", "controller.Dockerfile"),
			Context:    filepath.Join(testdata, "dockerapp"),
			BuildArgs:  map[string]string{"GOFLAGS": "{{.GOFLAGS}}", "GOARCH": "{{.GOARCH}}", "TARGETARCH": "{{.GOARCH}}"},
			Stage:      "builder",
			Args:       []string{"--metrics-bind-address=0"}, Env: map[string]string{"FOO": "1"},
			Pass:    PassRule{LogMatches: "Starting workers", AliveFor: Duration(10 * time.Second)},
			Timeout: Duration(30 * time.Second)},
		{Name: "default-context", Kind: TargetDockerfile,
			Dockerfile: filepath.Join(testdata, "dockerapp", "Dockerfile"),
			Context:    filepath.Join(testdata, "dockerapp"), // the Dockerfile's directory
		},
	}, c.Targets)

	assert.Equal(t, EnginePodman, c.EngineFor(c.Toolchains[0]), "config engine for a toolchain without its own")
	assert.Equal(t, EngineDocker, c.EngineFor(c.Toolchains[1]), "a toolchain's own engine wins over the config's")
}

// TestDocDockerfileExample parses the kubernaut-style target from the
// package documentation in a matching directory layout.
func TestDocDockerfileExample(t *testing.T) {
	root := t.TempDir()
	kubernaut := filepath.Join(root, "kubernaut")
	require.NoError(t, os.MkdirAll(filepath.Join(kubernaut, "docker"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "cfg"), 0o755))
	dockerfile := filepath.Join(kubernaut, "docker", "workflowexecution-controller.Dockerfile")
	require.NoError(t, os.WriteFile(dockerfile, []byte("FROM scratch\n"), 0o644))

	c, err := Parse(filepath.Join(root, "cfg", "toolchains.json"), []byte(`{
  "toolchains": [{"name": "ubi9-go-1.25", "kind": "image", "image": "registry.access.redhat.com/ubi9/go-toolset:1.25"}],
  "protobuf": ["v1.36.10"],
  "targets": [
    {"name": "controller-image", "kind": "dockerfile", "dockerfile": "../kubernaut/docker/workflowexecution-controller.Dockerfile",
     "context": "../kubernaut", "buildArgs": {"GOFLAGS": "{{.GOFLAGS}}", "GOARCH": "{{.GOARCH}}", "TARGETARCH": "{{.GOARCH}}"},
     "pass": {"exitCodes": [0, 1], "logMatches": "Starting WorkflowExecution Controller"}}
  ]
}`))
	require.NoError(t, err)
	target := c.Targets[0]
	assert.Equal(t, dockerfile, target.Dockerfile)
	assert.Equal(t, kubernaut, target.Context)
	assert.Empty(t, target.Stage)
	assert.Equal(t, PassRule{ExitCodes: []int{0, 1}, LogMatches: "Starting WorkflowExecution Controller"}, target.Pass)
	assert.Equal(t, DefaultPull, c.Pull, "default pull policy")
	assert.Empty(t, c.Engine, "no engine: whichever is installed")
	assert.Empty(t, c.EngineFor(c.Toolchains[0]))

	args, err := target.RenderBuildArgs(BuildArgValues{GOFLAGS: "-cover", GOARCH: "amd64", GOOS: "linux"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"GOFLAGS": "-cover", "GOARCH": "amd64", "TARGETARCH": "amd64"}, args)
}

func TestParseDockerfileAccepts(t *testing.T) {
	c, err := Parse(filepath.Join("testdata", "toolchains.json"), []byte(`{
  "toolchains": [{"name": "img", "kind": "image", "image": "golang:1.25", "engine": ""}],
  "protobuf": ["v1.36.10"],
  "targets": [
    {"name": "abs", "kind": "dockerfile", "dockerfile": "dockerapp/Dockerfile", "context": "app", "stage": "Build_2.x-y",
     "buildArgs": {"_ALL": "{{.GOFLAGS}} {{.GOARCH}} {{.GOOS}} {{.Image}} {{.GoVersion}} {{.Protobuf}}",
                   "COND": "{{if .GOFLAGS}}cover{{else}}plain{{end}}", "EMPTY": "", "LITERAL": "x",
                   "DOLLAR": "{{with .GOOS}}{{$.GOARCH}}-{{.}}{{end}}", "PIPE": "{{.GOARCH | printf \"%q\"}}"}}
  ],
  "engine": "",
  "pull": ""
}`))
	require.NoError(t, err)
	wd, err := os.Getwd()
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(wd, "testdata", "app"), c.Targets[0].Context)
	assert.Equal(t, DefaultPull, c.Pull, `"" means the default`)
	assert.Empty(t, c.Engine)
}

func TestRenderBuildArgs(t *testing.T) {
	values := BuildArgValues{GOFLAGS: "", GOARCH: "arm64", GOOS: "linux", Image: "golang:1.25", GoVersion: "go1.25.3", Protobuf: "v1.36.10"}

	t.Run("happy path", func(t *testing.T) {
		target := Target{Name: "img", Kind: TargetDockerfile, BuildArgs: map[string]string{
			"ALL":     "{{.GOFLAGS}}|{{.GOARCH}}|{{.GOOS}}|{{.Image}}|{{.GoVersion}}|{{.Protobuf}}",
			"COVER":   "{{if .GOFLAGS}}on{{else}}off{{end}}",
			"LITERAL": "plain",
		}}
		args, err := target.RenderBuildArgs(values)
		require.NoError(t, err)
		assert.Equal(t, map[string]string{
			"ALL":     "|arm64|linux|golang:1.25|go1.25.3|v1.36.10",
			"COVER":   "off",
			"LITERAL": "plain",
		}, args)
	})

	t.Run("none", func(t *testing.T) {
		args, err := Target{Name: "img", Kind: TargetDockerfile}.RenderBuildArgs(values)
		require.NoError(t, err)
		assert.Nil(t, args)
	})

	t.Run("missing field", func(t *testing.T) {
		target := Target{Name: "img", Kind: TargetDockerfile, BuildArgs: map[string]string{"OK": "{{.GOOS}}", "ARCH": "{{.Arch}}"}}
		args, err := target.RenderBuildArgs(values)
		require.Error(t, err)
		assert.Nil(t, args)
		assert.Equal(t, `build arg ARCH of target img: template: ARCH:1:2: executing "ARCH" at <.Arch>: can't evaluate field Arch in type config.BuildArgValues (valid fields: .GOFLAGS, .GOARCH, .GOOS, .Image, .GoVersion, .Protobuf)`, err.Error())
	})

	t.Run("syntax", func(t *testing.T) {
		target := Target{Name: "img", Kind: TargetDockerfile, BuildArgs: map[string]string{"X": "{{.GOOS"}}
		_, err := target.RenderBuildArgs(values)
		require.EqualError(t, err, `build arg X of target img: template: X:1: unclosed action`)
	})
}

func TestBuildArgProblem(t *testing.T) {
	const valid = " (valid fields: .GOFLAGS, .GOARCH, .GOOS, .Image, .GoVersion, .Protobuf)"
	tests := []struct {
		text string
		want string
	}{
		{"{{.GOARCH}}", ""},
		{"{{slice .GOARCH 0 2}}-{{len .GOOS}}", ""},
		{"{{.goarch}}", "template: A:1:2: unknown field .goarch" + valid},
		{"{{else}}", "template: A:1: unexpected {{else}}" + valid},
		{"{{if false}}{{$.Arch}}{{end}}", "template: A:1:15: unknown field .Arch" + valid},
		{"{{with .GOOS}}{{.Name}}{{end}}", "template: A:1:16: unknown field .Name" + valid},
		{"{{.GOOS.Name}}", "template: A:1:7: .GOOS is a string and has no field Name" + valid},
		{`{{template "x"}}`, `template: A:1:11: executing "A" at <{{template "x"}}>: template "x" not defined` + valid},
		{`{{define "x"}}{{.Bad}}{{end}}{{template "x" .}}`, "template: A:1:16: unknown field .Bad" + valid},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			assert.Equal(t, tt.want, buildArgProblem("A", tt.text))
		})
	}
}

// TestParseFromFields accepts the fields that say which FROM lines the
// toolchain's images replace, and keeps them in the target's entry (so
// that a change of them is a change of the cells).
func TestParseFromFields(t *testing.T) {
	tests := []struct{ name, fields string }{
		{"stages", `"builderStage": "BUILDER", "runtimeStage": "runtime"`},
		{"patterns", `"builderFrom": "registry.access.redhat.com/ubi9/go-toolset:*", "runtimeFrom": "registry.access.redhat.com/ubi9/ubi-minimal"`},
		{"builder only", `"builderFrom": "*/go-toolset"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(filepath.Join("testdata", "toolchains.json"), []byte(`{
  "toolchains": [{"name": "img", "kind": "image", "image": "golang:1.25"}],
  "protobuf": ["v1.36.10"],
  "targets": [{"name": "pm", "kind": "dockerfile", "dockerfile": "dockerapp/postmortem.Dockerfile", `+tt.fields+`}]
}`))
			require.NoError(t, err)
			var want map[string]string
			require.NoError(t, json.Unmarshal([]byte("{"+tt.fields+"}"), &want))
			entry := c.TargetEntry(c.Targets[0])
			for k, v := range want {
				assert.Equal(t, v, entry[k], k)
			}
			tg := c.Targets[0]
			assert.Equal(t, want["builderStage"], tg.BuilderSelector().Stage)
			assert.Equal(t, want["builderFrom"], tg.BuilderSelector().Image)
			assert.Equal(t, want["runtimeStage"], tg.RuntimeSelector().Stage)
			assert.Equal(t, want["runtimeFrom"], tg.RuntimeSelector().Image)
		})
	}
}

// TestDocPostmortemExample parses the postmortem's target from the package
// documentation over a Dockerfile shaped like the postmortem's.
func TestDocPostmortemExample(t *testing.T) {
	root := t.TempDir()
	kubernaut := filepath.Join(root, "kubernaut")
	require.NoError(t, os.MkdirAll(filepath.Join(kubernaut, "docker"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "cfg"), 0o755))
	data, err := os.ReadFile(filepath.Join("testdata", "dockerapp", "postmortem.Dockerfile"))
	require.NoError(t, err)
	dockerfile := filepath.Join(kubernaut, "docker", "workflowexecution-controller.Dockerfile")
	require.NoError(t, os.WriteFile(dockerfile, data, 0o644))

	c, err := Parse(filepath.Join(root, "cfg", "toolchains.json"), []byte(`{
  "toolchains": [{"name": "ubi9-go-1.25", "kind": "image", "image": "registry.access.redhat.com/ubi9/go-toolset:1.25"}],
  "protobuf": ["v1.36.10"],
  "targets": [
    {"name": "controller-image", "kind": "dockerfile", "dockerfile": "../kubernaut/docker/workflowexecution-controller.Dockerfile",
     "context": "../kubernaut", "builderStage": "builder", "runtimeFrom": "registry.access.redhat.com/ubi9/ubi-minimal",
     "buildArgs": {"GOARCH": "{{.GOARCH}}"}}
  ]
}`))
	require.NoError(t, err)
	assert.Equal(t, "builder", c.Targets[0].BuilderStage)
	assert.Equal(t, "registry.access.redhat.com/ubi9/ubi-minimal", c.Targets[0].RuntimeFrom)
}
