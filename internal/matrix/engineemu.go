package matrix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/emulation"
	"github.com/gorepro/gorepro/repro"
)

// engineProbeTimeout bounds the engine emulation probe's build and run.
const engineProbeTimeout = 2 * time.Minute

// engineBinfmt is where the engine probe's container sees the engine
// host's /proc/sys/fs/binfmt_misc.
const engineBinfmt = "/gorepro-binfmt_misc"

// engineViewEntry is one engine probe of a run: its result once done.
type engineViewEntry struct {
	once sync.Once
	view *emulation.EngineView
	log  []byte
	err  error
}

// engineView is what the engine emulation probe saw for binaries of
// binArch run in image toolchain p's runtime image on its platform:
// probed once per engine × platform × binArch in a run, and only when
// binArch is not the engine host's (nil, nil otherwise). The handlers
// are read from inside the engine, so that the VM of a Podman machine or
// Docker Desktop is asked, never this host. log is the probe's command
// and output, for the cell's emulation.log.
func (r *Runner) engineView(ctx context.Context, p plan, binArch string) (view *emulation.EngineView, log []byte, err error) {
	c := p.tc.RunContainer()
	if c == nil || binArch == "" || c.EngineHostArch == "" || binArch == c.EngineHostArch {
		return nil, nil, nil
	}
	key := c.Engine.Cmd + "|" + c.Platform + "|" + binArch
	v, _ := r.engineViews.LoadOrStore(key, &engineViewEntry{})
	e := v.(*engineViewEntry)
	e.once.Do(func() {
		e.view, e.log, e.err = r.probeEngine(ctx, p, binArch)
	})
	return e.view, e.log, e.err
}

// probeEngine builds the engine probe for linux/binArch with the local go
// command and runs it in p's runtime image, the engine host's binfmt_misc
// mounted read-only.
func (r *Runner) probeEngine(ctx context.Context, p plan, binArch string) (*emulation.EngineView, []byte, error) {
	c := p.tc.RunContainer()
	dir, err := emulation.GenerateBinfmtProbe(r.WorkDir)
	if err != nil {
		return nil, nil, err
	}
	binDir := filepath.Join(dir, "bin")
	bin := filepath.Join(binDir, "probe-"+binArch)
	if _, err := os.Stat(bin); err != nil {
		if err := os.MkdirAll(binDir, 0o755); err != nil {
			return nil, nil, fmt.Errorf("engine emulation probe: %w", err)
		}
		tmp := fmt.Sprintf("%s.tmp-%d", bin, os.Getpid())
		goRun := repro.GoRunner{Env: []string{"GOOS=linux", "GOARCH=" + binArch, "CGO_ENABLED=0"}, Timeout: engineProbeTimeout}
		if _, err := goRun.Run(ctx, dir, "build", "-trimpath", "-o", tmp, "."); err != nil {
			return nil, nil, fmt.Errorf("engine emulation probe: %w", err)
		}
		if err := os.Rename(tmp, bin); err != nil {
			return nil, nil, fmt.Errorf("engine emulation probe: %w", err)
		}
	}
	spec := container.RunSpec{
		Image:    c.RunImage().ID,
		Platform: c.Platform,
		Labels:   map[string]string{"gorepro.role": "emulation-probe"},
		Mounts: []container.Mount{
			{Source: binDir, Target: binDir, ReadOnly: true},
			{Source: emulation.BinfmtDir, Target: engineBinfmt, ReadOnly: true},
		},
		Entrypoint: bin,
		Args:       []string{engineBinfmt},
		Network:    "none",
		Timeout:    engineProbeTimeout,
		Cap:        1 << 20,
	}
	view, log, err := runEngineProbe(ctx, c.Engine, spec)
	var ee *container.Error
	if errors.As(err, &ee) {
		// An engine that refuses to mount its machine's binfmt_misc
		// (Docker Desktop shares only the Mac's directories) still
		// runs the probe: what the process sees of Rosetta remains.
		spec.Mounts, spec.Args = spec.Mounts[:1], nil
		var retryLog []byte
		view, retryLog, err = runEngineProbe(ctx, c.Engine, spec)
		log = append(log, retryLog...)
	}
	return view, log, err
}

// runEngineProbe runs the engine probe as spec says and reads its report;
// log is the command and its output.
func runEngineProbe(ctx context.Context, eng *container.Engine, spec container.RunSpec) (*emulation.EngineView, []byte, error) {
	res, err := eng.Run(ctx, spec)
	log := []byte("$ " + strings.Join(eng.RunArgv(spec), " ") + "\n")
	if res != nil {
		log = append(log, res.Output...)
	}
	if err != nil {
		return nil, log, fmt.Errorf("engine emulation probe: %w", err)
	}
	view, ok := emulation.ParseBinfmtProbe(res.Output)
	if !ok {
		return nil, log, fmt.Errorf("engine emulation probe: exit %d, no report: %s", res.ExitCode, firstLineOf(res.Output))
	}
	return &view, log, nil
}

// firstLineOf is out's first non-empty line.
func firstLineOf(out []byte) string {
	for _, line := range strings.Split(string(out), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}

// oneLineOf is s on one line, at most 300 bytes.
func oneLineOf(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
