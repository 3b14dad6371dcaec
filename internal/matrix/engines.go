package matrix

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/gorepro/gorepro/internal/container"
)

// Engines detects container engines on first use and remembers them, so
// that every image toolchain of a run shares one engine per name. On first
// use of an engine it also removes containers left by interrupted gorepro
// runs.
//
// When no engine was named (neither the toolchain nor Default) and Podman
// is installed but does not answer (a stopped podman machine, an
// unreachable service), Engines falls back to Docker when Docker is
// installed and answers, with one warning saying so; otherwise the error is
// Podman's, whose hint says to run podman machine start.
type Engines struct {
	// Default is the engine name used when a toolchain names none
	// ("" = auto-detect: podman, then docker).
	Default string
	// Warnings receives a line for each stale container removed.
	Warnings io.Writer
	// Detect defaults to container.Detect.
	Detect func(name string) (*container.Engine, error)
	// KeepStale leaves the containers of interrupted runs alone (gorepro
	// clean lists them before it removes them).
	KeepStale bool
	// Insecure are the registries the engines may pull from over plain
	// HTTP (container.Engine.Insecure).
	Insecure []string
	// AskUsersEarly has each engine, once found, asked in the background
	// who runs its containers (container.Engine.AskUsers), while the run
	// resolves its toolchains: a run that starts containers needs it
	// before its first build. The containers of interrupted runs are
	// then removed in the background too: they are not this run's (their
	// gorepro is gone), so its toolchains need not wait for that. Wait
	// waits for both.
	AskUsersEarly bool

	mu    sync.Mutex
	found map[string]*engineEntry
	early sync.WaitGroup
}

// Wait waits for the questions AskUsersEarly asked in the background.
func (es *Engines) Wait() {
	es.early.Wait()
}

type engineEntry struct {
	eng  *container.Engine
	info *container.Info
	err  error
}

// Get returns the engine called name (or the default), what it reports
// about its host, or why it cannot be used.
func (es *Engines) Get(ctx context.Context, name string) (*container.Engine, *container.Info, error) {
	if name == "" {
		name = es.Default
	}
	es.mu.Lock()
	defer es.mu.Unlock()
	if e, ok := es.found[name]; ok {
		return e.eng, e.info, e.err
	}
	if es.found == nil {
		es.found = map[string]*engineEntry{}
	}
	e := &engineEntry{}
	es.found[name] = e
	detect := es.Detect
	if detect == nil {
		detect = container.Detect
	}
	if e.eng, e.err = detect(name); e.err != nil {
		return nil, nil, e.err
	}
	if e.info, e.err = e.eng.Info(ctx); e.err != nil {
		if name != "" || e.eng.Name != container.Podman || !engineDown(e.err) {
			return nil, nil, e.err
		}
		eng, info, err := es.dockerInstead(ctx, detect, e.err)
		if err != nil {
			return nil, nil, e.err
		}
		e.eng, e.info, e.err = eng, info, nil
	}
	e.eng.Insecure = es.Insecure
	if es.AskUsersEarly {
		eng := e.eng
		// Not ctx: the run asks for engines under contexts that end with
		// a toolchain's resolution; the query has its own time limit.
		es.early.Go(func() { _ = eng.AskUsers(context.WithoutCancel(ctx)) })
	}
	if es.KeepStale {
		return e.eng, e.info, nil
	}
	if es.AskUsersEarly {
		eng := e.eng
		es.early.Go(func() { es.cleanupStale(context.WithoutCancel(ctx), eng) })
		return e.eng, e.info, nil
	}
	es.cleanupStale(ctx, e.eng)
	return e.eng, e.info, nil
}

// cleanupStale removes the containers of eng that interrupted gorepro
// runs left behind, with a warning naming them.
func (es *Engines) cleanupStale(ctx context.Context, eng *container.Engine) {
	if removed, err := eng.CleanupStale(ctx); err == nil && len(removed) > 0 && es.Warnings != nil {
		fmt.Fprintf(es.Warnings, "gorepro: removed %d container(s) left by an interrupted run: %v\n", len(removed), removed)
	}
}

// dockerInstead is the Docker engine, when it is installed and answers,
// used because Podman (down: its error) does not; it says so on Warnings.
func (es *Engines) dockerInstead(ctx context.Context, detect func(string) (*container.Engine, error), down error) (*container.Engine, *container.Info, error) {
	eng, err := detect(container.Docker)
	if err != nil {
		return nil, nil, err
	}
	info, err := eng.Info(ctx)
	if err != nil {
		return nil, nil, err
	}
	if es.Warnings != nil {
		fmt.Fprintf(es.Warnings, "gorepro: warning: podman is installed but does not answer, using docker instead (to use podman: podman machine start, or name it with --engine podman): %v\n", down)
	}
	return eng, info, nil
}

// engineDown reports whether err says that the engine is installed but
// does not answer.
func engineDown(err error) bool {
	var ce *container.Error
	return errors.As(err, &ce) && ce.Kind == container.ErrEngineDown
}
