package report

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gorepro/gorepro/internal/report/wording"
)

// toolchainGOOS is the GOOS a toolchain's binaries were built for.
func (r *markdownReport) toolchainGOOS(name string) string {
	for _, c := range r.run.Cells {
		if c.Toolchain == name && c.GOOS != "" {
			return c.GOOS
		}
	}
	return wording.OrDash(r.run.Host.GOOS)
}

// writeGoVersions writes the "What version of Go" section: a `go version`
// line per toolchain and the images of container toolchains.
func (r *markdownReport) writeGoVersions(b *strings.Builder) {
	b.WriteString("## What version of Go are you using (`go version`)?\n\n")
	tcs := r.facts.toolchains
	if len(tcs) == 0 {
		b.WriteString("No toolchain was recorded.\n\n")
		return
	}
	labels := make([]string, len(tcs))
	width := 0
	for i, tc := range tcs {
		labels[i] = tc.Name + " (" + wording.OrDash(tc.Kind) + ")"
		width = max(width, utf8.RuneCountInString(labels[i]))
	}
	lines := make([]string, len(tcs))
	for i, tc := range tcs {
		pad := strings.Repeat(" ", width-utf8.RuneCountInString(labels[i]))
		switch {
		case !tc.Available && tc.GoVersion == "":
			lines[i] = labels[i] + pad + "  unavailable: " + wording.OneLine(tc.Reason)
		default:
			version := "go version " + wording.OrDash(tc.GoVersion)
			if tc.Experiments != "" {
				version += " X:" + tc.Experiments
			}
			arch := tc.GoEnv["GOARCH"]
			if arch == "" {
				arch = wording.OrDash(tc.HostArch)
			}
			lines[i] = labels[i] + pad + "  " + version + " " + r.toolchainGOOS(tc.Name) + "/" + arch
			if !tc.Available {
				lines[i] += " (unavailable: " + wording.OneLine(tc.Reason) + ")"
			}
		}
	}
	r.writeCodeBlock(b, "", lines)
	listed := false
	for _, tc := range tcs {
		var parts []string
		if c := tc.Container; c != nil && c.Image != "" {
			parts = append(parts, "builder image "+r.imageText(builderImage(c)))
			if c.RuntimeImage != "" {
				parts = append(parts, "runtime image "+r.imageText(runtimeImage(c)))
			}
		}
		if tc.Warning != "" {
			parts = append(parts, "warning: "+r.text(tc.Warning))
		}
		if len(parts) > 0 {
			fmt.Fprintf(b, "- %s: %s\n", r.code(tc.Name), strings.Join(parts, "; "))
			listed = true
		}
	}
	if listed {
		b.WriteString("\n")
	}
}

// imageText describes an image: its reference, digest, short ID and
// architecture.
func (r *markdownReport) imageText(img imageFacts) string {
	text := r.code(img.ref)
	var facts []string
	if img.digest != "" {
		facts = append(facts, "digest "+r.code(img.digest))
	}
	if img.id != "" {
		facts = append(facts, "ID "+r.code(shortID(img.id)))
	}
	if img.arch != "" {
		facts = append(facts, r.text(img.arch))
	}
	if len(facts) > 0 {
		text += " (" + strings.Join(facts, ", ") + ")"
	}
	return text
}

// shortID is an image ID as `podman images` shows it: 12 hex digits.
func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
