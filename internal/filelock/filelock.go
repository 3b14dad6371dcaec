// Package filelock gives gorepro processes that share a cache directory
// (parallel CI jobs on one self-hosted runner, a user running two
// matrices) exclusive use of a cell key or a work path: an advisory lock
// (flock) on a lock file, released when the holder unlocks it or dies, so
// that a killed gorepro never leaves a lock behind.
//
// Lock and TryLock are exclusive. Shared takes the lock of path in shared
// mode, which any number of processes hold at once while no one holds it
// exclusively: every gorepro run holds its cache directory's lock shared,
// and gorepro clean takes it exclusively (TryExclusive), so that it never
// removes what a running gorepro uses, and no run starts while it cleans.
package filelock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// poll is how often a waiting Lock tries again.
const poll = 50 * time.Millisecond

// Lock takes the exclusive lock of path (created with its directory when
// missing), waiting while another process holds it, until ctx ends. It
// returns the function that releases it.
func Lock(ctx context.Context, path string) (unlock func(), err error) {
	return lock(ctx, path, syscall.LOCK_EX)
}

// Shared takes the lock of path in shared mode (created with its directory
// when missing), waiting while a process holds it exclusively, until ctx
// ends. It returns the function that releases it.
func Shared(ctx context.Context, path string) (unlock func(), err error) {
	return lock(ctx, path, syscall.LOCK_SH)
}

// TryExclusive takes the exclusive lock of path (created with its directory
// when missing) if no one holds it, shared or exclusive, without waiting;
// held is true when someone does.
func TryExclusive(path string) (unlock func(), held bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, false, fmt.Errorf("creating lock directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("opening lock %s: %w", path, err)
	}
	f.Close()
	return TryLock(path)
}

// lock takes the lock of path in mode (LOCK_EX or LOCK_SH).
func lock(ctx context.Context, path string, mode int) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating lock directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening lock %s: %w", path, err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), mode|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				_ = f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for the lock %s: %w", path, context.Cause(ctx))
		case <-time.After(poll):
		}
	}
}

// TryLock takes the lock of an existing lock file at path if no one holds
// it, without waiting; held is true when another process holds it.
func TryLock(path string) (unlock func(), held bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, true, nil
		}
		return nil, false, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, false, nil
}
