// Package progress shows how a run of cells goes, on stderr.
//
// A [Reporter] is told when cells start and finish. Off a terminal it prints
// exactly one line per finished cell (line mode), which is what CI logs and
// scripts read. On a terminal (live mode) the same lines are printed above a
// single status line that is redrawn in place (carriage return, erase line)
// on every event and on a ticker: cells done/total, elapsed time, an ETA and
// the running cells, cut to the terminal's width so that it never wraps.
// Warnings written to the Reporter (it is an io.Writer) go above the status
// line too. [Reporter.Close] erases the status line: callers close the
// Reporter before they write anything to stdout, so that a final table on
// the same terminal is never garbled.
//
// The terminal facts (is it a terminal, its width, may it be coloured, the
// clock) are injected through [Options], so the rendering is testable with
// a buffer and a fake clock; [Decide] derives the mode from whether the
// stream is a terminal and the environment (NO_COLOR, TERM).
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorepro/gorepro/internal/record"
)

// Terminal control sequences used in live mode.
const (
	// eraseLine moves to the start of the line and erases it.
	eraseLine = "\r\x1b[2K"
	sgrReset  = "\x1b[0m"
)

// defaultWidth is the width assumed when the terminal's is unknown.
const defaultWidth = 80

// Options tune a Reporter. The zero value is line mode without colour.
type Options struct {
	// Live redraws a status line below the finished-cell lines; only for
	// a terminal that understands carriage return and ESC[2K.
	Live bool
	// Color colours the outcome word of finished-cell lines.
	Color bool
	// Quiet prints neither finished-cell lines nor a status line; what is
	// written to the Reporter (warnings) still passes through.
	Quiet bool
	// Width reports the terminal's width in columns, asked on every
	// redraw (terminals get resized); nil or a result below 1 means 80.
	Width func() int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Tick is how often the live status line is redrawn on its own, so
	// that elapsed time moves while cells run; 0 means only on events.
	Tick time.Duration
	// Jobs is how many cells run at once, for the ETA; below 1 means 1.
	Jobs int
}

// Decide says how progress should look on a stream: live (a status line
// redrawn in place) only on a terminal whose TERM is not "dumb"; coloured
// only when live and NO_COLOR is unset or empty (https://no-color.org).
func Decide(isTerminal bool, getenv func(string) string) (live, color bool) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if !isTerminal || getenv("TERM") == "dumb" {
		return false, false
	}
	return true, getenv("NO_COLOR") == ""
}

// Reporter shows the progress of runs of cells on one writer. Its methods
// may be called from many goroutines.
type Reporter struct {
	w    io.Writer
	opts Options

	mu    sync.Mutex
	start time.Time
	// total and done count the cells of the current run (since Begin).
	total, done int
	begun       bool
	running     []running
	// measured and measuredN are the summed wall time and the number of
	// finished cells that were really built and run, for the ETA; they
	// carry over from one run to the next (the probes of a bisection).
	measured  time.Duration
	measuredN int
	// partial is the start of a written line not yet ended.
	partial []byte
	// drawn says a status line is on the screen.
	drawn  bool
	closed bool

	stop chan struct{}
	wg   sync.WaitGroup
}

// running is a cell being built or run.
type running struct {
	id, name string
	since    time.Time
}

// New returns a Reporter writing to w. In live mode with a Tick it starts
// a ticker; Close stops it.
func New(w io.Writer, opts Options) *Reporter {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Jobs < 1 {
		opts.Jobs = 1
	}
	if opts.Quiet {
		opts.Live = false
	}
	if !opts.Live {
		// Colour belongs to terminals, and so to live mode.
		opts.Color = false
	}
	r := &Reporter{w: w, opts: opts, start: opts.Now()}
	if opts.Live && opts.Tick > 0 {
		r.stop = make(chan struct{})
		r.wg.Add(1)
		go r.tick(opts.Tick)
	}
	return r
}

func (r *Reporter) tick(every time.Duration) {
	defer r.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.Refresh()
		}
	}
}

// Begin starts a run of total cells: the count of finished cells starts
// again from zero.
func (r *Reporter) Begin(total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.total, r.done, r.begun = total, 0, true
	r.running = r.running[:0]
	r.emit("")
}

// CellStarted records that the cell id, called name in the status line,
// is being built or run.
func (r *Reporter) CellStarted(id, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running = append(r.running, running{id: id, name: name, since: r.opts.Now()})
	r.emit("")
}

// CellFinished prints the line of a finished cell (see [Line]), numbered in
// the order cells finish.
func (r *Reporter) CellFinished(id string, c record.Cell) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done++
	for i, run := range r.running {
		if run.id != id {
			continue
		}
		if !c.Cached && c.Outcome != record.Unavailable && !c.Interrupted {
			r.measured += r.opts.Now().Sub(run.since)
			r.measuredN++
		}
		r.running = append(r.running[:i], r.running[i+1:]...)
		break
	}
	if r.opts.Quiet {
		return
	}
	r.emit(Line(r.done, r.total, c, r.opts.Color) + "\n")
}

// Write writes p (warnings) to the underlying writer; in live mode whole
// lines go above the status line and the end of an unfinished line waits
// for its newline (or Close).
func (r *Reporter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.opts.Live || r.closed {
		return r.w.Write(p)
	}
	r.partial = append(r.partial, p...)
	i := strings.LastIndexByte(string(r.partial), '\n')
	if i < 0 {
		return len(p), nil
	}
	lines := string(r.partial[:i+1])
	r.partial = append(r.partial[:0], r.partial[i+1:]...)
	if err := r.emit(lines); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Refresh redraws the status line (the ticker calls it).
func (r *Reporter) Refresh() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.emit("")
}

// Close stops the ticker and erases the status line, so that the cursor is
// at the start of an empty line; an unfinished written line is flushed.
// Afterwards the Reporter passes writes through and prints finished lines
// without a status line. Close may be called more than once.
func (r *Reporter) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	stop := r.stop
	r.mu.Unlock()
	if stop != nil {
		close(stop)
		r.wg.Wait()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	if r.drawn {
		b.WriteString(eraseLine)
		r.drawn = false
	}
	if len(r.partial) > 0 {
		b.Write(r.partial)
		b.WriteByte('\n')
		r.partial = nil
	}
	if b.Len() == 0 {
		return nil
	}
	_, err := io.WriteString(r.w, b.String())
	return err
}

// emit writes lines (whole lines, or nothing) and, in live mode, redraws
// the status line below them, in one write. r.mu is held.
func (r *Reporter) emit(lines string) error {
	if !r.opts.Live || r.closed {
		if lines == "" {
			return nil
		}
		_, err := io.WriteString(r.w, lines)
		return err
	}
	var b strings.Builder
	if r.drawn {
		b.WriteString(eraseLine)
	}
	b.WriteString(lines)
	r.drawn = false
	if r.begun {
		b.WriteString(r.status())
		r.drawn = true
	}
	if b.Len() == 0 {
		return nil
	}
	_, err := io.WriteString(r.w, b.String())
	return err
}

// status is the text of the status line, never wider than the terminal
// minus one column (writing the last column would leave some terminals
// waiting to wrap). r.mu is held.
func (r *Reporter) status() string {
	width := defaultWidth
	if r.opts.Width != nil {
		if w := r.opts.Width(); w > 0 {
			width = w
		}
	}
	limit := max(width-1, 1)
	now := r.opts.Now()
	s := fmt.Sprintf("%d/%d done | elapsed %s | ETA %s", r.done, r.total, Duration(now.Sub(r.start)), r.eta())
	if len(r.running) > 0 {
		// The running cells when at least their number fits.
		const label = " | running: "
		part := label + names(r.running, limit-utf8.RuneCountInString(s)-len(label))
		if utf8.RuneCountInString(s+part) <= limit {
			s += part
		}
	}
	return truncate(s, limit)
}

// eta is the time left: the mean wall time of the cells built and run so
// far × the cells left ÷ the cells run at once; "-" until a cell has been
// measured. r.mu is held.
func (r *Reporter) eta() string {
	left := r.total - r.done
	if left <= 0 {
		return Duration(0)
	}
	if r.measuredN == 0 {
		return "-"
	}
	mean := r.measured / time.Duration(r.measuredN)
	return Duration(mean * time.Duration(left) / time.Duration(min(r.opts.Jobs, left)))
}

// names lists the running cells in at most room columns: as many names as
// fit, then "+N more" for the others.
func names(cells []running, room int) string {
	var b strings.Builder
	for i, c := range cells {
		sep := ""
		if i > 0 {
			sep = ", "
		}
		rest := ""
		if left := len(cells) - i - 1; left > 0 {
			rest = fmt.Sprintf(", +%d more", left)
		}
		if utf8.RuneCountInString(b.String()+sep+c.name+rest) > room {
			if i == 0 {
				return fmt.Sprint(len(cells))
			}
			return b.String() + fmt.Sprintf(", +%d more", len(cells)-i)
		}
		b.WriteString(sep + c.name)
	}
	return b.String()
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Duration formats d for people, to the second: 45s, 1m02s, 1h02m.
func Duration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// sgr is the SGR colour code of an outcome word.
func sgr(o record.Outcome) string {
	switch o {
	case record.Pass:
		return "32" // green
	case record.Crash:
		return "31" // red
	case record.Timeout, record.Fail:
		return "33" // yellow
	case record.BuildError:
		return "35" // magenta
	case record.Unavailable:
		return "2" // dim
	}
	return ""
}

// Line is the progress line of the n-th finished cell of total, for example
//
//	[2/4] local go1.26.8 protobuf=v1.36.10 cover=on repro amd64/amd64: crash 1/1 panic: … (build 2.0s, run 1.5s)
//
// With color the outcome word is wrapped in its SGR colour.
func Line(n, total int, c record.Cell, color bool) string {
	cover := "off"
	if c.Cover {
		cover = "on"
	}
	outcome := string(c.Outcome)
	if code := sgr(c.Outcome); code != "" && color {
		outcome = "\x1b[" + code + "m" + outcome + sgrReset
	}
	width := len(fmt.Sprint(total))
	line := fmt.Sprintf("[%*d/%d] %s %s protobuf=%s cover=%s %s %s/%s: %s", width, n, total,
		c.Toolchain, dash(c.GoVersion), c.Protobuf, cover, c.Target, dash(c.BinaryArch), c.HostArch, outcome)
	if c.Runs > 0 {
		line += fmt.Sprintf(" %d/%d", countOutcome(c), c.Runs)
	}
	if c.Flaky {
		line += " (flaky)"
	}
	if c.Signature != "" {
		line += " " + c.Signature
	} else if c.Reason != "" && c.Outcome != record.Pass {
		line += " — " + c.Reason
	}
	switch {
	case c.Cached:
		line += " (cached)"
	case c.Outcome != record.Unavailable:
		line += fmt.Sprintf(" (build %.1fs, run %.1fs)", c.BuildSeconds, c.RunSeconds)
	}
	return line
}

func countOutcome(c record.Cell) int {
	n := 0
	for _, r := range c.RunResults {
		if r.Outcome == c.Outcome {
			n++
		}
	}
	return n
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
