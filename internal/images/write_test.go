package images

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/config"
)

const pinned = "127.0.0.1:5000/gorepro-test/go-toolset:1.26.8-2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// TestAddToConfig adds pinned image toolchains to configs laid out in
// different ways: each new entry is a line after the last one, indented
// like it, the rest of the file byte for byte as it was; an entry whose
// name is there already is kept, not replaced; the result is a valid
// config.
func TestAddToConfig(t *testing.T) {
	newTC := Toolchain{Name: "go-toolset-1.26.8-2", Kind: "image", Image: pinned, ExpectGo: "go1.26.8"}
	line := `{"name":"go-toolset-1.26.8-2","kind":"image","image":"` + pinned + `","expectGo":"go1.26.8"}`
	tests := []struct {
		name, in, want string
		tcs            []Toolchain
		added, kept    []string
	}{
		{
			name: "the shipped layout",
			in:   "{\n  \"toolchains\": [\n    {\"name\": \"local\", \"kind\": \"local\"}\n  ],\n  \"protobuf\": [\"v1.36.10\"], \"targets\": [{\"name\": \"repro\", \"kind\": \"repro\"}]\n}\n",
			want: "{\n  \"toolchains\": [\n    {\"name\": \"local\", \"kind\": \"local\"},\n    " + line + "\n  ],\n  \"protobuf\": [\"v1.36.10\"], \"targets\": [{\"name\": \"repro\", \"kind\": \"repro\"}]\n}\n",
			tcs:  []Toolchain{newTC}, added: []string{"go-toolset-1.26.8-2"},
		},
		{
			name: "an empty array, tabs",
			in:   "{\n\t\"protobuf\": [\"v1.36.10\"], \"targets\": [{\"name\": \"repro\", \"kind\": \"repro\"}],\n\t\"toolchains\": []\n}\n",
			want: "{\n\t\"protobuf\": [\"v1.36.10\"], \"targets\": [{\"name\": \"repro\", \"kind\": \"repro\"}],\n\t\"toolchains\": [\n\t  " + line + "\n\t]\n}\n",
			tcs:  []Toolchain{newTC}, added: []string{"go-toolset-1.26.8-2"},
		},
		{
			name: "a name already there is kept",
			in:   "{\"toolchains\": [{\"name\": \"go-toolset-1.26.8-2\", \"kind\": \"local\"}], \"protobuf\": [\"v1.36.10\"], \"targets\": [{\"name\": \"repro\", \"kind\": \"repro\"}]}\n",
			want: "{\"toolchains\": [{\"name\": \"go-toolset-1.26.8-2\", \"kind\": \"local\"}], \"protobuf\": [\"v1.36.10\"], \"targets\": [{\"name\": \"repro\", \"kind\": \"repro\"}]}\n",
			tcs:  []Toolchain{newTC}, kept: []string{"go-toolset-1.26.8-2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "toolchains.json")
			require.NoError(t, os.WriteFile(path, []byte(tt.in), 0o640))
			got, err := AddToConfig(path, tt.tcs)
			require.NoError(t, err)
			assert.Equal(t, tt.added, got.Added)
			assert.Equal(t, tt.kept, got.Kept)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(data))
			_, err = config.Parse(path, data)
			assert.NoError(t, err)
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o640), fi.Mode().Perm())
		})
	}
}

// TestAddToConfigRefuses leaves the file as it was, naming it, when the
// config is invalid before, does not exist, or has no toolchains array.
func TestAddToConfigRefuses(t *testing.T) {
	tc := Toolchain{Name: "x", Kind: "image", Image: pinned}
	dir := t.TempDir()
	for name, in := range map[string]string{
		"invalid.json":       "{\"toolchains\": [{\"name\": \"a\", \"kind\": \"nope\"}]}\n",
		"notoolchains.json":  "{\"protobuf\": [\"v1.36.10\"], \"targets\": [{\"name\": \"repro\", \"kind\": \"repro\"}]}\n",
		"trailingcomma.json": "{\"toolchains\": [],}\n",
	} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(in), 0o644))
		_, err := AddToConfig(path, []Toolchain{tc})
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), path)
		data, rerr := os.ReadFile(path)
		require.NoError(t, rerr)
		assert.Equal(t, in, string(data), name)
	}
	_, err := AddToConfig(filepath.Join(dir, "missing.json"), []Toolchain{tc})
	assert.ErrorContains(t, err, "does not exist")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "no temporary file is left behind")
}

// TestProbeUnknown asks the probe only for images whose config names no
// Go version, records where the version came from, and keeps an image
// that cannot be probed unknown, with why.
func TestProbeUnknown(t *testing.T) {
	imgs := []Image{
		{Repository: "r", Digest: "sha256:a", GoVersion: "go1.26.8", GoVersionFrom: "env GOLANG_VERSION"},
		{Repository: "r", Digest: "sha256:b"},
		{Repository: "r", Digest: "sha256:c"},
	}
	var asked []string
	probeUnknown(t.Context(), imgs, func(_ context.Context, im Image) (string, error) {
		asked = append(asked, im.Digest)
		if im.Digest == "sha256:c" {
			return "", errors.New("no go command")
		}
		return "go1.25.3", nil
	})
	assert.Equal(t, []string{"sha256:b", "sha256:c"}, asked)
	assert.Equal(t, "env GOLANG_VERSION", imgs[0].GoVersionFrom)
	assert.Equal(t, "go1.25.3", imgs[1].GoVersion)
	assert.Equal(t, "go env GOVERSION (pulled)", imgs[1].GoVersionFrom)
	assert.Empty(t, imgs[2].GoVersion)
	assert.Equal(t, "no go command", imgs[2].ProbeError)
}
