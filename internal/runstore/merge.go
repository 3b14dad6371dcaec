package runstore

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gorepro/gorepro/internal/gorootfiles"
	"github.com/gorepro/gorepro/internal/record"
)

// MergeInput is one run given to Merge: Source is the path it was named by
// (a run directory, a results.json or a results root), Run the loaded run
// and Dir its run directory, which holds the cells' files under
// cells/<cell-id>/. LoadMergeInput fills it from a path.
type MergeInput struct {
	Source string
	Run    *record.Run
	Dir    string
}

// LoadMergeInput loads the run at path (anything Load accepts) as a merge
// input.
func LoadMergeInput(path string) (MergeInput, error) {
	run, dir, err := Load(path)
	if err != nil {
		return MergeInput{}, err
	}
	return MergeInput{Source: path, Run: run, Dir: dir}, nil
}

// MergeError is Merge's refusal: the inputs are not parts of one matrix
// run. Problems says every reason found, each naming the inputs concerned
// by their Source.
type MergeError struct {
	Problems []string
}

func (e *MergeError) Error() string {
	return "cannot merge: " + strings.Join(e.Problems, "; ")
}

// maxListed is how many cell IDs a duplicate-cell problem lists.
const maxListed = 5

// Merge combines runs of one matrix, typically the shards of `gorepro matrix
// --shard k/n` from runners of different architectures, into one run. It
// refuses (with a *MergeError naming the inputs) when:
//
//   - no run is given, or one is a bisection;
//   - their schema versions differ;
//   - they ran different matrices: MatrixSHA256 differs (ConfigSHA256
//     when some input has no MatrixSHA256);
//   - their shard counts differ;
//   - for some runner architecture (Host.GOARCH: each architecture's
//     runner runs the whole sharded matrix, whose "native" cells are its
//     own), a shard 1..n is missing or given twice, a full run is given
//     twice, or full runs and shards are mixed (a full, unsharded run is
//     complete on its own);
//   - a shard holds fewer or more cells than it was assigned;
//   - the same cell ID is in two inputs.
//
// Interrupted inputs are merged: the merged run is Interrupted and the
// input's Runner says so. The merged run has no ID yet (Draft.Commit
// gives it the writer's): Started is the earliest start, Finished the
// latest finish, Host, Config, ConfigSHA256, MatrixSHA256 and
// GoreproVersion are the first input's, Runners one per input, Toolchains
// the union of the inputs' (by name and host architecture, first seen
// first), Cells, for each runner architecture in order of first
// appearance, its cells in the unsharded matrix's order (by
// Shard.Positions; in input order and then each input's order when a
// shard lacks them) and Collapsed the inputs' collapsed cells added up.
// Analysing the merged cells is the caller's. The cells' file paths are
// unchanged; Draft.CopyMerged copies the files.
func Merge(inputs []MergeInput) (*record.Run, error) {
	if len(inputs) == 0 {
		return nil, &MergeError{Problems: []string{"no runs given"}}
	}
	for _, check := range []func([]MergeInput) []string{checkKinds, checkSchemas, checkMatrices, checkShards, checkCells} {
		if problems := check(inputs); len(problems) > 0 {
			return nil, &MergeError{Problems: problems}
		}
	}

	first := inputs[0].Run
	run := &record.Run{
		SchemaVersion:  record.SchemaVersion,
		GoreproVersion: first.GoreproVersion,
		Started:        first.Started,
		Finished:       first.Finished,
		Config:         first.Config,
		ConfigSHA256:   first.ConfigSHA256,
		MatrixSHA256:   first.MatrixSHA256,
		Host:           first.Host,
		Cells:          []record.Cell{},
	}
	type toolchainKey struct{ name, hostArch string }
	seen := map[toolchainKey]bool{}
	for _, in := range inputs {
		r := in.Run
		if r.Started.Before(run.Started) {
			run.Started = r.Started
		}
		if r.Finished.After(run.Finished) {
			run.Finished = r.Finished
		}
		run.Interrupted = run.Interrupted || r.Interrupted
		run.Runners = append(run.Runners, record.Runner{
			RunID:          r.ID,
			Source:         in.Source,
			Host:           r.Host,
			Started:        r.Started,
			Finished:       r.Finished,
			Shard:          r.Shard,
			Cells:          len(r.Cells),
			GoreproVersion: r.GoreproVersion,
			Interrupted:    r.Interrupted,
		})
		for _, c := range r.Collapsed {
			i := slices.IndexFunc(run.Collapsed, func(d record.Collapse) bool {
				return d.Arch == c.Arch && d.Into == c.Into && d.GOARCH == c.GOARCH && d.HostArch == c.HostArch
			})
			if i < 0 {
				run.Collapsed = append(run.Collapsed, c)
			} else {
				run.Collapsed[i].Cells += c.Cells
			}
		}
		for _, tc := range r.Toolchains {
			k := toolchainKey{tc.Name, cmp.Or(tc.HostArch, r.Host.GOARCH)}
			if !seen[k] {
				seen[k] = true
				run.Toolchains = append(run.Toolchains, tc)
			}
		}
	}
	for _, g := range groupBy(inputs, runnerArch) {
		run.Cells = append(run.Cells, matrixOrder(g.inputs)...)
	}
	return run, nil
}

// checkKinds refuses bisections: their cells are probes of one axis, not
// a matrix.
func checkKinds(inputs []MergeInput) []string {
	var problems []string
	for _, in := range inputs {
		if in.Run.Bisect != nil {
			problems = append(problems, fmt.Sprintf("%s is a bisection (gorepro bisect); merge combines matrix runs", in.Source))
		}
	}
	return problems
}

// checkSchemas refuses inputs of different schema versions.
func checkSchemas(inputs []MergeInput) []string {
	groups := groupBy(inputs, func(in MergeInput) string { return "schemaVersion " + strconv.Itoa(in.Run.SchemaVersion) })
	if len(groups) < 2 {
		return nil
	}
	return []string{"the inputs have different schema versions (" + describeGroups(groups) + "); record them with the same gorepro"}
}

// checkMatrices refuses runs of different matrices.
func checkMatrices(inputs []MergeInput) []string {
	matrixHash := true
	for _, in := range inputs {
		matrixHash = matrixHash && in.Run.MatrixSHA256 != ""
	}
	key, what := func(in MergeInput) string { return "matrix " + short(in.Run.MatrixSHA256) }, "matrices (config or command-line axes, runs or timeouts differ)"
	if !matrixHash {
		key, what = func(in MergeInput) string { return "config " + short(in.Run.ConfigSHA256) }, "configs"
	}
	groups := groupBy(inputs, key)
	if len(groups) < 2 {
		return nil
	}
	return []string{"the inputs are runs of different " + what + ": " + describeGroups(groups) +
		"; run every shard with the same toolchains.json and the same flags"}
}

// checkShards refuses mixed shard counts and, per runner architecture,
// missing or repeated shards.
func checkShards(inputs []MergeInput) []string {
	counts := groupBy(slices.DeleteFunc(slices.Clone(inputs), func(in MergeInput) bool { return in.Run.Shard == nil }),
		func(in MergeInput) string { return "of " + strconv.Itoa(in.Run.Shard.Count) + " shards" })
	if len(counts) > 1 {
		return []string{"the inputs have different shard counts (" + describeGroups(counts) + ")"}
	}
	var problems []string
	for _, arch := range groupBy(inputs, runnerArch) {
		var full []string
		bySource := map[int][]string{} // shard index -> sources
		count := 0
		for _, in := range arch.inputs {
			if s := in.Run.Shard; s != nil {
				bySource[s.Index] = append(bySource[s.Index], in.Source)
				count = s.Count
			} else {
				full = append(full, in.Source)
			}
		}
		where := "runner arch " + arch.key
		switch {
		case len(full) > 1:
			problems = append(problems, fmt.Sprintf("%s: the full run is given %d times (%s)", where, len(full), strings.Join(full, ", ")))
		case len(full) == 1 && count > 0:
			problems = append(problems, fmt.Sprintf("%s: both a full run (%s) and shards of %d are given", where, full[0], count))
		}
		if count == 0 {
			continue
		}
		var missing []string
		for k := 1; k <= count; k++ {
			switch sources := bySource[k]; {
			case len(sources) == 0:
				missing = append(missing, fmt.Sprintf("%d/%d", k, count))
			case len(sources) > 1:
				problems = append(problems, fmt.Sprintf("%s: shard %d/%d is given %d times (%s)", where, k, count, len(sources), strings.Join(sources, ", ")))
			}
		}
		if len(missing) > 0 {
			noun := "shard"
			if len(missing) > 1 {
				noun = "shards"
			}
			problems = append(problems, fmt.Sprintf("%s: %s %s missing (given: %s)", where, noun, strings.Join(missing, ", "), describeShards(arch.inputs)))
		}
	}
	return problems
}

// checkCells refuses shards that do not hold the cells they were assigned
// and cells that are in more than one input.
func checkCells(inputs []MergeInput) []string {
	var problems []string
	for _, in := range inputs {
		if s := in.Run.Shard; s != nil && len(in.Run.Cells) != s.Assigned {
			problems = append(problems, fmt.Sprintf("%s: shard %d/%d was assigned %d of %d cells but holds %d (missing cells: an incomplete results.json?)",
				in.Source, s.Index, s.Count, s.Assigned, s.Total, len(in.Run.Cells)))
		}
	}
	firstIn := map[string]string{} // cell ID -> source
	var dups []string
	dupCount := 0
	for _, in := range inputs {
		for _, c := range in.Run.Cells {
			if src, ok := firstIn[c.ID]; ok {
				dupCount++
				if len(dups) < maxListed {
					dups = append(dups, fmt.Sprintf("%s (in %s and %s)", c.ID, src, in.Source))
				}
				continue
			}
			firstIn[c.ID] = in.Source
		}
	}
	if dupCount > 0 {
		more := ""
		if dupCount > len(dups) {
			more = fmt.Sprintf(" and %d more", dupCount-len(dups))
		}
		problems = append(problems, fmt.Sprintf("duplicate cells: %s%s; each cell must come from exactly one input", strings.Join(dups, ", "), more))
	}
	return problems
}

// runnerArch is the architecture of the machine that ran an input: each
// runner architecture runs the whole (sharded) matrix.
func runnerArch(in MergeInput) string { return cmp.Or(in.Run.Host.GOARCH, "unknown") }

// matrixOrder returns the cells of one runner architecture's inputs in the
// order of the unsharded matrix, from the shards' Positions, or in input
// order when a shard does not record them.
func matrixOrder(inputs []MergeInput) []record.Cell {
	type placed struct {
		position int
		cell     record.Cell
	}
	var cells []placed
	positioned := true
	for _, in := range inputs {
		s := in.Run.Shard
		positioned = positioned && (s == nil || len(s.Positions) == len(in.Run.Cells))
		for i, c := range in.Run.Cells {
			p := placed{position: i, cell: c}
			if s != nil && i < len(s.Positions) {
				p.position = s.Positions[i]
			}
			cells = append(cells, p)
		}
	}
	if positioned {
		slices.SortStableFunc(cells, func(a, b placed) int { return cmp.Compare(a.position, b.position) })
	}
	out := make([]record.Cell, len(cells))
	for i, p := range cells {
		out[i] = p.cell
	}
	return out
}

// inputGroup is the inputs that share a key, in input order.
type inputGroup struct {
	key    string
	inputs []MergeInput
}

// groupBy groups inputs by key, the groups in order of first appearance.
func groupBy(inputs []MergeInput, key func(MergeInput) string) []inputGroup {
	var groups []inputGroup
	for _, in := range inputs {
		k := key(in)
		i := slices.IndexFunc(groups, func(g inputGroup) bool { return g.key == k })
		if i < 0 {
			groups = append(groups, inputGroup{key: k})
			i = len(groups) - 1
		}
		groups[i].inputs = append(groups[i].inputs, in)
	}
	return groups
}

// describeGroups says which inputs have which key: "matrix 1a2b3c4d5e6f:
// a, b; matrix 9f8e7d6c5b4a: c".
func describeGroups(groups []inputGroup) string {
	parts := make([]string, len(groups))
	for i, g := range groups {
		sources := make([]string, len(g.inputs))
		for j, in := range g.inputs {
			sources[j] = in.Source
		}
		parts[i] = g.key + ": " + strings.Join(sources, ", ")
	}
	return strings.Join(parts, "; ")
}

// describeShards lists inputs with their shards: "a (1/3), b (3/3)".
func describeShards(inputs []MergeInput) string {
	parts := make([]string, len(inputs))
	for i, in := range inputs {
		what := "full run"
		if s := in.Run.Shard; s != nil {
			what = fmt.Sprintf("%d/%d", s.Index, s.Count)
		}
		parts[i] = in.Source + " (" + what + ")"
	}
	return strings.Join(parts, ", ")
}

// short abbreviates a hash for messages; an empty one is "(none)".
func short(sum string) string {
	if sum == "" {
		return "(none)"
	}
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}

// CopyMerged copies into the run being written the files of run, the
// result of Merge(inputs): every cell's files (logs and kept sources,
// under cells/<cell-id>/ of the input the cell came from) and the
// toolchains' GOROOT manifests, loaded with the inputs and stored again
// under names that tell the runners' architectures apart (run's
// toolchains then name them). Committing the run is the caller's.
func (w *Draft) CopyMerged(run *record.Run, inputs []MergeInput) error {
	for _, in := range inputs {
		for _, c := range in.Run.Cells {
			if err := w.CopyCellFiles(c.ID, in.Dir); err != nil {
				return fmt.Errorf("merging %s: %w", in.Source, err)
			}
		}
	}
	for i := range run.Toolchains {
		t := &run.Toolchains[i]
		t.Manifest = ""
		if t.Files == nil {
			continue
		}
		data, err := gorootfiles.Manifest(t.Files).Encode()
		if err != nil {
			return fmt.Errorf("merging the manifest of toolchain %s: %w", t.Name, err)
		}
		name := "goroot-" + t.Name + "-" + cmp.Or(t.HostArch, "any") + ".manifest.gz"
		if err := w.WriteFile(name, data); err != nil {
			return fmt.Errorf("merging the manifest of toolchain %s: %w", t.Name, err)
		}
		t.Manifest = name
	}
	return nil
}

// CopyCellFiles copies the files of cell cellID from another run's
// directory (everything under fromRunDir/cells/<cellID>/) into this run,
// keeping their relative paths, so the paths recorded in the cell stay
// valid. A cell without files (nothing was built) copies nothing. Only
// regular files are copied.
func (w *Draft) CopyCellFiles(cellID, fromRunDir string) error {
	if err := checkFileName(cellID); err != nil {
		return fmt.Errorf("copying files of cell %q: invalid cell id: %w", cellID, err)
	}
	src := filepath.Join(fromRunDir, CellsDir, cellID)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.WriteCellFile(cellID, filepath.ToSlash(rel), data)
		return err
	})
	if errors.Is(err, fs.ErrNotExist) && !exists(src) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("copying files of cell %s: %w", cellID, err)
	}
	return nil
}
