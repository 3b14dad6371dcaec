package report

import (
	"fmt"
	"io"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/report/wording"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// WriteToolchains writes what `gorepro toolchains` shows: one row per
// configured toolchain (resolved[i] is what configured[i] resolved to)
// with its kind, Go version, GOROOT or image, whether it is usable here
// and a note (its warning, or why it is unavailable).
func WriteToolchains(w io.Writer, configured []config.Toolchain, resolved []*toolchain.Resolved) error {
	rows := [][]string{}
	for i, r := range resolved {
		where := r.GOROOT
		if tc := configured[i]; tc.Kind == config.KindImage {
			where = imageColumn(tc, r.Container)
		} else if c := r.RunsIn; c != nil && c.Runtime != nil {
			where += fmt.Sprintf("; runs in %s (%s, %s; %s %s on %s/%s, platform %s)", tc.RuntimeImage, shortID(c.Runtime.ID), c.Runtime.Arch,
				c.EngineName, c.EngineVersion, c.EngineHostOS, c.EngineHostArch, c.Platform)
		}
		status := "usable"
		note := r.Warning
		if !r.Available {
			status = "unavailable"
			note = r.Reason
		}
		rows = append(rows, []string{r.Name, r.Kind, wording.OrDash(r.GoVersion), wording.OrDash(where), status, note})
	}
	return WritePlainTable(w, []string{"NAME", "KIND", "GO", "GOROOT/IMAGE", "STATUS", "NOTE"}, rows)
}

// imageColumn describes an image toolchain: the builder image, what it
// resolved to, where it runs, and the runtime image.
func imageColumn(tc config.Toolchain, c *toolchain.Container) string {
	if c == nil || c.Builder == nil {
		return tc.Image
	}
	s := fmt.Sprintf("%s (%s, %s", tc.Image, shortID(c.Builder.ID), c.Builder.Arch)
	if c.Builder.Digest != "" {
		s += ", " + c.Builder.Digest
	}
	s += fmt.Sprintf("; %s %s on %s/%s, platform %s)", c.EngineName, c.EngineVersion, c.EngineHostOS, c.EngineHostArch, c.Platform)
	if c.Runtime != nil {
		s += fmt.Sprintf(" runs in %s (%s)", tc.RuntimeImage, shortID(c.Runtime.ID))
	}
	return s
}
