package docstest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/gorepro/gorepro/internal/crashfixture"
	"github.com/gorepro/gorepro/internal/testneed"
)

// workflow is the part of a GitHub Actions workflow the tests read.
type workflow struct {
	Jobs map[string]struct {
		If       string `yaml:"if"`
		RunsOn   string `yaml:"runs-on"`
		Strategy struct {
			Matrix struct {
				Runner  []string            `yaml:"runner"`
				Include []map[string]string `yaml:"include"`
			} `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []workflowStep `yaml:"steps"`
	} `yaml:"jobs"`
}

// action is the part of a composite action the tests read.
type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string         `yaml:"using"`
		Steps []workflowStep `yaml:"steps"`
	} `yaml:"runs"`
}

// workflowStep is one step of a job or of a composite action.
type workflowStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	Uses  string            `yaml:"uses"`
	With  map[string]string `yaml:"with"`
	Env   map[string]string `yaml:"env"`
}

// readYAML parses the repository file rel into v.
func readYAML(t *testing.T, rel string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), filepath.FromSlash(rel)))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, v), rel)
}

// readAction parses scripts/github/action/action.yml.
func readAction(t *testing.T) action {
	t.Helper()
	var a action
	readYAML(t, "scripts/github/action/action.yml", &a)
	return a
}

// actionStep returns the action's step with the given id, or whose name
// starts with it.
func actionStep(t *testing.T, a action, idOrName string) workflowStep {
	t.Helper()
	for _, s := range a.Runs.Steps {
		if s.ID == idOrName || strings.HasPrefix(s.Name, idOrName) {
			return s
		}
	}
	t.Fatalf("the action has no step %q", idOrName)
	return workflowStep{}
}

// TestNightlyUsesTheAction reads the nightly workflow: its shards run on an
// amd64 and an arm64 runner through the reusable action, built from this
// checkout, whose artifacts the merge job downloads; the merge job runs
// unless the workflow was cancelled. The team example uses the action by
// tag with three lines of configuration.
func TestNightlyUsesTheAction(t *testing.T) {
	var w workflow
	readYAML(t, "scripts/github/nightly.yml", &w)
	shard := w.Jobs["shard"]
	assert.Contains(t, shard.Strategy.Matrix.Runner, "ubuntu-24.04-arm")
	assert.Contains(t, shard.Strategy.Matrix.Include, map[string]string{"runner": "ubuntu-24.04-arm", "arch": "arm64"})
	var uses []workflowStep
	for _, s := range shard.Steps {
		if s.Uses == "./scripts/github/action" {
			uses = append(uses, s)
		}
	}
	require.Len(t, uses, 1, "the shard job runs the reusable action once")
	assert.Equal(t, "${{ matrix.arch }}", uses[0].With["arch"])
	assert.Equal(t, "${{ matrix.shard }}", uses[0].With["shard"])
	merge := w.Jobs["merge"]
	assert.Equal(t, "${{ !cancelled() }}", merge.If)
	var pattern string
	for _, s := range merge.Steps {
		if strings.HasPrefix(s.Uses, "actions/download-artifact") {
			pattern = s.With["pattern"]
		}
	}
	assert.Equal(t, "gorepro-*", pattern, "the merge job must download what the action uploads")
	assert.Equal(t, "gorepro-${{ steps.arch.outputs.arch }}-${{ inputs.shard }}", actionStep(t, readAction(t), "Upload the run").With["name"])

	var example workflow
	readYAML(t, "scripts/github/example.yml", &example)
	job := example.Jobs["gorepro"]
	require.NotEmpty(t, job.Steps)
	last := job.Steps[len(job.Steps)-1]
	assert.Regexp(t, `^gorepro/gorepro/scripts/github/action@v\d+$`, last.Uses)
	assert.Equal(t, map[string]string{"config": "toolchains.json"}, last.With)
}

// TestActionArm64 reads the action's arm64 set-up: QEMU is installed and
// its x86_64 handler registered with the repository's own script before
// gorepro runs, and the shipped config has amd64 cells for it to emulate.
func TestActionArm64(t *testing.T) {
	a := readAction(t)
	assert.Equal(t, "composite", a.Runs.Using)
	qemu, run := -1, -1
	for i, s := range a.Runs.Steps {
		if strings.Contains(s.Run, "qemu-user-static") {
			qemu = i
			assert.Equal(t, "steps.arch.outputs.arch == 'arm64'", s.If)
			assert.Contains(t, s.Run, `"$SETUP_BINFMT" qemu-x86_64`)
			assert.Equal(t, "${{ github.action_path }}/../../setup-binfmt.sh", s.Env["SETUP_BINFMT"])
		}
		if s.ID == "run" {
			run = i
		}
		if s.Run != "" {
			assert.Equal(t, "bash", s.Shell, "composite step %q needs shell: bash", s.Name)
		}
	}
	require.GreaterOrEqual(t, qemu, 0, "no step installs qemu-user-static")
	assert.Less(t, qemu, run, "QEMU must be set up before the shard runs")
	script, err := os.ReadFile(filepath.Join(repoRoot(t), "scripts", "github", "action", "..", "..", "setup-binfmt.sh"))
	require.NoError(t, err)
	assert.Contains(t, string(script), "/usr/lib/binfmt.d", "setup-binfmt.sh registers any handler Debian's qemu-user-static ships")

	data, err := os.ReadFile(filepath.Join(repoRoot(t), "toolchains.json"))
	require.NoError(t, err)
	var cfg struct{ Arch []string }
	require.NoError(t, json.Unmarshal(data, &cfg))
	assert.Contains(t, cfg.Arch, "amd64", "the shipped config must have amd64 cells for the arm64 leg to emulate")
}

// TestActionEmulationCheck runs the action's check step, as GitHub runs
// it, on run directories: amd64 cells that ran emulated pass; an
// unavailable amd64 cell, or one that ran but is not recorded as emulated,
// fails the job.
func TestActionEmulationCheck(t *testing.T) {
	needTool(t, "jq")
	s := actionStep(t, readAction(t), "Check that the amd64 cells ran emulated")
	assert.Contains(t, s.If, "steps.arch.outputs.arch == 'arm64'")
	cell := func(id, outcome string, emulated bool) map[string]any {
		return map[string]any{"id": id, "hostArch": "arm64", "binaryArch": "amd64", "outcome": outcome, "emulated": emulated}
	}
	native := map[string]any{"id": "n", "hostArch": "arm64", "binaryArch": "arm64", "outcome": "unavailable", "emulated": false}
	for _, tt := range []struct {
		name  string
		cells []map[string]any
		ok    bool
	}{
		{"emulated crash and pass", []map[string]any{cell("a", "crash", true), cell("b", "pass", true), native}, true},
		{"amd64 cell unavailable", []map[string]any{cell("a", "crash", true), cell("b", "unavailable", false)}, false},
		{"ran but not emulated", []map[string]any{cell("a", "pass", false)}, false},
		{"build errors are not the emulator's", []map[string]any{cell("a", "build-error", false)}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			data, err := json.Marshal(map[string]any{"cells": tt.cells})
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "results.json"), data, 0o644))
			res := runStep(t, s, t.TempDir(), map[string]string{"steps.run.outputs.dir": dir}, nil)
			if tt.ok {
				assert.NoError(t, res.err, res.out)
			} else {
				assert.Error(t, res.err, res.out)
				assert.Contains(t, res.out, "::error::")
			}
		})
	}
}

// TestActionImageCacheKey runs the step that keys the image cache, with a
// skopeo that answers from a table: the key follows the digests (a tag
// that moved gives another key), and an image whose digest cannot be read
// turns the cache off instead of keying on what is known.
func TestActionImageCacheKey(t *testing.T) {
	needTool(t, "jq")
	s := actionStep(t, readAction(t), "digests")
	config := filepath.Join(t.TempDir(), "toolchains.json")
	require.NoError(t, os.WriteFile(config, []byte(`{"toolchains": [{"name": "local", "kind": "local"},
		{"name": "b", "kind": "image", "image": "example.com/go:1.25", "runtimeImage": "example.com/min:latest"}]}`), 0o644))
	key := func(digests map[string]string) map[string]string {
		bin := t.TempDir()
		var fake strings.Builder
		fake.WriteString("#!/bin/sh\nfor a; do ref=$a; done\ncase \"$ref\" in\n")
		for ref, d := range digests {
			fake.WriteString("docker://" + ref + ") echo " + d + ";;\n")
		}
		fake.WriteString("*) echo \"no such image $ref\" >&2; exit 1;;\nesac\n")
		require.NoError(t, os.WriteFile(filepath.Join(bin, "skopeo"), []byte(fake.String()), 0o755))
		res := runStep(t, s, t.TempDir(), map[string]string{"inputs.config": config, "steps.arch.outputs.arch": "arm64"},
			map[string]string{"PATH": bin + ":" + os.Getenv("PATH")})
		require.NoError(t, res.err, res.out)
		return res.outputs
	}
	first := key(map[string]string{"example.com/go:1.25": "sha256:aaa", "example.com/min:latest": "sha256:bbb"})
	assert.Equal(t, "example.com/go:1.25 example.com/min:latest", first["refs"])
	assert.True(t, strings.HasPrefix(first["key"], "gorepro-images-arm64-"), first["key"])
	same := key(map[string]string{"example.com/go:1.25": "sha256:aaa", "example.com/min:latest": "sha256:bbb"})
	assert.Equal(t, first["key"], same["key"])
	moved := key(map[string]string{"example.com/go:1.25": "sha256:ccc", "example.com/min:latest": "sha256:bbb"})
	assert.NotEqual(t, first["key"], moved["key"], "a moved tag must not restore the old image")
	unknown := key(map[string]string{"example.com/go:1.25": "sha256:aaa"})
	assert.Empty(t, unknown["refs"], "an unresolved image must turn the cache off")
}

// TestActionShardJourney runs the action's own steps (architecture,
// install from this checkout, the shard, the comparison with a baseline,
// explain) on this machine, as a nightly does: the first night's config
// builds the reproducer with the local Go, the second night's toolchain of
// the same name is the injected GOROOT (the same Go version, another
// build), so the cell crashes. The action's outputs must name the run
// directory, the changed cell and explain's culprit.
func TestActionShardJourney(t *testing.T) {
	needTool(t, "jq")
	if testing.Short() {
		t.Skip("builds and runs gorepro nights")
	}
	injected, err := crashfixture.SharedInjectedGOROOT()
	if err != nil {
		t.Skipf("no injected GOROOT here: %v", err)
	}
	a := readAction(t)
	work := t.TempDir()
	goroot := strings.TrimSpace(goEnv(t, "GOROOT"))
	writeConfig := func(name, root string) string {
		p := filepath.Join(work, name)
		require.NoError(t, os.WriteFile(p, []byte(`{"toolchains": [{"name": "tc", "kind": "goroot", "goroot": "`+root+`"}],
  "protobuf": ["v1.36.10"], "cover": [false], "targets": [{"name": "repro", "kind": "repro"}], "runs": 1, "timeout": "60s"}`), 0o644))
		return p
	}
	inputs := func(config string, more map[string]string) map[string]string {
		in := map[string]string{}
		for k, v := range a.Inputs {
			in["inputs."+k] = v.Default
		}
		in["inputs.config"] = config
		in["inputs.out"] = filepath.Join(work, "results")
		in["inputs.pull"] = "never"
		in["runner.arch"] = "X64"
		in["github.action_path"] = filepath.Join(repoRoot(t), "scripts", "github", "action")
		in["github.action_ref"] = ""
		for k, v := range more {
			in[k] = v
		}
		return in
	}
	env := map[string]string{"GOREPRO_CACHE": filepath.Join(work, "cache")}
	night := func(config string, more map[string]string) map[string]string {
		outs := map[string]string{}
		exprs := inputs(config, more)
		for _, id := range []string{"arch", "Install gorepro", "run", "diff", "explain"} {
			s := actionStep(t, a, id)
			res := runStep(t, s, work, exprs, env)
			require.NoError(t, res.err, "step %s:\n%s", id, res.out)
			for k, v := range res.outputs {
				exprs["steps."+s.ID+".outputs."+k] = v
			}
			if res.path != "" { // what the step added to GITHUB_PATH
				env["PATH"] = res.path + ":" + os.Getenv("PATH")
			}
		}
		for name, o := range a.Outputs {
			outs[name] = exprs[strings.TrimSuffix(strings.TrimPrefix(o.Value, "${{ "), " }}")]
		}
		return outs
	}
	first := night(writeConfig("night1.json", goroot), nil)
	require.FileExists(t, filepath.Join(first["run-dir"], "results.json"))
	assert.Equal(t, "[]", first["changed-cells"])
	assert.Equal(t, "[]", first["culprits"])

	second := night(writeConfig("night2.json", injected), map[string]string{
		"inputs.baseline": first["run-dir"], "inputs.explain": "true"})
	assert.NotEqual(t, first["run-dir"], second["run-dir"])
	assert.Equal(t, `["tc_v1.36.10_nocover_repro_amd64"]`, second["changed-cells"])
	var culprits []struct {
		Cells     []string
		Change    string
		Culprit   string
		Explained bool
	}
	require.NoError(t, json.Unmarshal([]byte(second["culprits"]), &culprits), second["culprits"])
	require.Len(t, culprits, 1)
	assert.Equal(t, "new-crash", culprits[0].Change)
	assert.Contains(t, culprits[0].Culprit, "src/runtime/tagptr_64bit.go")
}

// stepResult is what runStep saw: the script's output, its error, the
// outputs it wrote to GITHUB_OUTPUT and what it added to GITHUB_PATH.
type stepResult struct {
	out     string
	err     error
	outputs map[string]string
	path    string
}

// expression matches a GitHub expression, ${{ ... }}.
var expression = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// runStep runs a step's script as GitHub does (bash --noprofile --norc -eo
// pipefail) in dir, with the step's env, its ${{ expr }} replaced from
// exprs ("a || b" takes the first non-empty one), env added, and
// GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY and RUNNER_TEMP set.
func runStep(t *testing.T, s workflowStep, dir string, exprs, env map[string]string) stepResult {
	t.Helper()
	eval := func(text string) string {
		return expression.ReplaceAllStringFunc(text, func(m string) string {
			for _, alt := range strings.Split(expression.FindStringSubmatch(m)[1], "||") {
				v, ok := exprs[strings.TrimSpace(alt)]
				require.True(t, ok || strings.Contains(alt, "inputs."), "step %q: expression %s is not provided by the test", s.Name, m)
				if v != "" {
					return v
				}
			}
			return ""
		})
	}
	require.NotContains(t, eval(s.Run), "${{", "step %q", s.Name)
	files := t.TempDir()
	output, pathFile := filepath.Join(files, "output"), filepath.Join(files, "path")
	for _, f := range []string{output, pathFile} {
		require.NoError(t, os.WriteFile(f, nil, 0o644))
	}
	cmd := exec.CommandContext(t.Context(), "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", eval(s.Run))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+output, "GITHUB_PATH="+pathFile,
		"GITHUB_STEP_SUMMARY="+filepath.Join(files, "summary"), "RUNNER_TEMP="+files)
	for k, v := range s.Env {
		cmd.Env = append(cmd.Env, k+"="+eval(v))
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	res := stepResult{out: string(out), err: err, outputs: map[string]string{}}
	written, rerr := os.ReadFile(output)
	require.NoError(t, rerr)
	for _, line := range strings.Split(string(written), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			res.outputs[k] = v
		}
	}
	added, rerr := os.ReadFile(pathFile)
	require.NoError(t, rerr)
	res.path = strings.TrimSpace(string(added))
	return res
}

// goEnv returns `go env NAME`.
func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	require.NoError(t, err)
	return string(out)
}

// needTool skips the test without the program name, unless
// GOREPRO_REQUIRE_TOOLS=1 (as in CI, where scripts/setup-report-tools.sh
// installs it), where it fails.
func needTool(t *testing.T, name string) {
	t.Helper()
	testneed.Tool(t, name, "scripts/setup-report-tools.sh installs it")
}
