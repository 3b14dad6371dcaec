// Package proc runs every child process gorepro starts: go builds, the built
// binaries and helper commands. One function, Run, gives each process a
// context, a timeout, its own process group (killed whole at the deadline or
// on cancellation) and a capped capture of its combined output that keeps the
// head and the tail and says how much was cut. FirstLines turns a failed
// child's output into the few lines an error message quotes.
package proc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultCap is the default number of output bytes kept from each end of a
// process's output.
const DefaultCap = 512 << 10

// Cmd describes one child process.
type Cmd struct {
	// Argv is the program and its arguments; never a shell string.
	Argv []string
	Dir  string
	// Env is the complete environment of the process; nil means the
	// current process's environment.
	Env []string
	// Timeout bounds the process's run time; zero means no bound other
	// than the context.
	Timeout time.Duration
	// GraceSignal, when non-zero, is sent to the process group at the
	// deadline first (SIGQUIT makes a Go program dump its goroutines); the
	// group is killed with SIGKILL after Grace.
	GraceSignal syscall.Signal
	Grace       time.Duration
	// Cap is how many bytes are kept from the head and from the tail of the
	// combined stdout and stderr (DefaultCap when zero).
	Cap int
	// Tee, when set, also receives all output as it is produced.
	Tee io.Writer
	// Stdin, when set, is the process's standard input (else /dev/null):
	// the process reads end of file once Stdin does.
	Stdin io.Reader
	// Stdout, when set, receives the process's standard output instead of
	// the captured output (and Tee), which then holds standard error only:
	// for a process that answers on standard output in a protocol of its
	// own.
	Stdout io.Writer
	// Track marks the process and everything it starts with MarkerVar,
	// and kills whatever still carries the mark when the process has
	// ended: daemons in a new session, double forks, children that
	// ignore signals, which the process group kill cannot reach.
	// Result.Leaked counts them.
	Track bool
}

// Result is what happened to a child process.
type Result struct {
	// ExitCode is the exit status, or -1 when the process was killed by a
	// signal or never started.
	ExitCode int
	// Signal is the signal that terminated the process, if any.
	Signal syscall.Signal
	// TimedOut is true when the process was stopped at its deadline;
	// Canceled when the context was cancelled first.
	TimedOut bool
	Canceled bool
	// Output is the captured combined output (head and tail when cut).
	Output []byte
	// OutputBytes is the total number of bytes the process wrote; Truncated
	// says whether some were cut from Output.
	OutputBytes int64
	Truncated   bool
	Duration    time.Duration
	// Leaked is how many processes a tracked command left running after
	// it ended; they were killed.
	Leaked int
}

// FirstLines joins the first n non-empty lines of out, a child's captured
// output, with "; ", for an error message that says why the child failed.
// It skips the go command's progress lines ("go: downloading ...").
func FirstLines(out []byte, n int) string {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() && len(lines) < n {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "go: downloading ") {
			continue
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "; ")
}

// Signaled reports whether the process was terminated by a signal.
func (r *Result) Signaled() bool { return r.Signal != 0 }

// StartError is returned by Run when the process could not be started at all
// (missing program, exec format error, permission denied).
type StartError struct {
	Argv []string
	Err  error
}

func (e *StartError) Error() string {
	return fmt.Sprintf("starting %s: %v", e.Argv[0], e.Err)
}

func (e *StartError) Unwrap() error { return e.Err }

// Run starts c, waits for it and returns what happened. A non-zero exit, a
// signal or a timeout are reported in Result, not as an error; the error is a
// *StartError when the process could not be started.
func Run(ctx context.Context, c Cmd) (*Result, error) {
	if len(c.Argv) == 0 {
		return nil, errors.New("proc: empty command")
	}
	capBytes := c.Cap
	if capBytes <= 0 {
		capBytes = DefaultCap
	}
	out := &capture{cap: capBytes}
	var w io.Writer = out
	if c.Tee != nil {
		w = io.MultiWriter(out, c.Tee)
	}
	cmd, marker := command(c, w)

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, &StartError{Argv: c.Argv, Err: err}
	}
	pgid := cmd.Process.Pid
	var since uint64
	if marker != "" {
		// Everything that carries the marker starts after the leader.
		since = startTime(pgid)
	}
	done := make(chan struct{})
	dog := &watchdog{pgid: pgid, timeout: c.Timeout, graceSignal: c.GraceSignal, grace: c.Grace}
	go dog.watch(ctx, done)
	waitErr := cmd.Wait()
	close(done)
	// Whatever the leader left behind in its group goes too.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)

	res := &Result{ExitCode: -1, Duration: time.Since(start)}
	if marker != "" {
		res.Leaked = KillMarked(marker, since)
	}
	res.TimedOut, res.Canceled = dog.stopped()
	res.Output, res.OutputBytes, res.Truncated = out.bytes()
	return res, exitStatus(cmd, waitErr, res)
}

// command returns the unstarted command of c, writing its stdout and
// stderr to w, in a process group of its own; with c.Track, also the
// marker that its environment carries.
func command(c Cmd, w io.Writer) (cmd *exec.Cmd, marker string) {
	cmd = exec.Command(c.Argv[0], c.Argv[1:]...)
	cmd.Dir = c.Dir
	cmd.Env = c.Env
	if c.Track {
		marker = newMarker()
		cmd.Env = Environ(c.Env, MarkerVar+"="+marker)
	}
	cmd.Stdout = w
	if c.Stdout != nil {
		cmd.Stdout = c.Stdout
	}
	cmd.Stderr = w
	cmd.Stdin = c.Stdin
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Grandchildren that keep the pipes open must not hang Wait.
	cmd.WaitDelay = 2 * time.Second
	return cmd, marker
}

// watchdog kills a started process group when the context ends or at its
// deadline (after the grace signal and period, when there are some), and
// remembers which of the two happened.
type watchdog struct {
	pgid        int
	timeout     time.Duration
	graceSignal syscall.Signal
	grace       time.Duration

	mu                 sync.Mutex
	timedOut, canceled bool
}

// watch waits for done (the leader was reaped), the context's end or the
// deadline, and kills the group in the latter two cases.
func (w *watchdog) watch(ctx context.Context, done <-chan struct{}) {
	var deadline <-chan time.Time
	if w.timeout > 0 {
		t := time.NewTimer(w.timeout)
		defer t.Stop()
		deadline = t.C
	}
	select {
	case <-done:
		return
	case <-ctx.Done():
		w.mu.Lock()
		w.canceled = true
		w.mu.Unlock()
		_ = syscall.Kill(-w.pgid, syscall.SIGKILL)
		return
	case <-deadline:
	}
	w.mu.Lock()
	w.timedOut = true
	w.mu.Unlock()
	if w.graceSignal != 0 && w.grace > 0 {
		_ = syscall.Kill(-w.pgid, w.graceSignal)
		t := time.NewTimer(w.grace)
		defer t.Stop()
		select {
		case <-done:
			return
		case <-ctx.Done():
		case <-t.C:
		}
	}
	_ = syscall.Kill(-w.pgid, syscall.SIGKILL)
}

// stopped reports whether the watchdog stopped the process at its deadline
// or because the context ended.
func (w *watchdog) stopped() (timedOut, canceled bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.timedOut, w.canceled
}

// exitStatus fills in res's exit code or signal from the reaped cmd, and
// returns the error of a wait that failed for another reason than the
// process's own exit status.
func exitStatus(cmd *exec.Cmd, waitErr error, res *Result) error {
	// ProcessState is nil when waiting itself failed (waitErr says why).
	if cmd.ProcessState == nil {
		return fmt.Errorf("waiting for %s: %w", cmd.Args[0], waitErr)
	}
	if st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok {
		switch {
		case st.Signaled():
			res.Signal = st.Signal()
		case st.Exited():
			res.ExitCode = st.ExitStatus()
		}
	}
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) && !errors.Is(waitErr, exec.ErrWaitDelay) {
		return fmt.Errorf("waiting for %s: %w", cmd.Args[0], waitErr)
	}
	return nil
}

// Capture is Run's capped capture, for a caller that gathers a process's
// output itself (from Cmd.Stdout and Cmd.Tee): it keeps the first and the
// last capBytes bytes written to it and says how much it cut, exactly as
// Result.Output does. It is safe for concurrent writes.
type Capture struct{ c capture }

// NewCapture returns an empty Capture keeping capBytes (DefaultCap when
// zero or less) from each end.
func NewCapture(capBytes int) *Capture {
	if capBytes <= 0 {
		capBytes = DefaultCap
	}
	return &Capture{c: capture{cap: capBytes}}
}

// Write keeps p's bytes that fall in the head or the tail.
func (c *Capture) Write(p []byte) (int, error) { return c.c.Write(p) }

// Bytes returns what Result's Output, OutputBytes and Truncated would
// hold for the output written so far.
func (c *Capture) Bytes() (output []byte, total int64, truncated bool) { return c.c.bytes() }

// capture keeps the first cap bytes and the last cap bytes written to it.
type capture struct {
	mu    sync.Mutex
	cap   int
	head  []byte
	tail  []byte // ring buffer once full
	pos   int    // next write position in tail when full
	full  bool
	total int64
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(p)
	c.total += int64(n)
	if room := c.cap - len(c.head); room > 0 {
		k := min(room, len(p))
		c.head = append(c.head, p[:k]...)
		p = p[k:]
	}
	for len(p) > 0 {
		if !c.full {
			room := c.cap - len(c.tail)
			k := min(room, len(p))
			c.tail = append(c.tail, p[:k]...)
			p = p[k:]
			if len(c.tail) == c.cap {
				c.full = true
				c.pos = 0
			}
			continue
		}
		k := copy(c.tail[c.pos:], p)
		p = p[k:]
		c.pos = (c.pos + k) % c.cap
	}
	return n, nil
}

func (c *capture) bytes() ([]byte, int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	tail := c.tail
	if c.full {
		tail = append(append([]byte{}, c.tail[c.pos:]...), c.tail[:c.pos]...)
	}
	kept := int64(len(c.head) + len(tail))
	if kept == c.total {
		return append(append([]byte{}, c.head...), tail...), c.total, false
	}
	var b bytes.Buffer
	b.Write(c.head)
	if len(c.head) > 0 && c.head[len(c.head)-1] != '\n' {
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "[gorepro: %d bytes of output cut here; %d bytes in all, first and last %d kept]\n", c.total-kept, c.total, c.cap)
	b.Write(tail)
	return b.Bytes(), c.total, true
}

// Environ returns base with the variables in set replacing or adding to it,
// keeping base's order and appending new ones in the order given. A nil base
// means os.Environ().
func Environ(base []string, set ...string) []string {
	if base == nil {
		base = os.Environ()
	}
	idx := make(map[string]int, len(base))
	env := make([]string, 0, len(base)+len(set))
	for _, kv := range slices.Concat(base, set) {
		k, _, _ := strings.Cut(kv, "=")
		if i, ok := idx[k]; ok {
			env[i] = kv
			continue
		}
		idx[k] = len(env)
		env = append(env, kv)
	}
	return env
}
