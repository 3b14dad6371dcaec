package proc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slack is the generous allowance added to every upper bound on a duration,
// so that the tests hold on a loaded machine.
const slack = 3 * time.Second

// runBounded runs c and fails the test if Run has not returned within limit,
// so that a regression that hangs Run fails fast instead of hanging the test
// binary.
func runBounded(t *testing.T, ctx context.Context, c Cmd, limit time.Duration) (*Result, error) {
	t.Helper()
	type outcome struct {
		res *Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := Run(ctx, c)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		return o.res, o.err
	case <-time.After(limit):
		t.Fatalf("Run(%q) did not return within %v", c.Argv, limit)
		return nil, nil
	}
}

// pidsIn returns the process ids printed one per line in out; lines that are
// not numbers are skipped.
func pidsIn(t *testing.T, out []byte) []int {
	t.Helper()
	var pids []int
	for line := range strings.Lines(string(out)) {
		if pid, err := strconv.Atoi(strings.TrimSpace(line)); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// processGone reports whether pid no longer runs: it has no /proc entry or it
// is a zombie waiting to be reaped by whoever inherited it.
func processGone(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return errors.Is(err, fs.ErrNotExist)
	}
	// The state follows the command name, which is in parentheses and may
	// itself contain spaces or parentheses.
	_, rest, ok := strings.Cut(string(stat[bytes.LastIndexByte(stat, ')'):]), ") ")
	return ok && (strings.HasPrefix(rest, "Z") || strings.HasPrefix(rest, "X"))
}

// requireGone fails unless every pid is gone shortly (SIGKILL delivery is
// asynchronous, so a brief wait is allowed).
func requireGone(t *testing.T, pids []int) {
	t.Helper()
	for _, pid := range pids {
		require.Eventually(t, func() bool { return processGone(pid) }, 5*time.Second, 20*time.Millisecond,
			"process %d outlived Run", pid)
	}
}

// testData returns n deterministic bytes of lines of lower-case letters.
func testData(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		if i%31 == 30 {
			b[i] = '\n'
		} else {
			b[i] = byte('a' + i%26)
		}
	}
	return b
}

// expectedOutput is what Result.Output must hold for data captured with
// capBytes from each end.
func expectedOutput(data []byte, capBytes int) []byte {
	if len(data) <= 2*capBytes {
		return data
	}
	var b bytes.Buffer
	head := data[:capBytes]
	b.Write(head)
	if head[len(head)-1] != '\n' {
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "[gorepro: %d bytes of output cut here; %d bytes in all, first and last %d kept]\n",
		len(data)-2*capBytes, len(data), capBytes)
	b.Write(data[len(data)-capBytes:])
	return b.Bytes()
}

func TestRunExitStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		script   string
		exitCode int
		signal   syscall.Signal
		output   string
	}{
		{name: "success", script: "echo one; echo two >&2; echo three", exitCode: 0, output: "one\ntwo\nthree\n"},
		{name: "exit 3", script: "echo out; echo err >&2; exit 3", exitCode: 3, output: "out\nerr\n"},
		{name: "interleaved", script: "for i in 1 2 3; do echo o$i; echo e$i >&2; done", output: "o1\ne1\no2\ne2\no3\ne3\n"},
		{name: "killed by SIGTERM", script: "echo before; kill -TERM $$; echo after", exitCode: -1, signal: syscall.SIGTERM, output: "before\n"},
		{name: "killed by SIGKILL", script: "kill -KILL $$", exitCode: -1, signal: syscall.SIGKILL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := runBounded(t, context.Background(), Cmd{Argv: []string{"/bin/sh", "-c", tt.script}}, 30*time.Second)
			require.NoError(t, err)
			assert.Equal(t, tt.exitCode, res.ExitCode)
			assert.Equal(t, tt.signal, res.Signal)
			assert.Equal(t, tt.signal != 0, res.Signaled())
			assert.Equal(t, tt.output, string(res.Output))
			assert.Equal(t, int64(len(tt.output)), res.OutputBytes)
			assert.False(t, res.Truncated)
			assert.False(t, res.TimedOut)
			assert.False(t, res.Canceled)
			assert.Positive(t, res.Duration)
		})
	}
}

func TestRunDirAndEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	res, err := Run(context.Background(), Cmd{
		Argv: []string{"/bin/sh", "-c", `pwd; echo "$GOREPRO_PROC_TEST"`},
		Dir:  dir,
		Env:  Environ(nil, "GOREPRO_PROC_TEST=hello"),
	})
	require.NoError(t, err)
	realDir, err := filepath.EvalSymlinks(dir)
	require.NoError(t, err)
	assert.Equal(t, realDir+"\nhello\n", string(res.Output))
	assert.Equal(t, 0, res.ExitCode)
}

func TestRunTimeoutKillsProcessGroup(t *testing.T) {
	t.Parallel()
	// The shell must have started both children by the deadline, also on
	// a loaded machine (make stress).
	const timeout = 2 * time.Second
	res, err := runBounded(t, context.Background(), Cmd{
		Argv:    []string{"/bin/sh", "-c", "sleep 300 & echo $!; sleep 300 & echo $!; wait"},
		Timeout: timeout,
	}, 30*time.Second)
	require.NoError(t, err)
	assert.True(t, res.TimedOut)
	assert.False(t, res.Canceled)
	assert.Equal(t, syscall.SIGKILL, res.Signal)
	assert.Equal(t, -1, res.ExitCode)
	assert.GreaterOrEqual(t, res.Duration, timeout)
	assert.Less(t, res.Duration, timeout+slack)
	pids := pidsIn(t, res.Output)
	require.Len(t, pids, 2, "output: %q", res.Output)
	requireGone(t, pids)
}

func TestRunGrandchildHoldingPipeDoesNotHang(t *testing.T) {
	t.Parallel()
	// The leader exits at once; its background child keeps stdout open.
	res, err := runBounded(t, context.Background(), Cmd{
		Argv: []string{"/bin/sh", "-c", "sleep 300 & echo $!; echo leader done"},
	}, 30*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode)
	assert.False(t, res.TimedOut)
	assert.Contains(t, string(res.Output), "leader done\n")
	assert.Less(t, res.Duration, 2*time.Second+slack) // WaitDelay is 2s
	pids := pidsIn(t, res.Output)
	require.Len(t, pids, 1, "output: %q", res.Output)
	requireGone(t, pids)
}

// buildTestdata builds the program testdata/<name> into a temporary
// directory, in a module of its own so that the build does not depend on the
// state of this module.
func buildTestdata(t *testing.T, name string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name, "main.go"))
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), src, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+name+"\n\ngo 1.26\n"), 0o644))
	bin := filepath.Join(dir, name)
	res, err := Run(context.Background(), Cmd{
		Argv:    []string{"go", "build", "-o", bin, "."},
		Dir:     dir,
		Env:     Environ(nil, "GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=", "CGO_ENABLED=0"),
		Timeout: 2 * time.Minute,
	})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, "go build: %s", res.Output)
	return bin
}

func TestRunGraceSignal(t *testing.T) {
	t.Parallel()

	t.Run("go program dumps goroutines", func(t *testing.T) {
		t.Parallel()
		bin := buildTestdata(t, "hang")
		const timeout, grace = 1500 * time.Millisecond, 20 * time.Second
		res, err := runBounded(t, context.Background(), Cmd{
			Argv:        []string{bin},
			Timeout:     timeout,
			GraceSignal: syscall.SIGQUIT,
			Grace:       grace,
		}, 60*time.Second)
		require.NoError(t, err)
		out := string(res.Output)
		assert.True(t, res.TimedOut)
		assert.False(t, res.Canceled)
		assert.Contains(t, out, "ready\n")
		assert.Contains(t, out, "SIGQUIT: quit")
		// Newer runtimes print "goroutine 1 gp=0x… m=nil [sleep]:".
		assert.Regexp(t, `(?m)^goroutine 1 (.* )?\[sleep\]:$`, out)
		// The Go runtime exits with status 2 after the dump; it was not
		// killed at the end of the grace period.
		assert.Equal(t, 2, res.ExitCode)
		assert.Zero(t, res.Signal)
		assert.GreaterOrEqual(t, res.Duration, timeout)
		assert.Less(t, res.Duration, timeout+slack)
	})

	t.Run("ignored grace signal", func(t *testing.T) {
		t.Parallel()
		const timeout, grace = 2 * time.Second, time.Second // the shell starts its child by the deadline
		res, err := runBounded(t, context.Background(), Cmd{
			Argv:        []string{"/bin/sh", "-c", `trap "" QUIT; sleep 300 & echo $!; sleep 300`},
			Timeout:     timeout,
			GraceSignal: syscall.SIGQUIT,
			Grace:       grace,
		}, 30*time.Second)
		require.NoError(t, err)
		assert.True(t, res.TimedOut)
		assert.Equal(t, syscall.SIGKILL, res.Signal)
		assert.Equal(t, -1, res.ExitCode)
		assert.GreaterOrEqual(t, res.Duration, timeout+grace)
		assert.Less(t, res.Duration, timeout+grace+slack)
		pids := pidsIn(t, res.Output)
		require.Len(t, pids, 1, "output: %q", res.Output)
		requireGone(t, pids)
	})

	t.Run("no grace period kills at once", func(t *testing.T) {
		t.Parallel()
		const timeout = 300 * time.Millisecond
		res, err := runBounded(t, context.Background(), Cmd{
			Argv:        []string{"/bin/sh", "-c", `trap "" QUIT; sleep 300`},
			Timeout:     timeout,
			GraceSignal: syscall.SIGQUIT,
		}, 30*time.Second)
		require.NoError(t, err)
		assert.True(t, res.TimedOut)
		assert.Equal(t, syscall.SIGKILL, res.Signal)
		assert.Less(t, res.Duration, timeout+slack)
	})
}

func TestRunContextCancel(t *testing.T) {
	t.Parallel()

	t.Run("cancelled while running", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// Cancel once both children run (their pids are printed), not
		// after a while: on a loaded machine the shell may not have
		// started them yet.
		var cancelled time.Time
		tee := &lineWriter{lines: 2, done: func() { cancelled = time.Now(); cancel() }}
		res, err := runBounded(t, ctx, Cmd{
			Argv:    []string{"/bin/sh", "-c", "sleep 300 & echo $!; sleep 300 & echo $!; wait"},
			Timeout: time.Minute,
			Tee:     tee,
		}, 30*time.Second)
		require.NoError(t, err)
		assert.True(t, res.Canceled)
		assert.False(t, res.TimedOut)
		assert.Equal(t, syscall.SIGKILL, res.Signal)
		assert.Equal(t, -1, res.ExitCode)
		require.False(t, cancelled.IsZero())
		assert.Less(t, time.Since(cancelled), slack, "Run returns soon after the cancellation")
		pids := pidsIn(t, res.Output)
		require.Len(t, pids, 2, "output: %q", res.Output)
		requireGone(t, pids)
	})

	t.Run("cancelled before start", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		res, err := runBounded(t, ctx, Cmd{Argv: []string{"/bin/sh", "-c", "sleep 300"}}, 30*time.Second)
		require.NoError(t, err)
		assert.True(t, res.Canceled)
		assert.Equal(t, syscall.SIGKILL, res.Signal)
		assert.Less(t, res.Duration, slack)
	})
}

// lineWriter calls done once it has been written lines newlines (Run's
// Tee writes from one goroutine at a time).
type lineWriter struct {
	lines int
	seen  int
	done  func()
}

func (w *lineWriter) Write(p []byte) (int, error) {
	before := w.seen
	w.seen += bytes.Count(p, []byte{'\n'})
	if before < w.lines && w.seen >= w.lines {
		w.done()
	}
	return len(p), nil
}

func TestRunCappedOutput(t *testing.T) {
	t.Parallel()
	const capBytes = 100
	tests := []struct {
		name      string
		size      int
		capBytes  int
		truncated bool
	}{
		{name: "empty", size: 0, capBytes: capBytes},
		{name: "below cap", size: capBytes - 1, capBytes: capBytes},
		{name: "exactly cap", size: capBytes, capBytes: capBytes},
		{name: "between cap and twice cap", size: capBytes + 37, capBytes: capBytes},
		{name: "exactly twice cap", size: 2 * capBytes, capBytes: capBytes},
		{name: "twice cap plus one", size: 2*capBytes + 1, capBytes: capBytes, truncated: true},
		{name: "much larger", size: 50_000, capBytes: capBytes, truncated: true},
		{name: "default cap kept whole", size: 2 * DefaultCap, capBytes: 0},
		{name: "default cap cut", size: 2*DefaultCap + 1, capBytes: 0, truncated: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := testData(tt.size)
			file := filepath.Join(t.TempDir(), "data")
			require.NoError(t, os.WriteFile(file, data, 0o644))
			var tee bytes.Buffer
			res, err := runBounded(t, context.Background(), Cmd{
				Argv: []string{"cat", file},
				Cap:  tt.capBytes,
				Tee:  &tee,
			}, 30*time.Second)
			require.NoError(t, err)
			effectiveCap := tt.capBytes
			if effectiveCap == 0 {
				effectiveCap = DefaultCap
			}
			assert.Equal(t, 0, res.ExitCode)
			assert.Equal(t, int64(tt.size), res.OutputBytes)
			assert.Equal(t, tt.truncated, res.Truncated)
			assert.True(t, bytes.Equal(expectedOutput(data, effectiveCap), res.Output), "output differs from expected")
			if !tt.truncated {
				assert.True(t, bytes.Equal(data, res.Output), "output not kept whole")
			}
			assert.True(t, bytes.Equal(data, tee.Bytes()), "tee did not receive all output")
		})
	}
}

func TestRunStartError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notExecutable := filepath.Join(dir, "not-executable")
	require.NoError(t, os.WriteFile(notExecutable, []byte("#!/bin/sh\necho hi\n"), 0o644))
	noFormat := filepath.Join(dir, "no-format")
	require.NoError(t, os.WriteFile(noFormat, []byte("\x00\x01\x02 not a program\n"), 0o755))

	tests := []struct {
		name   string
		argv   []string
		target error
	}{
		{name: "missing path", argv: []string{filepath.Join(dir, "missing")}, target: fs.ErrNotExist},
		{name: "missing directory", argv: []string{filepath.Join(dir, "missing", "prog"), "arg"}, target: fs.ErrNotExist},
		// A bare name is looked up in $PATH, which reports exec.ErrNotFound.
		{name: "missing from PATH", argv: []string{"gorepro-no-such-program-here"}, target: exec.ErrNotFound},
		{name: "not executable", argv: []string{notExecutable}, target: fs.ErrPermission},
		{name: "exec format error", argv: []string{noFormat}, target: syscall.ENOEXEC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := Run(context.Background(), Cmd{Argv: tt.argv})
			require.Error(t, err)
			assert.Nil(t, res)
			var startErr *StartError
			require.ErrorAs(t, err, &startErr)
			assert.Equal(t, tt.argv, startErr.Argv)
			assert.ErrorIs(t, err, tt.target)
			assert.True(t, strings.HasPrefix(err.Error(), "starting "+tt.argv[0]+": "), "error %q", err)
		})
	}
}

func TestRunEmptyArgv(t *testing.T) {
	t.Parallel()
	res, err := Run(context.Background(), Cmd{})
	require.Error(t, err)
	assert.Nil(t, res)
	var startErr *StartError
	assert.False(t, errors.As(err, &startErr))
}

func TestCaptureGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		capBytes  int
		input     string
		want      string
		truncated bool
	}{
		{name: "empty", capBytes: 4, input: "", want: ""},
		{name: "whole", capBytes: 4, input: "abcdefgh", want: "abcdefgh"},
		{
			name: "cut mid-line", capBytes: 4, input: "abcdefghijkl", truncated: true,
			want: "abcd\n[gorepro: 4 bytes of output cut here; 12 bytes in all, first and last 4 kept]\nijkl",
		},
		{
			name: "head ends with newline", capBytes: 4, input: "abc\ndefghijkl", truncated: true,
			want: "abc\n[gorepro: 5 bytes of output cut here; 13 bytes in all, first and last 4 kept]\nijkl",
		},
		{
			name: "one byte cut", capBytes: 3, input: "abc-xyz", truncated: true,
			want: "abc\n[gorepro: 1 bytes of output cut here; 7 bytes in all, first and last 3 kept]\nxyz",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &capture{cap: tt.capBytes}
			n, err := c.Write([]byte(tt.input))
			require.NoError(t, err)
			assert.Equal(t, len(tt.input), n)
			out, total, truncated := c.bytes()
			assert.Equal(t, tt.want, string(out))
			assert.Equal(t, int64(len(tt.input)), total)
			assert.Equal(t, tt.truncated, truncated)
		})
	}
}

func TestCaptureChunkedWrites(t *testing.T) {
	t.Parallel()
	// chunkings lists the sizes of successive writes, repeated until the data
	// runs out.
	chunkings := map[string][]int{
		"one byte":       {1},
		"primes":         {2, 3, 5, 7, 11, 13},
		"cap minus one":  {-1},
		"cap":            {0},
		"cap plus one":   {+1},
		"all at once":    {1 << 30},
		"small and huge": {1, 1000, 3},
	}
	for _, capBytes := range []int{1, 2, 7, 64} {
		for _, size := range []int{0, 1, capBytes - 1, capBytes, capBytes + 1, 2*capBytes - 1, 2 * capBytes, 2*capBytes + 1, 3*capBytes + 5, 1000} {
			if size < 0 {
				continue
			}
			for name, chunks := range chunkings {
				t.Run(fmt.Sprintf("cap %d size %d %s", capBytes, size, name), func(t *testing.T) {
					data := testData(size)
					c := &capture{cap: capBytes}
					for i, rest := 0, data; len(rest) > 0; i++ {
						k := chunks[i%len(chunks)]
						if name == "cap minus one" || name == "cap" || name == "cap plus one" {
							k += capBytes
						}
						k = max(1, min(k, len(rest)))
						n, err := c.Write(rest[:k])
						require.NoError(t, err)
						require.Equal(t, k, n)
						rest = rest[k:]
					}
					out, total, truncated := c.bytes()
					assert.Equal(t, int64(size), total)
					assert.Equal(t, size > 2*capBytes, truncated)
					assert.Equal(t, string(expectedOutput(data, capBytes)), string(out))
					// bytes does not disturb the capture: a second call agrees.
					again, _, _ := c.bytes()
					assert.Equal(t, out, again)
				})
			}
		}
	}
}

func TestCaptureKeepsWritingAfterBytes(t *testing.T) {
	t.Parallel()
	data := testData(100)
	c := &capture{cap: 8}
	_, _ = c.Write(data[:30])
	first, _, _ := c.bytes()
	assert.Equal(t, string(expectedOutput(data[:30], 8)), string(first))
	_, _ = c.Write(data[30:])
	out, total, truncated := c.bytes()
	assert.Equal(t, string(expectedOutput(data, 8)), string(out))
	assert.Equal(t, int64(100), total)
	assert.True(t, truncated)
}

func TestCaptureConcurrentWrites(t *testing.T) {
	t.Parallel()
	c := &capture{cap: 16}
	const writers, writes = 8, 500
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range writes {
				_, _ = c.Write([]byte("0123456789\n"))
			}
		})
	}
	wg.Wait()
	out, total, truncated := c.bytes()
	assert.Equal(t, int64(writers*writes*11), total)
	assert.True(t, truncated)
	// Every write is whole, so the head and tail are made of whole lines.
	assert.True(t, strings.HasPrefix(string(out), "0123456789\n01234\n[gorepro: "), "output %q", out)
	assert.True(t, strings.HasSuffix(string(out), "]\n6789\n0123456789\n"), "output %q", out)
}

func TestEnviron(t *testing.T) {
	tests := []struct {
		name string
		base []string
		set  []string
		want []string
	}{
		{name: "empty", base: []string{}, want: []string{}},
		{name: "set only", base: []string{}, set: []string{"A=1", "B=2"}, want: []string{"A=1", "B=2"}},
		{name: "base only", base: []string{"A=1", "B=2"}, want: []string{"A=1", "B=2"}},
		{
			name: "replace keeps position, append keeps order",
			base: []string{"A=1", "B=2", "C=3"},
			set:  []string{"Z=26", "B=two", "Y=25"},
			want: []string{"A=1", "B=two", "C=3", "Z=26", "Y=25"},
		},
		{
			name: "duplicate base keys collapse to the last value",
			base: []string{"A=1", "B=2", "A=3", "C=4", "A=5"},
			want: []string{"A=5", "B=2", "C=4"},
		},
		{
			name: "duplicate set keys: last wins",
			base: []string{"A=1"},
			set:  []string{"B=1", "A=2", "B=2"},
			want: []string{"A=2", "B=2"},
		},
		{
			name: "values may contain equals and be empty",
			base: []string{"A=x=y", "B="},
			set:  []string{"B=c=d", "C="},
			want: []string{"A=x=y", "B=c=d", "C="},
		},
		{
			name: "keys are case-sensitive",
			base: []string{"path=a"},
			set:  []string{"PATH=b"},
			want: []string{"path=a", "PATH=b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			baseCopy := append([]string(nil), tt.base...)
			got := Environ(tt.base, tt.set...)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, baseCopy, append([]string(nil), tt.base...), "base was modified")
		})
	}

	t.Run("nil base is the current environment", func(t *testing.T) {
		t.Setenv("GOREPRO_PROC_TEST_OLD", "old")
		t.Setenv("GOREPRO_PROC_TEST_KEEP", "keep")
		current := os.Environ()
		assert.Equal(t, current, Environ(nil))
		got := Environ(nil, "GOREPRO_PROC_TEST_OLD=new", "GOREPRO_PROC_TEST_NEW=added")
		assert.Len(t, got, len(current)+1)
		assert.Contains(t, got, "GOREPRO_PROC_TEST_OLD=new")
		assert.Contains(t, got, "GOREPRO_PROC_TEST_KEEP=keep")
		assert.NotContains(t, got, "GOREPRO_PROC_TEST_OLD=old")
		assert.Equal(t, "GOREPRO_PROC_TEST_NEW=added", got[len(got)-1])
	})
}

func TestFirstLines(t *testing.T) {
	out := []byte("go: downloading go1.27.3 (linux/amd64)\n\nfirst\n  second  \nthird\n")
	assert.Equal(t, "first; second", FirstLines(out, 2))
	assert.Equal(t, "", FirstLines(nil, 2))
	assert.False(t, strings.Contains(FirstLines(out, 5), "downloading"))
}
