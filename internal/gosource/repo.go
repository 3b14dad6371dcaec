package gosource

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gorepro/gorepro/internal/filelock"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/proc"
)

// fetchTimeout bounds a clone or a fetch of a Go repository (the whole
// history of Go is several hundred megabytes).
const fetchTimeout = 30 * time.Minute

// Repo is a Go source repository: a local one, only read, or the cache's
// mirror of a URL.
type Repo struct {
	// Spec is the repository as given (a path or a URL); Dir the git
	// directory or working tree commands run in.
	Spec, Dir string
	// Mirror is true for the cache's mirror of a URL, which may be
	// fetched.
	Mirror bool
	git    *gitrepo.Repo
}

// IsURL reports whether a repo spec is a URL (cloned into the cache)
// rather than a local path.
func IsURL(spec string) bool {
	return strings.Contains(spec, "://") || strings.HasPrefix(spec, "git@")
}

// OpenRepo opens the repository spec names: a local path as it is, a URL
// as its mirror under cacheDir, cloned on first use.
func OpenRepo(ctx context.Context, spec, cacheDir string) (*Repo, error) {
	if !IsURL(spec) {
		abs, err := filepath.Abs(spec)
		if err != nil {
			return nil, err
		}
		if _, err := gitrepo.Git(ctx, abs, "rev-parse", "--git-dir"); err != nil {
			return nil, fmt.Errorf("go repository %s: %w (%v)", spec, gitrepo.ErrNotARepository, err)
		}
		return &Repo{Spec: spec, Dir: abs, git: &gitrepo.Repo{Root: abs, Subdir: "."}}, nil
	}
	sum := sha256.Sum256([]byte(spec))
	dir := filepath.Join(cacheDir, "gosource", "repos", hex.EncodeToString(sum[:6])+".git")
	unlock, err := filelock.Lock(ctx, dir+".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil {
		_ = os.RemoveAll(dir) // a clone a killed gorepro left half done
		if _, err := gitrepo.GitWithin(ctx, fetchTimeout, filepath.Dir(dir), "clone", "--mirror", "--", spec, dir); err != nil {
			return nil, fmt.Errorf("cloning %s: %w", spec, err)
		}
	}
	return &Repo{Spec: spec, Dir: dir, Mirror: true, git: &gitrepo.Repo{Root: dir, Subdir: "."}}, nil
}

// Resolve turns rev (a hash, a tag, a branch) into a commit hash, fetching
// a mirror again when it lacks rev.
func (r *Repo) Resolve(ctx context.Context, rev string) (string, error) {
	c, err := r.git.Commit(ctx, rev)
	if err != nil && r.Mirror {
		if _, ferr := gitrepo.GitWithin(ctx, fetchTimeout, r.Dir, "fetch", "--prune", "--tags", "origin"); ferr != nil {
			return "", fmt.Errorf("fetching %s for %s: %w", r.Spec, rev, ferr)
		}
		c, err = r.git.Commit(ctx, rev)
	}
	if err != nil {
		return "", fmt.Errorf("go repository %s: %w", r.Spec, err)
	}
	return c.Hash, nil
}

// Range lists the commits from from to to, oldest first, as
// gitrepo.Repo.Range does.
func (r *Repo) Range(ctx context.Context, from, to string, firstParent bool) ([]gitrepo.Commit, error) {
	for _, rev := range []string{from, to} {
		if _, err := r.Resolve(ctx, rev); err != nil {
			return nil, err
		}
	}
	return r.git.Range(ctx, from, to, firstParent)
}

// Commit is a commit of the repository as an answer names it.
type Commit struct {
	gitrepo.Commit
	// ReviewedOn is the review link of the message's Reviewed-on:
	// trailer, "" when it has none.
	ReviewedOn string
}

// Describe reads commit's subject, author, dates and review link.
func (r *Repo) Describe(ctx context.Context, commit string) (Commit, error) {
	c, err := r.git.Commit(ctx, commit)
	if err != nil {
		return Commit{}, err
	}
	out, err := gitrepo.Git(ctx, r.Dir, "log", "-1", "--format=%(trailers:key=Reviewed-on,valueonly,separator=%x20)", c.Hash, "--")
	if err != nil {
		return Commit{}, err
	}
	link, _, _ := strings.Cut(strings.TrimSpace(out), " ")
	return Commit{Commit: c, ReviewedOn: link}, nil
}

// Listing is the source listing of commit (see Listing).
func (r *Repo) Listing(ctx context.Context, commit string) (Listing, error) {
	out, err := gitrepo.GitListing(ctx, r.Dir, "ls-tree", "-r", "--full-tree", commit, "--", "src", "VERSION")
	if err != nil {
		return nil, err
	}
	l := Listing{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		// "<mode> <type> <hash>\t<path>"
		meta, p, ok := strings.Cut(sc.Text(), "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 {
			return nil, fmt.Errorf("unexpected git ls-tree line %q", sc.Text())
		}
		if f[1] == "blob" {
			l[p] = f[2]
		}
	}
	if len(l) == 0 {
		return nil, fmt.Errorf("go repository %s: commit %s has no src/: not a Go repository", r.Spec, gitrepo.Short(commit))
	}
	return l, nil
}

// Export unpacks commit's tree into dir (which must not exist), through
// git archive: the repository is only read.
func (r *Repo) Export(ctx context.Context, commit, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tarball := dir + ".tar"
	defer os.Remove(tarball)
	if _, err := gitrepo.GitWithin(ctx, fetchTimeout, r.Dir, "archive", "--format=tar", "-o", tarball, commit); err != nil {
		return fmt.Errorf("exporting %s: %w", gitrepo.Short(commit), err)
	}
	res, err := proc.Run(ctx, proc.Cmd{Argv: []string{"tar", "-xf", tarball, "-C", dir}, Timeout: fetchTimeout})
	if err != nil {
		return fmt.Errorf("unpacking %s: %w", gitrepo.Short(commit), err)
	}
	if res.ExitCode != 0 {
		return fmt.Errorf("unpacking %s: %s", gitrepo.Short(commit), proc.FirstLines(res.Output, 3))
	}
	return nil
}

// devVersion is the VERSION file cmd/dist would derive from git for a
// commit that has none: "devel go1.N-HASH DATE".
func (r *Repo) devVersion(ctx context.Context, commit, dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "src", "internal", "goversion", "goversion.go"))
	if err != nil {
		return "", fmt.Errorf("no VERSION and no src/internal/goversion at %s: %w", gitrepo.Short(commit), err)
	}
	n := ""
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "const Version = "); ok {
			n = strings.TrimSpace(v)
		}
	}
	if n == "" {
		return "", fmt.Errorf("src/internal/goversion/goversion.go at %s has no Version", gitrepo.Short(commit))
	}
	date, err := gitrepo.Git(ctx, r.Dir, "log", "-1", "--format=%cd", "--date=format:%a %b %d %H:%M:%S %Y %z", commit, "--")
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("devel go1.%s-%s %s", n, commit[:min(10, len(commit))], date), nil
}
