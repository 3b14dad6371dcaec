package diagnose

import (
	"encoding/json"
	"regexp"
	"strings"
)

// Log formats Unwrap recognises.
const (
	FormatPlain      = "plain"
	FormatCRI        = "cri"         // Kubernetes CRI: "<RFC 3339 time> stderr F <text>"
	FormatDockerJSON = "docker-json" // docker json-file: {"log":"...","stream":"stderr","time":"..."}
	FormatTimestamps = "timestamps"  // kubectl logs --timestamps: "<RFC 3339 time> <text>"
	FormatKubectl    = "kubectl-prefix"
	FormatCompose    = "compose"
)

var (
	// ansiRE matches ANSI CSI sequences (colours, cursor moves) and OSC
	// sequences (terminal titles, hyperlinks).
	ansiRE = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)`)
	// criRE matches a CRI log line: time, stream, tag (F full, P partial)
	// and the text.
	criRE = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) ([FP])(?: (.*))?$`)
	// timestampRE matches the prefix kubectl logs --timestamps adds.
	timestampRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) `)
	// kubectlPrefixRE matches the prefix of kubectl logs --prefix.
	kubectlPrefixRE = regexp.MustCompile(`^\[pod/[^\s\]]+\] `)
	// composeRE matches the prefix docker compose logs adds.
	composeRE = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9_.-]*)\s+\| ?`)
)

// unwrapped is the text of a log without its transport wrapping, split by
// source (a container, a compose service) in order of first appearance.
type unwrapped struct {
	// sources holds each source's lines.
	sources []source
	// formats are the wrappings found, e.g. ["cri"].
	formats []string
	// structured counts JSON log lines that are not transport wrappers
	// (zap, logr): log entries, not crash output.
	structured int
	// structuredErrors are the messages of structured lines logged at
	// error level or worse.
	structuredErrors []string
}

// source is the output of one writer in a log.
type source struct {
	name  string
	lines []string
}

// unwrap removes transport wrapping from data: CRLF, ANSI colour codes,
// CRI and docker json-file framing (joining partial lines),
// kubectl --timestamps and --prefix prefixes, compose service prefixes,
// and indentation common to every line (a log pasted into a document).
func unwrap(data []byte) unwrapped {
	raw := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	if len(raw) > 0 && raw[len(raw)-1] == "" {
		raw = raw[:len(raw)-1]
	}
	var u unwrapped
	seen := map[string]bool{}
	note := func(format string) {
		if !seen[format] {
			seen[format] = true
			u.formats = append(u.formats, format)
		}
	}
	type entry struct{ source, text string }
	var entries []entry
	partial := map[string]string{} // source -> pending partial text
	for _, line := range raw {
		line = strings.TrimRight(ansiRE.ReplaceAllString(line, ""), "\r")
		if m := criRE.FindStringSubmatch(line); m != nil {
			note(FormatCRI)
			stream, tag, text := m[2], m[3], m[4]
			if tag == "P" {
				partial[stream] += text
				continue
			}
			entries = append(entries, entry{"", partial[stream] + text})
			delete(partial, stream)
			continue
		}
		if strings.HasPrefix(line, "{") {
			var doc map[string]any
			if json.Unmarshal([]byte(line), &doc) == nil {
				if logText, ok := doc["log"].(string); ok {
					note(FormatDockerJSON)
					stream, _ := doc["stream"].(string)
					if !strings.HasSuffix(logText, "\n") {
						partial[stream] += logText
						continue
					}
					for _, l := range strings.Split(strings.TrimSuffix(partial[stream]+logText, "\n"), "\n") {
						entries = append(entries, entry{"", ansiRE.ReplaceAllString(strings.TrimRight(l, "\r"), "")})
					}
					delete(partial, stream)
					continue
				}
			}
		}
		if loc := timestampRE.FindStringIndex(line); loc != nil {
			note(FormatTimestamps)
			line = line[loc[1]:]
		}
		entries = append(entries, entry{"", line})
	}
	for _, stream := range []string{"stdout", "stderr", ""} {
		if rest, ok := partial[stream]; ok {
			entries = append(entries, entry{"", rest}) // a log cut mid-line
		}
	}

	// Per-writer prefixes count only when most lines carry them, so that
	// a line that happens to contain " | " is left alone.
	nonBlank, kubectl, compose := 0, 0, 0
	for _, e := range entries {
		if strings.TrimSpace(e.text) == "" {
			continue
		}
		nonBlank++
		if kubectlPrefixRE.MatchString(e.text) {
			kubectl++
		}
		if composeRE.MatchString(e.text) {
			compose++
		}
	}
	switch {
	case nonBlank > 0 && kubectl*2 > nonBlank:
		note(FormatKubectl)
		for i, e := range entries {
			if loc := kubectlPrefixRE.FindStringIndex(e.text); loc != nil {
				entries[i] = entry{strings.TrimSuffix(e.text[:loc[1]], " "), e.text[loc[1]:]}
			}
		}
	case nonBlank > 0 && compose*2 > nonBlank:
		note(FormatCompose)
		for i, e := range entries {
			if m := composeRE.FindStringSubmatchIndex(e.text); m != nil {
				entries[i] = entry{e.text[m[2]:m[3]], e.text[m[1]:]}
			}
		}
	}

	for _, e := range entries {
		if !strings.HasPrefix(e.text, "{") {
			continue
		}
		var doc map[string]any
		if json.Unmarshal([]byte(e.text), &doc) != nil {
			continue
		}
		u.structured++
		if isErrorLevel(doc) {
			msg, _ := doc["msg"].(string)
			if msg == "" {
				msg, _ = doc["message"].(string)
			}
			u.structuredErrors = append(u.structuredErrors, msg)
		}
	}

	index := map[string]int{}
	for _, e := range entries {
		i, ok := index[e.source]
		if !ok {
			i = len(u.sources)
			index[e.source] = i
			u.sources = append(u.sources, source{name: e.source})
		}
		u.sources[i].lines = append(u.sources[i].lines, e.text)
	}
	if len(u.sources) == 0 {
		u.sources = []source{{}}
	}
	for i := range u.sources {
		u.sources[i].lines = dedent(u.sources[i].lines)
	}
	if len(u.formats) == 0 {
		u.formats = []string{FormatPlain}
	}
	return u
}

// isErrorLevel reports whether a structured log entry was logged at error
// level or worse (zap's "level", logrus's and slog's "level", klog's
// "severity").
func isErrorLevel(doc map[string]any) bool {
	for _, key := range []string{"level", "severity", "lvl"} {
		if level, ok := doc[key].(string); ok {
			switch strings.ToLower(level) {
			case "error", "dpanic", "panic", "fatal", "critical", "err":
				return true
			}
		}
	}
	return false
}

// dedent removes the indentation common to every non-blank line.
func dedent(lines []string) []string {
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if common < 0 || n < common {
			common = n
		}
		if common == 0 {
			return lines
		}
	}
	if common <= 0 {
		return lines
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) >= common {
			out[i] = l[common:]
		} else {
			out[i] = strings.TrimLeft(l, " \t")
		}
	}
	return out
}
