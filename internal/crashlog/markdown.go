package crashlog

import (
	"regexp"
	"slices"
	"strings"
)

// fenceRE matches a Markdown code fence line: three or more backticks or
// tildes, optionally indented and followed by an info string ("```go",
// "```bash").
var fenceRE = regexp.MustCompile("^[ \t]*(?:```+|~~~+)[ \t]*[A-Za-z0-9_+.-]*[ \t]*$")

// stripMarkdown removes the Markdown a log picks up when it is pasted into
// an issue: code fence lines, backticks glued to the start of a line
// (“ `fatal error: ...“), a fence glued to the end of a line
// ("+0x95```"), and a single backtick glued to the end of the last line or
// of a line that also started with one. A Go program's crash output never
// starts a line with a backtick. It reports whether it removed anything.
func stripMarkdown(lines []string) ([]string, bool) {
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.ContainsAny(l, "`~") }) {
		return lines, false
	}
	lastText := -1
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) != "" && !fenceRE.MatchString(lines[i]) {
			lastText = i
			break
		}
	}
	out := make([]string, 0, len(lines))
	found := false
	for i, l := range lines {
		if !strings.ContainsAny(l, "`~") {
			out = append(out, l)
			continue
		}
		if fenceRE.MatchString(l) {
			found = true
			continue
		}
		text := strings.TrimLeft(l, " \t")
		indent := l[:len(l)-len(text)]
		trimmed := strings.TrimLeft(text, "`")
		leading := len(trimmed) < len(text)
		end := strings.TrimRight(trimmed, "`")
		switch ticks := len(trimmed) - len(end); {
		case ticks >= 3, ticks > 0 && (leading || i == lastText):
			trimmed = end
		}
		if len(trimmed) != len(text) {
			found = true
		}
		out = append(out, indent+trimmed)
	}
	return out, found
}

var (
	// htmlTagRE matches the HTML tags a paste into an issue wraps a log in:
	// <details>, <summary>…</summary> (its text is a title, not output),
	// <pre>, <code>, <br> and their closing tags.
	htmlTagRE = regexp.MustCompile(`(?i)<summary(?:\s[^>]*)?>.*?</summary\s*>|</?(?:details|summary|pre|code|br|samp|kbd|tt)(?:\s[^>]*)?/?>`)
	// htmlEntities are the character references a <pre> paste escapes its
	// text with.
	htmlEntities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&amp;", "&")
)

// stripHTML removes the HTML a paste into an issue wraps a log in, as
// stripMarkdown removes fences: the tags of htmlTagRE, a line they leave
// blank, and the character references of the text between them. It
// reports whether it removed anything.
func stripHTML(lines []string) ([]string, bool) {
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "<") && htmlTagRE.MatchString(l) }) {
		return lines, false
	}
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if strings.Contains(l, "<") && htmlTagRE.MatchString(l) {
			l = htmlTagRE.ReplaceAllString(l, "")
			if strings.TrimSpace(l) == "" {
				continue
			}
		}
		if strings.Contains(l, "&") {
			l = htmlEntities.Replace(l)
		}
		out = append(out, l)
	}
	return out, true
}
