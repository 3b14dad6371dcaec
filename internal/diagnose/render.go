package diagnose

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText writes the report for a person: outcome, signature, frames
// (or the tests a timeout names), architecture, emulator and Go version
// with their reasons, known issues (cause or
// similar) and the commands to run next.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	r.writeCrash(&b)
	r.writeMachine(&b)
	r.writeKnownIssues(&b)
	if len(r.Next) > 0 {
		b.WriteString("\nnext:\n")
		for _, s := range r.Next {
			fmt.Fprintf(&b, "  %s\n      # %s\n", s.Command, s.Why)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// field writes one "name: value" line of the text report, values aligned.
func field(b *strings.Builder, name, value string) {
	fmt.Fprintf(b, "%-13s %s\n", name+":", value)
}

// fieldLines writes values one a line, the first named name and the
// others aligned under it.
func fieldLines(b *strings.Builder, name string, values []string) {
	for i, v := range values {
		label := ""
		if i == 0 {
			label = name + ":"
		}
		fmt.Fprintf(b, "%-13s %s\n", label, v)
	}
}

// writeCrash writes what the log shows of the crash: the outcome, where the
// log came from, the runtime's words, the frames (or the tests a timeout
// names), other crashes and whether the log was cut.
func (r *Report) writeCrash(b *strings.Builder) {
	field(b, "outcome", r.Summary)
	if r.Source != "" {
		field(b, "source", r.Source)
	}
	field(b, "log format", strings.Join(r.Formats, ", "))
	if r.RuntimeDetail != "" {
		field(b, "runtime says", r.RuntimeDetail)
	}
	fieldLines(b, "frames", r.Frames)
	fieldLines(b, "running", r.RunningTests)
	for _, other := range r.OtherCrashes {
		field(b, "also crashed", other)
	}
	if r.Truncated {
		field(b, "truncated", r.TruncatedReason)
	}
}

// writeMachine writes what ran the program: the binary's and the host's
// architectures, the emulator, the Go version and build, with their
// reasons, and the notes.
func (r *Report) writeMachine(b *strings.Builder) {
	field(b, "binary arch", r.ArchHint.Arch+" — "+r.ArchHint.Reason)
	if r.BinaryArch != "" && r.BinaryArch != r.ArchHint.Arch {
		field(b, "", "taken as "+r.BinaryArch+" (supplied)")
	}
	if r.Emulator != "" {
		field(b, "emulator", r.Emulator+" — "+r.EmulatorReason)
	}
	if r.HostArch != "" {
		field(b, "host arch", r.HostArch+" (supplied)")
	} else if r.Outcome == OutcomeCrash {
		field(b, "host arch", "unknown (the log cannot say; pass --host-arch)")
	}
	switch {
	case r.GoVersion != "":
		field(b, "go version", r.GoVersion+" — "+r.GoVersionReason)
	case r.Outcome == OutcomeCrash:
		field(b, "go version", "unknown (the log does not say; pass --go-version)")
	}
	if r.DistroBuild {
		field(b, "go build", "distribution — "+r.DistroBuildReason)
	}
	for _, n := range r.Notes {
		field(b, "note", n)
	}
}

// writeKnownIssues writes, for a crash, the known issues matched: their
// verdict, link, conditions, why, fix and workaround.
func (r *Report) writeKnownIssues(b *strings.Builder) {
	if r.Outcome != OutcomeCrash {
		return
	}
	if len(r.KnownIssues) == 0 {
		b.WriteString("\nknown issues: none matches this signature\n")
	} else {
		b.WriteString("\nknown issues:\n")
	}
	for _, ki := range r.KnownIssues {
		fmt.Fprintf(b, "  %-7s %s  %s\n", ki.Verdict, ki.ID, ki.Title)
		fmt.Fprintf(b, "          %s\n", ki.URL)
		fmt.Fprintf(b, "          needs: %s\n", ki.Conditions)
		for _, why := range ki.Why {
			fmt.Fprintf(b, "          - %s\n", why)
		}
		if ki.Fixed != "" {
			fmt.Fprintf(b, "          fixed in: %s\n", ki.Fixed)
		}
		fmt.Fprintf(b, "          workaround: %s\n", ki.Workaround)
	}
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
