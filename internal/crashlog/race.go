package crashlog

import (
	"regexp"
	"strings"
)

// RaceHeading is the heading of a report of the race detector (a binary
// built with -race), and the heading of every race signature.
const RaceHeading = "WARNING: DATA RACE"

// RaceExitStatus is the exit status of a -race binary that found a race
// (GORACE's default exitcode).
const RaceExitStatus = 66

var (
	// raceTestRE matches go test's line for a test during which the race
	// detector reported a race: "testing.go:1319: race detected during
	// execution of test".
	raceTestRE = regexp.MustCompile(`\btesting\.go:\d+: race detected during execution of test\b`)
	// raceAccessRE matches the header of an access's stack in a race
	// report: "Write at 0x00c0001d3fa0 by goroutine 40:", "Previous read
	// at 0x... by main goroutine:", and the old form without an address,
	// "Read by goroutine 13:".
	raceAccessRE = regexp.MustCompile(`^(Previous )?([A-Za-z][A-Za-z -]*?)(?: at 0x[0-9a-fA-F]+)? by (goroutine \d+|main goroutine):$`)
	// raceCreatedRE matches "Goroutine 40 (running) created at:", which
	// ends the accesses of a race report.
	raceCreatedRE = regexp.MustCompile(`^Goroutine \d+ \([^)]*\) created at:$`)
)

// raceAccess is one access's stack in a race report.
type raceAccess struct {
	// what is the access as reported, e.g. "previous read by goroutine 41".
	what   string
	frames []string
}

// isRaceTestLine reports whether line is go test's report of a test during
// which a race was detected.
func isRaceTestLine(line string) bool {
	return strings.Contains(line, "race detected") && raceTestRE.MatchString(line)
}

// readRace describes the race report whose heading is line and whose text
// follows in after: its frames are those of the current access, outside
// the runtime; the other access's frame goes into the details.
func readRace(line string, after []string) (Crash, headingFound) {
	info := Crash{RawHeading: line, Heading: RaceHeading, Race: true}
	if isRaceTestLine(line) {
		// go test says a race was found; the report itself is not in the
		// log (another part of it, or a log that kept the test's lines).
		info.Details = []string{"go test reported a race during a test (" + strings.TrimSpace(raceTestRE.FindString(line)) + "); the race report itself is not in the log"}
		return info, tracedCrash
	}
	accesses := raceAccesses(after)
	if len(accesses) == 0 {
		return info, untracedCrash
	}
	info.Traced = true
	info.Frames = raceFrames(accesses[0].frames)
	for _, other := range accesses[1:] {
		detail := "the other access: " + other.what
		if f := raceFrames(other.frames); len(f) > 0 {
			detail += " in " + f[0]
		} else {
			detail += " (its stack was not restored)"
		}
		info.Details = append(info.Details, detail)
	}
	return info, tracedCrash
}

// raceAccesses returns the accesses of a race report, the current one
// first, each with its frames. The report's stacks are indented.
func raceAccesses(lines []string) []raceAccess {
	var out []raceAccess
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "==================") || raceCreatedRE.MatchString(t) || HeadingKind(t) != "" {
			if len(out) > 0 {
				break
			}
			continue
		}
		if m := raceAccessRE.FindStringSubmatch(t); m != nil {
			what := strings.ToLower(strings.TrimSpace(m[1]+m[2])) + " by " + m[3]
			out = append(out, raceAccess{what: what})
			continue
		}
		if name, ok := FrameFunc(t); ok && len(out) > 0 {
			last := &out[len(out)-1]
			last.frames = append(last.frames, name)
		}
	}
	return out
}

// raceFrames returns the meaningful frames of an access's stack: the
// runtime functions the access went through (a map assignment) and crash
// machinery are skipped to reach the code that raced.
func raceFrames(frames []string) []string {
	return keepFrames(frames, func(f string) bool { return isRuntimeFrame(f) || isMachinery(f) })
}
