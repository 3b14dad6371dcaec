package images

import (
	"cmp"
	"context"
	"fmt"
	"go/version"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"
)

// Image is one image of a repository: one digest, every tag naming it.
type Image struct {
	// Repository is the repository as given, e.g. "docker.io/library/golang".
	Repository string `json:"repository"`
	// Tags are the tags naming this digest, sorted.
	Tags []string `json:"tags"`
	// Digest is the manifest (or index) digest, "sha256:…".
	Digest string `json:"digest"`
	// Platforms are "os/arch[/variant]", from the index or the config.
	Platforms []string `json:"platforms"`
	// Created is the config's created time (of the platform read).
	Created time.Time `json:"created"`
	// GoVersion is e.g. "go1.26.8"; "" when the config does not say.
	GoVersion string `json:"goVersion"`
	// GoVersionFrom says where GoVersion was read, e.g. "env GOLANG_VERSION",
	// or "go env GOVERSION (pulled)" when Options.Probe asked the image.
	GoVersionFrom string `json:"goVersionFrom,omitempty"`
	// ProbeError says why probing an image whose config names no Go
	// version failed (it has no go command, the pull failed).
	ProbeError string `json:"probeError,omitempty"`
}

// Ref is the image pinned by digest under its most specific tag:
// repo:tag@sha256:….
func (im Image) Ref() string {
	return im.Repository + ":" + im.Tag() + "@" + im.Digest
}

// Tag is the most specific of the image's tags: not "latest" when another
// exists, then the longest (1.26.8-2 before 1.26).
func (im Image) Tag() string {
	best := ""
	for _, t := range im.Tags {
		switch {
		case best == "", best == "latest" && t != "latest":
			best = t
		case t == "latest":
		case len(t) > len(best), len(t) == len(best) && t < best:
			best = t
		}
	}
	return best
}

// Options say which repositories List reads and which images it keeps.
type Options struct {
	// Repositories are references without tag or digest, e.g.
	// "registry.access.redhat.com/ubi9/go-toolset".
	Repositories []string
	// Insecure are the registries (host[:port]) reached over plain HTTP.
	Insecure []string
	// Go keeps the images whose Go version is in the range ("" keeps all).
	Go Constraint
	// Platform keeps the images that have this platform ("" keeps all).
	Platform string
	// AllBuilds keeps every build; otherwise only the newest of each Go
	// version of each repository.
	AllBuilds bool
	// Keychain finds credentials; nil means authn.DefaultKeychain.
	Keychain authn.Keychain
	// Probe, when set, is asked the Go version of each image whose config
	// names none (it pulls the image and runs its go command), before the
	// filters apply; see Prober.
	Probe func(ctx context.Context, im Image) (string, error)
}

// fetchLimit bounds the requests in flight to one registry.
const fetchLimit = 4

// List reads every tag of every repository and returns the images that
// pass the filters, by repository (in the given order), then newest Go
// version first, then newest build first; images of unknown Go version last.
func List(ctx context.Context, opts Options) ([]Image, error) {
	if opts.Platform != "" {
		if _, err := v1.ParsePlatform(opts.Platform); err != nil || !strings.Contains(opts.Platform, "/") {
			return nil, &OptionError{Err: fmt.Errorf("--platform: invalid platform %q (want os/arch[/variant], e.g. linux/arm64)", opts.Platform)}
		}
	}
	var out []Image
	for _, repoName := range opts.Repositories {
		repo, err := parseRepository(repoName, opts.Insecure)
		if err != nil {
			return nil, err
		}
		imgs, err := listRepository(ctx, repoName, repo, opts)
		if err != nil {
			return nil, err
		}
		probeUnknown(ctx, imgs, opts.Probe)
		imgs = filter(imgs, opts)
		sortImages(imgs)
		out = append(out, imgs...)
	}
	return out, nil
}

// parseRepository parses a repository reference without tag or digest.
func parseRepository(s string, insecure []string) (name.Repository, error) {
	if strings.ContainsAny(s, "@") || strings.Contains(s[strings.LastIndex(s, "/")+1:], ":") {
		return name.Repository{}, &OptionError{Err: fmt.Errorf("repository %q: name a repository without tag or digest (e.g. registry.access.redhat.com/ubi9/go-toolset)", s)}
	}
	var opts []name.Option
	host := s
	if i := strings.Index(s, "/"); i >= 0 {
		host = s[:i]
	}
	if slices.Contains(insecure, host) {
		opts = append(opts, name.Insecure)
	}
	repo, err := name.NewRepository(s, opts...)
	if err != nil {
		return name.Repository{}, &OptionError{Err: fmt.Errorf("repository %q: %w", s, err)}
	}
	return repo, nil
}

// listRepository lists repo's tags and reads the image of each, one Image
// per digest.
func listRepository(ctx context.Context, display string, repo name.Repository, opts Options) ([]Image, error) {
	keychain := opts.Keychain
	if keychain == nil {
		keychain = authn.DefaultKeychain
	}
	ropts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(keychain)}
	tags, err := remote.List(repo, ropts...)
	if err != nil {
		return nil, classify(display, err)
	}
	byDigest := map[string]*Image{}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(fetchLimit)
	for _, tag := range tags {
		g.Go(func() error {
			im, err := readTag(repo.Tag(tag), append(ropts, remote.WithContext(gctx)))
			if err != nil {
				return classify(display+":"+tag, err)
			}
			mu.Lock()
			defer mu.Unlock()
			if seen, ok := byDigest[im.Digest]; ok {
				seen.Tags = append(seen.Tags, tag)
				return nil
			}
			im.Repository, im.Tags = display, []string{tag}
			byDigest[im.Digest] = im
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	imgs := make([]Image, 0, len(byDigest))
	for _, im := range byDigest {
		slices.Sort(im.Tags)
		imgs = append(imgs, *im)
	}
	return imgs, nil
}

// readTag reads one tag's digest, platforms and config (never layers).
func readTag(ref name.Tag, ropts []remote.Option) (*Image, error) {
	desc, err := remote.Get(ref, ropts...)
	if err != nil {
		return nil, err
	}
	im := &Image{Digest: desc.Digest.String()}
	var img v1.Image
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, err
		}
		manifest, err := idx.IndexManifest()
		if err != nil {
			return nil, err
		}
		var pick *v1.Descriptor
		for i, m := range manifest.Manifests {
			if m.Platform == nil || m.Platform.OS == "unknown" {
				continue // attestations
			}
			im.Platforms = append(im.Platforms, m.Platform.String())
			if pick == nil || (m.Platform.OS == "linux" && m.Platform.Architecture == "amd64") {
				pick = &manifest.Manifests[i]
			}
		}
		if pick == nil {
			return im, nil
		}
		if img, err = idx.Image(pick.Digest); err != nil {
			return nil, err
		}
	} else if img, err = desc.Image(); err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading the config: %w", err)
	}
	if len(im.Platforms) == 0 {
		p := v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}
		im.Platforms = []string{p.String()}
	}
	im.Created = cf.Created.UTC()
	im.GoVersion, im.GoVersionFrom = goVersionOf(cf)
	return im, nil
}

// goVersionOf reads the Go version from an image config, and where from.
func goVersionOf(cf *v1.ConfigFile) (goVersion, from string) {
	env := map[string]string{}
	for _, kv := range cf.Config.Env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	valid := func(v string) string {
		v = "go" + strings.TrimPrefix(v, "go")
		if version.IsValid(v) && version.Lang(v) != v {
			return v
		}
		return ""
	}
	if v := valid(env["GOLANG_VERSION"]); v != "" {
		return v, "env GOLANG_VERSION"
	}
	if major, minor, patch := env["GO_MAJOR_VERSION"], env["GO_MINOR_VERSION"], env["GO_PATCH_VERSION"]; major != "" && minor != "" && patch != "" {
		if v := valid(major + "." + minor + "." + patch); v != "" {
			return v, "env GO_MAJOR_VERSION, GO_MINOR_VERSION, GO_PATCH_VERSION"
		}
	}
	if cf.Config.Labels["com.redhat.component"] == "go-toolset-container" {
		if v := valid(cf.Config.Labels["version"]); v != "" {
			return v, "label version"
		}
	}
	return "", ""
}

// probeUnknown asks probe the Go version of each image whose config names
// none, one at a time (each is a pull).
func probeUnknown(ctx context.Context, imgs []Image, probe func(context.Context, Image) (string, error)) {
	if probe == nil {
		return
	}
	for i := range imgs {
		if imgs[i].GoVersion != "" {
			continue
		}
		v, err := probe(ctx, imgs[i])
		if err != nil {
			imgs[i].ProbeError = err.Error()
			continue
		}
		imgs[i].GoVersion, imgs[i].GoVersionFrom = v, "go env GOVERSION (pulled)"
	}
}

// filter applies the Go range, the platform and newest-build-only.
func filter(imgs []Image, opts Options) []Image {
	var kept []Image
	for _, im := range imgs {
		if !opts.Go.Empty() && (im.GoVersion == "" || !opts.Go.Allows(im.GoVersion)) {
			continue
		}
		if opts.Platform != "" && !slices.Contains(im.Platforms, opts.Platform) {
			continue
		}
		kept = append(kept, im)
	}
	if opts.AllBuilds {
		return kept
	}
	newest := map[string]int{}
	var out []Image
	for _, im := range kept {
		if im.GoVersion == "" {
			out = append(out, im)
			continue
		}
		if i, ok := newest[im.GoVersion]; ok {
			if im.Created.After(out[i].Created) {
				out[i] = im
			}
			continue
		}
		newest[im.GoVersion] = len(out)
		out = append(out, im)
	}
	return out
}

// sortImages orders one repository's images: newest Go version first,
// then newest build; unknown versions last.
func sortImages(imgs []Image) {
	slices.SortFunc(imgs, func(a, b Image) int {
		if (a.GoVersion == "") != (b.GoVersion == "") {
			if a.GoVersion == "" {
				return 1
			}
			return -1
		}
		if c := version.Compare(b.GoVersion, a.GoVersion); c != 0 {
			return c
		}
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return cmp.Compare(a.Digest, b.Digest)
	})
}
