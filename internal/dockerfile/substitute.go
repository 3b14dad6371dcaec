package dockerfile

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Selector picks FROM lines: by stage name (Stage) or by image pattern
// (Image); exactly one is set.
type Selector struct {
	Stage string
	Image string
}

// String says what s selects: `stage "builder"` or `image pattern "golang:*"`.
func (s Selector) String() string {
	if s.Stage != "" {
		return fmt.Sprintf("stage %q", s.Stage)
	}
	return fmt.Sprintf("image pattern %q", s.Image)
}

// PatternProblem says why pattern is not an image pattern, or returns "".
func PatternProblem(pattern string) string {
	switch {
	case pattern == "":
		return "empty"
	case strings.ContainsAny(pattern, " \t\n\r"):
		return "contains white space; an image reference has none"
	case strings.Trim(pattern, "*") == "":
		return "matches every image"
	}
	return ""
}

// MatchImage says whether image pattern matches image (see the package
// doc): the whole reference, or, for a pattern with neither tag nor
// digest, its repository.
func MatchImage(pattern, image string) bool {
	re := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, ".*") + "$")
	if re.MatchString(image) {
		return true
	}
	if hasTagOrDigest(pattern) {
		return false
	}
	return re.MatchString(repository(image))
}

// repository is image without its tag and digest.
func repository(image string) string {
	image, _, _ = strings.Cut(image, "@")
	if i := strings.LastIndexByte(image, ':'); i > strings.LastIndexByte(image, '/') {
		image = image[:i]
	}
	return image
}

func hasTagOrDigest(pattern string) bool { return repository(pattern) != pattern }

// Find returns the FROM lines s selects. The error says why there are
// none, listing the file's FROM lines, or why one of them cannot be
// replaced (a stage built FROM another stage, an image word cut by a
// line continuation).
func (f *File) Find(s Selector) ([]From, error) {
	var found []From
	for _, from := range f.Froms {
		switch {
		case s.Stage != "" && strings.EqualFold(from.Stage, s.Stage):
			if from.StageRef {
				return nil, fmt.Errorf("stage %s is built FROM the stage %s, not from an image (%s): name the stage whose FROM names the image", from.Stage, from.Image, from.Describe())
			}
		case s.Image != "" && !from.StageRef && (MatchImage(s.Image, from.Image) || MatchImage(s.Image, from.Expanded)):
		default:
			continue
		}
		if from.split {
			return nil, fmt.Errorf("the image of the FROM at %s is cut by a line continuation; write it on one line", from.Describe())
		}
		found = append(found, from)
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("%s matches no FROM line; %s", s, f.fromList())
	}
	return found, nil
}

// fromList lists the FROM lines of f for messages.
func (f *File) fromList() string {
	if len(f.Froms) == 0 {
		return "the Dockerfile has no FROM line"
	}
	lines := make([]string, len(f.Froms))
	for i, from := range f.Froms {
		lines[i] = from.Describe()
		if from.UsesVariable() && from.Expanded != from.Image {
			lines[i] += fmt.Sprintf(" (%s with the ARG defaults)", from.Expanded)
		}
	}
	return "its FROM lines are " + strings.Join(lines, "; ")
}

// Change is one FROM line whose image is replaced: by To, for Role
// ("builder", "runtime").
type Change struct {
	From
	Role string
	To   string
}

// Substitute returns the file with the image word of each change's FROM
// replaced by its To; every other byte is kept.
func (f *File) Substitute(changes []Change) []byte {
	sorted := slices.Clone(changes)
	slices.SortFunc(sorted, func(a, b Change) int { return b.imageOff - a.imageOff })
	out := slices.Clone(f.data)
	for _, c := range sorted {
		out = slices.Concat(out[:c.imageOff], []byte(c.To), out[c.imageOff+len(c.Image):])
	}
	return out
}

// SedScript returns the sed expressions (one for each change, for sed -e)
// that make Substitute's file from the original: "LINEs|IMAGE|TO|N",
// replacing the Nth occurrence of the image word on its line.
func (f *File) SedScript(changes []Change) []string {
	exprs := make([]string, 0, len(changes))
	for _, c := range changes {
		l := f.lines[c.ImageLine-1]
		nth := strings.Count(string(f.data[l.off:c.imageOff]), c.Image) + 1
		exprs = append(exprs, fmt.Sprintf("%ds|%s|%s|%d", c.ImageLine, sedPattern(c.Image), sedReplacement(c.To), nth))
	}
	return exprs
}

// sedPattern quotes s as a POSIX basic regular expression between "|".
func sedPattern(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.*[]^$|`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sedReplacement quotes s as the replacement of a sed s|…|…| command.
func sedReplacement(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\&|`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
