package diagnose

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gorepro/gorepro/internal/crashlog"
)

// LogOutcome is what a log shows. It is not a cell's outcome
// (record.Outcome): a log cannot show a pass (that needs the pass rule and
// the exit status), and without a crash or an error it is "no-crash".
type LogOutcome string

// The outcomes of a log.
const (
	OutcomeCrash   LogOutcome = "crash"
	OutcomeFail    LogOutcome = "fail"
	OutcomeNoCrash LogOutcome = "no-crash"
	// OutcomeTimeout is go test's alarm: "panic: test timed out after
	// 10m0s", with the tests still running.
	OutcomeTimeout LogOutcome = "timeout"
)

// Report is the diagnosis of one log.
type Report struct {
	// Outcome is crash (a Go crash heading with a trace, a heading the
	// log ends with, or an emulator's death line), timeout (go test's
	// alarm), fail (no crash, but errors logged) or no-crash.
	Outcome LogOutcome `json:"outcome"`
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
	// Formats are the wrappings removed ("cri", "docker-json",
	// "markdown", "line-prefix", "plain").
	Formats []string `json:"formats"`
	// Prefix is the line prefix removed, as the first line that had it
	// showed it.
	Prefix string `json:"prefix,omitempty"`
	// RunningTests are the tests go test named as still running when its
	// timeout fired (outcome timeout).
	RunningTests []string `json:"runningTests,omitempty"`
	// Emulator is the emulator the log shows the program ran under
	// ("qemu-user"), EmulatorReason the line that shows it.
	Emulator       string `json:"emulator,omitempty"`
	EmulatorReason string `json:"emulatorReason,omitempty"`
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
	read := crashlog.Read(data)
	r := &Report{Formats: read.Formats, Prefix: read.Prefix, Outcome: OutcomeNoCrash}
	chosen := read.Source
	r.noteReading(read)
	archLines := r.readOutcome(read)

	r.GoVersion, r.GoVersionReason = goVersionOf(chosen.Lines, &r.Notes)
	if v := NormaliseGoVersion(supplied.GoVersion); v != "" {
		if r.GoVersion != "" && r.GoVersion != v {
			r.Notes = append(r.Notes, fmt.Sprintf("the log suggests %s (%s), but %s was supplied", r.GoVersion, r.GoVersionReason, v))
		}
		r.GoVersion, r.GoVersionReason = v, "supplied"
	}
	r.ArchHint = archHintOf(archLines)
	r.DistroBuild, r.DistroBuildReason = distroBuildOf(chosen.Lines)

	emulated := supplied.Emulated
	if read.Emulator != "" {
		r.Emulator = read.Emulator
		r.EmulatorReason = fmt.Sprintf("the log has %s's own line %q", read.Emulator, read.EmulatorLine)
		if emulated == nil {
			yes := true
			emulated = &yes
		}
	}
	r.BinaryArch = supplied.BinaryArch
	if r.BinaryArch == "" && !strings.HasPrefix(r.ArchHint.Arch, "unknown") && !strings.Contains(r.ArchHint.Arch, " ") {
		r.BinaryArch = r.ArchHint.Arch
	}
	r.HostArch = supplied.HostArch
	facts := Facts{
		Signature:     r.Signature,
		RuntimeDetail: r.RuntimeDetail,
		GoVersion:     r.GoVersion,
		BinaryArch:    r.BinaryArch,
		HostArch:      r.HostArch,
		Emulated:      emulated,
	}
	var matches []Match
	if r.Outcome == OutcomeCrash {
		matches = MatchIssues(facts)
		for _, m := range matches {
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
	r.Next = nextSteps(r, matches, facts)
	return r
}

// noteReading notes what the reading found besides crashes: several
// writers, goroutine dumps, structured log lines, a removed line prefix,
// recovered panics that were logged.
func (r *Report) noteReading(read *crashlog.Reading) {
	if len(read.Sources) > 1 {
		r.Source = read.Source.Name
		r.Notes = append(r.Notes, fmt.Sprintf("the log interleaves %d writers; this is about %q", len(read.Sources), read.Source.Name))
	}
	if read.Prefix != "" {
		r.Notes = append(r.Notes, fmt.Sprintf("removed the prefix repeated over %s, e.g. %q", plural(read.PrefixLines, "line"), read.Prefix))
	}
	if read.Dumps > 0 {
		r.Notes = append(r.Notes, plural(read.Dumps, "goroutine dump")+" (SIGQUIT: quit) in the log: a dump someone asked for, not a crash")
	}
	if read.Structured > 0 {
		r.Notes = append(r.Notes, plural(read.Structured, "structured (JSON) log line")+" read as log entries: a stack trace in a log field is not a crash")
	}
	for _, l := range read.Source.Lines {
		if strings.HasPrefix(l, "http: panic serving ") || strings.Contains(l, " http: panic serving ") {
			r.Notes = append(r.Notes, "net/http recovered a panic in a handler and logged it (\"http: panic serving ...\"): the server went on, so that is not a crash")
			break
		}
	}
}

// readOutcome sets the outcome, the crash's signature and frames (or the
// timed-out tests, or the errors logged) and the summary, and returns the
// lines that tell the binary's architecture.
func (r *Report) readOutcome(read *crashlog.Reading) []string {
	if len(read.Crashes) == 0 {
		if read.Dumps == 0 && hasTrace(read.Source.Lines) {
			r.Notes = append(r.Notes, "the log holds goroutine traces but no crash heading: it may start after the heading (cut off), or hold a trace printed on purpose; gorepro claims no crash without the heading")
		}
		if problems := errorLines(read.Source.Lines, read.StructuredErrors); len(problems) > 0 {
			r.Outcome = OutcomeFail
			r.Summary = "no crash, but the log reports errors: " + strings.Join(problems, "; ")
		} else {
			r.Summary = "no crash found"
		}
		return read.Source.Lines
	}
	c := read.Crashes[0]
	r.Frames, r.Truncated, r.TruncatedReason = c.Frames, c.Truncated, c.TruncatedReason
	for _, other := range read.Crashes[1:] {
		r.OtherCrashes = append(r.OtherCrashes, other.Signature())
	}
	if c.TestTimeout != "" {
		r.Outcome = OutcomeTimeout
		r.RunningTests = c.RunningTests
		r.Summary = "timeout: go test's -timeout of " + c.TestTimeout + " fired"
		switch {
		case len(c.RunningTests) > 0:
			r.Summary += " while " + strings.Join(c.RunningTests, ", ") + " ran"
		default:
			r.Summary += " (this Go does not list the running tests; the trace's goroutines in testing.tRunner are the tests)"
		}
		return c.Lines
	}
	r.Outcome = OutcomeCrash
	r.Signature, r.RuntimeDetail = c.Signature(), c.RuntimeDetail
	r.Summary = "crash: " + r.Signature
	r.Notes = append(r.Notes, c.Details...)
	if c.Emulator != "" && !strings.HasPrefix(c.Heading, "qemu") {
		r.Summary += " (under " + c.Emulator + ", which reported the process's death too)"
	}
	return c.Lines
}

// errorLines returns up to three messages a log reports as errors: lines
// starting with "error:" or "fatal:" (any case), klog, logfmt and zap
// console error and fatal lines, "exit status N" lines of go run, the go
// command's errors and compiler errors, and structured entries at error
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
			klogErrorRE.MatchString(l), exitStatusRE.MatchString(l), logfmtErrorRE.MatchString(l), zapConsoleErrorRE.MatchString(l):
			add(l)
		case goCommandErrorRE.MatchString(l) && !goCommandInfoRE.MatchString(l):
			add(l)
		default:
			if loc := compileErrorRE.FindStringIndex(l); loc != nil {
				add(l[loc[0]:])
			}
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
	// zapConsoleErrorRE matches a line of zap's console encoder at error
	// level or worse: time, level, message, separated by tabs (spaces once
	// pasted into an issue).
	zapConsoleErrorRE = regexp.MustCompile(`^\d\S*\s+(?:ERROR|DPANIC|PANIC|FATAL)\s`)
	// compileErrorRE matches a Go compiler or vet error, anywhere in a
	// line (a build step's prefix may precede it): "./main.go:12:3: undefined: x".
	compileErrorRE = regexp.MustCompile(`(?:^|\s)\S+\.go:\d+:\d+: \S`)
	// goCommandErrorRE matches the go command's own messages ("go: ...",
	// "go install: ..."), goCommandInfoRE those that are not errors.
	goCommandErrorRE = regexp.MustCompile(`^go(?: [a-z]+)?: `)
	goCommandInfoRE  = regexp.MustCompile(`^go: (?:downloading|finding|extracting|found|added|upgraded|downgraded|removed|creating|to add|warning)\b`)
)

// hasTrace reports whether lines hold a goroutine header with a frame
// under it.
func hasTrace(lines []string) bool {
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "goroutine ") && strings.HasSuffix(l, "]:") && i+1 < len(lines) {
			if _, ok := crashlog.FrameFunc(lines[i+1]); ok {
				return true
			}
		}
	}
	return false
}

// plural renders "1 thing" or "3 things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
