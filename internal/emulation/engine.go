package emulation

import (
	_ "embed"
	"encoding/json"
	"strings"
)

// BinfmtProbeModulePath is the module path of the engine emulation probe.
const BinfmtProbeModulePath = "gorepro.local/binfmtprobe"

//go:embed binfmtprobe/main.go.tmpl
var binfmtProbeSource []byte

// binfmtProbeMarker starts the JSON line the engine probe prints.
const binfmtProbeMarker = `{"gorepro":"binfmt"`

// GenerateBinfmtProbe writes (or reuses) the engine emulation probe's
// module under workDir/binfmtprobe/<hash>/ and returns its directory. Its
// binary, built for the platform in question, runs in a container with
// the engine host's /proc/sys/fs/binfmt_misc mounted read-only at the
// path given as its argument, and prints what ParseBinfmtProbe reads.
func GenerateBinfmtProbe(workDir string) (string, error) {
	return generate(workDir, "binfmtprobe", "module "+BinfmtProbeModulePath+"\n\ngo 1.26\n", binfmtProbeSource)
}

// EngineView is what the engine probe saw from inside a container of one
// platform: the binfmt_misc handlers of the machine the engine runs
// containers on (for a Podman machine or Docker Desktop, the Linux VM,
// whose handlers the Mac cannot read), and the translator the process
// found mapped into itself, if any.
type EngineView struct {
	// Mounted says that binfmt_misc is mounted on the engine's machine.
	Mounted bool
	// Handlers are its handlers, sorted by name.
	Handlers []Handler
	// TranslatorSeen is what the probe process saw of a translator in
	// itself: the first word of /proc/self/cmdline or a file mapped in
	// /proc/self/maps that names Rosetta ("/mnt/rosetta",
	// "/run/rosetta/rosetta"), "" when nothing does. qemu-user answers
	// both files itself, with the guest's view, so it never shows here.
	TranslatorSeen string
}

// ParseBinfmtProbe finds the engine probe's JSON line in its output; ok
// is false when there is none.
func ParseBinfmtProbe(output []byte) (view EngineView, ok bool) {
	for _, line := range markedLines(output, binfmtProbeMarker) {
		var p struct {
			Mounted        bool              `json:"mounted"`
			Status         string            `json:"status"`
			Handlers       map[string]string `json:"handlers"`
			TranslatorSeen string            `json:"translatorSeen"`
		}
		if json.Unmarshal(line, &p) != nil {
			continue
		}
		view := EngineView{Mounted: p.Mounted, TranslatorSeen: p.TranslatorSeen}
		for name, content := range p.Handlers {
			h := ParseHandler(name, []byte(content))
			h.Enabled = h.Enabled && p.Status != "disabled"
			view.Handlers = append(view.Handlers, h)
		}
		sortHandlers(view.Handlers)
		return view, true
	}
	return EngineView{}, false
}

// Emulator is Emulator for a binary of binArch run on a runArch machine
// that the engine probe saw: Rosetta when the probe's own process (of
// the same platform) found Rosetta mapped into itself, else what the
// handlers say.
func (v EngineView) Emulator(binArch, runArch string) (emulated bool, how string) {
	emulated, how = Emulator(binArch, runArch, v.Handlers)
	if emulated && v.TranslatorSeen != "" && strings.Contains(strings.ToLower(v.TranslatorSeen), "rosetta") {
		return true, Rosetta
	}
	return emulated, how
}
