package crashlog

import (
	"regexp"
	"strings"
)

// gluedHeadingRE finds a crash heading inside a line: after other output
// on the same line (a progress counter without a newline, a shell prompt,
// a status line), or indented (a crash quoted in a test's output).
var gluedHeadingRE = regexp.MustCompile(`panic: |fatal error: |unexpected signal during runtime execution|SIG[A-Z0-9]+: [a-z]|WARNING: DATA RACE$`)

// structureLookahead is how many non-blank lines after a glued heading are
// searched for the structure of a Go crash.
const structureLookahead = 4

// splitGluedHeadings puts a crash heading that does not start its line on
// a line of its own, when the structure of a Go crash follows it (see
// crashFollows); the text before it stays on the line before. An indented
// heading also takes its indentation off the lines under it that have it,
// so that its trace reads as printed. Other lines are left alone: a
// heading inside a log message is not a crash.
func splitGluedHeadings(lines []string) []string {
	var out []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		loc := gluedHeadingRE.FindStringIndex(l)
		if loc == nil || loc[0] == 0 || HeadingKind(l) != "" || strings.HasPrefix(strings.TrimSpace(l), "{") ||
			strings.HasPrefix(strings.TrimSpace(l), "[signal ") ||
			strings.HasPrefix(l[loc[0]:], sigquitHeading) {
			if out != nil {
				out = append(out, l)
			}
			continue
		}
		before, heading := l[:loc[0]], l[loc[0]:]
		indent := ""
		if strings.TrimSpace(before) == "" {
			indent = before
		}
		rest := undent(lines[i+1:], indent)
		if HeadingKind(heading) == "" || !crashFollows(heading, rest) {
			if out != nil {
				out = append(out, l)
			}
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(lines)+1), lines[:i]...)
		}
		if indent == "" {
			out = append(out, before)
		}
		out = append(out, heading)
		n := indentedRun(lines[i+1:], indent)
		out = append(out, rest[:n]...)
		i += n
	}
	if out == nil {
		return lines
	}
	return out
}

// indentedRun counts the lines at the start of lines that are blank or
// start with indent.
func indentedRun(lines []string, indent string) int {
	if indent == "" {
		return 0
	}
	n := 0
	for n < len(lines) && (strings.TrimSpace(lines[n]) == "" || strings.HasPrefix(lines[n], indent)) {
		n++
	}
	return n
}

// undent returns lines with indent taken off the run of lines that have
// it (see indentedRun), the others as they are.
func undent(lines []string, indent string) []string {
	n := indentedRun(lines, indent)
	if n == 0 {
		return lines
	}
	out := make([]string, 0, len(lines))
	for _, l := range lines[:n] {
		out = append(out, strings.TrimPrefix(l, indent))
	}
	return append(out, lines[n:]...)
}

// crashFollows reports whether the lines after a heading hold the
// structure of a Go crash within a few non-blank lines: a signal line
// ("[signal ...", "PC=", "signal arrived during cgo execution"), a
// goroutine header, "runtime stack:", a frame with its file line, or a
// race report's access; the same heading repeated (threads printing it
// together) is passed over.
func crashFollows(heading string, after []string) bool {
	seen := 0
	for i, l := range after {
		t := strings.TrimSpace(l)
		if t == "" || t == heading {
			continue
		}
		switch {
		case strings.HasPrefix(t, "[signal "), strings.HasPrefix(t, "PC="), t == "signal arrived during cgo execution",
			t == "runtime stack:", goroutineHeaderRE.MatchString(t), raceAccessRE.MatchString(t):
			return true
		}
		if _, ok := FrameFunc(l); ok && i+1 < len(after) && isFileLine(after[i+1]) {
			return true
		}
		if seen++; seen == structureLookahead {
			return false
		}
	}
	return false
}
