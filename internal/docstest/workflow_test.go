package docstest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// workflow is the part of a GitHub Actions workflow the tests read.
type workflow struct {
	Jobs map[string]struct {
		If       string `yaml:"if"`
		Strategy struct {
			Matrix struct {
				Runner  []string            `yaml:"runner"`
				Include []map[string]string `yaml:"include"`
			} `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []workflowStep `yaml:"steps"`
	} `yaml:"jobs"`
}

// workflowStep is one step of a job.
type workflowStep struct {
	Name string            `yaml:"name"`
	ID   string            `yaml:"id"`
	If   string            `yaml:"if"`
	Run  string            `yaml:"run"`
	Uses string            `yaml:"uses"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

// readNightly parses scripts/github/nightly.yml.
func readNightly(t *testing.T) workflow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "scripts", "github", "nightly.yml"))
	require.NoError(t, err)
	var w workflow
	require.NoError(t, yaml.Unmarshal(data, &w))
	return w
}

// step returns the step of job whose name starts with prefix.
func step(t *testing.T, w workflow, job, prefix string) workflowStep {
	t.Helper()
	for _, s := range w.Jobs[job].Steps {
		if strings.HasPrefix(s.Name, prefix) {
			return s
		}
	}
	t.Fatalf("job %s has no step %q", job, prefix)
	return workflowStep{}
}

// TestNightlyArm64Leg reads the nightly workflow's arm64 shard: it runs on
// GitHub's arm64 runner, installs QEMU and registers its x86_64 handler
// with the repository's own script before gorepro runs, the shipped
// config has amd64 cells for it to emulate, and the merge job runs unless
// the workflow was cancelled.
func TestNightlyArm64Leg(t *testing.T) {
	w := readNightly(t)
	shard := w.Jobs["shard"]
	assert.Contains(t, shard.Strategy.Matrix.Runner, "ubuntu-24.04-arm")
	assert.Contains(t, shard.Strategy.Matrix.Include, map[string]string{"runner": "ubuntu-24.04-arm", "arch": "arm64"})

	qemu := -1
	run := -1
	for i, s := range shard.Steps {
		if strings.Contains(s.Run, "qemu-user-static") {
			qemu = i
			assert.Equal(t, "matrix.arch == 'arm64'", s.If)
			assert.Contains(t, s.Run, "scripts/setup-binfmt.sh qemu-x86_64")
		}
		if s.ID == "run" {
			run = i
		}
	}
	require.GreaterOrEqual(t, qemu, 0, "no step installs qemu-user-static")
	assert.Less(t, qemu, run, "QEMU must be set up before the shard runs")
	script, err := os.ReadFile(filepath.Join(repoRoot(t), "scripts", "setup-binfmt.sh"))
	require.NoError(t, err)
	assert.Contains(t, string(script), "/usr/lib/binfmt.d", "setup-binfmt.sh registers any handler Debian's qemu-user-static ships")

	data, err := os.ReadFile(filepath.Join(repoRoot(t), "toolchains.json"))
	require.NoError(t, err)
	var cfg struct{ Arch []string }
	require.NoError(t, json.Unmarshal(data, &cfg))
	assert.Contains(t, cfg.Arch, "amd64", "the shipped config must have amd64 cells for the arm64 leg to emulate")

	assert.Equal(t, "${{ !cancelled() }}", w.Jobs["merge"].If)
}

// TestNightlyEmulationCheck runs the arm64 leg's check step, as GitHub
// runs it (bash -e -o pipefail), on run directories: amd64 cells that ran
// emulated pass; an unavailable amd64 cell, or one that ran but is not
// recorded as emulated, fails the job.
func TestNightlyEmulationCheck(t *testing.T) {
	needTool(t, "jq")
	s := step(t, readNightly(t), "shard", "Check that the amd64 cells ran emulated")
	assert.Contains(t, s.If, "matrix.arch == 'arm64'")
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
			out, err := runStep(t, s, map[string]string{"DIR": dir}, nil)
			if tt.ok {
				assert.NoError(t, err, out)
			} else {
				assert.Error(t, err, out)
				assert.Contains(t, out, "::error::")
			}
		})
	}
}

// TestNightlyImageCacheKey runs the step that keys the image cache, with
// a skopeo that answers from a table: the key follows the digests (a tag
// that moved gives another key), and an image whose digest cannot be read
// turns the cache off instead of keying on what is known.
func TestNightlyImageCacheKey(t *testing.T) {
	needTool(t, "jq")
	s := step(t, readNightly(t), "shard", "Resolve the images' digests")
	config := filepath.Join(t.TempDir(), "toolchains.json")
	require.NoError(t, os.WriteFile(config, []byte(`{"toolchains": [{"name": "local", "kind": "local"},
		{"name": "b", "kind": "image", "image": "example.com/go:1.25", "runtimeImage": "example.com/min:latest"}]}`), 0o644))
	key := func(digests map[string]string) (map[string]string, error) {
		bin := t.TempDir()
		var fake strings.Builder
		fake.WriteString("#!/bin/sh\nfor a; do ref=$a; done\ncase \"$ref\" in\n")
		for ref, d := range digests {
			fake.WriteString("docker://" + ref + ") echo " + d + ";;\n")
		}
		fake.WriteString("*) echo \"no such image $ref\" >&2; exit 1;;\nesac\n")
		require.NoError(t, os.WriteFile(filepath.Join(bin, "skopeo"), []byte(fake.String()), 0o755))
		out, err := runStep(t, s, map[string]string{"GOREPRO_CONFIG": config, "PATH": bin + ":" + os.Getenv("PATH")}, map[string]string{"matrix.arch": "arm64"})
		if err != nil {
			return nil, err
		}
		outputs := map[string]string{}
		for _, line := range strings.Split(out, "\n") {
			if k, v, ok := strings.Cut(line, "="); ok && (k == "refs" || k == "key") {
				outputs[k] = v
			}
		}
		return outputs, nil
	}
	first, err := key(map[string]string{"example.com/go:1.25": "sha256:aaa", "example.com/min:latest": "sha256:bbb"})
	require.NoError(t, err)
	assert.Equal(t, "example.com/go:1.25 example.com/min:latest", first["refs"])
	assert.True(t, strings.HasPrefix(first["key"], "gorepro-images-arm64-"), first["key"])
	same, err := key(map[string]string{"example.com/go:1.25": "sha256:aaa", "example.com/min:latest": "sha256:bbb"})
	require.NoError(t, err)
	assert.Equal(t, first["key"], same["key"])
	moved, err := key(map[string]string{"example.com/go:1.25": "sha256:ccc", "example.com/min:latest": "sha256:bbb"})
	require.NoError(t, err)
	assert.NotEqual(t, first["key"], moved["key"], "a moved tag must not restore the old image")
	unknown, err := key(map[string]string{"example.com/go:1.25": "sha256:aaa"})
	require.NoError(t, err)
	assert.Empty(t, unknown["refs"], "an unresolved image must turn the cache off")
}

// runStep runs a workflow step's script as GitHub does (bash --noprofile
// --norc -eo pipefail), with ${{ expr }} replaced from exprs, env added,
// GITHUB_OUTPUT and RUNNER_TEMP set; it returns the script's output
// followed by what it wrote to GITHUB_OUTPUT.
func runStep(t *testing.T, s workflowStep, env, exprs map[string]string) (string, error) {
	t.Helper()
	script := s.Run
	for expr, v := range exprs {
		script = strings.ReplaceAll(script, "${{ "+expr+" }}", v)
	}
	require.NotContains(t, script, "${{", "an expression the test does not provide")
	dir := t.TempDir()
	output := filepath.Join(dir, "github-output")
	require.NoError(t, os.WriteFile(output, nil, 0o644))
	cmd := exec.CommandContext(t.Context(), "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+output, "RUNNER_TEMP="+dir)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	written, rerr := os.ReadFile(output)
	require.NoError(t, rerr)
	return string(out) + "\n" + string(written), err
}

// needTool skips the test without the program name, unless
// GOREPRO_REQUIRE_TOOLS=1 (as in CI, where scripts/setup-report-tools.sh
// installs it), where it fails.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("GOREPRO_REQUIRE_TOOLS") == "1" {
			t.Fatalf("GOREPRO_REQUIRE_TOOLS=1 but %s is not installed", name)
		}
		t.Skipf("%s is not installed", name)
	}
}
