package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gorepro/gorepro/internal/redact"
)

// maxExcerptLineRunes is how much of one log line a report quotes; the
// rest of a longer line is cut off with an ellipsis.
const maxExcerptLineRunes = 300

// maxScannedLineBytes is how much of one log line is kept while scanning a
// log (redaction sees that much before the line is cut for the report).
const maxScannedLineBytes = 4 << 10

// maxRuntimeSays is how many of the runtime's own "runtime: " lines right
// before a fatal error a report quotes with it.
const maxRuntimeSays = 4

// maxSourceBytes is how much of a source file a report quotes.
const maxSourceBytes = 24 << 10

// logReader reads what a report quotes from a run's logs and sources,
// redacted. Its patterns are compiled once per report.
type logReader struct {
	files fs.FS
	// crashStart matches the line where a Go crash report begins.
	crashStart *regexp.Regexp
	// goroutineHeader matches the first line of a goroutine's stack, e.g.
	// "goroutine 1 [running]:" or "goroutine 1 gp=0x... m=0 [running]:".
	goroutineHeader *regexp.Regexp
}

func newLogReader(files fs.FS) *logReader {
	return &logReader{
		files:           files,
		crashStart:      regexp.MustCompile(`^(panic: |fatal error: |fatal: |SIG[A-Z]+: |unexpected signal |unexpected fault address )`),
		goroutineHeader: regexp.MustCompile(`^goroutine \d+ .*\]:$`),
	}
}

// quote makes one scanned log line what a report shows: redacted,
// printable and at most maxExcerptLineRunes long.
func (lr *logReader) quote(line string) string {
	return shorten(printableLine(redact.Text(line)), maxExcerptLineRunes)
}

// stackExcerpt is the part of a crashing run's log a report quotes.
type stackExcerpt struct {
	// Path is the log, relative to the run directory.
	Path string
	// Lines are the quoted lines, already redacted and made printable.
	Lines []string
	// FromCrash is true when Lines start at the crash's first line
	// ("panic: ..."); false when no such line was found and Lines are the
	// log's last lines.
	FromCrash bool
	// Cut is true when the crashing goroutine's stack went on past Lines.
	Cut bool
}

// stackExcerpt reads the log at p in files and returns its crash: the
// "panic:", "fatal error:" or "SIGQUIT:" line (for a fatal error, after the
// runtime's "runtime: " lines right before it) and what follows it through
// the end of the first goroutine's stack, at most maxLines lines. Without
// such a line it returns the log's last maxLines lines. It reads the log
// once, line by line, whatever its size.
func (lr *logReader) stackExcerpt(p string, maxLines int) (*stackExcerpt, error) {
	f, err := lr.files.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ex := &stackExcerpt{Path: p}
	tail := newLastLines(maxLines)
	// says holds the runtime's own lines right before the crash line
	// ("runtime: taggedPointerPack invalid packing: ptr=…" before "fatal
	// error: taggedPointerPack"): they say what the runtime found wrong.
	var says []string
	sawGoroutine, done := false, false
	err = eachLine(f, func(line string) bool {
		if strings.HasPrefix(line, "[gorepro: ") {
			return true // gorepro's own note on how the run ended
		}
		if !ex.FromCrash {
			if lr.crashStart.MatchString(line) {
				ex.FromCrash = true
				if strings.HasPrefix(line, "fatal error: ") {
					ex.Lines = append(ex.Lines, says...)
				}
				ex.Lines = append(ex.Lines, line)
				return true
			}
			switch {
			case !strings.HasPrefix(line, "runtime: "):
				says = says[:0]
			case len(says) == maxRuntimeSays:
				says = append(says[1:], line)
			default:
				says = append(says, line)
			}
			tail.add(line)
			return true
		}
		if done {
			return false
		}
		if strings.TrimSpace(line) == "" && sawGoroutine {
			done = true
			return false
		}
		if lr.goroutineHeader.MatchString(line) {
			sawGoroutine = true
		}
		if len(ex.Lines) == maxLines {
			ex.Cut = true
			return false
		}
		ex.Lines = append(ex.Lines, line)
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	if !ex.FromCrash {
		ex.Lines = tail.lines()
	}
	for len(ex.Lines) > 0 && strings.TrimSpace(ex.Lines[len(ex.Lines)-1]) == "" {
		ex.Lines = ex.Lines[:len(ex.Lines)-1]
	}
	for i, line := range ex.Lines {
		ex.Lines[i] = lr.quote(line)
	}
	return ex, nil
}

// logTail returns the last maxLines lines of the log at p in files,
// redacted and made printable, reading it once whatever its size.
func (lr *logReader) logTail(p string, maxLines int) ([]string, error) {
	f, err := lr.files.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	last := newLastLines(maxLines)
	err = eachLine(f, func(line string) bool {
		last.add(line)
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	tail := last.lines()
	for len(tail) > 0 && strings.TrimSpace(tail[len(tail)-1]) == "" {
		tail = tail[:len(tail)-1]
	}
	for i, line := range tail {
		tail[i] = lr.quote(line)
	}
	return tail, nil
}

// source returns the file at p in files, at most maxSourceBytes of it,
// redacted and made printable, and whether it was cut.
func (lr *logReader) source(p string) (string, bool, error) {
	f, err := lr.files.Open(p)
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSourceBytes+1))
	if err != nil {
		return "", false, fmt.Errorf("reading %s: %w", p, err)
	}
	cut := len(data) > maxSourceBytes
	if cut {
		data = data[:maxSourceBytes]
		if i := strings.LastIndexByte(string(data), '\n'); i >= 0 {
			data = data[:i+1]
		}
	}
	var out strings.Builder
	for line := range strings.Lines(redact.Text(string(data))) {
		out.WriteString(printableText(strings.TrimRight(line, "\r\n")))
		out.WriteByte('\n')
	}
	return out.String(), cut, nil
}

// lastLines keeps the last n lines added, in a ring.
type lastLines struct {
	ring  []string
	next  int
	total int
}

func newLastLines(n int) *lastLines { return &lastLines{ring: make([]string, max(n, 0))} }

func (l *lastLines) add(line string) {
	if len(l.ring) == 0 {
		return
	}
	l.ring[l.next] = line
	l.next = (l.next + 1) % len(l.ring)
	l.total++
}

// lines returns the kept lines, oldest first.
func (l *lastLines) lines() []string {
	if l.total < len(l.ring) {
		return slices.Clone(l.ring[:l.total])
	}
	return append(slices.Clone(l.ring[l.next:]), l.ring[:l.next]...)
}

// eachLine calls fn with each line of r (without its line ending), only
// the first maxScannedLineBytes bytes of a longer line (ending in "…"),
// until fn returns false or r ends.
func eachLine(r io.Reader, fn func(line string) bool) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		chunk, isPrefix, err := br.ReadLine()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		line := string(chunk)
		long := isPrefix
		for isPrefix { // skip the rest of a very long line
			_, isPrefix, err = br.ReadLine()
			if err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			if err != nil {
				break
			}
		}
		if long || len(line) > maxScannedLineBytes {
			line = cutBytes(line, maxScannedLineBytes) + "…"
		}
		if !fn(strings.TrimRight(line, "\r")) {
			return nil
		}
	}
}

// cutBytes returns at most n bytes of s, never splitting a UTF-8 sequence.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// printableLine is one line of a log as a code block can show it: valid
// UTF-8, tabs kept, other control characters (terminal escapes, NUL) and
// bidirectional overrides replaced by U+FFFD, no line breaks.
func printableLine(s string) string {
	return printableText(strings.NewReplacer("\r", "", "\n", " ").Replace(s))
}

// printableText is printableLine for text whose line breaks are kept.
func printableText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' {
			return r
		}
		// Control characters (terminal escapes, NUL) and the invisible
		// bidirectional overrides that can disguise text.
		if unicode.IsControl(r) || (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
