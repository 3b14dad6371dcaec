package cellbuild

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/dockerfile"
	"github.com/gorepro/gorepro/internal/record"
)

// fromCopy is the copy of a Dockerfile target's Dockerfile with FROM
// images replaced for one cell: what the record says, and the sed
// expressions that make the same copy from the Dockerfile on another
// machine.
type fromCopy struct {
	rec *record.DockerfileCopy
	sed []string
}

// writeFromCopy writes, under s.WorkDir/dockerfiles, the copy of s's
// Dockerfile in which the FROM lines the target selects (builderStage,
// builderFrom, runtimeStage, runtimeFrom) name the cell's builder and
// runtime images, pinned (container.Image.Pinned: repo@sha256:… or the
// image ID), never by tag. It returns nil when the target selects none. The copy
// is named by its content, so cells that make the same share it.
func writeFromCopy(s Spec) (*fromCopy, error) {
	t := s.Target
	builder, runtime := t.BuilderSelector(), t.RuntimeSelector()
	if builder == (dockerfile.Selector{}) && runtime == (dockerfile.Selector{}) {
		return nil, nil
	}
	df, err := dockerfile.ReadFile(t.Dockerfile)
	if err != nil {
		return nil, fmt.Errorf("reading the FROM lines of the Dockerfile: %w", err)
	}
	c := s.Toolchain.Container
	rec := &record.DockerfileCopy{Path: t.Dockerfile}
	var changes []dockerfile.Change
	for _, r := range []struct {
		sel          dockerfile.Selector
		role, fields string
	}{{builder, "builder", "builderStage/builderFrom"}, {runtime, "runtime", "runtimeStage/runtimeFrom"}} {
		if r.sel == (dockerfile.Selector{}) {
			continue
		}
		froms, err := df.Find(r.sel)
		if err != nil {
			return nil, fmt.Errorf("%s of target %s, in %s: %w", fieldOf(t, r.role), t.Name, t.Dockerfile, err)
		}
		// The image the cell is keyed by, as {{.Image}} gives it: a tag
		// may name another image by the time the cell is reproduced.
		image := c.Builder
		if r.role == "runtime" {
			if c.Runtime == nil {
				rec.Notes = append(rec.Notes, fmt.Sprintf("toolchain %s has no runtime image: the FROM lines %s selects keep the Dockerfile's image", s.Toolchain.Name, fieldOf(t, r.role)))
				continue
			}
			image = c.Runtime
		}
		pinned, ref := image.Pinned(), ""
		if pinned != image.Ref {
			ref = image.Ref
		}
		for _, from := range froms {
			changes = append(changes, dockerfile.Change{From: from, Role: r.role, To: pinned})
			rec.Froms = append(rec.Froms, record.FromChange{Line: from.Line, Stage: from.Stage, Role: r.role,
				From: from.Image, To: pinned, ToRef: ref, Variable: from.UsesVariable()})
		}
	}
	data := df.Substitute(changes)
	sum := sha256.Sum256(data)
	dir := filepath.Join(s.WorkDir, "dockerfiles")
	rec.Copy = filepath.Join(dir, hex.EncodeToString(sum[:8])+"."+filepath.Base(t.Dockerfile))
	if err := writeOnce(rec.Copy, data); err != nil {
		return nil, fmt.Errorf("writing the copy of the Dockerfile: %w", err)
	}
	return &fromCopy{rec: rec, sed: df.SedScript(changes)}, nil
}

// fieldOf names the field of t that selects the FROM lines of role.
func fieldOf(t config.Target, role string) string {
	if role == "runtime" {
		if t.RuntimeStage != "" {
			return "runtimeStage"
		}
		return "runtimeFrom"
	}
	if t.BuilderStage != "" {
		return "builderStage"
	}
	return "builderFrom"
}

// writeOnce writes data to path unless a file is there already (named by
// its content, it holds data): through a temporary file renamed into
// place, so that a concurrent cell never reads half a file.
func writeOnce(path string, data []byte) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
	}
	return werr
}

// script is the reproduce script of a build of the copy by argv (the
// engine's build command, redacted): it remakes the copy from the
// Dockerfile with sed in $GOREPRO_TMP, then builds it.
func (fc *fromCopy) script(argv []string) string {
	w := &scriptWriter{}
	fmt.Fprintf(&w.b, "# gorepro builds a copy of %s with these FROM images replaced (the Dockerfile itself is unchanged):\n", fc.rec.Path)
	for _, f := range fc.rec.Froms {
		fmt.Fprintf(&w.b, "#   %s\n", f)
	}
	for _, n := range fc.rec.Notes {
		fmt.Fprintf(&w.b, "# %s\n", n)
	}
	copyWord := scriptTmp + "/" + filepath.Base(fc.rec.Path)
	w.line(ScriptTmpVar + "=$(mktemp -d)")
	sed := []string{"sed"}
	for _, e := range fc.sed {
		sed = append(sed, "-e", e)
	}
	w.b.WriteString(shellJoin(append(sed, fc.rec.Path)) + " > " + scriptWord(copyWord) + "\n")
	words := make([]string, len(argv))
	for i, a := range argv {
		words[i] = a
		if a == fc.rec.Copy {
			words[i] = copyWord
		}
	}
	w.line(words...)
	return strings.TrimSuffix(w.b.String(), "\n")
}
