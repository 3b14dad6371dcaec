package bisection

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/gosource"
	"github.com/gorepro/gorepro/internal/record"
)

// goCommitPlan is a go-commit plan over a five-commit repository (only
// git: the fake prober below builds nothing).
func goCommitPlan(t *testing.T) *Plan {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "go")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "src"), 0o755))
	_, err := gitrepo.Git(ctx, dir, "init", "-q")
	require.NoError(t, err)
	for i := range 5 {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "src", "f.go"), fmt.Appendf(nil, "package f // %d\n", i), 0o644))
		_, err := gitrepo.Git(ctx, dir, "add", "-A")
		require.NoError(t, err)
		_, err = gitrepo.Git(ctx, dir, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m",
			fmt.Sprintf("runtime: change %d\n\nReviewed-on: https://go-review.googlesource.com/c/go/+/%d", i, i))
		require.NoError(t, err)
	}
	p := &Plan{Axis: Axis{Name: AxisGoCommit, Kind: AxisGoCommit}, Threshold: bisect.Threshold{K: 1, N: 1},
		Config: &config.Config{
			Toolchains: []config.Toolchain{{Name: "local", Kind: config.KindLocal}}, Protobuf: []string{"v1.36.10"}, Cover: []bool{false},
			Arch: []string{"native"}, Runs: 1, Targets: []config.Target{{Name: "repro", Kind: config.TargetRepro}},
		}}
	require.NoError(t, p.listGoCommits(ctx, Options{GoRepo: dir, From: "HEAD~4", To: "HEAD", CacheDir: t.TempDir()}))
	return p
}

// goCommitProber fakes gosource cells: commit i crashes from firstBad on
// with a full build, and from fastFirstBad on with a fast one.
type goCommitProber struct {
	p                      *Plan
	firstBad, fastFirstBad int
	asked                  []string
}

func (f *goCommitProber) Probe(_ context.Context, req Request) (record.Cell, error) {
	tc := req.Config.Toolchains[0]
	require.Equal(nil, config.KindGosource, tc.Kind)
	i := slices.Index(f.p.Candidates, gitrepo.Short(tc.Rev))
	mode, bad := gosource.ModeFull, i >= f.firstBad
	if tc.Fast {
		mode, bad = gosource.ModeFast, i >= f.fastFirstBad
	}
	f.asked = append(f.asked, fmt.Sprintf("%d %s", i, mode))
	cell := record.Cell{ID: tc.Name, Outcome: record.Pass, CacheKey: "k", GoSource: &record.GoSource{Commit: tc.Rev, Mode: mode, Built: true}}
	if bad {
		cell.Outcome, cell.Signature = record.Crash, "fatal error: taggedPointerPack in runtime.netpollopen"
	}
	return cell, nil
}

func TestBisectionGoCommits(t *testing.T) {
	p := goCommitPlan(t)
	require.Len(t, p.Candidates, 5)
	prober := &goCommitProber{p: p, firstBad: 2, fastFirstBad: 2}
	b := &Bisection{Plan: p, Prober: prober}
	res, err := b.Search(context.Background(), bisect.Options{Confirm: -1})
	require.NoError(t, err)
	rec := b.Record(res)
	assert.Equal(t, record.BisectBoundary{Before: p.Candidates[1], After: p.Candidates[2]}, *rec.Boundary)
	// The boundary is confirmed with full builds, even with --confirm 0.
	assert.Equal(t, []string{"0 fast", "4 fast", "2 fast", "1 fast", "1 full", "2 full"}, prober.asked)
	assert.Contains(t, rec.Conclusion, `first bad commit: `+p.Candidates[2]+` "runtime: change 2" by T <t@example.com>, `)
	assert.Contains(t, rec.Conclusion, "Reviewed-on: https://go-review.googlesource.com/c/go/+/2")
	assert.Contains(t, rec.Conclusion, "Go toolchains built: 2 full, 4 fast")
	assert.Equal(t, &record.GoBuilds{Full: 2, Fast: 4}, rec.GoBuilds)
	assert.NotContains(t, rec.Fixed, "toolchain")
	assert.Equal(t, "fast on the tools of , built in 0s", rec.Probes[0].Toolchain)
}

func TestBisectionGoCommitsRedone(t *testing.T) {
	p := goCommitPlan(t)
	// The fast path is wrong at commit 1: a full build of it passes.
	prober := &goCommitProber{p: p, firstBad: 2, fastFirstBad: 1}
	b := &Bisection{Plan: p, Prober: prober}
	res, err := b.Search(context.Background(), bisect.Options{})
	require.NoError(t, err)
	rec := b.Record(res)
	require.NotNil(t, rec.Boundary, rec.Conclusion)
	assert.Equal(t, p.Candidates[2], rec.Boundary.After, rec.Conclusion)
	assert.Contains(t, rec.Conclusion, "the full builds of the boundary disagreed with the fast builds, so the search was redone with full builds only")
	assert.True(t, rec.GoBuilds.Redone)
	for _, probe := range rec.Probes {
		assert.Contains(t, probe.Toolchain, "full", "after the redo every probe is a full build")
	}
}

// toolchainCrashProber is goCommitProber whose full builds of bad commits
// do not build: the commit's toolchain crashes building itself.
type toolchainCrashProber struct{ goCommitProber }

func (f *toolchainCrashProber) Probe(ctx context.Context, req Request) (record.Cell, error) {
	cell, err := f.goCommitProber.Probe(ctx, req)
	if cell.Outcome == record.Crash && !req.Config.Toolchains[0].Fast {
		cell.Outcome, cell.Signature, cell.CacheKey = record.BuildError, "", ""
		cell.Reason = "the toolchain does not build: make.bash failed"
		cell.GoSource.Failed = true
		cell.BuildCrash = &record.BuildCrash{Stage: record.StageToolchain, Command: "make.bash", Signature: "fatal error: taggedPointerPack in runtime.netpollopen"}
	}
	return cell, err
}

func TestBisectionGoCommitsToolchainCrash(t *testing.T) {
	p := goCommitPlan(t)
	p.Pred = bisect.Predicate{}
	prober := &toolchainCrashProber{goCommitProber{p: p, firstBad: 2, fastFirstBad: 2}}
	b := &Bisection{Plan: p, Prober: prober}
	res, err := b.Search(context.Background(), bisect.Options{})
	require.NoError(t, err)
	rec := b.Record(res)
	require.NotNil(t, rec.Boundary, rec.Conclusion)
	assert.Equal(t, p.Candidates[2], rec.Boundary.After)
	assert.False(t, rec.GoBuilds.Redone, "a toolchain that crashes building itself confirms the crash")
	last := rec.Probes[len(rec.Probes)-1]
	assert.True(t, last.Confirmation)
	assert.Equal(t, "bad", last.Verdict)
	assert.Equal(t, "fatal error: taggedPointerPack in runtime.netpollopen", last.Signature)
	assert.Equal(t, "full, make.bash failed", last.Toolchain)
}

// TestGoCommitProbesRunWhere: every probe's gosource toolchain runs its
// binaries where the host toolchain named by --toolchain does, else where
// the config's first does when it is a host toolchain with a runtime
// image (in that image, on that platform, with that engine), else on this
// host; --toolchain naming an image toolchain or no configured one is
// refused with the valid names.
func TestGoCommitProbesRunWhere(t *testing.T) {
	local := config.Toolchain{Name: "local", Kind: config.KindLocal, RuntimeImage: "registry.access.redhat.com/ubi9/ubi-minimal", Platform: "linux/amd64", Engine: config.EnginePodman}
	arm := config.Toolchain{Name: "injected-arm", Kind: config.KindGoroot, GOROOT: "/go", RuntimeImage: "localhost/runtime:arm", Platform: "linux/arm/v7"}
	plain := config.Toolchain{Name: "plain", Kind: config.KindLocal}
	img := config.Toolchain{Name: "img", Kind: config.KindImage, Image: "golang:1.25", RuntimeImage: "ubi-minimal", Platform: "linux/arm64"}
	tests := []struct {
		name       string
		toolchains []config.Toolchain
		flag       string
		want       *config.Toolchain // where the probes run; nil: this host
		wantErr    string
	}{
		{name: "first host toolchain with a runtime image", toolchains: []config.Toolchain{local, arm}, want: &local},
		{name: "--toolchain picks another", toolchains: []config.Toolchain{local, arm}, flag: "injected-arm", want: &arm},
		{name: "--toolchain after an image toolchain", toolchains: []config.Toolchain{img, arm}, flag: "injected-arm", want: &arm},
		{name: "--toolchain without a runtime image runs here", toolchains: []config.Toolchain{local, plain}, flag: "plain"},
		// An image toolchain first says nothing about where a host build runs.
		{name: "image toolchain first", toolchains: []config.Toolchain{img, local}},
		{name: "host toolchain first without a runtime image", toolchains: []config.Toolchain{plain, local}},
		{name: "--toolchain names an image toolchain", toolchains: []config.Toolchain{img, local, arm}, flag: "img",
			wantErr: "--toolchain: img is kind image; on --axis go-commit it names a host toolchain (local, goroot, gotoolchain, gosource) whose runtimeImage, platform and engine the probes use (valid: local, injected-arm)"},
		{name: "--toolchain names no configured toolchain", toolchains: []config.Toolchain{img, local}, flag: "nope",
			wantErr: `--toolchain: no toolchain "nope" in the config; on --axis go-commit it names the host toolchain whose runtimeImage, platform and engine the probes use (valid: local)`},
		{name: "only image toolchains", toolchains: []config.Toolchain{img}, flag: "x",
			wantErr: "(valid: none: every configured toolchain is kind image)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := goCommitPlan(t)
			p.Toolchains = tt.toolchains
			p.Config.Toolchains = tt.toolchains[:1]
			err := p.listGoCommits(context.Background(), Options{GoRepo: p.GoSource.Repo.Spec, From: "HEAD~4", To: "HEAD", CacheDir: t.TempDir(), Held: Held{Toolchain: tt.flag}})
			if tt.wantErr != "" {
				assertOptionError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			pc, err := p.ProbeConfig(p.Candidates[2], "go1.26.8")
			require.NoError(t, err)
			tc := pc.Toolchains[0]
			assert.Equal(t, config.KindGosource, tc.Kind)
			if tt.want == nil {
				assert.Empty(t, tc.RuntimeImage+tc.Platform+tc.Engine)
				return
			}
			assert.Equal(t, []string{tt.want.RuntimeImage, tt.want.Platform, tt.want.Engine}, []string{tc.RuntimeImage, tc.Platform, tc.Engine})
		})
	}
}
