package matrix

import "sync"

// Scheduling: cells that share a dependency graph compile the same
// packages, and two go processes compiling them at once share no work in
// progress: each compiles everything, and on a cold build cache -j2 is
// then slower than -j1. So the builds are ordered (see buildAfter):
//
//   - a group is the cells of one toolchain × GOARCH × target × protobuf
//     version. Its first cell (its leader) builds before the others, which
//     differ only in -cover: that instruments the target's own module and
//     shares every dependency, already in the build cache when they start.
//   - the first group of each toolchain × GOARCH × target goes first: its
//     leader (the root) compiles everything the target needs before the
//     leaders of the target's other protobuf versions start. Those share
//     every package that does not import protobuf, and all of it when MVS
//     resolves both versions alike; what is left to them is what differs.
//   - roots (different toolchains, architectures or targets) share nothing
//     worth waiting for and run in parallel, up to -j.
//
// A cell whose exact build already ran against this build cache waits for
// no one (warm.go): its packages are there, and waiting would only
// serialise the run.
//
// A cell waits for the build of the cell it comes after, not for its run,
// and holds no -j slot while it waits. Among the cells free to start, the
// first in matrix order starts first, so a run's order depends only on
// which builds have finished.

// groupKey identifies the cells that build the same packages but for
// -cover (see buildAfter); rootKey those of one target's dependency graph
// up to the protobuf version.
type (
	groupKey struct{ toolchain, goarch, target, protobuf string }
	rootKey  struct{ toolchain, goarch, target string }
)

// buildAfter returns, for each plan, the index of the plan whose build it
// waits for, or -1: see the scheduling notes above. A plan marked in warm
// (its build ran before against the same build cache: see warmBuilds)
// waits for no one; warm may be nil.
func buildAfter(plans []plan, warm []bool) []int {
	after := make([]int, len(plans))
	leaders := map[groupKey]int{}
	roots := map[rootKey]int{}
	for i, p := range plans {
		g := groupKey{p.tc.Name, p.goarch, p.target.Name, p.protobuf}
		r := rootKey{g.toolchain, g.goarch, g.target}
		switch leader, ok := leaders[g]; {
		case ok:
			after[i] = leader
		default:
			leaders[g] = i
			if root, ok := roots[r]; ok {
				after[i] = root
			} else {
				roots[r] = i
				after[i] = -1
			}
		}
		if warm != nil && warm[i] {
			after[i] = -1
		}
	}
	return after
}

// schedule is the pure state of a scheduled run: which cells have
// started, which have built, how many hold a slot.
type schedule struct {
	after   []int // see buildAfter
	jobs    int
	started []bool
	built   []bool
	running int
}

func newSchedule(after []int, jobs int) *schedule {
	return &schedule{after: after, jobs: max(jobs, 1), started: make([]bool, len(after)), built: make([]bool, len(after))}
}

// next returns the first cell free to start, if a slot is free, and marks
// it started.
func (s *schedule) next() (int, bool) {
	if s.running >= s.jobs {
		return 0, false
	}
	for i, started := range s.started {
		if !started && (s.after[i] < 0 || s.built[s.after[i]]) {
			s.started[i] = true
			s.running++
			return i, true
		}
	}
	return 0, false
}

// markBuilt records that cell i's build is over (whatever its outcome).
func (s *schedule) markBuilt(i int) { s.built[i] = true }

// finish records that cell i is over and frees its slot.
func (s *schedule) finish(i int) {
	s.built[i] = true
	s.running--
}

// scheduleEvent is a cell whose build (built) or whole work (finished) is
// over.
type scheduleEvent struct {
	cell     int
	finished bool
}

// runScheduled calls do for every cell 0..len(after)-1, at most jobs at
// once, starting each as the schedule allows. do calls built (at most
// once, from any goroutine) when the cell's build is over; its return
// means the cell is finished, built or not. It returns when every cell
// has finished.
func runScheduled(after []int, jobs int, do func(cell int, built func())) {
	s := newSchedule(after, jobs)
	events := make(chan scheduleEvent)
	for finished := 0; finished < len(after); {
		for {
			i, ok := s.next()
			if !ok {
				break
			}
			go func() {
				var once sync.Once
				do(i, func() { once.Do(func() { events <- scheduleEvent{cell: i} }) })
				events <- scheduleEvent{cell: i, finished: true}
			}()
		}
		ev := <-events
		if ev.finished {
			s.finish(ev.cell)
			finished++
		} else {
			s.markBuilt(ev.cell)
		}
	}
}
