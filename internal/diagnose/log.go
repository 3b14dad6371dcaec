package diagnose

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gorepro/gorepro/internal/classify"
)

// Outcome is what a log shows.
type Outcome string

// The outcomes of a log. A log cannot show a pass (that needs the pass
// rule and the exit status): without a crash or an error it is "no-crash".
const (
	OutcomeCrash   Outcome = "crash"
	OutcomeFail    Outcome = "fail"
	OutcomeNoCrash Outcome = "no-crash"
)

// Report is the diagnosis of one log.
type Report struct {
	// Outcome is crash (a Go crash heading with a trace, or a heading the
	// log ends with), fail (no crash, but errors logged) or no-crash.
	Outcome Outcome `json:"outcome"`
	// Summary says the outcome in one line.
	Summary string `json:"summary"`
	// Signature and Frames identify the crash as classify does.
	Signature string   `json:"signature,omitempty"`
	Frames    []string `json:"frames,omitempty"`
	// RuntimeDetail is the first "runtime: " line printed before the
	// crash heading, addresses normalised.
	RuntimeDetail string `json:"runtimeDetail,omitempty"`
	// OtherCrashes are the signatures of further crashes in the log (a
	// container that crashed on every restart), in order.
	OtherCrashes []string `json:"otherCrashes,omitempty"`
	// Truncated is true when the log ends inside a trace; TruncatedReason
	// says where.
	Truncated       bool   `json:"truncated"`
	TruncatedReason string `json:"truncatedReason,omitempty"`
	// GoVersion is the Go version the log reveals (or the one supplied),
	// "" when neither says; GoVersionReason says where it comes from.
	GoVersion       string `json:"goVersion"`
	GoVersionReason string `json:"goVersionReason,omitempty"`
	// ArchHint is the crashing binary's architecture as far as the trace
	// tells.
	ArchHint ArchHint `json:"archHint"`
	// BinaryArch and HostArch are the architectures used to match known
	// issues: supplied, or (BinaryArch) inferred from ArchHint.
	BinaryArch string `json:"binaryArch,omitempty"`
	HostArch   string `json:"hostArch,omitempty"`
	// DistroBuild is true when the runtime's sources are at a
	// distribution's GOROOT (/usr/lib/golang: Fedora, RHEL, UBI).
	DistroBuild       bool   `json:"distroBuild"`
	DistroBuildReason string `json:"distroBuildReason,omitempty"`
	// Formats are the wrappings removed ("cri", "docker-json", "plain").
	Formats []string `json:"formats"`
	// Source is the writer the diagnosis is about, when the log
	// interleaves several (a compose service, a kubectl --prefix pod).
	Source string `json:"source,omitempty"`
	// Notes are other observations (goroutine dumps that are not crashes,
	// structured log lines that were ignored, conflicting versions).
	Notes []string `json:"notes,omitempty"`
	// KnownIssues are the matching entries of the known-issue database.
	KnownIssues []IssueMatch `json:"knownIssues"`
	// Next are the gorepro commands to run next.
	Next []NextStep `json:"next"`
}

// ArchHint is what a trace says about the architecture of the binary that
// printed it.
type ArchHint struct {
	// Arch is a GOARCH ("amd64"), "unknown (consistent with arm64)" when
	// every code offset is a multiple of 4, or "unknown".
	Arch   string `json:"arch"`
	Reason string `json:"reason"`
}

// IssueMatch is a known issue matching the log's crash, as reported.
type IssueMatch struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	Title string `json:"title"`
	// Verdict is "cause" when ConditionsHold, else "similar".
	Verdict        string   `json:"verdict"`
	ConditionsHold bool     `json:"conditionsHold"`
	Why            []string `json:"why"`
	Conditions     string   `json:"conditions"`
	Fixed          string   `json:"fixed,omitempty"`
	Workaround     string   `json:"workaround"`
}

// NextStep is a command to run next and why.
type NextStep struct {
	Command string `json:"command"`
	Why     string `json:"why"`
}

// Log diagnoses a log someone already has: Kubernetes (CRI) and docker
// json-file logs, kubectl and compose output, pasted text.
func Log(data []byte) *Report {
	return LogWith(data, Facts{})
}

// LogWith diagnoses a log like Log, with facts the log does not contain:
// supplied.GoVersion, BinaryArch, HostArch and Emulated, when set, take
// precedence over what the log suggests. supplied.Signature and
// RuntimeDetail are ignored.
func LogWith(data []byte, supplied Facts) *Report {
	u := unwrap(data)
	r := &Report{Formats: u.formats, Outcome: OutcomeNoCrash}

	chosen, crashes := u.sources[0], []crash(nil)
	for _, s := range u.sources {
		if found := findCrashes(s.lines); len(found) > 0 {
			chosen, crashes = s, found
			break
		}
	}
	if len(u.sources) > 1 {
		r.Source = chosen.name
		r.Notes = append(r.Notes, fmt.Sprintf("the log interleaves %d writers; this is about %q", len(u.sources), chosen.name))
	}
	if dumps := countDumps(chosen.lines); dumps > 0 {
		r.Notes = append(r.Notes, plural(dumps, "goroutine dump")+" (SIGQUIT: quit) in the log: a dump someone asked for, not a crash")
	}
	if u.structured > 0 {
		r.Notes = append(r.Notes, plural(u.structured, "structured (JSON) log line")+" read as log entries: a stack trace in a log field is not a crash")
	}

	archLines := chosen.lines
	if len(crashes) > 0 {
		c := crashes[0]
		r.Outcome = OutcomeCrash
		r.Signature, r.Frames, r.RuntimeDetail = c.signature, c.frames, c.detail
		r.Truncated, r.TruncatedReason = c.truncated, c.truncatedReason
		for _, other := range crashes[1:] {
			r.OtherCrashes = append(r.OtherCrashes, other.signature)
		}
		archLines = c.lines
		r.Summary = "crash: " + r.Signature
	} else if problems := errorLines(chosen.lines, u.structuredErrors); len(problems) > 0 {
		r.Outcome = OutcomeFail
		r.Summary = "no crash, but the log reports errors: " + strings.Join(problems, "; ")
	} else {
		r.Summary = "no crash found"
	}

	r.GoVersion, r.GoVersionReason = goVersionOf(chosen.lines, &r.Notes)
	if v := NormaliseGoVersion(supplied.GoVersion); v != "" {
		if r.GoVersion != "" && r.GoVersion != v {
			r.Notes = append(r.Notes, fmt.Sprintf("the log suggests %s (%s), but %s was supplied", r.GoVersion, r.GoVersionReason, v))
		}
		r.GoVersion, r.GoVersionReason = v, "supplied"
	}
	r.ArchHint = archHintOf(archLines)
	r.DistroBuild, r.DistroBuildReason = distroBuildOf(chosen.lines)

	r.BinaryArch = supplied.BinaryArch
	if r.BinaryArch == "" && !strings.HasPrefix(r.ArchHint.Arch, "unknown") && !strings.Contains(r.ArchHint.Arch, " ") {
		r.BinaryArch = r.ArchHint.Arch
	}
	r.HostArch = supplied.HostArch
	if r.Outcome == OutcomeCrash {
		facts := Facts{
			Signature:     r.Signature,
			RuntimeDetail: r.RuntimeDetail,
			GoVersion:     r.GoVersion,
			BinaryArch:    r.BinaryArch,
			HostArch:      r.HostArch,
			Emulated:      supplied.Emulated,
		}
		for _, m := range MatchIssues(facts) {
			r.KnownIssues = append(r.KnownIssues, IssueMatch{
				ID: m.Issue.ID, URL: m.Issue.URL, Title: m.Issue.Title,
				Verdict: m.Verdict(), ConditionsHold: m.ConditionsHold, Why: m.Why,
				Conditions: m.Issue.Conditions.Description,
				Fixed:      m.Issue.Fixed, Workaround: m.Issue.Workaround,
			})
		}
	}
	if r.KnownIssues == nil {
		r.KnownIssues = []IssueMatch{}
	}
	r.Next = nextSteps(r)
	return r
}

// crash is one crash found in a log.
type crash struct {
	signature       string
	frames          []string
	detail          string
	truncated       bool
	truncatedReason string
	// lines are the crash's section of the log.
	lines []string
}

// headingKind returns "panic", "fatal", "signal" or "" for a line, as
// classify recognises crash headings (at the start of a line, JSON lines
// excluded).
func headingKind(line string) string {
	switch {
	case strings.HasPrefix(line, "{"):
		return ""
	case strings.HasPrefix(line, "panic: "):
		return "panic"
	case strings.HasPrefix(line, "fatal error: "), strings.HasPrefix(line, "fatal: morestack on g0"),
		strings.HasPrefix(line, "unexpected signal"):
		return "fatal"
	case signalHeadingRE.MatchString(line):
		return "signal"
	}
	return ""
}

var signalHeadingRE = regexp.MustCompile(`^SIG[A-Z0-9]+: `)

// sigquitHeading starts a goroutine dump requested with SIGQUIT.
const sigquitHeading = "SIGQUIT: quit"

// countDumps counts the SIGQUIT goroutine dumps in lines.
func countDumps(lines []string) int {
	n := 0
	for _, l := range lines {
		if l == sigquitHeading {
			n++
		}
	}
	return n
}

// findCrashes splits lines into sections, one per crash heading (a signal
// heading right after a panic or fatal error, as GOTRACEBACK=crash prints
// it, belongs to that crash; SIGQUIT dumps are left out), and returns the
// crashes classify finds in them, in order. A heading the log ends with,
// without a trace, counts too (a truncated log, or GOTRACEBACK=none).
func findCrashes(lines []string) []crash {
	var headings []int
	kinds := make([]string, len(lines))
	for i, l := range lines {
		if kinds[i] = headingKind(l); kinds[i] != "" {
			headings = append(headings, i)
		}
	}
	var crashes []crash
	for h, start := range headings {
		if h > 0 && kinds[start] == "signal" && lines[start] != sigquitHeading && kinds[headings[h-1]] != "signal" {
			continue // the abort after a panic or fatal error
		}
		if lines[start] == sigquitHeading {
			continue
		}
		end := len(lines)
		for _, j := range headings[h+1:] {
			if kinds[start] == "signal" || kinds[j] != "signal" || lines[j] == sigquitHeading {
				end = j
				break
			}
		}
		from := start
		for from > 0 && strings.HasPrefix(lines[from-1], "runtime: ") {
			from--
		}
		section := lines[from:end]
		text := []byte(strings.Join(section, "\n") + "\n")
		c := crash{lines: section}
		sig, frames, ok := classify.Signature(text)
		if !ok {
			if end != len(lines) || !onlyHeaderLinesAfter(lines[start+1:end]) {
				continue
			}
			// The log ends with the heading: classify accepts a heading
			// without a trace when the process exited with status 2.
			v := classify.Classify(classify.Input{Output: text, ExitCode: 2})
			if v.Outcome != "crash" {
				continue
			}
			sig, frames = v.Signature, v.Frames
			c.truncated = true
			c.truncatedReason = "the log ends right after the crash heading, before any frame (cut off, or GOTRACEBACK=none)"
		}
		c.signature, c.frames = sig, frames
		c.detail = runtimeDetailOf(text)
		if !c.truncated && end == len(lines) {
			c.truncated, c.truncatedReason = traceCutOff(section)
		}
		crashes = append(crashes, c)
	}
	return crashes
}

// onlyHeaderLinesAfter reports whether lines hold nothing but blank lines,
// goroutine or "runtime stack:" headers and signal details: a trace that
// has not started.
func onlyHeaderLinesAfter(lines []string) bool {
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "", t == "runtime stack:", strings.HasPrefix(t, "goroutine "), strings.HasPrefix(t, "[signal "),
			strings.HasPrefix(t, "PC="), strings.HasPrefix(t, "runtime: "):
		default:
			return false
		}
	}
	return true
}

// runtimeDetailOf returns the "runtime: " line classify reports before a
// crash heading: classify puts it in the Reason after the exit status.
func runtimeDetailOf(section []byte) string {
	v := classify.Classify(classify.Input{Output: section, ExitCode: 2})
	_, detail, _ := strings.Cut(v.Reason, "; ")
	if !strings.HasPrefix(detail, "runtime: ") {
		return ""
	}
	return detail
}

var (
	// fileLineRE matches the file line under a frame and captures the
	// path and the code offset: "\t/usr/lib/golang/src/runtime/panic.go:1094 +0x48 fp=...".
	fileLineRE = regexp.MustCompile(`^\s+(\S+\.(?:go|s)):\d+(?: \+0x([0-9a-fA-F]+))?`)
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
	case !fileLineRE.MatchString(tail):
		if strings.TrimLeft(tail, " \t") != tail && last > 0 && frameLineRE.MatchString(section[last-1]) {
			return true, fmt.Sprintf("the log ends in the middle of the file line of %s", frameName(section[last-1]))
		}
		return false, ""
	}
	// The tail is a file line: find its frame and the trace it belongs to.
	frame, runtimeShown := "", false
	for i := last - 1; i >= 0; i-- {
		l := section[i]
		if strings.HasPrefix(l, "goroutine ") || l == "runtime stack:" || headingKind(l) != "" {
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
	if name, ok := classify.FrameFunc(strings.TrimSpace(line)); ok {
		return name
	}
	return line
}

// errorLines returns up to three messages a log reports as errors: lines
// starting with "error:" or "fatal:" (any case), klog error and fatal
// lines, "exit status N" lines of go run, and structured entries at error
// level.
func errorLines(lines, structuredErrors []string) []string {
	var out []string
	add := func(s string) {
		if len(out) < 3 {
			out = append(out, strings.TrimSpace(s))
		}
	}
	for _, l := range lines {
		lower := strings.ToLower(l)
		switch {
		case strings.HasPrefix(lower, "error:"), strings.HasPrefix(lower, "error "), strings.HasPrefix(lower, "fatal:"),
			klogErrorRE.MatchString(l), exitStatusRE.MatchString(l), logfmtErrorRE.MatchString(l):
			add(l)
		}
	}
	for _, msg := range structuredErrors {
		add("structured log entry at error level: " + strconv.Quote(msg))
	}
	return out
}

var (
	klogErrorRE   = regexp.MustCompile(`^[EF]\d{4} \d\d:\d\d:\d\d\.\d+ `)
	exitStatusRE  = regexp.MustCompile(`^exit status [1-9]\d*$`)
	logfmtErrorRE = regexp.MustCompile(`\blevel=(?:error|fatal|panic)\b`)
)

// plural renders "1 thing" or "3 things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
