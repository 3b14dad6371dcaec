package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseToolchainSpec(t *testing.T) {
	cwd, err := os.Getwd()
	require.NoError(t, err)
	configured := &Config{Path: "toolchains.json", Toolchains: []Toolchain{
		{Name: "ubi9", Kind: KindImage, Image: "ubi9/go-toolset:1.25"},
		{Name: "local", Kind: KindGoroot, GOROOT: "/sdk/go"}, // a configured name wins
	}}
	tests := []struct {
		spec       string
		configured *Config
		want       Toolchain
		wantErr    string
	}{
		{spec: "local", want: Toolchain{Name: "local", Kind: KindLocal}},
		{spec: " local ", want: Toolchain{Name: "local", Kind: KindLocal}},
		{spec: "goroot:/usr/local/go", want: Toolchain{Name: "goroot", Kind: KindGoroot, GOROOT: "/usr/local/go"}},
		{spec: "goroot:go", want: Toolchain{Name: "goroot", Kind: KindGoroot, GOROOT: filepath.Join(cwd, "go")}},
		{spec: "gotoolchain:go1.27.3", want: Toolchain{Name: "go1.27.3", Kind: KindGotoolchain, Version: "go1.27.3"}},
		{spec: "go1.27.3", want: Toolchain{Name: "go1.27.3", Kind: KindGotoolchain, Version: "go1.27.3"}},
		{spec: "go1.27rc1", want: Toolchain{Name: "go1.27rc1", Kind: KindGotoolchain, Version: "go1.27rc1"}},
		{spec: "go1.20", want: Toolchain{Name: "go1.20", Kind: KindGotoolchain, Version: "go1.20"}},
		{spec: "ubi9", configured: configured, want: configured.Toolchains[0]},
		{spec: "local", configured: configured, want: configured.Toolchains[1]},
		{spec: "go1.27", wantErr: "--toolchain go1.27: go1.27 is a language version; name a release such as go1.27.0"},
		{spec: "gotoolchain:1.27.3", wantErr: `--toolchain gotoolchain:1.27.3: "1.27.3" is not a Go release such as go1.27.3`},
		{spec: "go1.27.3-custom", wantErr: `--toolchain go1.27.3-custom: "go1.27.3-custom" is not a Go release such as go1.27.3`},
		{spec: "goroot:", wantErr: "--toolchain goroot:PATH needs the path of a Go tree"},
		{spec: "ubi9", wantErr: `--toolchain: unknown toolchain "ubi9" (valid: local, goroot:PATH, gotoolchain:VERSION or a Go release such as go1.27.3 (or a toolchain name, with --config))`},
		{spec: "nope", configured: configured, wantErr: `--toolchain: unknown toolchain "nope" (valid: local, goroot:PATH, gotoolchain:VERSION or a Go release such as go1.27.3, or a toolchain of toolchains.json: ubi9, local)`},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := ParseToolchainSpec(tt.spec, tt.configured)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
