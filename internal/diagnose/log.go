package diagnose

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gorepro/gorepro/internal/crashlog"
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
	read := crashlog.Read(data)
	r := &Report{Formats: read.Formats, Outcome: OutcomeNoCrash}
	chosen := read.Source
	if len(read.Sources) > 1 {
		r.Source = chosen.Name
		r.Notes = append(r.Notes, fmt.Sprintf("the log interleaves %d writers; this is about %q", len(read.Sources), chosen.Name))
	}
	if read.Dumps > 0 {
		r.Notes = append(r.Notes, plural(read.Dumps, "goroutine dump")+" (SIGQUIT: quit) in the log: a dump someone asked for, not a crash")
	}
	if read.Structured > 0 {
		r.Notes = append(r.Notes, plural(read.Structured, "structured (JSON) log line")+" read as log entries: a stack trace in a log field is not a crash")
	}

	archLines := chosen.Lines
	if len(read.Crashes) > 0 {
		c := read.Crashes[0]
		r.Outcome = OutcomeCrash
		r.Signature, r.Frames, r.RuntimeDetail = c.Signature(), c.Frames, c.RuntimeDetail
		r.Truncated, r.TruncatedReason = c.Truncated, c.TruncatedReason
		for _, other := range read.Crashes[1:] {
			r.OtherCrashes = append(r.OtherCrashes, other.Signature())
		}
		archLines = c.Lines
		r.Summary = "crash: " + r.Signature
	} else if problems := errorLines(chosen.Lines, read.StructuredErrors); len(problems) > 0 {
		r.Outcome = OutcomeFail
		r.Summary = "no crash, but the log reports errors: " + strings.Join(problems, "; ")
	} else {
		r.Summary = "no crash found"
	}

	r.GoVersion, r.GoVersionReason = goVersionOf(chosen.Lines, &r.Notes)
	if v := NormaliseGoVersion(supplied.GoVersion); v != "" {
		if r.GoVersion != "" && r.GoVersion != v {
			r.Notes = append(r.Notes, fmt.Sprintf("the log suggests %s (%s), but %s was supplied", r.GoVersion, r.GoVersionReason, v))
		}
		r.GoVersion, r.GoVersionReason = v, "supplied"
	}
	r.ArchHint = archHintOf(archLines)
	r.DistroBuild, r.DistroBuildReason = distroBuildOf(chosen.Lines)

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
