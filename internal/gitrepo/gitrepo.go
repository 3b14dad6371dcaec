// Package gitrepo asks git what a target's source is (the commit a module
// directory is at, whether it is dirty, when the commit was made) and gives
// gorepro its own checkouts of other commits in worktrees under its work
// directory, so that bisecting a history never touches the user's working
// tree or index.
//
// Every git command runs through internal/proc with an argument list, a
// timeout and GIT_* variables that could redirect it (GIT_DIR,
// GIT_WORK_TREE, GIT_INDEX_FILE) removed.
package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/record"
)

// Timeout bounds one git command.
const Timeout = 2 * time.Minute

// ErrNotARepository is returned (wrapped) when a directory is not inside a
// git working tree, or git is not installed.
var ErrNotARepository = errors.New("not in a git repository")

// Git runs one git command in dir and returns its trimmed output; a
// non-zero exit is an error carrying git's message.
func Git(ctx context.Context, dir string, args ...string) (string, error) {
	return GitWithin(ctx, Timeout, dir, args...)
}

// GitWithin is Git with another bound than Timeout: for a clone or a
// fetch of a large repository.
func GitWithin(ctx context.Context, timeout time.Duration, dir string, args ...string) (string, error) {
	return gitRun(ctx, timeout, 0, dir, args)
}

// GitListing is Git for a command whose whole output is needed however
// long it is (git ls-tree -r of a large tree), where Git keeps only the
// head and tail of a long output.
func GitListing(ctx context.Context, dir string, args ...string) (string, error) {
	return gitRun(ctx, Timeout, 1<<30, dir, args)
}

// gitRun runs one git command in dir, bounded by timeout, keeping up to
// outputCap bytes of each end of its output (proc.DefaultCap when 0).
func gitRun(ctx context.Context, timeout time.Duration, outputCap int, dir string, args []string) (string, error) {
	argv := append([]string{"git", "-C", dir}, args...)
	res, err := proc.Run(ctx, proc.Cmd{
		Argv:    argv,
		Env:     proc.Environ(gitEnviron(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C"),
		Timeout: timeout,
		Cap:     outputCap,
	})
	if err != nil {
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	out := strings.TrimSpace(string(res.Output))
	switch {
	case res.TimedOut:
		return "", fmt.Errorf("git %s: timed out after %s", strings.Join(args, " "), timeout)
	case res.Canceled:
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), context.Canceled)
	case res.ExitCode != 0:
		return "", fmt.Errorf("git %s: %s", strings.Join(args, " "), firstLine(out, res.ExitCode))
	}
	return out, nil
}

// gitEnviron is the environment without the variables that would point
// git at another repository, work tree or index.
func gitEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR":
			continue
		}
		env = append(env, kv)
	}
	return env
}

func firstLine(out string, code int) string {
	line, _, _ := strings.Cut(out, "\n")
	if line == "" {
		return fmt.Sprintf("exit status %d", code)
	}
	return line
}

// Repo is the git repository a module directory belongs to.
type Repo struct {
	// Root is the top of the working tree; Subdir the module directory
	// relative to it, "." at the top, slash-separated.
	Root   string
	Subdir string
}

// Open finds the repository that holds dir. It returns an error wrapping
// ErrNotARepository when there is none.
func Open(ctx context.Context, dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, err
	}
	root, err := Git(ctx, abs, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s: %w (%v)", abs, ErrNotARepository, err)
	}
	// The toplevel git prints has symlinks resolved; so must dir.
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(root, real)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, fmt.Errorf("%s is outside its repository's working tree %s", abs, root)
	}
	return &Repo{Root: root, Subdir: filepath.ToSlash(rel)}, nil
}

// State is what a cell records of its target's source: the commit its
// module directory is at, whether the directory has changes git would
// commit (untracked files included, ignored files not), and the commit's
// time and subject. A directory outside any git repository has no State
// (nil, nil).
func State(ctx context.Context, dir string) (*record.SourceState, error) {
	repo, err := Open(ctx, dir)
	if errors.Is(err, ErrNotARepository) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c, err := repo.Commit(ctx, "HEAD")
	if err != nil {
		return nil, err
	}
	status, err := Git(ctx, repo.Root, "status", "--porcelain", "--untracked-files=normal", "--", repo.pathspec())
	if err != nil {
		return nil, err
	}
	st := c.State()
	st.Dirty = status != ""
	return &st, nil
}

// pathspec is the module directory as a git pathspec from the root.
func (r *Repo) pathspec() string {
	if r.Subdir == "." || r.Subdir == "" {
		return "."
	}
	return r.Subdir
}

// Commit is one commit of the history.
type Commit struct {
	Hash    string
	Subject string
	Author  string
	// Time is when the author wrote it (git's author date), CommitTime
	// when it was committed (the committer date: a rebase or a cherry-pick
	// changes it, not Time).
	Time, CommitTime time.Time
}

// logFormat is the git log --format of a Commit: hash, author date,
// committer date (Unix seconds), author, subject.
const logFormat = "--format=%H%x00%at%x00%ct%x00%an <%ae>%x00%s"

// State is the commit as a cell records its source: a clean checkout of
// it.
func (c Commit) State() record.SourceState {
	st := record.SourceState{VCS: "git", Commit: c.Hash, Time: c.Time, Subject: c.Subject, Author: c.Author}
	if !c.CommitTime.Equal(c.Time) {
		st.CommitTime = c.CommitTime
	}
	return st
}

// Commit resolves a commit-ish (a hash, a branch, HEAD~3) to its commit.
func (r *Repo) Commit(ctx context.Context, rev string) (Commit, error) {
	if strings.HasPrefix(rev, "-") {
		return Commit{}, fmt.Errorf("%q is not a commit", rev)
	}
	out, err := Git(ctx, r.Root, "show", "-s", logFormat, rev+"^{commit}", "--")
	if err != nil {
		return Commit{}, fmt.Errorf("resolving %s in %s: %w", rev, r.Root, err)
	}
	return parseCommit(out)
}

func parseCommit(line string) (Commit, error) {
	f := strings.SplitN(line, "\x00", 5)
	if len(f) != 5 {
		return Commit{}, fmt.Errorf("unexpected git output %q", line)
	}
	var times [2]time.Time
	for i, s := range f[1:3] {
		secs, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return Commit{}, fmt.Errorf("unexpected commit time %q", s)
		}
		times[i] = time.Unix(secs, 0).UTC()
	}
	return Commit{Hash: f[0], Time: times[0], CommitTime: times[1], Author: f[3], Subject: f[4]}, nil
}

// Range lists the commits from from to to, oldest first, both included:
// to's ancestors that are not from's, with from in front. firstParent
// keeps to the first-parent chain (the merges of the main line). from must
// be an ancestor of to.
func (r *Repo) Range(ctx context.Context, from, to string, firstParent bool) ([]Commit, error) {
	fc, err := r.Commit(ctx, from)
	if err != nil {
		return nil, err
	}
	tc, err := r.Commit(ctx, to)
	if err != nil {
		return nil, err
	}
	if _, err := Git(ctx, r.Root, "merge-base", "--is-ancestor", fc.Hash, tc.Hash); err != nil {
		return nil, fmt.Errorf("%s (%s) is not an ancestor of %s (%s): bisect needs --from older than --to on one history", from, Short(fc.Hash), to, Short(tc.Hash))
	}
	args := []string{"log", "--reverse", logFormat}
	if firstParent {
		args = append(args, "--first-parent")
	} else {
		args = append(args, "--topo-order")
	}
	out, err := Git(ctx, r.Root, append(args, fc.Hash+".."+tc.Hash, "--")...)
	if err != nil {
		return nil, err
	}
	commits := []Commit{fc}
	for line := range strings.SplitSeq(out, "\n") {
		if line == "" {
			continue
		}
		c, err := parseCommit(line)
		if err != nil {
			return nil, err
		}
		commits = append(commits, c)
	}
	return commits, nil
}

// Tree is the hash of the module directory's tree at a commit: two commits
// with the same Tree build the same thing.
func (r *Repo) Tree(ctx context.Context, commit string) (string, error) {
	return Git(ctx, r.Root, "rev-parse", commit+":"+strings.TrimPrefix(r.Subdir, "."))
}

// ChangedFiles lists the files that differ between two commits, relative to
// the repository root.
func (r *Repo) ChangedFiles(ctx context.Context, from, to string) ([]string, error) {
	out, err := Git(ctx, r.Root, "diff", "--name-only", from, to, "--")
	if err != nil {
		return nil, err
	}
	if out == "" {
		return nil, nil
	}
	return strings.Split(out, "\n"), nil
}

// Short is the abbreviated form of a commit hash gorepro prints: its
// first 12 digits.
func Short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
