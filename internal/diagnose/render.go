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
	field := func(name, value string) {
		fmt.Fprintf(&b, "%-13s %s\n", name+":", value)
	}
	field("outcome", r.Summary)
	if r.Source != "" {
		field("source", r.Source)
	}
	field("log format", strings.Join(r.Formats, ", "))
	if r.RuntimeDetail != "" {
		field("runtime says", r.RuntimeDetail)
	}
	for i, f := range r.Frames {
		name := ""
		if i == 0 {
			name = "frames"
		}
		fmt.Fprintf(&b, "%-13s %s\n", name+strings.Repeat(":", min(1, len(name))), f)
	}
	for i, test := range r.RunningTests {
		name := ""
		if i == 0 {
			name = "running"
		}
		fmt.Fprintf(&b, "%-13s %s\n", name+strings.Repeat(":", min(1, len(name))), test)
	}
	for _, other := range r.OtherCrashes {
		field("also crashed", other)
	}
	if r.Truncated {
		field("truncated", r.TruncatedReason)
	}
	field("binary arch", r.ArchHint.Arch+" — "+r.ArchHint.Reason)
	if r.BinaryArch != "" && r.BinaryArch != r.ArchHint.Arch {
		field("", "taken as "+r.BinaryArch+" (supplied)")
	}
	if r.Emulator != "" {
		field("emulator", r.Emulator+" — "+r.EmulatorReason)
	}
	if r.HostArch != "" {
		field("host arch", r.HostArch+" (supplied)")
	} else if r.Outcome == OutcomeCrash {
		field("host arch", "unknown (the log cannot say; pass --host-arch)")
	}
	switch {
	case r.GoVersion != "":
		field("go version", r.GoVersion+" — "+r.GoVersionReason)
	case r.Outcome == OutcomeCrash:
		field("go version", "unknown (the log does not say; pass --go-version)")
	}
	if r.DistroBuild {
		field("go build", "distribution — "+r.DistroBuildReason)
	}
	for _, n := range r.Notes {
		field("note", n)
	}
	if r.Outcome == OutcomeCrash {
		if len(r.KnownIssues) == 0 {
			b.WriteString("\nknown issues: none matches this signature\n")
		} else {
			b.WriteString("\nknown issues:\n")
		}
		for _, ki := range r.KnownIssues {
			fmt.Fprintf(&b, "  %-7s %s  %s\n", ki.Verdict, ki.ID, ki.Title)
			fmt.Fprintf(&b, "          %s\n", ki.URL)
			fmt.Fprintf(&b, "          needs: %s\n", ki.Conditions)
			for _, why := range ki.Why {
				fmt.Fprintf(&b, "          - %s\n", why)
			}
			if ki.Fixed != "" {
				fmt.Fprintf(&b, "          fixed in: %s\n", ki.Fixed)
			}
			fmt.Fprintf(&b, "          workaround: %s\n", ki.Workaround)
		}
	}
	if len(r.Next) > 0 {
		b.WriteString("\nnext:\n")
		for _, s := range r.Next {
			fmt.Fprintf(&b, "  %s\n      # %s\n", s.Command, s.Why)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
