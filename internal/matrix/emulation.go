package matrix

import (
	"fmt"
	"strings"

	"github.com/gorepro/gorepro/internal/diagnose"

	"github.com/gorepro/gorepro/internal/cellbuild"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/emulation"
	"github.com/gorepro/gorepro/internal/record"
)

// binaryArch is the built binary's real architecture, from its ELF header,
// or what its build info says when the header cannot be read.
func binaryArch(built *cellbuild.Result) string {
	if arch, err := emulation.ELFArch(built.Binary); err == nil {
		return arch
	}
	return built.GOARCH
}

// recordEmulation records, for a cell whose binary ran, whether it ran
// under an emulator and which, warns when that was not asked for (arch
// "native", yet the binary is for another architecture: a Dockerfile that
// defaults GOARCH=amd64 on an arm64 host), and keeps a probe target's
// report.
//
// Binaries of local toolchains run on this host, under its binfmt_misc
// handlers. Binaries that run in a container (of an image toolchain, or
// a host toolchain's runtime image) run on the engine's host, whose
// handlers the engine emulation probe read from inside a container
// (view, see Runner.engineView; nil when the binary is of the engine
// host's architecture): on a Mac that is the VM's, which this host cannot
// read. A probe that failed (viewErr) leaves the emulator "unknown", with
// a warning saying why.
func recordEmulation(p plan, cell *record.Cell, logs map[string][]byte, view *emulation.EngineView, viewErr error) {
	if c := p.tc.RunContainer(); c != nil && c.EngineHostArch != "" {
		if view != nil {
			cell.Emulated, cell.Emulator = view.Emulator(cell.BinaryArch, c.EngineHostArch)
		} else {
			cell.Emulated, cell.Emulator = emulation.Emulator(cell.BinaryArch, c.EngineHostArch, nil)
		}
		if viewErr != nil && cell.Emulated {
			cell.Warnings = append(cell.Warnings, "which emulator ran the binary is unknown: "+oneLineOf(viewErr.Error()))
		}
	} else {
		handlers, _ := emulation.Handlers("")
		cell.Emulated, cell.Emulator = emulation.Emulator(cell.BinaryArch, cell.HostArch, handlers)
	}
	// A native cell whose binary is not for the platform it was meant to
	// run on emulates without having been asked to; an explicit platform
	// (or arch) is asked for.
	if cell.Emulated && p.native && cell.BinaryArch != cellHostArch(p.tc, cell.HostArch) {
		warning := fmt.Sprintf("binary is %s but the host is %s: it ran under emulation (%s)", cell.BinaryArch, cell.HostArch, cell.Emulator)
		if p.target.Kind == config.TargetDockerfile {
			warning += " — a Dockerfile default GOARCH?"
		}
		cell.Warnings = append(cell.Warnings, warning)
	}
	if p.target.Kind != config.TargetEnvProbe {
		return
	}
	for i := 1; i <= len(cell.RunResults); i++ {
		if facts, ok := emulation.ParseProbe(logs[fmt.Sprintf("run-%d.log", i)]); ok {
			cell.EnvProbe = facts
			return
		}
	}
	warning := "the probe printed no report"
	if reason := strings.TrimSpace(cell.Reason); reason != "" {
		warning += ": " + reason
	}
	cell.Warnings = append(cell.Warnings, warning)
}

// knownIssues matches a crashed cell's signature against the known upstream
// issues, with the cell's own facts deciding whether each is the cause or
// only similar.
func knownIssues(c *record.Cell) {
	if c.Signature == "" {
		return
	}
	emulated := c.Emulated
	for _, m := range diagnose.MatchIssues(diagnose.Facts{
		Signature:  c.Signature,
		GoVersion:  c.GoVersion,
		BinaryArch: c.BinaryArch,
		HostArch:   c.HostArch,
		Emulated:   &emulated,
	}) {
		c.KnownIssues = append(c.KnownIssues, record.KnownIssueMatch{
			ID: m.Issue.ID, URL: m.Issue.URL, Verdict: m.Verdict(), Why: m.Why, Workaround: m.Issue.Workaround,
		})
	}
}
