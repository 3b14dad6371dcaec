package gitrepo

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newRepo makes a git repository whose module lives in sub/, with commits
// a (first), b (an empty commit: the same tree as a) and c (a change).
func newRepo(t *testing.T) (root string, git func(args ...string) string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs git")
	}
	root = t.TempDir()
	git = func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-C", root}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Dev", "GIT_AUTHOR_EMAIL=dev@example.com",
			"GIT_COMMITTER_NAME=Dev", "GIT_COMMITTER_EMAIL=dev@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+root)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %s: %s", args, out)
		return strings.TrimSpace(string(out))
	}
	require.NoError(t, os.MkdirAll(filepath.Join(root, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "sub", "go.mod"), []byte("module example.com/sub\n"), 0o644))
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-qm", "a: first")
	git("commit", "-q", "--allow-empty", "-m", "b: same tree")
	require.NoError(t, os.WriteFile(filepath.Join(root, "sub", "main.go"), []byte("package main\n"), 0o644))
	git("add", "-A")
	git("commit", "-qm", "c: a change")
	return root, git
}

// TestStateRangeAndWorktrees: the state of a module directory, the commits
// of a range, and checkouts that share a path when the tree is the same
// and never touch the user's tree.
func TestStateRangeAndWorktrees(t *testing.T) {
	ctx := context.Background()
	root, git := newRepo(t)
	sub := filepath.Join(root, "sub")

	st, err := State(ctx, sub)
	require.NoError(t, err)
	assert.Equal(t, git("rev-parse", "HEAD"), st.Commit)
	assert.Equal(t, "c: a change", st.Subject)
	assert.Equal(t, "Dev <dev@example.com>", st.Author)
	assert.False(t, st.Dirty)
	require.NoError(t, os.WriteFile(filepath.Join(sub, "new.go"), []byte("package main\n"), 0o644))
	st, err = State(ctx, sub)
	require.NoError(t, err)
	assert.True(t, st.Dirty, "an untracked file makes the module dirty")
	require.NoError(t, os.Remove(filepath.Join(sub, "new.go")))

	none, err := State(ctx, t.TempDir())
	require.NoError(t, err)
	assert.Nil(t, none, "outside a repository there is no state")

	repo, err := Open(ctx, sub)
	require.NoError(t, err)
	assert.Equal(t, "sub", repo.Subdir)
	commits, err := repo.Range(ctx, "HEAD~2", "HEAD", false)
	require.NoError(t, err)
	var subjects []string
	for _, c := range commits {
		subjects = append(subjects, c.Subject)
	}
	assert.Equal(t, []string{"a: first", "b: same tree", "c: a change"}, subjects)
	_, err = repo.Range(ctx, "HEAD", "HEAD~2", false)
	assert.ErrorContains(t, err, "is not an ancestor of HEAD~2")

	wt := &Worktrees{Repo: repo, Dir: filepath.Join(t.TempDir(), "worktrees")}
	dirA, err := wt.Checkout(ctx, commits[0].Hash)
	require.NoError(t, err)
	dirB, err := wt.Checkout(ctx, commits[1].Hash)
	require.NoError(t, err)
	dirC, err := wt.Checkout(ctx, commits[2].Hash)
	require.NoError(t, err)
	assert.Equal(t, dirA, dirB, "commits with one tree share a checkout")
	assert.NotEqual(t, dirA, dirC)
	assert.NoFileExists(t, filepath.Join(dirA, "main.go"))
	assert.FileExists(t, filepath.Join(dirC, "main.go"))
	assert.Equal(t, "sub", filepath.Base(dirA), "the module directory inside the checkout")

	require.NoError(t, wt.Close(ctx))
	assert.NoDirExists(t, filepath.Dir(dirA))
	assert.NoDirExists(t, filepath.Dir(dirC))
	assert.Equal(t, 1, len(strings.Split(git("worktree", "list"), "\n")), "git forgot the worktrees")
	assert.Empty(t, git("status", "--porcelain"), "the user's tree is untouched")
	assert.Equal(t, "main", git("rev-parse", "--abbrev-ref", "HEAD"))
}

// TestAuthorAndCommitterDates: a commit rebased or cherry-picked later has
// an author date and a later committer date; the author's date goes with
// the author, and the committer's is kept apart (only when it differs).
func TestAuthorAndCommitterDates(t *testing.T) {
	root, git := newRepo(t)
	require.NoError(t, os.WriteFile(filepath.Join(root, "sub", "late.go"), []byte("package main\n"), 0o644))
	git("add", "-A")
	cmd := exec.Command("git", "-C", root, "commit", "-qm", "d: written in 2024, committed in 2026")
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Dev", "GIT_AUTHOR_EMAIL=dev@example.com", "GIT_COMMITTER_NAME=Bot",
		"GIT_COMMITTER_EMAIL=bot@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+root,
		"GIT_AUTHOR_DATE=2024-03-01T10:00:00Z", "GIT_COMMITTER_DATE=2026-12-01T10:00:00Z")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	repo, err := Open(context.Background(), filepath.Join(root, "sub"))
	require.NoError(t, err)
	c, err := repo.Commit(context.Background(), "HEAD")
	require.NoError(t, err)
	assert.Equal(t, "2024-03-01", c.Time.Format("2006-01-02"))
	assert.Equal(t, "2026-12-01", c.CommitTime.Format("2006-01-02"))
	assert.Equal(t, "Dev <dev@example.com>", c.Author)
	st := c.State()
	assert.Equal(t, c.Time, st.Time)
	assert.Equal(t, c.CommitTime, st.CommitTime)

	first, err := repo.Commit(context.Background(), "HEAD~3")
	require.NoError(t, err)
	assert.True(t, first.State().CommitTime.IsZero(), "a commit committed when written records one date")
}
