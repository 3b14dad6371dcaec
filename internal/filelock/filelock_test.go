package filelock

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLockIsExclusive: holders of one lock never overlap; a waiter gives up
// when its context ends.
func TestLockIsExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locks", "cell.lock")
	var inside, overlaps atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			unlock, err := Lock(context.Background(), path)
			if !assert.NoError(t, err) {
				return
			}
			if inside.Add(1) > 1 {
				overlaps.Add(1)
			}
			// Hold the lock a moment, so that a second holder would
			// overlap: the behaviour under test, not a wait for an event.
			time.Sleep(5 * time.Millisecond)
			inside.Add(-1)
			unlock()
		})
	}
	wg.Wait()
	assert.Zero(t, overlaps.Load())

	unlock, err := Lock(context.Background(), path)
	require.NoError(t, err)
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err = Lock(ctx, path)
	assert.ErrorContains(t, err, "waiting for the lock")
}

// TestSharedAndExclusive: shared holders coexist; TryExclusive fails while
// any holds the lock and succeeds once all released it; a shared waiter
// waits while TryExclusive holds it. (flock locks belong to the open file,
// so two opens in one process conflict as two processes would.)
func TestSharedAndExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache", "gorepro.lock")
	first, err := Shared(context.Background(), path)
	require.NoError(t, err)
	second, err := Shared(context.Background(), path)
	require.NoError(t, err)

	_, held, err := TryExclusive(path)
	require.NoError(t, err)
	assert.True(t, held, "shared holders exist")
	first()
	_, held, err = TryExclusive(path)
	require.NoError(t, err)
	assert.True(t, held, "one shared holder remains")
	second()

	unlock, held, err := TryExclusive(path)
	require.NoError(t, err)
	require.False(t, held)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err = Shared(ctx, path)
	assert.ErrorContains(t, err, "waiting for the lock")
	unlock()
	again, err := Shared(context.Background(), path)
	require.NoError(t, err)
	again()
}
