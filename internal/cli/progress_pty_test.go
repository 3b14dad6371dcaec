package cli_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ptyCols is the width of the pseudo-terminal: narrower than the finished
// cell lines, so the status line must be cut to fit.
const ptyCols = 72

var (
	sgrRe    = regexp.MustCompile(`\x1b\[[0-9;]*m`)
	statusRe = regexp.MustCompile(`^\d+/\d+ done \| elapsed [\dhms]+ \| ETA (-|[\dhms]+)`)
	// finishedRe is a finished-cell line with colours removed.
	finishedRe = regexp.MustCompile(`^\[[12]/2\] local go1\.\d+\.\d+ protobuf=v1\.36\.10 cover=off (repro|slow) \w+/\w+: pass 1/1 \((build [\d.]+s, run [\d.]+s|cached)\)$`)
)

// TestProgressOnATerminal runs the real gorepro matrix under a real
// pseudo-terminal, with stdout and stderr both on it as in an interactive
// shell, and checks what a person would see: a live status line that is
// redrawn (by the ticker too), never wider than the terminal and erased in
// the end, coloured finished-cell lines above it, and the final table intact
// line by line. NO_COLOR removes the colours, --quiet all progress, and a
// stderr that is not a terminal gets one plain line per finished cell.
func TestProgressOnATerminal(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "gorepro")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/gorepro").CombinedOutput()
	require.NoError(t, err, "%s", out)
	writeFiles(t, dir, map[string]string{
		"app/go.mod":           "module example.com/app\n\ngo 1.23\n",
		"app/cmd/slow/main.go": "package main\n\nimport \"time\"\n\nfunc main() { time.Sleep(1500 * time.Millisecond) }\n",
		"toolchains.json": `{
  "toolchains": [{"name": "local", "kind": "local"}],
  "protobuf": ["v1.36.10"],
  "targets": [
    {"name": "repro", "kind": "repro"},
    {"name": "slow", "kind": "package", "dir": "app", "package": "./cmd/slow"}
  ]
}`,
	})
	gorepro := func(env []string, args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "NO_COLOR=") && !strings.HasPrefix(kv, "TERM=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "GOREPRO_CACHE="+filepath.Join(dir, "cache"), "TERM=xterm-256color")
		cmd.Env = append(cmd.Env, env...)
		return cmd
	}
	// table is the text table of the run stored in out, as the matrix
	// printed it on stdout.
	table := func(t *testing.T, out string) []string {
		t.Helper()
		text, err := gorepro(nil, "report", out, "--format", "text").Output()
		require.NoError(t, err)
		lines := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
		require.Greater(t, len(lines), 2, "%s", text)
		return lines
	}

	t.Run("live status line, coloured", func(t *testing.T) {
		raw := runOnPTY(t, gorepro(nil, "matrix", "-j", "2", "--no-cache", "-o", "out-live"))
		screen := render(t, raw)

		// Status lines were drawn (also by the ticker: more draws than the
		// 5 events of start, 2 starts and 2 finishes), each cut to the
		// terminal's width.
		statuses := drawnStatuses(raw)
		require.NotEmpty(t, statuses, "%q", raw)
		assert.Greater(t, len(statuses), 5, "the ticker redraws the status line: %q", statuses)
		for _, s := range statuses {
			assert.Regexp(t, statusRe, s)
			assert.LessOrEqual(t, utf8.RuneCountInString(s), ptyCols-1, "status wider than the terminal: %q", s)
		}
		assert.Regexp(t, `\| running: (repro, slow|slow, repro)\n`, strings.Join(statuses, "\n")+"\n")
		assert.Contains(t, statuses[len(statuses)-1], "2/2 done")
		// ...and erased: none is left on the screen.
		for _, line := range screen {
			assert.NotRegexp(t, `\d+/\d+ done \|`, line)
		}

		// Finished-cell lines are coloured on the terminal, and whole.
		assert.Contains(t, raw, "\x1b[32mpass\x1b[0m")
		assertFinishedLines(t, screen)

		// The final table is intact, one table line per screen line.
		for _, line := range table(t, "out-live") {
			assert.Contains(t, screen, line, "table line garbled or missing\nscreen:\n%s", strings.Join(screen, "\n"))
		}
		assert.Contains(t, screen, "gorepro: 2 cells: 2 pass")
	})

	t.Run("NO_COLOR: live, no colour", func(t *testing.T) {
		raw := runOnPTY(t, gorepro([]string{"NO_COLOR=1"}, "matrix", "-j", "2", "-o", "out-nocolor"))
		assert.NotRegexp(t, sgrRe, raw)
		assert.NotEmpty(t, drawnStatuses(raw), "still a live status line: %q", raw)
		screen := render(t, raw)
		assertFinishedLines(t, screen)
		for _, line := range table(t, "out-nocolor") {
			assert.Contains(t, screen, line)
		}
	})

	t.Run("--quiet: only the table", func(t *testing.T) {
		raw := runOnPTY(t, gorepro(nil, "matrix", "-j", "2", "--quiet", "-o", "out-quiet"))
		assert.NotContains(t, raw, "\x1b", "no status line, no colour")
		assert.Equal(t, table(t, "out-quiet"), render(t, raw), "nothing but the table")
	})

	t.Run("--quiet off a terminal: nothing on stderr", func(t *testing.T) {
		var stderr bytes.Buffer
		cmd := gorepro(nil, "matrix", "-j", "2", "-q", "-o", "out-quiet-pipe")
		cmd.Stderr = &stderr
		stdout, err := cmd.Output()
		require.NoError(t, err, "%s", stderr.String())
		assert.Empty(t, stderr.String())
		assert.Equal(t, strings.Join(table(t, "out-quiet-pipe"), "\n")+"\n", string(stdout))
	})

	t.Run("stderr not a terminal: one plain line per cell", func(t *testing.T) {
		ptmx, tty, err := pty.Open()
		require.NoError(t, err)
		defer ptmx.Close()
		require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Rows: 50, Cols: ptyCols}))
		var stderr bytes.Buffer
		cmd := gorepro(nil, "matrix", "-j", "2", "--no-cache", "-o", "out-pipe")
		cmd.Stdout, cmd.Stderr = tty, &stderr
		require.NoError(t, cmd.Start())
		tty.Close()
		stdout := readAll(t, ptmx)
		require.NoError(t, cmd.Wait(), "%s", stderr.String())

		assert.NotContains(t, stderr.String(), "\x1b")
		var finished []string
		for _, line := range strings.Split(stderr.String(), "\n") {
			if strings.HasPrefix(line, "[") {
				finished = append(finished, line)
				assert.Regexp(t, finishedRe, line)
			}
		}
		assert.Len(t, finished, 2, "%s", stderr.String())
		assert.Contains(t, stderr.String(), "gorepro: 2 cells: 2 pass\n")
		assert.Equal(t, table(t, "out-pipe"), render(t, stdout), "the table on the terminal")
	})
}

// runOnPTY runs cmd with its standard streams on a new pseudo-terminal and
// returns everything written to it; the command must succeed.
func runOnPTY(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: ptyCols})
	require.NoError(t, err)
	defer ptmx.Close()
	raw := readAll(t, ptmx)
	require.NoError(t, cmd.Wait(), "%q", raw)
	return raw
}

// readAll reads the terminal until its other side is closed (EIO).
func readAll(t *testing.T, ptmx *os.File) string {
	t.Helper()
	var buf bytes.Buffer
	_, err := io.Copy(&buf, ptmx)
	var pathErr *os.PathError
	if err != nil && !errors.As(err, &pathErr) {
		require.NoError(t, err)
	}
	return buf.String()
}

// drawnStatuses returns the status lines drawn in raw, in order.
func drawnStatuses(raw string) []string {
	var out []string
	// A status line starts a line, or follows an erase; it ends at the
	// carriage return of the next erase.
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	for _, part := range strings.Split(raw, "\x1b[2K") {
		for _, p := range strings.Split(part, "\n") {
			if i := strings.IndexByte(p, '\r'); i >= 0 {
				p = p[:i]
			}
			if statusRe.MatchString(p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// render replays raw terminal output the way a terminal shows it (carriage
// return, newline, erase line; colours dropped) and returns the lines on the
// screen and in its scrollback. It fails on any other control sequence.
func render(t *testing.T, raw string) []string {
	t.Helper()
	var lines []string
	var cur []rune
	col := 0
	for i := 0; i < len(raw); {
		switch raw[i] {
		case '\r':
			col = 0
			i++
		case '\n':
			lines = append(lines, string(cur))
			cur, col = nil, 0
			i++
		case 0x1b:
			m := regexp.MustCompile(`^\x1b\[([0-9;]*)([A-Za-z])`).FindStringSubmatch(raw[i:])
			require.NotNil(t, m, "unknown escape at %q", raw[i:min(len(raw), i+10)])
			switch {
			case m[2] == "m":
			case m[2] == "K" && m[1] == "2":
				cur = nil
			default:
				t.Fatalf("unexpected control sequence %q", m[0])
			}
			i += len(m[0])
		default:
			r, n := utf8.DecodeRuneInString(raw[i:])
			for len(cur) < col {
				cur = append(cur, ' ')
			}
			if col < len(cur) {
				cur[col] = r
			} else {
				cur = append(cur, r)
			}
			col++
			i += n
		}
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// assertFinishedLines checks that the screen shows one whole line per
// finished cell.
func assertFinishedLines(t *testing.T, screen []string) {
	t.Helper()
	var finished []string
	for _, line := range screen {
		if strings.HasPrefix(line, "[") {
			finished = append(finished, line)
			assert.Regexp(t, finishedRe, line)
		}
	}
	assert.Len(t, finished, 2, "%s", strings.Join(screen, "\n"))
}
