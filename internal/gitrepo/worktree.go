package gitrepo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/gorepro/gorepro/internal/filelock"
)

// Worktrees checks commits of Repo out in worktrees under Dir, one per
// tree: two commits with the same tree share a checkout (and so a path,
// which keeps the matrix's cache key of their cells equal). The user's
// working tree and index are never touched. Close removes every worktree
// it added.
type Worktrees struct {
	Repo *Repo
	// Dir is gorepro's directory for them, inside its work directory.
	Dir string

	mu    sync.Mutex
	added []string
	// unlock releases the lock on Dir that this process holds while it
	// uses the checkouts.
	unlock func()
}

// lock takes the lock on Dir (another gorepro bisecting the same
// repository waits) and removes the checkouts a killed gorepro left
// there: with the lock held, no one else is using them.
func (w *Worktrees) lock(ctx context.Context) error {
	if w.unlock != nil {
		return nil
	}
	unlock, err := filelock.Lock(ctx, w.Dir+".lock")
	if err != nil {
		return err
	}
	w.unlock = unlock
	entries, _ := os.ReadDir(w.Dir)
	for _, e := range entries {
		_ = os.RemoveAll(filepath.Join(w.Dir, e.Name()))
	}
	if len(entries) > 0 {
		_, _ = Git(ctx, w.Repo.Root, "worktree", "prune")
	}
	return nil
}

// Checkout checks commit out (or re-uses the checkout of its tree) and
// returns the module directory inside it.
func (w *Worktrees) Checkout(ctx context.Context, commit string) (string, error) {
	tree, err := Git(ctx, w.Repo.Root, "rev-parse", commit+"^{tree}")
	if err != nil {
		return "", fmt.Errorf("checking out %s: %w", Short(commit), err)
	}
	path := filepath.Join(w.Dir, Short(tree))
	moduleDir := filepath.Join(path, filepath.FromSlash(w.Repo.Subdir))
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.lock(ctx); err != nil {
		return "", fmt.Errorf("checking out %s: %w", Short(commit), err)
	}
	if head, err := Git(ctx, path, "rev-parse", "HEAD^{tree}"); err == nil && head == tree {
		return moduleDir, nil
	}
	// A worktree left behind by a gorepro that was killed: forget it.
	if err := os.RemoveAll(path); err != nil {
		return "", fmt.Errorf("removing stale checkout %s: %w", path, err)
	}
	_, _ = Git(ctx, w.Repo.Root, "worktree", "prune")
	if err := os.MkdirAll(w.Dir, 0o755); err != nil {
		return "", err
	}
	if _, err := Git(ctx, w.Repo.Root, "worktree", "add", "--detach", "--force", path, commit); err != nil {
		return "", fmt.Errorf("checking out %s: %w", Short(commit), err)
	}
	w.added = append(w.added, path)
	return moduleDir, nil
}

// Close removes the worktrees Checkout added, even when ctx is done (after
// a Ctrl-C), and prunes git's record of them.
func (w *Worktrees) Close(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	var first error
	for _, path := range w.added {
		if _, err := Git(ctx, w.Repo.Root, "worktree", "remove", "--force", path); err != nil {
			if rmErr := os.RemoveAll(path); rmErr != nil && first == nil {
				first = fmt.Errorf("removing worktree %s: %w", path, rmErr)
			}
		}
	}
	w.added = nil
	_, _ = Git(ctx, w.Repo.Root, "worktree", "prune")
	if w.unlock != nil {
		w.unlock()
		w.unlock = nil
	}
	return first
}
