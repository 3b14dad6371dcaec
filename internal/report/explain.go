package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// ExplainFormats are the output formats of `gorepro explain`.
func ExplainFormats() []string { return []string{"text", "markdown", "json", "junit"} }

// WriteExplain writes e in format (one of ExplainFormats).
func WriteExplain(w io.Writer, e *record.Explain, format string) error {
	switch format {
	case "text":
		_, err := io.WriteString(w, ExplainText(e))
		return err
	case "markdown":
		var b strings.Builder
		writeMarkdownExplain(&b, e)
		_, err := io.WriteString(w, b.String())
		return err
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(e)
	case "junit":
		return writeExplainJUnit(w, e)
	}
	return fmt.Errorf("unknown explain format %q (valid: %s)", format, strings.Join(ExplainFormats(), ", "))
}

// ExplainText is e as plain text: one paragraph per cause.
func ExplainText(e *record.Explain) string {
	var b strings.Builder
	fmt.Fprintf(&b, "explain %s → %s: %s\n", e.Base.ID, e.New.ID, explainSummary(e))
	for _, x := range e.Explanations {
		fmt.Fprintf(&b, "\n%s in %s\n", changeTitle(x), strings.Join(x.Cells, ", "))
		for _, line := range x.Changed {
			fmt.Fprintf(&b, "  changed: %s\n", redact.Text(line))
		}
		for _, s := range x.Steps {
			fmt.Fprintf(&b, "  %s: %s (%d built)\n", s.What, redact.Text(s.Conclusion), s.Builds)
		}
		for _, sb := range x.SideBySide {
			fmt.Fprintf(&b, "  %-14s base %s | new %s\n", sb.Field, redact.Text(sb.Base), redact.Text(sb.New))
		}
		for _, ev := range x.Evidence {
			fmt.Fprintf(&b, "  evidence %-6s %s: %s %s%s\n", ev.Side, ev.Input, ev.Outcome, ev.Signature, storedNote(ev))
		}
		if x.Explained {
			fmt.Fprintf(&b, "  cause (%s): %s (%d %s built)\n", x.Kind, redact.Text(x.Culprit), x.Builds, wording.Plural(x.Builds, "cell", "cells"))
			if x.Files != nil {
				for _, d := range x.Files.Diffs {
					fmt.Fprintf(&b, "  BASE → NEW: %s\n", d.Path)
					for line := range strings.SplitSeq(d.Diff, "\n") {
						fmt.Fprintf(&b, "    %s\n", line)
					}
				}
			}
		} else {
			fmt.Fprintf(&b, "  not explained: %s (%d %s built)\n", redact.Text(x.Reason), x.Builds, wording.Plural(x.Builds, "cell", "cells"))
		}
	}
	for _, s := range e.Skipped {
		fmt.Fprintf(&b, "\nskipped %s (%s): %s\n", s.CellID, s.Change, s.Reason)
	}
	return b.String()
}

// changeTitle names the change an explanation is about: its kind and
// direction, and for one of the two halves of a changed signature which
// signature went or came.
func changeTitle(x record.Explanation) string {
	switch {
	case x.Signature == "":
		return fmt.Sprintf("%s (%s)", x.Change, x.Direction)
	case x.Direction == "fix":
		return fmt.Sprintf("%s (fix): %s gone", x.Change, x.Signature)
	}
	return fmt.Sprintf("%s (%s): %s new", x.Change, x.Direction, x.Signature)
}

func storedNote(ev record.Evidence) string {
	if ev.Stored {
		return " [" + ev.CellID + ", stored]"
	}
	return " [" + ev.CellID + "]"
}

// explainSummary says how many changes were explained, in a few words.
func explainSummary(e *record.Explain) string {
	// A cell counts once, as explained when all of its explanations are
	// (a changed signature has two: the old one gone, the new one come).
	all := map[string]bool{}
	for _, x := range e.Explanations {
		for _, id := range x.Cells {
			if done, ok := all[id]; ok {
				all[id] = done && x.Explained
			} else {
				all[id] = x.Explained
			}
		}
	}
	explained, cells := 0, len(all)
	for _, done := range all {
		if done {
			explained++
		}
	}
	s := fmt.Sprintf("%d of %d changed %s explained, %d %s built", explained, cells, wording.Plural(cells, "cell", "cells"), e.Builds, wording.Plural(e.Builds, "cell", "cells"))
	if n := len(e.Skipped); n > 0 {
		s += fmt.Sprintf(", %d skipped", n)
	}
	return s
}

// writeMarkdownExplain writes e as a section fit for a bug report.
func writeMarkdownExplain(b *strings.Builder, e *record.Explain) {
	fmt.Fprintf(b, "\n### What changed between %s and %s\n\n", mdText(e.Base.ID), mdText(e.New.ID))
	fmt.Fprintf(b, "%s.\n", mdText(explainSummary(e)))
	for _, x := range e.Explanations {
		verdict := "Cause"
		if !x.Explained {
			verdict = "Not explained"
		}
		title := x.Change
		if x.Signature != "" {
			title = changeTitle(x)
		}
		fmt.Fprintf(b, "\n#### %s: %s\n\n", mdText(title), mdText(strings.Join(x.Cells, ", ")))
		if x.Explained {
			fmt.Fprintf(b, "**%s (%s): %s**\n\n", verdict, mdText(x.Kind), mdText(redact.Text(x.Culprit)))
		} else {
			fmt.Fprintf(b, "**%s:** %s\n\n", verdict, mdText(redact.Text(x.Reason)))
		}
		for _, line := range x.Changed {
			fmt.Fprintf(b, "- changed: %s\n", mdText(redact.Text(line)))
		}
		for _, s := range x.Steps {
			fmt.Fprintf(b, "- %s: %s (%d built)\n", mdText(s.What), mdText(redact.Text(s.Conclusion)), s.Builds)
		}
		fmt.Fprintf(b, "- cells built: %d\n", x.Builds)
		if len(x.SideBySide) > 0 {
			b.WriteString("\n")
			rows := make([][]string, len(x.SideBySide))
			for i, sb := range x.SideBySide {
				rows[i] = []string{mdText(sb.Field), mdText(redact.Text(sb.Base)), mdText(redact.Text(sb.New))}
			}
			writeMarkdownTable(b, []string{"", "BASE", "NEW"}, rows)
		}
		if x.Files != nil {
			for _, d := range x.Files.Diffs {
				fmt.Fprintf(b, "\n%s from BASE to NEW:\n\n```diff\n%s\n```\n", mdCode(d.Path), strings.ReplaceAll(redact.Text(d.Diff), "```", "` ` `"))
			}
		}
		if len(x.Evidence) > 0 {
			b.WriteString("\n")
			rows := make([][]string, len(x.Evidence))
			for i, ev := range x.Evidence {
				kind := "probe"
				if ev.Stored {
					kind = "stored"
				}
				rows[i] = []string{mdText(ev.Side), mdText(ev.Input), mdText(string(ev.Outcome)), mdText(redact.Text(ev.Signature)), mdText(ev.CellID), kind}
			}
			writeMarkdownTable(b, []string{"SIDE", "INPUT", "OUTCOME", "SIGNATURE", "CELL", "FROM"}, rows)
		}
	}
	for _, s := range e.Skipped {
		fmt.Fprintf(b, "\n- skipped %s (%s): %s\n", mdText(s.CellID), mdText(s.Change), mdText(s.Reason))
	}
}

// The JUnit form of an explanation: one testcase per changed cell, failed
// when its change could not be explained, with the cause as properties.
// Properties, failures and output are junit.go's elements.
type explainSuites struct {
	XMLName xml.Name       `xml:"testsuites"`
	Suites  []explainSuite `xml:"testsuite"`
}

type explainSuite struct {
	Name     string        `xml:"name,attr"`
	Tests    int           `xml:"tests,attr"`
	Failures int           `xml:"failures,attr"`
	Cases    []explainCase `xml:"testcase"`
}

type explainCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Failure    *junitProblem   `xml:"failure,omitempty"`
	SystemOut  *junitOutput    `xml:"system-out,omitempty"`
}

func writeExplainJUnit(w io.Writer, e *record.Explain) error {
	suite := explainSuite{Name: "gorepro explain " + e.Base.ID + " → " + e.New.ID}
	for _, x := range e.Explanations {
		for _, id := range x.Cells {
			name := id
			if x.Signature != "" { // the two halves of a changed signature, one case each
				name += " (" + x.Direction + ": " + x.Signature + ")"
			}
			one := &record.Explain{Base: e.Base, New: e.New, Explanations: []record.Explanation{x}, Builds: x.Builds}
			c := explainCase{Name: name, Classname: "gorepro.explain." + x.Change, SystemOut: &junitOutput{Text: junitText(ExplainText(one))}}
			c.Properties = []junitProperty{{"gorepro.change", x.Change}, {"gorepro.direction", x.Direction}, {"gorepro.cause.kind", x.Kind},
				{"gorepro.cause", junitText(x.Culprit)}, {"gorepro.builds", fmt.Sprint(x.Builds)}}
			if x.Commit != nil {
				c.Properties = append(c.Properties, junitProperty{"gorepro.cause.commit", x.Commit.Commit})
			}
			if x.Module != "" {
				c.Properties = append(c.Properties, junitProperty{"gorepro.cause.module", x.Module + "@" + x.Version})
			}
			if !x.Explained {
				suite.Failures++
				c.Failure = &junitProblem{Message: junitText(x.Reason), Type: "unexplained", Text: junitText(strings.Join(x.Changed, "\n"))}
			}
			suite.Cases = append(suite.Cases, c)
		}
	}
	suite.Tests = len(suite.Cases)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(explainSuites{Suites: []explainSuite{suite}}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
