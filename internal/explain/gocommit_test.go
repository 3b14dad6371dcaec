package explain

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/record"
)

// goRepo is a small git repository standing for Go's: go1.25.4 tagged,
// then three commits (the second, bug, with a Reviewed-on: trailer), then
// go1.25.5 tagged, unless tags is false. Nothing in it is built: the
// fake prober judges each probe by the commit its toolchain names.
type goRepo struct {
	dir                     string
	rel4, c1, bug, c3, rel5 string
}

func makeGoRepo(t *testing.T, tags bool) goRepo {
	t.Setenv("GIT_AUTHOR_DATE", "2026-11-03T10:00:00Z")
	t.Setenv("GIT_COMMITTER_DATE", "2026-11-03T10:00:00Z")
	dir := filepath.Join(t.TempDir(), "go")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	git := gitIn(t, dir)
	git("init", "-q", "-b", "release-branch.go1.25")
	commit := func(file, msg string) string {
		require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(msg), 0o644))
		git("add", ".")
		git("-c", "user.name=Gopher", "-c", "user.email=gopher@example.com", "commit", "-q", "-m", msg)
		return git("rev-parse", "HEAD")
	}
	r := goRepo{dir: dir}
	r.rel4 = commit("VERSION", "[release-branch.go1.25] go1.25.4")
	r.c1 = commit("README.md", "doc: a change")
	r.bug = commit("tagptr.go", "runtime: the bug\n\nReviewed-on: https://go-review.googlesource.com/c/go/+/700002")
	r.c3 = commit("http.go", "net/http: a change")
	r.rel5 = commit("VERSION", "[release-branch.go1.25] go1.25.5")
	if tags {
		git("tag", "go1.25.4", r.rel4)
		git("tag", "go1.25.5", r.rel5)
	}
	return r
}

// TestExplainerGoCommits: a change explained by a Go release (or between
// two gosource toolchains) is followed into the Go commits between the
// two, each probed with its commit's toolchain; without the tags, or when
// the commits' toolchains do not show the releases' verdicts, the release
// stays the cause and a step says why.
func TestExplainerGoCommits(t *testing.T) {
	tests := []struct {
		name string
		// tags makes the repository's release tags; gosource records
		// BASE's and NEW's toolchains as built from go1.25.4's and
		// go1.25.5's commits (same Go version, two builds).
		tags, gosource bool
		// toolchainCrash makes the full builds that confirm the boundary
		// of bad commits crash building themselves (a build error whose
		// toolchain crashed, judged a crash), as the real bug does.
		toolchainCrash bool
		// commitsBad are the commits whose toolchains crash.
		commitsBad  func(r goRepo) []string
		wantKind    string
		wantCulprit func(r goRepo) string
		wantStep    string
		wantProbed  func(r goRepo) []string
	}{
		{
			name: "the release, then the commit between the two releases",
			tags: true, toolchainCrash: true, commitsBad: func(r goRepo) []string { return []string{r.bug, r.c3, r.rel5} },
			wantKind: record.CauseGoCommit,
			wantCulprit: func(r goRepo) string {
				return fmt.Sprintf(`Go commit %s "runtime: the bug" by Gopher <gopher@example.com>, 2026-11-03, Reviewed-on: https://go-review.googlesource.com/c/go/+/700002 (first bad commit of go1.25.4..go1.25.5 in %s; the commit before it, %s, is not)`,
					gitrepo.Short(r.bug), r.dir, gitrepo.Short(r.c1))
			},
			wantStep: "regression: first bad " + "BUG",
			wantProbed: func(r goRepo) []string {
				return []string{
					"go1.25.4/app", "go1.25.5/app", "go1.25.4/app fresh", "go1.25.5/app fresh",
					// The commits: both ends, the middle, then the boundary again.
					"go-" + gitrepo.Short(r.rel4) + "/app", "go-" + gitrepo.Short(r.rel5) + "/app", "go-" + gitrepo.Short(r.bug) + "/app",
					"go-" + gitrepo.Short(r.c1) + "/app", "go-" + gitrepo.Short(r.c1) + "/app fresh", "go-" + gitrepo.Short(r.bug) + "/app fresh",
				}
			},
		},
		{
			name: "a tag missing: the release stays the cause",
			tags: false, commitsBad: func(r goRepo) []string { return []string{r.bug, r.c3, r.rel5} },
			wantKind:    record.CauseGoVersion,
			wantCulprit: func(goRepo) string { return "Go release go1.25.5 (first bad; the release before it, go1.25.4, is not)" },
			wantStep:    "not concluded, the cause stays the Go release: go repository DIR: ",
			wantProbed: func(goRepo) []string {
				return []string{"go1.25.4/app", "go1.25.5/app", "go1.25.4/app fresh", "go1.25.5/app fresh"}
			},
		},
		{
			name: "the commits' toolchains do not show the releases' verdicts: the release stays the cause",
			tags: true, commitsBad: func(goRepo) []string { return nil },
			wantKind:    record.CauseGoVersion,
			wantCulprit: func(goRepo) string { return "Go release go1.25.5 (first bad; the release before it, go1.25.4, is not)" },
			wantStep:    "not concluded, the cause stays the Go release: the toolchains built from the Go commits of go1.25.4 and go1.25.5 do not show the verdicts the change had (both good)",
			wantProbed: func(r goRepo) []string {
				return []string{"go1.25.4/app", "go1.25.5/app", "go1.25.4/app fresh", "go1.25.5/app fresh",
					"go-" + gitrepo.Short(r.rel4) + "/app", "go-" + gitrepo.Short(r.rel5) + "/app"}
			},
		},
		{
			name: "two gosource toolchains of one repository: the commit between them",
			tags: true, gosource: true, commitsBad: func(r goRepo) []string { return []string{r.bug, r.c3, r.rel5} },
			wantKind: record.CauseGoCommit,
			wantCulprit: func(r goRepo) string {
				return fmt.Sprintf(`Go commit %s "runtime: the bug" by Gopher <gopher@example.com>, 2026-11-03, Reviewed-on: https://go-review.googlesource.com/c/go/+/700002 (first bad commit of %s (go1.25.4)..%s in %s; the commit before it, %s, is not)`,
					gitrepo.Short(r.bug), gitrepo.Short(r.rel4), gitrepo.Short(r.rel5), r.dir, gitrepo.Short(r.c1))
			},
			wantStep: "regression: first bad " + "BUG",
			wantProbed: func(r goRepo) []string {
				return []string{
					"tip/app~confirm fresh",
					"go-" + gitrepo.Short(r.rel4) + "/app", "go-" + gitrepo.Short(r.rel5) + "/app", "go-" + gitrepo.Short(r.bug) + "/app",
					"go-" + gitrepo.Short(r.c1) + "/app", "go-" + gitrepo.Short(r.c1) + "/app fresh", "go-" + gitrepo.Short(r.bug) + "/app fresh",
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := makeGoRepo(t, tt.tags)
			bad := tt.commitsBad(r)
			dir := testModule(t)
			pair := cellPair{baseGo: "go1.25.4", newGo: "go1.25.5", baseOut: record.Pass, newOut: record.Crash}
			if tt.gosource {
				pair = cellPair{baseBuild: "b1", newBuild: "b2", baseOut: record.Pass, newOut: record.Crash}
			}
			id := "local_v1.36.10_off_app_amd64"
			base, next := pair.runs(id)
			useCommit(commitModule(t, dir), base, next)
			cfg := testConfig(t, dir)
			if tt.gosource {
				id = "tip_v1.36.10_off_app_amd64"
				for i, run := range []*record.Run{base, next} {
					commit, rev := []string{r.rel4, r.rel5}[i], []string{"go1.25.4", r.rel5[:10]}[i]
					c := &run.Cells[0]
					c.ID, c.Toolchain = id, "tip"
					c.GoSource = &record.GoSource{Repo: r.dir, Rev: rev, Commit: commit, Mode: "full"}
					// The config changed only in the toolchain's rev: that
					// is the toolchain's change, not one of gorepro's config.
					c.ToolchainEntry = map[string]string{"kind": "gosource", "repo": r.dir, "rev": rev}
					c.TargetEntry, c.Settings = map[string]string{"kind": "package"}, map[string]string{"runs": "1"}
					run.MatrixSHA256 = "matrix-" + commit
				}
				cfg.Toolchains = append(cfg.Toolchains, config.Toolchain{Name: "tip", Kind: config.KindGosource, Repo: r.dir, Rev: r.rel5})
			}
			prober := &fakeProber{bad: func(req bisection.Request) bool {
				tc := req.Config.Toolchains[0]
				if tc.Kind == config.KindGosource && tc.Name != "tip" {
					return slices.Contains(bad, tc.Rev)
				}
				return tc.Name == "go1.25.5" || tc.Name == "tip"
			}}
			var p bisection.Prober = prober
			if tt.toolchainCrash {
				p = toolchainCrashProber{prober}
			}
			ex := &Explainer{
				Config: cfg, Base: base, Next: next, Changes: []ChangedCell{{CellID: id, Kind: "new-crash", VerdictChanged: true}},
				Prober: p, Versions: fakeVersions{}, Checkouts: &bisection.Checkouts{WorkDir: t.TempDir()},
				LocalVersion: "go1.26.8", HostArch: "amd64",
				GoRepo: r.dir, GoCommits: bisection.Options{CacheDir: t.TempDir()},
			}
			x := &record.Explain{}
			ex.Explain(context.Background(), x)
			assert.Equal(t, tt.wantProbed(r), prober.probed)
			require.Len(t, x.Explanations, 1)
			got := x.Explanations[0]
			assert.Equal(t, tt.wantKind, got.Kind, got.Reason)
			assert.True(t, got.Explained)
			assert.Equal(t, tt.wantCulprit(r), got.Culprit)
			last := got.Steps[len(got.Steps)-1]
			want := tt.wantStep
			if want == "regression: first bad BUG" {
				want = "regression: first bad " + gitrepo.Short(r.bug)
				assert.Equal(t, r.bug, got.Commit.Commit)
				assert.Equal(t, r.c1, got.Before)
				assert.Contains(t, last.Conclusion, "; Go toolchains built: 0 full, 0 fast", "the fake prober builds no toolchain")
			}
			assert.Contains(t, last.Conclusion, strings.ReplaceAll(want, "DIR", r.dir))
			if tt.wantKind == record.CauseGoCommit {
				// The boundary's evidence is each side's judged probe.
				var sides []string
				for _, ev := range got.Evidence {
					if ev.Input == gitrepo.Short(r.c1) || ev.Input == gitrepo.Short(r.bug) {
						sides = append(sides, fmt.Sprintf("%s %s %s %s", ev.Side, ev.Input, ev.Outcome, ev.Signature))
					}
				}
				sig := "panic: boom in main.main"
				if tt.toolchainCrash {
					sig = "fatal error: taggedPointerPack"
				}
				assert.Equal(t, []string{"before " + gitrepo.Short(r.c1) + " pass ", "after " + gitrepo.Short(r.bug) + " crash " + sig}, sides)
			}
			assert.Contains(t, last.What, "bisect Go commits ")
			if tt.gosource {
				assert.Contains(t, got.Changed, fmt.Sprintf("toolchain tip: rev go1.25.4 → %s", r.rel5[:10]))
			}
		})
	}
}

// toolchainCrashProber is a fake prober whose full builds of a bad Go
// commit's toolchain crash building themselves: the confirmations of a
// go-commit search's boundary get a build error with the toolchain's
// crash, not a cell that ran.
type toolchainCrashProber struct{ *fakeProber }

func (f toolchainCrashProber) Probe(ctx context.Context, req bisection.Request) (record.Cell, error) {
	cell, err := f.fakeProber.Probe(ctx, req)
	if tc := req.Config.Toolchains[0]; req.Fresh && tc.Kind == config.KindGosource && !tc.Fast && cell.Outcome == record.Crash {
		cell.Outcome, cell.Signature, cell.CacheKey = record.BuildError, "", ""
		cell.BuildCrash = &record.BuildCrash{Stage: record.StageToolchain, Program: "the go command", Signature: "fatal error: taggedPointerPack"}
	}
	return cell, err
}
