package progress

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/record"
)

// clock is a fake clock that tests move forward by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 27, 11, 30, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer is a bytes.Buffer safe for the ticker's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

const erase = "\r\x1b[2K"

var (
	anyEscape = regexp.MustCompile("\x1b")
	sgrSeq    = regexp.MustCompile(`\x1b\[[0-9;]*m`)
)

func pass(target string) record.Cell {
	return record.Cell{Toolchain: "local", GoVersion: "go1.26.8", Protobuf: "v1.36.10", Target: target,
		BinaryArch: "amd64", HostArch: "amd64", Outcome: record.Pass, Runs: 1,
		RunResults: []record.RunResult{{Outcome: record.Pass}}, BuildSeconds: 2, RunSeconds: 1.5}
}

func crash(target string) record.Cell {
	c := pass(target)
	c.Cover = true
	c.Outcome = record.Crash
	c.RunResults = []record.RunResult{{Outcome: record.Crash}}
	c.Signature = "fatal error: taggedPointerPack"
	return c
}

func unavailable(target string) record.Cell {
	return record.Cell{Toolchain: "old", Protobuf: "v1.36.10", Target: target, HostArch: "amd64",
		Outcome: record.Unavailable, Reason: "goroot /opt/old does not exist"}
}

func TestLine(t *testing.T) {
	cached := pass("repro")
	cached.Cached = true
	flaky := crash("repro")
	flaky.Runs, flaky.Flaky = 3, true
	flaky.RunResults = []record.RunResult{{Outcome: record.Pass}, {Outcome: record.Crash}, {Outcome: record.Pass}}
	tests := []struct {
		name  string
		n     int
		total int
		cell  record.Cell
		color bool
		want  string
	}{
		{"pass", 1, 4, pass("repro"), false, "[1/4] local go1.26.8 protobuf=v1.36.10 cover=off repro amd64/amd64: pass 1/1 (build 2.0s, run 1.5s)"},
		{"pass coloured green", 1, 4, pass("repro"), true, "[1/4] local go1.26.8 protobuf=v1.36.10 cover=off repro amd64/amd64: \x1b[32mpass\x1b[0m 1/1 (build 2.0s, run 1.5s)"},
		{"crash coloured red", 2, 4, crash("repro"), true, "[2/4] local go1.26.8 protobuf=v1.36.10 cover=on repro amd64/amd64: \x1b[31mcrash\x1b[0m 1/1 fatal error: taggedPointerPack (build 2.0s, run 1.5s)"},
		{"unavailable dim, width padded", 3, 12, unavailable("repro"), true, "[ 3/12] old - protobuf=v1.36.10 cover=off repro -/amd64: \x1b[2munavailable\x1b[0m — goroot /opt/old does not exist"},
		{"cached", 4, 4, cached, false, "[4/4] local go1.26.8 protobuf=v1.36.10 cover=off repro amd64/amd64: pass 1/1 (cached)"},
		{"flaky", 1, 1, flaky, false, "[1/1] local go1.26.8 protobuf=v1.36.10 cover=on repro amd64/amd64: crash 1/3 (flaky) fatal error: taggedPointerPack (build 2.0s, run 1.5s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Line(tt.n, tt.total, tt.cell, tt.color))
		})
	}
	for outcome, code := range map[record.Outcome]string{
		record.Timeout: "33", record.Fail: "33", record.BuildError: "35",
	} {
		c := pass("repro")
		c.Outcome = outcome
		assert.Contains(t, Line(1, 1, c, true), ": \x1b["+code+"m"+string(outcome)+"\x1b[0m", outcome)
	}
}

// run drives a reporter through a small run: three cells on two jobs, a
// warning, and Close.
func run(r *Reporter, clk *clock) {
	r.Begin(3)
	r.CellStarted("a", "local repro")
	r.CellStarted("b", "local app")
	clk.Advance(10 * time.Second)
	r.CellFinished("a", pass("repro"))
	r.CellStarted("c", "old repro")
	_, _ = r.Write([]byte("gorepro: warning: disk almost full\n"))
	r.CellFinished("c", unavailable("repro"))
	clk.Advance(5 * time.Second)
	r.CellFinished("b", crash("app"))
	_ = r.Close()
}

func TestLineMode(t *testing.T) {
	var buf bytes.Buffer
	clk := newClock()
	run(New(&buf, Options{Now: clk.Now, Jobs: 2}), clk)
	assert.Equal(t, "[1/3] local go1.26.8 protobuf=v1.36.10 cover=off repro amd64/amd64: pass 1/1 (build 2.0s, run 1.5s)\n"+
		"gorepro: warning: disk almost full\n"+
		"[2/3] old - protobuf=v1.36.10 cover=off repro -/amd64: unavailable — goroot /opt/old does not exist\n"+
		"[3/3] local go1.26.8 protobuf=v1.36.10 cover=on app amd64/amd64: crash 1/1 fatal error: taggedPointerPack (build 2.0s, run 1.5s)\n",
		buf.String())
}

func TestLiveMode(t *testing.T) {
	var buf bytes.Buffer
	clk := newClock()
	r := New(&buf, Options{Live: true, Color: true, Now: clk.Now, Jobs: 2, Width: func() int { return 120 }})
	run(r, clk)
	want := "" +
		// Begin, then two cells start.
		"0/3 done | elapsed 0s | ETA -" +
		erase + "0/3 done | elapsed 0s | ETA - | running: local repro" +
		erase + "0/3 done | elapsed 0s | ETA - | running: local repro, local app" +
		// a finishes after 10s: 2 left on 2 jobs at 10s each.
		erase + "[1/3] local go1.26.8 protobuf=v1.36.10 cover=off repro amd64/amd64: \x1b[32mpass\x1b[0m 1/1 (build 2.0s, run 1.5s)\n" +
		"1/3 done | elapsed 10s | ETA 10s | running: local app" +
		erase + "1/3 done | elapsed 10s | ETA 10s | running: local app, old repro" +
		// The warning goes above the status line.
		erase + "gorepro: warning: disk almost full\n" +
		"1/3 done | elapsed 10s | ETA 10s | running: local app, old repro" +
		// An unavailable cell does not count for the ETA: 1 left at 10s.
		erase + "[2/3] old - protobuf=v1.36.10 cover=off repro -/amd64: \x1b[2munavailable\x1b[0m — goroot /opt/old does not exist\n" +
		"2/3 done | elapsed 10s | ETA 10s | running: local app" +
		erase + "[3/3] local go1.26.8 protobuf=v1.36.10 cover=on app amd64/amd64: \x1b[31mcrash\x1b[0m 1/1 fatal error: taggedPointerPack (build 2.0s, run 1.5s)\n" +
		"3/3 done | elapsed 15s | ETA 0s" +
		// Close erases the status line.
		erase
	assert.Equal(t, want, buf.String())

	t.Run("after Close writes pass through and Close is idempotent", func(t *testing.T) {
		buf.Reset()
		_, err := r.Write([]byte("gorepro: 3 cells\n"))
		require.NoError(t, err)
		require.NoError(t, r.Close())
		assert.Equal(t, "gorepro: 3 cells\n", buf.String())
	})
}

func TestETA(t *testing.T) {
	var buf bytes.Buffer
	clk := newClock()
	r := New(&buf, Options{Live: true, Now: clk.Now, Jobs: 4, Width: func() int { return 200 }})
	r.Begin(10)
	cached := pass("repro")
	cached.Cached = true
	r.CellStarted("cached", "cached")
	clk.Advance(time.Second)
	r.CellFinished("cached", cached)
	assert.True(t, strings.HasSuffix(buf.String(), "1/10 done | elapsed 1s | ETA -"), "a cached cell says nothing of the time left: %q", buf.String())
	for i, d := range []time.Duration{20 * time.Second, 40 * time.Second} {
		id := string(rune('a' + i))
		r.CellStarted(id, id)
		clk.Advance(d)
		r.CellFinished(id, pass(id))
	}
	// mean 30s × 7 left ÷ 4 jobs = 52.5s.
	assert.True(t, strings.HasSuffix(buf.String(), "3/10 done | elapsed 1m01s | ETA 53s"), "%q", buf.String())

	t.Run("Begin of the next run keeps the measured mean", func(t *testing.T) {
		r.Begin(1)
		assert.True(t, strings.HasSuffix(buf.String(), "0/1 done | elapsed 1m01s | ETA 30s"), "%q", buf.String())
	})
}

func TestStatusNeverWiderThanTheTerminal(t *testing.T) {
	for _, width := range []int{20, 40, 60, 100} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			var buf bytes.Buffer
			clk := newClock()
			r := New(&buf, Options{Live: true, Now: clk.Now, Jobs: 8, Width: func() int { return width }})
			r.Begin(120)
			for _, name := range []string{"go1.26.8 v1.33.0 cover controller", "go1.27.3 v1.36.10 nocover webhook", "local repro", "builder-1.26 v1.36.10 cover controller arm64"} {
				r.CellStarted(name, name)
			}
			clk.Advance(90 * time.Minute)
			r.Refresh()
			for _, status := range strings.Split(buf.String(), erase) {
				assert.LessOrEqual(t, utf8.RuneCountInString(status), width-1, "%q", status)
				assert.NotContains(t, status, "\n")
			}
			last := buf.String()[strings.LastIndex(buf.String(), erase)+len(erase):]
			switch width {
			case 100:
				assert.Equal(t, "0/120 done | elapsed 1h30m | ETA - | running: go1.26.8 v1.33.0 cover controller, +3 more", last)
			case 60:
				assert.Equal(t, "0/120 done | elapsed 1h30m | ETA - | running: 4", last)
			case 40:
				assert.Equal(t, "0/120 done | elapsed 1h30m | ETA -", last, "no room even for the number of running cells")
			case 20:
				assert.Equal(t, "0/120 done | elapse", last)
			}
		})
	}

	t.Run("width asked at every redraw", func(t *testing.T) {
		var buf bytes.Buffer
		width := 200
		r := New(&buf, Options{Live: true, Now: newClock().Now, Width: func() int { return width }})
		r.Begin(2)
		r.CellStarted("a", "local repro")
		width = 43
		r.Refresh()
		assert.True(t, strings.HasSuffix(buf.String(), erase+"0/2 done | elapsed 0s | ETA - | running: 1"), "%q", buf.String())
	})

	t.Run("unknown width is 80", func(t *testing.T) {
		var buf bytes.Buffer
		r := New(&buf, Options{Live: true, Now: newClock().Now, Width: func() int { return 0 }})
		r.Begin(2)
		r.CellStarted("a", strings.Repeat("x", 100))
		status := buf.String()[strings.LastIndex(buf.String(), erase)+len(erase):]
		assert.Equal(t, "0/2 done | elapsed 0s | ETA - | running: 1", status)
	})
}

func TestWarningsAboveTheStatusLine(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, Options{Live: true, Now: newClock().Now})
	_, _ = r.Write([]byte("before the run\n"))
	assert.Equal(t, "before the run\n", buf.String(), "no status line before Begin")
	r.Begin(1)
	buf.Reset()
	_, _ = r.Write([]byte("gorepro: removed 2 container(s) "))
	assert.Empty(t, buf.String(), "half a line waits for its end")
	_, _ = r.Write([]byte("left by an interrupted run\nsecond line\nthird "))
	assert.Equal(t, erase+"gorepro: removed 2 container(s) left by an interrupted run\nsecond line\n0/1 done | elapsed 0s | ETA -", buf.String())
	buf.Reset()
	require.NoError(t, r.Close())
	assert.Equal(t, erase+"third \n", buf.String(), "Close flushes the unfinished line on a clean line")
}

func TestQuiet(t *testing.T) {
	var buf bytes.Buffer
	clk := newClock()
	run(New(&buf, Options{Quiet: true, Live: true, Color: true, Now: clk.Now, Tick: time.Millisecond}), clk)
	assert.Equal(t, "gorepro: warning: disk almost full\n", buf.String())
}

func TestTicker(t *testing.T) {
	var buf syncBuffer
	clk := newClock()
	r := New(&buf, Options{Live: true, Now: clk.Now, Tick: 5 * time.Millisecond})
	r.Begin(1)
	r.CellStarted("a", "slow")
	clk.Advance(3 * time.Second)
	require.Eventually(t, func() bool {
		return strings.Contains(buf.String(), "elapsed 3s")
	}, 5*time.Second, time.Millisecond, "the ticker redraws the status line on its own")
	require.NoError(t, r.Close())
	n := len(buf.String())
	assert.True(t, strings.HasSuffix(buf.String(), erase))
	// Close has waited for the ticker to stop; what it would still do
	// draws nothing.
	clk.Advance(time.Second)
	r.Refresh()
	assert.Len(t, buf.String(), n, "no redraw after Close")
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name              string
		terminal          bool
		env               map[string]string
		wantLive, wantCol bool
	}{
		{"terminal", true, map[string]string{"TERM": "xterm-256color"}, true, true},
		{"terminal without TERM", true, nil, true, true},
		{"NO_COLOR", true, map[string]string{"NO_COLOR": "1"}, true, false},
		{"NO_COLOR empty means unset", true, map[string]string{"NO_COLOR": ""}, true, true},
		{"TERM=dumb", true, map[string]string{"TERM": "dumb"}, false, false},
		{"not a terminal", false, map[string]string{"TERM": "xterm"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			live, color := Decide(tt.terminal, func(k string) string { return tt.env[k] })
			assert.Equal(t, tt.wantLive, live, "live")
			assert.Equal(t, tt.wantCol, color, "color")
		})
	}
	live, color := Decide(true, nil)
	assert.True(t, live)
	assert.True(t, color)
}

// TestNoEscapes runs the same reporter calls with the options Decide gives
// for NO_COLOR, TERM=dumb and a pipe.
func TestNoEscapes(t *testing.T) {
	tests := []struct {
		name     string
		terminal bool
		env      map[string]string
		forbid   *regexp.Regexp
	}{
		{"NO_COLOR: live, no colour", true, map[string]string{"NO_COLOR": "1"}, sgrSeq},
		{"TERM=dumb: no escape at all", true, map[string]string{"TERM": "dumb"}, anyEscape},
		{"not a terminal: no escape at all", false, nil, anyEscape},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			clk := newClock()
			live, color := Decide(tt.terminal, func(k string) string { return tt.env[k] })
			run(New(&buf, Options{Live: live, Color: color, Now: clk.Now, Width: func() int { return 100 }}), clk)
			assert.Contains(t, buf.String(), "[3/3] local go1.26.8")
			assert.False(t, tt.forbid.MatchString(buf.String()), "%q", buf.String())
		})
	}
	t.Run("colour is never used off a terminal", func(t *testing.T) {
		var buf bytes.Buffer
		clk := newClock()
		run(New(&buf, Options{Color: true, Now: clk.Now}), clk)
		assert.NotContains(t, buf.String(), "\x1b")
	})
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 400 * time.Millisecond: "0s", 1500 * time.Millisecond: "2s", 59 * time.Second: "59s",
		62 * time.Second: "1m02s", time.Hour - time.Second: "59m59s", 62 * time.Minute: "1h02m", 25 * time.Hour: "25h00m",
	} {
		assert.Equal(t, want, Duration(d), d.String())
	}
}
