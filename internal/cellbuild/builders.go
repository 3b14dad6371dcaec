package cellbuild

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/modtree"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// Builders keeps the builder containers of one matrix run: one per
// engine, builder image, platform and set of mounts (see the package
// documentation, "Builder containers"). The zero value is ready to use;
// Close ends them all, and must be called on every path out of the run.
type Builders struct {
	// GoCmd is the host's go command, which builds builderd ("go" on
	// PATH when empty).
	GoCmd string

	mu     sync.Mutex
	slots  map[string]*builderSlot
	closed bool
}

// builderSlot is one builder, started once by the first build that needs
// it; err says why it could not be, and its builds then run in a
// container each, as without Builders.
type builderSlot struct {
	once sync.Once
	b    *container.Builder
	err  error
}

// run runs the container build spec of an image toolchain c in a builder
// (started on first use) and returns what proc.Run would; it writes to
// log which builder ran it. A builder that cannot be started is said in
// log once per build, and the build runs as spec in a container of its
// own.
func (bs *Builders) run(ctx context.Context, workDir string, c *toolchain.Container, spec container.RunSpec, log io.Writer) (*proc.Result, error) {
	bspec := builderSpec(workDir, spec)
	slot, err := bs.slot(builderKey(c.Engine, bspec))
	if err != nil {
		return nil, err
	}
	slot.once.Do(func() {
		helper, err := container.BuilderdBinary(ctx, bs.GoCmd, filepath.Join(workDir, "builderd"), builderArch(c, spec))
		if err != nil {
			slot.err = err
			return
		}
		slot.b, slot.err = c.Engine.StartBuilder(ctx, bspec, helper)
	})
	if slot.err != nil {
		fmt.Fprintf(log, "# no builder container (%v): the build runs in a container of its own\n", slot.err)
		return c.Engine.Run(ctx, spec)
	}
	fmt.Fprintf(log, "# run in builder container %s (the command above, without a container of its own)\n", slot.b.Name())
	return slot.b.Exec(ctx, container.ExecSpec{Args: spec.Args, Dir: spec.Workdir, Env: spec.Env, Timeout: spec.Timeout, Cap: spec.Cap, Tee: spec.Tee})
}

// slot returns the builder slot of key, made on first use.
func (bs *Builders) slot(key string) (*builderSlot, error) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if bs.closed {
		return nil, fmt.Errorf("builder containers: the run is over")
	}
	if bs.slots == nil {
		bs.slots = map[string]*builderSlot{}
	}
	s := bs.slots[key]
	if s == nil {
		s = &builderSlot{}
		bs.slots[key] = s
	}
	return s, nil
}

// Close ends every builder container (see container.Builder.Close), all
// at once; builds asked for afterwards fail.
func (bs *Builders) Close(ctx context.Context) {
	bs.mu.Lock()
	slots := bs.slots
	bs.slots, bs.closed = nil, true
	bs.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range slots {
		wg.Go(func() {
			s.once.Do(func() { s.err = fmt.Errorf("builder containers: the run is over") }) // one still starting finishes first
			if s.b != nil {
				s.b.Close(ctx)
			}
		})
	}
	wg.Wait()
}

// builderSpec is the builder container that can run the build spec: its
// image, platform, user and network, and mounts that hold spec's, made
// the same for every cell of a target: a part of workDir that the build
// reads is covered by workDir, read-only, and one it writes (a cell's
// output directory, its alternate go.mod) by the directory of workDir it
// lies in (bin/, modfiles/, ...), read-write.
func builderSpec(workDir string, spec container.RunSpec) container.RunSpec {
	byTarget := map[string]container.Mount{}
	for _, m := range spec.Mounts {
		if !m.Volume && m.Source == m.Target && m.Source != workDir && modtree.Within(m.Source, workDir) {
			if m.ReadOnly {
				m = container.Mount{Source: workDir, Target: workDir, ReadOnly: true}
			} else {
				rel, _ := filepath.Rel(workDir, m.Source)
				top := filepath.Join(workDir, strings.Split(rel, string(filepath.Separator))[0])
				m = container.Mount{Source: top, Target: top}
			}
		}
		if prev, ok := byTarget[m.Target]; !ok || (prev.ReadOnly && !m.ReadOnly) {
			byTarget[m.Target] = m
		}
	}
	mounts := make([]container.Mount, 0, len(byTarget))
	for _, m := range byTarget {
		mounts = append(mounts, m)
	}
	// A directory before the ones inside it.
	sort.Slice(mounts, func(i, j int) bool { return mounts[i].Target < mounts[j].Target })
	return container.RunSpec{
		Image:    spec.Image,
		Platform: spec.Platform,
		Labels:   map[string]string{"gorepro.role": "builder"},
		Mounts:   mounts,
		User:     spec.User,
		Network:  spec.Network,
	}
}

// builderKey identifies the builder of bspec on engine e.
func builderKey(e *container.Engine, bspec container.RunSpec) string {
	parts := []string{e.Cmd, bspec.Image, bspec.Platform, bspec.User, bspec.Network}
	for _, m := range bspec.Mounts {
		parts = append(parts, fmt.Sprintf("%s=%s:%t:%t", m.Target, m.Source, m.ReadOnly, m.Volume))
	}
	return strings.Join(parts, "\x00")
}

// builderArch is the GOARCH builderd is built for: the builder
// platform's, else the engine host's.
func builderArch(c *toolchain.Container, spec container.RunSpec) string {
	if parts := strings.Split(spec.Platform, "/"); len(parts) >= 2 && parts[1] != "" {
		return container.GoArch(parts[1])
	}
	if c.EngineHostArch != "" {
		return c.EngineHostArch
	}
	return toolchain.HostArch()
}
