package modtree

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
)

// AbsoluteReplaces rewrites the relative directory replacements in the
// go.mod of copyDir, a copy of the module in origDir (replace x => ../lib),
// to the absolute directories they name from origDir, so that they keep
// pointing at the originals; vendor/modules.txt, which repeats them, too.
func AbsoluteReplaces(origDir, copyDir string) error {
	goMod := filepath.Join(copyDir, "go.mod")
	data, err := os.ReadFile(goMod)
	if err != nil {
		return fmt.Errorf("reading the copy's go.mod: %w", err)
	}
	f, err := modfile.Parse(goMod, data, nil)
	if err != nil {
		return fmt.Errorf("parsing the copy's go.mod: %w", err)
	}
	var rewrites []dirReplace
	for _, r := range f.Replace {
		if r.New.Version == "" && modfile.IsDirectoryPath(r.New.Path) && !filepath.IsAbs(r.New.Path) {
			rewrites = append(rewrites, dirReplace{r.Old.Path, r.Old.Version, r.New.Path, filepath.Join(origDir, r.New.Path)})
		}
	}
	if len(rewrites) == 0 {
		return nil
	}
	for _, r := range rewrites {
		if err := f.AddReplace(r.oldPath, r.oldVersion, r.abs, ""); err != nil {
			return fmt.Errorf("rewriting the replacement of %s: %w", r.oldPath, err)
		}
	}
	f.Cleanup()
	out, err := f.Format()
	if err != nil {
		return fmt.Errorf("formatting the copy's go.mod: %w", err)
	}
	if err := os.WriteFile(goMod, out, 0o644); err != nil {
		return fmt.Errorf("writing the copy's go.mod: %w", err)
	}
	return absoluteVendored(copyDir, rewrites)
}

// dirReplace is a relative directory replacement of a go.mod, rel, and
// the absolute directory abs it names from the original module.
type dirReplace struct{ oldPath, oldVersion, rel, abs string }

// absoluteVendored rewrites the replacements of copyDir's
// vendor/modules.txt, if there is one, as AbsoluteReplaces rewrote its
// go.mod's.
func absoluteVendored(copyDir string, rewrites []dirReplace) error {
	modulesTxt := filepath.Join(copyDir, "vendor", "modules.txt")
	vendored, err := os.ReadFile(modulesTxt)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the copy's vendor/modules.txt: %w", err)
	}
	lines := strings.SplitAfter(string(vendored), "\n")
	for i, line := range lines {
		if !strings.HasPrefix(line, "# ") {
			continue
		}
		for _, r := range rewrites {
			body := strings.TrimRight(line, "\r\n")
			if before, ok := strings.CutSuffix(body, " => "+r.rel); ok {
				lines[i] = before + " => " + r.abs + line[len(body):]
				break
			}
		}
	}
	if err := os.WriteFile(modulesTxt, []byte(strings.Join(lines, "")), 0o644); err != nil {
		return fmt.Errorf("writing the copy's vendor/modules.txt: %w", err)
	}
	return nil
}

// ReplaceDirs lists the directory replacements of a go.mod as absolute
// paths: absolute ones as they are (gorepro's alternate go.mod, where
// AbsoluteReplaces made them all absolute), relative ones ("../lib")
// resolved against the go.mod's directory, as the go command resolves
// them.
func ReplaceDirs(goMod string) ([]string, error) {
	data, err := os.ReadFile(goMod)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", goMod, err)
	}
	f, err := modfile.Parse(goMod, data, nil)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", goMod, err)
	}
	var dirs []string
	for _, r := range f.Replace {
		switch {
		case r.New.Version != "":
		case filepath.IsAbs(r.New.Path):
			dirs = append(dirs, r.New.Path)
		case modfile.IsDirectoryPath(r.New.Path):
			dirs = append(dirs, filepath.Join(filepath.Dir(goMod), filepath.FromSlash(r.New.Path)))
		}
	}
	return dirs, nil
}
