package bisection

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/images"
	"github.com/gorepro/gorepro/internal/record"
)

const historyRepo = "registry.example/ubi9/go-toolset"

// history is a vendor's repository as images.List gives it (newest
// first): five builds of go1.26.8 a week apart (the last also latest),
// one of go1.25.3, and one whose config names no Go version.
func history() []images.Image {
	var out []images.Image
	for i := 5; i >= 1; i-- {
		tag := "1.26.8-" + string(rune('0'+i))
		im := images.Image{Repository: historyRepo, Tags: []string{tag}, Digest: "sha256:" + strings.Repeat(string(rune('0'+i)), 64),
			GoVersion: "go1.26.8", Created: time.Date(2026, 6, 1+7*(i-1), 9, 0, 0, 0, time.UTC), Platforms: []string{"linux/amd64"}}
		if i == 5 {
			im.Tags = []string{"1.26", "1.26.8-5", "latest"}
		}
		out = append(out, im)
	}
	return append(out,
		images.Image{Repository: historyRepo, Tags: []string{"1.25.3-7"}, Digest: "sha256:" + strings.Repeat("a", 64), GoVersion: "go1.25.3", Created: time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)},
		images.Image{Repository: historyRepo, Tags: []string{"mystery"}, Digest: "sha256:" + strings.Repeat("b", 64)})
}

func tags(imgs []images.Image) []string {
	var out []string
	for _, im := range imgs {
		out = append(out, im.Tag())
	}
	return out
}

// TestImageCandidates: a repository's images ordered as builds and cut to
// --from/--to (any tag of an image); what is refused, naming the flag and
// what is valid.
func TestImageCandidates(t *testing.T) {
	tests := []struct {
		name, from, to string
		want           []string
		wantErr        string
	}{
		{name: "every build, oldest first; an older Go version before", want: []string{"1.25.3-7", "1.26.8-1", "1.26.8-2", "1.26.8-3", "1.26.8-4", "1.26.8-5"}},
		{name: "a range by tags, latest is 1.26.8-5", from: "1.26.8-2", to: "latest", want: []string{"1.26.8-2", "1.26.8-3", "1.26.8-4", "1.26.8-5"}},
		{name: "from alone", from: "1.26.8-4", want: []string{"1.26.8-4", "1.26.8-5"}},
		{name: "not a tag", from: "1.26.8-9",
			wantErr: "--from: 1.26.8-9 is not a tag of " + historyRepo + "; its tags, oldest build first: 1.25.3-7, 1.26.8-1, 1.26.8-2, 1.26.8-3, 1.26.8-4, 1.26.8-5 (also 1.26, latest)"},
		{name: "unknown Go version", to: "mystery", wantErr: "--to: the config of " + historyRepo + ":mystery names no Go version"},
		{name: "from after to", from: "1.26.8-4", to: "1.26.8-2",
			wantErr: "--from 1.26.8-4 is after --to 1.26.8-2: builds are ordered by Go version, then created time, then release (1.26.8-4 is go1.26.8 built 2026-06-22 09:00 UTC; 1.26.8-2 is go1.26.8 built 2026-06-08 09:00 UTC); swap them"},
		{name: "one image", from: "1.26", to: "latest", wantErr: "--from 1.26 and --to latest are the same image (1.26.8-5 is go1.26.8 built 2026-06-29 09:00 UTC)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, unordered, err := ImageCandidates(history(), historyRepo, tt.from, tt.to)
			if tt.wantErr != "" {
				assertOptionError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, tags(got))
			assert.Equal(t, []string{"mystery"}, unordered)
		})
	}
	t.Run("fewer than two known", func(t *testing.T) {
		_, _, err := ImageCandidates(history()[6:], historyRepo, "", "")
		assertOptionError(t, err, "--image: "+historyRepo+" has 0 image(s) of a known Go version; bisect needs at least two (none)")
	})
}

func TestPullBound(t *testing.T) {
	for n, want := range map[int]int{2: 3, 3: 4, 4: 4, 5: 5, 6: 5, 8: 5, 9: 6, 100: 9} {
		assert.Equal(t, want, PullBound(n), "n=%d", n)
	}
}

const imageConfig = `{
  "toolchains": [
    {"name": "local", "kind": "local"},
    {"name": "ubi9", "kind": "image", "image": "registry.example/ubi9/go-toolset:1.26", "runtimeImage": "registry.example/ubi9/ubi-minimal", "platform": "linux/amd64"}
  ],
  "protobuf": ["v1.36.10"],
  "targets": [{"name": "repro", "kind": "repro"}]
}`

// TestNewPlanImage: the image axis lists --image's builds, its probes are
// its images pinned by digest, made from the held image toolchain if
// any; registry failures are bad input when the repository does not
// exist, else infrastructure errors.
func TestNewPlanImage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "toolchains.json")
	require.NoError(t, os.WriteFile(path, []byte(imageConfig), 0o644))
	var asked []images.Options
	list := func(_ context.Context, opts images.Options) ([]images.Image, error) {
		asked = append(asked, opts)
		return history(), nil
	}
	p, err := NewPlan(context.Background(), Options{Config: path, Axis: "image", Images: []string{historyRepo}, From: "1.26.8-3", ListImages: list}, nil)
	require.NoError(t, err)
	assert.Equal(t, []images.Options{{Repositories: []string{historyRepo}, AllBuilds: true}}, asked, "every build, one per digest")
	assert.Equal(t, []string{"1.26.8-3", "1.26.8-4", "1.26.8-5"}, p.Candidates)
	assert.Equal(t, []string{"mystery"}, p.Images.Unordered)
	pc, err := p.ProbeConfig("1.26.8-5", "")
	require.NoError(t, err)
	assert.Equal(t, []config.Toolchain{{Name: "go-toolset-1.26.8-5", Kind: config.KindImage, Image: historyRepo + ":1.26.8-5@sha256:" + strings.Repeat("5", 64), ExpectGo: "go1.26.8"}}, pc.Toolchains)

	held, err := NewPlan(context.Background(), Options{Config: path, Axis: "image", Images: []string{historyRepo}, Held: Held{Toolchain: "ubi9"}, ListImages: list}, nil)
	require.NoError(t, err)
	pc, err = held.ProbeConfig("1.26.8-1", "")
	require.NoError(t, err)
	assert.Equal(t, config.Toolchain{Name: "go-toolset-1.26.8-1", Kind: config.KindImage, Image: historyRepo + ":1.26.8-1@sha256:" + strings.Repeat("1", 64), ExpectGo: "go1.26.8",
		RuntimeImage: "registry.example/ubi9/ubi-minimal", Platform: "linux/amd64"}, pc.Toolchains[0], "the held image toolchain's runtime image and platform are kept")
	_, err = held.ProbeConfig("1.26.8-9", "")
	assert.EqualError(t, err, `no image "1.26.8-9" among the candidates of `+historyRepo)

	for _, tt := range []struct {
		name    string
		opts    Options
		listErr error
		wantErr string
		infra   bool
	}{
		{name: "no --image", opts: Options{Axis: "image"}, wantErr: "--axis image needs --image"},
		{name: "three", opts: Options{Axis: "image", Images: []string{historyRepo, "docker.io/library/golang", "quay.io/x/go"}},
			wantErr: "--image: --axis image takes one repository to bisect and at most one to compare it with (vendor, then upstream), got 3"},
		{name: "--versions", opts: Options{Axis: "image", Images: []string{historyRepo}, Versions: []string{"1.26.8-1"}}, wantErr: "--versions does not apply to --axis image"},
		{name: "held toolchain not an image", opts: Options{Axis: "image", Images: []string{historyRepo}, Held: Held{Toolchain: "local"}},
			wantErr: "--toolchain: local is kind local; on --axis image it names a kind image toolchain"},
		{name: "--image on another axis", opts: Options{Axis: "protobuf", Images: []string{historyRepo}, Versions: []string{"v1.36.9", "v1.36.10"}},
			wantErr: "--image applies to --axis image only (the axis is protobuf)"},
		{name: "bad repository name", opts: Options{Axis: "image", Images: []string{historyRepo + ":1.26"}},
			listErr: &images.OptionError{Err: errors.New("repository \"x:1.26\": name a repository without tag or digest")}, wantErr: "--image: repository \"x:1.26\": name a repository without tag or digest"},
		{name: "no such repository", opts: Options{Axis: "image", Images: []string{historyRepo}},
			listErr: &images.RegistryError{Ref: historyRepo, Kind: images.NotFound, Hint: "check the repository's name and registry"}, wantErr: "--image: " + historyRepo + ": not found: check the repository's name and registry"},
		{name: "registry down", opts: Options{Axis: "image", Images: []string{historyRepo}},
			listErr: &images.RegistryError{Ref: historyRepo, Kind: images.Unreachable}, wantErr: "--image: " + historyRepo + ": unreachable", infra: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Config = path
			tt.opts.ListImages = func(context.Context, images.Options) ([]images.Image, error) { return history(), tt.listErr }
			_, err := NewPlan(context.Background(), tt.opts, nil)
			if tt.infra {
				var infra *InfraError
				require.ErrorAs(t, err, &infra)
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			assertOptionError(t, err, tt.wantErr)
		})
	}
}

// historyPlan is the image plan of history() from 1.26.8-1 on, and its
// candidates in order.
func historyPlan(t *testing.T) (*ImagePlan, []string) {
	t.Helper()
	cands, _, err := ImageCandidates(history(), historyRepo, "1.26.8-1", "")
	require.NoError(t, err)
	ip := &ImagePlan{Repository: historyRepo, Images: map[string]images.Image{}, Template: config.Toolchain{Kind: config.KindImage}}
	var names []string
	for _, im := range cands {
		ip.Images[im.Tag()] = im
		names = append(names, im.Tag())
	}
	return ip, names
}

// heldRepro is the config of an image bisection's probes: the repro
// target, one protobuf version, cover off, one run.
func heldRepro() *config.Config {
	return &config.Config{Path: "toolchains.json", Toolchains: []config.Toolchain{{Name: "local", Kind: config.KindLocal}}, Protobuf: []string{"v1.36.10"},
		Cover: []bool{false}, Arch: []string{"native"}, Runs: 1, Targets: []config.Target{{Name: "repro", Kind: config.TargetRepro}}}
}

// TestBisectionImages: an image bisection probes images pinned by digest
// and its answer names the boundary's images, the GOROOT files where the
// two builds differ, and the images the engine pulled.
func TestBisectionImages(t *testing.T) {
	ip, names := historyPlan(t)
	held := heldRepro()
	pred, err := ParseBadIf("crash")
	require.NoError(t, err)
	bad := func(r Request) bool { return r.Config.Toolchains[0].Name >= "go-toolset-1.26.8-4" }
	prober := &fakeProber{bad: bad}
	var compared []string
	b := &Bisection{Plan: &Plan{Axis: Axis{Name: "image", Kind: AxisImage}, Pred: pred, Threshold: bisect.Threshold{K: 1, N: 1}, Config: held, Candidates: names, Images: ip},
		Prober: prober, Files: func(bad, good *record.Toolchain) *record.FileDifference {
			compared = append(compared, bad.Name+" vs "+good.Name)
			return &record.FileDifference{Total: 5590, Changed: []string{"src/runtime/tagptr_64bit.go"}}
		}}
	res, err := b.Search(context.Background(), bisect.Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"go-toolset-1.26.8-1/v1.36.10/repro", "go-toolset-1.26.8-5/v1.36.10/repro", "go-toolset-1.26.8-3/v1.36.10/repro", "go-toolset-1.26.8-4/v1.36.10/repro",
		"go-toolset-1.26.8-3/v1.36.10/repro fresh", "go-toolset-1.26.8-4/v1.36.10/repro fresh"}, prober.probed)
	rec := b.Record(res)
	assert.Equal(t, map[string]string{"target": "repro", "cover": "off", "arch": "native", "runs": "1", "protobuf": "v1.36.10"}, rec.Fixed)

	// The run's toolchains, as the matrix runner recorded them: the
	// engine pulled the images of 1.26.8-1, -5 and -4; -3's was there.
	var toolchains []record.Toolchain
	for _, v := range []string{"1.26.8-1", "1.26.8-5", "1.26.8-3", "1.26.8-4"} {
		toolchains = append(toolchains, record.Toolchain{Name: "go-toolset-" + v, Kind: config.KindImage, GoVersion: "go1.26.8",
			Container: &record.Container{Image: ip.Images[v].Ref(), ImageDigest: ip.Images[v].Digest, ImagePulled: v != "1.26.8-3"}})
	}
	b.DescribeImages(rec, toolchains)
	assert.Equal(t, []string{"go-toolset-1.26.8-4 vs go-toolset-1.26.8-3"}, compared)
	require.NotNil(t, rec.Images)
	assert.Equal(t, []string{"1.26.8-1", "1.26.8-4", "1.26.8-5"}, rec.Images.Pulled, "in candidate order")
	assert.Equal(t, 3, rec.Images.Pulls)
	assert.Equal(t, 5, rec.Images.PullBound)
	assert.Equal(t, &record.BisectImage{Tag: "1.26.8-3", Tags: []string{"1.26.8-3"}, Digest: "sha256:" + strings.Repeat("3", 64), Ref: historyRepo + ":1.26.8-3@sha256:" + strings.Repeat("3", 64),
		GoVersion: "go1.26.8", Created: time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)}, rec.Images.Before)
	assert.Equal(t, "1.26.8-4", rec.Images.After.Tag)
	require.NotNil(t, rec.Images.Build)
	assert.Equal(t, record.Crash, rec.Images.Build.BadOutcome)
	assert.Equal(t, record.Pass, rec.Images.Build.GoodOutcome)
	assert.Equal(t, "regression: first bad 1.26.8-4 (last good 1.26.8-3); first bad image "+historyRepo+":1.26.8-4@sha256:"+strings.Repeat("4", 64)+" (go1.26.8, created 2026-06-22 09:00 UTC), "+
		"last good image "+historyRepo+":1.26.8-3@sha256:"+strings.Repeat("3", 64)+" (go1.26.8, created 2026-06-15 09:00 UTC); "+
		"same Go version, different build: src/runtime/tagptr_64bit.go differs (1 of 5,590 files); images pulled: 3 of 5 candidates (a search pulls at most ceil(log2 5)+2 = 5)", rec.Conclusion)

	t.Run("the Go version changed", func(t *testing.T) {
		cands, _, err := ImageCandidates(history(), historyRepo, "1.25.3-7", "1.26.8-1")
		require.NoError(t, err)
		ip := &ImagePlan{Repository: historyRepo, Images: map[string]images.Image{}}
		for _, im := range cands {
			ip.Images[im.Tag()] = im
		}
		b := &Bisection{Plan: &Plan{Axis: Axis{Name: "image", Kind: AxisImage}, Candidates: tags(cands), Images: ip}}
		rec := &record.Bisect{BisectSearch: record.BisectSearch{Direction: record.DirectionFix, Boundary: &record.BisectBoundary{Before: "1.25.3-7", After: "1.26.8-1"}, Conclusion: "fix"}}
		b.DescribeImages(rec, nil)
		assert.Nil(t, rec.Images.Build)
		assert.Equal(t, []string{}, rec.Images.Pulled)
		assert.Contains(t, rec.Conclusion, "; last bad image "+historyRepo+":1.25.3-7@")
		assert.Contains(t, rec.Conclusion, "; the Go version changed: go1.25.3 → go1.26.8; images pulled: 0 of 2 candidates")
	})
}

// upstream is a golang-like repository: go1.25.3 and two builds of
// go1.26.8 (the newer one is probed).
func upstream() []images.Image {
	img := func(tag, goVer, digit string, day int) images.Image {
		return images.Image{Repository: "docker.io/library/golang", Tags: []string{tag}, Digest: "sha256:" + strings.Repeat(digit, 64), GoVersion: goVer,
			Created: time.Date(2026, 6, day, 9, 0, 0, 0, time.UTC)}
	}
	return []images.Image{img("1.26.8-bookworm", "go1.26.8", "c", 20), img("1.26.8-trixie", "go1.26.8", "d", 2), img("1.25.3-bookworm", "go1.25.3", "e", 1)}
}

// TestBisectionReference: with a second repository the search is the
// first's, then the second's newest image of each Go version at the
// boundary is probed (pinned by digest, named apart from the candidates),
// and the answer says whether the vendor's build or the Go version
// matters.
func TestBisectionReference(t *testing.T) {
	path := filepath.Join(t.TempDir(), "toolchains.json")
	require.NoError(t, os.WriteFile(path, []byte(imageConfig), 0o644))
	list := func(_ context.Context, opts images.Options) ([]images.Image, error) {
		if opts.Repositories[0] == historyRepo {
			return history(), nil
		}
		return upstream(), nil
	}
	for _, tt := range []struct {
		name, from string
		bad        func(Request) bool
		wantProbed []string
		wantClause string
	}{
		{name: "same Go version: the build", from: "1.26.8-1", bad: func(r Request) bool {
			name := r.Config.Toolchains[0].Name
			return strings.HasPrefix(name, "go-toolset-") && name >= "go-toolset-1.26.8-4"
		},
			wantProbed: []string{"golang-1.26.8-bookworm/v1.36.10/repro"},
			wantClause: "; vendor or version: the vendor's build matters: its 1.26.8-4 (bad) and 1.26.8-3 (good) are both go1.26.8, and docker.io/library/golang:1.26.8-bookworm (go1.26.8) is good; images pulled"},
		{name: "the version, bad upstream too", from: "1.25.3-7", bad: func(r Request) bool { return strings.Contains(r.Config.Toolchains[0].Name, "1.26.8") },
			wantProbed: []string{"golang-1.25.3-bookworm/v1.36.10/repro", "golang-1.26.8-bookworm/v1.36.10/repro"},
			wantClause: "; vendor or version: the Go version matters: docker.io/library/golang:1.26.8-bookworm (go1.26.8) is bad and docker.io/library/golang:1.25.3-bookworm (go1.25.3) good, as the vendor's 1.26.8-1 and 1.25.3-7 are"},
		{name: "the vendor's build of the new version", from: "1.25.3-7", bad: func(r Request) bool { return strings.HasPrefix(r.Config.Toolchains[0].Name, "go-toolset-1.26.8") },
			wantProbed: []string{"golang-1.25.3-bookworm/v1.36.10/repro", "golang-1.26.8-bookworm/v1.36.10/repro"},
			wantClause: "; vendor or version: the vendor's build matters: docker.io/library/golang:1.26.8-bookworm (go1.26.8) is good where the vendor's 1.26.8-1 of the same Go version is bad"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPlan(context.Background(), Options{Config: path, Axis: "image", Images: []string{historyRepo, "docker.io/library/golang"}, From: tt.from, To: "1.26.8-5", ListImages: list}, nil)
			require.NoError(t, err)
			prober := &fakeProber{bad: tt.bad}
			b := &Bisection{Plan: p, Prober: prober}
			res, err := b.Search(context.Background(), bisect.Options{})
			require.NoError(t, err)
			assert.Equal(t, tt.wantProbed, prober.probed[len(prober.probed)-len(tt.wantProbed):], "the separating cells come after the search")
			rec := b.Record(res)
			b.DescribeImages(rec, nil)
			assert.Contains(t, rec.Conclusion, tt.wantClause)
			require.NotNil(t, rec.Images.Reference)
			assert.Len(t, rec.Images.Reference.Probes, len(tt.wantProbed))
			assert.Equal(t, "sha256:"+strings.Repeat("c", 64), rec.Images.Reference.Probes[len(tt.wantProbed)-1].Image.Digest, "the newest go1.26.8 build")
		})
	}
}

// TestVendorOrVersion: what the reference's verdicts show, for a
// regression from go1.25.3 (vendor good) to go1.26.8 (vendor bad).
func TestVendorOrVersion(t *testing.T) {
	good := images.Image{Tags: []string{"1.25.3-7"}, GoVersion: "go1.25.3"}
	bad := images.Image{Tags: []string{"1.26.8-1"}, GoVersion: "go1.26.8"}
	ref := func(goVer string, v bisect.Verdict) separatingProbe {
		return separatingProbe{image: images.Image{Tags: []string{goVer[2:]}, GoVersion: goVer}, probe: Probe{Probe: bisect.Probe{Verdict: v, Outcome: "x"}}}
	}
	for _, tt := range []struct {
		name string
		ref  []separatingProbe
		want string
	}{
		{"upstream flips too", []separatingProbe{ref("go1.26.8", bisect.Bad), ref("go1.25.3", bisect.Good)}, MattersVersion},
		{"upstream's new version is good", []separatingProbe{ref("go1.26.8", bisect.Good), ref("go1.25.3", bisect.Good)}, MattersBuild},
		{"upstream bad on both", []separatingProbe{ref("go1.26.8", bisect.Bad), ref("go1.25.3", bisect.Bad)}, MattersBoth},
		{"upstream has only the bad side's version", []separatingProbe{ref("go1.26.8", bisect.Bad)}, MattersVersion},
		{"upstream has not the bad side's version", []separatingProbe{ref("go1.25.3", bisect.Good)}, MattersUndecided},
		{"upstream's image could not be judged", []separatingProbe{ref("go1.26.8", bisect.Skip)}, MattersUndecided},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := map[string]separatingProbe{}
			for _, sp := range tt.ref {
				m[sp.image.GoVersion] = sp
			}
			got, clause := vendorOrVersion("golang", record.DirectionRegression, good, bad, m)
			assert.Equal(t, tt.want, got, clause)
			// A fix (bad before good) reads the sides the other way.
			gotFix, _ := vendorOrVersion("golang", record.DirectionFix, bad, good, m)
			assert.Equal(t, tt.want, gotFix)
		})
	}
}

// unavailableProber makes the cells of the candidates in failing
// unavailable with their engine failure, and the rest pass or crash as
// fakeProber's.
type unavailableProber struct {
	fakeProber
	failing map[string]string // toolchain name → engine failure kind
}

func (u *unavailableProber) Probe(ctx context.Context, req Request) (record.Cell, error) {
	cell, err := u.fakeProber.Probe(ctx, req)
	if kind, ok := u.failing[req.Config.Toolchains[0].Name]; ok {
		cell.Outcome, cell.Signature, cell.EngineFailure = record.Unavailable, "", kind
		cell.Reason = "builder image " + req.Config.Toolchains[0].Image + ": pull failed (" + kind + ")"
	}
	return cell, err
}

// TestImageBisectionStopsWhereEveryPullFails: a registry or engine
// failure stops an image bisection at its first probe (every other
// candidate would be pulled from the same registry, through the same
// engine); a tag the registry does not have is skipped, as before.
func TestImageBisectionStopsWhereEveryPullFails(t *testing.T) {
	ip, names := historyPlan(t)
	pred, err := ParseBadIf("crash")
	require.NoError(t, err)
	bad := func(r Request) bool { return r.Config.Toolchains[0].Name >= "go-toolset-1.26.8-4" }
	search := func(failing map[string]string) (*unavailableProber, *bisect.Result, error) {
		held := heldRepro()
		prober := &unavailableProber{fakeProber: fakeProber{bad: bad}, failing: failing}
		b := &Bisection{Plan: &Plan{Axis: Axis{Name: "image", Kind: AxisImage}, Pred: pred, Threshold: bisect.Threshold{K: 1, N: 1}, Config: held, Candidates: names, Images: ip},
			Prober: prober}
		res, err := b.Search(context.Background(), bisect.Options{Confirm: 0})
		return prober, res, err
	}
	for _, kind := range []string{"registry error", "engine down", "disk full"} {
		t.Run(kind, func(t *testing.T) {
			failing := map[string]string{}
			for _, n := range names {
				failing["go-toolset-"+n] = kind
			}
			prober, _, err := search(failing)
			var infra *InfraError
			require.ErrorAs(t, err, &infra)
			assert.Len(t, prober.probed, 1, "no other candidate is pulled")
			assert.True(t, strings.HasPrefix(err.Error(), "probing 1.26.8-1: builder image "+historyRepo+":1.26.8-1@"), err.Error())
			assert.Contains(t, err.Error(), "; stopped there: every candidate of "+historyRepo+" ")
			assert.True(t, strings.HasSuffix(err.Error(), ", so no other could be judged either"), err.Error())
		})
	}
	t.Run("a tag the registry does not have is skipped", func(t *testing.T) {
		prober, res, err := search(map[string]string{"go-toolset-1.26.8-5": "image absent"})
		require.NoError(t, err)
		assert.Contains(t, res.Skipped, "1.26.8-5")
		require.NotNil(t, res.Boundary)
		assert.Equal(t, "1.26.8-4", res.Boundary.After)
		assert.Greater(t, len(prober.probed), 2)
	})
}
