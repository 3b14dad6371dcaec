package registrytest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/crane"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The repositories PushFixtures fills, under the registry's host.
const (
	// VendorRepo is shaped like Red Hat's ubi9/go-toolset: several builds
	// of one Go version, tagged <version>-<release>, the version in env
	// GO_MAJOR_VERSION, GO_MINOR_VERSION, GO_PATCH_VERSION and VERSION and
	// in the labels version and release; moving tags 1.25, 1.26, latest.
	VendorRepo = "gorepro-test/go-toolset"
	// UpstreamRepo is shaped like Docker's golang: the version in env
	// GOLANG_VERSION, 1.26.8 a multi-arch index (linux/amd64, linux/arm64),
	// and a tag "scratch" whose config names no Go version.
	UpstreamRepo = "gorepro-test/golang"
)

// fixtureImage is one image of the fixtures.
type fixtureImage struct {
	repo    string
	tags    []string
	goVer   string // "" for an image that says nothing of Go
	release string // the vendor's build number; "" upstream
	created string
	archs   []string // more than one: an index
}

// fixtureImages are the images of Fixtures, in push order.
func fixtureImages() []fixtureImage {
	return []fixtureImage{
		{repo: VendorRepo, tags: []string{"1.25.3-1", "1.25"}, goVer: "1.25.3", release: "1", created: "2025-11-04T09:00:00Z", archs: []string{"amd64"}},
		{repo: VendorRepo, tags: []string{"1.26.8-1"}, goVer: "1.26.8", release: "1", created: "2026-05-06T09:00:00Z", archs: []string{"amd64"}},
		{repo: VendorRepo, tags: []string{"1.26.8-2", "1.26", "latest"}, goVer: "1.26.8", release: "2", created: "2026-06-10T09:00:00Z", archs: []string{"amd64"}},
		{repo: UpstreamRepo, tags: []string{"1.24.9"}, goVer: "1.24.9", created: "2025-10-07T18:00:00Z", archs: []string{"amd64"}},
		{repo: UpstreamRepo, tags: []string{"1.26.8", "1.26", "latest"}, goVer: "1.26.8", created: "2026-06-02T18:00:00Z", archs: []string{"amd64", "arm64"}},
		{repo: UpstreamRepo, tags: []string{"scratch"}, created: "2026-01-01T00:00:00Z", archs: []string{"amd64"}},
	}
}

// Fixtures are the repositories PushFixtures filled and the digest of
// each tag ("repo:tag" → "sha256:…", repo being the full repository).
type Fixtures struct {
	Vendor   string
	Upstream string
	Digests  map[string]string
}

// PushFixtures pushes the fixture images to the registry: config-only
// images (one tiny layer) whose config carries the Go version the way each
// publisher writes it.
func (r *Registry) PushFixtures(ctx context.Context) (*Fixtures, error) {
	host := r.Host
	if !strings.HasPrefix(host, "127.0.0.1:") {
		return nil, fmt.Errorf("registrytest pushes only to 127.0.0.1, not %s", host)
	}
	opts := r.remoteOptions(ctx)
	f := &Fixtures{Vendor: host + "/" + VendorRepo, Upstream: host + "/" + UpstreamRepo, Digests: map[string]string{}}
	for _, fi := range fixtureImages() {
		ref, err := name.ParseReference(host+"/"+fi.repo+":"+fi.tags[0], name.Insecure)
		if err != nil {
			return nil, err
		}
		digest, err := pushFixture(ref, fi, opts)
		if err != nil {
			return nil, fmt.Errorf("pushing %s: %w", ref, err)
		}
		for _, tag := range fi.tags {
			f.Digests[host+"/"+fi.repo+":"+tag] = digest.String()
			if tag == fi.tags[0] {
				continue
			}
			tagged := ref.Context().Tag(tag)
			desc, err := remote.Get(ref, opts...)
			if err != nil {
				return nil, err
			}
			if err := remote.Tag(tagged, desc, opts...); err != nil {
				return nil, fmt.Errorf("tagging %s: %w", tagged, err)
			}
		}
	}
	return f, nil
}

// pushFixture pushes one image or index and returns its digest.
func pushFixture(ref name.Reference, fi fixtureImage, opts []remote.Option) (v1.Hash, error) {
	if len(fi.archs) == 1 {
		img, err := fixtureImageOf(fi, fi.archs[0])
		if err != nil {
			return v1.Hash{}, err
		}
		if err := remote.Write(ref, img, opts...); err != nil {
			return v1.Hash{}, err
		}
		return img.Digest()
	}
	idx := mutate.IndexMediaType(empty.Index, types.DockerManifestList)
	for _, arch := range fi.archs {
		img, err := fixtureImageOf(fi, arch)
		if err != nil {
			return v1.Hash{}, err
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}},
		})
	}
	if err := remote.WriteIndex(ref, idx, opts...); err != nil {
		return v1.Hash{}, err
	}
	return idx.Digest()
}

// fixtureImageOf is one platform's image of fi.
func fixtureImageOf(fi fixtureImage, arch string) (v1.Image, error) {
	created, err := time.Parse(time.RFC3339, fi.created)
	if err != nil {
		return nil, err
	}
	layer, err := crane.Layer(map[string][]byte{"etc/gorepro-fixture": fmt.Appendf(nil, "%s %s %s %s\n", fi.repo, fi.goVer, fi.release, arch)})
	if err != nil {
		return nil, err
	}
	img, cf, err := testImage([]v1.Layer{layer}, arch, created)
	if err != nil {
		return nil, err
	}
	switch {
	case fi.goVer == "":
	case fi.release != "":
		vendorConfig(&cf.Config, fi.goVer, fi.release)
	default:
		cf.Config.Env = append(cf.Config.Env, "GOLANG_VERSION="+fi.goVer, "GOTOOLCHAIN=local")
	}
	return mutate.ConfigFile(img, cf)
}

// testImage is an image of layers for linux/arch, and a copy of its config
// with what every test image has (created, PATH, WORKDIR /, the label
// gorepro.test-image=true), for the caller to complete and set with
// mutate.ConfigFile.
func testImage(layers []v1.Layer, arch string, created time.Time) (v1.Image, *v1.ConfigFile, error) {
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		return nil, nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", arch
	cf.Created = v1.Time{Time: created}
	cf.Config.WorkingDir = "/"
	cf.Config.Env = []string{"PATH=/usr/local/go/bin:/usr/bin:/bin"}
	cf.Config.Labels = map[string]string{"gorepro.test-image": "true"}
	return img, cf, nil
}

// remoteOptions are the options of go-containerregistry's calls to the
// registry: ctx, and the login when it asks for one.
func (r *Registry) remoteOptions(ctx context.Context) []remote.Option {
	auth := authn.Anonymous
	if r.Login {
		auth = &authn.Basic{Username: User, Password: Password}
	}
	return []remote.Option{remote.WithContext(ctx), remote.WithAuth(auth)}
}
