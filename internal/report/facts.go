package report

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// runFacts are the facts about a run that more than one report states:
// its toolchains, how long it took, the container engines it used and
// where its binaries ran natively or under emulation. newRunFacts derives
// them once; the Markdown report and the HTML page each word them their
// own way.
type runFacts struct {
	// toolchains are the run's resolved toolchains; for a run recorded
	// before gorepro stored them, what its cells say about them.
	toolchains []record.Toolchain
	// imageToolchain says whether a toolchain is a builder image.
	imageToolchain bool
	// took is how long the run took, when timed says it is known (both
	// times recorded, in order).
	took  time.Duration
	timed bool
	// engines are the container engines the run used (usedEngines).
	engines   []record.Container
	emulation emulationFacts
}

// emulationFacts say where a run's binaries ran.
type emulationFacts struct {
	// ran is how many cells ran their binary.
	ran int
	// native are the binary/host architectures (CellArch) of the cells
	// that ran natively, and emulated those that ran under emulation with
	// their emulators, first seen first.
	native   []string
	emulated []emulatedArch
	// byEmulator counts every cell marked emulated by its emulator ("-"
	// when none was recorded).
	byEmulator map[string]int
}

// emulatedArch is one architecture run under one emulator, and how many
// cells that ran did.
type emulatedArch struct {
	arch, emulator string
	cells          int
}

// newRunFacts derives the facts of run.
func newRunFacts(run *record.Run) *runFacts {
	f := &runFacts{toolchains: runToolchains(run), engines: usedEngines(run)}
	f.imageToolchain = slices.ContainsFunc(f.toolchains, func(tc record.Toolchain) bool { return tc.Kind == "image" })
	if !run.Started.IsZero() && !run.Finished.IsZero() && !run.Finished.Before(run.Started) {
		f.took, f.timed = run.Finished.Sub(run.Started).Round(time.Second), true
	}
	f.emulation = newEmulationFacts(run.Cells)
	return f
}

// newEmulationFacts says where the binaries of cells ran.
func newEmulationFacts(cells []record.Cell) emulationFacts {
	e := emulationFacts{byEmulator: map[string]int{}}
	for _, c := range cells {
		if c.Emulated {
			e.byEmulator[wording.OrDash(c.Emulator)]++
		}
		if c.Runs == 0 {
			continue
		}
		e.ran++
		arch := CellArch(c)
		if !c.Emulated {
			if !slices.Contains(e.native, arch) {
				e.native = append(e.native, arch)
			}
			continue
		}
		i := slices.IndexFunc(e.emulated, func(g emulatedArch) bool { return g.arch == arch && g.emulator == c.Emulator })
		if i < 0 {
			i = len(e.emulated)
			e.emulated = append(e.emulated, emulatedArch{arch: arch, emulator: c.Emulator})
		}
		e.emulated[i].cells++
	}
	return e
}

// emulators are the emulators of byEmulator, sorted.
func (e emulationFacts) emulators() []string {
	return slices.Sorted(maps.Keys(e.byEmulator))
}

// runToolchains are the run's toolchains; for a run recorded before
// gorepro stored them, what its cells say about them.
func runToolchains(run *record.Run) []record.Toolchain {
	if len(run.Toolchains) > 0 {
		return run.Toolchains
	}
	var out []record.Toolchain
	index := map[string]int{}
	for _, c := range run.Cells {
		i, ok := index[c.Toolchain]
		if !ok {
			i = len(out)
			index[c.Toolchain] = i
			out = append(out, record.Toolchain{Name: c.Toolchain, Kind: c.ToolchainKind, Reason: c.Reason, HostArch: run.Host.GOARCH})
		}
		tc := &out[i]
		if c.Outcome != record.Unavailable {
			tc.Available = true
			tc.Reason = ""
			if tc.GoVersion == "" {
				tc.GoVersion = c.GoVersion
			}
		}
		if tc.Container == nil && c.Container != nil {
			tc.Container = c.Container
		}
	}
	return out
}

// usedEngines lists the container engines a run used, each engine,
// version and engine host architecture once, in the order its toolchains
// and then its cells name them (only those fields are set).
func usedEngines(run *record.Run) []record.Container {
	var used []record.Container
	add := func(c *record.Container) {
		if c == nil || c.Engine == "" {
			return
		}
		e := record.Container{Engine: c.Engine, EngineVersion: c.EngineVersion, EngineHostArch: c.EngineHostArch}
		if !slices.Contains(used, e) {
			used = append(used, e)
		}
	}
	for _, tc := range run.Toolchains {
		add(tc.Container)
	}
	for _, c := range run.Cells {
		add(c.Container)
	}
	return used
}

// hostName is a host as "linux/amd64 (name)".
func hostName(h record.Host) string {
	s := wording.OrDash(h.GOOS) + "/" + wording.OrDash(h.GOARCH)
	if h.Hostname != "" {
		s += " (" + h.Hostname + ")"
	}
	return s
}

// imageFacts is one image of a container toolchain: its reference, digest, ID
// and architecture, any of which may be empty.
type imageFacts struct {
	ref, digest, id, arch string
}

// builderImage is the image c built in.
func builderImage(c *record.Container) imageFacts {
	return imageFacts{c.Image, c.ImageDigest, c.ImageID, c.ImageArch}
}

// runtimeImage is the image c ran binaries in.
func runtimeImage(c *record.Container) imageFacts {
	return imageFacts{c.RuntimeImage, c.RuntimeImageDigest, c.RuntimeImageID, c.RuntimeImageArch}
}

// goEnvOrder is the order go env variables are listed in (the ones
// gorepro records, container.ReportedGoEnv).
func goEnvOrder() []string {
	return []string{"GOARCH", "GOAMD64", "GOARM64", "GOARM", "CGO_ENABLED", "GOFLAGS", "GOEXPERIMENT", "GOTOOLCHAIN"}
}

// goEnvKeys are the variables of env in the order reports list them:
// those of goEnvOrder first, then the others sorted. The architecture
// levels that do not apply to GOARCH (GOARM64 and GOARM of an amd64
// toolchain: the go command reports them empty) are left out.
func goEnvKeys(env map[string]string) []string {
	var keys []string
	for _, k := range goEnvOrder() {
		if v, ok := env[k]; ok && (v != "" || !archLevel(k)) {
			keys = append(keys, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if !slices.Contains(goEnvOrder(), k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// archLevel reports whether k is the variable of one architecture's
// level (GOAMD64, GOARM64, GOARM), empty for the other architectures.
func archLevel(k string) bool {
	return k == "GOAMD64" || k == "GOARM64" || k == "GOARM"
}

// knownIssueText says what a known issue a crash matches means, with why
// it matches and its workaround; word formats each part taken from the
// record (the Markdown report escapes them one by one).
func knownIssueText(k record.KnownIssueMatch, word func(string) string) string {
	text := word(k.Verdict)
	if len(k.Why) > 0 {
		text += " (" + word(strings.Join(k.Why, "; ")) + ")"
	}
	if k.Workaround != "" {
		text += "; workaround: " + word(k.Workaround)
	}
	return text
}
