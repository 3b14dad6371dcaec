package container

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gorepro/gorepro/internal/container/builderproto"
	"github.com/gorepro/gorepro/internal/proc"
)

// builderdFiles are the sources of the program a builder container runs:
// builderd and the protocol package it shares with this one, built as a
// module of their own (see BuilderdBinary).
//
//go:embed builderd/*.go builderproto/*.go
var builderdFiles embed.FS

// builderdPath is where the builderd binary is mounted in a builder.
const builderdPath = "/gorepro/builderd"

// builderStartTimeout bounds the start of a builder container, until
// builderd says it is ready.
const builderStartTimeout = 2 * time.Minute

// BuilderdBinary builds builderd for goarch with the host's go command
// (goCmd; "go" from PATH when empty) into dir, unless it is there already,
// and returns its path: dir/<hash of the source>/builderd-linux-<goarch>.
// The binary is static (CGO_ENABLED=0), so it runs in any Linux image.
func BuilderdBinary(ctx context.Context, goCmd, dir, goarch string) (string, error) {
	files, err := builderdSources()
	if err != nil {
		return "", fmt.Errorf("building builderd: %w", err)
	}
	return helperBinary(ctx, goCmd, dir, "builderd", files, goarch)
}

// helperFile is one file of a helper program's build (builderd,
// runwait): its path in the module and its content.
type helperFile struct {
	path string
	data []byte
}

// helperBinary builds the helper program called name, the main package
// internal/container/<name> of files (a module of gorepro's path, so
// that it may import internal packages), for linux/goarch with goCmd
// into dir, unless it is there already, and returns its path:
// dir/<hash of the files>/<name>-linux-<goarch>.
func helperBinary(ctx context.Context, goCmd, dir, name string, files []helperFile, goarch string) (string, error) {
	sum := sha256.New()
	for _, f := range files {
		fmt.Fprintf(sum, "%s %d\n", f.path, len(f.data))
		sum.Write(f.data)
	}
	srcDir := filepath.Join(dir, hex.EncodeToString(sum.Sum(nil)[:8]))
	bin := filepath.Join(srcDir, name+"-linux-"+goarch)
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin, nil
	}
	if err := os.MkdirAll(srcDir, 0o755); err != nil {
		return "", fmt.Errorf("building %s: %w", name, err)
	}
	// Built in a directory of its own, then renamed into place: another
	// cell of this run, or another gorepro, may build the same binary at
	// the same time.
	tmpDir, err := os.MkdirTemp(srcDir, "build-")
	if err != nil {
		return "", fmt.Errorf("building %s: %w", name, err)
	}
	defer os.RemoveAll(tmpDir)
	for _, f := range files {
		p := filepath.Join(tmpDir, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", fmt.Errorf("building %s: %w", name, err)
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			return "", fmt.Errorf("building %s: %w", name, err)
		}
	}
	if goCmd == "" {
		goCmd = "go"
	}
	tmp := filepath.Join(tmpDir, name)
	res, err := proc.Run(ctx, proc.Cmd{
		Argv:    []string{goCmd, "build", "-trimpath", "-buildvcs=false", "-o", tmp, "./internal/container/" + name},
		Dir:     tmpDir,
		Env:     proc.Environ(nil, "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local"),
		Timeout: 5 * time.Minute,
	})
	if err != nil {
		return "", fmt.Errorf("building %s: %w", name, err)
	}
	if res.ExitCode != 0 {
		return "", fmt.Errorf("building %s for linux/%s: exit %d: %s", name, goarch, res.ExitCode, proc.FirstLines(res.Output, 3))
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", fmt.Errorf("building %s: %w", name, err)
	}
	return bin, nil
}

// helperModFile is the go.mod of a helper's build: gorepro's module path.
var helperModFile = helperFile{path: "go.mod", data: []byte("module github.com/gorepro/gorepro\n\ngo 1.21\n")}

// builderdSources are the files builderd is built from, in a stable
// order: helperModFile (so that builderd may import the internal package
// builderproto) and the embedded sources at their paths in the module.
// Test files are left out: the build needs only the standard library.
func builderdSources() ([]helperFile, error) {
	files := []helperFile{helperModFile}
	err := fs.WalkDir(builderdFiles, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		data, err := builderdFiles.ReadFile(p)
		files = append(files, helperFile{path: "internal/container/" + p, data: data})
		return err
	})
	return files, err
}

// Builder is a running builder container: s's image, platform, mounts,
// network, user and labels, with builderd (see its package doc) as its
// main process, in which Exec runs commands without starting a container
// each. Its engine client stays attached for the builder's life; closing
// its standard input (Close, or this process dying) ends builderd and so
// the container, which runs with --rm.
type Builder struct {
	e    *Engine
	name string

	// stdin is the engine client's standard input: requests.
	mu     sync.Mutex
	stdin  *io.PipeWriter
	nextID int64
	calls  map[int64]*builderCall
	// ended is closed when the engine client has returned; endErr then
	// says why, for calls that are still waiting.
	ended  chan struct{}
	endErr error
	// untrack takes the container out of the Started of its context.
	untrack func()
	cancel  context.CancelFunc
}

// builderCall is one Exec waiting for its replies.
type builderCall struct {
	out  *limitedBuffer
	tee  io.Writer
	done chan builderproto.Reply
}

// BuilderArgv is the argv StartBuilder runs for s with the builderd
// binary at helper: `run -i` attached, --rm, s's name, labels, platform,
// network, user and mounts plus builderd's, and builderd as entrypoint.
func (e *Engine) BuilderArgv(s RunSpec, helper string) []string {
	s.Mounts = append(append([]Mount(nil), s.Mounts...), Mount{Source: helper, Target: builderdPath, ReadOnly: true})
	s.Entrypoint = builderdPath
	s.Args = nil
	s.Workdir = ""
	argv := e.RunArgv(s)
	// run --rm → run -i --rm: builderd reads its requests on stdin.
	return append(append(append([]string(nil), argv[:2]...), "-i"), argv[2:]...)
}

// StartBuilder starts a builder container for s (see Builder) with the
// builderd binary at helper, and returns once builderd is ready. s.Name
// is generated when empty; s.Args, s.Workdir, s.Env and s.Timeout are not
// used (each Exec has its own). While the builder lives, it is in the
// Started of ctx, if any. The builder outlives ctx: Close ends it.
func (e *Engine) StartBuilder(ctx context.Context, s RunSpec, helper string) (*Builder, error) {
	if err := s.prepare("builder"); err != nil {
		return nil, err
	}
	clientCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	b := &Builder{e: e, name: s.Name, stdin: inW, calls: map[int64]*builderCall{}, ended: make(chan struct{}), cancel: cancel}
	b.untrack = track(ctx, e, s.Name)
	go func() {
		res, err := e.exec(clientCtx, proc.Cmd{Argv: e.BuilderArgv(s, helper), Stdin: inR, Stdout: outW, Cap: queryCap})
		if err == nil {
			err = fmt.Errorf("builder container %s ended: exit %d: %s", s.Name, res.ExitCode, proc.FirstLines(res.Output, 3))
		}
		b.mu.Lock()
		b.endErr = e.startError("builder "+s.Image, err)
		b.mu.Unlock()
		_ = outW.Close()
		_ = inR.Close()
	}()
	ready := make(chan struct{})
	go b.readReplies(outR, ready)
	timer := time.NewTimer(builderStartTimeout)
	defer timer.Stop()
	select {
	case <-ready:
		return b, nil
	case <-b.ended:
		b.mu.Lock()
		err := b.endErr
		b.mu.Unlock()
		b.Close(ctx)
		return nil, err
	case <-ctx.Done():
		b.Close(ctx)
		return nil, fmt.Errorf("starting builder %s: %w", s.Image, ctx.Err())
	case <-timer.C:
		b.Close(ctx)
		return nil, fmt.Errorf("starting builder %s: builderd did not answer within %s", s.Image, builderStartTimeout)
	}
}

// Name is the builder container's name.
func (b *Builder) Name() string { return b.name }

// readReplies hands builderd's replies to the calls waiting for them,
// closes ready at the first one, and, once the client's output ends,
// fails the calls still waiting.
func (b *Builder) readReplies(out io.Reader, ready chan struct{}) {
	dec := json.NewDecoder(out)
	isReady := false
	for {
		var r builderproto.Reply
		if err := dec.Decode(&r); err != nil {
			break
		}
		if r.Ready && !isReady {
			isReady = true
			close(ready)
			continue
		}
		b.mu.Lock()
		call := b.calls[r.ID]
		if r.Done {
			delete(b.calls, r.ID)
		}
		b.mu.Unlock()
		if call == nil {
			continue
		}
		if len(r.Out) > 0 {
			_, _ = call.out.Write(r.Out)
			if call.tee != nil {
				_, _ = call.tee.Write(r.Out)
			}
		}
		if r.Done {
			call.done <- r
		}
	}
	_, _ = io.Copy(io.Discard, out)
	// Under the lock, so that no call is added once these are failed.
	b.mu.Lock()
	calls := b.calls
	b.calls = map[int64]*builderCall{}
	close(b.ended)
	b.mu.Unlock()
	for _, call := range calls {
		call.done <- builderproto.Reply{Done: true, Exit: -1, Err: errBuilderEnded}
	}
}

// errBuilderEnded is the reply of calls whose builder ended first.
const errBuilderEnded = "builder container ended"

// ExecSpec is one command run in a builder.
type ExecSpec struct {
	// Args is the command; Dir the directory it runs in; Env KEY=VALUE
	// pairs added to the container's environment.
	Args []string
	Dir  string
	Env  []string
	// Timeout bounds the command (builderd kills its process group at
	// the deadline); Cap bounds the output kept, as in proc.Cmd.
	Timeout time.Duration
	Cap     int
	// Tee, when set, also receives all output as it is produced.
	Tee io.Writer
}

// Exec runs x in the builder and returns what happened as a proc.Result:
// ExitCode (128+N and Signal when the command died by signal N, -1 when
// it was killed at its deadline), TimedOut, Canceled and Output. Cancelling
// ctx kills the command. An error means it did not run to its end in the
// builder: it could not be started there (an *Error of kind ErrEngineRun
// with builderd's reason), or the builder container is gone.
func (b *Builder) Exec(ctx context.Context, x ExecSpec) (*proc.Result, error) {
	capBytes := x.Cap
	if capBytes <= 0 {
		capBytes = proc.DefaultCap
	}
	call := &builderCall{out: &limitedBuffer{max: 2 * capBytes}, tee: x.Tee, done: make(chan builderproto.Reply, 1)}
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	select {
	case <-b.ended:
		err := b.endErr
		b.mu.Unlock()
		return nil, fmt.Errorf("exec in builder %s: %w", b.name, err)
	default:
	}
	b.calls[id] = call
	line, _ := json.Marshal(builderproto.Request{ID: id, Argv: x.Args, Dir: x.Dir, Env: x.Env, TimeoutMs: x.Timeout.Milliseconds()})
	_, werr := b.stdin.Write(append(line, '\n'))
	b.mu.Unlock()
	start := time.Now()
	if werr != nil {
		return nil, fmt.Errorf("exec in builder %s: %w", b.name, werr)
	}
	var r builderproto.Reply
	canceled := false
	select {
	case r = <-call.done:
	case <-ctx.Done():
		canceled = true
		b.send(builderproto.Request{ID: id, Cancel: true})
		r = <-call.done
	}
	res := &proc.Result{ExitCode: r.Exit, Duration: time.Since(start), TimedOut: r.TimedOut, Canceled: canceled && !r.TimedOut}
	res.Output, res.OutputBytes, res.Truncated = call.out.result(capBytes)
	if r.Signal != 0 {
		res.Signal = syscall.Signal(r.Signal)
		res.ExitCode = 128 + r.Signal
		if r.TimedOut || canceled {
			res.ExitCode = -1
		}
	}
	if r.Err != "" {
		if r.Err == errBuilderEnded {
			b.mu.Lock()
			err := b.endErr
			b.mu.Unlock()
			if err == nil {
				err = errors.New(r.Err)
			}
			return res, fmt.Errorf("exec in builder %s: %w", b.name, err)
		}
		return res, &Error{Kind: ErrEngineRun, Op: "exec " + strings.Join(x.Args, " "), Msg: r.Err, Hint: hintExecFailed}
	}
	return res, nil
}

// send writes one request line; errors (the builder gone) are ignored.
func (b *Builder) send(r builderproto.Request) {
	line, _ := json.Marshal(r)
	b.mu.Lock()
	defer b.mu.Unlock()
	_, _ = b.stdin.Write(append(line, '\n'))
}

// Close ends the builder: it closes builderd's standard input, which
// ends builderd and its commands and so the container, and waits for the
// engine client, which removes it (--rm). When the client has not
// returned within clientGrace, it removes the container itself (rm -f)
// and kills the client. It is safe to call more than once.
func (b *Builder) Close(ctx context.Context) {
	_ = b.stdin.Close()
	grace := time.NewTimer(clientGrace)
	defer grace.Stop()
	select {
	case <-b.ended:
	case <-grace.C:
		b.e.removeContainer(context.WithoutCancel(ctx), b.name)
		b.cancel()
		<-b.ended
	}
	b.cancel()
	b.untrack()
}

// limitedBuffer keeps the head and the tail of what is written, up to max
// bytes in all, and counts every byte.
type limitedBuffer struct {
	mu         sync.Mutex
	max        int
	head, tail []byte
	total      int64
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total += int64(len(p))
	half := l.max / 2
	rest := p
	if n := min(half-len(l.head), len(rest)); n > 0 {
		l.head = append(l.head, rest[:n]...)
		rest = rest[n:]
	}
	if len(rest) > 0 {
		l.tail = append(l.tail, rest...)
		if len(l.tail) > l.max-half {
			l.tail = append([]byte(nil), l.tail[len(l.tail)-(l.max-half):]...)
		}
	}
	return len(p), nil
}

// result is the output kept (head and tail of capBytes each, with a line
// saying how much was cut between them), the total written and whether
// some was cut.
func (l *limitedBuffer) result(capBytes int) ([]byte, int64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	kept := int64(len(l.head) + len(l.tail))
	out := append(append([]byte(nil), l.head...), l.tail...)
	if kept == l.total {
		return out, l.total, false
	}
	cut := fmt.Sprintf("\n… %d bytes cut …\n", l.total-kept)
	return append(append(append([]byte(nil), l.head...), cut...), l.tail...), l.total, true
}
