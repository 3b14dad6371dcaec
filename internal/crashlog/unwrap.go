package crashlog

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
	sources []Source
	// formats are the wrappings found, e.g. ["cri"].
	formats []string
	// structured counts JSON log lines that are not transport wrappers
	// (zap, logr): log entries, not crash output.
	structured int
	// structuredErrors are the messages of structured lines logged at
	// error level or worse.
	structuredErrors []string
}

// Source is the output of one writer in a log.
type Source struct {
	Name  string
	Lines []string
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
	w := &unwrapper{seen: map[string]bool{}, partial: map[string]string{}}
	for _, line := range raw {
		w.line(strings.TrimRight(ansiRE.ReplaceAllString(line, ""), "\r"))
	}
	for _, stream := range []string{"stdout", "stderr", ""} {
		if rest, ok := w.partial[stream]; ok {
			w.entries = append(w.entries, logEntry{"", rest}) // a log cut mid-line
		}
	}
	w.writerPrefixes()
	w.structured()
	return w.result()
}

// logEntry is one line of a log and the writer (container, compose
// service) it came from, "" when the log does not say.
type logEntry struct{ source, text string }

// unwrapper holds the state of one unwrap.
type unwrapper struct {
	u       unwrapped
	seen    map[string]bool // formats noted
	entries []logEntry
	// partial holds, per stream, the text of a line the transport split
	// (CRI "P" lines, docker json-file entries without a newline).
	partial map[string]string
}

// note records that the log has the wrapping format.
func (w *unwrapper) note(format string) {
	if !w.seen[format] {
		w.seen[format] = true
		w.u.formats = append(w.u.formats, format)
	}
}

// line takes one raw line, without its CRI or docker json-file framing or
// timestamp.
func (w *unwrapper) line(line string) {
	if m := criRE.FindStringSubmatch(line); m != nil {
		w.note(FormatCRI)
		stream, tag, text := m[2], m[3], m[4]
		if tag == "P" {
			w.partial[stream] += text
			return
		}
		w.entries = append(w.entries, logEntry{"", w.partial[stream] + text})
		delete(w.partial, stream)
		return
	}
	if w.dockerJSON(line) {
		return
	}
	if loc := timestampRE.FindStringIndex(line); loc != nil {
		w.note(FormatTimestamps)
		line = line[loc[1]:]
	}
	w.entries = append(w.entries, logEntry{"", line})
}

// dockerJSON takes a docker json-file line and reports whether it was one.
func (w *unwrapper) dockerJSON(line string) bool {
	if !strings.HasPrefix(line, "{") {
		return false
	}
	var doc map[string]any
	if json.Unmarshal([]byte(line), &doc) != nil {
		return false
	}
	logText, ok := doc["log"].(string)
	if !ok {
		return false
	}
	w.note(FormatDockerJSON)
	stream, _ := doc["stream"].(string)
	if !strings.HasSuffix(logText, "\n") {
		w.partial[stream] += logText
		return true
	}
	for _, l := range strings.Split(strings.TrimSuffix(w.partial[stream]+logText, "\n"), "\n") {
		w.entries = append(w.entries, logEntry{"", ansiRE.ReplaceAllString(strings.TrimRight(l, "\r"), "")})
	}
	delete(w.partial, stream)
	return true
}

// writerPrefixes splits off kubectl --prefix and compose prefixes, which
// name each line's writer. They count only when most lines carry them, so
// that a line that happens to contain " | " is left alone.
func (w *unwrapper) writerPrefixes() {
	nonBlank, kubectl, compose := 0, 0, 0
	for _, e := range w.entries {
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
		w.note(FormatKubectl)
		for i, e := range w.entries {
			if loc := kubectlPrefixRE.FindStringIndex(e.text); loc != nil {
				w.entries[i] = logEntry{strings.TrimSuffix(e.text[:loc[1]], " "), e.text[loc[1]:]}
			}
		}
	case nonBlank > 0 && compose*2 > nonBlank:
		w.note(FormatCompose)
		for i, e := range w.entries {
			if m := composeRE.FindStringSubmatchIndex(e.text); m != nil {
				w.entries[i] = logEntry{e.text[m[2]:m[3]], e.text[m[1]:]}
			}
		}
	}
}

// structured counts the JSON log entries (zap, logr) and keeps the
// messages of those logged at error level or worse.
func (w *unwrapper) structured() {
	for _, e := range w.entries {
		if !strings.HasPrefix(e.text, "{") {
			continue
		}
		var doc map[string]any
		if json.Unmarshal([]byte(e.text), &doc) != nil {
			continue
		}
		w.u.structured++
		if isErrorLevel(doc) {
			msg, _ := doc["msg"].(string)
			if msg == "" {
				msg, _ = doc["message"].(string)
			}
			w.u.structuredErrors = append(w.u.structuredErrors, msg)
		}
	}
}

// result groups the entries by writer, in order of first appearance, each
// without the indentation common to its lines.
func (w *unwrapper) result() unwrapped {
	u := w.u
	index := map[string]int{}
	for _, e := range w.entries {
		i, ok := index[e.source]
		if !ok {
			i = len(u.sources)
			index[e.source] = i
			u.sources = append(u.sources, Source{Name: e.source})
		}
		u.sources[i].Lines = append(u.sources[i].Lines, e.text)
	}
	if len(u.sources) == 0 {
		u.sources = []Source{{}}
	}
	for i := range u.sources {
		u.sources[i].Lines = dedent(u.sources[i].Lines)
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
