package crashlog

import (
	"slices"
	"strings"
)

// The prefix search looks at the first fields of each line only: a line
// prefix is short.
const (
	maxPrefixFields = 8
	maxPrefixBytes  = 200
	// maxSourceValues bounds the distinct values kept per prefix field
	// when looking for the field that names the writer.
	maxSourceValues = 64
)

// closingDelimiters end a prefix field: "containerd[1738]:", "web-1  |",
// "[pod/web]", "Go      :", "(26732):".
const closingDelimiters = ":|]>)"

// prefixField is one whitespace-separated field at the start of a line.
type prefixField struct {
	// text is the field as printed; end is its end offset in the line.
	text string
	end  int
	// keyLen is the length, in lineShape.key, of the shape of the line's
	// prefix up to and including this field.
	keyLen int
	// named is true for a field with a token of its own; a lone closing
	// delimiter ("Go      : ") only ends the field before it.
	named bool
}

// lineShape is the start of one line split into fields. Its key is the
// shape of all its fields: one token per field, "N" for a field made
// mostly of digits (a date, a time, a pid, a BuildKit step "#6" or elapsed
// time "0.088"), "W" for any other, each followed by its closing delimiter
// if it has one: "N N N N W W:" for a logcat line. The shape of the prefix
// that ends at field i is key[:fields[i].keyLen]. A lineShape is reused
// from line to line, so reading a log allocates no shapes.
type lineShape struct {
	fields []prefixField
	key    []byte
}

// keyAt returns the shape of the prefix that ends at field i.
func (sh *lineShape) keyAt(i int) []byte {
	return sh.key[:sh.fields[i].keyLen]
}

// read splits the start of line into fields (at most maxPrefixFields,
// within maxPrefixBytes) with their shapes. A field made only of
// punctuation is folded into its neighbours: a closing delimiter into the
// field before it, anything else (the "(" of "I/Go    ( 3286): ") into the
// field after it. The line's indentation belongs to its prefix.
func (sh *lineShape) read(line string) {
	sh.fields, sh.key = sh.fields[:0], sh.key[:0]
	pos := skipBlanks(line, 0)
	opened := false // a punctuation field is waiting for the next field
	for len(sh.fields) < maxPrefixFields && pos < len(line) && pos < maxPrefixBytes {
		start := pos
		for pos < len(line) && line[pos] != ' ' && line[pos] != '\t' {
			pos++
		}
		text := line[start:pos]
		digits, letters := countClasses(text)
		last := text[len(text)-1]
		closing := strings.IndexByte(closingDelimiters, last) >= 0
		switch {
		case digits+letters == 0 && len(sh.key) > 0 && closing && !opened:
			if strings.IndexByte(closingDelimiters, sh.key[len(sh.key)-1]) < 0 {
				sh.key = append(sh.key, last)
			}
			sh.fields = append(sh.fields, prefixField{text: text, end: pos, keyLen: len(sh.key)})
		case digits+letters == 0 && len(sh.key) > 0:
			opened = true
		default:
			if len(sh.key) > 0 {
				sh.key = append(sh.key, ' ')
			}
			switch {
			case digits+letters == 0:
				sh.key = append(sh.key, text...) // a leading "> " or "#"
			case digits >= letters:
				sh.key = append(sh.key, 'N')
			default:
				sh.key = append(sh.key, 'W')
			}
			if closing && len(text) > 1 {
				sh.key = append(sh.key, last)
			}
			opened = false
			sh.fields = append(sh.fields, prefixField{text: text, end: pos, keyLen: len(sh.key), named: true})
		}
		pos = skipBlanks(line, pos)
	}
}

// skipBlanks returns the offset of the first character at or after pos
// that is not a space or a tab.
func skipBlanks(s string, pos int) int {
	for pos < len(s) && (s[pos] == ' ' || s[pos] == '\t') {
		pos++
	}
	return pos
}

// countClasses counts the digits and the letters of s.
func countClasses(s string) (digits, letters int) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c >= 0x80:
			letters++
		}
	}
	return digits, letters
}

// afterPrefix returns what follows a prefix ending at end: the line
// without the prefix and the one blank that separates them.
func afterPrefix(line string, end int) string {
	if end >= len(line) {
		return ""
	}
	return line[end+1:]
}

// prefixStats is what the prefix search counts for one shape.
type prefixStats struct {
	// carried counts the lines that start with the shape; recognised
	// those whose text after it is runtime output, trace those whose
	// text after it is part of a goroutine trace.
	carried, recognised, trace int
	// runtimeAsIs is true when some line with the shape is runtime output
	// as it stands: the shape is then part of the text, not a prefix.
	runtimeAsIs bool
	// first is the first line with the shape.
	first int
}

// linePrefix is the prefix repeated over a log's lines.
type linePrefix struct {
	// key is its shape (see lineShape).
	key string
	// example is its text as the first lines that have it show it; lines
	// counts the lines that have it.
	example string
	lines   int
	// sourceFields are the positions, among a prefix's named fields, of
	// the fields that name each line's writer (a logcat tag, a compose
	// service), empty when the prefix does not name one.
	sourceFields []int
}

// findPrefix finds the prefix repeated over texts, when there is one: the
// shape whose removal turns the most lines into runtime output. A shape
// counts as a prefix only when no line that has it is runtime output as it
// stands, and either
//   - it carries part of a goroutine trace, or
//   - the log has no trace outside it, at least half of the log's lines
//     have it, and it ends with the first delimiter of its lines
//     ("Apr 29 00:57:11 host containerd[1738]: ", "... E Go      : ").
//
// So a program's own log prefix is not removed: "2024/01/02 15:04:05 "
// sits next to an unprefixed trace, and in klog's "I0109 main.go:1]
// recovered: panic: boom" the text after the first delimiter is the
// message.
func findPrefix(texts []string) (linePrefix, bool) {
	shapes := countShapes(texts)
	bestKey, best := shapes.best()
	if best == nil {
		return linePrefix{}, false
	}
	p := linePrefix{key: bestKey, lines: best.carried}
	// The example is the longest of the first few: the first line may be
	// cut inside the prefix.
	var sh lineShape
	for i, seen := best.first, 0; i < len(texts) && seen < 8; i++ {
		if _, end := prefixOf(texts[i], bestKey, &sh); end >= 0 {
			seen++
			if example := texts[i][:min(end+1, len(texts[i]))]; len(example) > len(p.example) {
				p.example = example
			}
		}
	}
	p.sourceFields = sourceFields(texts, bestKey)
	return p, true
}

// shapeCounts are the prefix shapes of a log's lines with what each would
// carry.
type shapeCounts struct {
	stats map[string]*prefixStats
	// nonBlank counts the log's non-blank lines, traceLines those that are
	// part of a goroutine trace as they stand.
	nonBlank, traceLines int
}

// countShapes counts, for every prefix shape of every line, the lines
// that have it and what removing it would turn them into.
func countShapes(texts []string) shapeCounts {
	c := shapeCounts{stats: map[string]*prefixStats{}}
	var sh lineShape
	for i, t := range texts {
		if strings.TrimSpace(t) == "" {
			continue
		}
		c.nonBlank++
		asIs := isRuntimeLine(t)
		if isTraceLine(t) {
			c.traceLines++
		}
		sh.read(t)
		for j, f := range sh.fields {
			st, ok := c.stats[string(sh.keyAt(j))]
			if !ok {
				st = &prefixStats{first: i}
				c.stats[string(sh.keyAt(j))] = st
			}
			st.carried++
			st.runtimeAsIs = st.runtimeAsIs || asIs
			if rest := afterPrefix(t, f.end); isRuntimeLine(rest) {
				st.recognised++
				if isTraceLine(rest) {
					st.trace++
				}
			}
		}
	}
	return c
}

// best returns the shape that counts as a prefix (see findPrefix) and
// turns the most lines into runtime output; on a tie, the one more lines
// have, then the shorter. nil when no shape counts.
func (c shapeCounts) best() (string, *prefixStats) {
	best, bestKey := (*prefixStats)(nil), ""
	for key, st := range c.stats {
		if st.runtimeAsIs || st.recognised == 0 {
			continue
		}
		if st.trace == 0 && (c.traceLines > 0 || 2*st.carried < c.nonBlank || !endsAtFirstDelimiter(key)) {
			continue
		}
		if best == nil || st.recognised > best.recognised ||
			(st.recognised == best.recognised && (st.carried > best.carried ||
				(st.carried == best.carried && (len(key) < len(bestKey) || (len(key) == len(bestKey) && key < bestKey))))) {
			best, bestKey = st, key
		}
	}
	return bestKey, best
}

// endsAtFirstDelimiter reports whether the only closing delimiter in a
// prefix shape is the one it ends with.
func endsAtFirstDelimiter(key string) bool {
	last := len(key) - 1
	return strings.IndexByte(closingDelimiters, key[last]) >= 0 && !strings.ContainsAny(key[:last], closingDelimiters)
}

// sourceFields returns the positions of the word fields of the prefix key
// that name each line's writer: fields whose value varies from line to
// line, but over a few values only, and that are neither a one-letter log
// level (logcat's "E", "I") nor a month or day name.
func sourceFields(texts []string, key string) []int {
	values := map[int]map[string]bool{}
	carried := 0
	var sh lineShape
	for _, t := range texts {
		fields, end := prefixOf(t, key, &sh)
		if end < 0 {
			continue
		}
		carried++
		named := 0
		for _, f := range fields {
			if !f.named {
				continue
			}
			if f.text != "" && isWordField(f.text) {
				vs := values[named]
				if vs == nil {
					vs = map[string]bool{}
					values[named] = vs
				}
				if len(vs) <= maxSourceValues {
					vs[sourceName(f.text)] = true
				}
			}
			named++
		}
	}
	var positions []int
	for pos, vs := range values {
		if len(vs) < 2 || len(vs) > 1+carried/3 {
			continue
		}
		naming := false
		for v := range vs {
			if len(v) > 1 && !isCalendarWord(v) {
				naming = true
			}
		}
		if naming {
			positions = append(positions, pos)
		}
	}
	slices.Sort(positions)
	return positions
}

// prefixOf returns the fields of line's prefix when it has the shape key,
// and the prefix's end offset (-1 when it does not have it).
func prefixOf(line, key string, sh *lineShape) ([]prefixField, int) {
	sh.read(line)
	for i, f := range sh.fields {
		if string(sh.keyAt(i)) == key {
			return sh.fields[:i+1], f.end
		}
		if f.keyLen > len(key) {
			break
		}
	}
	return sh.fields, -1
}

// isWordField reports whether a field is a word field ("W" in a key).
func isWordField(text string) bool {
	digits, letters := countClasses(text)
	return letters > digits
}

// sourceName is a writer's name as a prefix field shows it, without the
// delimiter that ends it: "containerd[1738]:" names "containerd[1738]",
// "Go" names "Go".
func sourceName(text string) string {
	return strings.TrimRight(text, ":|")
}

// isCalendarWord reports whether v is a month or day name, which varies in
// a timestamp without naming a writer.
func isCalendarWord(v string) bool {
	switch v {
	case "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
		"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun":
		return true
	}
	return false
}

// stripPrefix removes p from every line that has it, returning each
// line's text and writer (the values of p's source fields, joined by a
// space; "" when p names none). A first line cut inside the prefix (a
// paste that starts in the middle of a timestamp) loses what is left of
// the prefix when the rest is runtime output. A line without the prefix
// keeps its text and belongs to the writer of the line before it.
func stripPrefix(texts []string, p linePrefix) (out []string, sources []string) {
	out = make([]string, len(texts))
	sources = make([]string, len(texts))
	var sh lineShape
	firstText := true
	current := ""
	for i, t := range texts {
		fields, end := prefixOf(t, p.key, &sh)
		switch {
		case end >= 0:
			out[i] = afterPrefix(t, end)
			current = sourceOf(fields, p.sourceFields)
		case firstText && strings.TrimSpace(t) != "":
			out[i] = withoutCutPrefix(t, p.key, &sh)
		default:
			out[i] = t
		}
		sources[i] = current
		if strings.TrimSpace(t) != "" {
			firstText = false
		}
	}
	// Lines before the first prefixed line belong to its writer.
	for i := range sources {
		if sources[i] != "" {
			for j := 0; j < i; j++ {
				sources[j] = sources[i]
			}
			break
		}
	}
	return out, sources
}

// sourceOf joins the values of a prefix's source fields.
func sourceOf(fields []prefixField, positions []int) string {
	if len(positions) == 0 {
		return ""
	}
	var names []string
	named := 0
	for _, f := range fields {
		if !f.named {
			continue
		}
		for _, p := range positions {
			if p == named {
				names = append(names, sourceName(f.text))
			}
		}
		named++
	}
	return strings.Join(names, " ")
}

// withoutCutPrefix removes from a line the end of a prefix of shape key
// (its last fields: "3.6367390Z " of "2024-10-09T09:16:43.6367390Z "), when
// the rest is runtime output.
func withoutCutPrefix(line, key string, sh *lineShape) string {
	tokens := strings.Split(key, " ")
	for i, f := range sh.fields {
		fieldKey := string(sh.keyAt(i))
		n := strings.Count(fieldKey, " ") + 1
		if n >= len(tokens) {
			break
		}
		if fieldKey == strings.Join(tokens[len(tokens)-n:], " ") {
			if rest := afterPrefix(line, f.end); isRuntimeLine(rest) {
				return rest
			}
		}
	}
	return line
}

// runtimeLinePrefixes start lines the runtime prints around a crash
// besides headings, frames and goroutine headers.
var runtimeLinePrefixes = [...]string{
	"runtime: ", "[signal ", "created by ", "running tests:", "unexpected fault address ",
	"PC=", "signal arrived during ", "runtime stack:",
}

// isRuntimeLine reports whether line is something the Go runtime (or
// go test's alarm, or an emulator) prints when a program crashes: a
// heading, a goroutine header, a frame or its file line, a "runtime: "
// detail.
func isRuntimeLine(line string) bool {
	if line == "" {
		return false
	}
	if HeadingKind(line) != "" || isTraceLine(line) {
		return true
	}
	t := strings.TrimLeft(line, " \t")
	for _, p := range runtimeLinePrefixes {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	_, ok := FrameFunc(line)
	return ok
}

// isTraceLine reports whether line belongs to a goroutine trace: a
// goroutine header, "runtime stack:", or the file line under a frame
// (indented, or in the runtime's exact form).
func isTraceLine(line string) bool {
	switch {
	case line == "runtime stack:":
		return true
	case strings.HasPrefix(line, "goroutine "):
		return goroutineHeaderRE.MatchString(line)
	}
	return isFileLine(line)
}
