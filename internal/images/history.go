package images

import (
	"cmp"
	"go/version"
	"slices"
	"strconv"
	"strings"
)

// SortBuilds orders the images of one repository as the history of its
// builds, oldest first: by Go version, then by build — created time,
// then the vendor's release number (Release), then the most specific tag
// and the digest, so that the order is total. Images whose Go version is
// unknown come last. (List orders newest first, for reading; a history is
// searched oldest first.)
func SortBuilds(imgs []Image) {
	slices.SortStableFunc(imgs, compareBuilds)
}

// compareBuilds compares two images as builds: see SortBuilds.
func compareBuilds(a, b Image) int {
	if (a.GoVersion == "") != (b.GoVersion == "") {
		if a.GoVersion == "" {
			return 1
		}
		return -1
	}
	ra, _ := a.Release()
	rb, _ := b.Release()
	return cmp.Or(
		version.Compare(a.GoVersion, b.GoVersion),
		a.Created.Compare(b.Created),
		cmp.Compare(ra, rb),
		strings.Compare(a.Tag(), b.Tag()),
		strings.Compare(a.Digest, b.Digest),
	)
}

// Release is the vendor's build number of the image, read from a tag of
// the form <Go version>-<release> such as go-toolset's "1.26.8-2" or
// "1.25.3-1763038106"; ok is false when no tag has that form (Docker's
// "1.25.5-bookworm" has none).
func (im Image) Release() (release uint64, ok bool) {
	goVer := strings.TrimPrefix(im.GoVersion, "go")
	for _, t := range im.Tags {
		rest, found := strings.CutPrefix(t, goVer+"-")
		if goVer == "" || !found {
			continue
		}
		if n, err := strconv.ParseUint(rest, 10, 64); err == nil {
			return n, true
		}
	}
	return 0, false
}

// HasTag reports whether tag names the image.
func (im Image) HasTag(tag string) bool { return slices.Contains(im.Tags, tag) }
