package crashlog

import (
	"fmt"
	"regexp"
	"strings"
)

// sigquitHeading starts a goroutine dump requested with SIGQUIT.
const sigquitHeading = "SIGQUIT: quit"

// CountDumps counts the SIGQUIT goroutine dumps in lines: dumps someone
// asked for, not crashes.
func CountDumps(lines []string) int {
	n := 0
	for _, l := range lines {
		if l == sigquitHeading {
			n++
		}
	}
	return n
}

// FindCrashes splits lines into sections, one per crash heading (a signal
// heading right after a panic or fatal error, as GOTRACEBACK=crash prints
// it, and a death line (qemu's, Android's) right after a Go crash belong
// to that crash; SIGQUIT dumps are left out), and returns the crashes found in
// them, in order. Headings the log ends with, without a trace, count too
// (a truncated log, or GOTRACEBACK=none), marked Truncated: the first of
// them is the crash, the others (a second fatal error while the first was
// being reported, other threads printing the same heading) follow from it.
func FindCrashes(lines []string) []Crash {
	kinds, headings := headingKinds(lines)
	var crashes []Crash
	for h, start := range headings {
		kind := kinds[start]
		if h > 0 && kind == kindSignal && lines[start] != sigquitHeading && kinds[headings[h-1]] != kindSignal {
			continue // the abort after a panic or fatal error
		}
		if lines[start] == sigquitHeading {
			continue
		}
		if kind == kindDeath && len(crashes) > 0 {
			// The emulator or the system reporting the Go crash before it.
			if prev := &crashes[len(crashes)-1]; prev.Emulator == "" {
				prev.Emulator = deathLine(lines[start]).Emulator
			}
			continue
		}
		end := len(lines)
		for _, j := range headings[h+1:] {
			if kind == kindSignal || kinds[j] != kindSignal || lines[j] == sigquitHeading {
				end = j
				break
			}
		}
		from := start
		for from > 0 && strings.HasPrefix(lines[from-1], "runtime: ") {
			from--
		}
		c, ok := ParseCrash(lines[from:end], false)
		if !ok && from < start && kind == kindFatal {
			// An abridged throw: the runtime's diagnostic and its fatal
			// error, without the trace (a paste kept only those lines).
			if c, ok = ParseCrash(lines[from:end], true); ok {
				c.Lines = lines[from:end]
				c.Truncated = true
				c.TruncatedReason = "no trace follows the heading: the log keeps only the runtime's diagnostic and the fatal error"
				crashes = append(crashes, c)
				continue
			}
		}
		if !ok {
			if !onlyHeaderLinesAfter(lines[start+1:]) {
				continue
			}
			// The log ends with headings: accepted as a crash of a
			// process that exited with status 2, the runtime's.
			if c, ok = ParseCrash(lines[from:], true); !ok {
				continue
			}
			c.Lines = lines[from:]
			c.Truncated = true
			c.TruncatedReason = "the log ends right after the crash heading, before any frame (cut off, or GOTRACEBACK=none)"
			return append(crashes, c)
		}
		c.Lines = lines[from:end]
		if !c.Truncated && end == len(lines) && c.Emulator == "" {
			c.Truncated, c.TruncatedReason = traceCutOff(c.Lines)
		}
		crashes = append(crashes, c)
	}
	return crashes
}

// onlyHeaderLinesAfter reports whether lines hold nothing but blank lines,
// goroutine or "runtime stack:" headers, signal details and further
// headings: a trace that has not started.
func onlyHeaderLinesAfter(lines []string) bool {
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "", t == "runtime stack:", strings.HasPrefix(t, "goroutine "), strings.HasPrefix(t, "[signal "),
			strings.HasPrefix(t, "PC="), strings.HasPrefix(t, "runtime: "), HeadingKind(l) != "":
		default:
			return false
		}
	}
	return true
}

var (
	// fileLineRE matches the file line under a frame and captures the
	// path and the code offset: "\t/usr/lib/golang/src/runtime/panic.go:1094 +0x48 fp=...".
	fileLineRE = regexp.MustCompile(`^\s+(\S+\.(?:go|s)):\d+(?: \+0x([0-9a-fA-F]+))?`)
	// bareFileLineRE matches a file line that a paste lost the indentation
	// of; without it, only the whole line in the runtime's exact form
	// counts (so "./main.go:12:3: undefined: x" does not).
	bareFileLineRE = regexp.MustCompile(`^(\S+\.(?:go|s)):\d+(?: \+0x([0-9a-fA-F]+))?(?: fp=\S+(?: sp=\S*(?: pc=?\S*)?)?)?$`)
	// frameLineRE matches a frame line: "runtime.throw({0x239740d?, 0x0?})".
	frameLineRE = regexp.MustCompile(`^[^\s(][^\s]*\(.*\)$`)
)

// traceCutOff reports whether the log ends inside the section's last
// goroutine trace and says where: a complete trace ends at the goroutine's
// first function (main.main, runtime.goexit, runtime.main, an init
// function) or with a "created by" line.
func traceCutOff(section []string) (bool, string) {
	last := len(section) - 1
	for last >= 0 && strings.TrimSpace(section[last]) == "" {
		last--
	}
	if last < 0 {
		return false, ""
	}
	tail := section[last]
	switch {
	case strings.HasPrefix(tail, "goroutine ") || tail == "runtime stack:":
		return true, fmt.Sprintf("the log ends at %q, before any frame of that trace", tail)
	case frameLineRE.MatchString(tail):
		return true, fmt.Sprintf("the log ends at the frame %s, without its file line", frameName(tail))
	case strings.Contains(tail, "additional frames elided"):
		return false, ""
	case partialFrameRE.MatchString(tail) && !strings.HasSuffix(tail, ")"):
		return true, fmt.Sprintf("the log ends in the middle of a frame line (%q)", tail)
	case !isFileLine(tail):
		if strings.TrimLeft(tail, " \t") != tail && last > 0 && frameLineRE.MatchString(section[last-1]) {
			return true, fmt.Sprintf("the log ends in the middle of the file line of %s", frameName(section[last-1]))
		}
		return false, ""
	}
	// The tail is a file line: find its frame and the trace it belongs to.
	frame, runtimeShown := "", false
	for i := last - 1; i >= 0; i-- {
		l := section[i]
		if strings.HasPrefix(l, "goroutine ") || l == "runtime stack:" || HeadingKind(l) != "" {
			break
		}
		if frame == "" && strings.HasPrefix(l, "created by ") {
			return false, ""
		}
		if frameLineRE.MatchString(l) {
			name := frameName(l)
			if frame == "" {
				frame = name
			}
			if strings.HasPrefix(name, "runtime.") {
				runtimeShown = true
			}
		}
	}
	switch {
	case frame == "":
		return false, ""
	case frame == "main.main", frame == "runtime.goexit", frame == "runtime.main", frame == "runtime.rt0_go",
		strings.HasPrefix(frame, "runtime.mstart"):
		return false, ""
	case !runtimeShown && initFuncRE.MatchString(frame):
		// Without runtime frames (GOTRACEBACK=single) an initialiser is
		// the bottom of the trace.
		return false, ""
	}
	return true, fmt.Sprintf("the trace ends at %s, before the goroutine's first function (main.main, runtime.main or a \"created by\" line)", frame)
}

// partialFrameRE matches the start of a frame line: a function name and
// its opening parenthesis.
var partialFrameRE = regexp.MustCompile(`^[A-Za-z_][\w./*()\[\]-]*\(`)

// initFuncRE matches a package initialiser: "pkg.init" or "pkg.init.0".
var initFuncRE = regexp.MustCompile(`\.init(\.\d+)?$`)

// frameName returns the function of a frame line (the line itself when it
// is not one, e.g. cut before its closing parenthesis).
func frameName(line string) string {
	if name, ok := FrameFunc(strings.TrimSpace(line)); ok {
		return name
	}
	return line
}

// FileLine parses the file line under a frame
// ("\t/usr/lib/golang/src/runtime/panic.go:1094 +0x48 fp=..."): the path
// and the code offset in hex ("48"; "" when the line has none).
func FileLine(line string) (path, offset string, ok bool) {
	re := fileLineRE
	if line != "" && line[0] != ' ' && line[0] != '\t' {
		re = bareFileLineRE
	}
	m := re.FindStringSubmatch(line)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// isFileLine reports whether line is the file line under a frame.
func isFileLine(line string) bool {
	if !strings.Contains(line, ".go:") && !strings.Contains(line, ".s:") {
		return false
	}
	_, _, ok := FileLine(line)
	return ok
}
