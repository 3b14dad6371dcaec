package container

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorepro/gorepro/internal/proc"
)

// Labels Run puts on every container.
const (
	labelGorepro = "gorepro"
	labelPID     = "gorepro.pid"
	labelHost    = "gorepro.host"
	labelHostID  = "gorepro.hostid"
	namePrefix   = "gorepro-"
)

// clientGrace is how long Run waits for the engine client to return after
// the container was removed before it kills the client.
const clientGrace = 10 * time.Second

// Mount is a bind mount (or a named volume) in a container.
type Mount struct {
	// Source is a host path, or a volume name when Volume is set.
	Source, Target string
	ReadOnly       bool
	// Volume says that Source is a named volume.
	Volume bool
}

// RunSpec describes one container run.
type RunSpec struct {
	// Image is the image to run; Platform ("os/arch[/variant]") selects it
	// among local images when not "". ImageName, when set, is the name the
	// user knows Image by (its configured reference, when Image is an
	// ID): errors name both.
	Image, Platform string
	ImageName       string
	// Name is the container name; Run generates "gorepro-<random>" when it
	// is empty.
	Name string
	// Labels are added to the container; Run always adds gorepro=1,
	// gorepro.pid=<this process's pid>, gorepro.host=<hostname> and
	// gorepro.hostid=<HostID()>, which cannot be overridden.
	Labels map[string]string
	Mounts []Mount
	// Env holds KEY=VALUE pairs, passed as -e.
	Env           []string
	Workdir, User string
	// UserNS is the --userns mode ("keep-id"), "" for the engine's
	// default; User and UserNS are usually RunAs's.
	UserNS string
	// Entrypoint replaces the image's entrypoint when not "".
	Entrypoint string
	// Args is the command after the image.
	Args []string
	// Network is the network mode, e.g. "none"; "" is the engine's default.
	Network string
	// NoInit runs the program as PID 1 instead of under the engine's init
	// (see the package documentation).
	NoInit bool
	// Timeout, GraceSignal, Grace and Cap are as in proc.Cmd; the grace
	// signal is sent to the container's program, not to the engine client.
	Timeout     time.Duration
	GraceSignal syscall.Signal
	Grace       time.Duration
	Cap         int
	// Tee, when set, also receives all output as it is produced.
	Tee io.Writer
	// Removals, when set, removes the exited container in the background
	// instead of the engine client (no --rm): the caller goes on at once,
	// and waits for the removals at its end (Removals.Wait).
	Removals *Removals
}

// RunArgv returns the exact argv Run executes for s (Run sets a generated
// Name first when s.Name is empty): `run --rm` (`run` with s.Removals) and
// the flags, the image and its arguments, after the engine's path.
func (e *Engine) RunArgv(s RunSpec) []string {
	argv := e.argv("run", "--rm", "--pull=never")
	if s.Removals != nil {
		argv = e.argv("run", "--pull=never")
	}
	if s.Name != "" {
		argv = append(argv, "--name", s.Name)
	}
	if !s.NoInit {
		argv = append(argv, "--init")
	}
	// Bind mounts of the user's files without relabelling them: on an
	// SELinux-enforcing host an unlabelled mount is denied, and a
	// relabelling option (:z, relabel=) would change the user's files
	// (and Docker refuses relabel= in --mount). Podman and Docker accept
	// this on hosts without SELinux too.
	argv = append(argv, "--security-opt", "label=disable")
	argv = append(argv, e.internalLabels()...)
	argv = append(argv, labelFlags(s.Labels)...)
	if s.Platform != "" {
		argv = append(argv, "--platform", s.Platform)
	}
	if s.Network != "" {
		argv = append(argv, "--network", s.Network)
	}
	if s.User != "" {
		argv = append(argv, "--user", s.User)
	}
	if s.UserNS != "" {
		argv = append(argv, "--userns", s.UserNS)
	}
	if s.Workdir != "" {
		argv = append(argv, "--workdir", s.Workdir)
	}
	if s.Entrypoint != "" {
		argv = append(argv, "--entrypoint", s.Entrypoint)
	}
	for _, kv := range s.Env {
		argv = append(argv, "-e", kv)
	}
	for _, m := range s.Mounts {
		argv = append(argv, "--mount", m.flag())
	}
	argv = append(argv, s.Image)
	return append(argv, s.Args...)
}

// Standalone returns argv, a command line of RunArgv, for a person to run
// alone: without the label that ties the container to this gorepro
// process (gorepro.pid). Run by hand once gorepro has exited, that label
// would make the container look left behind by an interrupted run, and
// any gorepro starting meanwhile would remove it (CleanupStale).
func Standalone(argv []string) []string {
	out := make([]string, 0, len(argv))
	for i := 0; i < len(argv); i++ {
		if argv[i] == "--label" && i+1 < len(argv) && strings.HasPrefix(argv[i+1], labelPID+"=") {
			i++
			continue
		}
		out = append(out, argv[i])
	}
	return out
}

// flag returns the --mount value for m.
func (m Mount) flag() string {
	kind := "bind"
	if m.Volume {
		kind = "volume"
	}
	v := "type=" + kind + ",source=" + m.Source + ",target=" + m.Target
	if m.ReadOnly {
		v += ",readonly"
	}
	return v
}

// internalLabels returns the --label flags of every container gorepro
// creates.
func (e *Engine) internalLabels() []string {
	flags := []string{"--label", labelGorepro + "=1", "--label", labelPID + "=" + strconv.Itoa(os.Getpid())}
	if host, err := os.Hostname(); err == nil && host != "" {
		flags = append(flags, "--label", labelHost+"="+host)
	}
	return append(flags, "--label", labelHostID+"="+HostID())
}

// labelFlags returns --label flags for labels in key order, without the
// internal ones.
func labelFlags(labels map[string]string) []string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		if k == labelGorepro || k == labelPID || k == labelHost || k == labelHostID {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	flags := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		flags = append(flags, "--label", k+"="+labels[k])
	}
	return flags
}

// newName returns "gorepro-<12 random hex digits>".
func newName() (string, error) {
	r, err := randomHex(6)
	if err != nil {
		return "", fmt.Errorf("generating a container name: %w", err)
	}
	return namePrefix + r, nil
}

// randomHex returns n random bytes in hexadecimal.
func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// prepare validates s and names it (a generated name when it has none);
// op names the operation in errors.
func (s *RunSpec) prepare(op string) error {
	if err := s.validate(); err != nil {
		return fmt.Errorf("%s %s: %w", op, s.Image, err)
	}
	if s.Name == "" {
		name, err := newName()
		if err != nil {
			return err
		}
		s.Name = name
	}
	return nil
}

// validate rejects what the engine's flag syntax cannot carry.
func (s RunSpec) validate() error {
	if s.Image == "" {
		return errors.New("no image")
	}
	for _, m := range s.Mounts {
		if m.Source == "" || m.Target == "" {
			return fmt.Errorf("mount %q → %q: source and target are required", m.Source, m.Target)
		}
		if strings.Contains(m.Source, ",") || strings.Contains(m.Target, ",") {
			return fmt.Errorf("mount %q → %q: a comma in a mount path cannot be passed to the engine", m.Source, m.Target)
		}
	}
	for _, kv := range s.Env {
		if !strings.Contains(kv, "=") {
			return fmt.Errorf("env %q is not KEY=VALUE", kv)
		}
	}
	return nil
}

// Run runs the container attached, captures its output through proc.Run and
// makes sure the container is gone afterwards (with s.Removals, once its
// Wait returns). At the deadline the grace
// signal goes to the container (`kill --signal`), and after Grace (at once
// without a grace signal) the container is removed with `rm -f`, which is also
// what cancellation of ctx does: the engine client dying would not stop it.
//
// The Result is like proc's: ExitCode is the status the engine reports (128+N
// when the program died by signal N, in which case Signal is set too, see
// ExitSignal), TimedOut and Canceled say whether Run stopped it. An exit status
// of 125, 126 or 127 with an engine message, or an init process that could not
// start the program, is returned as an *Error (ErrEngineRun, ErrImageAbsent,
// ErrPermission, ErrDiskFull ...) together with the Result.
func (e *Engine) Run(ctx context.Context, s RunSpec) (*proc.Result, error) {
	if err := s.prepare("run"); err != nil {
		return nil, err
	}
	defer e.releaseRun(ctx, s, track(ctx, e, s.Name))
	clientCtx, cancelClient := context.WithCancel(ctx)
	defer cancelClient()

	w := newRunWatch(ctx, e, s, cancelClient)
	res, err := e.exec(clientCtx, proc.Cmd{Argv: e.RunArgv(s), Cap: s.Cap, Tee: s.Tee})
	return e.finishRun(ctx, s, w, res, err, false)
}

// releaseRun lets go of s's container once its run is over: untrack takes
// it out of the Started of its context, after its removal in the
// background with s.Removals (without, the engine removed it: --rm).
func (e *Engine) releaseRun(ctx context.Context, s RunSpec, untrack func()) {
	if s.Removals == nil {
		untrack()
		return
	}
	s.Removals.add(ctx, e, s.Name, untrack)
}

// finishRun makes Run's answer of how the engine client of s's container
// ended (res, err), once w has stopped watching it: a client that could
// not run is an error and its container is removed; otherwise the
// result says whether it timed out or ctx ended, an engine failure is an
// *Error, and a failed program's output is completed from the engine's
// log (recoverOutput) unless complete says that the output is known to
// be all there (a prestarted run's end markers).
func (e *Engine) finishRun(ctx context.Context, s RunSpec, w *runWatch, res *proc.Result, err error, complete bool) (*proc.Result, error) {
	w.stop()
	op := "run " + s.imageForMessages()
	cleanupCtx := context.WithoutCancel(ctx)
	if err != nil {
		e.removeContainer(cleanupCtx, s.Name)
		return nil, e.startError(op, err)
	}
	res.TimedOut = w.timedOut.Load()
	res.Canceled = ctx.Err() != nil && !res.TimedOut
	if err := e.judgeRun(cleanupCtx, op, s, res); err != nil {
		return res, err
	}
	if !complete {
		e.recoverOutput(cleanupCtx, s, res)
	}
	return res, nil
}

// recoverOutput reads the output of s's exited container again from the
// engine's log when the program failed and the log holds more than the
// attached client passed on: Podman's attach has been seen to lose the
// end of a short-lived program's output (containers/podman#9096), and
// the end is where a Go crash says what it was — without it a crash
// would be judged a plain failure. Only a container that is still there
// (RunSpec.Removals: removed afterwards, not --rm) can be read; a run
// that passed, was stopped, or whose output was cut at Cap anyway is
// left as it is, and so is everything when the log cannot be read (a
// log driver without reads).
func (e *Engine) recoverOutput(ctx context.Context, s RunSpec, res *proc.Result) {
	if s.Removals == nil || res.ExitCode == 0 || res.TimedOut || res.Canceled || res.Truncated {
		return
	}
	logs, err := e.exec(ctx, proc.Cmd{Argv: e.argv("logs", s.Name), Timeout: queryTimeout, Cap: s.Cap})
	if err != nil || logs.ExitCode != 0 || len(logs.Output) <= len(res.Output) {
		return
	}
	res.Output, res.OutputBytes, res.Truncated = logs.Output, logs.OutputBytes, logs.Truncated
}

// runWatch stops the container of one Run at its deadline: the grace
// signal first when there is one, then `rm -f`, then, when the engine
// client still has not returned after clientGrace, the client itself.
type runWatch struct {
	e *Engine
	s RunSpec
	// cleanupCtx outlives the run's context, for the engine commands
	// that stop the container; cancelClient kills the engine client.
	cleanupCtx   context.Context
	cancelClient context.CancelFunc
	// done is closed when the engine client has returned; stopped when
	// watch has.
	done, stopped chan struct{}
	// timedOut is set when the deadline passed.
	timedOut atomic.Bool
}

// newRunWatch starts watching the container of s, whose engine client
// cancelClient kills, against s.Timeout from now on (see watch).
func newRunWatch(ctx context.Context, e *Engine, s RunSpec, cancelClient context.CancelFunc) *runWatch {
	w := &runWatch{e: e, s: s, cleanupCtx: context.WithoutCancel(ctx), cancelClient: cancelClient, done: make(chan struct{}), stopped: make(chan struct{})}
	go w.watch(ctx)
	return w
}

// stop tells w that the engine client has returned and waits until w
// has stopped watching.
func (w *runWatch) stop() {
	close(w.done)
	<-w.stopped
}

// watch waits for the client to return, ctx to end (the caller removes the
// container then) or the deadline, and stops the container at the
// deadline.
func (w *runWatch) watch(ctx context.Context) {
	defer close(w.stopped)
	if w.s.Timeout <= 0 {
		return
	}
	deadline := time.NewTimer(w.s.Timeout)
	defer deadline.Stop()
	select {
	case <-w.done:
		return
	case <-ctx.Done():
		return
	case <-deadline.C:
	}
	w.timedOut.Store(true)
	if w.s.GraceSignal != 0 && w.s.Grace > 0 {
		w.e.killContainer(w.cleanupCtx, w.s.Name, w.s.GraceSignal)
		grace := time.NewTimer(w.s.Grace)
		defer grace.Stop()
		select {
		case <-w.done:
			return
		case <-ctx.Done():
			return
		case <-grace.C:
		}
	}
	w.e.removeContainer(w.cleanupCtx, w.s.Name)
	client := time.NewTimer(clientGrace)
	defer client.Stop()
	select {
	case <-w.done:
	case <-client.C:
		w.cancelClient()
	}
}

// judgeRun reads the result of a finished engine client: it removes the
// container when the run was stopped, killed or failed in the engine,
// returns the *Error of an engine failure, and otherwise sets the signal
// of an exit status 128+N.
func (e *Engine) judgeRun(cleanupCtx context.Context, op string, s RunSpec, res *proc.Result) error {
	engineFailed := (res.ExitCode >= 125 && res.ExitCode <= 127 && engineErrorInTail(res.Output)) || initFailed(res.Output)
	if res.TimedOut || res.Canceled || res.Signal != 0 || engineFailed {
		e.removeContainer(cleanupCtx, s.Name)
	}
	if engineFailed && !res.TimedOut && !res.Canceled {
		ce := e.classify(op, res.Output)
		if ce.Kind == ErrEngineRun && initFailed(res.Output) {
			ce.Hint = hintExecFailed
			if strings.Contains(strings.ToLower(string(res.Output)), "permission denied") {
				ce.Hint = hintExecDenied
			}
		}
		ce.Hint = strings.Replace(ce.Hint, "REF", s.Image, 1)
		return ce
	}
	if res.Signal == 0 {
		if sig, ok := ExitSignal(res.ExitCode); ok && !engineErrorInTail(res.Output) {
			res.Signal = sig
		}
	}
	return nil
}

// ExitSignal returns the signal N of an exit status 128+N (129..192), the
// way engines and shells report a process killed by a signal.
func ExitSignal(code int) (syscall.Signal, bool) {
	if code >= 129 && code <= 192 {
		return syscall.Signal(code - 128), true
	}
	return 0, false
}

// killContainer sends sig to the container's program; errors (the container
// already gone) are ignored.
func (e *Engine) killContainer(ctx context.Context, name string, sig syscall.Signal) {
	_, _ = e.exec(ctx, proc.Cmd{Argv: e.argv("kill", "--signal", strconv.Itoa(int(sig)), name), Timeout: cleanupTimeout, Cap: queryCap})
}

// removeContainer removes the container at once, whatever its state;
// errors (already gone) are ignored.
func (e *Engine) removeContainer(ctx context.Context, names ...string) {
	_ = e.RemoveContainers(context.WithoutCancel(ctx), names...)
}

// RemoveContainers removes the named containers at once, running or not,
// with one engine client (podman rm -f -t 0 --ignore, docker rm -f);
// containers that do not exist are not an error. (Without --ignore, given
// several names of which one does not exist, podman 4.3's rm -f removes
// none of them and exits 0; docker removes the others and names each
// missing one in its error.)
func (e *Engine) RemoveContainers(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	args := []string{"rm", "-f"}
	if e.Name == Podman {
		args = append(args, "-t", "0", "--ignore")
	}
	op := "remove container " + strings.Join(names, " ")
	out, err := e.query(ctx, op, append(args, names...)...)
	if err != nil && !onlyNoSuchContainer(out) {
		return err
	}
	return nil
}

// onlyNoSuchContainer reports whether every error line of an engine's rm
// output says that a container does not exist.
func onlyNoSuchContainer(out []byte) bool {
	found := false
	for _, line := range strings.Split(strings.ToLower(string(out)), "\n") {
		if !strings.Contains(line, "error") {
			continue
		}
		if !strings.Contains(line, "no such container") {
			return false
		}
		found = true
	}
	return found
}

// ReportedGoEnv returns the `go env` variables recorded for every
// toolchain: the ones a Go bug report asks about because they change the
// code the compiler emits or how the go command picks a toolchain.
func ReportedGoEnv() []string {
	return []string{"GOARCH", "GOAMD64", "GOARM64", "GOARM", "CGO_ENABLED", "GOFLAGS", "GOEXPERIMENT", "GOTOOLCHAIN"}
}

// GoVersion asks the go command inside image for its version and the
// ReportedGoEnv variables: `go env -json GOVERSION ...` (falling back to `go
// version`, which gives no env) with --network=none and GOTOOLCHAIN=local, so
// the image's own go answers. version is "go1.25.3" without experiment
// suffixes; raw is the whole answer ("go1.25.3 X:nocoverageredesign").
// GOTOOLCHAIN in env is the "local" the query forces; the image's own
// setting is in its config's Env.
func (e *Engine) GoVersion(ctx context.Context, image, platform string) (version, raw string, env map[string]string, err error) {
	spec := RunSpec{
		Image: image, Platform: platform, Entrypoint: "go", Args: append([]string{"env", "-json", "GOVERSION"}, ReportedGoEnv()...),
		Network: "none", Env: []string{"GOTOOLCHAIN=local"}, Timeout: queryTimeout, Cap: queryCap,
	}
	res, err := e.Run(ctx, spec)
	if err != nil {
		return "", "", nil, err
	}
	if res.ExitCode == 0 {
		if vars, ok := parseGoEnvJSON(res.Output); ok && strings.HasPrefix(vars["GOVERSION"], "go") {
			raw := strings.TrimSpace(vars["GOVERSION"])
			delete(vars, "GOVERSION")
			return strings.Fields(raw)[0], raw, vars, nil
		}
	}
	spec.Args = []string{"version"}
	res2, err := e.Run(ctx, spec)
	if err != nil {
		return "", "", nil, err
	}
	line := lastLine(res2.Output)
	if res2.ExitCode == 0 && strings.HasPrefix(line, "go version go") {
		fields := strings.Fields(strings.TrimPrefix(line, "go version "))
		if len(fields) > 1 {
			fields = fields[:len(fields)-1] // the os/arch
		}
		return fields[0], strings.Join(fields, " "), nil, nil
	}
	return "", "", nil, &GoVersionError{Image: image, EnvExit: res.ExitCode, EnvOutput: res.Output, VersionExit: res2.ExitCode, VersionOutput: res2.Output}
}

// GoVersionError is a go command in an image that answered neither `go
// env` nor `go version`, with what each printed: a go command that
// crashed (the toolchain's own crash, e.g. under emulation) shows there.
type GoVersionError struct {
	Image                    string
	EnvExit, VersionExit     int
	EnvOutput, VersionOutput []byte
}

// Error returns both commands' exit statuses and first lines.
func (e *GoVersionError) Error() string {
	return fmt.Sprintf("go version of %s: go env GOVERSION: exit %d: %s; go version: exit %d: %s",
		e.Image, e.EnvExit, firstLine(e.EnvOutput), e.VersionExit, firstLine(e.VersionOutput))
}

// parseGoEnvJSON parses the JSON object `go env -json` printed, skipping
// any engine warnings around it.
func parseGoEnvJSON(out []byte) (map[string]string, bool) {
	start, end := bytes.IndexByte(out, '{'), bytes.LastIndexByte(out, '}')
	if start < 0 || end < start {
		return nil, false
	}
	vars := map[string]string{}
	if err := json.Unmarshal(out[start:end+1], &vars); err != nil {
		return nil, false
	}
	return vars, true
}

// lastLine returns the last non-empty line of out that is not an engine
// warning.
func lastLine(out []byte) string {
	tail := tailLines(string(out), 1)
	if len(tail) == 0 {
		return ""
	}
	return tail[0]
}

// CleanupStale removes the containers labelled gorepro=1 whose gorepro
// process is gone from this host (left by an interrupted run, see
// StaleContainer), and returns their names. Containers of another host, or
// without a pid, are kept.
func (e *Engine) CleanupStale(ctx context.Context) ([]string, error) {
	containers, err := e.listGorepro(ctx)
	if err != nil {
		return nil, err
	}
	var stale []string
	for _, c := range containers {
		if ok, _ := StaleContainer(Made{Kind: MadeContainer, Name: c.name, Labels: c.labels}); ok {
			stale = append(stale, c.name)
		}
	}
	sort.Strings(stale)
	if err := e.RemoveContainers(ctx, stale...); err != nil {
		return nil, err
	}
	return stale, nil
}

// labelled is a container and its labels.
type labelled struct {
	name   string
	labels map[string]string
}

// listGorepro lists the containers labelled gorepro=1, running or not.
func (e *Engine) listGorepro(ctx context.Context) ([]labelled, error) {
	filter := "label=" + labelGorepro + "=1"
	if e.Name == Docker {
		out, err := e.query(ctx, "list containers", "ps", "-a", "--no-trunc", "--filter", filter, "--format", "{{json .}}")
		if err != nil {
			return nil, err
		}
		var list []labelled
		for _, line := range strings.Split(string(out), "\n") {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "{") {
				continue
			}
			var c struct{ Names, Labels string }
			if err := decodeJSON([]byte(line), &c); err != nil {
				return nil, fmt.Errorf("list containers: %w", err)
			}
			labels := map[string]string{}
			for _, kv := range strings.Split(c.Labels, ",") {
				if k, v, ok := strings.Cut(kv, "="); ok {
					labels[k] = v
				}
			}
			list = append(list, labelled{name: strings.Split(c.Names, ",")[0], labels: labels})
		}
		return list, nil
	}
	out, err := e.query(ctx, "list containers", "ps", "-a", "--filter", filter, "--format", "json")
	if err != nil {
		return nil, err
	}
	var found []struct {
		Names  []string
		Labels map[string]string
	}
	if err := decodeJSON(out, &found); err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	list := make([]labelled, 0, len(found))
	for _, c := range found {
		if len(c.Names) > 0 {
			list = append(list, labelled{name: c.Names[0], labels: c.Labels})
		}
	}
	return list, nil
}

// processAlive reports whether a process with that pid exists on this host.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// imageForMessages names s's image as errors should: "REF (ID)" when the
// image is run by ID and known by another name, the image otherwise.
func (s RunSpec) imageForMessages() string {
	if s.ImageName == "" || s.ImageName == s.Image {
		return s.Image
	}
	id := strings.TrimPrefix(s.Image, "sha256:")
	if len(id) > 12 {
		id = id[:12]
	}
	return s.ImageName + " (" + id + ")"
}
