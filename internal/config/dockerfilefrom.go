package config

import (
	"fmt"
	"os"
	"strings"

	"github.com/gorepro/gorepro/internal/dockerfile"
)

// fromField is one of the fields of a dockerfile target that say which
// FROM lines an image of the cell replaces.
type fromField struct {
	key, value string
	role       string // "builder" or "runtime"
	stage      bool   // a stage name, else an image pattern
}

// fromFields are t's builderStage, builderFrom, runtimeStage and
// runtimeFrom.
func fromFields(t *Target) []fromField {
	return []fromField{
		{"builderStage", t.BuilderStage, "builder", true},
		{"builderFrom", t.BuilderFrom, "builder", false},
		{"runtimeStage", t.RuntimeStage, "runtime", true},
		{"runtimeFrom", t.RuntimeFrom, "runtime", false},
	}
}

// validateFromFields checks builderStage, builderFrom, runtimeStage and
// runtimeFrom of a dockerfile target: each well formed, at most one per
// image, each selecting FROM lines of the Dockerfile that can be
// replaced, and no FROM line selected for both images.
func (d *decoder) validateFromFields(t *Target, path string) {
	var given []fromField
	seen := map[string]string{} // role → key
	for _, f := range fromFields(t) {
		p := path + "." + f.key
		if !d.has(p) {
			continue
		}
		if problem := fromValueProblem(f); problem != "" {
			d.errorValue(p, problem)
			continue
		}
		if other, ok := seen[f.role]; ok {
			d.errorValue(p, fmt.Sprintf("%s and %s both say which FROM line the %s image replaces: keep one", other, f.key, f.role))
			continue
		}
		seen[f.role] = f.key
		given = append(given, f)
	}
	if len(given) == 0 || t.Dockerfile == "" {
		return
	}
	if info, err := os.Stat(t.Dockerfile); err != nil || !info.Mode().IsRegular() {
		return // reported with the dockerfile field
	}
	df, err := dockerfile.ReadFile(t.Dockerfile)
	if err != nil {
		d.errorValue(path+"."+given[0].key, fmt.Sprintf("cannot read the FROM lines of the Dockerfile: %v", err))
		return
	}
	selected := map[int]string{} // FROM line → key
	for _, f := range given {
		p := path + "." + f.key
		sel := dockerfile.Selector{Image: f.value}
		if f.stage {
			sel = dockerfile.Selector{Stage: f.value}
		}
		froms, err := df.Find(sel)
		if err != nil {
			d.errorValue(p, fmt.Sprintf("in %s: %v", t.Dockerfile, err))
			continue
		}
		for _, from := range froms {
			if other, ok := selected[from.Line]; ok {
				d.errorValue(p, fmt.Sprintf("selects the FROM at %s of %s, which %s already selects for the builder image: one FROM line takes one image", from.Describe(), t.Dockerfile, other))
				break
			}
			selected[from.Line] = f.key
		}
	}
}

// fromValueProblem says why the value of one of the FROM fields is not
// valid, or returns "".
func fromValueProblem(f fromField) string {
	if f.stage {
		switch {
		case f.value == "":
			return fmt.Sprintf("must not be empty: the name after AS of the FROM line the %s image replaces, or leave the field out", f.role)
		}
		return stageNameProblem(f.value)
	}
	if problem := dockerfile.PatternProblem(f.value); problem != "" {
		example := `"registry.access.redhat.com/ubi9/go-toolset:*"`
		if f.role == "runtime" {
			example = `"registry.access.redhat.com/ubi9/ubi-minimal"`
		}
		return fmt.Sprintf("invalid image pattern %q: %s; write the image of the FROM line the %s image replaces, \"*\" standing for any characters, such as %s",
			f.value, strings.TrimSuffix(problem, "."), f.role, example)
	}
	return ""
}

// stageNameProblem says why name is not a Dockerfile stage name, or
// returns "".
func stageNameProblem(name string) string {
	if stageRE.MatchString(name) {
		return ""
	}
	return fmt.Sprintf(`invalid stage name %q: use the name after AS in a FROM line: letters, digits, ".", "_" or "-", starting with a letter or digit`, name)
}
