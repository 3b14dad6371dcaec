package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// junitSuites is the <testsuites> root of a JUnit report. Its attributes
// are those the Jenkins JUnit schema allows there (no skipped count: the
// suite has it).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

// junitSuite is one <testsuite>: the whole run.
type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Hostname   string          `xml:"hostname,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

// junitProperty is one <property> of a suite.
type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// junitCase is one <testcase>: one cell. Its children are in the order
// the Jenkins JUnit schema requires: skipped, error, failure, system-out.
type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	SystemOut *junitOutput  `xml:"system-out,omitempty"`
}

// junitOutput is the <system-out> of a test case.
type junitOutput struct {
	Text string `xml:",cdata"`
}

// junitProblem is a <failure> or <error> of a test case.
type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// junitSkipped is the <skipped> of an unavailable cell. The reason is its
// text: the Jenkins JUnit schema gives <skipped> no attributes, and Jenkins
// and GitLab show the text when there is no message attribute.
type junitSkipped struct {
	Reason string `xml:",chardata"`
}

// provenanceProperties are the suite properties of a bisect or explain
// run: its conclusion, the culprit commit, and each explanation's cause.
func provenanceProperties(run *record.Run) []junitProperty {
	var props []junitProperty
	if b := run.Bisect; b != nil {
		props = append(props, junitProperty{"bisect.axis", junitText(b.Axis)}, junitProperty{"bisect.conclusion", junitText(b.Conclusion)})
		for _, side := range []string{"before", "after"} {
			if c, ok := b.Commits[side]; ok {
				props = append(props, junitProperty{"bisect.commit." + side, junitText(c.Commit + " " + c.Subject + " (" + c.Author + ")")})
			}
		}
	}
	if e := run.Explain; e != nil {
		for _, x := range e.Explanations {
			value := x.Culprit
			if !x.Explained {
				value = "not explained: " + x.Reason
			}
			for _, id := range x.Cells {
				props = append(props, junitProperty{"explain." + id, junitText(value)})
			}
		}
	}
	return props
}

// WriteJUnit writes run as a JUnit XML report for CI systems, valid under
// the Jenkins JUnit schema (results/testdata/jenkins-junit.xsd): one test
// suite named "gorepro" with one test case per cell. Crash cells are
// failures of type "crash" whose message is the crash signature, fail and
// timeout cells failures whose message is the reason, build-error cells
// errors and unavailable cells skipped with the reason; a flaky cell's
// message says so ("(flaky: 1/3 runs)"). A failure's or error's text holds
// the cell's details, and every cell's system-out its reproduction script.
// Everything taken from the run is redacted (see redact.Text).
func WriteJUnit(w io.Writer, run *record.Run) error {
	suite := junitSuite{
		Name:       "gorepro",
		Tests:      len(run.Cells),
		Hostname:   junitText(run.Host.Hostname),
		Properties: suiteProperties(run),
	}
	if !run.Started.IsZero() {
		suite.Timestamp = run.Started.UTC().Format(time.RFC3339)
	}
	var cellSeconds float64
	for _, c := range run.Cells {
		cellSeconds += c.BuildSeconds + c.RunSeconds
		suite.add(newJUnitCase(c))
	}
	seconds := cellSeconds
	if !run.Started.IsZero() && run.Finished.After(run.Started) {
		seconds = run.Finished.Sub(run.Started).Seconds()
	}
	suite.Time = junitSeconds(seconds)

	doc := junitSuites{
		Name:     "gorepro",
		Tests:    suite.Tests,
		Failures: suite.Failures,
		Errors:   suite.Errors,
		Time:     suite.Time,
		Suites:   []junitSuite{suite},
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("writing JUnit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing JUnit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("writing JUnit report: %w", err)
	}
	return nil
}

// suiteProperties are the properties of the one test suite: where and
// from what the run came, whether it was interrupted or tested nothing,
// and what a bisect or explain run concluded.
func suiteProperties(run *record.Run) []junitProperty {
	var props []junitProperty
	for _, p := range []junitProperty{
		{"run", run.ID},
		{"goreproVersion", run.GoreproVersion},
		{"config", run.Config},
		{"configSHA256", run.ConfigSHA256},
		{"host", run.Host.GOOS + "/" + run.Host.GOARCH},
		{"kernel", run.Host.Kernel},
	} {
		if p.Value != "" && p.Value != "/" {
			props = append(props, junitProperty{p.Name, junitText(p.Value)})
		}
	}
	if run.Interrupted {
		props = append(props, junitProperty{"interrupted", "true"})
	}
	if nothing := NothingRan(run.Cells); nothing != "" {
		props = append(props, junitProperty{"nothingTested", nothing})
	}
	for _, c := range run.Collapsed {
		props = append(props, junitProperty{"collapsed", junitText(c.String())})
	}
	return append(props, provenanceProperties(run)...)
}

// newJUnitCase is the test case of one cell.
func newJUnitCase(c record.Cell) junitCase {
	tc := junitCase{
		Classname: junitText(wording.OrDash(c.Toolchain)),
		Name: junitText(fmt.Sprintf("%s protobuf=%s cover=%s arch=%s",
			wording.OrDash(c.Target), wording.OrDash(c.Protobuf), record.CoverColumn(c), wording.OrDash(c.BinaryArch)+"/"+wording.OrDash(c.HostArch))),
		Time: junitSeconds(c.BuildSeconds + c.RunSeconds),
	}
	if out := junitSystemOut(c); out != "" {
		tc.SystemOut = &junitOutput{Text: junitText(out)}
	}
	switch c.Outcome {
	case record.Pass:
	case record.Crash, record.Fail, record.Timeout:
		tc.Failure = &junitProblem{Message: junitText(junitMessage(c)), Type: string(c.Outcome), Text: junitText(junitDetails(c))}
	case record.Unavailable:
		tc.Skipped = &junitSkipped{Reason: junitText(wording.OneLine(wording.OrDash(c.Reason)))}
	default: // BuildError and anything unknown
		tc.Error = &junitProblem{Message: junitText(junitMessage(c)), Type: wording.OrDash(string(c.Outcome)), Text: junitText(junitDetails(c))}
	}
	return tc
}

// add adds a test case to the suite and counts its failure, error or skip.
func (s *junitSuite) add(tc junitCase) {
	switch {
	case tc.Failure != nil:
		s.Failures++
	case tc.Error != nil:
		s.Errors++
	case tc.Skipped != nil:
		s.Skipped++
	}
	s.Cases = append(s.Cases, tc)
}

// junitMessage is the one-line message of a failure or error: the crash
// signature or the reason, noting flakiness.
func junitMessage(c record.Cell) string {
	message := c.Signature
	if c.Outcome != record.Crash || message == "" {
		message = c.Reason
	}
	if message == "" {
		message = c.Signature
	}
	message = wording.OneLine(wording.OrDash(message))
	if c.Flaky {
		message += " (flaky: " + RunsColumn(c) + " runs)"
	}
	return message
}

// junitDetails is the text of a failure or error: outcome, signature,
// frames, reason, architectures, logs and the reproduction script.
func junitDetails(c record.Cell) string {
	var b strings.Builder
	fmt.Fprintf(&b, "outcome: %s\n", OutcomeColumn(c))
	if runs := RunsColumn(c); runs != "-" {
		fmt.Fprintf(&b, "runs: %s\n", runs)
	}
	if c.Signature != "" {
		fmt.Fprintf(&b, "signature: %s\n", c.Signature)
	}
	for _, frame := range c.Frames {
		fmt.Fprintf(&b, "  %s\n", frame)
	}
	if c.Reason != "" {
		fmt.Fprintf(&b, "reason: %s\n", c.Reason)
	}
	if len(c.Tail) > 0 {
		b.WriteString("last lines it printed:\n")
		for _, line := range c.Tail {
			fmt.Fprintf(&b, "  | %s\n", line)
		}
	}
	if c.Hint != "" {
		fmt.Fprintf(&b, "hint: %s\n", c.Hint)
	}
	fmt.Fprintf(&b, "arch (binary/host): %s\n", record.ArchColumn(c))
	if c.ProtobufNote != "" {
		fmt.Fprintf(&b, "protobuf: %s\n", c.ProtobufNote)
	}
	if c.Cached {
		b.WriteString("cached: the result of an identical earlier cell was reused\n")
	}
	if c.Logs.Build != "" {
		fmt.Fprintf(&b, "build log: %s\n", c.Logs.Build)
	}
	for _, log := range c.Logs.Runs {
		fmt.Fprintf(&b, "run log: %s\n", log)
	}
	if c.Reproduce.Script != "" {
		fmt.Fprintf(&b, "\nreproduce:\n%s\n", strings.TrimRight(c.Reproduce.Script, "\n"))
	}
	return b.String()
}

// junitSystemOut is a test case's standard output: why a passing cell
// linked another protobuf version than it asked for (a failure's details
// say it), whether the cell was cached and the script that reproduces it.
func junitSystemOut(c record.Cell) string {
	var b strings.Builder
	if c.ProtobufNote != "" && c.Outcome == record.Pass {
		fmt.Fprintf(&b, "protobuf: %s\n", c.ProtobufNote)
	}
	if c.Cached {
		b.WriteString("cached: the result of an identical earlier cell was reused\n")
	}
	if c.Reproduce.Script != "" {
		fmt.Fprintf(&b, "reproduce:\n%s\n", strings.TrimRight(c.Reproduce.Script, "\n"))
	}
	return b.String()
}

// junitText makes s fit for the report: characters XML cannot hold are
// replaced and credentials redacted.
func junitText(s string) string {
	return redact.Text(xmlText(s))
}

// junitSeconds formats a duration in seconds with millisecond precision.
func junitSeconds(seconds float64) string {
	return strconv.FormatFloat(seconds, 'f', 3, 64)
}

// xmlText replaces characters XML 1.0 cannot hold (most control characters,
// invalid UTF-8) with U+FFFD, so crash output never makes the report invalid.
func xmlText(s string) string {
	valid := func(r rune) bool {
		return r == '\t' || r == '\n' || r == '\r' ||
			(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
	}
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !valid(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if !valid(r) {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, string(utf8.RuneError)))
}
