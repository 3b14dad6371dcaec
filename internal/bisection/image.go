package bisection

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/images"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// ImageLister lists the images of registry repositories as images.List
// does; Options.ListImages replaces it in tests of pure logic.
type ImageLister func(ctx context.Context, opts images.Options) ([]images.Image, error)

// ImagePlan is what the image axis needs besides the candidates: the
// repository, each candidate's image and the toolchain the probes are
// made from. A candidate is an image (one digest) named by its most
// specific tag; its probe's toolchain is that image pinned by digest
// (repo:tag@sha256:…), so a tag that moves during the search changes
// nothing, and the engine pulls it only when it is probed.
type ImagePlan struct {
	// Repository is --image.
	Repository string
	// Images are the candidates' images, by candidate.
	Images map[string]images.Image
	// Template is the toolchain each probe's toolchain copies with its
	// image replaced: the held --toolchain (kind image: its runtime image,
	// platform and engine are kept), else a bare image toolchain.
	Template config.Toolchain
	// Unordered are the tags of the images left out because their config
	// names no Go version, so they cannot be ordered among the builds.
	Unordered []string
	// Reference is the second --image, when given (the vendor's builds
	// are searched, the reference's of the boundary's Go versions run as
	// separating cells), and ReferenceImages its images.
	Reference       string
	ReferenceImages []images.Image
}

// ImageCandidates orders a repository's images as builds (images.SortBuilds:
// Go version, then created time, then release number) and cuts them to
// [from, to], tags of the repository ("" for the first or the last).
// Images whose Go version is unknown cannot be ordered and are left out;
// the second result lists their tags. Errors name the flag and what is
// valid.
func ImageCandidates(imgs []images.Image, repo, from, to string) ([]images.Image, []string, error) {
	ordered := slices.Clone(imgs)
	images.SortBuilds(ordered)
	var known []images.Image
	var unordered []string
	for _, im := range ordered {
		if im.GoVersion == "" {
			unordered = append(unordered, im.Tag())
			continue
		}
		known = append(known, im)
	}
	find := func(flag, tag string, def int) (int, error) {
		if tag == "" {
			return def, nil
		}
		if i := slices.IndexFunc(known, func(im images.Image) bool { return im.HasTag(tag) }); i >= 0 {
			return i, nil
		}
		if slices.ContainsFunc(ordered, func(im images.Image) bool { return im.HasTag(tag) }) {
			return 0, optionError("%s: the config of %s:%s names no Go version (no GOLANG_VERSION, GO_*_VERSION or go-toolset label), so it cannot be ordered among the builds; choose a tag of %s", flag, repo, tag, tagList(known))
		}
		return 0, optionError("%s: %s is not a tag of %s; its tags, oldest build first: %s", flag, tag, repo, tagList(known))
	}
	lo, err := find("--from", from, 0)
	if err != nil {
		return nil, nil, err
	}
	hi, err := find("--to", to, len(known)-1)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case len(known) < 2:
		return nil, nil, optionError("--image: %s has %d image(s) of a known Go version; bisect needs at least two (%s)", repo, len(known), tagList(known))
	case lo > hi:
		return nil, nil, optionError("--from %s is after --to %s: builds are ordered by Go version, then created time, then release (%s; %s); swap them",
			from, to, describeBuild(known[lo]), describeBuild(known[hi]))
	case lo == hi:
		return nil, nil, optionError("--from %s and --to %s are the same image (%s): bisect needs at least two", from, to, describeBuild(known[lo]))
	}
	return known[lo : hi+1], unordered, nil
}

// maxListedTags caps the tags an error lists.
const maxListedTags = 12

// tagList names images by their most specific tag, the other tags of an
// image in parentheses, at most maxListedTags of them.
func tagList(imgs []images.Image) string {
	var names []string
	for _, im := range imgs {
		name := im.Tag()
		if others := slices.DeleteFunc(slices.Clone(im.Tags), func(t string) bool { return t == name }); len(others) > 0 {
			name += " (also " + strings.Join(others, ", ") + ")"
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return "none"
	}
	if len(names) > maxListedTags {
		more := len(names) - maxListedTags
		names = append(names[:maxListedTags/2], fmt.Sprintf("… %d more …", more+maxListedTags/2), names[len(names)-1])
	}
	return strings.Join(names, ", ")
}

// describeBuild names an image as a build: "1.26.8-2 is go1.26.8 built
// 2026-06-08 09:00 UTC".
func describeBuild(im images.Image) string {
	return fmt.Sprintf("%s is %s built %s", im.Tag(), im.GoVersion, im.Created.UTC().Format("2006-01-02 15:04 MST"))
}

// listImages lists the images of --image as the candidates.
func (p *Plan) listImages(ctx context.Context, opts Options) error {
	switch {
	case len(opts.Images) == 0:
		return &OptionError{Err: errors.New("--axis image needs --image: the repository whose builds to bisect, such as registry.access.redhat.com/ubi9/go-toolset")}
	case len(opts.Images) > 2:
		return optionError("--image: --axis image takes one repository to bisect and at most one to compare it with (vendor, then upstream), got %d (%s)", len(opts.Images), strings.Join(opts.Images, ", "))
	case len(opts.Versions) > 0:
		return &OptionError{Err: errors.New("--versions does not apply to --axis image: give the range with --from and --to (tags of the repository)")}
	}
	template := config.Toolchain{Kind: config.KindImage}
	if opts.Held.Toolchain != "" {
		if tc := p.Config.Toolchains[0]; tc.Kind != config.KindImage {
			return optionError("--toolchain: %s is kind %s; on --axis image it names a kind image toolchain whose runtime image, platform and engine the probes keep", tc.Name, tc.Kind)
		}
		template = p.Config.Toolchains[0]
	}
	repo := opts.Images[0]
	imgs, err := listRepository(ctx, opts, repo)
	if err != nil {
		return err
	}
	cands, unordered, err := ImageCandidates(imgs, repo, opts.From, opts.To)
	if err != nil {
		return err
	}
	p.Images = &ImagePlan{Repository: repo, Images: map[string]images.Image{}, Template: template, Unordered: unordered}
	if len(opts.Images) == 2 {
		p.Images.Reference = opts.Images[1]
		if p.Images.ReferenceImages, err = listRepository(ctx, opts, p.Images.Reference); err != nil {
			return err
		}
	}
	for _, im := range cands {
		p.Candidates = append(p.Candidates, im.Tag())
		p.Images.Images[im.Tag()] = im
	}
	return nil
}

// listRepository lists every build of repo through opts.ListImages (nil:
// images.List), over plain HTTP from opts.Insecure's registries. A repository the registry does not know is bad input
// (an OptionError naming --image), other failures of the registry are
// InfraErrors.
func listRepository(ctx context.Context, opts Options, repo string) ([]images.Image, error) {
	list := opts.ListImages
	if list == nil {
		list = images.List
	}
	imgs, err := list(ctx, images.Options{Repositories: []string{repo}, AllBuilds: true, Insecure: opts.Insecure})
	var optErr *images.OptionError
	var regErr *images.RegistryError
	switch {
	case errors.As(err, &optErr):
		return nil, optionError("--image: %w", optErr.Err)
	case errors.As(err, &regErr) && regErr.Kind == images.NotFound:
		// Bad input, not the registry's failure: %v, so that the
		// registry's error does not decide the exit status.
		return nil, optionError("--image: %v", err)
	case err != nil:
		return nil, &InfraError{Err: fmt.Errorf("--image: %w", err)}
	}
	return imgs, nil
}

// toolchain is the probe toolchain of candidate v: the template with v's
// image pinned by digest.
func (ip *ImagePlan) toolchain(v string) (config.Toolchain, error) {
	im, ok := ip.Images[v]
	if !ok {
		return config.Toolchain{}, fmt.Errorf("no image %q among the candidates of %s", v, ip.Repository)
	}
	tc := ip.Template
	tc.Name, tc.Kind, tc.Image, tc.ExpectGo = im.ToolchainName(), config.KindImage, im.Ref(), im.GoVersion
	return tc, nil
}

// PullBound is the most images a search of n candidates pulls when none is
// skipped: its probes, ceil(log2 n) + 2 (re-confirmations probe images
// already pulled).
func PullBound(n int) int {
	if n < 2 {
		return n
	}
	return bits.Len(uint(n-1)) + 2
}

// DescribeImages fills in rec's images on the image axis (elsewhere it
// does nothing): the boundary's two images, where their Go installations
// differ (through b.Files, on the run's toolchains), which images were
// pulled, and says them in the conclusion.
func (b *Bisection) DescribeImages(rec *record.Bisect, toolchains []record.Toolchain) {
	ip := b.Plan.Images
	if ip == nil || rec == nil {
		return
	}
	bi := &record.BisectImages{Repository: ip.Repository, Pulled: []string{}, PullBound: PullBound(len(b.Plan.Candidates))}
	byName := func(v string) *record.Toolchain {
		name := ip.Images[v].ToolchainName()
		for i := range toolchains {
			if toolchains[i].Name == name {
				return &toolchains[i]
			}
		}
		return nil
	}
	for _, v := range b.Plan.Candidates {
		if tc := byName(v); tc != nil && tc.Container != nil && tc.Container.ImagePulled {
			bi.Pulled = append(bi.Pulled, v)
		}
	}
	bi.Pulls = len(bi.Pulled)
	rec.Images = bi
	pulls := fmt.Sprintf("; images pulled: %d of %d candidates (a search pulls at most ceil(log2 %d)+2 = %d)", bi.Pulls, len(b.Plan.Candidates), len(b.Plan.Candidates), bi.PullBound)
	if rec.Boundary == nil {
		rec.Conclusion += pulls
		return
	}
	before, after := ip.Images[rec.Boundary.Before], ip.Images[rec.Boundary.After]
	bi.Before, bi.After = bisectImage(before), bisectImage(after)
	badName, goodName := "first bad", "last good"
	bad, good := after, before
	if rec.Direction == record.DirectionFix {
		badName, goodName = "last bad", "first good"
		bad, good = before, after
	}
	rec.Conclusion += fmt.Sprintf("; %s image %s (%s, created %s), %s image %s (%s, created %s)",
		badName, bad.Ref(), bad.GoVersion, created(bad), goodName, good.Ref(), good.GoVersion, created(good))
	if bad.GoVersion != good.GoVersion {
		rec.Conclusion += fmt.Sprintf("; the Go version changed: %s → %s", before.GoVersion, after.GoVersion) + b.referenceClause(bi, rec.Direction, before, after) + pulls
		return
	}
	badTC, goodTC := byName(bad.Tag()), byName(good.Tag())
	bd := &record.BuildDifference{GoVersion: bad.GoVersion, Bad: bad.Tag(), Good: good.Tag(),
		BadOutcome: b.cells[bad.Tag()].Outcome, GoodOutcome: b.cells[good.Tag()].Outcome}
	if badTC != nil && goodTC != nil {
		bd.Differences = wording.ToolchainDifferences(badTC, goodTC)
		if b.Files != nil {
			bd.Files = b.Files(badTC, goodTC)
		}
	}
	bi.Build = bd
	what := "no file difference could be listed"
	if bd.Files != nil {
		what = wording.FileDifference(bd.Files, bad.Tag(), good.Tag())
	}
	rec.Conclusion += "; same Go version, different build: " + what + b.referenceClause(bi, rec.Direction, before, after) + pulls
}

// referenceClause is describeReference's clause when a reference
// repository was given, else "".
func (b *Bisection) referenceClause(bi *record.BisectImages, direction string, before, after images.Image) string {
	if b.Plan.Images.Reference == "" {
		return ""
	}
	return b.describeReference(bi, direction, before, after)
}

// bisectImage is the record of an image.
func bisectImage(im images.Image) *record.BisectImage {
	return &record.BisectImage{Tag: im.Tag(), Tags: im.Tags, Digest: im.Digest, Ref: im.Ref(), GoVersion: im.GoVersion, Created: im.Created}
}

// created is an image's created time as the answer says it.
func created(im images.Image) string {
	return im.Created.UTC().Format("2006-01-02 15:04 MST")
}
