package crashfixture

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/gorepro/gorepro/internal/modtree"
)

// GoHistory is a git repository of Go made from a copy of the local
// GOROOT, for tests of building Go from source (internal/gosource,
// gorepro bisect --axis go-commit): the release as its first commit,
// tagged Release, then these commits, oldest first, each with a
// Reviewed-on: trailer as Go's commits have:
//
//   - Doc: a change to README.md only;
//   - Bug: the runtime packs pointers with 47 address bits
//     (defaultAddrBits = 47 in src/runtime/tagptr_64bit.go), which makes
//     every amd64 program that opens a file crash with "fatal error:
//     taggedPointerPack" (see MakeInjectedGOROOT). That includes the
//     commit's own toolchain: make.bash of Bug and of every commit up to
//     Fix fails when its go_bootstrap, built with that runtime, crashes;
//   - Cmd: a change to src/cmd/go (a comment), which no fast build can
//     serve: make.bash must run;
//   - Lib: a change to the standard library outside the runtime (a
//     comment in src/net/http);
//   - Doc2: another change to documentation;
//   - Fix: the runtime back to 48 + 1 bits, tagged Next.
type GoHistory struct {
	// Dir is the repository's working tree.
	Dir string
	// Release and Next are the tags of the first commit and of Fix.
	Release, Next string
	// The commits' hashes.
	Doc, Bug, Cmd, Lib, Doc2, Fix string
	// BugReview is the Reviewed-on: link of Bug.
	BugReview string
}

// MakeGoHistory makes the GoHistory of goroot (an installed Go, whose
// bin/ and pkg/ are left out) at dir, which must not exist. The files
// are hard links into goroot where they share a file system; a changed
// file is always a new file, never written through a link.
func MakeGoHistory(goroot, dir string) (*GoHistory, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(goroot)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Name() == "bin" || e.Name() == "pkg" {
			continue
		}
		if err := modtree.Copy(filepath.Join(goroot, e.Name()), filepath.Join(dir, e.Name()), modtree.CopyOptions{Link: true, KeepHidden: true}); err != nil {
			return nil, fmt.Errorf("copying %s: %w", goroot, err)
		}
	}
	version, err := os.ReadFile(filepath.Join(goroot, "VERSION"))
	if err != nil {
		return nil, err
	}
	release, _, _ := strings.Cut(string(version), "\n")
	h := &GoHistory{Dir: dir, Release: release, Next: release + "-next"}
	g := &gitRun{dir: dir}
	g.run("init", "-q", "-b", "master")
	g.run("add", "-A")
	g.commit(0, "["+release+"] "+release, "")
	g.run("tag", release)
	h.Doc = g.change(1, "README.md", "", "\nThis is gorepro's test history of Go.\n", "doc: mention the test history in the README")
	h.Bug = g.change(2, tagptrFile, fixedAddrBits, injectedAddrBits, "runtime: pack tagged pointers with 47 address bits on amd64")
	h.BugReview = review(2)
	h.Cmd = g.change(3, "src/cmd/go/main.go", "", "\n// gorepro: a change to the go command.\n", "cmd/go: add a comment")
	h.Lib = g.change(4, "src/net/http/doc.go", "", "\n// gorepro: a change to the library.\n", "net/http: add a comment")
	h.Doc2 = g.change(5, "CONTRIBUTING.md", "", "\nA second change to documentation.\n", "doc: a second change")
	h.Fix = g.change(6, tagptrFile, injectedAddrBits, fixedAddrBits, "runtime: pack tagged pointers with 48+1 address bits again")
	g.run("tag", h.Next)
	return h, g.err
}

// review is the Reviewed-on: link of the i-th commit.
func review(i int) string {
	return fmt.Sprintf("https://go-review.googlesource.com/c/go/+/%d", 700000+i)
}

// gitRun runs the git commands of a GoHistory, keeping the first error.
type gitRun struct {
	dir string
	err error
}

func (g *gitRun) run(args ...string) string {
	if g.err != nil {
		return ""
	}
	cmd := exec.Command("git", append([]string{"-C", g.dir, "-c", "core.looseCompression=0"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Gopher", "GIT_AUTHOR_EMAIL=gopher@example.com",
		"GIT_COMMITTER_NAME=Gopher", "GIT_COMMITTER_EMAIL=gopher@example.com", "GIT_CONFIG_NOSYSTEM=1")
	if args[0] == "commit" {
		cmd.Env = append(cmd.Env, "GIT_AUTHOR_DATE="+args[len(args)-1], "GIT_COMMITTER_DATE="+args[len(args)-1])
		cmd.Args = cmd.Args[:len(cmd.Args)-1]
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.err = fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// commit commits the index as the i-th commit (its date i days after a
// fixed one) and returns its hash.
func (g *gitRun) commit(i int, subject, trailer string) string {
	msg := subject + "\n\nA commit of gorepro's test history of Go.\n"
	if trailer != "" {
		msg += "\n" + trailer + "\n"
	}
	date := fmt.Sprintf("2026-11-%02dT10:00:00Z", i+1)
	g.run("commit", "-q", "--no-verify", "--no-gpg-sign", "-m", msg, date)
	return g.run("rev-parse", "HEAD")
}

// change replaces old by new in the file at rel (appends new when old is
// empty), as a new file, and commits it as the i-th commit.
func (g *gitRun) change(i int, rel, old, new, subject string) string {
	if g.err != nil {
		return ""
	}
	path := filepath.Join(g.dir, filepath.FromSlash(rel))
	data, err := os.ReadFile(path)
	if err == nil && old != "" && bytes.Count(data, []byte(old)) != 1 {
		err = fmt.Errorf("%s does not hold %q exactly once", rel, old)
	}
	if err == nil {
		if old == "" {
			data = append(data, new...)
		} else {
			data = bytes.Replace(data, []byte(old), []byte(new), 1)
		}
		if err = os.Remove(path); err == nil { // never write through a hard link
			err = os.WriteFile(path, data, 0o644)
		}
	}
	if err != nil {
		g.err = err
		return ""
	}
	g.run("add", "--", rel)
	return g.commit(i, subject, "Reviewed-on: "+review(i))
}
