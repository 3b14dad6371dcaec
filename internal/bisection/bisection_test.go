package bisection

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/semver"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/record"
)

// fakeVersions lists fixed versions, and counts the listings.
type fakeVersions struct {
	modules map[string][]string
	goVers  []string
	err     error
	calls   []string
}

func (f *fakeVersions) Module(_ context.Context, path string) ([]string, error) {
	f.calls = append(f.calls, "module "+path)
	return append([]string(nil), f.modules[path]...), f.err
}

func (f *fakeVersions) Go(context.Context) ([]string, error) {
	f.calls = append(f.calls, "go")
	return append([]string(nil), f.goVers...), f.err
}

// fakeProber "builds" a cell whose outcome bad decides from the request,
// and lists what it was asked to build, in order.
type fakeProber struct {
	bad    func(Request) bool
	probed []string
}

// probeKey names what a request varies: toolchain, protobuf, target, its
// modules and its directory's base name.
func probeKey(req Request) string {
	cfg := req.Config
	t := cfg.Targets[0]
	key := fmt.Sprintf("%s/%s/%s", cfg.Toolchains[0].Name, cfg.Protobuf[0], t.Name)
	if len(t.Modules) > 0 {
		key += fmt.Sprint(t.Modules)
	}
	if req.Fresh {
		key += " fresh"
	}
	return key
}

func (f *fakeProber) Probe(_ context.Context, req Request) (record.Cell, error) {
	key := probeKey(req)
	f.probed = append(f.probed, key)
	cell := record.Cell{ID: strings.ReplaceAll(key, "/", "_"), Outcome: record.Pass, CacheKey: "k", Source: req.Source}
	cell.Reproduce.Script = "build " + key
	if f.bad(req) {
		cell.Outcome, cell.Signature = record.Crash, "panic: boom in main.main"
	}
	return cell, nil
}

const testConfig = `{
  "toolchains": [
    {"name": "local", "kind": "local"},
    {"name": "go1.27.3", "kind": "gotoolchain", "version": "go1.27.3"},
    {"name": "old", "kind": "gotoolchain", "version": "go1.25.0"}
  ],
  "protobuf": ["v1.36.10", "v1.33.0"],
  "cover": [false, true],
  "targets": [
    {"name": "repro", "kind": "repro"},
    {"name": "app", "kind": "package", "dir": "app", "package": "./cmd/app", "modules": {"golang.org/x/net": "v0.30.0"}}
  ]
}`

// writeConfig writes testConfig (and its app directory) and returns its
// path.
func writeConfig(t *testing.T) string {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "app", "cmd", "app"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app", "go.mod"), []byte("module example.com/app\n\ngo 1.23\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app", "cmd", "app", "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))
	path := filepath.Join(dir, "toolchains.json")
	require.NoError(t, os.WriteFile(path, []byte(testConfig), 0o644))
	return path
}

// assertOptionError asserts that err is an OptionError whose message
// contains want.
func assertOptionError(t *testing.T, err error, want string) {
	t.Helper()
	var option *OptionError
	require.ErrorAs(t, err, &option)
	assert.ErrorContains(t, err, want)
}

func TestParseAxis(t *testing.T) {
	tests := []struct {
		in      string
		want    Axis
		wantErr string
	}{
		{in: "protobuf", want: Axis{Name: "protobuf", Kind: AxisProtobuf, Module: "google.golang.org/protobuf"}},
		{in: "module:google.golang.org/protobuf", want: Axis{Name: "protobuf", Kind: AxisProtobuf, Module: "google.golang.org/protobuf"}},
		{in: "module:golang.org/x/net", want: Axis{Name: "module:golang.org/x/net", Kind: AxisModule, Module: "golang.org/x/net"}},
		{in: "go", want: Axis{Name: "go", Kind: AxisGo}},
		{in: "toolchain", want: Axis{Name: "toolchain", Kind: AxisToolchain}},
		{in: "commit", want: Axis{Name: "commit", Kind: AxisCommit}},
		{in: "image", want: Axis{Name: "image", Kind: AxisImage}},
		{in: "module:", wantErr: `--axis: "module:" is not a module path (write module:golang.org/x/net)`},
		{in: "module:x@v1", wantErr: "is not a module path"},
		{in: "", wantErr: "--axis is required (valid: protobuf, module:PATH, go, toolchain, commit, go-commit, image)"},
		{in: "protobof", wantErr: `--axis: unknown axis "protobof" (valid: protobuf, module:PATH, go, toolchain, commit, go-commit, image)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAxis(tt.in)
			if tt.wantErr != "" {
				assertOptionError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestListCandidates: the candidates of each axis, in order, cut to
// [From, To], from Versions or the lister; what is refused, and when the
// lister is asked.
func TestListCandidates(t *testing.T) {
	protobuf := Axis{Name: "protobuf", Kind: AxisProtobuf, Module: "google.golang.org/protobuf"}
	net := Axis{Name: "module:golang.org/x/net", Kind: AxisModule, Module: "golang.org/x/net"}
	goAxis, tcAxis := Axis{Name: "go", Kind: AxisGo}, Axis{Name: "toolchain", Kind: AxisToolchain}
	toolchains := []config.Toolchain{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	tests := []struct {
		name      string
		ax        Axis
		opts      Options
		want      []string
		wantErr   string
		wantCalls []string
	}{
		{name: "protobuf from the proxy, semver order, pre-releases out", ax: protobuf, opts: Options{From: "v1.34.0", To: "v1.36.0"},
			want: []string{"v1.34.0", "v1.34.1", "v1.35.0", "v1.35.1", "v1.36.0"}, wantCalls: []string{"module google.golang.org/protobuf"}},
		{name: "pre-releases kept when asked", ax: protobuf, opts: Options{From: "v1.35.1", Prerelease: true},
			want: []string{"v1.35.1", "v1.36.0-rc.1", "v1.36.0"}, wantCalls: []string{"module google.golang.org/protobuf"}},
		{name: "a pre-release end stays", ax: protobuf, opts: Options{From: "v1.35.1", To: "v1.36.0-rc.1"},
			want: []string{"v1.35.1", "v1.36.0-rc.1"}, wantCalls: []string{"module google.golang.org/protobuf"}},
		{name: "--versions: not listed, sorted and deduplicated", ax: net, opts: Options{Versions: []string{"v0.31.0", "v0.30.0", "v0.31.0"}},
			want: []string{"v0.30.0", "v0.31.0"}},
		{name: "a module's own versions", ax: net, want: []string{"v0.30.0", "v0.31.0", "v0.32.0"}, wantCalls: []string{"module golang.org/x/net"}},
		{name: "--versions not canonical", ax: protobuf, opts: Options{Versions: []string{"v1.2"}},
			wantErr: `--versions: "v1.2" is not a canonical module version such as v1.36.10`},
		{name: "go releases, version order", ax: goAxis, opts: Options{To: "go1.25.10"},
			want: []string{"go1.25.0", "go1.25.2", "go1.25.10"}, wantCalls: []string{"go"}},
		{name: "go --versions not a Go version", ax: goAxis, opts: Options{Versions: []string{"1.25.0"}},
			wantErr: `--versions: "1.25.0" is not a Go version such as go1.25.5`},
		{name: "toolchains in config order", ax: tcAxis, opts: Options{From: "b"}, want: []string{"b", "c"}},
		{name: "toolchain --versions keep their order", ax: tcAxis, opts: Options{Versions: []string{"c", "a"}}, want: []string{"c", "a"}},
		{name: "toolchain --versions unknown", ax: tcAxis, opts: Options{Versions: []string{"a", "z"}},
			wantErr: `--versions: no toolchain "z" in the config (configured: a, b, c)`},
		{name: "toolchain --to unknown", ax: tcAxis, opts: Options{To: "v1.0.0"},
			wantErr: `--to: no toolchain "v1.0.0" among the candidates (a, b, c); on --axis toolchain it takes a toolchain name`},
		{name: "--from not a candidate", ax: protobuf, opts: Options{From: "v1.34.9"}, wantCalls: []string{"module google.golang.org/protobuf"},
			wantErr: "--from: v1.34.9 is not among the 5 candidates of protobuf (v1.34.0 … v1.36.0)"},
		{name: "one candidate", ax: protobuf, opts: Options{From: "v1.36.0"}, wantCalls: []string{"module google.golang.org/protobuf"},
			wantErr: "bisect needs at least two candidates in order; protobuf has 1 between --from and --to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			versions := &fakeVersions{
				modules: map[string][]string{
					"google.golang.org/protobuf": {"v1.36.0", "v1.34.0", "v1.35.1", "v1.36.0-rc.1", "v1.34.1", "v1.35.0"},
					"golang.org/x/net":           {"v0.32.0", "v0.30.0", "v0.31.0"},
				},
				goVers: []string{"go1.25.10", "go1.25.0", "go1.25.2", "go1.26rc1", "go1.26.0"},
			}
			got, err := ListCandidates(context.Background(), tt.ax, toolchains, tt.opts, versions)
			assert.Equal(t, tt.wantCalls, versions.calls, "lister calls")
			if tt.wantErr != "" {
				assertOptionError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	t.Run("a lister's error is returned as it is", func(t *testing.T) {
		infra := &InfraError{Err: errors.New("proxy down")}
		_, err := ListCandidates(context.Background(), protobuf, nil, Options{}, &fakeVersions{err: infra})
		assert.Same(t, infra, err)
	})
}

// TestNewPlan: the checked plan of options and a config: every axis held
// at one value, the candidates listed, and what is refused.
func TestNewPlan(t *testing.T) {
	path := writeConfig(t)
	versions := &fakeVersions{modules: map[string][]string{"google.golang.org/protobuf": {"v1.33.0", "v1.34.0", "v1.35.0"}, "golang.org/x/net": {"v0.30.0", "v0.31.0"}}}
	tests := []struct {
		name    string
		opts    Options
		check   func(t *testing.T, p *Plan)
		wantErr string
	}{
		{name: "protobuf: the first of every other axis", opts: Options{Axis: "protobuf"}, check: func(t *testing.T, p *Plan) {
			assert.Equal(t, []string{"v1.33.0", "v1.34.0", "v1.35.0"}, p.Candidates)
			assert.Equal(t, "local", p.Config.Toolchains[0].Name)
			assert.Len(t, p.Config.Toolchains, 1)
			assert.Equal(t, []bool{false}, p.Config.Cover)
			assert.Equal(t, "repro", p.Config.Targets[0].Name)
			assert.Len(t, p.Toolchains, 3, "every configured toolchain stays to pick from")
			assert.Equal(t, "crash", p.Pred.String())
			assert.Equal(t, bisect.Threshold{K: 1, N: 1}, p.Threshold)
		}},
		{name: "held values, runs and threshold", opts: Options{Axis: "module:golang.org/x/net", Held: Held{Toolchain: "go1.27.3", Target: "app", Cover: "on"}, Runs: 3, BadIf: "timeout", BadThreshold: "2/3"},
			check: func(t *testing.T, p *Plan) {
				assert.Equal(t, []string{"v0.30.0", "v0.31.0"}, p.Candidates)
				assert.Equal(t, "go1.27.3", p.Config.Toolchains[0].Name)
				assert.Equal(t, "app", p.Config.Targets[0].Name)
				assert.Equal(t, []bool{true}, p.Config.Cover)
				assert.Equal(t, bisect.Threshold{K: 2, N: 3}, p.Threshold)
			}},
		{name: "toolchain axis: names", opts: Options{Axis: "toolchain", From: "go1.27.3"}, check: func(t *testing.T, p *Plan) {
			assert.Equal(t, []string{"go1.27.3", "old"}, p.Candidates)
		}},
		{name: "a held axis holds one value", opts: Options{Axis: "protobuf", Held: Held{Cover: "off,on"}}, wantErr: `--cover: bisect holds one value, got "off,on"`},
		{name: "the bisected axis cannot be held", opts: Options{Axis: "go", Held: Held{Toolchain: "local"}},
			wantErr: "--toolchain: --axis go bisects that axis, so it cannot also be held; choose its candidates with --from, --to or --versions"},
		{name: "go-commit: --toolchain names where probes run, not a held toolchain", opts: Options{Axis: "go-commit", GoRepo: "/nonexistent/go", From: "go1.25.3", Held: Held{Toolchain: "nope"}},
			wantErr: `--toolchain: no toolchain "nope" in the config; on --axis go-commit it names the host toolchain whose runtimeImage, platform and engine the probes use (valid: local, go1.27.3, old)`},
		{name: "go-commit: --toolchain of a host toolchain is accepted", opts: Options{Axis: "go-commit", GoRepo: "/nonexistent/go", From: "go1.25.3", Held: Held{Toolchain: "old"}},
			wantErr: "--go-repo: "},
		{name: "module axis on a repro target", opts: Options{Axis: "module:golang.org/x/net"},
			wantErr: `--axis module:golang.org/x/net: target "repro" is kind repro; module versions can only be changed in a package target`},
		{name: "commit axis on a repro target", opts: Options{Axis: "commit", From: "HEAD~1"},
			wantErr: `--axis commit: target "repro" is kind repro; only a package target has a history to bisect`},
		{name: "commit axis without --from", opts: Options{Axis: "commit", Held: Held{Target: "app"}},
			wantErr: "--axis commit needs --from: the good (or bad) commit to start from, any commit-ish"},
		{name: "bad --bad-if", opts: Options{Axis: "protobuf", BadIf: "crashes"}, wantErr: `--bad-if: unknown condition "crashes"`},
		{name: "bad --bad-threshold", opts: Options{Axis: "protobuf", BadThreshold: "3/2"}, wantErr: "--bad-threshold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Config = path
			p, err := NewPlan(context.Background(), tt.opts, versions)
			if tt.wantErr != "" {
				assertOptionError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			tt.check(t, p)
		})
	}
	t.Run("config errors are the config's", func(t *testing.T) {
		_, err := NewPlan(context.Background(), Options{Axis: "protobuf", Config: filepath.Join(t.TempDir(), "none.json")}, versions)
		var cfgErrs config.Errors
		assert.ErrorAs(t, err, &cfgErrs)
	})
}

// TestProbeConfig: the one-cell config of a candidate on each axis; the
// held config is never changed.
func TestProbeConfig(t *testing.T) {
	held := &config.Config{
		Path:       "toolchains.json",
		Toolchains: []config.Toolchain{{Name: "local", Kind: config.KindLocal}},
		Protobuf:   []string{"v1.36.10"},
		Targets:    []config.Target{{Name: "app", Kind: config.TargetPackage, Modules: map[string]string{"golang.org/x/net": "v0.30.0"}}},
	}
	configured := []config.Toolchain{held.Toolchains[0], {Name: "ubi9", Kind: config.KindImage, Image: "ubi9/go-toolset"}, {Name: "go1.27.3", Kind: config.KindGotoolchain, Version: "go1.27.3"}}
	tests := []struct {
		ax                       Axis
		v, local                 string
		wantToolchain            config.Toolchain
		wantProtobuf, wantTarget string
		wantModules              map[string]string
		wantErr                  string
	}{
		{ax: Axis{Kind: AxisProtobuf}, v: "v1.35.0", wantToolchain: held.Toolchains[0], wantProtobuf: "v1.35.0", wantTarget: "app"},
		{ax: Axis{Kind: AxisModule, Module: "golang.org/x/text"}, v: "v0.20.0", wantToolchain: held.Toolchains[0], wantProtobuf: "v1.36.10", wantTarget: "app+v0.20.0",
			wantModules: map[string]string{"golang.org/x/net": "v0.30.0", "golang.org/x/text": "v0.20.0"}},
		{ax: Axis{Kind: AxisModule, Module: "golang.org/x/net"}, v: "v0.31.0", wantToolchain: held.Toolchains[0], wantProtobuf: "v1.36.10", wantTarget: "app+v0.31.0",
			wantModules: map[string]string{"golang.org/x/net": "v0.31.0"}},
		{ax: Axis{Kind: AxisToolchain}, v: "ubi9", wantToolchain: configured[1], wantProtobuf: "v1.36.10", wantTarget: "app"},
		{ax: Axis{Kind: AxisToolchain}, v: "nope", wantErr: `no toolchain "nope" in toolchains.json`},
		{ax: Axis{Kind: AxisGo}, v: "go1.26.8", local: "go1.26.8", wantToolchain: config.Toolchain{Name: "local", Kind: config.KindLocal}, wantProtobuf: "v1.36.10", wantTarget: "app"},
		{ax: Axis{Kind: AxisGo}, v: "go1.25.0", local: "go1.26.8", wantToolchain: config.Toolchain{Name: "go1.25.0", Kind: config.KindGotoolchain, Version: "go1.25.0"}, wantProtobuf: "v1.36.10", wantTarget: "app"},
		{ax: Axis{Kind: AxisCommit}, v: "abc123", wantToolchain: held.Toolchains[0], wantProtobuf: "v1.36.10", wantTarget: "app@abc123"},
	}
	for _, tt := range tests {
		t.Run(tt.ax.Kind+" "+tt.v, func(t *testing.T) {
			p := &Plan{Axis: tt.ax, Config: held, Toolchains: configured}
			pc, err := p.ProbeConfig(tt.v, tt.local)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, []config.Toolchain{tt.wantToolchain}, pc.Toolchains)
			assert.Equal(t, []string{tt.wantProtobuf}, pc.Protobuf)
			assert.Equal(t, tt.wantTarget, pc.Targets[0].Name)
			if tt.wantModules != nil {
				assert.Equal(t, tt.wantModules, pc.Targets[0].Modules)
			}
			assert.Equal(t, map[string]string{"golang.org/x/net": "v0.30.0"}, held.Targets[0].Modules, "the held config is left alone")
			assert.Equal(t, "app", held.Targets[0].Name)
		})
	}
	t.Run("a configured gotoolchain of the version is used", func(t *testing.T) {
		cfg := &config.Config{Toolchains: configured}
		assert.Equal(t, configured[2], GoToolchain(cfg, "go1.27.3", "go1.27.3"))
	})
}

// TestBisectionProbes: which cells a bisection builds, in what order, on
// each axis, and what it records.
func TestBisectionProbes(t *testing.T) {
	held := &config.Config{
		Path:       "toolchains.json",
		Toolchains: []config.Toolchain{{Name: "local", Kind: config.KindLocal}},
		Protobuf:   []string{"v1.36.10"}, Cover: []bool{false}, Arch: []string{"native"}, Runs: 1,
		Targets: []config.Target{{Name: "app", Kind: config.TargetPackage}},
	}
	configured := []config.Toolchain{held.Toolchains[0], {Name: "old", Kind: config.KindGoroot}, {Name: "new", Kind: config.KindGoroot}}
	tests := []struct {
		name         string
		ax           Axis
		candidates   []string
		noCache      bool
		bad          func(Request) bool
		wantProbed   []string
		wantBoundary bisect.Boundary
		wantFixed    map[string]string
	}{
		{
			name: "protobuf regression", ax: Axis{Name: "protobuf", Kind: AxisProtobuf}, candidates: []string{"v1.33.0", "v1.34.0", "v1.35.0", "v1.36.0", "v1.36.1"},
			bad: func(r Request) bool { return semver.Compare(r.Config.Protobuf[0], "v1.35.0") >= 0 },
			wantProbed: []string{"local/v1.33.0/app", "local/v1.36.1/app", "local/v1.35.0/app", "local/v1.34.0/app",
				"local/v1.34.0/app fresh", "local/v1.35.0/app fresh"},
			wantBoundary: bisect.Boundary{Before: "v1.34.0", After: "v1.35.0"},
			wantFixed:    map[string]string{"target": "app", "cover": "off", "arch": "native", "runs": "1", "toolchain": "local"},
		},
		{
			name: "module fix, --no-cache", ax: Axis{Name: "module:golang.org/x/net", Kind: AxisModule, Module: "golang.org/x/net"}, candidates: []string{"v0.30.0", "v0.31.0", "v0.32.0"},
			noCache: true, bad: func(r Request) bool { return r.Config.Targets[0].Modules["golang.org/x/net"] == "v0.30.0" },
			wantProbed: []string{"local/v1.36.10/app+v0.30.0map[golang.org/x/net:v0.30.0] fresh", "local/v1.36.10/app+v0.32.0map[golang.org/x/net:v0.32.0] fresh",
				"local/v1.36.10/app+v0.31.0map[golang.org/x/net:v0.31.0] fresh", "local/v1.36.10/app+v0.30.0map[golang.org/x/net:v0.30.0] fresh",
				"local/v1.36.10/app+v0.31.0map[golang.org/x/net:v0.31.0] fresh"},
			wantBoundary: bisect.Boundary{Before: "v0.30.0", After: "v0.31.0"},
			wantFixed:    map[string]string{"target": "app", "cover": "off", "arch": "native", "runs": "1", "toolchain": "local", "protobuf": "v1.36.10"},
		},
		{
			name: "toolchain: an unknown one is skipped without a build", ax: Axis{Name: "toolchain", Kind: AxisToolchain}, candidates: []string{"old", "gone", "new"},
			bad:          func(r Request) bool { return r.Config.Toolchains[0].Name == "new" },
			wantProbed:   []string{"old/v1.36.10/app", "new/v1.36.10/app", "old/v1.36.10/app fresh", "new/v1.36.10/app fresh"},
			wantBoundary: bisect.Boundary{Before: "old", After: "new"},
			wantFixed:    map[string]string{"target": "app", "cover": "off", "arch": "native", "runs": "1", "protobuf": "v1.36.10"},
		},
		{
			name: "go releases", ax: Axis{Name: "go", Kind: AxisGo}, candidates: []string{"go1.25.0", "go1.25.3", "go1.26.8"},
			bad:          func(r Request) bool { return r.Config.Toolchains[0].Name != "go1.25.0" },
			wantProbed:   []string{"go1.25.0/v1.36.10/app", "local/v1.36.10/app", "go1.25.3/v1.36.10/app", "go1.25.0/v1.36.10/app fresh", "go1.25.3/v1.36.10/app fresh"},
			wantBoundary: bisect.Boundary{Before: "go1.25.0", After: "go1.25.3"},
			wantFixed:    map[string]string{"target": "app", "cover": "off", "arch": "native", "runs": "1", "protobuf": "v1.36.10"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pred, err := ParseBadIf("crash")
			require.NoError(t, err)
			prober := &fakeProber{bad: tt.bad}
			b := &Bisection{Plan: &Plan{Axis: tt.ax, Pred: pred, Threshold: bisect.Threshold{K: 1, N: 1}, Config: held, Toolchains: configured, Candidates: tt.candidates},
				Prober: prober, NoCache: tt.noCache, LocalVersion: "go1.26.8"}
			res, err := b.Search(context.Background(), bisect.Options{})
			require.NoError(t, err)
			assert.Equal(t, tt.wantProbed, prober.probed)
			require.NotNil(t, res.Boundary)
			assert.Equal(t, tt.wantBoundary, *res.Boundary)
			rec := b.Record(res)
			assert.Equal(t, tt.ax.Name, rec.Axis)
			assert.Equal(t, "crash", rec.BadIf)
			assert.Equal(t, tt.wantFixed, rec.Fixed)
			require.Len(t, rec.Probes, len(res.Probes))
			builds := 0
			for i, p := range rec.Probes {
				assert.Equal(t, res.Probes[i].Version, p.Version)
				assert.Equal(t, b.Probes()[i].Record(), p, "the stored probe is the bisection's, with its cell")
				assert.Equal(t, p.NotRun, p.CellID == "", "every probe that ran names its cell")
				builds += boolInt(p.Built)
			}
			assert.Equal(t, builds, rec.Builds)
			assert.Equal(t, "build "+probeKey(Request{Config: mustProbeConfig(t, b.Plan, tt.wantBoundary.After, b.LocalVersion), Fresh: true}), rec.Reproduce["after"],
				"the reproduce commands are the latest probe's")
		})
	}
	assert.Nil(t, (&Bisection{}).Record(nil))
}

func mustProbeConfig(t *testing.T, p *Plan, v, local string) *config.Config {
	pc, err := p.ProbeConfig(v, local)
	require.NoError(t, err)
	return pc
}

// TestBisectionCommits: on the commit axis each probe's target is the
// commit's checkout, its cell records the commit, and the record names the
// commits and how to check them out.
func TestBisectionCommits(t *testing.T) {
	ctx := context.Background()
	repoDir := filepath.Join(t.TempDir(), "repo")
	require.NoError(t, os.MkdirAll(repoDir, 0o755))
	git := func(args ...string) string {
		out, err := gitrepo.Git(ctx, repoDir, args...)
		require.NoError(t, err, "git %v", args)
		return strings.TrimSpace(out)
	}
	git("init", "-q")
	for i, state := range []string{"good", "good", "bad", "bad"} {
		require.NoError(t, os.WriteFile(filepath.Join(repoDir, "state"), []byte(fmt.Sprintf("%s %d\n", state, i)), 0o644))
		git("add", "state")
		git("-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", fmt.Sprintf("commit %d: %s", i, state))
	}
	first := git("rev-list", "--max-parents=0", "HEAD")
	p := &Plan{Axis: Axis{Name: "commit", Kind: AxisCommit}, Pred: bisect.Predicate{}, Threshold: bisect.Threshold{K: 1, N: 1},
		Config: &config.Config{
			Toolchains: []config.Toolchain{{Name: "local", Kind: config.KindLocal}}, Protobuf: []string{""}, Cover: []bool{false}, Arch: []string{"native"}, Runs: 1,
			Targets: []config.Target{{Name: "app", Kind: config.TargetPackage, Dir: repoDir}},
		}}
	require.NoError(t, p.ListCommits(ctx, first, ""))
	require.Len(t, p.Candidates, 4)
	var dirs []string
	prober := &fakeProber{bad: func(r Request) bool {
		dirs = append(dirs, r.Config.Targets[0].Dir)
		data, err := os.ReadFile(filepath.Join(r.Config.Targets[0].Dir, "state"))
		require.NoError(t, err)
		require.NotNil(t, r.Source)
		assert.Contains(t, string(data), strings.TrimPrefix(r.Source.Subject, "commit "+string(data[len(data)-2])+": "), "the cell records the probed commit")
		return strings.HasPrefix(string(data), "bad")
	}}
	checkouts := &Checkouts{WorkDir: t.TempDir()}
	defer func() { assert.Empty(t, checkouts.Close(ctx)) }()
	b := &Bisection{Plan: p, Prober: prober, Worktrees: checkouts.Of(p.Repo)}
	res, err := b.Search(ctx, bisect.Options{Confirm: -1})
	require.NoError(t, err)
	assert.Equal(t, []string{"local//app@" + p.Candidates[0], "local//app@" + p.Candidates[3], "local//app@" + p.Candidates[1], "local//app@" + p.Candidates[2]}, prober.probed)
	for _, d := range dirs {
		assert.NotEqual(t, repoDir, d, "probes build in worktrees, never in the user's tree")
	}
	rec := b.Record(res)
	assert.Equal(t, record.BisectBoundary{Before: p.Candidates[1], After: p.Candidates[2]}, *rec.Boundary)
	assert.Contains(t, rec.Conclusion, `; first bad commit: `+p.Candidates[2]+` "commit 2: bad" by T <t@example.com>, `)
	assert.Equal(t, "commit 2: bad", rec.Commits["after"].Subject)
	assert.True(t, strings.HasPrefix(rec.Reproduce["after"], "# At commit "+p.Candidates[2]+" of your repository:\ngit checkout -q "+p.Candidates[2]+"\nbuild "), rec.Reproduce["after"])
}

func TestLatestCells(t *testing.T) {
	cells := []record.Cell{{ID: "a", Outcome: record.Pass}, {ID: "b"}, {ID: "a", Outcome: record.Crash}}
	assert.Equal(t, []record.Cell{{ID: "a", Outcome: record.Crash}, {ID: "b"}}, LatestCells(cells))
}

// TestDescribeCommit: the author's date goes with the author; a later
// committer date (a rebase, a cherry-pick) is labelled as such.
func TestDescribeCommit(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	p := &Plan{Commits: map[string]gitrepo.Commit{
		"aaa": {Subject: "fix", Author: "Dev <dev@example.com>", Time: day("2024-03-01"), CommitTime: day("2024-03-01")},
		"bbb": {Subject: "port", Author: "Dev <dev@example.com>", Time: day("2024-03-01"), CommitTime: day("2026-12-01")},
	}}
	assert.Equal(t, `aaa "fix" by Dev <dev@example.com>, 2024-03-01`, p.DescribeCommit("aaa"))
	assert.Equal(t, `bbb "port" by Dev <dev@example.com>, 2024-03-01, committed 2026-12-01`, p.DescribeCommit("bbb"))
	assert.Equal(t, "ccc", p.DescribeCommit("ccc"))
}

// TestParseFlagsErrors: the errors of --bad-if and --bad-threshold name
// the flags, as they always have (bisect's own errors do not).
func TestParseFlagsErrors(t *testing.T) {
	_, err := ParseBadIf("crash,foo")
	require.EqualError(t, err, `--bad-if: unknown condition "foo" (valid: crash, timeout, fail, nonpass, signature~REGEX)`)
	_, err = ParseBadIf("signature~(")
	require.EqualError(t, err, "--bad-if: signature~(: error parsing regexp: missing closing ): `(`")
	for in, want := range map[string]string{
		"a/3": `--bad-threshold: want k/N such as 2/3 (bad when at least k of N runs are bad), got "a/3"`,
		"2/5": `--bad-threshold: "2/5" is for 5 runs per probe but --runs is 3`,
		"4/3": `--bad-threshold: k must be between 1 and 3, got "4/3"`,
	} {
		_, err := ParseBadThreshold(in, 3)
		require.EqualError(t, err, want, in)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestBisectionFlakyAdvice: a search that ends flaky says which flags may
// decide it, in the words results.json has always stored.
func TestBisectionFlakyAdvice(t *testing.T) {
	held := &config.Config{
		Toolchains: []config.Toolchain{{Name: "local", Kind: config.KindLocal}},
		Protobuf:   []string{"v1.36.10"}, Cover: []bool{false}, Arch: []string{"native"}, Runs: 1,
		Targets: []config.Target{{Name: "app", Kind: config.TargetPackage}},
	}
	// v2 crashes at first, then passes when built again: flaky.
	prober := &fakeProber{bad: func(r Request) bool { return r.Config.Protobuf[0] == "v2" && !r.Fresh }}
	b := &Bisection{Plan: &Plan{Axis: Axis{Name: "protobuf", Kind: AxisProtobuf}, Config: held, Candidates: []string{"v1", "v2"}}, Prober: prober}
	res, err := b.Search(context.Background(), bisect.Options{})
	require.NoError(t, err)
	require.True(t, res.Flaky)
	assert.Equal(t, "flaky: the target does not answer consistently (v2 answered bad, then good); use more runs per probe (--runs N) and/or --bad-threshold k/N", res.Conclusion)
	assert.Equal(t, res.Conclusion, b.Record(res).Conclusion)
}
