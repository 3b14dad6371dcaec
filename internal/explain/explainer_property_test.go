package explain

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/semver"

	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/record"
)

// history is one generated change between two nights: what changed (the
// toolchain's build, the source commit, a module version) and which of
// those changes really turn the cell bad. The truth is monotone: a cause
// is active from its first bad commit or version on, and a toolchain
// cause with NEW's build.
type history struct {
	tool, commit, module             bool // what changed
	toolCause, commitCause, modCause bool // what turns the cell bad
	badCommit, badVersion            int  // first bad commit index, module version index
}

// modVersions are the module's versions, BASE at the first, NEW (when the
// module changed) at the last.
var modVersions = []string{"v0.30.0", "v0.31.0", "v0.32.0", "v0.33.0", "v0.34.0", "v0.35.0"}

func (h history) String() string {
	return fmt.Sprintf("changed tool=%v commit=%v module=%v; causes tool=%v commit=%v@%d module=%v@%s",
		h.tool, h.commit, h.module, h.toolCause, h.commitCause, h.badCommit, h.modCause, modVersions[h.badVersion])
}

// crashes is the truth for a probe built from commit index ci and module
// version mv with NEW's toolchain build (every probe is: explain checks
// that the toolchain here is NEW's build).
func (h history) crashes(ci int, mv string) bool {
	return (h.toolCause && h.tool) || (h.commitCause && ci >= h.badCommit) ||
		(h.modCause && semver.Compare(mv, modVersions[h.badVersion]) >= 0)
}

// randomHistory draws a history in which the cell passed in BASE and
// crashes in NEW: at least one change, and at least one active cause
// among the changes.
func randomHistory(r *rand.Rand, commits int) history {
	for {
		h := history{tool: r.IntN(2) == 0, badCommit: 1 + r.IntN(commits-1), badVersion: 1 + r.IntN(len(modVersions)-1)}
		switch r.IntN(3) {
		case 1:
			h.commit = true
		case 2:
			h.module = true
		}
		h.toolCause = h.tool && r.IntN(2) == 0
		h.commitCause = h.commit && r.IntN(2) == 0
		h.modCause = h.module && r.IntN(2) == 0
		if h.toolCause || h.commitCause || h.modCause {
			return h
		}
	}
}

// TestExplainerProperty runs explain's strategy over generated histories
// with a prober that builds from the truth, and checks every claim it
// makes against the truth and the cells it cites: the cause it names is a
// real one and sufficient alone; the culprit commit or version is the
// first bad one; a step that says BASE's verdict has BASE's outcome; every
// evidence cell's outcome is what its side says; with one active cause,
// the change is explained.
func TestExplainerProperty(t *testing.T) {
	const commits = 6
	dir := testModule(t)
	git := gitIn(t, dir)
	git("init", "-q")
	var hashes []string
	for i := range commits {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "state"), []byte(strconv.Itoa(i)), 0o644))
		git("add", ".")
		git("-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", fmt.Sprintf("commit %d", i))
		hashes = append(hashes, git("rev-parse", "HEAD"))
	}
	ctx := context.Background()
	checkouts := &bisection.Checkouts{WorkDir: t.TempDir()}
	defer func() { assert.Empty(t, checkouts.Close(ctx)) }()
	r := rand.New(rand.NewPCG(26, 2026))
	for n := range 40 {
		h := randomHistory(r, commits)
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Log(h)
			pair := cellPair{baseBuild: "b1", baseMods: mods("golang.org/x/net", modVersions[0]), baseOut: record.Pass, newOut: record.Crash,
				baseSrc: hashes[0], newSrc: hashes[0]}
			if h.tool {
				pair.newBuild = "b2"
			}
			newMod := modVersions[0]
			if h.module {
				newMod = modVersions[len(modVersions)-1]
				pair.newMods = mods("golang.org/x/net", newMod)
			}
			if h.commit {
				pair.newSrc = hashes[commits-1]
			}
			base, next := pair.runs("cell")
			prober := &sigProber{crash: func(req bisection.Request) string {
				data, err := os.ReadFile(filepath.Join(req.Config.Targets[0].Dir, "state"))
				require.NoError(t, err)
				ci, _ := strconv.Atoi(string(data))
				if h.crashes(ci, moduleVersion(req, "golang.org/x/net", newMod)) {
					return "panic: boom in main.main"
				}
				return ""
			}}
			newBuild := next.Cells[0].ToolchainBuild
			ex := &Explainer{
				Config: testConfig(t, dir), Base: base, Next: next, Prober: prober, Checkouts: checkouts,
				Changes:      []ChangedCell{{CellID: "cell", Kind: "new-crash", VerdictChanged: true}},
				Versions:     fakeVersions{modules: map[string][]string{"golang.org/x/net": modVersions}},
				LocalVersion: "go1.26.8", HostArch: "amd64",
				Builds: func(context.Context, config.Toolchain) (string, error) { return newBuild, nil },
			}
			x := &record.Explain{}
			ex.Explain(ctx, x)
			require.Len(t, x.Explanations, 1)
			checkClaims(t, h, hashes, x.Explanations[0])
		})
	}
}

// checkClaims checks one explanation of a generated history (see
// TestExplainerProperty).
func checkClaims(t *testing.T, h history, hashes []string, e record.Explanation) {
	t.Helper()
	active := 0
	for _, c := range []bool{h.toolCause, h.commitCause, h.modCause} {
		if c {
			active++
		}
	}
	if !e.Explained {
		assert.NotEmpty(t, e.Reason)
		assert.Greater(t, active, 1, "one active cause, not explained: %s", e.Reason)
		return
	}
	switch e.Kind {
	case record.CauseToolchainBuild:
		assert.True(t, h.toolCause, "blamed the toolchain's build: %s", e.Culprit)
	case record.CauseCommit:
		assert.True(t, h.commitCause && !h.toolCause, "blamed a commit: %s", e.Culprit)
		require.NotNil(t, e.Commit)
		assert.Equal(t, hashes[h.badCommit], e.Commit.Commit, "the first bad commit")
	case record.CauseModule:
		assert.True(t, h.modCause && !h.toolCause, "blamed a module: %s", e.Culprit)
		assert.Equal(t, modVersions[h.badVersion], e.Version, "the first bad version")
	default:
		t.Errorf("unexpected cause %s: %s", e.Kind, e.Culprit)
	}
	for _, s := range e.Steps {
		if strings.Contains(s.Conclusion, "BASE's verdict") {
			assert.True(t, strings.HasPrefix(s.Conclusion, string(record.Pass)+" "), "a step claims BASE's verdict (pass): %s", s.Conclusion)
		}
	}
	for _, ev := range e.Evidence {
		switch ev.Side {
		case "before":
			assert.Equal(t, record.Pass, ev.Outcome, "before the cause: %+v", ev)
		case "after":
			assert.Equal(t, record.Crash, ev.Outcome, "after the cause: %+v", ev)
		}
	}
}
