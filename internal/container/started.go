package container

import (
	"context"
	"sort"
	"sync"
)

// Started is the set of containers that this gorepro process has created
// and not yet removed, across every Engine: Run and the copies out of
// images add theirs while they exist, when the context they are given
// carries a Started (WithStarted). The second Ctrl-C, which does not wait
// for the cells to stop, removes them with RemoveAll: the engine keeps a
// container running when its client dies.
type Started struct {
	mu   sync.Mutex
	byID map[string]*Engine
}

// startedKey is the context key of a *Started.
type startedKey struct{}

// WithStarted returns ctx carrying s.
func WithStarted(ctx context.Context, s *Started) context.Context {
	return context.WithValue(ctx, startedKey{}, s)
}

// track adds the container name of e to the Started of ctx, if any, and
// returns the function that takes it out again.
func track(ctx context.Context, e *Engine, name string) (untrack func()) {
	s, _ := ctx.Value(startedKey{}).(*Started)
	if s == nil {
		return func() {}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byID == nil {
		s.byID = map[string]*Engine{}
	}
	s.byID[name] = e
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.byID, name)
	}
}

// RemoveAll removes every container in s at once (rm -f), all in parallel,
// until ctx ends, and returns the names of those it removed.
func (s *Started) RemoveAll(ctx context.Context) []string {
	s.mu.Lock()
	byID := make(map[string]*Engine, len(s.byID))
	for name, e := range s.byID {
		byID[name] = e
	}
	s.mu.Unlock()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		removed []string
	)
	for name, e := range byID {
		wg.Go(func() {
			if e.RemoveContainers(ctx, name) == nil && ctx.Err() == nil {
				mu.Lock()
				removed = append(removed, name)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	sort.Strings(removed)
	return removed
}

// Removals removes containers that Run left exited (RunSpec.Removals) in
// the background, a batch of them at a time, so that the engine's removal
// of a container is not in the way of what comes next and costs one engine
// client per removalBatch containers instead of one each (an engine client
// is a tenth of a CPU second here, as much as a small program's link).
// Until removed, a container stays in the Started of its run's context
// (the second Ctrl-C removes it) and keeps its gorepro.pid label (a killed
// gorepro's are stale to the next run and to gorepro clean). Wait removes
// the rest. The zero value is ready to use.
type Removals struct {
	mu      sync.Mutex
	pending []pendingRemoval
	wg      sync.WaitGroup
	// holds are the removals still to be added (hold).
	holds sync.WaitGroup
}

// hold runs f, which adds a removal once its container's engine client
// has returned, in the background; Wait waits for it first.
func (rs *Removals) hold(f func()) {
	rs.holds.Go(f)
}

// removalBatch is how many exited containers Removals lets wait before it
// removes them together.
const removalBatch = 8

// pendingRemoval is one exited container waiting for its removal.
type pendingRemoval struct {
	ctx  context.Context
	e    *Engine
	name string
	done func()
}

// add removes container name of e in the background with the next
// batch, then calls done.
func (rs *Removals) add(ctx context.Context, e *Engine, name string, done func()) {
	rs.mu.Lock()
	rs.pending = append(rs.pending, pendingRemoval{ctx: context.WithoutCancel(ctx), e: e, name: name, done: done})
	var batch []pendingRemoval
	if len(rs.pending) >= removalBatch {
		batch, rs.pending = rs.pending, nil
	}
	rs.mu.Unlock()
	rs.remove(batch)
}

// remove removes batch in the background, one engine client per engine.
func (rs *Removals) remove(batch []pendingRemoval) {
	byEngine := map[*Engine][]pendingRemoval{}
	for _, p := range batch {
		byEngine[p.e] = append(byEngine[p.e], p)
	}
	for e, ps := range byEngine {
		rs.wg.Go(func() {
			names := make([]string, len(ps))
			for i, p := range ps {
				names[i] = p.name
			}
			e.removeContainer(ps[0].ctx, names...)
			for _, p := range ps {
				p.done()
			}
		})
	}
}

// Wait waits for the removals still held (hold), removes the containers
// still waiting for a batch and waits for every removal started so far.
func (rs *Removals) Wait() {
	rs.holds.Wait()
	rs.mu.Lock()
	batch := rs.pending
	rs.pending = nil
	rs.mu.Unlock()
	rs.remove(batch)
	rs.wg.Wait()
}
