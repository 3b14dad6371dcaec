package repro

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// These protobuf versions are in the local module cache of the test machines.
const (
	protobufOld = "v1.33.0"  // go 1.17 in its go.mod
	protobufNew = "v1.36.10" // go 1.23 in its go.mod
)

func TestGenerate(t *testing.T) {
	ctx := context.Background()
	workDir := t.TempDir()
	var log bytes.Buffer
	runner := GoRunner{Log: &log}

	tests := []struct {
		version     string
		goDirective string
	}{
		{protobufOld, "1.17"},
		{protobufNew, "1.23"},
	}
	dirs := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			dir, err := Generate(ctx, workDir, tt.version, runner)
			require.NoError(t, err, log.String())
			dirs[tt.version] = dir
			assert.Equal(t, Dir(workDir, tt.version), dir)
			assert.Equal(t, tt.version+"-"+TemplateHash(), filepath.Base(dir))

			data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
			require.NoError(t, err)
			f, err := modfile.Parse("go.mod", data, nil)
			require.NoError(t, err)
			assert.Equal(t, ModulePath, f.Module.Mod.Path)
			assert.Equal(t, tt.goDirective, f.Go.Version)
			assert.Nil(t, f.Toolchain, "no toolchain line")
			require.Len(t, f.Require, 1)
			assert.Equal(t, ProtobufModule, f.Require[0].Mod.Path)
			assert.Equal(t, tt.version, f.Require[0].Mod.Version)

			main, err := os.ReadFile(filepath.Join(dir, "main.go"))
			require.NoError(t, err)
			assert.Equal(t, mainTemplate, main)

			sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
			require.NoError(t, err)
			assert.Contains(t, string(sum), ProtobufModule+" "+tt.version+" h1:")
			assert.Contains(t, string(sum), ProtobufModule+" "+tt.version+"/go.mod h1:")
		})
	}
	assert.Contains(t, log.String(), "$ cd ")
	assert.Contains(t, log.String(), "mod tidy")

	t.Run("reuse starts no process", func(t *testing.T) {
		broken := GoRunner{GoCmd: filepath.Join(t.TempDir(), "no-such-go")}
		start := time.Now()
		dir, err := Generate(ctx, workDir, protobufNew, broken)
		require.NoError(t, err)
		assert.Equal(t, dirs[protobufNew], dir)
		assert.Less(t, time.Since(start), time.Second)
	})

	t.Run("incomplete directory is regenerated", func(t *testing.T) {
		dir := dirs[protobufOld]
		require.NoError(t, os.Remove(filepath.Join(dir, completeMarker)))
		again, err := Generate(ctx, workDir, protobufOld, runner)
		require.NoError(t, err)
		assert.Equal(t, dir, again)
		assert.FileExists(t, filepath.Join(dir, completeMarker))
	})

	// Every toolchain must build the generated module offline, read-only.
	toolchains := []config.Toolchain{
		{Name: "local", Kind: config.KindLocal},
		{Name: "go1.27.3", Kind: config.KindGotoolchain, Version: "go1.27.3"},
	}
	for _, tc := range toolchains {
		resolved := toolchain.Resolve(ctx, tc, toolchain.Options{})
		require.True(t, resolved.Available, resolved.Reason)
		for _, tt := range tests {
			t.Run("offline build "+tc.Name+" "+tt.version, func(t *testing.T) {
				dir := dirs[tt.version]
				bin := filepath.Join(t.TempDir(), "repro")
				env := proc.Environ(nil, append(resolved.Env, "GOFLAGS=-mod=readonly", "GOPROXY=off", "GOWORK=off", "CGO_ENABLED=0")...)
				res, err := proc.Run(ctx, proc.Cmd{
					Argv:    []string{resolved.GoCmd, "build", "-buildvcs=false", "-o", bin, "."},
					Dir:     dir,
					Env:     env,
					Timeout: 5 * time.Minute,
				})
				require.NoError(t, err)
				require.Equal(t, 0, res.ExitCode, string(res.Output))

				run, err := proc.Run(ctx, proc.Cmd{Argv: []string{bin}, Timeout: time.Minute})
				require.NoError(t, err)
				require.Equal(t, 0, run.ExitCode, string(run.Output))
				facts, ok := ParseFacts(run.Output)
				require.True(t, ok, string(run.Output))
				assert.Equal(t, resolved.GoVersion, facts.GoVersion)
				assert.Equal(t, tt.version, facts.Protobuf())
				assert.False(t, facts.Cover)
				assert.Contains(t, facts.Formatted, "reproducer")
			})
		}
	}
}

func TestGenerateConcurrent(t *testing.T) {
	workDir := t.TempDir()
	const n = 4
	dirs := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dirs[i], errs[i] = Generate(context.Background(), workDir, "v1.34.2", GoRunner{})
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, dirs[0], dirs[i])
	}
	assert.True(t, complete(dirs[0]))
	entries, err := os.ReadDir(filepath.Dir(dirs[0]))
	require.NoError(t, err)
	require.Len(t, entries, 1, "temporary directories are cleaned up")
}

func TestGenerateRejectsBadVersions(t *testing.T) {
	workDir := t.TempDir()
	for _, v := range []string{"", "1.36.10", "v1.36", "v1.36.10/../../x", "latest"} {
		_, err := Generate(context.Background(), workDir, v, GoRunner{GoCmd: "/nonexistent/go"})
		assert.Error(t, err, v)
	}
	entries, err := os.ReadDir(workDir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestGenerateReportsGoFailure(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "go")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\necho 'go: google.golang.org/protobuf@v1.36.10: connection refused' >&2\nexit 1\n"), 0o755))
	workDir := t.TempDir()
	_, err := Generate(context.Background(), workDir, protobufNew, GoRunner{GoCmd: fake})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connection refused")
	assert.Contains(t, err.Error(), "generating reproducer for protobuf v1.36.10")
	entries, err := os.ReadDir(filepath.Join(workDir, "repro"))
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing left behind")
}

func TestTemplateHash(t *testing.T) {
	h := TemplateHash()
	assert.Regexp(t, `^[0-9a-f]{12}$`, h)
	assert.Equal(t, h, TemplateHash())
	assert.True(t, strings.HasSuffix(Dir("/w", "v1.36.10"), "/repro/v1.36.10-"+h))
}

func TestParseFacts(t *testing.T) {
	const line = `{"gorepro":"repro","goVersion":"go1.26.8","goos":"linux","goarch":"amd64","cover":true,"modules":{"google.golang.org/protobuf":"v1.36.10"},"formatted":"fields:{}"}`
	tests := []struct {
		name   string
		output string
		ok     bool
	}{
		{"alone", line + "\n", true},
		{"after noise", "warming up\n" + line + "\ntrailer\n", true},
		{"prefixed by a log writer", "2026/01/02 stdout: " + line, true},
		{"crash before main", "fatal error: taggedPointerPack\n\nruntime.throw(...)\n", false},
		{"broken json", `{"gorepro":"repro","goVersion":` + "\n", false},
		{"other gorepro line", `{"gorepro":"other"}` + "\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := ParseFacts([]byte(tt.output))
			require.Equal(t, tt.ok, ok)
			if !ok {
				assert.Nil(t, f)
				return
			}
			assert.Equal(t, "go1.26.8", f.GoVersion)
			assert.Equal(t, "linux", f.GOOS)
			assert.Equal(t, "amd64", f.GOARCH)
			assert.True(t, f.Cover)
			assert.Equal(t, "v1.36.10", f.Protobuf())
			assert.Equal(t, "fields:{}", f.Formatted)
		})
	}
}

func TestGoMod(t *testing.T) {
	data, err := goMod("1.17", "v1.33.0")
	require.NoError(t, err)
	assert.Equal(t, "module gorepro.local/repro\n\ngo 1.17\n\nrequire google.golang.org/protobuf v1.33.0\n", string(data))
}
