package bisection

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/images"
	"github.com/gorepro/gorepro/internal/record"
)

// What the separating probes of an image bisection show matters
// (record.ImageReference.Matters).
const (
	MattersBuild     = "build"     // the vendor's build, not the Go version
	MattersVersion   = "version"   // the Go version, whoever built it
	MattersBoth      = "both"      // the Go version, and the vendor's build of the other one
	MattersUndecided = "undecided" // the reference has no image to judge
)

// separatingProbe is a probe of a reference image: one of the second
// repository's images of a Go version at the boundary.
type separatingProbe struct {
	image images.Image
	probe Probe
}

// separate runs the separating cells of an image bisection given a second
// repository (--image twice, vendor then upstream): after the search over
// the vendor's builds found its boundary, the reference repository's
// newest image of each Go version at the boundary is probed like a
// candidate. Whether those images are good or bad where the vendor's are
// tells whether the vendor's build or the Go version matters
// (vendorOrVersion).
func (b *Bisection) separate(ctx context.Context, res *bisect.Result, progress io.Writer) error {
	ip := b.Plan.Images
	if ip == nil || ip.Reference == "" || res == nil || res.Boundary == nil {
		return nil
	}
	before, after := ip.Images[res.Boundary.Before], ip.Images[res.Boundary.After]
	for _, goVer := range slices.Compact([]string{before.GoVersion, after.GoVersion}) {
		im, ok := newestOf(ip.ReferenceImages, goVer)
		if !ok {
			continue
		}
		tc := ip.Template
		tc.Name, tc.Kind, tc.Image, tc.ExpectGo = ip.referenceName(im), config.KindImage, im.Ref(), im.GoVersion
		pc := *b.Plan.Config
		pc.Toolchains = []config.Toolchain{tc}
		cell, err := b.Prober.Probe(ctx, Request{Config: &pc, Fresh: b.NoCache})
		if err != nil {
			return err
		}
		p := Judge(cell, im.Tag(), b.Plan.Pred, b.Plan.Threshold)
		b.separating = append(b.separating, separatingProbe{image: im, probe: p})
		if progress != nil {
			fmt.Fprintf(progress, "bisect: separating probe %s (%s): %s (%s)\n", im.Ref(), goVer, p.Verdict, p.Outcome)
		}
	}
	return nil
}

// referenceName is the toolchain name of a reference image: as the
// images command names it, unless a candidate has that name.
func (ip *ImagePlan) referenceName(im images.Image) string {
	name := im.ToolchainName()
	for _, c := range ip.Images {
		if c.ToolchainName() == name {
			return "reference-" + name
		}
	}
	return name
}

// newestOf is the newest build of Go version goVer among imgs.
func newestOf(imgs []images.Image, goVer string) (images.Image, bool) {
	var best images.Image
	found := false
	for _, im := range imgs {
		if im.GoVersion == goVer && (!found || im.Created.After(best.Created)) {
			best, found = im, true
		}
	}
	return best, found
}

// describeReference records the separating probes in bi and returns the
// clause of the conclusion that says what they show.
func (b *Bisection) describeReference(bi *record.BisectImages, direction string, before, after images.Image) string {
	ip := b.Plan.Images
	ref := &record.ImageReference{Repository: ip.Reference, Probes: []record.ReferenceProbe{}}
	verdicts := map[string]separatingProbe{}
	for _, sp := range b.separating {
		ref.Probes = append(ref.Probes, record.ReferenceProbe{Image: *bisectImage(sp.image), Probe: sp.probe.Record()})
		verdicts[sp.image.GoVersion] = sp
	}
	ref.Matters, ref.Verdict = vendorOrVersion(ip.Reference, direction, before, after, verdicts)
	bi.Reference = ref
	return "; vendor or version: " + ref.Verdict
}

// vendorOrVersion says what the separating probes show (one of the
// Matters constants, and a clause): the boundary's bad and good images
// of the vendor (before and after, by direction) against the reference
// repository's images of the same Go versions (by Go version; missing
// when it has none).
func vendorOrVersion(refRepo, direction string, before, after images.Image, ref map[string]separatingProbe) (string, string) {
	bad, good := after, before
	if direction == record.DirectionFix {
		bad, good = before, after
	}
	rb, okB := ref[bad.GoVersion]
	rg, okG := ref[good.GoVersion]
	name := func(sp separatingProbe) string {
		return fmt.Sprintf("%s:%s (%s)", refRepo, sp.image.Tag(), sp.image.GoVersion)
	}
	switch {
	case !okB || rb.probe.Verdict == bisect.Skip:
		why := "has no image of " + bad.GoVersion
		if okB {
			why = fmt.Sprintf("could not judge its %s image (%s)", bad.GoVersion, rb.probe.Outcome)
		}
		return MattersUndecided, fmt.Sprintf("undecided: %s %s, the Go version of the vendor's bad %s", refRepo, why, bad.Tag())
	case bad.GoVersion == good.GoVersion:
		return MattersBuild, fmt.Sprintf("the vendor's build matters: its %s (bad) and %s (good) are both %s, and %s is %s",
			bad.Tag(), good.Tag(), bad.GoVersion, name(rb), rb.probe.Verdict)
	case rb.probe.Verdict == bisect.Good:
		return MattersBuild, fmt.Sprintf("the vendor's build matters: %s is good where the vendor's %s of the same Go version is bad", name(rb), bad.Tag())
	case okG && rg.probe.Verdict == bisect.Good:
		return MattersVersion, fmt.Sprintf("the Go version matters: %s is bad and %s good, as the vendor's %s and %s are", name(rb), name(rg), bad.Tag(), good.Tag())
	case okG && rg.probe.Verdict == bisect.Bad:
		return MattersBoth, fmt.Sprintf("%s is bad in both repositories (%s), and the vendor's %s is good where %s is bad", bad.GoVersion, name(rb), good.Tag(), name(rg))
	}
	return MattersVersion, fmt.Sprintf("the Go version matters: %s is bad as the vendor's %s is (%s has no judged %s image to compare the good side with)", name(rb), bad.Tag(), refRepo, good.GoVersion)
}
