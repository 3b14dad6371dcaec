package images

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// unknownGo is the table's Go column for an image whose config names no
// Go version.
const unknownGo = "unknown until pulled"

// WriteTable writes one line per image: repository, tags, Go version,
// platforms, created time (UTC, to the minute) and the digest's first 12
// hex digits (--json and --toolchains give the whole digest).
func WriteTable(w io.Writer, imgs []Image) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REPOSITORY\tTAGS\tGO\tPLATFORMS\tCREATED\tDIGEST")
	for _, im := range imgs {
		goVersion := im.GoVersion
		if goVersion == "" {
			goVersion = unknownGo
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", im.Repository, strings.Join(im.Tags, ","), goVersion,
			strings.Join(im.Platforms, ","), im.Created.UTC().Format(time.DateOnly+" 15:04"), shortDigest(im.Digest))
	}
	return tw.Flush()
}

func shortDigest(d string) string {
	if algo, hex, ok := strings.Cut(d, ":"); ok && len(hex) > 12 {
		return algo + ":" + hex[:12]
	}
	return d
}

// Toolchain is a toolchains.json entry for an image, pinned by digest.
type Toolchain struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Image    string `json:"image"`
	ExpectGo string `json:"expectGo,omitempty"`
}

// Toolchains are the toolchains.json entries of imgs, named
// <last path element>-<tag> (e.g. go-toolset-1.26.8-2).
func Toolchains(imgs []Image) []Toolchain {
	out := make([]Toolchain, 0, len(imgs))
	for _, im := range imgs {
		out = append(out, Toolchain{Name: im.ToolchainName(), Kind: "image", Image: im.Ref(), ExpectGo: im.GoVersion})
	}
	return out
}

// ToolchainName is the name of the image's toolchain entry: the last
// element of its repository and its most specific tag, e.g.
// go-toolset-1.26.8-2.
func (im Image) ToolchainName() string {
	return im.Repository[strings.LastIndex(im.Repository, "/")+1:] + "-" + im.Tag()
}

// WriteToolchains writes {"toolchains": [...]} with one entry a line, so
// that the lines can be pasted into a toolchains.json's toolchains array.
func WriteToolchains(w io.Writer, imgs []Image) error {
	var b strings.Builder
	b.WriteString("{\n  \"toolchains\": [\n")
	tcs := Toolchains(imgs)
	for i, tc := range tcs {
		line, err := json.Marshal(tc)
		if err != nil {
			return err
		}
		b.WriteString("    ")
		b.Write(line)
		if i < len(tcs)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ]\n}\n")
	_, err := io.WriteString(w, b.String())
	return err
}
