// Package cleanup is gorepro clean's engine: it finds what gorepro made and
// removes it, and nothing else.
//
// What gorepro makes, and so what Plan lists:
//
//   - stale containers: labelled gorepro=1 by a gorepro process that is gone
//     from this host (container.StaleContainer: by the gorepro.hostid label,
//     which survives a change of hostname). Containers of a gorepro still
//     running, or of another host, are never touched;
//   - the images of Dockerfile targets: labelled gorepro=1 and named under
//     localhost/gorepro-cell/ (an image the user built FROM one inherits the
//     label but not the name, and stays). Images of a read-only store stay;
//   - the named volumes of the go command's caches in builder images:
//     labelled gorepro=1 and named gorepro-gomodcache or gorepro-gocache-*;
//   - the cache directory's entries (Cache.Root: $GOREPRO_CACHE, else the
//     user cache dir + /gorepro): work/ (generated reproducers, binaries,
//     prepared module copies, bisect worktrees, check's work), cells/ (the
//     finished cells, GOROOT fingerprints and manifests) and harness/
//     (gorepro's own build hash). Each entry two levels down is one item
//     (work/bin/<cell>, cells/<kk>/<key>); lock files are never removed.
//
// Options.OlderThan keeps what was made (a container or image created, a
// volume created, a cache entry last modified) less than that long ago.
// Images and volumes are removed without force, so the engine refuses to
// remove one a container uses: that item is reported as kept, in use.
//
// # Running gorepro processes
//
// Every gorepro run (matrix, check, bisect, explain) holds the lock of its
// cache root (LockFile) shared for its whole life (Use). Clean takes it
// exclusively without waiting, and refuses (InUseError) while a run holds
// it; a run started meanwhile waits until Clean has finished. A dry run
// lists what would go either way. The engine's images and volumes are
// shared by gorepro runs of every cache root: a run with another cache
// root is protected only by the engine (a volume or image its containers
// use is refused), so clean when no other gorepro runs.
package cleanup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/filelock"
)

// LockFile is the lock, in the cache root, that runs hold shared and Clean
// exclusively.
const LockFile = "gorepro.lock"

// lockDir is the name of the directories of lock files, never removed.
const lockDir = "locks"

// Use holds the lock of the cache root shared until release is called: a
// gorepro run's claim that Clean must not touch the cache meanwhile. It
// waits while Clean holds it, until ctx ends.
func Use(ctx context.Context, root string) (release func(), err error) {
	release, err = filelock.Shared(ctx, filepath.Join(root, LockFile))
	if err != nil {
		return nil, fmt.Errorf("cache %s: %w", root, err)
	}
	return release, nil
}

// InUseError is Clean's error when a gorepro run holds the cache root.
type InUseError struct{ Root string }

func (e *InUseError) Error() string {
	return fmt.Sprintf("a gorepro run is using the cache %s: clean when it has finished", e.Root)
}

// Busy reports whether a gorepro run holds the cache root now.
func Busy(root string) (bool, error) {
	if _, err := os.Stat(filepath.Join(root, LockFile)); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	unlock, held, err := filelock.TryExclusive(filepath.Join(root, LockFile))
	if err != nil || held {
		return held, err
	}
	unlock()
	return false, nil
}

// Options say what to clean.
type Options struct {
	// Root is the cache root directory.
	Root string
	// Engine is the container engine whose gorepro containers, images and
	// volumes go; nil cleans the cache directory only.
	Engine *container.Engine
	// OlderThan, when positive, keeps what is younger.
	OlderThan time.Duration
	// Now is the current time (time.Now when zero).
	Now time.Time
}

// Kind says what an item is: a container, image or volume of the engine,
// or an entry of the cache directory.
type Kind string

// The kinds of items.
const (
	Container Kind = Kind(container.MadeContainer)
	Image     Kind = Kind(container.MadeImage)
	Volume    Kind = Kind(container.MadeVolume)
	Cache     Kind = "cache"
)

// Item is one thing to remove.
type Item struct {
	Kind Kind
	// Name is the container, image or volume name, or the cache entry's
	// path relative to the root.
	Name string
	// Size is what removing it frees, in bytes; -1 when unknown.
	Size int64
	// Made is when it was made (a cache entry: last modified).
	Made time.Time
	// Why says why a container is stale.
	Why string

	made *container.Made
	path string
}

// Kept is an item Clean left, and why.
type Kept struct {
	Item
	Reason string
}

// Result is what Clean did.
type Result struct {
	Removed []Item
	Kept    []Kept
}

// Freed is the bytes freed by items, those of unknown size left out.
func Freed(items []Item) int64 {
	var n int64
	for _, it := range items {
		n += max(it.Size, 0)
	}
	return n
}

// Plan lists what Clean would remove, in a stable order: containers,
// images, volumes, then cache entries, each by name.
func Plan(ctx context.Context, o Options) ([]Item, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	var items []Item
	if o.Engine != nil {
		made, err := o.Engine.ListMade(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing what gorepro made in %s: %w", o.Engine.Name, err)
		}
		items = append(items, engineItems(made)...)
	}
	cached, err := cacheItems(o.Root)
	if err != nil {
		return nil, err
	}
	items = append(items, cached...)
	items = slices.DeleteFunc(items, func(it Item) bool {
		return o.OlderThan > 0 && !it.Made.IsZero() && o.Now.Sub(it.Made) < o.OlderThan
	})
	order := map[Kind]int{Container: 0, Image: 1, Volume: 2, Cache: 3}
	slices.SortStableFunc(items, func(a, b Item) int {
		if a.Kind != b.Kind {
			return order[a.Kind] - order[b.Kind]
		}
		return strings.Compare(a.Name, b.Name)
	})
	return items, nil
}

// engineItems are the items of what the engine lists: stale containers,
// removable images, volumes (sized by their directory when it is here).
func engineItems(made []container.Made) []Item {
	var items []Item
	for _, m := range made {
		it := Item{Kind: Kind(m.Kind), Name: m.Name, Size: m.Size, Made: m.Created, made: &m}
		switch m.Kind {
		case container.MadeContainer:
			stale, why := container.StaleContainer(m)
			if !stale {
				continue
			}
			it.Why = why
		case container.MadeImage:
			if m.ReadOnly {
				continue
			}
		case container.MadeVolume:
			it.Size = sizeOf(m.Mountpoint)
		}
		items = append(items, it)
	}
	return items
}

// cacheItems lists the entries two levels down in the cache root's
// directories, but lock files.
func cacheItems(root string) ([]Item, error) {
	var items []Item
	for _, dir := range []string{"work", "cells", "harness", "warm"} {
		tops, err := os.ReadDir(filepath.Join(root, dir))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading the cache: %w", err)
		}
		for _, top := range tops {
			rel := filepath.Join(dir, top.Name())
			if top.Name() == lockDir {
				continue
			}
			if !top.IsDir() {
				items = append(items, cacheItem(root, rel))
				continue
			}
			entries, err := os.ReadDir(filepath.Join(root, rel))
			if err != nil {
				return nil, fmt.Errorf("reading the cache: %w", err)
			}
			for _, e := range entries {
				items = append(items, cacheItem(root, filepath.Join(rel, e.Name())))
			}
		}
	}
	return items, nil
}

func cacheItem(root, rel string) Item {
	path := filepath.Join(root, rel)
	it := Item{Kind: Cache, Name: filepath.ToSlash(rel), Size: sizeOf(path), path: path}
	if fi, err := os.Lstat(path); err == nil {
		it.Made = fi.ModTime()
	}
	return it
}

// sizeOf is the bytes of the files under path; -1 when path cannot be read
// ("" or a volume's directory inside an engine's VM).
func sizeOf(path string) int64 {
	if path == "" {
		return -1
	}
	if _, err := os.Lstat(path); err != nil {
		return -1
	}
	var n int64
	_ = filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// Clean removes what Plan lists, holding the cache root's lock exclusively
// (an *InUseError when a gorepro run holds it). An image or volume the engine
// refuses to remove is kept with the reason; other failures are returned
// after trying every item.
func Clean(ctx context.Context, o Options) (*Result, error) {
	unlock, held, err := filelock.TryExclusive(filepath.Join(o.Root, LockFile))
	if err != nil {
		return nil, fmt.Errorf("cache %s: %w", o.Root, err)
	}
	if held {
		return nil, &InUseError{Root: o.Root}
	}
	defer unlock()
	items, err := Plan(ctx, o)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	var errs []error
	for _, it := range items {
		err := remove(ctx, o.Engine, it)
		switch {
		case err == nil:
			res.Removed = append(res.Removed, it)
		case container.InUse(err):
			res.Kept = append(res.Kept, Kept{Item: it, Reason: "in use by a container"})
		default:
			res.Kept = append(res.Kept, Kept{Item: it, Reason: err.Error()})
			errs = append(errs, fmt.Errorf("removing %s %s: %w", it.Kind, it.Name, err))
		}
	}
	return res, errors.Join(errs...)
}

func remove(ctx context.Context, engine *container.Engine, it Item) error {
	if it.Kind == Cache {
		return removeAll(it.path)
	}
	return engine.RemoveMade(ctx, *it.made)
}

// removeAll removes path, making read-only directories (the go command's
// module cache in a work dir) writable first.
func removeAll(path string) error {
	if err := os.RemoveAll(path); err == nil {
		return nil
	}
	_ = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o755)
		}
		return nil
	})
	return os.RemoveAll(path)
}
