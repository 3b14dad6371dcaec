package matrix

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/gorepro/gorepro/internal/container"
)

// Engines detects container engines on first use and remembers them, so
// that every image toolchain of a run shares one engine per name. On first
// use of an engine it also removes containers left by interrupted gorepro
// runs.
type Engines struct {
	// Default is the engine name used when a toolchain names none
	// ("" = auto-detect: podman, then docker).
	Default string
	// Warnings receives a line for each stale container removed.
	Warnings io.Writer
	// Detect defaults to container.Detect.
	Detect func(name string) (*container.Engine, error)

	mu    sync.Mutex
	found map[string]*engineEntry
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
		return nil, nil, e.err
	}
	if removed, err := e.eng.CleanupStale(ctx); err == nil && len(removed) > 0 && es.Warnings != nil {
		fmt.Fprintf(es.Warnings, "gorepro: removed %d container(s) left by an interrupted run: %v\n", len(removed), removed)
	}
	return e.eng, e.info, nil
}
