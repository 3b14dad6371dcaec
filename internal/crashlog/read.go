package crashlog

import (
	"regexp"
	"strings"
)

// Reading is what Read found in a log.
type Reading struct {
	// Formats are the wrappings removed, e.g. ["cri"]; ["plain"] when
	// there were none.
	Formats []string
	// Prefix is the line prefix removed as the first line that had it
	// showed it ("2024-10-09T09:16:43.6370024Z "), "" when none was;
	// PrefixLines counts the lines that had it.
	Prefix      string
	PrefixLines int
	// Sources are the log's writers (containers, compose services, logcat
	// tags) in order of first appearance, each with its own lines.
	Sources []Source
	// Source is the writer the reading is about: the first one with a
	// crash, else the first.
	Source Source
	// Crashes are Source's crashes, in order (a container that crashed on
	// every restart has several).
	Crashes []Crash
	// Emulator names the emulator whose own lines Source holds
	// ("qemu-user" for "qemu: ..." lines, "Rosetta 2" for "rosetta error:
	// ..."), proof that the program ran under it; EmulatorLine is the
	// first such line.
	Emulator, EmulatorLine string
	// Dumps counts the goroutine dumps in Source that someone asked for
	// (SIGQUIT), which are not crashes.
	Dumps int
	// Structured counts JSON log entries (zap, logr): log entries, not
	// crash output, even when a field holds a goroutine trace.
	// StructuredErrors are the messages of those logged at error level or
	// worse.
	Structured       int
	StructuredErrors []string
}

// Read reads a log: it removes the log's wrapping (see the package
// documentation), splits it by writer and finds the crashes of the first
// writer that has one.
func Read(data []byte) *Reading {
	u := unwrap(data)
	r := &Reading{Formats: u.formats, Prefix: u.prefix, PrefixLines: u.prefixLines, Sources: u.sources, Source: u.sources[0], Structured: u.structured, StructuredErrors: u.structuredErrors}
	for _, s := range u.sources {
		if crashes := FindCrashes(s.Lines); len(crashes) > 0 {
			r.Source, r.Crashes = s, crashes
			break
		}
	}
	r.Dumps = CountDumps(r.Source.Lines)
	r.Emulator, r.EmulatorLine = emulatorOf(r.Source.Lines)
	return r
}

// emulatorLineRE matches a line an emulator prints itself: qemu-user's
// ("qemu: Unsupported syscall: 403", "qemu-aarch64: ...") and Rosetta's.
var emulatorLineRE = regexp.MustCompile(`^(?:(qemu)(?:-[A-Za-z0-9_.-]+)?|(rosetta) error): `)

// emulatorOf returns the emulator whose own lines are in lines, and the
// first of them.
func emulatorOf(lines []string) (string, string) {
	for _, l := range lines {
		if !strings.HasPrefix(l, "qemu") && !strings.HasPrefix(l, "rosetta") {
			continue
		}
		if m := emulatorLineRE.FindStringSubmatch(l); m != nil {
			if m[1] != "" {
				return "qemu-user", l
			}
			return "Rosetta 2", l
		}
	}
	return "", ""
}
