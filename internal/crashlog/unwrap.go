package crashlog

import (
	"encoding/json"
	"regexp"
	"strings"
)

// The wrappings Read removes, as Reading.Formats names them.
const (
	FormatPlain      = "plain"
	FormatCRI        = "cri"         // Kubernetes CRI: "<RFC 3339 time> stderr F <text>"
	FormatDockerJSON = "docker-json" // docker json-file: {"log":"...","stream":"stderr","time":"..."}
	FormatMarkdown   = "markdown"    // code fences and backticks of a paste into an issue
	FormatHTML       = "html"        // <details>, <summary>, <pre> and <code> around a paste into an issue
	// FormatPrefix is a prefix repeated over the lines (timestamps,
	// kubectl --prefix, compose services, BuildKit steps, logcat and
	// journald headers); Reading.Prefix shows it.
	FormatPrefix = "line-prefix"
)

var (
	// ansiRE matches ANSI CSI sequences (colours, cursor moves) and OSC
	// sequences (terminal titles, hyperlinks).
	ansiRE = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)`)
	// criRE matches a CRI log line: time, stream, tag (F full, P partial)
	// and the text.
	criRE = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) ([FP])(?: (.*))?$`)
)

// unwrapped is the text of a log without its transport wrapping, split by
// source (a container, a compose service) in order of first appearance.
type unwrapped struct {
	// sources holds each source's lines.
	sources []Source
	// formats are the wrappings found, e.g. ["cri"].
	formats []string
	// prefix is an example of the line prefix removed, "" when none was;
	// prefixLines counts the lines that had it.
	prefix      string
	prefixLines int
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

// unwrap removes the wrapping from data, in this order: CRLF, ANSI colour
// codes, a terminal's echo of Ctrl-\ or Ctrl-C, Markdown debris, CRI and docker json-file framing (joining
// partial lines), a prefix repeated over the lines (which may name each
// line's writer), and indentation common to every line of a writer.
// Finally it joins frame lines that a paste hard-wrapped.
func unwrap(data []byte) unwrapped {
	raw := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	if len(raw) > 0 && raw[len(raw)-1] == "" {
		raw = raw[:len(raw)-1]
	}
	for i, line := range raw {
		if strings.IndexByte(line, 0x1b) >= 0 {
			line = ansiRE.ReplaceAllString(line, "")
		}
		// A terminal's echo of Ctrl-\ or Ctrl-C glued to the output.
		line = strings.TrimPrefix(strings.TrimPrefix(strings.TrimRight(line, "\r"), "^\\"), "^C")
		raw[i] = line
	}
	w := &unwrapper{seen: map[string]bool{}, partial: map[string]string{}, entries: make([]logEntry, 0, len(raw))}
	if stripped, found := stripHTML(raw); found {
		w.note(FormatHTML)
		raw = stripped
	}
	if stripped, found := stripMarkdown(raw); found {
		w.note(FormatMarkdown)
		raw = stripped
	}
	for _, line := range raw {
		w.line(line)
	}
	for _, stream := range []string{"stdout", "stderr", ""} {
		if rest, ok := w.partial[stream]; ok {
			w.entries = append(w.entries, logEntry{"", rest}) // a log cut mid-line
		}
	}
	w.linePrefix()
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

// line takes one raw line, without its CRI or docker json-file framing.
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

// linePrefix removes the prefix repeated over the lines, when there is
// one (see findPrefix), and sets each line's writer from it.
func (w *unwrapper) linePrefix() {
	texts := make([]string, len(w.entries))
	for i, e := range w.entries {
		texts[i] = e.text
	}
	p, ok := findPrefix(texts)
	if !ok {
		return
	}
	w.note(FormatPrefix)
	w.u.prefix, w.u.prefixLines = p.example, p.lines
	stripped, sources := stripPrefix(texts, p)
	for i := range w.entries {
		w.entries[i] = logEntry{sources[i], stripped[i]}
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
	var counts []int
	for _, e := range w.entries {
		i, ok := index[e.source]
		if !ok {
			i = len(u.sources)
			index[e.source] = i
			u.sources = append(u.sources, Source{Name: e.source})
			counts = append(counts, 0)
		}
		counts[i]++
	}
	for i := range u.sources {
		u.sources[i].Lines = make([]string, 0, counts[i])
	}
	for _, e := range w.entries {
		i := index[e.source]
		u.sources[i].Lines = append(u.sources[i].Lines, e.text)
	}
	if len(u.sources) == 0 {
		u.sources = []Source{{}}
	}
	for i := range u.sources {
		u.sources[i].Lines = splitGluedHeadings(rejoinWrappedFrames(dedent(u.sources[i].Lines)))
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

// rejoinWrappedFrames joins a frame line that a paste hard-wrapped at a
// fixed width ("pkg.publishLogMetrics(0xc00165d680, 0xc001" then
// "401e18)") with the line that completes it. The runtime never prints a
// frame line with unbalanced parentheses, so only wrapped ones are joined.
func rejoinWrappedFrames(lines []string) []string {
	var out []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if i+1 < len(lines) && partialFrameRE.MatchString(l) && !strings.HasSuffix(l, ")") &&
			strings.Count(l, "(") > strings.Count(l, ")") {
			joined := l + lines[i+1]
			if _, ok := FrameFunc(joined); ok && strings.Count(joined, "(") == strings.Count(joined, ")") {
				if out == nil {
					out = append(make([]string, 0, len(lines)), lines[:i]...)
				}
				out = append(out, joined)
				i++
				continue
			}
		}
		if out != nil {
			out = append(out, l)
		}
	}
	if out == nil {
		return lines
	}
	return out
}
